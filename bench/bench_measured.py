"""The Measured lane at scale: a 300-step map over bpic2012 replicated to 26.2 M events (issue 14, part 6).

Prints, for one run on DuckDB:
  - the engine's floor (one plain window query over the same file, as in bench_events.py),
    before and after, and their mean;
  - the Measured lane as the server computes it from a source's file: reading the log
    into the engine, then the lane for a 300-step map (the log's 24 event names in turn,
    so every step is matched; 10 stages of 30 steps), and its ratio to the floor
    (target: read + lane <= 2x the floor);
  - the same log as a collector source (one partition of Segment track calls): the first
    measure, which builds the lane's state (`events/measured_state.py`);
  - the refresh after 100,000 new collected events (sent through the collector's own
    checks and appends in batches of 100, half for 2,500 existing units after their last
    event, half for new units): compaction of the new log, the state carried forward and
    the lane, against the target of < 2 s; then the same again with 1 % late events (units
    read again whole), for what that path costs;
  - before, for comparison: re-reading and re-measuring the whole grown file;
  - checks: the lane's counts on the whole log are 100 x those on bpic2012, and the
    carried-forward lane equals one measured in full over the same partitions (with
    --verify, or always at --quick size).

Run: .venv/bin/python bench/bench_measured.py [--copies 100 | --quick] [--verify]
`--quick` uses 10 copies (2.6 M events, about a minute). The data is built once under
bench/_work/ (git-ignored, as bench_events.py builds it) and read in place; nothing is
written to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_events lives beside this script

from bench_events import EVENT, SOURCE, TIME, UNIT, WORK, child_floor, replicated_log

from journeyline.events import LogSpec, load_events, open_engine
from journeyline.events.collector import Collectors, normalise
from journeyline.events.measured import MeasuredLane, measure_lane
from journeyline.events.measured_state import LaneState, Part, part_rows
from journeyline.model import EventMatcher, JourneyMap, Stage, Step

STEPS = 300
NEW_EVENTS = 100_000
EXISTING_UNITS = 2_500
LATE_SHARE = 0.01
BATCH = 100
MAX_FLOOR_RATIO = 2.0
MAX_REFRESH_SECONDS = 2.0
SOURCE_ID = "es_bench"


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
    and as many new units), as one file: what a full re-read of the source reads."""
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


def collected_base(path: Path) -> Path:
    """The log as one collector partition (the columns `events.collector` writes), built once:
    a track call per event, with a messageId."""
    import duckdb

    target = WORK / f"{path.stem}_collected.parquet"
    if target.exists():
        return target
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    text = "NULL::VARCHAR"
    tmp = target.with_suffix(".tmp")
    con.execute(
        f"""COPY (
              SELECT 'track' AS type, "{EVENT}" AS event, {text} AS name, "{UNIT}" AS "userId",
                     {text} AS "anonymousId", {text} AS "previousId", {text} AS "groupId",
                     'b-' || CAST(file_row_number AS VARCHAR) AS "messageId",
                     strftime("{TIME}", '%Y-%m-%dT%H:%M:%S.%fZ') AS "timestamp",
                     {text} AS "originalTimestamp", {text} AS "sentAt",
                     '2026-12-01T00:00:00.000Z' AS "receivedAt",
                     NULL::JSON AS properties, NULL::JSON AS context, NULL::JSON AS traits
              FROM read_parquet('{path}', file_row_number = true)
            ) TO '{tmp}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)"""
    )
    con.close()
    tmp.replace(target)
    return target


def new_calls(path: Path, names: list[str], tag: str, late_share: float) -> list[dict[str, object]]:
    """100,000 track calls: half for the first 2,500 units after every event of the log,
    half for new units; `late_share` of the existing units' calls dated at the log's start
    (before their last event: late)."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    units = [
        str(r[0])
        for r in con.execute(
            f"""SELECT DISTINCT "{UNIT}" FROM (SELECT "{UNIT}" FROM read_parquet('{path}')
                LIMIT 200000) LIMIT {EXISTING_UNITS}"""
        ).fetchall()
    ]
    first, last = con.execute(
        f'SELECT epoch_us(MIN("{TIME}")), epoch_us(MAX("{TIME}")) FROM read_parquet(\'{path}\')'
    ).fetchone()
    con.close()
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    late_every = round(1 / late_share) if late_share else 0
    calls: list[dict[str, object]] = []
    for i in range(NEW_EVENTS // 2):
        late = late_every and i % late_every == 0
        micros = (first + i) if late else (last + 3_600_000_000 + i * 1_000)
        stamp = (epoch + dt.timedelta(microseconds=micros)).isoformat().replace("+00:00", "Z")
        name = names[i % len(names)]
        unit = units[i % len(units)]
        calls.append(
            {
                "type": "track",
                "userId": unit,
                "event": name,
                "timestamp": stamp,
                "messageId": f"{tag}-{i}",
            }
        )
        calls.append(
            {
                "type": "track",
                "userId": f"{unit}-{tag}",
                "event": name,
                "timestamp": stamp,
                "messageId": f"{tag}-new-{i}",
            }
        )
    return calls


def collect(collectors: Collectors, calls: list[dict[str, object]]) -> None:
    """Through the collector's own checks and durable appends, in batches of 100."""
    received = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    for k in range(0, len(calls), BATCH):
        lines = [normalise(c, None, received, 32_000) for c in calls[k : k + BATCH]]
        collectors.append_blocking(SOURCE_ID, lines)


