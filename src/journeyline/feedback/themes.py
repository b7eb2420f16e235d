"""Themes in free-text comments: similar comments grouped, labelled, quoted, and the
negative ones suggested as pain points, offline.

> Themes: the comments the model reads are weighted by TF-IDF over their words and word
> pairs (links, @handles and English stop words left out; terms in fewer than 2 comments or more than half
> of them dropped), reduced to at most 30 dimensions by truncated SVD (latent semantic
> analysis), normalised, and grouped by k-means (k-means++ starts, fixed seed; mini-batch
> from 10,000 comments). k is given, or chosen among 2…12 by the best silhouette on a
> sample of at most 2,000 comments. A theme's label is its three most distinctive terms
> (highest mean weight in the theme above the mean over all comments); its quotes are the
> comments nearest its centre (of comments equally near, the first in the file); its reach
> is its share of the comments read. Comments with
> no term left (all stop words, or unique words) form no theme.

> A suggested pain point: a theme of at least 3 comments where negative comments are at
> least `negative_share` (default 0.5) of the theme and outnumber the positive ones. Its
> reach is the theme's, its evidence the theme's negative comments nearest its centre.
> It is a suggestion: a person accepts it (`accept_pain_point` adds it to a map with its
> quotes as evidence) or rejects it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from journeyline.feedback.sentiment import CommentSentiment, SentimentSummary, summarise

MAX_K = 12
DIMENSIONS = 30
SAMPLE = 2_000
QUOTE_CHARS = 280
MINIBATCH_FROM = 10_000


@dataclass
class Quote:
    """A comment quoted as evidence: its row in the file and its words."""

    row: int
    text: str
    label: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "text": self.text, "label": self.label, "score": self.score}


@dataclass
class PainPointSuggestion:
    """A pain point the comments suggest, for a person to accept or reject."""

    id: str
    name: str
    description: str
    reach: float
    theme: int
    evidence: list[Quote]
    status: str = "suggested"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "reach": self.reach,
            "theme": self.theme,
            "status": self.status,
            "evidence": [q.to_dict() for q in self.evidence],
        }


@dataclass
class Theme:
    """A group of similar comments."""

    id: int
    label: str
    terms: list[str]
    size: int
    reach: float
    quotes: list[Quote]
    sentiment: SentimentSummary
    rows: list[int] = field(default_factory=list)
    pain_point: PainPointSuggestion | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "terms": self.terms,
            "size": self.size,
            "reach": self.reach,
            "sentiment": self.sentiment.to_dict(),
            "quotes": [q.to_dict() for q in self.quotes],
            "pain_point": self.pain_point.to_dict() if self.pain_point else None,
        }


@dataclass
class Themes:
    """The themes of a set of comments, largest first."""

    comments: int
    read: int
    unthemed: int
    themes: list[Theme]

    @property
    def pain_points(self) -> list[PainPointSuggestion]:
        return [t.pain_point for t in self.themes if t.pain_point is not None]


_NOISE = re.compile(r"https?://\S+|www\.\S+|@\w+|\S+@\S+\.\w+")
CONTRACTIONS = frozenset(
    [
        "i'm",
        "it's",
        "don't",
        "can't",
        "didn't",
        "doesn't",
        "isn't",
        "wasn't",
        "won't",
        "i've",
        "i'll",
        "i'd",
        "you're",
        "they're",
        "that's",
        "there's",
        "we're",
        "we've",
        "what's",
        "let's",
        "couldn't",
        "wouldn't",
        "shouldn't",
        "haven't",
        "couldn",
        "didn",
        "doesn",
        "don",
        "haven",
        "isn",
        "let",
        "ll",
        "shouldn",
        "ve",
        "wasn",
        "won",
        "wouldn",
    ]
)


def theme_text(text: str) -> str:
    """A comment as the themes read it: links, @handles and e-mail addresses left out."""
    return _NOISE.sub(" ", text).replace("#", " ")


def _quote_text(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "…"


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:48].strip("-") or "theme"


def _choose_k(vectors: Any, candidates: Sequence[int], seed: int) -> int:
    import numpy as np
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    rng = np.random.default_rng(seed)
    sample = vectors
    if vectors.shape[0] > SAMPLE:
        sample = vectors[rng.choice(vectors.shape[0], SAMPLE, replace=False)]
    best, best_score = candidates[0], -2.0
    for k in candidates:
        if k >= sample.shape[0]:
            break
        labels = KMeans(n_clusters=k, n_init=2, random_state=seed).fit_predict(sample)
        if len(set(labels)) < 2:
            continue
        score = float(silhouette_score(sample, labels))
        if score > best_score + 1e-9:
            best, best_score = k, score
    return best


def find_themes(
    texts: Sequence[str],
    sentiments: Sequence[CommentSentiment],
    *,
    rows: Sequence[int] | None = None,
    k: int | None = None,
    quotes: int = 3,
    negative_share: float = 0.5,
    seed: int = 15,
    progress: Callable[[str], None] | None = None,
) -> Themes:
    """Group the comments into themes (the module's docstring defines how).

    The SVD and k-means run on one native thread: with a thread per core they spin against
    each other and the machine's other work (the themes of 100,000 comments on 2 cores at
    load 7: 9-10 s CPU with two threads, 3-3.6 s with one; on a quiet machine the same wall
    time and 1.2 s less CPU), and the web app runs themes in worker processes already.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        return _find_themes(texts, sentiments, rows, k, quotes, negative_share, seed, progress)


