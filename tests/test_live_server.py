"""The live endpoint with standard Yjs clients (pycrdt over a real WebSocket, uvicorn in a
thread): sync, fan-out, SAVED only after commit, roles, share links, REST on the same
document, revisions cut from live editing, compaction, and every refusal."""

# ruff: noqa: F811 - pytest fixtures are imported from tests.api_support by name

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pycrdt
import pytest
from sqlalchemy import func, select

from journeyline.live import wire
from journeyline.store import live as live_store
from journeyline.store.tables import LiveUpdate
from journeyline.web import Settings
from tests.api_support import World, build_world, database  # noqa: F401
from tests.live_client import Closed, YClient, serving

FAST = {
    "live_head_seconds": 0.0,
    "live_close_seconds": 0.2,
    "live_quiet_seconds": 60.0,
}


@pytest.fixture
def live(database: Any, request: pytest.FixtureRequest) -> Iterator[tuple[World, str]]:
    """A world of roles behind a real server; yields it and the server's ws:// base."""
    marker = request.node.get_closest_marker("settings")
    overrides = dict(FAST, **(marker.kwargs if marker else {}))
    world = build_world(database, Settings(**overrides))
    with serving(world.app) as base:
        yield world, base
    for client in world.clients.values():
        client.close()


def url(world: World, base: str, map_id: str = "trial-a", query: str = "") -> str:
    return f"{base}/api/workspaces/{world.workspace}/maps/{map_id}/live{query}"


def client(world: World, base: str, who: str = "editor", **kwargs: Any) -> YClient:
    headers = {"Authorization": f"Bearer {world.tokens[who]}"}
    yc = YClient(url(world, base, kwargs.pop("map_id", "trial-a")), headers, **kwargs)
    yc.sync()
    return yc


def step_name(doc: pycrdt.Doc, step_id: str) -> str:
    return str(doc.get("steps", type=pycrdt.Map)[step_id]["name"])


def rename_step(doc: pycrdt.Doc, step_id: str, suffix: str) -> None:
    text = doc.get("steps", type=pycrdt.Map)[step_id]["name"]
    text.insert(len(str(text)), suffix)


def map_path(world: World, map_id: str = "trial-a") -> str:
    return f"/api/workspaces/{world.workspace}/maps/{map_id}"


def test_two_clients_see_each_others_edits_and_saved_follows_commit(
    live: tuple[World, str],
) -> None:
    world, base = live
    ann, bob = client(world, base), client(world, base, "owner")
    assert ann.role == "editor" and bob.role == "owner"
    assert step_name(ann.doc, "form-a") == "Fill the form"
    rename_step(ann.doc, "form-a", " online")
    assert bob.pump(lambda: step_name(bob.doc, "form-a") == "Fill the form online")
    ann.wait_saved()
    # Saved means in the database: the log holds it, and REST reads it.
    with world.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(LiveUpdate)) >= 1
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        body = world.client("viewer").get(map_path(world)).json()
        if body["map"]["stages"][0]["steps"][0]["name"] == "Fill the form online":
            break
        time.sleep(0.05)
    else:
        raise AssertionError("REST never saw the live edit")
    # Both typing in one field keep both texts.
    rename_step(ann.doc, "verify-a", " A")
    rename_step(bob.doc, "verify-a", " B")
    both = ("Verify e-mail A B", "Verify e-mail B A")
    assert ann.pump(lambda: step_name(ann.doc, "verify-a") in both)
    assert bob.pump(lambda: step_name(bob.doc, "verify-a") in both)
    assert step_name(ann.doc, "verify-a") == step_name(bob.doc, "verify-a")
    ann.close()
    bob.close()


def test_a_late_joiner_gets_everything_and_it_is_saved(live: tuple[World, str]) -> None:
    world, base = live
    ann = client(world, base)
    rename_step(ann.doc, "card-a", " now")
    ann.wait_saved()
    late = client(world, base, "viewer")
    assert step_name(late.doc, "card-a") == "Enter card now"
    assert late.pump(lambda: late.saved_vector.get(ann.doc.client_id, 0) >= ann.own_clock)
    ann.close()
    late.close()


