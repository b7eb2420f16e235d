# ruff: noqa: F811 - pytest fixtures are imported from tests.api_support by name
"""The collector: Segment's HTTP Tracking API with a per-source write key, durable appends,
refused calls that spare their batch-mates, limits, and a kill -9 that loses nothing acknowledged."""

from __future__ import annotations

import base64
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from journeyline.events import reach
from journeyline.web import Settings
from tests.api_support import World, build_world, database, envelope_of  # noqa: F401

VENDORS = Path(__file__).parent / "fixtures" / "events" / "vendors"


@pytest.fixture
def world(database, tmp_path: Path) -> Iterator[World]:  # type: ignore[no-untyped-def]
    built = build_world(
        database, Settings(data_dir=str(tmp_path / "data"), collector_events_per_second=1000)
    )
    yield built
    for client in built.clients.values():
        client.close()
    built.app.state.event_sources.collectors.close()


def basic(key: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode()}


def new_collector(world: World) -> tuple[str, str]:
    created = world.client("editor").post(
        f"/api/workspaces/{world.workspace}/event-sources",
        json={"kind": "collector", "name": "Website"},
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["status"] == "empty" and body["collector"]["endpoint"] == "/api/collect/v1/batch"
    return body["id"], body["collector"]["write_key"]


def test_segments_own_calls_are_collected_and_read_like_a_segment_export(world: World) -> None:
    source_id, key = new_collector(world)
    page = json.loads((VENDORS / "segment_page.json").read_text())
    identify = json.loads((VENDORS / "segment_identify.json").read_text())
    track = json.loads((VENDORS / "segment_track.json").read_text())
    anonymous = world.client("anonymous")
    for path, call in (("page", page), ("identify", identify)):
        response = anonymous.post(f"/api/collect/v1/{path}", json=call, headers=basic(key))
        assert response.status_code == 200, response.text
        assert response.json() == {"success": True}
    response = anonymous.post("/api/collect/v1/batch", json={"batch": [track]}, headers=basic(key))
    assert response.json() == {"success": True, "accepted": 1, "refused": []}
    sources = world.app.state.event_sources
    viewer = world.actors["viewer"]
    with sources.open_log(viewer, world.workspace, source_id, props=("properties.title",)) as log:
        assert log.columns.preset == "segment"
        names = {e["event"] for e in reach(log).to_dict()["events"]}
        assert names == {"Home", "Course Clicked"}
        assert log.total_events == 2
    listed = (
        world.client("viewer")
        .get(f"/api/workspaces/{world.workspace}/event-sources/{source_id}")
        .json()
    )
    assert listed["status"] == "ready" and listed["events"] == 2
    # New events arrive: the next read sees them.
    more = {"type": "track", "userId": "u9", "event": "Signed Up"}
    anonymous.post("/api/collect/v1/track", json=more, headers=basic(key))
    with sources.open_log(viewer, world.workspace, source_id) as log:
        assert log.total_events == 3 and log.total_units == 3


def test_a_malformed_call_is_refused_and_its_batch_mates_are_kept(world: World) -> None:
    source_id, key = new_collector(world)
    batch = [
        {"type": "track", "userId": "a", "event": "Viewed", "timestamp": "2024-03-01T10:00:00Z"},
        {"type": "track", "userId": "a", "messageId": "m2"},
        {"type": "track", "event": "Nobody"},
        {"type": "launch", "userId": "a"},
        "not an object",
        {"type": "track", "userId": "a", "event": "Bought", "properties": [1, 2]},
        {"type": "track", "userId": "a", "event": "Bought", "timestamp": "yesterday"},
        {
            "type": "page",
            "anonymousId": "x",
            "name": "Pricing",
            "timestamp": "2024-03-01T10:01:00Z",
        },
    ]
    response = world.client("anonymous").post(
        "/api/collect/v1/batch", json={"batch": batch}, headers=basic(key)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is False and body["accepted"] == 2
    refused = {r["index"]: r["error"] for r in body["refused"]}
    assert set(refused) == {1, 2, 3, 4, 5, 6}
    assert body["refused"][0]["messageId"] == "m2"
    assert "needs an 'event'" in refused[1]
    assert "neither 'userId' nor 'anonymousId'" in refused[2]
    assert "unknown call type 'launch'" in refused[3]
    assert "JSON object" in refused[4]
    assert "'properties' must be an object" in refused[5]
    assert "not an ISO 8601 time" in refused[6]
    target = world.app.state.event_sources.read_target(
        world.actors["viewer"], world.workspace, source_id
    )
    assert target.source.events == 2
    # A single call that is malformed is a 400 with the same reason.
    single = world.client("anonymous").post(
        "/api/collect/v1/track", json={"userId": "a"}, headers=basic(key)
    )
    assert single.status_code == 400
    assert "needs an 'event'" in envelope_of(single)["message"]


def test_a_call_holding_a_nul_character_is_refused_alone(world: World) -> None:
    """The fast path parses the body once; a NUL (which no store keeps alike) refuses only
    the call that holds it, and the answer carries the API's headers."""
    source_id, key = new_collector(world)
    batch = [
        {"type": "track", "userId": "a", "event": "Viewed", "timestamp": "2024-03-01T10:00:00Z"},
        {"type": "track", "userId": "a", "event": "Bad", "properties": {"note": "x\u0000y"}},
        {"type": "track", "userId": "a\u0000", "event": "Worse"},
    ]
    response = world.client("anonymous").post(
        "/api/collect/v1/batch", json={"batch": batch}, headers=basic(key)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["accepted"] == 1
    assert [r["index"] for r in body["refused"]] == [1, 2]
    assert "properties.note: contains the NUL character" in body["refused"][0]["error"]
    assert "userId: contains the NUL character" in body["refused"][1]["error"]
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"
    target = world.app.state.event_sources.read_target(
        world.actors["viewer"], world.workspace, source_id
    )
    assert target.source.events == 1
    # Other methods go on to the app: the collector's addresses take POST only.
    assert world.client("anonymous").get("/api/collect/v1/batch").status_code == 405


def test_write_keys_bodies_sizes_and_rates(world: World) -> None:
    source_id, key = new_collector(world)
    client = world.client("anonymous")
    call = {"type": "track", "userId": "a", "event": "x"}
    assert client.post("/api/collect/v1/batch", json={"batch": [call]}).status_code == 401
    wrong = client.post("/api/collect/v1/batch", json={"batch": [call]}, headers=basic("nope"))
    assert wrong.status_code == 401 and "unknown write key" in envelope_of(wrong)["message"]
    assert "WWW-Authenticate" in wrong.headers
    # Segment's batch also takes the key in the body.
    in_body = client.post("/api/collect/v1/batch", json={"batch": [call], "writeKey": key})
    assert in_body.status_code == 200
    not_json = client.post("/api/collect/v1/batch", content=b"{oops", headers=basic(key))
    assert not_json.status_code == 400 and "not JSON" in envelope_of(not_json)["message"]
    no_batch = client.post("/api/collect/v1/batch", json={"calls": []}, headers=basic(key))
    assert no_batch.status_code == 400
    huge = {**call, "properties": {"blob": "x" * 40_000}}
    too_big = client.post("/api/collect/v1/batch", json={"batch": [huge, call]}, headers=basic(key))
    body = too_big.json()
    assert body["accepted"] == 1 and "the largest accepted is 32,768" in body["refused"][0]["error"]
    body_limit = client.post(
        "/api/collect/v1/batch", json={"batch": [huge] * 14}, headers=basic(key)
    )
    assert body_limit.status_code == 413
    # 1000 events/s, a bucket of 5 s: the 6th batch of 1000 waits.
    statuses = [
        client.post("/api/collect/v1/batch", json={"batch": [call] * 1000}, headers=basic(key))
        for _ in range(6)
    ]
    assert statuses[-1].status_code == 429 and int(statuses[-1].headers["Retry-After"]) >= 1
    # A rotated key stops at once.
    rotated = (
        world.client("editor")
        .post(f"/api/workspaces/{world.workspace}/event-sources/{source_id}/write-key")
        .json()
    )
    assert rotated["write_key"] != key and rotated["endpoint"].endswith("/api/collect/v1/batch")
    assert client.post("/api/collect/v1/track", json=call, headers=basic(key)).status_code == 401
    assert (
        world.client("viewer")
        .get(f"/api/workspaces/{world.workspace}/event-sources/{source_id}/write-key")
        .status_code
        == 403
    )


def test_a_torn_last_line_is_skipped_on_compaction(tmp_path: Path) -> None:
    from journeyline.events.collector import Collectors, normalise

    collectors = Collectors(tmp_path, compact_seconds=3600)
    try:
        call = {"type": "track", "userId": "a", "event": "x", "timestamp": "2024-01-01T00:00:00Z"}
        line = normalise(call, None, "2024-01-01T00:00:01Z", 32_768)
        collectors.append_blocking("es_1", [line, line])
        log = next((tmp_path / "es_1" / "collector").glob("log-*.jsonl"))
        with log.open("ab") as handle:
            handle.write(b'{"type":"track","userId":"a","ev')
        merged = collectors.snapshot("es_1")
        assert merged is not None
        import duckdb

        assert duckdb.sql(f"SELECT COUNT(*) FROM '{merged}'").fetchall() == [(2,)]
    finally:
        collectors.close()


def test_two_compactions_of_one_source_at_once_lose_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The background loop and a read may compact the same source at the same moment: both
    used to write the same `.tmp` part, and the one that came second read a log the first
    had removed. Now one waits for the other and both see every event."""
    from journeyline.events import collector as module
    from journeyline.events.collector import Collectors, normalise

    writing: list[str] = []
    overlaps: list[str] = []
    original = module._to_parquet

    def slow(log: Path, part: Path) -> None:
        if writing:
            overlaps.append(part.name)
        writing.append(part.name)
        time.sleep(0.3)  # both threads inside at once, were they allowed to be
        try:
            original(log, part)
        finally:
            writing.remove(part.name)

    monkeypatch.setattr(module, "_to_parquet", slow)
    collectors = Collectors(tmp_path, compact_seconds=3600)
    try:
        lines = [
            normalise(
                {
                    "type": "track",
                    "userId": f"u{i}",
                    "event": "x",
                    "messageId": f"m{i}",
                    "timestamp": "2024-01-01T00:00:00Z",
                },
                None,
                "2024-01-01T00:00:01Z",
                32_768,
            )
            for i in range(50)
        ]
        collectors.append_blocking("es_1", lines)
        results: list[list[Path]] = []
        errors: list[BaseException] = []

        def compact() -> None:
            try:
                results.append(collectors.compact("es_1"))
            except BaseException as error:
                errors.append(error)

        threads = [threading.Thread(target=compact) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == [] and overlaps == []
        folder = tmp_path / "es_1" / "collector"
        assert results[0] == results[1] == sorted(folder.glob("part-*.parquet"))
        assert not list(folder.glob("*.tmp")) and not list(folder.glob("log-*.jsonl"))[:-1]
        import duckdb

        listed = [str(p) for p in results[0]]
        assert duckdb.sql(
            f"SELECT COUNT(DISTINCT messageId) FROM read_parquet({listed})"
        ).fetchall() == [(50,)]
    finally:
        collectors.close()


def test_a_temporary_part_left_by_a_crash_is_removed(tmp_path: Path) -> None:
    from journeyline.events.collector import Collectors, normalise

    collectors = Collectors(tmp_path, compact_seconds=3600)
    try:
        call = {"type": "track", "userId": "a", "event": "x", "timestamp": "2024-01-01T00:00:00Z"}
        collectors.append_blocking("es_1", [normalise(call, None, "2024-01-01T00:00:01Z", 32_768)])
        folder = tmp_path / "es_1" / "collector"
        leftover = folder / "part-000001.1234-abcd-5678.tmp"
        leftover.write_bytes(b"half a part")
        parts = collectors.compact("es_1")
        assert [p.name for p in parts] == ["part-000001.parquet"]
        assert not leftover.exists()
    finally:
        collectors.close()


def test_duckdb_spills_under_the_data_dir_not_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every DuckDB connection spills to our folder: the server's data dir, or
    JOURNEYLINE_DUCKDB_TEMP, never `.tmp` wherever the process was started."""
    from journeyline.events import connect
    from journeyline.events.engine import DuckDBEngine

    monkeypatch.delenv(connect.TEMP_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(connect, "_root", None)
    data = tmp_path / "data"
    build_world_settings = Settings(data_dir=str(data))
    from journeyline.web.app import create_app

    create_app(build_world_settings).state.event_sources.collectors.close()
    engine = DuckDBEngine(memory_limit="64MB")
    try:
        spill = str(data / "duckdb-tmp")
        assert engine.fetch("SELECT current_setting('temp_directory')") == [(spill,)]
        # a query far past 64 MB spills there, and nothing lands in the working directory
        engine.fetch(
            "SELECT s, COUNT(*) FROM (SELECT md5(CAST(range AS VARCHAR)) AS s FROM range(3000000)) "
            "GROUP BY s ORDER BY s LIMIT 1"
        )
        assert not (tmp_path / ".tmp").exists()
    finally:
        engine.close()
    assert (data / "duckdb-tmp").is_dir()  # ours: DuckDB does not remove it after use
    monkeypatch.setenv(connect.TEMP_ENV, str(tmp_path / "elsewhere"))
    con = connect.connect_duckdb()
    try:
        assert con.execute("SELECT current_setting('temp_directory')").fetchall() == [
            (str(tmp_path / "elsewhere"),)
        ]
    finally:
        con.close()
    monkeypatch.delenv(connect.TEMP_ENV)
    connect.use_temp_root(None)
    con = connect.connect_duckdb()
    try:
        (found,) = con.execute("SELECT current_setting('temp_directory')").fetchone()
        assert found.endswith("journeyline-duckdb") and not found.startswith(str(tmp_path))
    finally:
        con.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_kill_9_mid_stream_loses_no_acknowledged_batch(tmp_path: Path) -> None:
    """A real server process, killed with SIGKILL while senders stream batches: every batch
    answered 200 before the kill is read back afterwards."""
    from journeyline.store import accounts, workspaces
    from journeyline.store.database import open_database
    from journeyline.web import create_app

    data = tmp_path / "data"
    data.mkdir()
    db = open_database(f"sqlite:///{data / 'journeyline.db'}")
    with db.writing() as session:
        actor = accounts.actor_of(accounts.create_account(session, "o@example.org", "O"))
    workspace = workspaces.create_workspace(db, actor, "W")["id"]
    app = create_app(Settings(data_dir=str(data)), database=db)
    sources = app.state.event_sources
    source = sources.create_collector(actor, workspace, "Site")
    key = sources.write_key(actor, workspace, source.id)
    sources.collectors.close()
    db.close()
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
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
            "--host",
            "127.0.0.1",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    acknowledged: list[str] = []
    stop = threading.Event()

    def send(sender: int) -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
            n = 0
            while not stop.is_set() and n < 2000:
                batch = [
                    {
                        "type": "track",
                        "userId": f"s{sender}",
                        "event": f"b{sender}-{n}-{i}",
                        "messageId": f"{sender}-{n}-{i}",
                    }
                    for i in range(20)
                ]
                try:
                    r = client.post(
                        "/api/collect/v1/batch", json={"batch": batch}, headers=basic(key)
                    )
                except httpx.HTTPError:
                    return
                if r.status_code == 200:
                    acknowledged.extend(c["messageId"] for c in batch)
                n += 1

    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code < 500:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        senders = [threading.Thread(target=send, args=(s,)) for s in range(3)]
        for thread in senders:
            thread.start()
        while len(acknowledged) < 400 and time.monotonic() < deadline:
            time.sleep(0.05)
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
        stop.set()
        for thread in senders:
            thread.join(timeout=10)
    finally:
        if server.poll() is None:
            server.kill()
    assert len(acknowledged) >= 400
    from journeyline.events.collector import Collectors

    collectors = Collectors(data / "event-sources", compact_seconds=3600)
    try:
        merged = collectors.snapshot(source.id)
        assert merged is not None
        import duckdb

        stored = {r[0] for r in duckdb.sql(f"SELECT messageId FROM '{merged}'").fetchall()}
    finally:
        collectors.close()
    missing = set(acknowledged) - stored
    assert not missing, f"{len(missing)} acknowledged calls lost"


def test_an_event_job_spills_where_the_server_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from journeyline.events import connect
    from journeyline.web import jobs

    monkeypatch.delenv(connect.TEMP_ENV, raising=False)
    monkeypatch.setattr(connect, "_root", None)
    seen: list[Path] = []
    jobs._spilling_to(str(tmp_path / "spill"), lambda *args: seen.append(connect.temp_root()))
    assert seen == [tmp_path / "spill"]
