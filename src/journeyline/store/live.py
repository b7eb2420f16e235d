"""The durable side of live documents: each map's snapshot, its append-only update log, and
the group commit that writes many maps' updates (and their heads) in one transaction.

A map's shared document is its snapshot (one Yjs update holding the whole document) merged
with every row of `live_updates` for it; updates commute, so their order does not matter.
Compaction writes a new snapshot and deletes exactly the rows it folded in (by key), so
rows another process committed meanwhile are never lost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pycrdt
from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from journeyline.store import revisions
from journeyline.store.database import Database
from journeyline.store.revisions import Written
from journeyline.store.tables import (
    Account,
    LiveDocument,
    LiveUpdate,
    MapRecord,
    Revision,
    WorkspaceRecord,
    utcnow,
)
from journeyline.store.wording import lane_titles_of, summarize


@dataclass
class Stored:
    """A map's shared document as stored: snapshot, the updates since (key, bytes), and who
    has edited since the last revision was cut."""

    map_pk: int
    snapshot: bytes
    updates: list[tuple[int, bytes]]
    editors: list[str]
    edited_at: dt.datetime | None
    revision: int | None = None
    """The revision the head was at, read before the rest: the head holds no row beyond
    `updates` (None: the map is gone)."""


def load(db: Database, map_pk: int) -> Stored | None:
    """The map's stored shared document, or None when it has none yet."""
    with db.reading() as session:
        return load_in(session, map_pk)


def load_in(session: Session, map_pk: int) -> Stored | None:
    """As `load`, within a session's transaction."""
    revision = session.scalar(select(MapRecord.revision).where(MapRecord.pk == map_pk))
    row = session.execute(
        select(LiveDocument.snapshot, LiveDocument.editors, LiveDocument.edited_at).where(
            LiveDocument.map_pk == map_pk
        )
    ).first()
    if row is None:
        return None
    snapshot, editors, edited_at = row
    updates = session.execute(
        select(LiveUpdate.pk, LiveUpdate.data)
        .where(LiveUpdate.map_pk == map_pk)
        .order_by(LiveUpdate.pk)
    ).all()
    return Stored(
        map_pk,
        bytes(snapshot),
        [(pk, bytes(data)) for pk, data in updates],
        editors or [],
        edited_at,
        revision,
    )


def updates_after(db: Database, map_pk: int, after_pk: int) -> list[tuple[int, bytes]]:
    """The map's logged updates with a key above `after_pk` (another process's commits)."""
    with db.single_read() as connection:
        rows = connection.execute(
            select(LiveUpdate.pk, LiveUpdate.data)
            .where(LiveUpdate.map_pk == map_pk, LiveUpdate.pk > after_pk)
            .order_by(LiveUpdate.pk)
        ).all()
    return [(pk, bytes(data)) for pk, data in rows]


def start(session: Session, map_pk: int, snapshot: bytes) -> bool:
    """Give the map its shared document (its first snapshot); False when it already has one."""
    exists = session.scalar(select(LiveDocument.map_pk).where(LiveDocument.map_pk == map_pk))
    if exists is not None:
        return False
    # Another server process on the same database can open the map at the same moment:
    # whoever inserts first gives it its document, the other loads that one.
    try:
        with session.begin_nested():
            session.add(
                LiveDocument(map_pk=map_pk, snapshot=snapshot, editors=[], snapshot_at=utcnow())
            )
    except IntegrityError:
        return False
    return True


@dataclass
class Head:
    """The map's head as read from its shared document (documents.map_document form)."""

    document: Any
    name: str
    facts: dict[str, Any]


