"""Sentiment of free-text comments: a label (positive, negative, neutral) and a score.

The model, `journeyline-sentiment-1`, is a multinomial logistic regression over two kinds
of feature: the comment's words and word pairs (hashed, TF-IDF weighted, L2-normalised)
and the four scores of VADER (Hutto & Gilbert 2014; the `vaderSentiment` package, MIT,
whose lexicon ships inside it). Its weights ship inside Journeyline
(`feedback/models/sentiment-1.npz`) and were trained by `scripts/train_sentiment.py` on
public labelled data (docs/feedback.md names it, with the licences and the measured
accuracy). Nothing is downloaded at run time.

> A comment's sentiment: the model's three probabilities p(negative), p(neutral),
> p(positive); the label is the likeliest, the score p(positive) − p(negative), from −1
> (surely negative) to 1 (surely positive). A comment in a language the model does not
> read (see `journeyline.feedback.language`) is labelled neutral with score 0 and marked
> unsupported; a blank one is no comment.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from journeyline.feedback.language import Language, detect_language

MODEL_NAME = "journeyline-sentiment-1"
"""The name the JSON output reports for the model."""

LABELS = ("negative", "neutral", "positive")
"""The labels, in the order of the model's classes."""

HASH_FEATURES = 1 << 18
"""Hashed word and word-pair features (before VADER's four)."""

VADER_FEATURES = 4
"""VADER's compound, positive, negative and neutral scores."""

Progress = Callable[[int], None]
"""Called with how many more comments are done."""


def _hasher() -> Any:
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(
        n_features=HASH_FEATURES,
        ngram_range=(1, 2),
        alternate_sign=False,
        norm=None,
        lowercase=True,
        token_pattern=r"(?u)\b\w[\w']*\b|[!?]",
    )


@cache
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def vader_scores(texts: Sequence[str]) -> list[tuple[float, float, float, float]]:
    """VADER's (compound, pos, neg, neu) for each text, in one process."""
    analyzer = _vader()
    out = []
    for text in texts:
        scores = analyzer.polarity_scores(text)
        out.append((scores["compound"], scores["pos"], scores["neg"], scores["neu"]))
    return out


PARALLEL_FROM = 4_000
"""Comments from which VADER runs in one worker process per core."""

CHUNK = 2_000


def vader_features(
    texts: Sequence[str], progress: Progress | None = None, workers: int | None = None
) -> Any:
    """VADER's four scores per text as an (n, 4) array; on every core for many texts."""
    import numpy as np

    chunks = [texts[i : i + CHUNK] for i in range(0, len(texts), CHUNK)]
    workers = workers or min(os.cpu_count() or 1, 4)
    rows: list[tuple[float, float, float, float]] = []
    if len(texts) >= PARALLEL_FROM and workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for chunk, result in zip(chunks, pool.map(vader_scores, chunks), strict=True):
                rows.extend(result)
                if progress:
                    progress(len(chunk))
    else:
        for chunk in chunks:
            rows.extend(vader_scores(chunk))
            if progress:
                progress(len(chunk))
    return np.asarray(rows, dtype=np.float64).reshape(len(texts), VADER_FEATURES)


def features(
    texts: Sequence[str], idf: Any, vader: Any | None = None, progress: Progress | None = None
) -> Any:
    """The model's feature matrix: sublinear TF-IDF of hashed words and pairs, then VADER."""
    import numpy as np
    from scipy import sparse
    from sklearn.preprocessing import normalize

    counts = _hasher().transform(texts).tocsr()
    counts.data = np.log1p(counts.data)
    weighted = normalize(counts @ sparse.diags(idf), copy=False)
    if vader is None:
        vader = vader_features(texts, progress)
    return sparse.hstack([weighted, sparse.csr_matrix(vader)], format="csr")


@dataclass(frozen=True)
class SentimentModel:
    """The trained weights: per class a weight per feature and an intercept, and the IDF."""

    coef: Any  # (3, HASH_FEATURES + VADER_FEATURES), sparse CSR
    intercept: Any  # (3,)
    idf: Any  # (HASH_FEATURES,)
    name: str = MODEL_NAME

    def probabilities(
        self, texts: Sequence[str], progress: Progress | None = None, vader: Any | None = None
    ) -> Any:
        """p(negative), p(neutral), p(positive) for each text, as an (n, 3) array.

        `vader`: the texts' VADER scores (`vader_features`) when already computed.
        """
        import numpy as np

        if not texts:
            return np.zeros((0, 3))
        matrix = features(texts, self.idf, vader=vader, progress=progress)
        logits = np.asarray((matrix @ self.coef.T).todense()) + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def save(self, path: str) -> None:
        """Write the weights as a compressed .npz (the training script's output)."""
        import numpy as np

        coef = self.coef.tocsr()
        np.savez_compressed(
            path,
            coef_data=coef.data.astype(np.float32),
            coef_indices=coef.indices.astype(np.int32),
            coef_indptr=coef.indptr.astype(np.int32),
            intercept=np.asarray(self.intercept, dtype=np.float64),
            idf_index=np.flatnonzero(self.idf != 1.0).astype(np.int32),
            idf_value=self.idf[self.idf != 1.0].astype(np.float32),
            name=np.asarray(self.name),
        )

    @classmethod
    def load(cls, source: Any) -> SentimentModel:
        """Read weights written by `save` (a path or an open binary file)."""
        import numpy as np
        from scipy import sparse

        with np.load(source) as data:
            width = HASH_FEATURES + VADER_FEATURES
            coef = sparse.csr_matrix(
                (data["coef_data"], data["coef_indices"], data["coef_indptr"]),
                shape=(len(LABELS), width),
            ).astype(np.float64)
            idf = np.ones(HASH_FEATURES)
            idf[data["idf_index"]] = data["idf_value"]
            return cls(coef, data["intercept"], idf, str(data["name"]))


