"""Live co-editing where it meets the rest of the app: a share link watching by its token
(the share page and embeds), REST reads right after "Saved", a file imported over a live map,
and every revision number a live map hands out read, compared and restored."""

# ruff: noqa: F811 - pytest fixtures are imported from tests.api_support by name

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from typing import Any

import pycrdt
import pytest

from journeyline.store import live as live_store
from journeyline.web import Settings
from tests.api_support import World, build_world, database  # noqa: F401
from tests.live_client import YClient, serving

SLOW_HEAD = {
    # The head would be rewritten only once a minute by the timer: what REST reads right after
    # "Saved" must come from the open room, not from waiting for it.
    "live_head_seconds": 60.0,
    "live_close_seconds": 0.2,
    "live_quiet_seconds": 60.0,
}


@pytest.fixture
def live(database: Any, request: pytest.FixtureRequest) -> Iterator[tuple[World, str]]:
    """A world of roles behind a real server; yields it and the server's ws:// base."""
    marker = request.node.get_closest_marker("settings")
    overrides = dict(SLOW_HEAD, **(marker.kwargs if marker else {}))
    world = build_world(database, Settings(**overrides))
    with serving(world.app) as base:
        yield world, base
    for client in world.clients.values():
        client.close()


def map_path(world: World, map_id: str = "trial-a") -> str:
    return f"/api/workspaces/{world.workspace}/maps/{map_id}"


def editor(world: World, base: str, who: str = "editor") -> YClient:
    headers = {"Authorization": f"Bearer {world.tokens[who]}"}
    yc = YClient(f"{base}{map_path(world)}/live", headers)
    yc.sync()
    return yc


def step_name(doc: pycrdt.Doc, step_id: str) -> str:
    return str(doc.get("steps", type=pycrdt.Map)[step_id]["name"])


def type_into(doc: pycrdt.Doc, step_id: str, suffix: str) -> None:
    text = doc.get("steps", type=pycrdt.Map)[step_id]["name"]
    text.insert(len(str(text)), suffix)


def names(body: dict[str, Any]) -> list[str]:
    return [step["name"] for stage in body["stages"] for step in stage["steps"]]


def share_link(world: World, **options: Any) -> str:
    made = world.client("editor").post(f"{map_path(world)}/share-links", json=options)
    assert made.status_code == 201, made.text
    return str(made.json()["token"])


# --- a share link watches by its token -------------------------------------------------------------


def test_a_share_link_watches_by_its_token_read_only(live: tuple[World, str]) -> None:
    world, base = live
    token = share_link(world, label="wall screen")
    watcher = YClient(f"{base}/api/shared/{token}/live")
    watcher.sync()
    assert watcher.role == "share"
    assert step_name(watcher.doc, "form-a") == "Fill the form"
    ann = editor(world, base)
    type_into(ann.doc, "form-a", " online")
    assert watcher.pump(lambda: step_name(watcher.doc, "form-a") == "Fill the form online")
    # The share page's JSON, read right after "Saved", shows it too.
    ann.wait_saved()
    shared = world.client("anonymous").get(f"/api/shared/{token}").json()
    assert "Fill the form online" in names(shared["map"])
    # A share link only watches: its update is refused and nothing changes.
    type_into(watcher.doc, "form-a", " (theirs)")
    closed = watcher.wait_closed()
    assert closed.code == 4403 and "read-only" in closed.reason
    type_into(ann.doc, "form-a", "!")
    ann.wait_saved()
    assert step_name(ann.doc, "form-a") == "Fill the form online!"
    ann.close()