@dataclass
class MapBatch:
    """What one group commit writes for one map."""

    map_pk: int
    updates: list[tuple[bytes, str | None]]
    """(update, author account id) in the order they were applied."""
    head: Head | None = None
    """The head to write (None: leave it; it is written at most every so often)."""
    snapshot: bytes | None = None
    """A compaction: the whole document, folding in `folded` and this batch's updates."""
    folded: Sequence[int] = ()
    """Keys of earlier log rows the snapshot holds (deleted with it)."""
    written: list[int] = field(default_factory=list)
    """Filled in: the keys of this batch's log rows."""
    based_on: int | None = None
    """Write the head only if it is at this revision (a REST edit's If-Match)."""
    revision: Written | None = None
    """Filled in: the head's new revision, when `head` was written."""
    known: frozenset[int] | None = None
    """With `head`: the log rows the head's document holds (None: do not check). Rows of the
    map's log beyond these (another process's, a CLI's) are merged into the head first."""
    state: bytes | None = None
    """With `known`: the document state `head` was read from."""
    read_head: Callable[[bytes], Head] | None = None
    """With `known`: reads a head from a document state (when rows had to be merged in)."""
    ours: frozenset[int] = frozenset()
    """With `known`: earlier rows the writing process committed itself that the head's
    state may lack (its own later updates: the head lags them, as heads do)."""
    expected: int | None = None
    """With `ours`: the revision the writing process last knew the head at. Only while the
    head is still there are `ours` left out of the merge: no head written since can hold
    them (another process's might, having heard of them)."""
    foreign: list[tuple[int, bytes]] = field(default_factory=list)
    """Filled in: the rows merged into the head that the document did not hold."""


CHANNEL = "journeyline_live"
"""PostgreSQL: the LISTEN/NOTIFY channel on which server processes announce committed updates."""


def commit(db: Database, batches: list[MapBatch], *, process: str = "") -> None:
    """Write every batch in one transaction (the group commit): log rows, editors, heads,
    compactions. Returns once the transaction is committed (durable, as the database syncs).

    On PostgreSQL each map with new rows is announced on CHANNEL (`process:map key:1 when
    compacted`), delivered to the other server processes when the transaction commits."""
    now = utcnow()
    with db.writing() as session:
        for batch in batches:
            _write(session, batch, now)
            if not db.is_sqlite and (batch.written or batch.snapshot is not None):
                payload = f"{process}:{batch.map_pk}:{int(batch.snapshot is not None)}"
                session.execute(
                    text("SELECT pg_notify(:channel, :payload)"),
                    {"channel": CHANNEL, "payload": payload},
                )


def _write(session: Session, batch: MapBatch, now: dt.datetime) -> None:
    keys: list[int] = []
    if batch.updates:
        rows = [
            {"map_pk": batch.map_pk, "data": data, "author_id": author, "created_at": now}
            for data, author in batch.updates
        ]
        keys = list(
            session.scalars(
                insert(LiveUpdate).returning(LiveUpdate.pk, sort_by_parameter_order=True), rows
            )
        )
        authors = {author for _, author in batch.updates if author is not None}
        record = session.execute(
            select(LiveDocument.editors, LiveDocument.edited_at).where(
                LiveDocument.map_pk == batch.map_pk
            )
        ).first()
        if record is not None:
            editors = list(record[0] or [])
            new = [a for a in sorted(authors) if a not in editors]
            values: dict[str, Any] = {}
            if new:
                values["editors"] = editors + new
            if record[1] is None:
                values["edited_at"] = now
            if values:
                session.execute(
                    update(LiveDocument).where(LiveDocument.map_pk == batch.map_pk).values(values)
                )
    batch.written = keys
    if batch.head is not None and batch.known is not None:
        _merge_foreign(session, batch, keys)
    if batch.head is not None:
        batch.revision = revisions.materialise_map(
            session,
            batch.map_pk,
            batch.head.document,
            name=batch.head.name,
            facts=batch.head.facts,
            based_on=batch.based_on,
        )
    if batch.snapshot is not None:
        # Merged with the stored snapshot: another server process may have folded in rows
        # this one has not seen yet (merging CRDT updates loses nothing).
        query = select(LiveDocument.snapshot).where(LiveDocument.map_pk == batch.map_pk)
        current = session.scalar(query if db_is_sqlite(session) else query.with_for_update())
        snapshot = batch.snapshot
        if current is not None:
            snapshot = pycrdt.merge_updates(bytes(current), batch.snapshot)
        session.execute(
            update(LiveDocument)
            .where(LiveDocument.map_pk == batch.map_pk)
            .values(snapshot=snapshot, snapshot_at=now)
        )
        folded = [*batch.folded, *keys]
        for at in range(0, len(folded), 500):
            session.execute(
                delete(LiveUpdate).where(
                    LiveUpdate.map_pk == batch.map_pk, LiveUpdate.pk.in_(folded[at : at + 500])
                )
            )


