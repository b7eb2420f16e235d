"""Benchmark: workshop mode against `journeyline serve` (SQLite), 8 participants at once.

Targets (issue 12), loopback, bounded run (< 60 s):
- 8 participants (six members, two guests) adding notes and voting at once: a note appears
  for everyone (REST POST sent → the live channel's patch received by every other
  participant) within 200 ms at p95.
- The timer agrees across clients within 1 s: after each facilitator action, every client's
  own reckoning of the time left (from `ends_at`, `server_time` and when the message came),
  taken at one instant, differs by less than 1 s.
- Revealing 300 hidden notes reaches everyone (POST reveal → every client holds all 300)
  within 1 s.

The server is the real command in its own process; the clients are asyncio WebSocket and
HTTP clients in this process, speaking the workshop protocol as the board does.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from bench.bench_live import Server  # noqa: E402
from bench.serving import workspace_with_editors  # noqa: E402

from journeyline.model import Workspace  # noqa: E402

PARTICIPANTS = 8
GUESTS = 2
NOTE_TARGET_MS = 200.0
TIMER_TARGET_S = 1.0
REVEAL_TARGET_S = 1.0
REVEAL_NOTES = 300


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def parse(moment: str) -> float:
    return dt.datetime.fromisoformat(moment.rstrip("Z")).replace(tzinfo=dt.UTC).timestamp()


class Participant:
    """One participant: an HTTP client and the workshop's live channel."""

    def __init__(self, http: httpx.AsyncClient, ws: ClientConnection) -> None:
        self.http = http
        self.ws = ws
        self.notes: dict[str, float] = {}
        """Note id → when this client first held it."""
        self.timer: tuple[dict[str, Any], str, float] | None = None
        """The last timer seen, with its server_time and when it came."""
        self.state_at: float | None = None
        self.reader = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        async for raw in self.ws:
            now = time.perf_counter()
            message = json.loads(raw)
            for note in message.get("notes", []):
                self.notes.setdefault(note["id"], now)
            workshop = message.get("workshop")
            if workshop is not None:
                self.timer = (workshop["timer"], workshop["server_time"], now)
            if message["type"] == "state" and len(message.get("notes", [])) >= REVEAL_NOTES:
                self.state_at = self.state_at or now

    def time_left(self, at: float) -> float | None:
        """This client's reckoning of the time left at the local instant `at`."""
        if self.timer is None or self.timer[0]["state"] != "running":
            return None
        timer, server_time, came = self.timer
        return parse(timer["ends_at"]) - (parse(server_time) + (at - came))

    async def close(self) -> None:
        await self.ws.close()
        self.reader.cancel()
        await self.http.aclose()


async def join_everyone(
    base: str, workspace: str, tokens: list[str]
) -> tuple[str, list[Participant]]:
    """The facilitator starts a workshop; members join from the map, guests by link."""
    http = [
        httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {t}"}, timeout=30)
        for t in tokens
    ]
    made = (
        await http[0].post(f"/api/workspaces/{workspace}/workshops", json={"map": "trial"})
    ).json()
    path = f"/api/workspaces/{workspace}/workshops/{made['id']}"
    link = made["join_url"].rsplit("/join/", 1)[1]
    secrets = list(tokens[: PARTICIPANTS - GUESTS])
    for n in range(1, PARTICIPANTS - GUESTS):
        assert (await http[n].post(f"{path}/join")).status_code == 200
    for n in range(GUESTS):
        async with httpx.AsyncClient(base_url=base, timeout=30) as anonymous:
            joined = await anonymous.post(
                f"/api/workshops/join/{link}", json={"name": f"Guest {n}"}
            )
        secrets.append(joined.json()["token"])
    for client in http:
        await client.aclose()
    ws_base = base.replace("http://", "ws://")
    people = []
    for secret in secrets:
        ws = await connect(
            f"{ws_base}{path}/live", additional_headers={"Authorization": f"Bearer {secret}"}
        )
        client = httpx.AsyncClient(
            base_url=base, headers={"Authorization": f"Bearer {secret}"}, timeout=30
        )
        people.append(Participant(client, ws))
    await asyncio.sleep(0.5)
    return path, people


async def notes_run(
    path: str, people: list[Participant], per_person: int
) -> tuple[list[float], list[float]]:
    """Everyone adds notes (and votes) at once; ms from each POST to every other client
    holding it, and each POST's own round trip (the REST part of it)."""
    facilitator = people[0]
    found = (
        await facilitator.http.post(
            f"{path}/rounds", json={"targets": "opportunities", "budget": 3}
        )
    ).json()
    latencies: list[float] = []
    round_trips: list[float] = []
    pending: list[tuple[str, float, int]] = []

    async def one(index: int, person: Participant) -> None:
        for n in range(per_person):
            sent = time.perf_counter()
            response = await person.http.post(
                f"{path}/notes",
                json={
                    "kind": "pain_point",
                    "text": f"Participant {index}: problem {n}",
                    "place": {"stage": "pay"},
                },
            )
            assert response.status_code == 201, response.text
            round_trips.append((time.perf_counter() - sent) * 1000)
            pending.append((response.json()["id"], sent, index))
            if n < 3:
                voted = await person.http.post(
                    f"{path}/rounds/{found['id']}/votes", json={"target": "wallets"}
                )
                assert voted.status_code == 201, voted.text
            await asyncio.sleep(0.35)

    await asyncio.gather(*(one(i, p) for i, p in enumerate(people)))
    deadline = time.perf_counter() + 5
    while time.perf_counter() < deadline and any(
        note not in p.notes
        for note, _, author in pending
        for i, p in enumerate(people)
        if i != author
    ):
        await asyncio.sleep(0.05)
    for note, sent, author in pending:
        for i, person in enumerate(people):
            if i != author:
                latencies.append((person.notes.get(note, float("inf")) - sent) * 1000)
    return latencies, round_trips


