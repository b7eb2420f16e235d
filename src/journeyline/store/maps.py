"""Journey maps as versioned documents: read, write with optimistic concurrency, revision log.

Every write names the revision it is based on (`If-Match`); when the stored map has
moved on, the write is refused with the changes made since, and nothing is overwritten.
Every accepted write stores the whole document as a new revision, so any earlier state
can be shown, compared and restored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import ValidationError
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from journeyline.errors import NotFound, UsageError
from journeyline.model import Element, JourneyMap, MapStatus, Workspace, assign_map_ids, slugify
from journeyline.store import elements, revisions
from journeyline.store import live as live_store
from journeyline.store.access import Access, Actor, Role, require
from journeyline.store.database import Database
from journeyline.store.diff import diff_data
from journeyline.store.documents import (
    invalid_from_validation,
    json_bytes,
    map_document,
    map_from_document,
    map_summary,
    workspace_of,
)
from journeyline.store.revisions import iso, map_not_found, parse_revision
from journeyline.store.tables import Account, MapRecord, Member, Revision, serialize, utcnow
from journeyline.store.wording import describe_changes, lane_titles_of, summarize

T = TypeVar("T")


@dataclass
class MapState:
    """A map at one revision."""

    workspace_id: str
    revision: int
    journey: JourneyMap
    updated_at: dt.datetime
    data: dict[str, Any] | None = None
    body: bytes | None = None
    """The map's JSON form serialised (from the cache), spliced into `json_body`."""
    tallies: dict[str, Any] | None = None
    """What assembles the map for views (store.assembled), when the read carries it."""

    def json_body(self) -> bytes:
        """`to_dict()` as JSON bytes; a cached map's serialised form is reused, not redone."""
        if self.body is None:
            return json_bytes(self.to_dict())
        return json_bytes(self._where())[:-1] + b',"map":' + self.body + b"}"

    def _where(self) -> dict[str, Any]:
        where: dict[str, Any] = {
            "workspace": self.workspace_id,
            "id": self.journey.id,
            "revision": self.revision,
            "updated_at": iso(self.updated_at),
        }
        if self.journey._unreadable:
            # What a stored copy held that cannot be read (see documents.map_from_document).
            where["unreadable"] = list(self.journey._unreadable)
        if self.tallies is not None:
            where["tallies"] = self.tallies
        return where

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form: where it is, its revision, and the map in full."""
        data = self.data if self.data is not None else self.journey.model_dump(mode="json")
        return self._where() | {"map": data}


@dataclass
class Edited:
    """The map after an element edit, and the element as stored (None after a delete)."""

    state: MapState
    element: Element | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form: the new revision and the element."""
        return {
            "workspace": self.state.workspace_id,
            "map": self.state.journey.id,
            "revision": self.state.revision,
            "element": self.element.model_dump(mode="json") if self.element is not None else None,
        }


def map_record(session: Session, workspace_id: str, map_id: str) -> MapRecord:
    """The stored map with this id in this workspace; NotFound otherwise."""
    record = session.scalar(
        select(MapRecord).where(MapRecord.workspace_id == workspace_id, MapRecord.map_id == map_id)
    )
    if record is None:
        raise map_not_found(map_id)
    return record


def journey_of(db: Database, record: MapRecord, *, copy: bool = True) -> JourneyMap:
    """The stored map: an editable copy, or (copy=False) the shared, read-only one."""
    key = (record.pk, record.revision)
    if copy:
        return db.map_cache.copy(key, lambda: record.document)
    return db.map_cache.peek(key, lambda: record.document)


def _state(workspace_id: str, record: MapRecord, journey: JourneyMap) -> MapState:
    return MapState(workspace_id, record.revision, journey, record.updated_at)


def _full(document: dict[str, Any]) -> dict[str, Any]:
    return map_from_document(document).model_dump(mode="json")


def _check_in_workspace(access: Access, journey: JourneyMap, what: str) -> None:
    # The workspace holds only this map here, so only problems inside it count: the
    # workspace's own references (evidence linked to other maps) are checked by its edits.
    workspace = workspace_of(access.workspace, [journey], editable=False)
    elements.ensure_integrity(workspace, what, maps_only=True)