@pytest.mark.parametrize("who", ["viewer", "commenter"])
def test_readers_receive_but_their_updates_are_refused(live: tuple[World, str], who: str) -> None:
    world, base = live
    editor, reader = client(world, base), client(world, base, who)
    assert reader.role == who
    rename_step(editor.doc, "form-a", "!")
    assert reader.pump(lambda: step_name(reader.doc, "form-a") == "Fill the form!")
    rename_step(reader.doc, "form-a", " (mine)")
    closed = reader.wait_closed()
    assert closed.code == 4403 and "read-only" in closed.reason
    # The editor carries on and never saw the refused change.
    rename_step(editor.doc, "form-a", "?")
    editor.wait_saved()
    assert step_name(editor.doc, "form-a") == "Fill the form!?"
    editor.close()


def test_a_share_link_watches_read_only(live: tuple[World, str]) -> None:
    world, base = live
    made = world.client("editor").post(f"{map_path(world)}/share-links", json={"label": "watch"})
    assert made.status_code == 201, made.text
    token = made.json()["token"]
    watcher = YClient(url(world, base, query=f"?share={token}"))
    watcher.sync()
    assert watcher.role == "share"
    editor = client(world, base)
    rename_step(editor.doc, "form-a", " fast")
    assert watcher.pump(lambda: step_name(watcher.doc, "form-a") == "Fill the form fast")
    rename_step(watcher.doc, "form-a", "x")
    assert watcher.wait_closed().code == 4403
    # A link shows its own map only; a made-up link is not signed in.
    other = YClient(url(world, base, "future-a", f"?share={token}"))
    assert other.wait_closed().code == 4404
    made_up = YClient(url(world, base, query="?share=s_nothing"))
    assert made_up.wait_closed().code == 4404
    editor.close()


def test_who_may_connect(live: tuple[World, str]) -> None:
    world, base = live
    nobody = YClient(url(world, base))
    closed = nobody.wait_closed()
    assert closed.code == 4401 and "sign in" in closed.reason
    bad = YClient(url(world, base), {"Authorization": "Bearer jl_wrong"})
    assert bad.wait_closed().code == 4401
    outsider = YClient(url(world, base), {"Authorization": f"Bearer {world.tokens['outsider']}"})
    assert outsider.wait_closed().code == 4404
    missing = YClient(
        url(world, base, "no-such-map"), {"Authorization": f"Bearer {world.tokens['editor']}"}
    )
    assert missing.wait_closed().code == 4404


def test_a_session_cookie_must_come_from_this_site(live: tuple[World, str]) -> None:
    world, base = live
    import datetime as dt

    from journeyline.store import accounts
    from journeyline.store.tables import Account

    with world.db.writing() as session:
        account = session.get(Account, world.actors["editor"].account_id)
        assert account is not None
        token = accounts.start_session(session, account, dt.timedelta(hours=1)).token
    host = base.removeprefix("ws://")
    cookie = {"Cookie": f"journeyline_session={token}"}
    ok = YClient(url(world, base), {**cookie, "Origin": f"http://{host}"})
    ok.sync()
    assert ok.role == "editor"
    evil = YClient(url(world, base), {**cookie, "Origin": "https://evil.example"})
    closed = evil.wait_closed()
    assert closed.code == 4403 and "another site" in closed.reason
    # Signing out ends the connections the session opened too.
    accounts.end_session(world.db, token)
    closed = ok.wait_closed()
    assert closed.code == 4401 and "session has ended" in closed.reason


def test_presence_is_relayed_and_removed_when_a_tab_closes(live: tuple[World, str]) -> None:
    world, base = live
    ann, bob = client(world, base), client(world, base, "viewer")
    ann.set_presence(1, {"user": {"name": "Ann", "color": "#f00"}, "selected": "form-a"})
    assert bob.pump(lambda: ann.doc.client_id in bob.awareness)
    assert bob.awareness[ann.doc.client_id]["selected"] == "form-a"
    late = client(world, base, "owner")
    assert late.pump(lambda: ann.doc.client_id in late.awareness)
    ann.close()
    assert bob.pump(lambda: ann.doc.client_id not in bob.awareness)
    bob.close()
    late.close()


