"""Reading the vendors' JSON exports: Journeyline against a plain DuckDB `read_json` (issue 14).

Target, on a 2-core machine, one run: reading N events (default 10 million) of each vendor's
JSON-lines export (Mixpanel, Segment, Amplitude, GA4) within 1.5x of a plain DuckDB
`CREATE TABLE … AS SELECT * FROM read_json(file)` of the same file, measured in the same run.

Two Journeyline figures per vendor, each from a cold conversion cache:
  - `convert`: the export read once into the flat Parquet file both engines read (the
    vendor's rules applied: Mixpanel's `$insert_id` deduplication, Segment's identity links,
    GA4's `event_params` by key), i.e. the reading itself; the target applies to it;
  - `load`: `load_events` whole, the conversion plus the checks and the integer-coded,
    ordered events table every metric reads (what a report pays before its first metric).

The files are generated once under bench/_work/vendors/ (git-ignored) by DuckDB, in each
vendor's layout, with one property kept (`plan`, `page_location`). The plain read and the
conversion are timed `--repeat` times each (default 3), taken in turn so that both see the
same page cache and the same machine load, and the medians compared; the load is timed
once. All in this process, with 2 DuckDB threads.

Run: .venv/bin/python bench/bench_vendors.py [--events 10000000] [--vendors mixpanel,ga4]
     [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
WORK = BENCH / "_work" / "vendors"
MAX_RATIO = 1.5
THREADS = 2

EVENTS = "['Viewed Home', 'Searched', 'Viewed Product', 'Added To Cart', 'Purchased'][1 + i % 5]"
USER = "'u' || (hash(i) % (n // 20))"
TS = "TIMESTAMP '2024-01-01' + INTERVAL (i) SECOND"

LAYOUTS: dict[str, tuple[str, str]] = {
    "mixpanel": (
        f"SELECT {EVENTS} AS event, {{'time': 1704067200 + i, 'distinct_id': {USER}, "
        "'$insert_id': 'i' || i, 'plan': CASE WHEN i % 3 = 0 THEN 'pro' ELSE 'free' END, "
        "'$browser': 'Chrome', 'mp_country_code': 'DE'} AS properties",
        "plan",
    ),
    "segment": (
        f"SELECT 'track' AS type, {EVENTS} AS event, {USER} AS userId, 'a-' || {USER} AS "
        f"anonymousId, 'm' || i AS messageId, strftime({TS}, '%Y-%m-%dT%H:%M:%S.000Z') AS "
        "timestamp, {'plan': CASE WHEN i % 3 = 0 THEN 'pro' ELSE 'free' END} AS properties, "
        "{'library': {'name': 'analytics.js', 'version': '2.11.1'}} AS context",
        "plan",
    ),
    "amplitude": (
        f"SELECT {EVENTS} AS event_type, {USER} AS user_id, 'd-' || {USER} AS device_id, "
        f"strftime({TS}, '%Y-%m-%d %H:%M:%S.%f') AS event_time, "
        "{'plan': CASE WHEN i % 3 = 0 THEN 'pro' ELSE 'free' END} AS user_properties, "
        "{'amount': i % 100} AS event_properties, 'iOS' AS platform",
        "plan",
    ),
    "ga4": (
        f"SELECT {EVENTS} AS event_name, CAST((1704067200 + i) * 1000000 AS VARCHAR) AS "
        f"event_timestamp, {USER} AS user_pseudo_id, [{{'key': 'ga_session_id', 'value': "
        "{'string_value': NULL, 'int_value': CAST((1704067200 + i) // 1800 AS VARCHAR)}}, "
        "{'key': 'page_location', 'value': {'string_value': 'https://shop.example/p' || (i % 50), "
        "'int_value': NULL}}] AS event_params, {'country': 'DE', 'city': 'Berlin'} AS geo",
        "page_location",
    ),
}


def build(vendor: str, n: int) -> Path:
    """The vendor's export with `n` events, JSON lines, written once and reused."""
    import duckdb

    target = WORK / f"{vendor}_{n}.jsonl"
    if target.is_file():
        return target
    WORK.mkdir(parents=True, exist_ok=True)
    select, _ = LAYOUTS[vendor]
    tmp = target.with_suffix(".tmp")
    con = duckdb.connect()
    con.execute(f"SET threads = {THREADS}")
    con.execute(
        f"COPY ({select.replace('n // 20', str(max(n // 20, 1)))} "
        f"FROM range({n}) r(i)) TO '{tmp}' (FORMAT json)"
    )
    con.close()
    os.replace(tmp, target)
    return target


