"""Benchmark: live co-editing against `journeyline serve` (SQLite, `sqlite_synchronous=FULL`).

Targets (issue 11), loopback, bounded runs:
- 8 clients editing one 300-step map: p95 from one client's update to every other
  client's receipt < 50 ms; 50 clients over 10 maps: p95 < 150 ms.
- Sustained 200 saved updates a second per server process, the log fsync'd (group
  commit), p95 time from sending an update to its SAVED < 100 ms.
- Server memory per open 300-step map < 10 MB.
- A map whose log holds 10,000 updates opens (connect → synced) in < 0.5 s: compacted into
  a snapshot as the server does (the default `live_compact_every`), and, as the worst
  case, all 10,000 left in the log uncompacted.

The server is the real command in its own process; the clients are asyncio WebSocket
clients with pycrdt documents in this process, speaking y-websocket as any Yjs client does.
Every client types into its own step's name (as people do in a workshop), at a bounded rate.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pycrdt
from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from bench.serving import free_port, wait_until_up, workspace_with_editors  # noqa: E402

from journeyline.live import new_doc, wire  # noqa: E402
from journeyline.model import JourneyMap, Workspace  # noqa: E402
from journeyline.store import open_database, sqlite_url  # noqa: E402
from journeyline.store.tables import LiveDocument, LiveUpdate, MapRecord, utcnow  # noqa: E402

STAGES, STEPS_PER_STAGE = 10, 30
RECEIPT_TARGET_MS = 50.0
RECEIPT_50_TARGET_MS = 150.0
SAVED_TARGET_MS = 100.0
SAVED_RATE = 200
MEMORY_TARGET_MB = 10.0
OPEN_TARGET_S = 0.5


def big_map(map_id: str) -> dict[str, Any]:
    """A 300-step map: 10 stages of 30 steps, a pain point on every fifth step."""
    stages, pains = [], []
    for s in range(STAGES):
        steps = []
        for t in range(STEPS_PER_STAGE):
            step_id = f"s{s}-{t}"
            steps.append(
                {
                    "id": step_id,
                    "name": f"Step {s}.{t}",
                    "does": "Reads the page and decides what to do next",
                    "thinks": "Is this worth it?",
                    "emotion": (t % 7) - 3,
                    "channel": "web",
                }
            )
            if t % 5 == 0:
                pains.append({"id": f"p{s}-{t}", "name": f"Slow {s}.{t}", "step": step_id})
        stages.append({"id": f"stage{s}", "name": f"Stage {s}", "steps": steps})
    return {"id": map_id, "name": f"Big map {map_id}", "stages": stages, "pain_points": pains}


def prepare(data_dir: Path, maps: int, clients: int) -> tuple[str, list[str], list[str]]:
    """A workspace with `maps` 300-step maps and one editor token per client."""
    source = Workspace.model_validate(
        {"id": "bench", "name": "Bench", "maps": [big_map(f"map-{n}") for n in range(maps)]}
    )
    workspace, tokens = workspace_with_editors(data_dir, source, clients)
    return workspace, [f"map-{n}" for n in range(maps)], tokens


class Server:
    """`journeyline serve` in its own process."""

    def __init__(self, data_dir: Path, **settings: str) -> None:
        self.port = free_port()
        command = [
            sys.executable,
            "-c",
            "from journeyline.cli import main; main()",
            "serve",
            "--data-dir",
            str(data_dir),
            "--port",
            str(self.port),
        ]
        for name, value in {"worker_processes": "1", **settings}.items():
            command += ["--setting", name, value]
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        self.process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_until_up(f"http://127.0.0.1:{self.port}", self.process)

    def url(self, workspace: str, map_id: str) -> str:
        return f"ws://127.0.0.1:{self.port}/api/workspaces/{workspace}/maps/{map_id}/live"

    def rss_mb(self) -> float:
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Client:
    """A Yjs client: a pycrdt document on an asyncio WebSocket."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.doc: pycrdt.Doc[Any] = pycrdt.Doc()
        self.synced = asyncio.Event()
        self.saved: dict[int, int] = {}
        self.saved_changed = asyncio.Event()
        self.on_update: Any = None
        self.outgoing: list[bytes] = []
        self.doc.observe(lambda event: self.outgoing.append(event.update))
        self.applying = False

    @classmethod
    async def open(cls, url: str, token: str) -> Client:
        ws = await connect(
            url, additional_headers={"Authorization": f"Bearer {token}"}, max_size=None
        )
        client = cls(ws)
        await ws.send(wire.sync_step1(client.doc.get_state()))
        client.task = asyncio.create_task(client.read())
        await asyncio.wait_for(client.synced.wait(), 30)
        client.outgoing.clear()
        return client

    async def read(self) -> None:
        async for frame in self.ws:
            assert isinstance(frame, bytes)
            arrived = time.perf_counter()
            reader = wire.Reader(frame)
            kind = reader.var_uint("type")
            if kind == wire.MessageType.SYNC:
                sub = reader.var_uint("sync")
                payload = reader.var_bytes("payload")
                if sub == wire.SyncType.STEP1:
                    await self.ws.send(wire.sync_step2(self.doc.get_update(payload)))
                    continue
                self.applying = True
                self.doc.apply_update(payload)
                self.applying = False
                self.outgoing.clear()
                if sub == wire.SyncType.STEP2:
                    self.synced.set()
                elif self.on_update is not None:
                    self.on_update(arrived)
            elif kind == wire.MessageType.SAVED:
                self.saved = wire.read_state_vector(reader.var_bytes("saved"))
                self.saved_changed.set()

    async def type_into(self, step_id: str, text: str) -> int:
        """Type `text` at the end of a step's name as one update; this client's clock after."""
        name = self.doc.get("steps", type=pycrdt.Map)[step_id]["name"]
        name.insert(len(str(name)), text)
        for update in self.outgoing:
            await self.ws.send(wire.sync_update(update))
        self.outgoing.clear()
        return int(wire.read_state_vector(self.doc.get_state()).get(self.doc.client_id, 0))

    async def close(self) -> None:
        await self.ws.close()
        self.task.cancel()


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)