def test_rest_edits_are_transactions_on_the_open_document(live: tuple[World, str]) -> None:
    world, base = live
    ann = client(world, base)
    rename_step(ann.doc, "form-a", " live")
    ann.wait_saved()
    rest = world.client("editor")
    etag = world.etag("editor", map_path(world))
    response = rest.patch(
        f"{map_path(world)}/steps/card-a",
        json={"name": "Enter card via REST"},
        headers={"If-Match": etag},
    )
    assert response.status_code == 200, response.text
    assert ann.pump(lambda: step_name(ann.doc, "card-a") == "Enter card via REST")
    # The live edit made before it is kept (the REST change was applied to the live doc).
    assert step_name(ann.doc, "form-a") == "Fill the form live"
    # If-Match still guards REST: the old ETag is now stale.
    stale = rest.patch(
        f"{map_path(world)}/steps/card-a", json={"name": "x"}, headers={"If-Match": etag}
    )
    assert stale.status_code == 409
    # REST reads see both.
    body = rest.get(map_path(world)).json()["map"]
    names = [s["name"] for stage in body["stages"] for s in stage["steps"]]
    assert "Fill the form live" in names and "Enter card via REST" in names
    ann.close()


def test_restoring_a_revision_is_a_transaction_every_board_sees(live: tuple[World, str]) -> None:
    world, base = live
    ann = client(world, base)
    rename_step(ann.doc, "form-a", " changed")
    ann.wait_saved()
    rest = world.client("editor")
    etag = world.etag("editor", map_path(world))
    restored = rest.post(f"{map_path(world)}/revisions/1/restore", headers={"If-Match": etag})
    assert restored.status_code == 200, restored.text
    assert ann.pump(lambda: step_name(ann.doc, "form-a") == "Fill the form")
    ann.close()


@pytest.mark.settings(live_quiet_seconds=0.3, live_burst_seconds=300.0)
def test_revisions_are_cut_when_editing_settles_naming_everyone(live: tuple[World, str]) -> None:
    world, base = live
    ann, bob = client(world, base), client(world, base, "owner")
    for n in range(5):
        rename_step(ann.doc, "form-a", str(n))
        rename_step(bob.doc, "verify-a", str(n))
    ann.wait_saved()
    bob.wait_saved()
    path = f"{map_path(world)}/revisions"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        log = world.client("viewer").get(path).json()
        if len(log) >= 2:
            break
        time.sleep(0.1)
    assert len(log) == 2, log  # the original and one for the whole burst, not one per keystroke
    newest = log[0]
    assert sorted(e["name"] for e in newest["editors"]) == ["Editor", "Owner"]
    who, _, what = newest["summary"].partition(": ")
    assert who in ("Editor and Owner edited", "Owner and Editor edited")
    assert "Renamed step" in what  # and what they changed, in words
    shown = world.client("viewer").get(f"{path}/{newest['revision']}").json()["map"]
    assert shown["stages"][0]["steps"][0]["name"] == "Fill the form01234"
    ann.close()
    bob.close()


@pytest.mark.settings(live_compact_every=5)
def test_the_log_is_compacted_into_snapshots_and_nothing_is_lost(live: tuple[World, str]) -> None:
    world, base = live
    ann = client(world, base)
    for n in range(23):
        rename_step(ann.doc, "form-a", chr(ord("a") + n))
        if n % 4 == 0:
            ann.wait_saved()
    ann.wait_saved()
    pk = live_store.map_key(world.db, world.workspace, "trial-a")
    assert pk is not None
    found = live_store.load(world.db, pk)
    assert found is not None and len(found.updates) < 5
    ann.close()
    fresh = pycrdt.Doc()
    fresh.apply_update(found.snapshot)
    for _, data in found.updates:
        fresh.apply_update(data)
    assert step_name(fresh, "form-a") == "Fill the form" + "abcdefghijklmnopqrstuvw"


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frame", "words"),
    [
        (b"\x07", "unknown message type 7"),
        (b"\x00\x02\x09ab", "claims 9 bytes"),
        (wire.sync_update(b"\x01\x02\x03garbage"), "not a Yjs update"),
        (wire.sync_step1(b"\xff\xff"), "no valid state vector"),
        (wire.awareness(b"\x01\x01\x01\x01{"), "not JSON"),
    ],
)
def test_malformed_messages_close_with_a_reason_and_others_carry_on(
    live: tuple[World, str], frame: bytes, words: str
) -> None:
    world, base = live
    good, bad = client(world, base), client(world, base)
    bad.send(frame)
    closed = bad.wait_closed()
    assert closed.code == 4400 and words in closed.reason, closed
    rename_step(good.doc, "form-a", "!")
    good.wait_saved()
    again = client(world, base, "viewer")
    assert step_name(again.doc, "form-a") == "Fill the form!"
    good.close()
    again.close()


