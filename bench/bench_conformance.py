"""`events conformance` at scale: bpic2012 replicated (issue 14, part 7).

Prints, for one run on DuckDB: the engine's floor (one plain window query over the same
file, as in bench_events.py), reading the log into the engine, and conformance against a
map of the four funnel steps bench_events.py uses; then checks that every count is
`copies` times the count on the original bpic2012 (the copies are independent units).
Prints figures only; it records nothing in bench/RESULTS.md.

Run: .venv/bin/python bench/bench_conformance.py [--copies 100]
The data is built once under bench/_work/ (git-ignored) and reused.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_events lives beside this script

from bench_events import FUNNEL_STEPS, SOURCE, child_floor, replicated_log

from journeyline.events import LogSpec, conformance, load_events, open_engine
from journeyline.events.conformance import ConformanceResult
from journeyline.model import EventMatcher, JourneyMap, Stage, Step


def funnel_map() -> JourneyMap:
    """One stage whose steps are the funnel's events, in funnel order."""
    steps = [Step(name=e, events=[EventMatcher(event=e)]) for e in FUNNEL_STEPS]
    return JourneyMap(name="Loan application", stages=[Stage(name="Apply", steps=steps)])


def measure(path: Path) -> tuple[ConformanceResult, float, float, int]:
    """Conformance on one log: the result, seconds to read, seconds to measure, events."""
    engine = open_engine("duckdb")
    try:
        start = time.perf_counter()
        log = load_events(path, LogSpec(preset="xes"), engine)
        read = time.perf_counter() - start
        start = time.perf_counter()
        result = conformance(log, funnel_map())
        return result, read, time.perf_counter() - start, log.total_events
    finally:
        engine.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--copies", type=int, default=100, help="copies of bpic2012 (100: 26.2 M events)"
    )
    args = parser.parse_args(argv)
    path = replicated_log(args.copies)
    floor = child_floor(path)["seconds"]
    result, read, seconds, events = measure(path)
    base, *_ = measure(SOURCE)
    scaled = [(d.kind, d.steps, d.event, d.units * args.copies) for d in base.deviations]
    same = (
        result.units == base.units * args.copies
        and result.conforming == base.conforming * args.copies
        and [(d.kind, d.steps, d.event, d.units) for d in result.deviations] == scaled
    )
    print(f"{events:,} events, {result.units:,} units reaching a step")
    print(f"floor (one DuckDB window query): {floor:.2f} s")
    print(f"read into the engine:            {read:.2f} s")
    print(f"conformance (4 steps):           {seconds:.2f} s ({seconds / floor:.2f}x the floor)")
    print(
        f"{result.conforming:,} conforming ({result.share:.1%}), {len(result.deviations)} deviations; "
        f"counts are {'exactly' if same else 'NOT'} {args.copies} x those of bpic2012"
    )
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