async def receipt_run(
    server: Server, workspace: str, maps: list[str], tokens: list[str], rounds: int
) -> list[float]:
    """Each client in turn types one character; the time until every other client on its map
    has it. One map's clients type one after another (a round at a time); maps in parallel."""
    per_map = len(tokens) // len(maps)
    latencies: list[float] = []

    async def one_map(index: int) -> None:
        clients = [
            await Client.open(server.url(workspace, maps[index]), tokens[index * per_map + n])
            for n in range(per_map)
        ]
        for r in range(rounds):
            for n, sender in enumerate(clients):
                others = [c for c in clients if c is not sender]
                pending = {id(c) for c in others}
                done = asyncio.Event()
                started = time.perf_counter()

                def arrived(
                    at: float,
                    who: int,
                    pending: set[int] = pending,
                    started: float = started,
                    done: asyncio.Event = done,
                ) -> None:
                    if who in pending:
                        pending.discard(who)
                        latencies.append((at - started) * 1000)
                        if not pending:
                            done.set()

                for other in others:
                    other.on_update = lambda at, who=id(other), f=arrived: f(at, who)
                await sender.type_into(f"s{n % STAGES}-{r % STEPS_PER_STAGE}", "x")
                await asyncio.wait_for(done.wait(), 10)
                await asyncio.sleep(0.02)
        for c in clients:
            await c.close()

    await asyncio.gather(*(one_map(i) for i in range(len(maps))))
    return latencies


async def saved_run(
    server: Server, workspace: str, map_id: str, tokens: list[str], rate: int, seconds: float
) -> tuple[list[float], float]:
    """`len(tokens)` clients on one map type `rate` updates a second in all, for `seconds`;
    for each update, the time until a SAVED covering it arrives. Also the achieved rate."""
    clients = [await Client.open(server.url(workspace, map_id), t) for t in tokens]
    times: list[float] = []
    per_client = rate / len(clients)
    total = int(rate * seconds)

    async def typist(n: int, c: Client) -> None:
        waiting: list[tuple[int, float]] = []

        async def watch() -> None:
            while True:
                await c.saved_changed.wait()
                c.saved_changed.clear()
                now = time.perf_counter()
                mine = c.saved.get(c.doc.client_id, 0)
                while waiting and waiting[0][0] <= mine:
                    times.append((now - waiting.pop(0)[1]) * 1000)

        watcher = asyncio.create_task(watch())
        start = time.perf_counter()
        count = total // len(clients)
        for i in range(count):
            due = start + i / per_client
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            sent = time.perf_counter()
            clock = await c.type_into(f"s{n % STAGES}-{i % STEPS_PER_STAGE}", "y")
            waiting.append((clock, sent))
        deadline = time.perf_counter() + 10
        while waiting and time.perf_counter() < deadline:
            await asyncio.sleep(0.01)
        watcher.cancel()

    started = time.perf_counter()
    await asyncio.gather(*(typist(n, c) for n, c in enumerate(clients)))
    elapsed = time.perf_counter() - started
    for c in clients:
        await c.close()
    return times, len(times) / elapsed


async def memory_run(server: Server, workspace: str, maps: list[str], token: str) -> float:
    """MB of server memory per open 300-step map (one client on each; RSS before and after)."""
    warm = await Client.open(server.url(workspace, maps[0]), token)
    await asyncio.sleep(0.5)
    before = server.rss_mb()
    clients = [await Client.open(server.url(workspace, m), token) for m in maps[1:]]
    await asyncio.sleep(1.0)
    after = server.rss_mb()
    for c in [warm, *clients]:
        await c.close()
    return (after - before) / len(clients)


