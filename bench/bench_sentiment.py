"""Comment sentiment and themes (issue 15): accuracy on public labelled data, then speed.

1. Accuracy, one run, the same folds for every method. On each public labelled set of
   `scripts/sentiment_data.py` (read from `--data`, by default ../shared/data/sentiment):
   - VADER (vaderSentiment, compound ≥ 0.05 positive, ≤ −0.05 negative, else neutral);
   - TF-IDF + logistic regression, cross-validated: 5 stratified folds of the set, words
     and pairs (sublinear TF), C chosen among 0.5, 2, 8 by an inner 3-fold search, trained
     on the set's other folds only;
   - journeyline-sentiment-1's recipe (`scripts/train_sentiment.py`), cross-validated on
     the same folds: trained on every trainable set's other folds (the shipped model's
     data, less the fold), tested on the fold.
   On two-label sets (UCI) every method picks between positive and negative by the sign
   of its score. The airline tweets (CC BY-NC-SA, never trained on for the shipped model)
   are scored by the shipped model as it is (out of domain) and by the recipe
   cross-validated with their folds added to the training data.
   Target: the recipe at least as accurate as the better baseline, pooled over the sets.
2. Speed: `journeyline feedback themes` on 100,000 generated comments (a CSV), sentiment
   and themes, in < 60 s with < 2 GB peak memory (this process and its workers).

Run: PYTHONPATH=src .venv/bin/python bench/bench_sentiment.py [--data DIR] [--comments 100000]
     [--skip-accuracy | --skip-speed] [--limit N]
     (--limit N: the accuracy part on at most N texts of each set, a stratified sample with
     a fixed seed; a bounded run, said so in its output)
"""

from __future__ import annotations

import argparse
import csv
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from sentiment_data import DEFAULT_DATA, EVALUATION_ONLY, TRAINABLE, LabelledSet, load  # noqa: E402
from tests.comments_support import generate_comments  # noqa: E402
from train_sentiment import train  # noqa: E402

from journeyline.feedback.comments import themes_of_file  # noqa: E402
from journeyline.feedback.sentiment import LABELS, shipped_model, vader_features  # noqa: E402
from journeyline.formats.limits import ImportLimits  # noqa: E402

TARGET_SECONDS = 60.0
TARGET_BYTES = 2 * 1024**3
FOLDS = 5
SEED = 15


def _vader_labels(vader: Any, binary: bool) -> list[str]:
    out = []
    for compound in vader[:, 0]:
        if binary:
            out.append("positive" if compound >= 0 else "negative")
        else:
            out.append(
                "positive" if compound >= 0.05 else "negative" if compound <= -0.05 else "neutral"
            )
    return out


def _from_probabilities(p: Any, binary: bool) -> list[str]:
    if binary:
        return ["positive" if row[2] >= row[0] else "negative" for row in p]
    return [LABELS[int(row.argmax())] for row in p]


def _lr_cv(labelled: LabelledSet, folds: Any) -> list[str]:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline

    texts = np.array(labelled.texts, dtype=object)
    y = np.array(labelled.labels)
    predicted = np.empty(len(texts), dtype=object)
    for fold in range(FOLDS):
        train_rows, test_rows = folds != fold, folds == fold
        pipeline = make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
            LogisticRegression(max_iter=2000),
        )
        search = GridSearchCV(pipeline, {"logisticregression__C": [0.5, 2, 8]}, cv=3)
        search.fit(texts[train_rows], y[train_rows])
        predicted[test_rows] = search.predict(texts[test_rows])
    return list(predicted)


def _folds(labelled: LabelledSet) -> Any:
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    folds = np.zeros(len(labelled.texts), dtype=int)
    splitter = StratifiedKFold(FOLDS, shuffle=True, random_state=SEED)
    for fold, (_, test) in enumerate(splitter.split(labelled.texts, labelled.labels)):
        folds[test] = fold
    return folds