async def timer_run(path: str, people: list[Participant]) -> float:
    """The largest spread, over facilitator actions, of the clients' time left at one instant."""
    worst = 0.0
    for action in (
        {"action": "start"},
        {"action": "extend", "minutes": 2},
        {"action": "next"},
        {"action": "pause"},
        {"action": "resume"},
        {"action": "next"},
    ):
        response = await people[0].http.post(f"{path}/timer", json=action)
        assert response.status_code == 200, response.text
        expected = response.json()["timer"]
        deadline = time.perf_counter() + 3
        while time.perf_counter() < deadline and not all(
            p.timer is not None and p.timer[0] == expected for p in people
        ):
            await asyncio.sleep(0.01)
        if expected["state"] != "running":
            continue
        at = time.perf_counter()
        left = [p.time_left(at) for p in people]
        if any(v is None for v in left):
            return float("inf")
        values = [v for v in left if v is not None]
        worst = max(worst, max(values) - min(values))
    return worst


def hide_notes(data: Path, workshop_id: str, count: int) -> None:
    """`count` hidden notes by the participants, written straight to the database (the
    per-person rate limit would otherwise stretch the setup to half a minute)."""
    from sqlalchemy import select

    from journeyline.store import open_database, sqlite_url
    from journeyline.store.tables import new_id, utcnow
    from journeyline.store.workshop_tables import WorkshopNote, WorkshopPerson

    db = open_database(sqlite_url(data))
    with db.writing() as session:
        people = list(
            session.scalars(
                select(WorkshopPerson.id).where(WorkshopPerson.workshop_id == workshop_id)
            )
        )
        for n in range(count):
            author = people[n % len(people)]
            now = utcnow()
            session.add(
                WorkshopNote(
                    id=new_id("wn"),
                    workshop_id=workshop_id,
                    author_id=author,
                    authors=[author],
                    kind="thought",
                    text=f"Hidden thought {n}",
                    place={"canvas": "board"},
                    hidden=True,
                    created_at=now,
                    updated_at=now,
                )
            )
    db.close()


async def reveal_run(data: Path, path: str, people: list[Participant]) -> float:
    """Seconds from POST reveal to every client holding all the hidden notes."""
    await people[0].http.patch(path, json={"hidden": True})
    await asyncio.get_running_loop().run_in_executor(
        None, hide_notes, data, path.rsplit("/", 1)[1], REVEAL_NOTES
    )
    await asyncio.sleep(0.3)
    sent = time.perf_counter()
    response = await people[0].http.post(f"{path}/reveal")
    assert response.status_code == 200, response.text
    deadline = sent + 10
    while time.perf_counter() < deadline and not all(p.state_at for p in people):
        await asyncio.sleep(0.01)
    return max((p.state_at or float("inf")) - sent for p in people)


async def run(
    data: Path, server: Server, workspace: str, tokens: list[str], per_person: int
) -> list[str]:
    base = f"http://127.0.0.1:{server.port}"
    path, people = await join_everyone(base, workspace, tokens)
    try:
        latencies, round_trips = await notes_run(path, people, per_person)
        spread = await timer_run(path, people)
        reveal = await reveal_run(data, path, people)
    finally:
        for person in people:
            await person.close()
    v = p95(latencies)
    return [
        f"8 participants ({GUESTS} guests) adding {per_person} notes each and voting at once: note → every other "
        f"participant p95 {v:.1f} ms (median {statistics.median(latencies):.1f}, n={len(latencies)}); "
        f"target < {NOTE_TARGET_MS:.0f} ms ({v / NOTE_TARGET_MS:.2f}× the target); of which the POST's own "
        f"round trip p95 {p95(round_trips):.1f} ms (median {statistics.median(round_trips):.1f})",
        f"timer agreement across 8 clients (largest spread of time left over 6 facilitator actions): "
        f"{spread * 1000:.1f} ms; target < {TIMER_TARGET_S * 1000:.0f} ms ({spread / TIMER_TARGET_S:.3f}×)",
        f"reveal of {REVEAL_NOTES} hidden notes → every client holds them all: {reveal * 1000:.0f} ms; "
        f"target < {REVEAL_TARGET_S * 1000:.0f} ms ({reveal / REVEAL_TARGET_S:.2f}×)",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=8, help="Notes each participant adds.")
    args = parser.parse_args()
    source = Workspace.model_validate(
        {
            "id": "bench",
            "name": "Bench",
            "maps": [
                {
                    "id": "trial",
                    "name": "Trial to paid",
                    "stages": [
                        {
                            "id": "pay",
                            "name": "Pay",
                            "steps": [{"id": "card", "name": "Enter card"}],
                        }
                    ],
                    "pain_points": [{"id": "slow", "name": "Card form is slow", "step": "card"}],
                    "opportunities": [
                        {"id": "wallets", "name": "Accept wallets", "pain_points": ["slow"]}
                    ],
                }
            ],
        }
    )
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        workspace, tokens = workspace_with_editors(data, source, PARTICIPANTS - GUESTS)
        server = Server(data)
        try:
            results = asyncio.run(run(data, server, workspace, tokens, args.notes))
        finally:
            server.stop()
    for line in results:
        print(line, flush=True)
    print(f"(run took {time.perf_counter() - started:.1f} s)")
    print(
        "\n".join(["", "## Workshop mode (bench/bench_workshop.py)", *(f"- {r}" for r in results)])
    )


if __name__ == "__main__":
    main()
