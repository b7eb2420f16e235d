"""Benchmark: the bad-input corpus against `journeyline serve`, and what the worker pool costs.

Target (issue 9): every input of the corpus answered 4xx within 20 s, the server's RSS
under 1 GB, and nothing poisoned (every map still reads, draws and analyses). The corpus
is tests/corpus_support.py: bombs of every kind, huge and malformed files, huge, deep and
non-finite bodies. Then normal imports: read in-process, in a reused worker (the server's
way) and in a fresh process per import, to show what reusing workers saves.

    python bench/bench_robustness.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.corpus_support import (  # noqa: E402
    BODIES,
    UPLOADS,
    Answer,
    PeakMemory,
    poisoned,
    send_body,
    send_upload,
    serving,
)

from journeyline.formats.document import dumps  # noqa: E402
from journeyline.store.transfer import read_upload  # noqa: E402
from journeyline.templates import load_template  # noqa: E402
from journeyline.web.workers import Budget, WorkerPool  # noqa: E402

TARGET_SECONDS = 20.0
TARGET_RSS = 1024 * 1_048_576


def corpus() -> bool:
    """Send every case; print each answer; return whether the target holds."""
    answers: list[tuple[Answer, str]] = []
    print(f"{'case':38} {'via':12} {'status':>6} {'seconds':>8} {'server RSS':>11}  answer")

    def shown(answer: Answer, via: str) -> None:
        answers.append((answer, via))
        print(
            f"{answer.case:38} {via:12} {answer.status:>6} {answer.seconds:>8.2f} "
            f"{answer.server_rss / 1_048_576:>8.0f} MB  {answer.message[:70]}",
            flush=True,
        )

    with tempfile.TemporaryDirectory() as folder, serving(Path(folder) / "data") as served:
        with (
            httpx.Client(base_url=served.base_url, headers=served.headers, timeout=120) as http,
            PeakMemory(served) as peak,
        ):
            for case in UPLOADS:
                for into in (False, True):
                    answer = send_upload(served, http, case, into=into)
                    shown(answer, "import into" if into else "import")
            for body in BODIES:
                shown(send_body(served, http, body), "body")
            broken = poisoned(served, http)
        failures = [
            (a, via)
            for a, via in answers
            if not 400 <= a.status < 500 or a.seconds > TARGET_SECONDS
        ]
        slowest = max(a.seconds for a, _ in answers)
        print()
        print(
            f"cases: {len(answers)}; answered 4xx: {sum(400 <= a.status < 500 for a, _ in answers)}"
        )
        print(f"slowest answer: {slowest:.2f} s (target ≤ {TARGET_SECONDS:.0f} s)")
        print(
            f"peak RSS: server {peak.server / 1_048_576:.0f} MB (target < 1024 MB); "
            f"server + workers {peak.tree / 1_048_576:.0f} MB"
        )
        print(f"poisoned afterwards: {broken or 'nothing'}")
        for answer, via in failures:
            print(f"MISSED: {answer.case} via {via}: {answer.status} in {answer.seconds:.2f} s")
        return not failures and not broken and peak.server < TARGET_RSS


def normal_imports(repeat: int) -> None:
    """A template map read `repeat` times: in-process, by a reused worker, by fresh ones."""
    content = dumps(load_template("saas-trial"), "yaml").encode()

    def timed(run: object) -> list[float]:
        out = []
        for _ in range(repeat):
            started = time.perf_counter()
            run()  # type: ignore[operator]
            out.append((time.perf_counter() - started) * 1000)
        return out

    inline = timed(lambda: read_upload("trial.yaml", content))
    budget = Budget(60, 1024 * 1_048_576)
    reused = WorkerPool(1, budget)
    reused.warm_up()
    pooled = timed(lambda: reused.run(read_upload, "trial.yaml", content))
    reused.stop()
    fresh = WorkerPool(1, budget, jobs_per_worker=1)
    fresh.warm_up()
    one_off = timed(lambda: fresh.run(read_upload, "trial.yaml", content))
    fresh.stop()
    print()
    print(
        f"normal import of the SaaS-trial template ({len(content):,} bytes of YAML), {repeat} times:"
    )
    for name, figures in (
        ("in the server process (before)", inline),
        ("reused worker (the server's way)", pooled),
        ("a fresh worker per import", one_off),
    ):
        print(
            f"  {name:34} median {statistics.median(figures):7.1f} ms, "
            f"p95 {sorted(figures)[int(len(figures) * 0.95) - 1]:7.1f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeat", type=int, default=20, help="Normal imports per way (default 20)."
    )
    args = parser.parse_args()
    held = corpus()
    normal_imports(args.repeat)
    print()
    print("target held" if held else "target MISSED")


if __name__ == "__main__":
    main()