def _merge_foreign(session: Session, batch: MapBatch, keys: list[int]) -> None:
    """Make the head hold every update committed to the map's log by anyone else before it
    is written, so a read never goes backwards: rows the writing process's document lacks
    (another server process committed them, or a CLI edit) are merged into the head's state
    first. The writing process's own later rows (`ours`) are left out while the head is
    still at the revision it expects, else merged too. The map's row is locked first
    (PostgreSQL), so two processes' heads are written one after the other, each holding
    what the other committed."""
    query = select(MapRecord.revision).where(MapRecord.pk == batch.map_pk)
    current = session.scalar(query if db_is_sqlite(session) else query.with_for_update())
    known = batch.known or frozenset()
    ours = set(keys)
    if batch.expected is not None and current == batch.expected:
        ours |= batch.ours
    logged = session.scalars(select(LiveUpdate.pk).where(LiveUpdate.map_pk == batch.map_pk))
    foreign = [pk for pk in logged if pk not in known and pk not in ours]
    if not foreign or batch.state is None or batch.read_head is None:
        return
    rows = session.execute(
        select(LiveUpdate.pk, LiveUpdate.data)
        .where(LiveUpdate.map_pk == batch.map_pk, LiveUpdate.pk.in_(foreign))
        .order_by(LiveUpdate.pk)
    ).all()
    batch.foreign = [(pk, bytes(data)) for pk, data in rows]
    merged = pycrdt.merge_updates(batch.state, *[data for _, data in batch.foreign])
    batch.head = batch.read_head(merged)


def cut_revision(db: Database, map_pk: int) -> Written | None:
    """Write the revision log's entry for the map's head, naming everyone who edited since
    the last one; clears the map's editors. None when there was nothing to cut."""
    with db.writing() as session:
        row = session.execute(
            select(LiveDocument.editors).where(LiveDocument.map_pk == map_pk)
        ).first()
        if row is None:
            return None
        ids = list(row[0] or [])
        names = (
            dict(session.execute(select(Account.id, Account.name).where(Account.id.in_(ids))).all())
            if ids
            else {}
        )
        editors = [{"id": i, "name": names.get(i, "someone")} for i in ids if i in names]
        who = edit_summary([e["name"] for e in editors])
        what = _what_changed(session, map_pk)
        written = revisions.cut_map(
            session, map_pk, editors=editors, summary=f"{who}: {what}" if what else who
        )
        session.execute(
            update(LiveDocument)
            .where(LiveDocument.map_pk == map_pk)
            .values(editors=[], edited_at=None)
        )
        return written


def _what_changed(session: Session, map_pk: int) -> str | None:
    """The burst in words, from the last revision in the log to the head (`wording.summarize`)."""
    head = session.execute(
        select(MapRecord.document, WorkspaceRecord.document)
        .join(WorkspaceRecord, WorkspaceRecord.id == MapRecord.workspace_id)
        .where(MapRecord.pk == map_pk)
    ).first()
    if head is None:
        return None
    previous = session.scalar(
        select(Revision.document)
        .where(Revision.map_pk == map_pk)
        .order_by(Revision.number.desc())
        .limit(1)
    )
    return summarize(previous, head[0], lane_titles_of(head[1] or {}))


