"""Comment sentiment and themes (issue 15): accuracy on public labelled data, then speed.

1. Accuracy, one run, the same folds for every method. On each public labelled set of
   `scripts/sentiment_data.py` (read from `--data`, by default ../shared/data/sentiment):
   - VADER (vaderSentiment, compound ≥ 0.05 positive, ≤ −0.05 negative, else neutral);
   - TF-IDF + logistic regression, cross-validated: 5 stratified folds of the set, words
     and pairs (sublinear TF), C chosen among 0.5, 2, 8, 32 by an inner 3-fold search
     (GridSearchCV, in the fold's process), trained on the set's other folds only;
   - journeyline-sentiment-1's recipe (`scripts/train_sentiment.py`), cross-validated on
     the same folds: trained on every trainable set's other folds (the shipped model's
     data, less the fold), tested on the fold.
   On two-label sets (UCI) every method picks between positive and negative by the sign
   of its score. The airline tweets (CC BY-NC-SA, never trained on for the shipped model)
   are scored by the shipped model as it is (out of domain) and by the recipe
   cross-validated with their folds added to the training data.
   Target: the recipe at least as accurate as the better baseline, pooled over the sets.
   Each fit (a fold of a method) is a task for `--jobs` worker processes (default 2), each
   with one native thread: the full sets (41,343 texts) in 4 minutes on 2 quiet cores, 11
   at load 7. Progress is printed per fit.
2. Speed: `journeyline feedback themes` on 100,000 generated comments (a CSV), sentiment
   and themes, in < 60 s with < 2 GB peak memory (this process and its workers).

Run: PYTHONPATH=src .venv/bin/python bench/bench_sentiment.py [--data DIR] [--comments 100000]
     [--skip-accuracy | --skip-speed] [--limit N] [--jobs N]
     (--limit N: the accuracy part on at most N texts of each set, a stratified sample with
     a fixed seed; a bounded run, said so in its output)
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
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
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


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


GRID = {"logisticregression__C": [0.5, 2, 8, 32]}
"""The baseline's grid: C among 0.5, 2, 8, 32, chosen by an inner 3-fold search."""


def _limit_threads() -> None:
    """One native thread per process (BLAS, OpenMP).

    On a shared 2-core machine the solvers' thread pools spin against each other and the
    other load: the same fit took 4-9x the CPU time with two threads as with one. The
    parallelism is the workers' instead (`--jobs`), one fold each. The environment holds
    for libraries loaded later (and for worker processes); threadpoolctl limits the loaded.
    """
    for variable in THREAD_VARIABLES:
        os.environ[variable] = "1"
    import scipy.sparse  # noqa: F401  (loads the BLAS and OpenMP runtimes to be limited)
    import sklearn.linear_model  # noqa: F401
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)


def _baseline_fold(texts: list[str], labels: list[str], folds: Any, fold: int) -> dict[str, Any]:
    """TF-IDF + LR on one outer fold: the grid searched on the other folds, then tested.

    The inner search runs in this process (GridSearchCV, 3 stratified folds, n_jobs=None).
    """
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline

    started = time.process_time()
    x = np.array(texts, dtype=object)
    y = np.array(labels)
    train_rows, test_rows = folds != fold, folds == fold
    pipeline = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
        LogisticRegression(max_iter=2000),
    )
    search = GridSearchCV(pipeline, GRID, cv=3)
    search.fit(x[train_rows], y[train_rows])
    return {
        "rows": np.flatnonzero(test_rows),
        "labels": list(search.predict(x[test_rows])),
        "C": search.best_params_["logisticregression__C"],
        "cpu": time.process_time() - started,
    }


def _recipe_fold(
    train_texts: list[str],
    train_labels: list[str],
    train_vader: Any,
    tests: dict[str, tuple[list[str], Any]],
) -> dict[str, Any]:
    """The recipe trained on one fold's training rows; probabilities on each test set.

    `tests` holds each test set's texts and their VADER scores (computed once, up front).
    """
    started = time.process_time()
    model = train(train_texts, train_labels, vader=train_vader)
    return {
        "probabilities": {
            name: model.probabilities(texts, vader=vader) for name, (texts, vader) in tests.items()
        },
        "cpu": time.process_time() - started,
    }


@dataclass
class _Task:
    """One fit of the accuracy part: what it is, its function and arguments, where it goes."""

    title: str
    method: str  # "tfidf_lr_cv" or "ours"
    size: int  # training texts, for the order
    function: Callable[..., dict[str, Any]]
    args: tuple[Any, ...]
    rows: dict[str, Any]  # set -> the rows its predictions fill (the recipe's tasks)