def write_revision(
    db: Database,
    session: Session,
    access: Access,
    record: MapRecord,
    journey: JourneyMap,
    summary: str,
) -> MapState:
    """Store `journey` as the next revision of the loaded map, within `session`'s transaction.

    Based on the revision `record` was read at (the writer named none): when another writer
    got in first, StaleRevision says to try again.
    """
    assign_map_ids(journey)
    journey.id = record.map_id
    _check_in_workspace(access, journey, summary)
    written = revisions.append_map(
        db,
        session,
        access.workspace.id,
        record.map_id,
        record.pk,
        record.revision,
        serialize(map_document(journey)),
        name=journey.name,
        facts=map_summary(journey),
        author_id=access.actor.account_id,
        summary=summary,
        named=False,
    )
    return MapState(access.workspace.id, written.number, journey, written.at)


def edit_map(
    db: Database,
    actor: Actor,
    workspace_id: str,
    map_id: str,
    if_match: str | None,
    change: Callable[[JourneyMap], tuple[JourneyMap, T, str]],
    *,
    worded: bool = True,
) -> tuple[MapState, T]:
    """Run `change` on the stored map and store the result as a new revision.

    `change` returns the new map, a result for the caller, and a one-line summary for the log.
    With `worded` (edits), the log says what changed in words (`wording.summarize`) and the
    change's own summary is the fallback; restores keep theirs ("restored revision 3").
    """
    based_on = parse_revision(if_match)
    # The work (copy, change, validate, serialise) happens outside the write transaction;
    # the write is one conditional UPDATE, so a concurrent writer can never be overwritten.
    with db.reading() as session:
        access = require(session, actor, workspace_id, Role.editor)
        record = map_record(session, workspace_id, map_id)
        revisions.check_map(db, session, record, based_on)
        if live_store.has_document(session, record.pk):
            return _edit_live(db, access, record.map_id, record.pk, based_on, change)
        before = record.document
        journey, result, summary = change(journey_of(db, record))
        assign_map_ids(journey)
        journey.id = record.map_id
        _check_in_workspace(access, journey, summary)
        pk, name = record.pk, record.map_id
        lane_titles = lane_titles_of(access.workspace.document)
    stored = map_document(journey)
    if worded:
        summary = summarize(before, stored, lane_titles) or summary
    document = serialize(stored)
    facts = map_summary(journey)
    with db.writing() as session:
        still_editor = session.scalar(
            select(Member.role).where(
                Member.workspace_id == workspace_id, Member.account_id == actor.account_id
            )
        )
        if still_editor is None or not Role(still_editor).allows(Role.editor):
            require(session, actor, workspace_id, Role.editor)  # raises the right error
        written = revisions.append_map(
            db,
            session,
            workspace_id,
            name,
            pk,
            based_on,
            document,
            name=journey.name,
            facts=facts,
            author_id=actor.account_id,
            summary=summary,
        )
    db.map_cache.put((pk, written.number), journey)
    return MapState(workspace_id, written.number, journey, written.at), result


def replace_live_map(
    db: Database, access: Access, map_id: str, pk: int, journey: JourneyMap, summary: str
) -> MapState:
    """Make `journey` the map with a shared document (an import over it): one transaction on
    the document, as a REST edit is, so every open board sees it and nothing typed is lost
    (edits made meanwhile stay where the new map keeps their elements). No If-Match: the
    file replaces whatever the map holds, as an import does."""

    def change(_: JourneyMap) -> tuple[JourneyMap, None, str]:
        return journey, None, summary

    return _edit_live(db, access, map_id, pk, None, change)[0]