def log_of(
    data_dir: Path, workspace: str, map_id: str, updates: int, compact_every: int | None
) -> None:
    """Give a map a shared document whose log holds `updates` typed characters (one update
    each): all of them as rows, or folded into a snapshot every `compact_every`, as the
    server does."""
    db = open_database(sqlite_url(data_dir))
    with db.reading() as session:
        record = session.query(MapRecord).filter_by(workspace_id=workspace, map_id=map_id).one()
        pk = record.pk
        journey = JourneyMap.model_validate(record.document["maps"][0])
    doc = new_doc(journey)
    snapshot = doc.get_update()
    rows: list[bytes] = []
    doc.observe(lambda event: rows.append(event.update))
    steps = doc.get("steps", type=pycrdt.Map)
    for n in range(updates + (7 if compact_every else 0)):  # a few left in the log
        name = steps[f"s{n % STAGES}-{n % STEPS_PER_STAGE}"]["name"]
        name.insert(len(str(name)), "z")
        if compact_every and len(rows) >= compact_every:
            snapshot, rows = doc.get_update(), []
    with db.writing() as session:
        session.add(LiveDocument(map_pk=pk, snapshot=snapshot, editors=[], snapshot_at=utcnow()))
        if not rows:
            return
        session.execute(
            LiveUpdate.__table__.insert(),
            [{"map_pk": pk, "data": r, "author_id": None, "created_at": utcnow()} for r in rows],
        )
    db.close()


async def open_time(server: Server, workspace: str, map_id: str, token: str) -> float:
    """Seconds from connecting to a map no one has open to holding its whole document."""
    start = time.perf_counter()
    c = await Client.open(server.url(workspace, map_id), token)
    elapsed = time.perf_counter() - start
    await c.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8, help="Typing rounds per receipt run.")
    parser.add_argument("--seconds", type=float, default=10.0, help="Length of the saved run.")
    args = parser.parse_args()
    results: list[str] = []

    def report(line: str) -> None:
        print(line, flush=True)
        results.append(line)

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        workspace, maps, tokens = prepare(data, 12, 50)
        server = Server(data)
        try:
            lat8 = asyncio.run(receipt_run(server, workspace, maps[:1], tokens[:8], args.rounds))
            v = p95(lat8)
            report(
                f"8 clients on one 300-step map: update → every other client p95 {v:.1f} ms "
                f"(median {statistics.median(lat8):.1f}, n={len(lat8)}); target < {RECEIPT_TARGET_MS:.0f} ms "
                f"({v / RECEIPT_TARGET_MS:.2f}× the target)"
            )
            lat50 = asyncio.run(
                receipt_run(server, workspace, maps[:10], tokens[:50], max(2, args.rounds // 4))
            )
            v = p95(lat50)
            report(
                f"50 clients over 10 maps: p95 {v:.1f} ms (median {statistics.median(lat50):.1f}, "
                f"n={len(lat50)}); target < {RECEIPT_50_TARGET_MS:.0f} ms ({v / RECEIPT_50_TARGET_MS:.2f}×)"
            )
            saved, rate = asyncio.run(
                saved_run(server, workspace, maps[10], tokens[:20], SAVED_RATE, args.seconds)
            )
            v = p95(saved) if saved else float("inf")
            report(
                f"{SAVED_RATE} updates/s offered by 20 clients for {args.seconds:.0f} s (SQLite FULL, "
                f"group commit): {rate:.0f} saved/s, time to SAVED p95 {v:.1f} ms "
                f"(median {statistics.median(saved) if saved else float('inf'):.1f}); target < {SAVED_TARGET_MS:.0f} ms ({v / SAVED_TARGET_MS:.2f}×)"
            )
        finally:
            server.stop()
        server = Server(data)
        try:
            per_map = asyncio.run(memory_run(server, workspace, maps[:10], tokens[0]))
            report(
                f"server memory per open 300-step map: {per_map:.2f} MB (RSS over 9 maps); "
                f"target < {MEMORY_TARGET_MB:.0f} MB ({per_map / MEMORY_TARGET_MB:.2f}×)"
            )
        finally:
            server.stop()
        log_of(data, workspace, "map-11", 10_000, 500)
        server = Server(data)
        try:
            compacted = asyncio.run(open_time(server, workspace, "map-11", tokens[0]))
            report(
                f"open a map with 10,000 logged updates (snapshot every 500): {compacted * 1000:.0f} ms; "
                f"target < {OPEN_TARGET_S * 1000:.0f} ms ({compacted / OPEN_TARGET_S:.2f}×)"
            )
        finally:
            server.stop()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        workspace, maps, tokens = prepare(data, 1, 1)
        log_of(data, workspace, "map-0", 10_000, None)
        server = Server(data)
        try:
            raw = asyncio.run(open_time(server, workspace, "map-0", tokens[0]))
            report(
                f"open a map with 10,000 updates all in the log (no snapshot, worst case): {raw * 1000:.0f} ms; "
                f"target < {OPEN_TARGET_S * 1000:.0f} ms ({raw / OPEN_TARGET_S:.2f}×)"
            )
        finally:
            server.stop()
    print("\n".join(["", "## Live co-editing (bench/bench_live.py)", *(f"- {r}" for r in results)]))


if __name__ == "__main__":
    main()
