"""The words a research quote or source is found by: the search index's terms.

A term is a word folded to lower case without accents (`Réservé` → `reserve`), at least
two characters long, cut at `TERM_CHARS`; a few English function words are left out. A
search matches an item that has, for every word of the query, a term that starts with it
(so `cancel` finds "cancelled" and "cancellation"), ranked by how many of the query's
words it matches and then by recency. The index is an ordinary table (`research_terms`),
so the search is the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import unicodedata

TERM_CHARS = 40
"""The longest term kept (longer words are cut to this)."""

MAX_QUERY_TERMS = 8
"""The most words of a query that are searched for."""

STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "his",
        "i",
        "if",
        "in",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "she",
        "so",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "which",
        "who",
        "with",
        "you",
        "your",
    ]
)
"""Words too common to search by."""

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """Lower case without accents."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """The text's searchable words in order (repeats kept)."""
    found = []
    for match in _WORD.finditer(fold(text)):
        word = match.group(0)[:TERM_CHARS]
        if len(word) >= 2 and word not in STOP_WORDS:
            found.append(word)
    return found


def terms(text: str) -> set[str]:
    """The distinct terms the text is indexed under."""
    return set(words(text))


def query_terms(query: str) -> list[str]:
    """A query's words, in order, without repeats, at most `MAX_QUERY_TERMS`."""
    seen: dict[str, None] = {}
    for word in words(query):
        seen.setdefault(word, None)
    return list(seen)[:MAX_QUERY_TERMS]


def prefix_end(term: str) -> str:
    """The smallest string after every string that starts with `term` (for a range scan)."""
    return term + "\U0010ffff"
