"""Which language a comment is in, offline: function-word profiles and Unicode scripts.

The sentiment model reads English only. Rather than guess at other languages, each
comment's language is identified and a comment in another one is reported as such.

> A comment's language: a non-Latin script (Cyrillic, Greek, Arabic, Hebrew, CJK, Hangul,
> Thai, Devanagari …) when most of its letters are in one; otherwise the language whose
> common function words (the ~40 most frequent short words of each of 14 languages,
> less those English shares) the comment uses most, when it uses at least two of them
> (one in a comment of at most four words) and more of them than of English function
> words that language does not share; English otherwise. A comment with no function word of any
> language is "und" (undetermined) and read as English, since short English comments
> ("Great service!") often have none.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

SUPPORTED = ("en",)
"""The languages the sentiment model and the themes read."""

UNDETERMINED = "und"

FUNCTION_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "a the and is was are were it this that to of in for with my you not but have "
        "had be been very they we i me on at so can would could our your an or what there "
        "do did does no just all from will about",
        "de": "der die das und ist nicht ich es sie wir ein eine einen mit sehr auf für "
        "den dem des zu war sind habe hat aber auch noch nur wie kann mein meine bei "
        "nach wenn dass oder schon",
        "fr": "le la les et est une un des pas je il elle nous vous du au aux avec pour "
        "mais très sur dans ce cette qui que ne été suis ont était mon ma mes plus bien "
        "sont avoir tout",
        "es": "el la los las y es un una que no de muy me nada con para por pero se su mi lo "
        "del al fue son está estoy ha han como más todo nos este esta bien hay",
        "it": "il lo la gli le e è un una che non di molto con per ma si mi ho ha del "
        "della sono era come più tutto questo questa anche nel alla bene",
        "pt": "o a os as e é um uma que não de muito com para por mas se meu minha foi "
        "são está do da dos das no na em ao mais como tudo isso bem também",
        "nl": "de het een en is niet ik je we zijn was met voor op van dat die er maar "
        "ook heel zeer mijn naar bij nog als wel geen heb heeft kan",
        "sv": "och är det att en ett inte jag du vi som på med för av till var har den "
        "men mycket min mitt kan från också bra",
        "da": "og er det at en et ikke jeg du vi som på med for af til var har den men "
        "meget min mit kan fra også godt",
        "no": "og er det at en et ikke jeg du vi som på med for av til var har den men "
        "veldig min mitt kan fra også bra",
        "fi": "ja on ei se että oli olen mutta kun niin myös tämä hyvin ovat minä sinä "
        "me he mitä kuin vain erittäin hyvä",
        "pl": "i w na nie jest to się że z do jak ale bardzo mnie jestem było są co tak "
        "za od po już tylko dla",
        "tr": "ve bir bu da de çok için ile ama değil ne gibi daha var yok ben sen biz "
        "olarak olan kadar sonra",
        "id": "dan yang di ini itu dengan untuk tidak ada saya kami anda dari ke akan "
        "juga sangat bisa sudah belum",
    }.items()
}
"""The most frequent short words of each language (hand-written lists, ours)."""

_ENGLISH = FUNCTION_WORDS["en"]
EVIDENCE: dict[str, frozenset[str]] = {
    lang: words if lang == "en" else words - _ENGLISH for lang, words in FUNCTION_WORDS.items()
}
"""The words that tell each language from English (a word English shares, such as "to"
or "die", says nothing against English)."""

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)

_SCRIPTS = (
    ("CYRILLIC", "Cyrillic script"),
    ("GREEK", "Greek script"),
    ("ARABIC", "Arabic script"),
    ("HEBREW", "Hebrew script"),
    ("CJK", "Chinese or Japanese"),
    ("HIRAGANA", "Japanese"),
    ("KATAKANA", "Japanese"),
    ("HANGUL", "Korean"),
    ("THAI", "Thai"),
    ("DEVANAGARI", "Devanagari script"),
    ("BENGALI", "Bengali script"),
    ("TAMIL", "Tamil script"),
    ("ARMENIAN", "Armenian script"),
    ("GEORGIAN", "Georgian script"),
)


@dataclass(frozen=True)
class Language:
    """A comment's language: a code (ISO 639-1, "und", or a script's name) and whether
    the sentiment model reads it."""

    code: str

    @property
    def supported(self) -> bool:
        return self.code in SUPPORTED or self.code == UNDETERMINED


def _script(text: str) -> str | None:
    """The non-Latin script most of the letters are in, or None."""
    counts: dict[str, int] = {}
    letters = 0
    for char in text:
        if not char.isalpha():
            continue
        letters += 1
        if ord(char) < 0x250:  # Latin (basic, supplement, extended A/B)
            continue
        name = unicodedata.name(char, "")
        for key, label in _SCRIPTS:
            if name.startswith(key) or f" {key}" in name[:20]:
                counts[label] = counts.get(label, 0) + 1
                break
    if not counts or not letters:
        return None
    label, count = max(counts.items(), key=lambda item: item[1])
    return label if count * 2 > letters else None


def detect_language(text: str) -> Language:
    """The language of one comment (the module's docstring defines how)."""
    script = _script(text)
    if script is not None:
        return Language(script)
    words = _WORD.findall(text.lower())
    if not words:
        return Language(UNDETERMINED)
    best, count, against = "en", 0, 0
    for lang, evidence in EVIDENCE.items():
        if lang == "en":
            continue
        hits = sum(1 for w in words if w in evidence)
        if hits > count:
            profile = FUNCTION_WORDS[lang]
            best, count = lang, hits
            against = sum(1 for w in words if w in _ENGLISH and w not in profile)
    if count >= (1 if len(words) <= 4 else 2) and count > against:
        return Language(best)
    if not any(w in _ENGLISH for w in words) and count == 0:
        return Language(UNDETERMINED)
    return Language("en")


def detect_languages(texts: Sequence[str]) -> list[Language]:
    """The language of each comment."""
    return [detect_language(text) for text in texts]