def _scores(
    truth: list[str], predicted: list[str], classes: tuple[str, ...]
) -> tuple[float, float]:
    from sklearn.metrics import accuracy_score, f1_score

    return (
        float(accuracy_score(truth, predicted)),
        float(f1_score(truth, predicted, labels=list(classes), average="macro")),
    )


def _subset(labelled: LabelledSet, limit: int) -> LabelledSet:
    """At most `limit` texts of the set: a stratified sample (fixed seed), in file order."""
    if len(labelled.texts) <= limit:
        return labelled
    from sklearn.model_selection import train_test_split

    keep, _ = train_test_split(
        list(range(len(labelled.texts))),
        train_size=limit,
        stratify=labelled.labels,
        random_state=SEED,
    )
    rows = sorted(keep)
    return LabelledSet(
        labelled.name,
        [labelled.texts[i] for i in rows],
        [labelled.labels[i] for i in rows],
        labelled.classes,
        labelled.source,
        labelled.licence,
    )


def accuracy(data: Path, limit: int | None = None) -> bool:
    import numpy as np

    sets = {name: load(name, data) for name in (*TRAINABLE, *EVALUATION_ONLY)}
    missing = [name for name, s in sets.items() if s is None]
    if missing:
        sys.exit(
            f"{data}: missing the files of {', '.join(missing)} (see scripts/sentiment_data.py)"
        )
    if limit is not None:
        sets = {name: _subset(s, limit) for name, s in sets.items() if s}
    print(
        "Accuracy on public labelled data (same folds for every method)"
        + (
            f"; BOUNDED: at most {limit:,} texts of each set (a stratified sample, seed {SEED})"
            if limit is not None
            else ""
        ),
        flush=True,
    )
    started = time.perf_counter()
    vader = {name: vader_features(s.texts) for name, s in sets.items() if s}
    print(f"  VADER scored ({time.perf_counter() - started:.0f} s)", flush=True)
    folds = {name: _folds(s) for name, s in sets.items() if s}
    predictions: dict[str, dict[str, list[str]]] = {}
    for name, labelled in sets.items():
        assert labelled is not None
        binary = len(labelled.classes) == 2
        predictions[name] = {
            "vader": _vader_labels(vader[name], binary),
            "tfidf_lr_cv": _lr_cv(labelled, folds[name]),
            "ours": [""] * len(labelled.texts),
        }
        print(
            f"  TF-IDF+LR cross-validated on {name} ({time.perf_counter() - started:.0f} s)",
            flush=True,
        )

    def recipe_cv(extra: str | None) -> None:
        for fold in range(FOLDS):
            texts: list[str] = []
            labels: list[str] = []
            vaders = []
            for name in (*TRAINABLE, *([extra] if extra else [])):
                labelled = sets[name]
                assert labelled is not None
                rows = np.flatnonzero(folds[name] != fold)
                texts += [labelled.texts[i] for i in rows]
                labels += [labelled.labels[i] for i in rows]
                vaders.append(vader[name][rows])
            model = train(texts, labels, vader=np.vstack(vaders))
            for name in (extra,) if extra else TRAINABLE:
                labelled = sets[name]
                assert labelled is not None
                rows = np.flatnonzero(folds[name] == fold)
                p = model.probabilities([labelled.texts[i] for i in rows])
                for i, label in zip(
                    rows, _from_probabilities(p, len(labelled.classes) == 2), strict=True
                ):
                    predictions[name]["ours"][i] = label
            print(
                f"  recipe fold {fold + 1}/{FOLDS}{' + ' + extra if extra else ''} trained "
                f"({time.perf_counter() - started:.0f} s)",
                flush=True,
            )

    recipe_cv(None)
    for name in EVALUATION_ONLY:
        labelled = sets[name]
        assert labelled is not None
        shipped = shipped_model().probabilities(labelled.texts)
        predictions[name]["shipped (out of domain)"] = _from_probabilities(shipped, False)
        recipe_cv(name)

    header = f"{'set':<14} {'n':>6} {'labels':>6}  " + "  ".join(
        f"{m:>22}" for m in ("VADER acc / F1", "TF-IDF+LR CV acc / F1", "ours CV acc / F1")
    )
    print(header)
    pooled: dict[str, list[tuple[str, str]]] = {"vader": [], "tfidf_lr_cv": [], "ours": []}
    for name, labelled in sets.items():
        assert labelled is not None
        cells = []
        for method in ("vader", "tfidf_lr_cv", "ours"):
            acc, f1 = _scores(labelled.labels, predictions[name][method], labelled.classes)
            cells.append(f"{acc:>14.3f} / {f1:.3f}")
            if name in TRAINABLE:
                pooled[method] += list(zip(labelled.labels, predictions[name][method], strict=True))
        print(
            f"{name:<14} {len(labelled.texts):>6} {len(labelled.classes):>6}  " + "  ".join(cells)
        )
        if "shipped (out of domain)" in predictions[name]:
            acc, f1 = _scores(
                labelled.labels, predictions[name]["shipped (out of domain)"], labelled.classes
            )
            print(
                f"{'':<14} shipped model, never trained on this set: accuracy {acc:.3f}, macro-F1 {f1:.3f}"
            )
    figures = {}
    for method, pairs in pooled.items():
        figures[method] = sum(t == p for t, p in pooled[method]) / len(pairs)
    best = max(figures["vader"], figures["tfidf_lr_cv"])
    print(
        f"pooled over the {len(TRAINABLE)} trainable sets ({len(pooled['ours']):,} texts): "
        f"VADER {figures['vader']:.3f}, TF-IDF+LR CV {figures['tfidf_lr_cv']:.3f}, "
        f"ours CV {figures['ours']:.3f}; ratio ours / better baseline {figures['ours'] / best:.3f} "
        f"(target ≥ 1.000: {'met' if figures['ours'] >= best else 'NOT met'})"
    )
    print(f"accuracy part took {time.perf_counter() - started:.0f} s")
    return figures["ours"] >= best