def _edit_live(
    db: Database,
    access: Access,
    map_id: str,
    pk: int,
    based_on: int | None,
    change: Callable[[JourneyMap], tuple[JourneyMap, T, str]],
) -> tuple[MapState, T]:
    """A REST edit of a map with a shared document: `change` runs on the document as it is
    now, and the result becomes one transaction on it (every open board sees it). With
    `based_on` None the head's revision is not checked."""
    from journeyline.live import rooms as live_rooms

    workspace_id = access.workspace.id

    def on_document(current: JourneyMap) -> tuple[JourneyMap, T]:
        journey, result, summary = change(current)
        assign_map_ids(journey)
        journey.id = map_id
        _check_in_workspace(access, journey, summary)
        return journey, result

    def start() -> JourneyMap:
        with db.reading() as session:
            return journey_of(db, map_record(session, workspace_id, map_id))

    author = access.actor.account_id
    if db.live_rooms is not None:
        revision, journey, result = db.live_rooms.edit_from_thread(
            pk, start, author, based_on, on_document
        )
    else:
        revision, journey, result = live_rooms.edit_stored(db, pk, author, based_on, on_document)
    return MapState(workspace_id, revision, journey, utcnow()), result


# --- whole maps ---------------------------------------------------------------------------------


MAP_LIST_FIELDS = (
    "personas",
    "segment",
    "type",
    "status",
    "review_date",
    "stages",
    "steps",
    "owner",
    "tags",
    "scenario",
)
"""What each row of the map list carries besides id, name, revision, updated_at and stale."""


def map_row(
    map_id: str,
    name: str,
    revision: int,
    updated: dt.datetime,
    summary: dict[str, Any] | None,
    today: dt.date,
) -> dict[str, Any]:
    """One row of the map list. `stale`: the review date has passed (as the analysis's `stale`)."""
    facts = summary or {}
    row: dict[str, Any] = {"id": map_id, "name": name, "revision": revision}
    row["updated_at"] = iso(updated)
    for key in MAP_LIST_FIELDS:
        row[key] = facts.get(key)
    row["personas"] = row["personas"] or []
    row["tags"] = row["tags"] or []
    review = row["review_date"]
    row["stale"] = bool(review) and dt.date.fromisoformat(review) < today
    return row


