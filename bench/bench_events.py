"""Event analytics at scale: bpic2012 replicated to 26 million events (issue 4).

Targets, on a 2-core machine, one run:
  - Journeyline's full report (reach, transitions, variants, a 4-step 14-day funnel,
    dwell) on DuckDB in no more than 2x the engine's floor: one plain DuckDB window
    query over the same file, measured in the same run;
  - at least 5x faster than pm4py (DFG + variants) and retentioneering (transition
    graph + funnel) on the same data;
  - peak memory of the report under 4 GB.

Every measurement runs in its own child process (a fresh interpreter, the same warm
page cache), so each peak memory figure is that process's own ru_maxrss.

pm4py and retentioneering load the whole log into pandas: at 26 M events they peak at
7.4 and 8.8 GB. By default (`--tools-fraction auto`) each runs on the whole log, the
same data as ours, when the machine's available memory holds it (400 bytes per event
plus 1 GB); otherwise, or when the whole-log run fails, it runs on the first 20 % of the
log (whole copies of bpic2012) and its time is extrapolated linearly to the full size.
The output says which was done, and why. Linear extrapolation flatters them: their
sorts grow as n log n.

Run: .venv/bin/python bench/bench_events.py [--copies 100] [--tools-fraction auto|0.2|1]
The data is built once under bench/_work/ (git-ignored) and reused.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / "_work"
SOURCE = REPO.parent / "shared" / "data" / "events" / "bpic2012.csv.gz"
RESULTS = BENCH / "RESULTS.md"
SECTION = "## Event analytics"

UNIT, EVENT, TIME = "case:concept:name", "concept:name", "time:timestamp"
FUNNEL_STEPS = ["A_SUBMITTED", "A_PREACCEPTED", "A_ACCEPTED", "A_APPROVED"]
FUNNEL_WINDOW = "14d"
MAX_FLOOR_RATIO = 2.0
MIN_TOOL_RATIO = 5.0
MAX_PEAK_BYTES = 4 * 1024**3
TOOL_BYTES_PER_EVENT = 400
"""Peak memory per event of pm4py and retentioneering, with room to spare (measured on
26.2 M events on the 2-core machine: 283 and 334 bytes)."""
TOOL_HEADROOM = 1024**3
SAMPLE_FRACTION = 0.2


# --------------------------------------------------------------------------- the data


def replicated_log(copies: int) -> Path:
    """bpic2012 repeated `copies` times with new case ids (`<case>-<copy>`), as Parquet.

    Rows keep the source's file order inside each copy, copy after copy, so ties
    on the timestamp break the same way in every copy. Built once, then reused.
    """
    import duckdb

    WORK.mkdir(parents=True, exist_ok=True)
    target = WORK / f"bpic2012_x{copies}.parquet"
    stamp = target.with_suffix(".stamp")
    key = f"{SOURCE.stat().st_size} {copies} v1"
    if target.exists() and stamp.exists() and stamp.read_text() == key:
        return target
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")
    con.execute("SET TimeZone = 'UTC'")
    # One thread for the numbering, so row_number() follows the file's order.
    con.execute("SET threads = 1")
    con.execute(
        "CREATE TEMP TABLE base AS SELECT row_number() OVER () AS rn, "
        f'"{UNIT}" AS unit, "{EVENT}" AS event, "{TIME}" AS ts '
        f"FROM read_csv('{SOURCE}', all_varchar = true)"
    )
    con.execute("RESET threads")
    tmp = target.with_suffix(".tmp")
    con.execute(
        f"""COPY (
              SELECT concat(b.unit, '-', r.range) AS "{UNIT}", b.event AS "{EVENT}",
                     CAST(b.ts AS TIMESTAMPTZ) AS "{TIME}"
              FROM base b, range({copies}) r
              ORDER BY r.range, b.rn
            ) TO '{tmp}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)"""
    )
    con.close()
    tmp.replace(target)
    stamp.write_text(key)
    return target


def rows_in(path: Path) -> int:
    import duckdb

    return int(
        duckdb.connect().execute(f"SELECT count(*) FROM read_parquet('{path}')").fetchall()[0][0]
    )


# --------------------------------------------------------------------------- children