def test_a_share_link_that_is_not_valid_cannot_watch(live: tuple[World, str]) -> None:
    world, base = live
    made_up = YClient(f"{base}/api/shared/s_nothing/live")
    closed = made_up.wait_closed()
    assert closed.code == 4404 and "not valid" in closed.reason
    token = share_link(world, label="locked", password="open sesame")
    locked = YClient(f"{base}/api/shared/{token}/live")
    closed = locked.wait_closed()
    assert closed.code == 4401 and "password" in closed.reason
    wrong = YClient(f"{base}/api/shared/{token}/live?password=nope")
    assert wrong.wait_closed().code == 4401
    right = YClient(f"{base}/api/shared/{token}/live?password=open%20sesame")
    right.sync()
    assert right.role == "share" and step_name(right.doc, "form-a") == "Fill the form"
    right.close()
    revoked = share_link(world, label="soon gone")
    links = world.client("editor").get(f"{map_path(world)}/share-links").json()
    link_id = next(link["id"] for link in links if link["label"] == "soon gone")
    gone = world.client("editor").delete(f"{map_path(world)}/share-links/{link_id}")
    assert gone.status_code in (200, 204), gone.text
    assert YClient(f"{base}/api/shared/{revoked}/live").wait_closed().code == 4404


# --- what let a connection in is checked again -----------------------------------------------------


def link_id_of(world: World, label: str) -> str:
    links = world.client("editor").get(f"{map_path(world)}/share-links").json()
    return str(next(link["id"] for link in links if link["label"] == label))


def test_revoking_a_share_link_closes_the_live_connections_it_let_in(
    live: tuple[World, str],
) -> None:
    world, base = live
    token = share_link(world, label="wall screen")
    kept = share_link(world, label="kept")
    by_token = YClient(f"{base}/api/shared/{token}/live")
    on_the_map = YClient(f"{base}{map_path(world)}/live?share={token}")
    other = YClient(f"{base}/api/shared/{kept}/live")
    for watcher in (by_token, on_the_map, other):
        watcher.sync()
    gone = world.client("editor").delete(
        f"{map_path(world)}/share-links/{link_id_of(world, 'wall screen')}"
    )
    assert gone.status_code in (200, 204), gone.text
    for watcher in (by_token, on_the_map):
        closed = watcher.wait_closed()
        assert closed.code == 4404 and "not valid" in closed.reason, closed
    # Another link's watcher carries on.
    ann = editor(world, base)
    type_into(ann.doc, "form-a", " still")
    assert other.pump(lambda: step_name(other.doc, "form-a") == "Fill the form still")
    ann.close()
    other.close()


def test_a_share_link_revoked_by_another_process_closes_its_connections_too(
    live: tuple[World, str],
) -> None:
    """Another server process on the same database revokes the link: this one hears nothing
    of it, and finds out at its next check of the open connections (every few seconds)."""
    from sqlalchemy import update

    from journeyline.store.accounts import hash_secret
    from journeyline.store.tables import ShareLink, utcnow

    world, base = live
    token = share_link(world, label="wall screen")
    watcher = YClient(f"{base}/api/shared/{token}/live")
    watcher.sync()
    with world.db.writing() as session:  # as the other process does, without telling this one
        session.execute(
            update(ShareLink)
            .where(ShareLink.token_hash == hash_secret(token))
            .values(revoked_at=utcnow())
        )
    closed = watcher.wait_closed(timeout=15)
    assert closed.code == 4404 and "not valid" in closed.reason, closed


def test_a_changed_role_a_removed_member_and_a_revoked_token_reach_open_connections(
    live: tuple[World, str],
) -> None:
    world, base = live
    demoted, removed, revoked = (
        editor(world, base, who) for who in ("editor", "commenter", "viewer")
    )
    members = f"/api/workspaces/{world.workspace}/members"
    owner = world.client("owner")
    # A role changed: the connection is told (ACCESS), and it applies to its next update.
    changed = owner.patch(f"{members}/{world.actors['editor'].account_id}", json={"role": "viewer"})
    assert changed.status_code == 200, changed.text
    assert demoted.pump(lambda: demoted.role == "viewer")
    type_into(demoted.doc, "form-a", " (not any more)")
    closed = demoted.wait_closed()
    assert closed.code == 4403 and "read-only" in closed.reason
    # A member removed: as if they had never been one.
    gone = owner.delete(f"{members}/{world.actors['commenter'].account_id}")
    assert gone.status_code == 204, gone.text
    assert removed.wait_closed().code == 4404
    # An API token revoked: the connection it opened is no longer signed in.
    viewer = world.client("viewer")
    token_id = next(t["id"] for t in viewer.get("/api/me/tokens").json() if t["name"] == "tests")
    assert viewer.delete(f"/api/me/tokens/{token_id}").status_code == 204
    assert revoked.wait_closed().code == 4401
    # Nothing they sent got in.
    ann = editor(world, base, "owner")
    assert step_name(ann.doc, "form-a") == "Fill the form"
    ann.close()