def _run(tasks: list[_Task], jobs: int) -> Iterator[tuple[_Task, dict[str, Any]]]:
    """Each task with its result, as they finish: in `jobs` worker processes, or here."""
    _limit_threads()  # here (and, by the environment, in the workers from the start)
    if jobs <= 1:
        for task in tasks:
            yield task, task.function(*task.args)
        return
    with ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_limit_threads,
    ) as pool:
        pending = {pool.submit(task.function, *task.args): task for task in tasks}
        for future in as_completed(pending):
            yield pending[future], future.result()


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


def accuracy(data: Path, limit: int | None = None, jobs: int = 2) -> bool:
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
    cpu_started = _cpu_seconds()
    print(f"  load average at start: {_load()}; {jobs} worker process(es)", flush=True)
    vader = {name: vader_features(s.texts) for name, s in sets.items() if s}
    print(f"  VADER scored ({time.perf_counter() - started:.0f} s)", flush=True)
    folds = {name: _folds(s) for name, s in sets.items() if s}
    predictions: dict[str, dict[str, list[str]]] = {}
    for name, labelled in sets.items():
        assert labelled is not None
        predictions[name] = {
            "vader": _vader_labels(vader[name], len(labelled.classes) == 2),
            "tfidf_lr_cv": [""] * len(labelled.texts),
            "ours": [""] * len(labelled.texts),
        }

    # Every fit is one task: the baseline's 5 folds of each set, the recipe's 5 folds and
    # its 5 folds with each evaluation-only set added. The largest first, for the balance.
    tasks: list[_Task] = []
    for name, labelled in sets.items():
        assert labelled is not None
        for fold in range(FOLDS):
            tasks.append(
                _Task(
                    f"TF-IDF+LR {name} fold {fold + 1}/{FOLDS}",
                    "tfidf_lr_cv",
                    int((folds[name] != fold).sum()),
                    _baseline_fold,
                    (labelled.texts, labelled.labels, folds[name], fold),
                    {name: None},
                )
            )
    for extra in (None, *EVALUATION_ONLY):
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
            tests = {}
            test_rows = {}
            for name in (extra,) if extra else TRAINABLE:
                labelled = sets[name]
                assert labelled is not None
                rows = np.flatnonzero(folds[name] == fold)
                tests[name] = ([labelled.texts[i] for i in rows], vader[name][rows])
                test_rows[name] = rows
            tasks.append(
                _Task(
                    f"recipe fold {fold + 1}/{FOLDS}{' + ' + extra if extra else ''}",
                    "ours",
                    len(texts),
                    _recipe_fold,
                    (texts, labels, np.vstack(vaders), tests),
                    test_rows,
                )
            )
    tasks.sort(key=lambda task: -task.size)

    chosen: dict[str, list[float]] = {name: [] for name in sets}
    task_cpu = 0.0
    for number, (task, result) in enumerate(_run(tasks, jobs), start=1):
        task_cpu += result["cpu"]
        if task.method == "tfidf_lr_cv":
            (name,) = task.rows
            for i, label in zip(result["rows"], result["labels"], strict=True):
                predictions[name]["tfidf_lr_cv"][i] = label
            chosen[name].append(result["C"])
        else:
            for name, p in result["probabilities"].items():
                labelled = sets[name]
                assert labelled is not None
                binary = len(labelled.classes) == 2
                for i, label in zip(task.rows[name], _from_probabilities(p, binary), strict=True):
                    predictions[name]["ours"][i] = label
        print(
            f"  [{number}/{len(tasks)}] {task.title} ({result['cpu']:.0f} s CPU; "
            f"{time.perf_counter() - started:.0f} s, load {_load()})",
            flush=True,
        )
    for name in EVALUATION_ONLY:
        labelled = sets[name]
        assert labelled is not None
        shipped = shipped_model().probabilities(labelled.texts, vader=vader[name])
        predictions[name]["shipped (out of domain)"] = _from_probabilities(shipped, False)

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
    print(
        "TF-IDF+LR: C chosen per fold: "
        + "; ".join(f"{name} {', '.join(f'{c:g}' for c in cs)}" for name, cs in chosen.items())
    )
    print(
        f"accuracy part took {time.perf_counter() - started:.0f} s wall, "
        f"{_cpu_seconds() - cpu_started:.0f} s CPU (this process and its workers; the fits "
        f"alone {task_cpu:.0f} s); load average at the end: {_load()}"
    )
    return figures["ours"] >= best


def _peak_bytes() -> int:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) * 1024  # kilobytes on Linux


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _load() -> str:
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


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
    parser.add_argument(
        "--jobs",
        type=int,
        default=2,
        help="worker processes for the accuracy part's fits, one native thread each "
        "(default 2; 1: every fit in this process)",
    )
    args = parser.parse_args()
    if args.jobs < 1:
        parser.error("--jobs: at least 1")
    if args.limit is not None and args.limit < 50:
        parser.error("--limit: at least 50 texts a set (5 folds, each with every label)")
    ok = True
    if not args.skip_speed:
        ok &= speed(args.comments)
    if not args.skip_accuracy:
        ok &= accuracy(args.data, args.limit, args.jobs)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