def plain_read(path: Path) -> float:
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET threads = {THREADS}")
    start = time.perf_counter()
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_json('{path}')")
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


def journeyline_convert(path: Path, vendor: str, prop: str) -> float:
    """Seconds to convert the export to its flat Parquet file (cold cache)."""
    from journeyline.events import LogSpec
    from journeyline.events.vendors import flatten_log

    spec = LogSpec(preset=vendor, props=(prop,))
    with tempfile.TemporaryDirectory(prefix="bench-vendors-") as cache:
        start = time.perf_counter()
        flatten_log(path, "jsonl", spec, Path(cache))
        return time.perf_counter() - start


def journeyline_load(path: Path, vendor: str, prop: str) -> tuple[float, int]:
    """Seconds to load the export whole (cold cache), and the events loaded."""
    from journeyline.events import LogSpec
    from journeyline.events.engine import DuckDBEngine
    from journeyline.events.readers import load_events

    spec = LogSpec(preset=vendor, props=(prop,))
    with tempfile.TemporaryDirectory(prefix="bench-vendors-") as cache:
        os.environ["JOURNEYLINE_CACHE_DIR"] = cache
        engine = DuckDBEngine(threads=THREADS)
        try:
            start = time.perf_counter()
            log = load_events(path, spec, engine)
            load = time.perf_counter() - start
            events = log.total_events
        finally:
            engine.close()
            del os.environ["JOURNEYLINE_CACHE_DIR"]
    return load, events


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000, help="events per vendor")
    parser.add_argument("--vendors", default=",".join(LAYOUTS), help="comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="timings of each read (median)")
    parser.add_argument("--clean", action="store_true", help="delete the generated files after")
    args = parser.parse_args(argv)
    vendors = [v.strip() for v in args.vendors.split(",") if v.strip()]
    unknown = [v for v in vendors if v not in LAYOUTS]
    if unknown:
        parser.error(f"unknown vendor(s) {', '.join(unknown)} (known: {', '.join(LAYOUTS)})")
    print(
        f"{args.events:,} events per vendor, DuckDB threads={THREADS}, "
        f"median of {args.repeat} (plain read and conversion taken in turn)"
    )
    print(
        f"{'vendor':<10} {'MB':>7} {'read_json':>10} {'convert':>9} {'ratio':>6} {'load':>7} {'ratio':>6}"
    )
    ok = True
    for vendor in vendors:
        start = time.perf_counter()
        path = build(vendor, args.events)
        built = time.perf_counter() - start
        plains, converts = [], []
        for _ in range(max(args.repeat, 1)):
            plains.append(plain_read(path))
            converts.append(journeyline_convert(path, vendor, LAYOUTS[vendor][1]))
        plain, convert = statistics.median(plains), statistics.median(converts)
        load, events = journeyline_load(path, vendor, LAYOUTS[vendor][1])
        assert events == args.events, (vendor, events)
        ratio = convert / plain
        ok &= ratio <= MAX_RATIO
        size = path.stat().st_size / 1e6
        print(
            f"{vendor:<10} {size:>7.0f} {plain:>9.2f}s {convert:>8.2f}s {ratio:>5.2f}x "
            f"{load:>6.2f}s {load / plain:>5.2f}x   (file built in {built:.0f} s)"
        )
        print(
            f"{'':<10} {'':>7} runs: read_json {', '.join(f'{x:.2f}' for x in plains)}; "
            f"convert {', '.join(f'{x:.2f}' for x in converts)}"
        )
        if args.clean:
            path.unlink()
    print(f"target: convert <= {MAX_RATIO}x read_json: {'met' if ok else 'NOT met'}")
    if args.clean:
        shutil.rmtree(WORK, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
