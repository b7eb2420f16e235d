"""kill -9 of a real `journeyline serve` process loses no update it acknowledged as SAVED."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pycrdt
from sqlalchemy import select

from journeyline.live import wire
from journeyline.store import accounts, workspaces
from journeyline.store import live as stored
from journeyline.store.database import Database, open_database, sqlite_url
from journeyline.store.tables import LiveDocument, MapRecord
from tests.api_support import database, sample_workspace
from tests.live_client import Closed, YClient, free_port

__all__ = ["database"]

SRC = Path(__file__).resolve().parents[1] / "src"


@contextmanager
def server(
    data_dir: Path, port: int, *, database_url: str | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """`journeyline serve` in its own process, until it answers /api/health."""
    env = {**os.environ, "PYTHONPATH": str(SRC), "JOURNEYLINE_LIVE_HEAD_SECONDS": "0"}
    log_path = data_dir / f"server-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from journeyline.cli import main; main()",
                "serve",
                *(
                    ["--database-url", database_url]
                    if database_url
                    else ["--data-dir", str(data_dir)]
                ),
                "--port",
                str(port),
                "--setting",
                "worker_processes",
                "1",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )

    def said() -> str:
        return log_path.read_text(encoding="utf-8", errors="replace")[-4000:]

    deadline = time.monotonic() + 180
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"the server did not start: {said()}")
        time.sleep(0.1)
    try:
        yield process
    except BaseException as error:
        # What the server said is what explains a failure seen from its clients.
        error.add_note(f"server on port {port} (exit code {process.poll()}) said:\n{said()}")
        raise
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def test_kill_9_loses_no_saved_update(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    db = open_database(sqlite_url(data))
    with db.writing() as session:
        actor = accounts.actor_of(accounts.create_account(session, "ann@example.org", "Ann"))
    workspace = workspaces.create_workspace(db, actor, source=sample_workspace("a"))["id"]
    _, token = accounts.create_api_token(db, actor, "tests")
    db.close()
    port = free_port()
    live = f"ws://127.0.0.1:{port}/api/workspaces/{workspace}/maps/trial-a/live"
    headers = {"Authorization": f"Bearer {token}"}

    with server(data, port) as process:
        ann = YClient(live, headers)
        ann.sync()
        name = ann.doc.get("steps", type=pycrdt.Map)["form-a"]["name"]
        # Type steadily, reading acknowledgements as they come; kill -9 in the middle.
        saved_clock = 0
        for n in range(300):
            name.insert(len(str(name)), str(n % 10))
            try:
                ann.pump(timeout=0.005)
            except Closed:
                break
            saved_clock = ann.saved_vector.get(ann.doc.client_id, 0)
            if n == 150:
                ann.wait_saved()
                saved_clock = ann.saved_vector.get(ann.doc.client_id, 0)
            if n > 150 and saved_clock > 0 and n % 37 == 0:
                os.kill(process.pid, signal.SIGKILL)
                break
        process.wait(timeout=30)
        assert saved_clock > 0

    typed = "".join(str(n % 10) for n in range(300))
    with server(data, port):
        # REST reads (nobody has the map open live yet) see every saved keystroke too: the
        # head, written apart from the log, is brought up to it before the server serves.
        rest = f"http://127.0.0.1:{port}/api/workspaces/{workspace}/maps/trial-a"
        read = httpx.get(rest, headers=headers, timeout=30).json()["map"]
        names = {s["id"]: s["name"] for stage in read["stages"] for s in stage["steps"]}
        assert names["form-a"].startswith("Fill the form" + typed[:saved_clock]), names["form-a"]
        again = YClient(live, headers)
        again.sync()
        kept = wire.read_state_vector(again.doc.get_state()).get(ann.doc.client_id, 0)
        assert kept >= saved_clock, (kept, saved_clock)
        text = str(again.doc.get("steps", type=pycrdt.Map)["form-a"]["name"])
        # Each typed character is one item of Ann's: her first `saved_clock` are all there.
        assert text.startswith("Fill the form" + typed[:saved_clock]), text
        again.close()


def test_two_processes_opening_a_map_at_once_share_one_document(database: Database) -> None:
    """The race between two server processes giving a map its first snapshot: the loser's
    insert meets the winner's row (its existence check ran before the winner committed)
    and answers False, leaving its transaction usable, instead of failing the connection."""
    with database.writing() as session:
        actor = accounts.actor_of(accounts.create_account(session, "ann@example.org", "Ann"))
    workspaces.create_workspace(database, actor, source=sample_workspace("a"))
    with database.reading() as session:
        map_pk = session.scalars(select(MapRecord.pk)).first()
    assert map_pk is not None
    with database.writing() as session:
        assert stored.start(session, map_pk, b"winner")
    with database.writing() as session:
        real = session.scalar
        session.scalar = lambda *a, **k: None  # type: ignore[method-assign]
        assert stored.start(session, map_pk, b"loser") is False
        session.scalar = real  # type: ignore[method-assign]
        assert session.scalar(select(LiveDocument.snapshot)) == b"winner"