def _peak_bytes() -> int:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) * 1024  # kilobytes on Linux


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def speed(count: int) -> bool:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "comments.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "comment"])
            for number, text in enumerate(generate_comments(count), start=1):
                writer.writerow([number, text])
        limits = ImportLimits(cells=max(200_000, 3 * count))
        shipped_model()  # loading the weights is not part of the run
        started = time.perf_counter()
        cpu = _cpu_seconds()
        result = themes_of_file(path, text_col="comment", limits=limits)
        seconds = time.perf_counter() - started
        cpu = _cpu_seconds() - cpu
    peak = _peak_bytes()
    print(
        f"Speed: {count:,} comments, sentiment and themes ({len(result.themes.themes)} themes, "
        f"{len(result.themes.pain_points)} suggested pain points): {seconds:.1f} s "
        f"(target < {TARGET_SECONDS:.0f} s, ratio {seconds / TARGET_SECONDS:.2f}); peak memory "
        f"{peak / 1024**2:,.0f} MB (this process + its largest worker; target < 2,048 MB, "
        f"ratio {peak / TARGET_BYTES:.2f}); {count / seconds:,.0f} comments/s; CPU time "
        f"{cpu:.1f} s (this process + its workers: on a busy machine the wall time is "
        "longer than the work)"
    )
    return seconds < TARGET_SECONDS and peak < TARGET_BYTES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument(
        "--limit",
        type=int,
        default=None,
        help="accuracy on at most this many texts of each set (a stratified sample): a "
        "bounded run for a small or busy machine; the output says so",
    )
    args = parser.parse_args()
    if args.limit is not None and args.limit < 50:
        parser.error("--limit: at least 50 texts a set (5 folds, each with every label)")
    ok = True
    if not args.skip_speed:
        ok &= speed(args.comments)
    if not args.skip_accuracy:
        ok &= accuracy(args.data, args.limit)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