def edit_summary(names: list[str]) -> str:
    """A live revision's one-line summary: who edited in it ("Ann, Bob and Cleo edited")."""
    if not names:
        return "edited live"
    if len(names) == 1:
        return f"{names[0]} edited"
    return f"{', '.join(names[:-1])} and {names[-1]} edited"


def stale_heads(db: Database) -> list[int]:
    """Maps whose head may lag their log: every map with updates not yet compacted. The head
    (what REST reads) is written apart from the log and may leave out rows committed with it,
    so a process killed before the next head leaves it behind until the map is opened live
    again (`Rooms.start` does that before serving). Compaction empties the log."""
    with db.single_read() as connection:
        rows = connection.execute(select(LiveUpdate.map_pk).distinct()).all()
    return [int(row[0]) for row in rows]


def uncut_maps(db: Database, quiet_since: dt.datetime) -> list[int]:
    """Maps with edits not yet in a revision whose first such edit is older than `quiet_since`
    (for cutting revisions of maps whose server stopped before it could)."""
    with db.single_read() as connection:
        return list(
            connection.execute(
                select(LiveDocument.map_pk).where(
                    LiveDocument.edited_at.is_not(None), LiveDocument.edited_at < quiet_since
                )
            ).scalars()
        )


def map_key(db: Database, workspace_id: str, map_id: str) -> int | None:
    """The stored key of a map (None when it does not exist)."""
    with db.single_read() as connection:
        return connection.execute(
            select(MapRecord.pk).where(
                MapRecord.workspace_id == workspace_id, MapRecord.map_id == map_id
            )
        ).scalar()


def map_exists(db: Database, map_pk: int) -> bool:
    """Whether the map with this key still exists."""
    with db.single_read() as connection:
        return (
            connection.execute(select(MapRecord.pk).where(MapRecord.pk == map_pk)).first()
            is not None
        )


def has_document(session: Session, map_pk: int) -> bool:
    """Whether the map has a shared document (then it is the map's truth)."""
    found = session.scalar(select(LiveDocument.map_pk).where(LiveDocument.map_pk == map_pk))
    return found is not None


def head_revision(db: Database, map_pk: int) -> int:
    """The revision the map's head is at (NotFound-like 0 when it is gone)."""
    with db.single_read() as connection:
        found = connection.execute(
            select(MapRecord.revision).where(MapRecord.pk == map_pk)
        ).scalar()
    return int(found or 0)


def map_name(db: Database, map_pk: int) -> str:
    """The map's id in its workspace (for messages)."""
    with db.single_read() as connection:
        found = connection.execute(select(MapRecord.map_id).where(MapRecord.pk == map_pk)).scalar()
    return str(found or map_pk)


def outside_ids(db: Database, map_pk: int) -> frozenset[str]:
    """The ids outside the map that its evidence may link to: the workspace's personas and
    segments (journeyline.live's `outside_ids`)."""
    from journeyline.store.documents import workspace_of
    from journeyline.store.tables import WorkspaceRecord

    with db.reading() as session:
        record = session.scalar(
            select(WorkspaceRecord)
            .join(MapRecord, MapRecord.workspace_id == WorkspaceRecord.id)
            .where(MapRecord.pk == map_pk)
        )
        if record is None:
            return frozenset()
        workspace = workspace_of(record, [], editable=False)
    return frozenset(p.id for p in workspace.personas) | {s.id for s in workspace.segments}


def db_is_sqlite(session: Session) -> bool:
    """Whether the session's database is SQLite."""
    return session.get_bind().dialect.name == "sqlite"


def snapshot_of(db: Database, map_pk: int) -> bytes | None:
    """The map's stored snapshot."""
    with db.single_read() as connection:
        found = connection.execute(
            select(LiveDocument.snapshot).where(LiveDocument.map_pk == map_pk)
        ).scalar()
    return bytes(found) if found is not None else None