def _peak_bytes() -> int:
    """This process's peak resident memory (VmHWM: the peak of its own address space).

    Not ru_maxrss: on Linux that carries over the parent's peak through fork and exec.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def child_floor(path: Path) -> dict[str, Any]:
    """The engine's floor: one plain window query (previous event per unit, in order)."""
    import duckdb

    con = duckdb.connect()
    start = time.perf_counter()
    ((pairs,),) = con.execute(
        f"""SELECT count(prev) FROM (
              SELECT lag("{EVENT}") OVER (
                       PARTITION BY "{UNIT}" ORDER BY "{TIME}", file_row_number) AS prev
              FROM read_parquet('{path}', file_row_number = true))"""
    ).fetchall()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_bytes": _peak_bytes(), "pairs": int(pairs)}


def child_journeyline(path: Path) -> dict[str, Any]:
    """Journeyline's full report on DuckDB through the library API, then a sanity check.

    Timed: reading the file into the engine, reach, transitions, variants, dwell and the
    4-step 14-day funnel (`journeyline.events.report`). Not timed: the same report on
    the original bpic2012, whose counts times the number of copies must be ours.
    """
    from journeyline.events import (
        LogSpec,
        load_events,
        open_engine,
        parse_duration,
        parse_steps,
        report,
    )

    parts: dict[str, float] = {}
    started = {"read": time.perf_counter()}

    def phase(name: str) -> None:
        """Close the running phase and open `name` (the report calls this per analysis)."""
        (previous, since), now = started.popitem(), time.perf_counter()
        parts[previous] = now - since
        started[name] = now

    steps = parse_steps(",".join(FUNNEL_STEPS))
    window = parse_duration(FUNNEL_WINDOW)
    start = time.perf_counter()
    engine = open_engine("duckdb")
    log = load_events(path, LogSpec(preset="xes"), engine)
    result = report(log, steps=steps, window_seconds=window, progress=phase)
    phase("")
    seconds = time.perf_counter() - start
    peak = _peak_bytes()
    engine.close()

    base_engine = open_engine("duckdb")
    base = report(
        load_events(SOURCE, LogSpec(preset="xes"), base_engine), steps=steps, window_seconds=window
    )
    base_engine.close()
    copies = log.total_units // base.reach.log["units"]  # type: ignore[operator]
    same = (
        [v.units for v in result.variants.variants]
        == [v.units * copies for v in base.variants.variants]
        and [v.path for v in result.variants.variants] == [v.path for v in base.variants.variants]
        and [s.count for s in result.funnel.steps] == [s.count * copies for s in base.funnel.steps]  # type: ignore[union-attr]
        and [(t.source, t.target, t.count) for t in result.transitions.transitions]
        == [(t.source, t.target, t.count * copies) for t in base.transitions.transitions]
    )
    check = (
        f"{log.total_events:,} events, {log.total_units:,} units, {result.variants.total_variants:,} variants; "
        f"variants, transitions and funnel are {'exactly' if same else 'NOT'} {copies} x those of bpic2012"
    )
    return {"seconds": seconds, "peak_bytes": peak, "parts": parts, "check": check, "same": same}


def child_pm4py(path: Path) -> dict[str, Any]:
    """pm4py as its users run it: read the file into pandas, format, DFG, variants."""
    import warnings

    warnings.filterwarnings("ignore")
    import pandas as pd
    import pm4py

    parts: dict[str, float] = {}
    start = time.perf_counter()
    t = time.perf_counter()
    frame = pd.read_parquet(path)
    parts["read"] = time.perf_counter() - t
    t = time.perf_counter()
    frame = pm4py.format_dataframe(frame, case_id=UNIT, activity_key=EVENT, timestamp_key=TIME)
    parts["format_dataframe"] = time.perf_counter() - t
    t = time.perf_counter()
    dfg, _, _ = pm4py.discover_dfg(frame)
    parts["discover_dfg"] = time.perf_counter() - t
    t = time.perf_counter()
    variants = pm4py.get_variants(frame)
    parts["get_variants"] = time.perf_counter() - t
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "peak_bytes": _peak_bytes(),
        "parts": parts,
        "rows": len(frame),
        "edges": len(dfg),
        "variants": len(variants),
    }


