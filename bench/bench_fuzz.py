"""Benchmark: the long contract fuzz, schemathesis over every API operation as an owner.

Target (issue 9): at least 20,000 generated cases with 0 server errors (and 0 answers the
OpenAPI document does not declare). The same run as tests/test_api_fuzz.py, in process
through the ASGI app on SQLite, with more examples per operation; `--jobs` runs shards of
the operations in parallel processes, each with its own database. Prints the figures.

    python bench/bench_fuzz.py --examples 120 --jobs 2
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.api_support import build_world  # noqa: E402
from tests.fuzz_support import FuzzReport, fuzz  # noqa: E402

from journeyline.store.database import open_database  # noqa: E402


def run_shard(
    examples: int, shard: int, count: int, seed: int, max_cases: int | None
) -> FuzzReport:
    """One process's share of the operations, on its own database."""
    with tempfile.TemporaryDirectory(prefix="journeyline-fuzz-") as folder:
        db = open_database(f"sqlite:///{Path(folder) / 'journeyline.db'}")
        world = build_world(db)
        try:
            return fuzz(
                world,
                max_examples=examples,
                shard=(shard, count),
                seed=seed,
                progress=lambda report, label: print(
                    f"[shard {shard}] {report.cases} cases, {report.server_errors} server "
                    f"errors, {len(report.failures)} failures, {report.seconds:.0f} s: {label}",
                    flush=True,
                ),
                max_cases=max_cases,
            )
        finally:
            for client in world.clients.values():
                client.close()
            db.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=120, help="per operation and mode")
    parser.add_argument("--jobs", type=int, default=2, help="processes (shards of operations)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--max-cases", type=int, default=None, help="stop once this many cases were sent in all"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = [
            pool.submit(
                run_shard,
                args.examples,
                shard,
                args.jobs,
                args.seed,
                None if args.max_cases is None else -(-args.max_cases // args.jobs),
            )
            for shard in range(args.jobs)
        ]
        reports = [future.result() for future in futures]
    total = FuzzReport(statuses=Counter())
    for report in reports:
        total.cases += report.cases
        total.operations += report.operations
        total.statuses.update(report.statuses)
        total.failures += report.failures
        total.unsatisfiable += report.unsatisfiable
    total.seconds = time.perf_counter() - started
    print(total.summary())
    print(
        f"fuzz: {total.cases} cases, {total.operations} operations, "
        f"{args.examples} examples per operation and mode, {args.jobs} jobs, "
        f"{total.seconds:.0f} s wall; server errors {total.server_errors}; "
        f"undeclared answers {len(total.failures)}; target ≥ 20,000 cases with 0 server errors: "
        f"{'met' if total.cases >= 20_000 and total.server_errors == 0 else 'NOT met'}"
    )
    return 0 if total.server_errors == 0 and not total.failures else 1


if __name__ == "__main__":
    raise SystemExit(main())
