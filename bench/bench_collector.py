"""Benchmark: the collector's sustained events/s and per-batch latency over loopback.

Run: .venv/bin/python bench/bench_collector.py [--seconds 15] [--connections 8] [--batch 100]

Starts a real server (`journeyline serve`, its own data folder, one collector source),
then keeps `--connections` keep-alive HTTP/1.1 connections sending Segment batches of
`--batch` track calls to /api/collect/v1/batch for `--seconds`, each waiting for its
answer (every answer comes after the fsync of its batch). Prints events/s and the p50/p99
latency per batch against the targets (>= 50,000 events/s on 2 cores, p99 < 100 ms).
The client is raw asyncio sockets with pre-encoded requests, to leave the cores to the server.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_EVENTS_PER_SECOND = 50_000
TARGET_P99_SECONDS = 0.100


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _prepare(data: Path) -> str:
    from journeyline.store import accounts, workspaces
    from journeyline.store.database import open_database
    from journeyline.web import Settings, create_app

    db = open_database(f"sqlite:///{data / 'journeyline.db'}")
    with db.writing() as session:
        actor = accounts.actor_of(accounts.create_account(session, "bench@example.org", "B"))
    workspace = workspaces.create_workspace(db, actor, "Bench")["id"]
    app = create_app(Settings(data_dir=str(data)), database=db)
    sources = app.state.event_sources
    source = sources.create_collector(actor, workspace, "Bench")
    key = sources.write_key(actor, workspace, source.id)
    sources.collectors.close()
    db.close()
    return key


def _request(port: int, key: str, batch: int, seed: int) -> bytes:
    calls = [
        {
            "type": "track",
            "userId": f"user-{seed}-{i % 17}",
            "event": ("Viewed Page", "Added to Cart", "Checked Out")[i % 3],
            "messageId": f"m-{seed}-{i}",
            "timestamp": "2026-12-02T10:00:00.000Z",
            "properties": {"plan": "pro", "path": f"/p/{i}"},
            "context": {"library": {"name": "analytics-python", "version": "2.3.2"}},
        }
        for i in range(batch)
    ]
    body = json.dumps({"batch": calls}).encode()
    auth = base64.b64encode(f"{key}:".encode()).decode()
    head = (
        f"POST /api/collect/v1/batch HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Basic {auth}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    return head + body


async def _connection(
    port: int, request: bytes, until: float, latencies: list[float], errors: list[int]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < until:
            start = time.perf_counter()
            writer.write(request)
            status_line = await reader.readline()
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
            if b" 200 " not in status_line:
                errors.append(int(status_line.split()[1]))
    finally:
        writer.close()


async def _run(
    port: int, key: str, seconds: float, connections: int, batch: int
) -> tuple[list[float], list[int], float]:
    requests = [_request(port, key, batch, c) for c in range(connections)]
    latencies: list[float] = []
    errors: list[int] = []
    start = time.perf_counter()
    until = start + seconds
    await asyncio.gather(
        *(_connection(port, requests[c], until, latencies, errors) for c in range(connections))
    )
    return latencies, errors, time.perf_counter() - start


def _cpu_seconds(pid: int) -> float:
    """The CPU time (user + system) a process has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-collector-") as folder:
        data = Path(folder)
        key = _prepare(data)
        port = _free_port()
        src = Path(__file__).resolve().parents[1] / "src"
        env = {**os.environ, "PYTHONPATH": str(src)}
        server = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from journeyline.cli import main; main()",
                "serve",
                "--data-dir",
                str(data),
                "--port",
                str(port),
                "--setting",
                "collector_events_per_second",
                "10000000",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
                except OSError:
                    time.sleep(0.2)
            asyncio.run(_run(port, key, 1.0, args.connections, args.batch))  # warm up
            cpu_before, load_before = _cpu_seconds(server.pid), os.getloadavg()[0]
            latencies, errors, elapsed = asyncio.run(
                _run(port, key, args.seconds, args.connections, args.batch)
            )
            server_cpu = _cpu_seconds(server.pid) - cpu_before
            load_after = os.getloadavg()[0]
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
    latencies.sort()
    events = len(latencies) * args.batch
    rate = events / elapsed
    p50 = latencies[len(latencies) // 2]
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(
        f"collector: {len(latencies)} batches of {args.batch} over {args.connections} "
        f"connections in {elapsed:.1f} s ({os.cpu_count()} cores), {len(errors)} not 200"
    )
    print(
        f"  sustained: {rate:,.0f} events/s  (target >= {TARGET_EVENTS_PER_SECOND:,}: "
        f"{rate / TARGET_EVENTS_PER_SECOND:.2f}x)"
    )
    print(
        f"  server CPU: {server_cpu:.1f} s over {elapsed:.1f} s "
        f"({server_cpu / max(len(latencies), 1) * 1000:.2f} ms per batch); "
        f"load average {load_before:.2f} before, {load_after:.2f} after"
    )
    print(
        f"  per batch: p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms  "
        f"(target p99 < {TARGET_P99_SECONDS * 1000:.0f} ms: {p99 / TARGET_P99_SECONDS:.2f}x)"
    )


if __name__ == "__main__":
    main()