def test_a_text_frame_is_refused(live: tuple[World, str]) -> None:
    world, base = live
    yc = client(world, base)
    yc.send("hello")
    closed = yc.wait_closed()
    assert closed.code == 4400 and "binary" in closed.reason


@pytest.mark.settings(live_max_message_bytes=4096)
def test_an_oversized_message_is_refused(live: tuple[World, str]) -> None:
    world, base = live
    yc = client(world, base)
    rename_step(yc.doc, "form-a", "x" * 6000)
    closed = yc.wait_closed()
    assert closed.code == 4413 and "4096 bytes" in closed.reason


@pytest.mark.settings(live_max_document_bytes=65_536)
def test_a_document_cannot_grow_past_its_limit(live: tuple[World, str]) -> None:
    world, base = live
    yc = client(world, base)
    closed = None
    for _ in range(40):
        rename_step(yc.doc, "form-a", "y" * 3000)
        try:
            yc.pump(timeout=0.05)
        except Closed as error:
            closed = error
            break
    closed = closed or yc.wait_closed()
    assert closed.code == 4413 and "65536 bytes" in closed.reason
    pk = live_store.map_key(world.db, world.workspace, "trial-a")
    assert pk is not None
    stored = live_store.load(world.db, pk)
    assert stored is not None
    from journeyline.live.rooms import load_doc

    whole = load_doc(stored.snapshot, [data for _, data in stored.updates])
    assert len(whole.get_update()) <= 65_536


@pytest.mark.settings(live_updates_per_second=5.0)
def test_a_flood_of_updates_is_cut_off(live: tuple[World, str]) -> None:
    world, base = live
    flood, calm = client(world, base), client(world, base, "owner")
    closed = None
    for n in range(200):
        rename_step(flood.doc, "form-a", str(n % 10))
        if flood.closed is not None:
            break
    try:
        flood.pump(timeout=5)
    except Closed as error:
        closed = error
    assert closed is not None and closed.code == 4429 and "too many updates" in closed.reason
    rename_step(calm.doc, "verify-a", "!")
    calm.wait_saved()
    calm.close()


def test_an_update_that_would_break_the_map_is_refused(live: tuple[World, str]) -> None:
    world, base = live
    bad, good = client(world, base), client(world, base, "owner")
    # A step's name must be shared text; a number breaks the map.
    bad.doc.get("steps", type=pycrdt.Map)["form-a"]["name"] = 42
    closed = bad.wait_closed()
    assert closed.code == 4422 and "update refused" in closed.reason, closed
    rename_step(good.doc, "form-a", "!")
    good.wait_saved()
    assert step_name(good.doc, "form-a") == "Fill the form!"
    good.close()


def test_deleting_the_map_closes_its_live_connections(live: tuple[World, str]) -> None:
    world, base = live
    yc = client(world, base)
    etag = world.etag("editor", map_path(world))
    assert (
        world.client("editor").delete(map_path(world), headers={"If-Match": etag}).status_code
        == 204
    )
    closed = yc.wait_closed()
    assert closed.code == 4410


def test_the_server_repairs_a_merge_and_every_client_gets_the_repair(
    live: tuple[World, str],
) -> None:
    world, base = live
    ann, bob = client(world, base), client(world, base, "owner")
    # Ann deletes the step a pain point sits under and a quote links to.
    del ann.doc.get("steps", type=pycrdt.Map)["card-a"]
    pains, evidence = (bob.doc.get(name, type=pycrdt.Map) for name in ("pain_points", "evidence"))
    assert bob.pump(lambda: pains["slow-a"].get("step") is None)
    assert "card-a" not in list(evidence["quote-a"]["links"])
    ann_pains = ann.doc.get("pain_points", type=pycrdt.Map)
    assert ann.pump(lambda: ann_pains["slow-a"].get("step") is None)
    ann.close()
    bob.close()