def list_maps(
    db: Database, actor: Actor, workspace_id: str, *, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """The workspace's maps with what the map list filters on, from the stored summaries."""
    day = today or dt.datetime.now(dt.UTC).date()
    with db.reading() as session:
        require(session, actor, workspace_id, Role.viewer)
        rows = session.execute(
            select(
                MapRecord.map_id,
                MapRecord.name,
                MapRecord.revision,
                MapRecord.updated_at,
                MapRecord.summary,
            )
            .where(MapRecord.workspace_id == workspace_id)
            .order_by(MapRecord.pk)
        ).all()
    return [
        map_row(map_id, name, revision, updated, summary, day)
        for map_id, name, revision, updated, summary in rows
    ]


_MAP_LOOKUP = (
    select(MapRecord.pk, MapRecord.revision, MapRecord.updated_at)
    .join(Member, Member.workspace_id == MapRecord.workspace_id)
    .where(
        MapRecord.workspace_id == bindparam("workspace"),
        MapRecord.map_id == bindparam("map"),
        Member.account_id == bindparam("account"),
    )
)
"""Built once: every read of a map runs it (membership and revision in one query)."""


_REVISION_DOCUMENT = select(Revision.document).where(
    Revision.map_pk == bindparam("pk"), Revision.number == bindparam("number")
)
"""A map's document at one revision: what a cache miss reads (it never changes)."""


_HEAD_DOCUMENT = select(MapRecord.document).where(
    MapRecord.pk == bindparam("pk"), MapRecord.revision == bindparam("number")
)
"""The head's document, if the head is still at that revision."""


class _MovedOn(Exception):
    """The head moved on between reading its revision and its document (live edits)."""


class _Behind(Exception):
    """The map is open live in this process and its head lags its document."""

    def __init__(self, pk: int) -> None:
        super().__init__(pk)
        self.pk = pk


def live_behind(db: Database, pk: int) -> bool:
    """Whether the map is open live in this server process with edits its head (what REST
    reads) was not yet written from."""
    return db.live_rooms is not None and bool(db.live_rooms.behind(pk))


def settle_live(db: Database, pk: int) -> bool:
    """Write an open live map's head from its document now if it lags, so a read right after
    "Saved" sees every saved edit (call outside any transaction); whether it wrote."""
    return db.live_rooms is not None and bool(db.live_rooms.settle_from_thread(pk))


def settle_live_map(db: Database, workspace_id: str, map_id: str) -> None:
    """`settle_live` by the map's ids (a no-op unless some map is open live here)."""
    if db.live_rooms is None or not db.live_rooms.open:
        return
    pk = live_store.map_key(db, workspace_id, map_id)
    if pk is not None:
        settle_live(db, pk)


def get_map(db: Database, actor: Actor, workspace_id: str, map_id: str) -> MapState:
    """The map as it is now (shared and read-only: copy it before changing it). A map open
    live in this process is read with every edit applied so far (its head written first)."""
    for _ in range(5):
        try:
            return _get_map(db, actor, workspace_id, map_id)
        except _MovedOn:
            continue
        except _Behind as behind:
            settle_live(db, behind.pk)
    return _get_map(db, actor, workspace_id, map_id, settled=True)


def _get_map(
    db: Database, actor: Actor, workspace_id: str, map_id: str, *, settled: bool = False
) -> MapState:
    """The map as it is now (shared and read-only: copy it before changing it).

    On the hot path this is one statement (membership and revision together); the
    document, read only when that revision is not cached, is the revision's own, so no
    transaction is needed around the two.
    """
    with db.single_read() as connection:
        row = connection.execute(
            _MAP_LOOKUP, {"workspace": workspace_id, "map": map_id, "account": actor.account_id}
        ).first()
        if row is not None:
            pk, revision, updated_at = row
            if not settled and live_behind(db, pk):
                raise _Behind(pk)

            def document() -> dict[str, Any]:
                found = connection.execute(
                    _REVISION_DOCUMENT, {"pk": pk, "number": revision}
                ).scalar()
                if found is None:  # a revision read from a live document: the head holds it
                    found = connection.execute(
                        _HEAD_DOCUMENT, {"pk": pk, "number": revision}
                    ).scalar()
                if found is None:
                    raise _MovedOn
                return dict(found)

            key = (pk, revision)
            journey = db.map_cache.peek(key, document)
            data = db.map_cache.json(key, document)
            body = db.map_cache.body(key, document)
            return MapState(workspace_id, revision, journey, updated_at, data, body)
    with db.reading() as session:  # the access check's own errors when nothing was found
        require(session, actor, workspace_id, Role.viewer, map_id=map_id)
        if actor.guest_of is not None:  # a workshop's guest, on the workshop's map
            record = map_record(session, workspace_id, map_id)
            return MapState(
                workspace_id, record.revision, journey_of(db, record, copy=False), record.updated_at
            )
    raise map_not_found(map_id)


def cached_map(db: Database, actor: Actor, workspace_id: str, map_id: str) -> MapState | None:
    """The map as `get_map` gives it, when its current revision is cached; else None.

    One indexed read and no parsing: cheap enough for the event loop, so the most common
    request needs no worker thread. None also when the map is not found (ask `get_map`,
    which says why).
    """
    with db.single_read() as connection:
        row = connection.execute(
            _MAP_LOOKUP, {"workspace": workspace_id, "map": map_id, "account": actor.account_id}
        ).first()
    if row is None:
        return None
    pk, revision, updated_at = row
    if live_behind(db, pk):
        return None  # its head must be written first (get_map, in a worker thread)
    entry = db.map_cache.cached((pk, revision))
    if entry is None:
        return None
    return MapState(workspace_id, revision, entry.journey, updated_at, entry.data, entry.body)


def parse_map(data: Any) -> JourneyMap:
    """A map from request data (the map's keys, as in the file format)."""
    if not isinstance(data, dict):
        raise UsageError("send the map as a JSON object")
    try:
        journey = JourneyMap.model_validate(data)
    except ValidationError as error:
        raise invalid_from_validation(error, "map") from None
    return assign_map_ids(journey)


def taken_ids(session: Session, access: Access) -> set[str]:
    """The ids in use at the top of the workspace: its maps, segments, personas, lanes, evidence."""
    taken = set(
        session.scalars(
            select(MapRecord.map_id).where(MapRecord.workspace_id == access.workspace.id)
        )
    )
    workspace = workspace_of(access.workspace, [], editable=False)
    return taken | {e.id for name in elements.WORKSPACE_KINDS for e in getattr(workspace, name)}


def free_id(name: str, taken: set[str]) -> str:
    """An id derived from `name` that is not in `taken` (`trial`, `trial-2`, …)."""
    base = slugify(name, fallback="map")
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def add_map_record(
    session: Session, access: Access, journey: JourneyMap, summary: str
) -> MapRecord:
    """Store a new map (id derived from its name, unique in the workspace) at revision 1."""
    taken = taken_ids(session, access)
    if journey.id and journey.id in taken:
        raise revisions.map_id_taken(journey.id)
    if not journey.id:
        journey.id = free_id(journey.name, taken)
    assign_map_ids(journey)
    _check_in_workspace(access, journey, summary)
    return revisions.start_map(
        session,
        access.workspace.id,
        journey.id,
        serialize(map_document(journey)),
        name=journey.name,
        facts=map_summary(journey),
        author_id=access.actor.account_id,
        summary=summary,
    )


def create_map(db: Database, actor: Actor, workspace_id: str, journey: JourneyMap) -> MapState:
    """Add a map to the workspace; its personas and segment must exist there. A new map
    that says validated passes the validation gate as any edit to validated does."""
    from journeyline.store.validation import check_gate

    if journey.status == MapStatus.validated:
        check_gate(journey.model_copy(update={"status": MapStatus.hypothesis}), journey)
    with db.writing() as session:
        access = require(session, actor, workspace_id, Role.editor)
        record = add_map_record(session, access, journey, f"created map '{journey.name}'")
        state = _state(workspace_id, record, journey)
    return state


def replace_map(
    db: Database,
    actor: Actor,
    workspace_id: str,
    map_id: str,
    if_match: str | None,
    journey: JourneyMap,
) -> MapState:
    """Replace the whole map (its id stays the one in the URL)."""

    from journeyline.store.validation import check_gate

    def change(before: JourneyMap) -> tuple[JourneyMap, None, str]:
        check_gate(before, journey)  # validated only with evidence (or the owner's override)
        return journey, None, "replaced the map"

    return edit_map(db, actor, workspace_id, map_id, if_match, change)[0]


def patch_map(
    db: Database,
    actor: Actor,
    workspace_id: str,
    map_id: str,
    if_match: str | None,
    changes: dict[str, Any],
) -> MapState:
    """Change the map's own fields (name, scenario, goal, lanes, backstory …)."""

    from journeyline.store.validation import check_gate

    def change(journey: JourneyMap) -> tuple[JourneyMap, None, str]:
        before = journey.model_copy()
        updated = elements.patch_map_fields(journey, changes)
        check_gate(before, updated)  # validated only with evidence (or the owner's override)
        return updated, None, "changed " + ", ".join(sorted(changes)) if changes else "no change"

    return edit_map(db, actor, workspace_id, map_id, if_match, change)[0]


def delete_map(
    db: Database, actor: Actor, workspace_id: str, map_id: str, if_match: str | None
) -> None:
    """Delete a map with its revisions, comments, votes and share links."""
    based_on = parse_revision(if_match)
    with db.writing() as session:
        require(session, actor, workspace_id, Role.editor)
        record = map_record(session, workspace_id, map_id)
        revisions.check_map(db, session, record, based_on)
        pk = record.pk
        session.delete(record)
    if db.live_rooms is not None:
        db.live_rooms.map_deleted(pk)


# --- elements -------------------------------------------------------------------------------------


def add_element(
    db: Database,
    actor: Actor,
    workspace_id: str,
    map_id: str,
    kind_name: str,
    if_match: str | None,
    data: dict[str, Any],
    *,
    stage: str | None = None,
    position: int | None = None,
) -> Edited:
    """Add a stage, step, pain point, opportunity or piece of evidence to the map."""
    kind = elements.map_kind(kind_name)

    def change(journey: JourneyMap) -> tuple[JourneyMap, Element, str]:
        element = elements.add_map_element(journey, kind, data, stage=stage, position=position)
        return journey, element, f"added {kind.label} '{element.id}'"

    state, element = edit_map(db, actor, workspace_id, map_id, if_match, change)
    return Edited(state, element)


def update_element(
    db: Database,
    actor: Actor,
    workspace_id: str,
    map_id: str,
    kind_name: str,
    element_id: str,
    if_match: str | None,
    changes: dict[str, Any],
    *,
    stage: str | None = None,
    position: int | None = None,
) -> Edited:
    """Change (and for steps, move) one element of the map."""
    kind = elements.map_kind(kind_name)

    def change(journey: JourneyMap) -> tuple[JourneyMap, Element, str]:
        element = elements.update_map_element(
            journey, kind, element_id, changes, stage=stage, position=position
        )
        return journey, element, f"changed {kind.label} '{element_id}'"

    state, element = edit_map(db, actor, workspace_id, map_id, if_match, change)
    return Edited(state, element)


def remove_element(
    db: Database,
    actor: Actor,
    workspace_id: str,
    map_id: str,
    kind_name: str,
    element_id: str,
    if_match: str | None,
) -> Edited:
    """Remove one element of the map (a stage goes with its steps)."""
    kind = elements.map_kind(kind_name)

    def change(journey: JourneyMap) -> tuple[JourneyMap, None, str]:
        elements.remove_map_element(journey, kind, element_id)
        return journey, None, f"removed {kind.label} '{element_id}'"

    state, _ = edit_map(db, actor, workspace_id, map_id, if_match, change)
    return Edited(state, None)


def get_element(
    db: Database, actor: Actor, workspace_id: str, map_id: str, kind_name: str, element_id: str
) -> tuple[MapState, Element]:
    """One element of the map, with the map's revision."""
    kind = elements.map_kind(kind_name)
    state = get_map(db, actor, workspace_id, map_id)
    return state, elements.find_map_element(state.journey, kind, element_id)


def list_elements(
    db: Database, actor: Actor, workspace_id: str, map_id: str, kind_name: str
) -> tuple[MapState, list[Element]]:
    """The map's elements of one kind, in order, with the map's revision."""
    state = get_map(db, actor, workspace_id, map_id)
    return state, elements_of(state, kind_name)


def elements_of(state: MapState, kind_name: str) -> list[Element]:
    """The elements of one kind in a map as read."""
    return elements.list_map_elements(state.journey, elements.map_kind(kind_name))


def element_data(state: MapState, kind_name: str, items: list[Element]) -> list[dict[str, Any]]:
    """The elements' JSON form, taken from the map's cached JSON when there is one."""
    if state.data is None:
        return [item.model_dump(mode="json") for item in items]
    if kind_name == "steps":
        return [step for stage in state.data["stages"] for step in stage["steps"]]
    return list(state.data[kind_name])


# --- revisions ------------------------------------------------------------------------------------


def list_revisions(
    db: Database,
    actor: Actor,
    workspace_id: str,
    map_id: str,
    *,
    author: str | None = None,
    labelled: bool = False,
) -> list[dict[str, Any]]:
    """The map's revision log, newest first: number, when, who, what changed, and its name.

    `author` keeps one person's entries (by name, as shown); `labelled` only named versions.
    """
    with db.reading() as session:
        require(session, actor, workspace_id, Role.viewer)
        record = map_record(session, workspace_id, map_id)
        query = (
            select(
                Revision.number,
                Revision.created_at,
                Revision.summary,
                Revision.label,
                Account.name,
                Account.id,
                Revision.editors,
            )
            .outerjoin(Account, Account.id == Revision.author_id)
            .where(Revision.map_pk == record.pk)
            .order_by(Revision.number.desc())
        )
        if labelled:
            query = query.where(Revision.label.is_not(None))
        rows = session.execute(query).all()
    # `editors`: everyone who edited in the revision (a live revision names them all).
    entries = [
        {
            "revision": number,
            "created_at": iso(created),
            "summary": summary,
            "author": name,
            "editors": editors
            if editors is not None
            else ([{"id": author_id, "name": name}] if author_id else []),
            "label": label,
        }
        for number, created, summary, label, name, author_id, editors in rows
    ]
    if author is None:
        return entries
    return [
        entry
        for entry in entries
        if entry["author"] == author or any(e.get("name") == author for e in entry["editors"])
    ]


def label_revision(
    db: Database,
    actor: Actor,
    workspace_id: str,
    map_id: str,
    number: int,
    label: str | None,
) -> dict[str, Any]:
    """Name one version of the map ("After the May workshop"), or unname it with None."""
    with db.writing() as session:
        require(session, actor, workspace_id, Role.editor)
        record = map_record(session, workspace_id, map_id)
        revisions.label_map_revision(session, record.pk, number, label)
    return next(
        entry
        for entry in list_revisions(db, actor, workspace_id, map_id)
        if entry["revision"] == number
    )


@dataclass(frozen=True)
class _Entry:
    """A revision as read: its number (the log entry's), the document, when."""

    number: int
    document: dict[str, Any]
    created_at: dt.datetime


def _revision(session: Session, record: MapRecord, number: int) -> _Entry:
    """The revision `number` of the map. A live map's head gets a new number each time it
    is written from the shared document, and the log gets an entry only when a burst of
    editing settles: a number between entries reads as the entry that holds it (the burst's
    outcome, the next entry), or as the head while that burst is still going."""
    row = session.execute(
        select(Revision.number, Revision.document, Revision.created_at)
        .where(Revision.map_pk == record.pk, Revision.number >= number)
        .order_by(Revision.number)
        .limit(1)
    ).first()
    if 1 <= number <= record.revision:
        if row is not None:
            return _Entry(int(row[0]), row[1], row[2])
        return _Entry(record.revision, record.document, record.updated_at)
    last = session.scalar(select(func.max(Revision.number)).where(Revision.map_pk == record.pk))
    raise NotFound(
        f"map '{record.map_id}' has no revision {number} (revisions 1 … {max(last or 0, record.revision)})"
    )


def get_revision(
    db: Database, actor: Actor, workspace_id: str, map_id: str, number: int
) -> MapState:
    """The map as it was at one revision."""
    with db.reading() as session:
        require(session, actor, workspace_id, Role.viewer)
        record = map_record(session, workspace_id, map_id)
        row = _revision(session, record, number)
        return MapState(workspace_id, row.number, map_from_document(row.document), row.created_at)


def worded_diff(
    db: Database, actor: Actor, workspace_id: str, map_id: str, old: int, new: int | None = None
) -> list[dict[str, Any]]:
    """What changed from revision `old` to `new` (default: now), each change also in words (`description`), elements named, lanes titled."""
    with db.reading() as session:
        access = require(session, actor, workspace_id, Role.viewer)
        record = map_record(session, workspace_id, map_id)
        before = _full(_revision(session, record, old).document)
        after = _full(
            _revision(session, record, new).document if new is not None else record.document
        )
        lane_titles = lane_titles_of(access.workspace.document)
    changes = diff_data(before, after)
    sentences = describe_changes(changes, before, after, lane_titles)
    return [
        change.to_dict() | {"description": sentence}
        for change, sentence in zip(changes, sentences, strict=True)
    ]


def restore_revision(
    db: Database, actor: Actor, workspace_id: str, map_id: str, number: int, if_match: str | None
) -> MapState:
    """Make an earlier revision current again, as a new revision (the log keeps everything)."""
    with db.reading() as session:
        require(session, actor, workspace_id, Role.viewer)
        record = map_record(session, workspace_id, map_id)
        old = map_from_document(_revision(session, record, number).document)

    def change(_: JourneyMap) -> tuple[JourneyMap, None, str]:
        return old, None, f"restored revision {number}"

    return edit_map(db, actor, workspace_id, map_id, if_match, change, worded=False)[0]


def load_maps(db: Database, session: Session, workspace_id: str) -> list[JourneyMap]:
    """Every map of a workspace, parsed (for exports, analyses and integrity checks)."""
    records = session.scalars(
        select(MapRecord).where(MapRecord.workspace_id == workspace_id).order_by(MapRecord.pk)
    ).all()
    return [journey_of(db, record) for record in records]  # editable copies


def workspace_with_maps(
    db: Database, actor: Actor, workspace_id: str, needed: Role = Role.viewer
) -> Workspace:
    """The whole workspace (segments, personas, lanes, evidence and every map)."""
    with db.reading() as session:
        access = require(session, actor, workspace_id, needed)
        return workspace_of(access.workspace, load_maps(db, session, workspace_id))