# --- REST reads right after "Saved" ----------------------------------------------------------------


def test_rest_reads_right_after_saved_show_the_edit(live: tuple[World, str]) -> None:
    world, base = live
    ann = editor(world, base)
    viewer = world.client("viewer")
    first = viewer.get(map_path(world))
    type_into(ann.doc, "form-a", " now")
    ann.wait_saved()
    # No waiting: the head is written from the open room's document for this read.
    reply = viewer.get(map_path(world))
    assert "Fill the form now" in names(reply.json()["map"])
    assert int(reply.headers["ETag"].strip('W/"')) > int(first.headers["ETag"].strip('W/"'))
    # The views that read the map see it too (the summary behind the presentation).
    summary = viewer.get(f"{map_path(world)}/summary")
    assert summary.status_code == 200, summary.text
    assert "Fill the form now" in json.dumps(summary.json())
    # A write based on what was just read is not stale.
    etag = viewer.get(map_path(world)).headers["ETag"]
    renamed = world.client("editor").patch(
        map_path(world), json={"name": "Trial, live"}, headers={"If-Match": etag}
    )
    assert renamed.status_code == 200, renamed.text
    ann.close()


def test_saved_never_waits_for_the_head(
    live: tuple[World, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The map's JSON is read in a worker thread and written with a later commit: while a
    head is being read, typing is still committed and acknowledged; the read that asked
    for the head gets it once it is written."""
    from journeyline.live import rooms

    world, base = live
    reading, go_on = threading.Event(), threading.Event()
    real = rooms.head_of

    def slow_head(state: bytes, outside: frozenset[str] = frozenset()) -> Any:
        reading.set()
        assert go_on.wait(30)
        return real(state, outside)

    monkeypatch.setattr(rooms, "head_of", slow_head)
    ann = editor(world, base)
    type_into(ann.doc, "form-a", " one")
    ann.wait_saved()
    replies: list[Any] = []
    read = threading.Thread(
        target=lambda: replies.append(world.client("viewer").get(map_path(world)))
    )
    read.start()
    assert reading.wait(30)  # the read asked for a head: it is being read, held here
    type_into(ann.doc, "form-a", " two")
    ann.wait_saved()
    assert not replies  # the read still waits for its head
    go_on.set()
    read.join(30)
    assert names(replies[0].json()["map"])[0].startswith("Fill the form one")
    later = world.client("viewer").get(map_path(world))
    assert "Fill the form one two" in names(later.json()["map"])
    ann.close()


# --- a file imported over a live map ---------------------------------------------------------------


def test_importing_a_file_over_a_live_map_is_one_transaction_on_its_document(
    live: tuple[World, str],
) -> None:
    world, base = live
    ann = editor(world, base)
    type_into(ann.doc, "form-a", " typed live")
    ann.wait_saved()
    exported = world.client("editor").get(map_path(world)).json()["map"]
    exported["stages"][0]["steps"][1]["name"] = "Verify by text message"
    exported["name"] = "Trial (imported)"
    exported["personas"], exported["segment"] = [], None  # the file holds the map alone
    upload = json.dumps({"journeyline": 1, "maps": [exported]}).encode()
    imported = world.client("editor").post(
        f"/api/workspaces/{world.workspace}/import",
        params={"replace": "true"},
        files={"file": ("trial.json", io.BytesIO(upload), "application/json")},
    )
    assert imported.status_code == 200, imported.text
    assert imported.json()["replaced_maps"] == ["trial-a"]
    # The open board sees the import at once, and keeps what was typed live.
    assert ann.pump(lambda: step_name(ann.doc, "verify-a") == "Verify by text message")
    assert step_name(ann.doc, "form-a") == "Fill the form typed live"
    # Typing on goes on from the imported map: nothing is lost or reverted.
    type_into(ann.doc, "verify-a", "!")
    ann.wait_saved()
    body = world.client("viewer").get(map_path(world)).json()["map"]
    assert body["name"] == "Trial (imported)"
    assert "Verify by text message!" in names(body) and "Fill the form typed live" in names(body)
    ann.close()


# --- every revision number a live map hands out ----------------------------------------------------


def test_every_revision_number_of_a_live_map_can_be_read_compared_and_restored(
    live: tuple[World, str],
) -> None:
    world, base = live
    rest = world.client("editor")
    ann = editor(world, base)
    numbers = []
    for n in range(3):
        type_into(ann.doc, "form-a", str(n))
        ann.wait_saved()
        reply = rest.get(map_path(world))  # each read writes the head: a new revision number
        numbers.append(reply.json()["revision"])
    assert numbers == sorted(numbers) and len(set(numbers)) == 3
    logged = {entry["revision"] for entry in rest.get(f"{map_path(world)}/revisions").json()}
    between = [n for n in numbers if n not in logged]
    assert between, "the test needs head revisions that have no log entry of their own"
    for number in numbers:
        shown = rest.get(f"{map_path(world)}/revisions/{number}")
        assert shown.status_code == 200, shown.text
        diff = rest.get(f"{map_path(world)}/diff", params={"from": number})
        assert diff.status_code == 200, diff.text
    # The head's own number reads exactly as the head; an earlier number between log entries
    # reads as the entry that holds it (its burst of editing; here the head, still going).
    for number in numbers:
        shown = rest.get(f"{map_path(world)}/revisions/{number}").json()
        assert shown["revision"] == numbers[-1]
        assert "Fill the form012" in names(shown["map"])
    # Restoring a listed revision is a transaction every open board sees.
    etag = rest.get(map_path(world)).headers["ETag"]
    restored = rest.post(f"{map_path(world)}/revisions/1/restore", headers={"If-Match": etag})
    assert restored.status_code == 200, restored.text
    assert ann.pump(lambda: step_name(ann.doc, "form-a") == "Fill the form")
    # Once the burst is cut into the log, its numbers read as that entry.
    pk = live_store.map_key(world.db, world.workspace, "trial-a")
    assert pk is not None
    cut = live_store.cut_revision(world.db, pk)
    assert cut is not None
    for number in numbers:
        shown = rest.get(f"{map_path(world)}/revisions/{number}").json()
        assert shown["revision"] == cut.number
        assert "Fill the form" in names(shown["map"])
        restored = rest.post(
            f"{map_path(world)}/revisions/{number}/restore",
            headers={"If-Match": rest.get(map_path(world)).headers["ETag"]},
        )
        assert restored.status_code == 200, restored.text
    # A number the map never had is still a 404 that says which exist.
    missing = rest.get(f"{map_path(world)}/revisions/999")
    assert missing.status_code == 404
    ann.close()


def test_a_head_holds_what_another_process_committed_so_reads_never_go_back(
    live: tuple[World, str],
) -> None:
    world, base = live
    ann = editor(world, base)
    type_into(ann.doc, "form-a", " here")
    ann.wait_saved()
    # Another writer (a second server process, a CLI edit) commits to the map's log; this
    # server hears nothing of it (no NOTIFY on SQLite; missed on PostgreSQL).
    pk = live_store.map_key(world.db, world.workspace, "trial-a")
    assert pk is not None
    stored = live_store.load(world.db, pk)
    assert stored is not None
    elsewhere = pycrdt.Doc()
    elsewhere.apply_update(stored.snapshot)
    for _, data in stored.updates:
        elsewhere.apply_update(data)
    changes: list[bytes] = []
    subscription = elsewhere.observe(lambda event: changes.append(event.update))
    type_into(elsewhere, "verify-a", " elsewhere")
    elsewhere.unobserve(subscription)
    live_store.commit(world.db, [live_store.MapBatch(pk, [(u, None) for u in changes])])
    # The next head this server writes holds it: REST never reads a map without it again,
    # and the open board is brought up to date.
    type_into(ann.doc, "form-a", "!")
    ann.wait_saved()
    reply = world.client("viewer").get(map_path(world))
    assert reply.status_code == 200, reply.text
    body = reply.json()["map"]
    assert "Fill the form here!" in names(body) and "Verify e-mail elsewhere" in names(body)
    assert ann.pump(lambda: step_name(ann.doc, "verify-a") == "Verify e-mail elsewhere")
    ann.close()


def test_a_head_leaves_out_its_writers_later_rows_only_while_no_other_head_came(
    database: Any,
) -> None:
    """A head is read from the document as it was, and written later: the writing process's
    own rows committed meanwhile are not in it (the head lags them, as heads do), unless
    another head was written since, which may hold them; then they are merged in, so reads
    never go backwards."""
    from journeyline.live import new_doc
    from journeyline.live.rooms import head_of
    from journeyline.model import JourneyMap
    from journeyline.store import accounts, workspaces
    from tests.api_support import sample_workspace

    with database.writing() as session:
        ann = accounts.actor_of(accounts.create_account(session, "ann@example.org", "Ann"))
    workspace = workspaces.create_workspace(database, ann, source=sample_workspace("a"))["id"]
    pk = live_store.map_key(database, workspace, "trial-a")
    assert pk is not None
    journey = JourneyMap.model_validate(sample_workspace("a").maps[0].model_dump(mode="json"))
    doc = new_doc(journey)
    with database.writing() as session:
        assert live_store.start(session, pk, doc.get_update())
    state = doc.get_update()  # what a head job read
    changes: list[bytes] = []
    doc.observe(lambda event: changes.append(event.update))
    type_into(doc, "form-a", " later")  # typed after the head was read
    ours = live_store.MapBatch(pk, [(u, None) for u in changes])
    live_store.commit(database, [ours])
    revision = live_store.head_revision(database, pk)

    def head_batch(expected: int) -> live_store.MapBatch:
        return live_store.MapBatch(
            pk,
            [],
            head=head_of(state),
            known=frozenset(),
            state=state,
            read_head=head_of,
            ours=frozenset(ours.written),
            expected=expected,
        )

    def stored_names() -> list[str]:
        with database.reading() as session:
            from journeyline.store.tables import MapRecord

            record = session.get(MapRecord, pk)
            assert record is not None
            return names(record.document["maps"][0])

    quiet = head_batch(revision)
    live_store.commit(database, [quiet])
    assert quiet.foreign == [] and "Fill the form" in stored_names()
    stale = head_batch(revision)  # another head (`quiet`) was written since `revision`
    live_store.commit(database, [stale])
    assert [pk for pk, _ in stale.foreign] == ours.written
    assert "Fill the form later" in stored_names()


# --- the per-update check, kept cheap for typing ---------------------------------------------------


def test_the_room_check_still_refuses_a_wrong_type_hidden_beside_typing() -> None:
    from journeyline.live import document as layout
    from journeyline.model import JourneyMap

    journey = JourneyMap.model_validate(
        {
            "id": "m",
            "name": "M",
            "stages": [{"id": "a", "name": "A", "steps": [{"id": "s", "name": "S"}]}],
        }
    )
    doc = layout.new_doc(journey)
    checker = layout.UpdateChecker(doc)

    def change(edit: Any) -> bytes:
        client = pycrdt.Doc()
        client.apply_update(doc.get_update())
        made: list[bytes] = []
        subscription = client.observe(lambda event: made.append(event.update))
        with client.transaction():
            edit(client)
        client.unobserve(subscription)
        return made[0]

    typing = change(lambda c: type_into(c, "s", "ome text"))
    checker.check(typing)  # typing into a text field passes
    doc.apply_update(typing)

    def type_and_break(c: pycrdt.Doc) -> None:
        type_into(c, "s", "!")
        c.get("steps", type=pycrdt.Map)["s"]["emotion"] = pycrdt.Text("not a number")

    with pytest.raises(layout.RefusedUpdate, match="emotion"):
        checker.check(change(type_and_break))
    # A new text field (not typing into one the step had) is checked for its type too.
    with pytest.raises(layout.RefusedUpdate, match="unknown field"):
        checker.check(
            change(
                lambda c: c.get("steps", type=pycrdt.Map)["s"].__setitem__("nope", pycrdt.Text("x"))
            )
        )
    assert step_name(doc, "s") == "Some text"
