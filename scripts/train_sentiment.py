"""Train `journeyline-sentiment-1`, the model that ships in `journeyline/feedback/models/`.

Trains the multinomial logistic regression of `journeyline.feedback.sentiment` on every
set of `scripts/sentiment_data.py` whose licence allows it (the VADER ground truth, MIT;
the UCI Sentiment Labelled Sentences, CC BY 4.0) and writes its weights. The bench
(`bench/bench_sentiment.py`) measures the same recipe by cross-validation.

Run: PYTHONPATH=src .venv/bin/python scripts/train_sentiment.py [--data DIR] [--out PATH]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sentiment_data import DEFAULT_DATA, TRAINABLE, load

from journeyline.feedback.sentiment import (
    HASH_FEATURES,
    LABELS,
    SentimentModel,
    _hasher,
    features,
    vader_features,
)

C = 4.0
"""Inverse regularisation strength (chosen by the bench's cross-validation on the sets)."""
VADER_WEIGHT = 1.0


def idf_of(texts: Sequence[str]) -> Any:
    """Smoothed IDF of each hashed feature over `texts`: ln((1 + n)/(1 + df)) + 1."""
    import numpy as np

    counts = _hasher().transform(texts).tocsr()
    df = np.bincount(counts.indices, minlength=HASH_FEATURES)
    idf = np.log((1 + len(texts)) / (1 + df)) + 1
    idf[df == 0] = 1.0
    return idf


def train(texts: Sequence[str], labels: Sequence[str], vader: Any | None = None) -> SentimentModel:
    """The recipe: IDF over the training texts, then the regression on the features."""
    import numpy as np
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

    idf = idf_of(texts)
    matrix = features(texts, idf, vader=vader if vader is not None else vader_features(texts))
    y = np.array([LABELS.index(label) for label in labels])
    regression = LogisticRegression(C=C, max_iter=2000, solver="lbfgs")
    regression.fit(matrix, y)
    if len(regression.classes_) != len(LABELS):
        raise ValueError("the training data must hold all three labels")
    coef = np.asarray(regression.coef_, dtype=np.float64)
    intercept = np.asarray(regression.intercept_, dtype=np.float64)
    coef[np.abs(coef) < 1e-6] = 0
    return SentimentModel(sparse.csr_matrix(coef), intercept, idf)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parents[1]
        / "src/journeyline/feedback/models/sentiment-1.npz",
    )
    args = parser.parse_args()
    texts: list[str] = []
    labels: list[str] = []
    for name in TRAINABLE:
        labelled = load(name, args.data)
        if labelled is None:
            sys.exit(f"{args.data}: the files of set {name!r} are missing (see sentiment_data.py)")
        texts += labelled.texts
        labels += labelled.labels
        print(f"{name}: {len(labelled.texts):,} texts ({labelled.licence})")
    model = train(texts, labels)
    model.save(str(args.out))
    print(f"trained on {len(texts):,} texts; wrote {args.out} ({args.out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