def parts_of(collectors: Collectors) -> list[Part]:
    return [Part(int(p.stem.split("-")[1]), p, part_rows(p)) for p in collectors.compact(SOURCE_ID)]


def refreshed(state: LaneState, collectors: Collectors) -> tuple[MeasuredLane, float, str]:
    """What a lane request does after new events: compact, carry forward, the lane."""
    start = time.perf_counter()
    mode = state.update(parts_of(collectors))
    lane = state.lane()
    return lane, time.perf_counter() - start, mode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=100, help="copies of bpic2012 (100: 26.2 M)")
    parser.add_argument("--quick", action="store_true", help="10 copies (2.6 M events)")
    parser.add_argument(
        "--verify", action="store_true", help="compare with a full measure (always at --quick)"
    )
    args = parser.parse_args(argv)
    copies = 10 if args.quick else args.copies
    path = replicated_log(copies)
    names = event_names(path)
    journey = big_map(names)
    before = child_floor(path)["seconds"]
    lane, read, seconds = lane_of(path, journey)
    after = child_floor(path)["seconds"]
    floor = (before + after) / 2
    base, _, _ = lane_of(SOURCE, journey) if SOURCE.exists() else (None, 0.0, 0.0)
    grown = with_new_events(path, NEW_EVENTS)
    _, read2, seconds2 = lane_of(grown, journey)
    reread = read2 + seconds2
    total = read + seconds

    # The same log as a collector source, then new events through the collector.
    folder = WORK / "measured_collector"
    shutil.rmtree(folder, ignore_errors=True)
    (folder / SOURCE_ID / "collector").mkdir(parents=True)
    shutil.copy(collected_base(path), folder / SOURCE_ID / "collector" / "part-000001.parquet")
    collectors = Collectors(folder, compact_seconds=24 * 3600)
    state = LaneState(journey)
    try:
        first_lane, built, first_mode = refreshed(state, collectors)
        collect(collectors, new_calls(path, names, "n1", 0.0))
        carried, refresh, mode = refreshed(state, collectors)
        collect(collectors, new_calls(path, names, "n2", LATE_SHARE))
        late_lane, refresh_late, mode_late = refreshed(state, collectors)
        verified: bool | None = None
        if args.verify or copies <= 10:
            check = LaneState(journey)
            try:
                check.update(parts_of(collectors))
                verified = check.lane().to_dict() == late_lane.to_dict()
            finally:
                check.close()
    finally:
        state.close()
        collectors.close()
        shutil.rmtree(folder, ignore_errors=True)

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
        f"as a collector, first measure:   {built:.2f} s ({first_mode}: the lane's state built, "
        f"{first_lane.log['events']:,} events)"
    )
    print(
        f"refresh after {NEW_EVENTS:,} new collected events: {refresh:.2f} s ({mode}; "
        f"{refresh / MAX_REFRESH_SECONDS:.2f}x the {MAX_REFRESH_SECONDS} s target; "
        f"{carried.log['events']:,} events)"
    )
    print(
        f"  the same with {LATE_SHARE:.0%} late events:   {refresh_late:.2f} s ({mode_late}; "
        f"late units read again whole)"
    )
    print(f"  before: re-read + re-measure the whole grown file: {reread:.2f} s")
    ok = total / floor <= MAX_FLOOR_RATIO
    print(f"{'PASS' if ok else 'FAIL'}: read + lane / floor = {total / floor:.2f}")
    fresh = mode == "incremental" and refresh < MAX_REFRESH_SECONDS
    print(f"{'PASS' if fresh else 'FAIL'}: refresh after {NEW_EVENTS:,} events = {refresh:.2f} s")
    if verified is not None:
        print(f"{'PASS' if verified else 'FAIL'}: carried forward == measured in full")
        ok = ok and verified
    if base is not None:
        same = all(
            a.units == b.units * copies and a.events == b.events * copies
            for a, b in zip(lane.steps, base.steps, strict=True)
        )
        print(
            f"sanity: step units and events are {'exactly' if same else 'NOT'} {copies} x bpic2012"
        )
        same_collected = [s.units for s in first_lane.steps] == [s.units for s in lane.steps]
        print(
            "sanity: the collected log's first lane "
            f"{'equals' if same_collected else 'DIFFERS FROM'} the file's"
        )
        ok = ok and same and same_collected
    return 0 if ok and fresh else 1


if __name__ == "__main__":
    raise SystemExit(main())
