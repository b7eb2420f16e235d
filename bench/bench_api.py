"""Benchmark: 50 concurrent API clients on loopback, reads and edits, against `journeyline serve` on SQLite.

Target (issue 5): p95 under 100 ms for reads and for edits.

The server is the real command (`journeyline serve --data-dir TMP`) in its own process;
the clients run in this process (asyncio + httpx), one task per client, each with its own
API token, a bounded number of requests each. Ten maps, five clients per map, as in five
workshops of ten people: every client reads its map, reads the step list or comments, and
edits a step with the revision it read (If-Match). A 409 (someone else edited first) is a
correct, fast answer; the client reads again and retries. Between requests each client
pauses like a person at a board does (200–800 ms, seeded), so the offered load is
bounded; `--no-pause` runs the clients back to back to show the saturation point.
The whole run is made twice, against a server with `sqlite_synchronous=NORMAL` and one
with `FULL` (the default), and the cost of FULL on edit p95 is printed as a ratio.
Writes a `## Web API` section into bench/RESULTS.md (the FULL run, and the comparison).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.serving import free_port, wait_until_up, workspace_with_editors  # noqa: E402

from journeyline.model import Workspace  # noqa: E402
from journeyline.templates import load_template  # noqa: E402

CLIENTS = 50
MAPS = 10
REQUESTS_PER_CLIENT = 40
TARGET_MS = 100.0
PAUSE_MIN, PAUSE_MAX = 0.2, 0.8
"""Seconds a client waits between requests: a person at a board, not a load generator."""


def prepare(data_dir: Path, clients: int = CLIENTS) -> tuple[str, list[str], list[str]]:
    """A workspace with MAPS copies of a template map, and one editor token per client."""
    template = load_template("saas-trial")
    source = Workspace.model_validate(template.model_dump())
    base = source.maps[0]
    source.maps = []
    for n in range(MAPS):
        copy = base.model_copy(deep=True)
        copy.id = f"map-{n}"
        copy.name = f"{base.name} ({n})"
        source.maps.append(copy)
    workspace, tokens = workspace_with_editors(data_dir, source, clients)
    map_ids = [m.id for m in source.maps]
    return workspace, map_ids, tokens


async def client(
    n: int,
    http: httpx.AsyncClient,
    workspace: str,
    map_id: str,
    pause: bool,
    out: dict[str, list[float]],
) -> None:
    rng = random.Random(n)
    url = f"/api/workspaces/{workspace}/maps/{map_id}"

    async def timed(kind: str, method: str, path: str, **kwargs: object) -> httpx.Response:
        start = time.perf_counter()
        response = await http.request(method, path, **kwargs)  # type: ignore[arg-type]
        out[kind].append((time.perf_counter() - start) * 1000)
        timing = response.headers.get("server-timing", "")
        if timing.startswith("app;dur="):
            out[f"server {kind}"].append(float(timing.removeprefix("app;dur=")))
        if response.status_code >= 500 or response.status_code in (401, 403, 404, 422, 428):
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text[:200]}")
        return response

    current = await timed("read", "GET", url)
    steps = [s["id"] for stage in current.json()["map"]["stages"] for s in stage["steps"]]
    etag = current.headers["ETag"]
    for i in range(REQUESTS_PER_CLIENT):
        if pause:
            await asyncio.sleep(rng.uniform(PAUSE_MIN, PAUSE_MAX))
        choice = rng.random()
        if choice < 0.35:
            current = await timed("read", "GET", url)
            etag = current.headers["ETag"]
        elif choice < 0.55:
            await timed("read", "GET", f"{url}/steps")
        elif choice < 0.70:
            await timed("read", "GET", f"{url}/comments")
        else:
            step = rng.choice(steps)
            response = await timed(
                "edit",
                "PATCH",
                f"{url}/steps/{step}",
                json={"feels": f"client {n} edit {i}"},
                headers={"If-Match": etag},
            )
            if response.status_code == 409:
                out["conflicts"].append(1.0)
                etag = response.headers["ETag"]
            else:
                etag = response.headers["ETag"]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
    return ordered[index]


async def run_clients(
    base_url: str, workspace: str, map_ids: list[str], tokens: list[str], pause: bool
) -> tuple[dict[str, list[float]], float]:
    out: dict[str, list[float]] = {
        "read": [],
        "edit": [],
        "conflicts": [],
        "server read": [],
        "server edit": [],
        "client lag": [],
    }
    # Made before the clock starts: making an httpx client costs ~25 ms of this process's
    # CPU (its TLS context), which would otherwise be counted in the first requests' times.
    https = [
        httpx.AsyncClient(
            base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
        for token in tokens
    ]
    start = time.perf_counter()
    lag = asyncio.create_task(watch_lag(out["client lag"]))
    try:
        await asyncio.gather(
            *(
                client(n, http, workspace, map_ids[n % len(map_ids)], pause, out)
                for n, http in enumerate(https)
            )
        )
    finally:
        elapsed = time.perf_counter() - start
        lag.cancel()
        for http in https:
            await http.aclose()
    return out, elapsed


async def watch_lag(lags: list[float]) -> None:
    """How late this process's event loop wakes up: time the clients' own measurements
    include when this process, not the server, is kept from running."""
    while True:
        start = time.perf_counter()
        await asyncio.sleep(0.02)
        lags.append((time.perf_counter() - start - 0.02) * 1000)


LATEST = ("<!-- bench_api.py: latest run -->", "<!-- /bench_api.py: latest run -->")
HISTORY = "<!-- bench_api.py: history, newest first -->"
HISTORY_HEADER = [
    "| when (UTC) | code | load avg start → end | reads p50 / p95 ms | edits p50 / p95 ms | server CPU ms/request | result |",
    "|---|---|---|---:|---:|---:|---|",
]


def write_results(lines: list[str], history_row: str) -> None:
    """Replace the latest run in the `## Web API` section and add a row to its history;
    whatever else the section says (notes, older tables) is kept."""
    path = ROOT / "bench" / "RESULTS.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    latest = "\n".join([LATEST[0], *lines, LATEST[1]])
    if "## Web API\n" not in text:
        text = text.rstrip() + "\n\n## Web API\n\n" + latest + "\n"
    elif LATEST[0] in text:
        start, end = text.index(LATEST[0]), text.index(LATEST[1]) + len(LATEST[1])
        text = text[:start] + latest + text[end:]
    else:
        heading = text.index("## Web API\n") + len("## Web API\n")
        text = text[:heading] + "\n" + latest + "\n" + text[heading:]
    if HISTORY not in text:
        end = text.index(LATEST[1]) + len(LATEST[1])
        block = "\n\n### History\n\n" + "\n".join([HISTORY, *HISTORY_HEADER])
        text = text[:end] + block + text[end:]
    at = text.index(HISTORY) + len(HISTORY) + sum(len(h) + 1 for h in HISTORY_HEADER)
    text = text[:at] + "\n" + history_row + text[at:]
    path.write_text(text.rstrip() + "\n", encoding="utf-8")


def code_version() -> str:
    """The commit measured (with `+` when the work tree has changes)."""
    try:
        head = subprocess.run(
            ["git", "-C", str(ROOT), "describe", "--always", "--dirty=+"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return head


@dataclass
class Run:
    """One run of the clients against one server."""

    synchronous: str
    out: dict[str, list[float]]
    elapsed: float
    server_cpu: float
    client_cpu: float
    load_start: float
    load_end: float


def serve_and_measure(clients: int, pause: bool, synchronous: str) -> Run:
    """A fresh data dir and `journeyline serve` on it with `sqlite_synchronous`, the clients run."""
    with tempfile.TemporaryDirectory(prefix="journeyline-bench-") as folder:
        data_dir = Path(folder) / "data"
        workspace, map_ids, tokens = prepare(data_dir, clients)
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        env = dict(
            os.environ,
            JOURNEYLINE_DATA_DIR=str(data_dir),
            JOURNEYLINE_SQLITE_SYNCHRONOUS=synchronous,
        )
        load_start = os.getloadavg()[0]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        client_before = resource.getrusage(resource.RUSAGE_SELF)
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "journeyline"), "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(base_url, server)
            out, elapsed = asyncio.run(run_clients(base_url, workspace, map_ids, tokens, pause))
        finally:
            server.terminate()
            server.wait(timeout=30)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        client_after = resource.getrusage(resource.RUSAGE_SELF)
    return Run(
        synchronous=synchronous,
        out=out,
        elapsed=elapsed,
        server_cpu=(after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
        client_cpu=(client_after.ru_utime + client_after.ru_stime)
        - (client_before.ru_utime + client_before.ru_stime),
        load_start=load_start,
        load_end=os.getloadavg()[0],
    )


SINGLE_EDITS = 150


def single_edit_cost(edits: int = SINGLE_EDITS) -> dict[str, list[float]]:
    """Milliseconds per edit, one at a time, in-process, alternating a FULL and a NORMAL
    server edit by edit, so whatever else the machine does weighs on both alike."""
    from fastapi.testclient import TestClient

    from journeyline.web import Settings, create_app

    times: dict[str, list[float]] = {"FULL": [], "NORMAL": []}
    with tempfile.TemporaryDirectory(prefix="journeyline-bench-") as folder:
        clients = {}
        urls = {}
        for sync in times:
            data_dir = Path(folder) / sync
            workspace, map_ids, tokens = prepare(data_dir, 1)
            app = create_app(Settings(data_dir=str(data_dir), sqlite_synchronous=sync))
            client = TestClient(app, headers={"Authorization": f"Bearer {tokens[0]}"})
            clients[sync] = client.__enter__()
            urls[sync] = f"/api/workspaces/{workspace}/maps/{map_ids[0]}"
        try:
            etags = {}
            steps = {}
            for sync, client in clients.items():
                current = client.get(urls[sync])
                etags[sync] = current.headers["ETag"]
                steps[sync] = current.json()["map"]["stages"][0]["steps"][0]["id"]
            for i in range(edits):
                for sync, client in clients.items():
                    started = time.perf_counter()
                    response = client.patch(
                        f"{urls[sync]}/steps/{steps[sync]}",
                        json={"feels": f"edit {i}"},
                        headers={"If-Match": etags[sync]},
                    )
                    times[sync].append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, response.text
                    etags[sync] = response.headers["ETag"]
        finally:
            for client in clients.values():
                client.__exit__(None, None, None)
    return times


def durability_lines(runs: list[Run]) -> list[str]:
    """What `synchronous=FULL` (every commit synced, the default) costs against NORMAL."""
    by = {run.synchronous: run for run in runs}
    full, normal = by["FULL"], by["NORMAL"]
    rows = []
    for name in ("edit", "server edit", "read"):
        f95, n95 = percentile(full.out[name], 95), percentile(normal.out[name], 95)
        f50, n50 = statistics.median(full.out[name]), statistics.median(normal.out[name])
        label = {"edit": "edits", "server edit": "edits, in the server", "read": "reads"}[name]
        rows.append(
            f"| {label} | {n50:.1f} / {n95:.1f} | {f50:.1f} / {f95:.1f} | {f95 / n95:.2f} |"
        )
    single = single_edit_cost()
    f95, n95 = percentile(single["FULL"], 95), percentile(single["NORMAL"], 95)
    f50, n50 = statistics.median(single["FULL"]), statistics.median(single["NORMAL"])
    rows.append(
        f"| one edit at a time, alternating (in-process, {SINGLE_EDITS} each) | {n50:.1f} / {n95:.1f} "
        f"| {f50:.1f} / {f95:.1f} | {f95 / n95:.2f} |"
    )
    return [
        "Durability: the same load against a server with `sqlite_synchronous=NORMAL` (WAL synced "
        "at checkpoints only) and one with `FULL` (the default: synced at every commit, so an "
        "acknowledged edit survives a power cut), one after the other in this run; then single "
        "edits alternating between the two, which no change of the machine's load between the "
        "two runs can skew.",
        "",
        "| requests | NORMAL p50 / p95 ms | FULL p50 / p95 ms | p95 FULL / NORMAL |",
        "|----------|--------------------:|------------------:|------------------:|",
        *rows,
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--no-pause", action="store_true", help="Clients send back to back (saturation)."
    )
    parser.add_argument(
        "--clients", type=int, default=CLIENTS, help=f"Concurrent clients (default {CLIENTS})."
    )
    parser.add_argument(
        "--no-record", action="store_true", help="Print only; leave bench/RESULTS.md alone."
    )
    args = parser.parse_args()
    pause = not args.no_pause
    runs = [serve_and_measure(args.clients, pause, sync) for sync in ("NORMAL", "FULL")]
    run = runs[-1]  # the default setting: what the target is judged on
    out, elapsed, server_cpu, client_cpu = run.out, run.elapsed, run.server_cpu, run.client_cpu
    load_start, load_end = runs[0].load_start, run.load_end
    clients = args.clients
    reads, edits = out["read"], out["edit"]
    total = len(reads) + len(edits)
    rows = []
    ok = True
    for name, values in (
        ("reads", reads),
        ("edits", edits),
        ("reads, in the server", out["server read"]),
        ("edits, in the server", out["server edit"]),
    ):
        p95 = percentile(values, 95)
        if "server" not in name:
            ok = ok and p95 < TARGET_MS
        rows.append(
            f"| {name} | {len(values)} | {statistics.median(values):.1f} | {p95:.1f} | {percentile(values, 99):.1f} | "
            f"{max(values):.1f} | {p95 / TARGET_MS:.2f} |"
        )
    lag = out["client lag"] or [0.0]
    mode = (
        f"pausing {PAUSE_MIN * 1000:.0f}–{PAUSE_MAX * 1000:.0f} ms between requests, like people at a board"
        if pause
        else "back to back (saturation)"
    )
    lines = [
        f"`python bench/bench_api.py{'' if pause else ' --no-pause'}`: {clients} concurrent clients on 127.0.0.1, "
        f"{mode}; `journeyline serve` on SQLite (one process, `sqlite_synchronous=FULL`); {MAPS} maps, "
        f"{max(1, clients // MAPS)} editors each; "
        f"{total} requests in {elapsed:.1f} s ({total / elapsed:.0f} req/s); {len(out['conflicts'])} edits answered 409 "
        f"(stale If-Match) and retried. Server CPU: {server_cpu:.1f} s in all, {server_cpu / total * 1000:.1f} ms per "
        f"request, {server_cpu / elapsed:.0%} of one core; the clients used {client_cpu / elapsed:.0%} of one core, "
        f"and their event loop woke up late by {percentile(lag, 95):.0f} ms at p95 ({max(lag):.0f} ms at most: "
        f"time the clients' figures include when the clients, not the server, were kept waiting). "
        f"Load average (1 min) {load_start:.1f} at the start, {load_end:.1f} at the end, on {os.cpu_count()} cores: "
        f"other work on the machine competes for them. Target: p95 < {TARGET_MS:.0f} ms.",
        "",
        "| requests | count | p50 ms | p95 ms | p99 ms | max ms | p95 / target |",
        "|----------|------:|-------:|-------:|-------:|-------:|-------------:|",
        *rows,
        "",
        *durability_lines(runs),
        "",
        f"Result: {'PASS' if ok else 'FAIL'} (machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}).",
    ]
    print("\n".join(lines))
    when = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    history_row = (
        f"| {when} | {code_version()} | {load_start:.1f} → {load_end:.1f} | "
        f"{statistics.median(reads):.0f} / {percentile(reads, 95):.0f} | "
        f"{statistics.median(edits):.0f} / {percentile(edits, 95):.0f} | "
        f"{server_cpu / total * 1000:.1f} | {'PASS' if ok else 'FAIL'}{'' if pause else ' (no pause)'} |"
    )
    if not args.no_record:
        write_results(lines, history_row)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