def child_retentioneering(path: Path) -> dict[str, Any]:
    """retentioneering: read into pandas, build the eventstream, transition graph, funnel."""
    os.environ["RETENTIONEERING_NO_TRACK"] = "1"
    import pandas as pd
    import retentioneering

    parts: dict[str, float] = {}
    start = time.perf_counter()
    t = time.perf_counter()
    frame = pd.read_parquet(path)
    # retentioneering 5.2 puts the event column's name unquoted into its SQL
    # (`next_concept:name`), so names with ':' fail: rename to its defaults.
    frame = frame.rename(columns={UNIT: "user_id", EVENT: "event", TIME: "timestamp"})
    parts["read"] = time.perf_counter() - t
    t = time.perf_counter()
    stream = retentioneering.Eventstream(frame)
    parts["eventstream"] = time.perf_counter() - t
    t = time.perf_counter()
    graph = stream.transition_graph_data(edge_weight="count")
    parts["transition_graph"] = time.perf_counter() - t
    t = time.perf_counter()
    funnel = stream.funnel_data(steps=FUNNEL_STEPS)
    parts["funnel"] = time.perf_counter() - t
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "peak_bytes": _peak_bytes(),
        "parts": parts,
        "rows": len(frame),
        "edges": int((graph > 0).sum().sum()),
        "funnel": [s["unique_paths"] for s in funnel["steps"]],
    }


def child_build(copies: Path) -> dict[str, Any]:
    """Build (or find) the replicated log in a child, so the parent stays small."""
    path = replicated_log(int(str(copies)))
    return {"path": str(path), "rows": rows_in(path)}


CHILDREN = {
    "build": child_build,
    "floor": child_floor,
    "journeyline": child_journeyline,
    "pm4py": child_pm4py,
    "retentioneering": child_retentioneering,
}