def _find_themes(
    texts: Sequence[str],
    sentiments: Sequence[CommentSentiment],
    rows: Sequence[int] | None,
    k: int | None,
    quotes: int,
    negative_share: float,
    seed: int,
    progress: Callable[[str], None] | None,
) -> Themes:
    import numpy as np
    from sklearn.cluster import KMeans, MiniBatchKMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
    from sklearn.preprocessing import normalize

    rows = list(rows) if rows is not None else list(range(1, len(texts) + 1))
    readable = [i for i, s in enumerate(sentiments) if s.supported and texts[i].strip()]
    result = Themes(len(texts), len(readable), len(readable), [])
    if len(readable) < 4:
        return result
    step = progress or (lambda _: None)
    step("weighting terms")
    vectorizer = TfidfVectorizer(
        stop_words=sorted(ENGLISH_STOP_WORDS | CONTRACTIONS),
        ngram_range=(1, 2),
        min_df=2,
        max_df=0.5,
        sublinear_tf=True,
        max_features=50_000,
        token_pattern=r"(?u)\b[^\W\d_][\w']+\b",
    )
    try:
        weights = vectorizer.fit_transform([theme_text(texts[i]) for i in readable])
    except ValueError:  # no term in two comments
        return result
    has_terms = np.asarray(weights.getnnz(axis=1) > 0)
    kept = [readable[i] for i in np.flatnonzero(has_terms)]
    weights = weights[has_terms]
    if len(kept) < 4 or weights.shape[1] < 2:
        return result
    step("reducing dimensions")
    dims = max(1, min(DIMENSIONS, weights.shape[1] - 1, len(kept) - 1))
    vectors = TruncatedSVD(n_components=dims, random_state=seed).fit_transform(weights)
    vectors = normalize(vectors)
    if k is None:
        step("choosing the number of themes")
        k = _choose_k(vectors, list(range(2, MAX_K + 1)), seed)
    k = max(1, min(k, len(kept)))
    step(f"grouping into {k} themes")
    if len(kept) >= MINIBATCH_FROM:
        clusterer: Any = MiniBatchKMeans(n_clusters=k, random_state=seed, batch_size=4096, n_init=3)
    else:
        clusterer = KMeans(n_clusters=k, n_init=4, random_state=seed)
    assignment = clusterer.fit_predict(vectors)
    centres = normalize(clusterer.cluster_centers_)
    terms = vectorizer.get_feature_names_out()
    overall = np.asarray(weights.mean(axis=0)).ravel()
    step("labelling themes")
    themes: list[Theme] = []
    for cluster in range(k):
        members = np.flatnonzero(assignment == cluster)
        if not len(members):
            continue
        mean = np.asarray(weights[members].mean(axis=0)).ravel()
        top = [str(terms[i]) for i in np.argsort(-(mean - overall))[:8] if mean[i] > 0]
        label_terms: list[str] = []
        for term in top:  # a pair and its own words say the same: keep the first
            if any(term in t.split() or t in term.split() for t in label_terms):
                continue
            label_terms.append(term)
            if len(label_terms) == 3:
                break
        # Nearest the centre first; comments equally near (the same terms) in file order,
        # whatever the float noise of the arithmetic (threads, BLAS) says of their tie.
        closeness = np.round(vectors[members] @ centres[cluster], 9)
        order = members[np.argsort(-closeness, kind="stable")]
        sentiment = summarise(sentiments[kept[i]] for i in members)
        chosen = _pick_quotes(order, kept, texts, rows, sentiments, quotes, None)
        themes.append(
            Theme(
                id=0,
                label=" / ".join(label_terms) or "(no label)",
                terms=top,
                size=len(members),
                reach=round(len(members) / len(readable), 4),
                quotes=chosen,
                sentiment=sentiment,
                rows=sorted(rows[kept[i]] for i in members),
            )
        )
        theme = themes[-1]
        if (
            theme.size >= 3
            and sentiment.n
            and sentiment.negative / sentiment.n >= negative_share
            and sentiment.negative > sentiment.positive
        ):
            evidence = _pick_quotes(order, kept, texts, rows, sentiments, quotes, "negative")
            theme.pain_point = PainPointSuggestion(
                id="",
                name=f"Customers complain about {theme.label.replace(' / ', ', ')}",
                description=(
                    f"{theme.size:,} of {len(readable):,} comments ({theme.reach:.0%}) are about "
                    f"{theme.label.replace(' / ', ', ')}; {sentiment.negative:,} of them negative."
                ),
                reach=theme.reach,
                theme=0,
                evidence=evidence,
            )
    themes.sort(key=lambda t: (-t.size, t.label))
    seen: set[str] = set()
    for number, theme in enumerate(themes, start=1):
        theme.id = number
        if theme.pain_point is not None:
            slug = "pain-" + _slug(theme.label)
            while slug in seen:
                slug += f"-{number}"
            seen.add(slug)
            theme.pain_point.id = slug
            theme.pain_point.theme = number
    result.unthemed = len(readable) - len(kept)
    result.themes = themes
    return result