@cache
def shipped_model() -> SentimentModel:
    """The model that ships inside Journeyline."""
    with (
        resources.files("journeyline.feedback")
        .joinpath("models/sentiment-1.npz")
        .open("rb") as handle
    ):
        return SentimentModel.load(handle)


@dataclass(frozen=True)
class CommentSentiment:
    """One comment's sentiment (the module's docstring defines it)."""

    label: str
    score: float
    language: str
    supported: bool
    probabilities: tuple[float, float, float] | None = None


def score_texts(
    texts: Sequence[str],
    *,
    model: SentimentModel | None = None,
    progress: Progress | None = None,
) -> list[CommentSentiment]:
    """The sentiment of each text; other languages are marked, not guessed."""
    model = model or shipped_model()
    # A text's sentiment depends on the text alone: each distinct text is read once (feedback
    # repeats itself: "Great service!") and its result given to every comment that says it.
    distinct = list(dict.fromkeys(texts))
    languages: list[Language] = [detect_language(text) for text in distinct]
    readable = [i for i, lang in enumerate(languages) if lang.supported]
    probabilities = model.probabilities(
        [distinct[i] for i in readable], _scaled(progress, distinct, texts)
    )
    results: list[CommentSentiment] = [
        CommentSentiment("neutral", 0.0, lang.code, False) for lang in languages
    ]
    labels = probabilities.argmax(axis=1) if len(readable) else []
    for row, p, label in zip(readable, probabilities.tolist(), labels, strict=True):
        results[row] = CommentSentiment(
            LABELS[int(label)],
            round(p[2] - p[0], 4),
            languages[row].code,
            True,
            (round(p[0], 4), round(p[1], 4), round(p[2], 4)),
        )
    if progress:
        progress(len(texts) - len(readable) * _ratio(distinct, texts))
    if len(distinct) == len(texts):
        return results
    by_text = dict(zip(distinct, results, strict=True))
    return [by_text[text] for text in texts]


def _ratio(distinct: Sequence[str], texts: Sequence[str]) -> int:
    return len(texts) // len(distinct) if distinct else 1


def _scaled(
    progress: Progress | None, distinct: Sequence[str], texts: Sequence[str]
) -> Progress | None:
    """Progress over the distinct texts, reported as comments (roughly: `ratio` a text)."""
    if progress is None:
        return None
    ratio = _ratio(distinct, texts)
    return lambda done: progress(done * ratio)


# --- aggregates per step ------------------------------------------------------------------------


@dataclass
class SentimentSummary:
    """Sentiment of a group of comments (a step, a touchpoint, a theme).

    > Over the comments the model reads: n, the count of each label, the mean score
    > (−1…1), and the share of negative comments with its 95 % Wilson interval.
    > Comments in unsupported languages are counted apart (`unsupported`) and in nothing else.
    """

    n: int = 0
    positive: int = 0
    negative: int = 0
    neutral: int = 0
    unsupported: int = 0
    mean_score: float | None = None
    negative_share: float | None = None
    negative_interval: tuple[float, float] | None = None
    _total: float = field(default=0.0, repr=False)

    def add(self, sentiment: CommentSentiment) -> None:
        if not sentiment.supported:
            self.unsupported += 1
            return
        self.n += 1
        self._total += sentiment.score
        if sentiment.label == "positive":
            self.positive += 1
        elif sentiment.label == "negative":
            self.negative += 1
        else:
            self.neutral += 1

    def finish(self) -> SentimentSummary:
        from journeyline.feedback.scores import wilson_interval

        if self.n:
            self.mean_score = round(self._total / self.n, 4)
            self.negative_share = round(self.negative / self.n, 4)
            interval = wilson_interval(self.negative, self.n)
            if interval is not None:
                self.negative_interval = (round(interval[0], 4), round(interval[1], 4))
        return self

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "positive": self.positive,
            "negative": self.negative,
            "neutral": self.neutral,
            "unsupported": self.unsupported,
            "mean_score": self.mean_score,
            "negative_share": self.negative_share,
            "negative_interval": list(self.negative_interval) if self.negative_interval else None,
        }


def summarise(sentiments: Iterable[CommentSentiment]) -> SentimentSummary:
    """The summary of a group of comments."""
    summary = SentimentSummary()
    for sentiment in sentiments:
        summary.add(sentiment)
    return summary.finish()


def sentiment_by_step(
    sentiments: Mapping[str, Sequence[CommentSentiment]],
    *,
    steps: Mapping[str, str] | None = None,
    step_values: Sequence[str] | None = None,
) -> dict[str, SentimentSummary]:
    """Sentiment per step, from either kind of mapping.

    `sentiments` holds each text column's sentiments, one per response. With `steps`
    (column → step id) each column's comments count for its step; with `step_values`
    (one step id per response, from a step column) each response's comments count for
    its step (blank: the group "(blank)").
    """
    if (steps is None) == (step_values is None):
        raise ValueError("give either steps (column → step) or step_values (one per response)")
    groups: dict[str, SentimentSummary] = {}
    for column, column_sentiments in sentiments.items():
        if steps is not None:
            if column not in steps:
                continue
            summary = groups.setdefault(steps[column], SentimentSummary())
            for sentiment in column_sentiments:
                summary.add(sentiment)
        else:
            assert step_values is not None
            for response, sentiment in enumerate(column_sentiments):
                step = step_values[response] if response < len(step_values) else ""
                groups.setdefault(step or "(blank)", SentimentSummary()).add(sentiment)
    return {step: summary.finish() for step, summary in groups.items()}