def run_child(name: str, path: Path) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter; its last stdout line is the JSON result."""
    env = {**os.environ, "RETENTIONEERING_NO_TRACK": "1", "PYTHONWARNINGS": "ignore"}
    proc = subprocess.run(
        [sys.executable, __file__, "--child", name, str(path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=False,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-8:]
        return {"error": f"exit {proc.returncode}: " + " | ".join(tail)}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


# --------------------------------------------------------------------------- the run


def _gb(n: float) -> str:
    return f"{n / 1024**3:.2f} GB"


def _available(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def available_memory() -> int | None:
    """Memory the machine can give a new process now (MemAvailable), or None when unknown."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def tools_plan(fraction: str, n_full: int) -> tuple[float, str]:
    """The share of the log a tool runs on, and why: the whole log when memory allows."""
    if fraction != "auto":
        return float(fraction), "--tools-fraction"
    need = TOOL_BYTES_PER_EVENT * n_full + TOOL_HEADROOM
    free = available_memory()
    if free is None:
        return SAMPLE_FRACTION, "available memory unknown"
    if free >= need:
        return 1.0, f"{_gb(free)} available, about {_gb(need)} needed"
    return SAMPLE_FRACTION, f"only {_gb(free)} available, about {_gb(need)} needed"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--copies", type=int, default=100, help="copies of bpic2012 (100 = 26.2 M events)"
    )
    parser.add_argument(
        "--tools-fraction",
        default="auto",
        help="share of the log that pm4py and retentioneering run on: 1 = all, less is "
        "extrapolated linearly; auto (default) = all when the available memory holds it, "
        f"else {SAMPLE_FRACTION:g}",
    )
    parser.add_argument("--no-record", action="store_true", help="do not write bench/RESULTS.md")
    parser.add_argument("--child", nargs=2, metavar=("NAME", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        name, path = args.child
        print(json.dumps(CHILDREN[name](Path(path))))
        return 0

    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.table import Table

    console = Console()
    if not SOURCE.exists():
        console.print(f"[red]needs {SOURCE} (the shared event logs)[/red]")
        return 1
    tools = [t for t in ("pm4py", "retentioneering") if _available(t)]
    missing = [t for t in ("pm4py", "retentioneering") if t not in tools]

    stages = ["build data", "warm the page cache", "journeyline", "floor again", *tools]
    load_before = os.getloadavg()[0]
    results: dict[str, dict[str, Any]] = {}
    logs: dict[int, tuple[Path, int]] = {}

    def log_of(copies: int) -> tuple[Path, int]:
        """The replicated log with this many copies (built once) and its number of events."""
        if copies not in logs:
            built = run_child("build", Path(str(copies)))
            if "error" in built:
                raise SystemExit(f"cannot build the data: {built['error']}")
            path = Path(built["path"])
            with path.open("rb") as handle:  # warm the page cache
                while handle.read(1 << 24):
                    pass
            logs[copies] = (path, int(built["rows"]))
        return logs[copies]

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task(f"build data ({args.copies} x bpic2012)", total=len(stages))
        full, n_full = log_of(args.copies)
        progress.advance(task)
        progress.advance(task)
        # The floor runs before and after the report; the ratio uses their mean, which
        # evens out a machine that gets busier or quieter during the run.
        for name in ["floor", "journeyline", "floor again"]:
            progress.update(task, description=f"{name} ({n_full:,} events)")
            results[name] = run_child(name.split()[0], full)
            results[name]["events"] = n_full
            if name != "floor":
                progress.advance(task)
        for tool in tools:
            fraction, why = tools_plan(args.tools_fraction, n_full)
            copies = max(1, min(args.copies, round(args.copies * fraction)))
            path, events = log_of(copies)
            progress.update(task, description=f"{tool} ({events:,} events)")
            res = run_child(tool, path)
            if "error" in res and copies != round(args.copies * SAMPLE_FRACTION):
                # The whole log did not fit after all (or the tool failed on it): measure a
                # sample, say so, and keep the failure in the notes.
                failed = res["error"]
                copies = max(1, round(args.copies * SAMPLE_FRACTION))
                path, events = log_of(copies)
                progress.update(task, description=f"{tool} ({events:,} events, fallback)")
                res = run_child(tool, path)
                why = f"the whole log failed ({failed})"
            res["events"], res["why"] = events, why
            results[tool] = res
            progress.advance(task)
        progress.update(task, description="done")
        floors = [results.pop("floor"), results.pop("floor again")]
        if all("error" not in f for f in floors):
            floor_result = {
                "seconds": sum(f["seconds"] for f in floors) / 2,
                "peak_bytes": max(f["peak_bytes"] for f in floors),
                "parts": {"before": floors[0]["seconds"], "after": floors[1]["seconds"]},
                "events": n_full,
            }
        else:
            floor_result = next(f for f in floors if "error" in f)
        results = {"floor": floor_result, **results}

    load_after = os.getloadavg()[0]
    floor = results["floor"]
    ours = results["journeyline"]
    verdicts: list[tuple[str, bool | None]] = []
    table = Table(title=f"Event analytics on {n_full:,} events ({args.copies} x bpic2012)")
    table.add_column("what")
    table.add_column("events", justify="right")
    table.add_column("seconds", justify="right")
    table.add_column("at full size", justify="right")
    table.add_column("peak memory", justify="right")
    for name, res in results.items():
        rows = int(res.get("events", n_full))
        if "error" in res:
            table.add_row(name, f"{rows:,}", "error", "", "")
            continue
        res["full_seconds"] = res["seconds"] * (n_full / rows)
        table.add_row(
            name,
            f"{rows:,}",
            f"{res['seconds']:.2f}",
            f"{res['full_seconds']:.2f}{_how(res, n_full, short=True)}",
            _gb(res["peak_bytes"]),
        )
    console.print(table)

    lines: list[str] = [
        f"- load average (1 min) on the {os.cpu_count()}-core machine: {load_before:.1f} before the run, "
        f"{load_after:.1f} after; other work on the machine slows every figure, unevenly"
    ]
    console.print(lines[0][2:])
    if "error" in floor or "error" in ours:
        for name in ("floor", "journeyline"):
            if "error" in results[name]:
                console.print(f"[red]{name} failed: {results[name]['error']}[/red]")
                lines.append(f"- {name} failed: `{results[name]['error']}`")
    else:
        ratio = ours["seconds"] / floor["seconds"]
        verdicts.append(
            (
                f"report / floor = {ratio:.2f} (target <= {MAX_FLOOR_RATIO:g})",
                ratio <= MAX_FLOOR_RATIO,
            )
        )
        peak = ours["peak_bytes"]
        verdicts.append(
            (
                f"report peak memory = {_gb(peak)} (target < {_gb(MAX_PEAK_BYTES)})",
                peak < MAX_PEAK_BYTES,
            )
        )
        for tool in tools:
            res = results[tool]
            if "error" in res:
                verdicts.append((f"{tool}: failed ({res['error']})", False))
                continue
            tool_ratio = res["full_seconds"] / ours["seconds"]
            verdicts.append(
                (
                    f"{tool} / report = {tool_ratio:.1f} (target >= {MIN_TOOL_RATIO:g}; "
                    f"{tool} {_how(res, n_full)})",
                    tool_ratio >= MIN_TOOL_RATIO,
                )
            )
        for tool in missing:
            verdicts.append(
                (f"{tool}: not installed (pip install -e '.[crosscheck]'), not measured", None)
            )
        console.print(
            "[bold]Report parts (seconds):[/bold] "
            + ", ".join(f"{k} {v:.2f}" for k, v in ours.get("parts", {}).items())
        )
        for tool in tools:
            if "parts" in results[tool]:
                console.print(
                    f"[bold]{tool} parts (seconds, {results[tool]['events']:,} events):[/bold] "
                    + ", ".join(f"{k} {v:.2f}" for k, v in results[tool]["parts"].items())
                )
        for text, passed in verdicts:
            mark = "[yellow]n/a[/yellow]" if passed is None else ok(passed)
            console.print(f"{mark}  {text}", markup=True, highlight=False)
        for text, passed in verdicts:
            mark = "n/a" if passed is None else ("PASS" if passed else "FAIL")
            lines.append(f"- {mark}: {text}")
        check = ours.get("check")
        if check:
            console.print(f"sanity: {check}")
            lines.append(f"- sanity: {check}")

    if not args.no_record:
        record(results, lines, n_full, args.copies)
        console.print(f"recorded in {RESULTS.relative_to(REPO)}")
    return 0


def ok(cond: bool) -> str:
    """A PASS or FAIL mark for the console."""
    return "[green]PASS[/green]" if cond else "[red]FAIL[/red]"


def _how(res: dict[str, Any], n_full: int, *, short: bool = False) -> str:
    """How a tool's figure at full size was had: measured on the whole log, or extrapolated."""
    rows = int(res.get("events", n_full))
    if rows == n_full:
        return "" if short else f"run on the whole log, {n_full:,} events ({res.get('why', '')})"
    if short:
        return " (extrapolated linearly)"
    return f"extrapolated linearly x{n_full / rows:g} from {rows:,} events ({res.get('why', '')})"


HISTORY = "<!-- bench_events.py rewrites the section above this line and keeps what follows. -->"


def record(
    results: dict[str, dict[str, Any]], verdicts: list[str], n_full: int, copies: int
) -> None:
    """Replace this benchmark's figures in bench/RESULTS.md, keeping its history below the
    HISTORY marker and the other benchmarks' sections."""
    import duckdb

    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = [
        SECTION,
        "",
        f"`bench/bench_events.py`, {when}; {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"DuckDB {duckdb.__version__}. Data: bpic2012 x {copies} with new case ids, "
        f"{n_full:,} events, Parquet.",
        "",
        "| what | events | seconds | at full size | peak memory |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, res in results.items():
        rows = int(res.get("events", n_full))
        if "error" in res:
            body.append(f"| {name} | {rows:,} | error | | |")
            continue
        body.append(
            f"| {name} | {rows:,} | {res['seconds']:.2f} | {res['full_seconds']:.2f}"
            f"{_how(res, n_full, short=True)} | {_gb(res['peak_bytes'])} |"
        )
    body += ["", *verdicts, ""]
    for name, res in results.items():
        if "parts" in res:
            body.append(
                f"- {name} parts (s): " + ", ".join(f"{k} {v:.2f}" for k, v in res["parts"].items())
            )
    body.append("")
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    start = text.find(SECTION)
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + "\n".join(body) + "\n" + HISTORY + "\n"
    else:
        end = text.find("\n## ", start + len(SECTION))
        section = text[start:] if end == -1 else text[start : end + 1]
        rest = "" if end == -1 else text[end + 1 :]
        mark = section.find(HISTORY)
        kept = section[mark:] if mark != -1 else HISTORY + "\n"
        text = (
            text[:start]
            + "\n".join(body)
            + "\n"
            + kept.rstrip("\n")
            + "\n"
            + ("\n" + rest if rest else "")
        )
    RESULTS.write_text(text.rstrip("\n") + "\n")


if __name__ == "__main__":
    sys.exit(main())