def _pick_quotes(
    order: Any,
    kept: Sequence[int],
    texts: Sequence[str],
    rows: Sequence[int],
    sentiments: Sequence[CommentSentiment],
    count: int,
    label: str | None,
) -> list[Quote]:
    """The comments nearest the centre (of one label), each text once."""
    picked: list[Quote] = []
    seen: set[str] = set()
    for member in order[: max(200, count * 20)]:
        index = kept[int(member)]
        sentiment = sentiments[index]
        if label is not None and sentiment.label != label:
            continue
        text = _quote_text(texts[index])
        key = text.casefold()
        if key in seen:
            continue
        seen.add(key)
        picked.append(Quote(rows[index], text, sentiment.label, sentiment.score))
        if len(picked) == count:
            break
    return picked


def accept_pain_point(
    journey: Any, suggestion: PainPointSuggestion, *, step: str | None = None, source: str
) -> Any:
    """A copy of the map with the suggested pain point added, its quotes as evidence.

    `journey` is a `JourneyMap`; `step` the id of the step it occurs at (optional);
    `source` names the file the comments came from. The suggestion is marked accepted.
    """
    from journeyline.model.base import EvidenceKind
    from journeyline.model.journey import Evidence, PainPoint

    updated = journey.model_copy(deep=True)
    pain = PainPoint(
        id=suggestion.id,
        name=suggestion.name,
        description=suggestion.description,
        step=step,
        reach=suggestion.reach,
    )
    updated.pain_points.append(pain)
    for number, quote in enumerate(suggestion.evidence, start=1):
        updated.evidence.append(
            Evidence(
                id=f"{suggestion.id}-quote-{number}",
                name=f"{source} row {quote.row}",
                kind=EvidenceKind.quote,
                source=f"{source}, row {quote.row}",
                quote=quote.text,
                links=[suggestion.id],
            )
        )
    suggestion.status = "accepted"
    return updated
