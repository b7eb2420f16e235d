"""The Measured lane at scale: a 300-step map over bpic2012 replicated to 26.2 M events (issue 14, part 6).

Prints, for one run on DuckDB:
  - the engine's floor (one plain window query over the same file, as in bench_events.py),
    before and after, and their mean;
  - the Measured lane as the server computes it from the source's file: reading the log
    into the engine, then the lane for a 300-step map (the log's 24 event names in turn,
    so every step is matched; 10 stages of 30 steps), and its ratio to the floor
    (target: read + lane <= 2x the floor);
  - the refresh after 100,000 new collected events appended (a second file of new units'
    and existing units' events, read with the first): read + lane again, and the target
    of < 2 s;
  - a sanity check: the lane's counts on the whole log are 100 x those on bpic2012.

Run: .venv/bin/python bench/bench_measured.py [--copies 100]
The data is built once under bench/_work/ (git-ignored, as bench_events.py builds it) and
read in place; nothing is written to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_events lives beside this script

from bench_events import EVENT, SOURCE, TIME, UNIT, WORK, child_floor, replicated_log

from journeyline.events import LogSpec, load_events, open_engine
from journeyline.events.measured import MeasuredLane, measure_lane
from journeyline.model import EventMatcher, JourneyMap, Stage, Step

STEPS = 300
NEW_EVENTS = 100_000
MAX_FLOOR_RATIO = 2.0
MAX_REFRESH_SECONDS = 2.0


def event_names(path: Path) -> list[str]:
    import duckdb

    con = duckdb.connect()
    reader = f"read_parquet('{path}')" if path.suffix == ".parquet" else f"read_csv('{path}')"
    rows = con.execute(f'SELECT DISTINCT "{EVENT}" FROM {reader} ORDER BY 1').fetchall()
    return [str(r[0]) for r in rows]


def big_map(names: list[str]) -> JourneyMap:
    """300 steps in 10 stages, step k matching the k-th event name in turn."""
    steps = [
        Step(
            name=f"Step {k + 1}: {names[k % len(names)]}",
            events=[EventMatcher(event=names[k % len(names)])],
        )
        for k in range(STEPS)
    ]
    return JourneyMap(
        name="Loan application, 300 steps",
        stages=[
            Stage(name=f"Stage {i + 1}", steps=steps[i * 30 : (i + 1) * 30]) for i in range(10)
        ],
    )


def lane_of(path: Path | list[Path], journey: JourneyMap) -> tuple[MeasuredLane, float, float]:
    """Read the log and measure the lane: the lane, seconds to read, seconds to measure."""
    engine = open_engine("duckdb")
    try:
        start = time.perf_counter()
        log = load_events(
            path if isinstance(path, Path) else path[0], LogSpec(preset="xes"), engine
        )
        read = time.perf_counter() - start
        start = time.perf_counter()
        lane = measure_lane(log, journey)
        return lane, read, time.perf_counter() - start
    finally:
        engine.close()


def with_new_events(path: Path, count: int) -> Path:
    """The log with `count` new events appended (the last units' events again, an hour later,
    and as many new units), as one file: what the collector's compaction hands the lane."""
    import duckdb

    target = WORK / f"{path.stem}_plus{count}.parquet"
    if target.exists():
        return target
    con = duckdb.connect()
    con.execute(
        f"""COPY (
              SELECT * FROM read_parquet('{path}')
              UNION ALL
              SELECT "{UNIT}" || CASE WHEN n % 2 = 0 THEN '' ELSE '-new' END AS "{UNIT}", "{EVENT}",
                     "{TIME}" + INTERVAL 1 HOUR AS "{TIME}"
              FROM (SELECT *, row_number() OVER () AS n FROM read_parquet('{path}') LIMIT {count})
            ) TO '{target}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)"""
    )
    con.close()
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=100, help="copies of bpic2012 (100: 26.2 M)")
    args = parser.parse_args(argv)
    path = replicated_log(args.copies)
    journey = big_map(event_names(path))
    before = child_floor(path)["seconds"]
    lane, read, seconds = lane_of(path, journey)
    after = child_floor(path)["seconds"]
    floor = (before + after) / 2
    base, _, _ = lane_of(SOURCE, journey) if SOURCE.exists() else (None, 0.0, 0.0)
    grown = with_new_events(path, NEW_EVENTS)
    _, read2, seconds2 = lane_of(grown, journey)
    refresh = read2 + seconds2
    total = read + seconds
    print(f"{lane.log['events']:,} events, {lane.entrants:,} entrants, {STEPS} steps")
    print(
        f"floor (one DuckDB window query): {floor:.2f} s (before {before:.2f}, after {after:.2f})"
    )
    print(f"read into the engine:            {read:.2f} s")
    print(f"Measured lane (300 steps):       {seconds:.2f} s")
    print(
        f"read + lane:                     {total:.2f} s ({total / floor:.2f}x the floor; target <= {MAX_FLOOR_RATIO})"
    )
    print(
        f"after {NEW_EVENTS:,} new events:       {refresh:.2f} s (read {read2:.2f} + lane {seconds2:.2f}; "
        f"target < {MAX_REFRESH_SECONDS} s)"
    )
    ok = total / floor <= MAX_FLOOR_RATIO
    print(f"{'PASS' if ok else 'FAIL'}: read + lane / floor = {total / floor:.2f}")
    fresh = refresh < MAX_REFRESH_SECONDS
    print(f"{'PASS' if fresh else 'FAIL'}: refresh after {NEW_EVENTS:,} events = {refresh:.2f} s")
    if base is not None:
        same = all(
            a.units == b.units * args.copies and a.events == b.events * args.copies
            for a, b in zip(lane.steps, base.steps, strict=True)
        )
        print(
            f"sanity: step units and events are {'exactly' if same else 'NOT'} {args.copies} x bpic2012"
        )
        ok = ok and same
    return 0 if ok and fresh else 1


if __name__ == "__main__":
    raise SystemExit(main())
