"""Revisions: the one writer of a versioned document's next revision, and what If-Match means.

Maps and the workspace's own document are versioned alike. The head row (`maps`,
`workspaces`) holds the current document and its revision number; the log (`revisions`,
`workspace_revisions`) holds every revision whole. A write is a compare-and-set: one
UPDATE of the head `WHERE revision = <the revision the writer read>`, then the log row.
When the UPDATE matches no row another writer got in first, and the write is refused
with StaleRevision (409, with the changes made since); nothing is overwritten. So a race
is always answered by that check, never by the log's unique `(map or workspace, number)`
constraint (an IntegrityError, a 500), on SQLite and on PostgreSQL alike.

Every revision row in the database is built here, and nowhere else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from journeyline.errors import Diagnostic, NotFound, UsageError
from journeyline.store.access import workspace_not_found
from journeyline.store.database import Database, rowcount
from journeyline.store.diff import Change, diff_data
from journeyline.store.documents import forget_workspace
from journeyline.store.errors import Conflict, PreconditionRequired, StaleRevision
from journeyline.store.tables import (
    MapRecord,
    Revision,
    Serialized,
    WorkspaceRecord,
    WorkspaceRevision,
    serialize,
    utcnow,
)

NAME_LENGTH = 300
"""The stored length of a map's or workspace's name (the head's `name` column)."""

SUMMARY_LENGTH = 500
"""The stored length of a revision's one-line summary (the log's `summary` column)."""


# --- the words of optimistic concurrency ---------------------------------------------------------


def parse_revision(if_match: str | None) -> int:
    """The revision number in an `If-Match` value: `"7"`, `W/"7"` or `7`."""
    if if_match is None or not if_match.strip():
        raise PreconditionRequired(
            "say which revision this change is based on: send the header If-Match with the "
            'revision (the ETag of your last read), e.g. If-Match: "3"',
        )
    text = if_match.strip()
    if text.startswith("W/"):
        text = text[2:]
    text = text.strip('"')
    if not text.isdigit():
        raise UsageError(f'If-Match must be a revision number such as "3", not {if_match!r}')
    return int(text)


def etag(revision: int) -> str:
    """The ETag of a revision."""
    return f'"{revision}"'


def iso(moment: dt.datetime | None) -> str | None:
    """A stored (naive UTC) time as ISO 8601 with a Z."""
    return moment.isoformat() + "Z" if moment else None


# --- the stale answer ----------------------------------------------------------------------------


def stale(
    what: str, based_on: int, current: int, changes: list[Change] | None, *, named: bool = True
) -> StaleRevision:
    """The one answer to a write based on an older revision than the stored one.

    `what` names the document ("map 'trial'", "the workspace"). `named`: the writer sent
    the revision (If-Match), so it is told which one to send next; otherwise (an import,
    a map from a template) the server read it, and the writer is told to try again.
    """
    if named:
        message = (
            f"{what} has changed since revision {based_on}: it is now at revision {current}; "
            "nothing was overwritten (read it again, re-apply your change, and send "
            f'If-Match: "{current}")'
        )
    else:
        message = (
            f"{what} changed while this change was being made (from revision {based_on} to "
            f"{current}); nothing was changed: try again"
        )
    return StaleRevision(
        message,
        details={
            "current_revision": current,
            "your_revision": based_on,
            "changes": [c.to_dict() for c in changes] if changes is not None else None,
        },
    )


def map_not_found(map_id: str) -> NotFound:
    """The one answer for a map that is not in this workspace."""
    return NotFound(
        f"map '{map_id}' does not exist in this workspace",
        [Diagnostic(f"unknown map '{map_id}'", hint="list the workspace's maps with GET …/maps")],
    )


def map_changes_since(
    db: Database, session: Session, record: MapRecord, revision: int
) -> list[Change] | None:
    """What changed in the map from `revision` to now (None when that revision is unknown).

    Both sides come from the cache of parsed revisions: a conflict costs a diff, not two parses.
    """
    old_pk = session.scalar(
        select(Revision.pk).where(Revision.map_pk == record.pk, Revision.number == revision)
    )
    if old_pk is None:
        return None

    def old_document() -> dict[str, Any]:
        return dict(session.scalar(select(Revision.document).where(Revision.pk == old_pk)) or {})

    before = db.map_cache.json((record.pk, revision), old_document)
    after = db.map_cache.json((record.pk, record.revision), lambda: record.document)
    return diff_data(before, after)


def workspace_changes_since(
    session: Session, record: WorkspaceRecord, revision: int
) -> list[Change] | None:
    """What changed in the workspace's document from `revision` to now (None when unknown)."""
    old = session.scalar(
        select(WorkspaceRevision.document).where(
            WorkspaceRevision.workspace_id == record.id, WorkspaceRevision.number == revision
        )
    )
    return None if old is None else diff_data(old, record.document)


def check_map(
    db: Database, session: Session, record: MapRecord, based_on: int, *, named: bool = True
) -> None:
    """StaleRevision (with the changes since) unless `based_on` is the map's stored revision."""
    if based_on == record.revision:
        return
    changes = (
        map_changes_since(db, session, record, based_on) if based_on < record.revision else None
    )
    raise stale(f"map '{record.map_id}'", based_on, record.revision, changes, named=named)


def check_workspace(
    session: Session, record: WorkspaceRecord, based_on: int, *, named: bool = True
) -> None:
    """StaleRevision (with the changes since) unless `based_on` is the workspace's revision."""
    if based_on == record.revision:
        return
    changes = (
        workspace_changes_since(session, record, based_on) if based_on < record.revision else None
    )
    raise stale("the workspace", based_on, record.revision, changes, named=named)


# --- the writer ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    """A revision as stored: its number and when it was written."""

    number: int
    at: dt.datetime


def map_id_taken(map_id: str) -> Conflict:
    """The answer when a new map's id is already used in the workspace."""
    return Conflict(
        f"id '{map_id}' is already used in this workspace",
        [
            Diagnostic(
                f"duplicate id '{map_id}'", hint="choose another id, or leave it out to derive one"
            )
        ],
    )


def start_map(
    session: Session,
    workspace_id: str,
    map_id: str,
    document: dict[str, Any] | Serialized,
    *,
    name: str,
    facts: dict[str, Any],
    author_id: str | None,
    summary: str,
) -> MapRecord:
    """A new map at revision 1, with the first entry of its log.

    The caller checks that the id is free; two people creating the same id at the same
    moment still get the same 409 (the unique key decides, inside a savepoint).
    """
    now = utcnow()
    text = _text(document)
    record = MapRecord(
        workspace_id=workspace_id,
        map_id=map_id,
        name=name[:NAME_LENGTH],
        revision=1,
        document=text,
        summary=facts,
        created_at=now,
        updated_at=now,
    )
    try:
        with session.begin_nested():
            session.add(record)
            session.flush()  # its key, for the log
    except IntegrityError:
        raise map_id_taken(map_id) from None
    _keep_document(session, record, document)
    session.add(_entry(Revision, {"map_pk": record.pk}, 1, text, author_id, summary, now))
    return record


def start_workspace(
    session: Session,
    workspace_id: str,
    document: dict[str, Any] | Serialized,
    *,
    name: str,
    author_id: str | None,
    summary: str,
) -> WorkspaceRecord:
    """A new workspace at revision 1, with the first entry of its log."""
    now = utcnow()
    text = _text(document)
    record = WorkspaceRecord(
        id=workspace_id,
        name=name[:NAME_LENGTH],
        document=text,
        revision=1,
        created_at=now,
        updated_at=now,
    )
    session.add(record)
    session.flush()
    _keep_document(session, record, document)
    session.add(
        _entry(WorkspaceRevision, {"workspace_id": record.id}, 1, text, author_id, summary, now)
    )
    return record


def append_map(
    db: Database,
    session: Session,
    workspace_id: str,
    map_id: str,
    pk: int,
    based_on: int,
    document: dict[str, Any] | Serialized,
    *,
    name: str,
    facts: dict[str, Any],
    author_id: str | None,
    summary: str,
    named: bool = True,
) -> Written:
    """Store `document` as the map's next revision, if the map is still at `based_on`.

    StaleRevision when another writer got in first; NotFound when the map was deleted
    meanwhile. A loaded MapRecord in `session` is brought up to date.
    """
    now = utcnow()
    number = based_on + 1
    text = _text(document)
    values = {
        "document": text,
        "revision": number,
        "name": name[:NAME_LENGTH],
        "summary": facts,
        "updated_at": now,
    }
    done = session.execute(
        update(MapRecord)
        .where(MapRecord.pk == pk, MapRecord.revision == based_on)
        .values(values)
        .execution_options(synchronize_session=False)
    )
    if rowcount(done) != 1:
        session.expire_all()  # what this transaction loaded may be older than the row now
        current = session.scalar(select(MapRecord).where(MapRecord.pk == pk))
        if current is None:
            raise map_not_found(map_id)
        check_map(db, session, current, based_on, named=named)
        raise stale(f"map '{map_id}'", based_on, current.revision, None, named=named)
    _loaded(session, MapRecord, pk, values, document)
    session.add(_entry(Revision, {"map_pk": pk}, number, text, author_id, summary, now))
    return Written(number, now)


def append_workspace(
    session: Session,
    record: WorkspaceRecord,
    based_on: int,
    document: dict[str, Any] | Serialized,
    *,
    name: str,
    author_id: str | None,
    summary: str,
    named: bool = True,
) -> Written:
    """Store `document` as the workspace's next revision, if it is still at `based_on`.

    StaleRevision when another writer got in first. `record` is brought up to date.
    """
    now = utcnow()
    number = based_on + 1
    text = _text(document)
    values = {"document": text, "revision": number, "name": name[:NAME_LENGTH], "updated_at": now}
    workspace_id = record.id
    done = session.execute(
        update(WorkspaceRecord)
        .where(WorkspaceRecord.id == workspace_id, WorkspaceRecord.revision == based_on)
        .values(values)
        .execution_options(synchronize_session=False)
    )
    if rowcount(done) != 1:
        session.expire_all()
        current = session.scalar(select(WorkspaceRecord).where(WorkspaceRecord.id == workspace_id))
        if current is None:
            raise workspace_not_found(workspace_id)
        check_workspace(session, current, based_on, named=named)
        raise stale("the workspace", based_on, current.revision, None, named=named)
    _loaded(session, WorkspaceRecord, workspace_id, values, document)
    _forget_on_rollback(session, workspace_id, number)
    session.add(
        _entry(
            WorkspaceRevision,
            {"workspace_id": workspace_id},
            number,
            text,
            author_id,
            summary,
            now,
        )
    )
    return Written(number, now)


def _text(document: dict[str, Any] | Serialized) -> Serialized:
    """The document as stored: serialised once, for the head and the log alike."""
    return document if isinstance(document, Serialized) else serialize(document)


def _entry(
    log: type[Revision] | type[WorkspaceRevision],
    owner: dict[str, Any],
    number: int,
    document: Serialized,
    author_id: str | None,
    summary: str,
    at: dt.datetime,
) -> Revision | WorkspaceRevision:
    return log(
        **owner,
        number=number,
        document=document,
        author_id=author_id,
        summary=summary[:SUMMARY_LENGTH],
        created_at=at,
    )


def _loaded(
    session: Session,
    head: type[MapRecord] | type[WorkspaceRecord],
    key: Any,
    values: dict[str, Any],
    document: dict[str, Any] | Serialized,
) -> None:
    """Give the head row as loaded in `session` (if it is) the values just written."""
    loaded = session.identity_map.get(identity_key(head, key))
    if not isinstance(loaded, head):
        return
    for name, value in values.items():
        if name != "document":
            set_committed_value(loaded, name, value)
    _keep_document(session, loaded, document)


def _keep_document(
    session: Session, record: MapRecord | WorkspaceRecord, document: dict[str, Any] | Serialized
) -> None:
    """The loaded head holds the document as a dict (read back from the row when only text)."""
    if isinstance(document, Serialized):
        session.expire(record, ["document"])
    else:
        set_committed_value(record, "document", document)


def _forget_on_rollback(session: Session, workspace_id: str, number: int) -> None:
    """Drop the parsed workspace cached at `number` if this transaction does not commit.

    Later checks in the same transaction parse the new revision (and cache it by its
    number); when the transaction rolls back, another writer's revision gets that number.
    """

    def rolled_back(_: Session) -> None:
        forget_workspace(workspace_id, number)

    event.listen(session, "after_rollback", rolled_back, once=True)


# --- live documents: the head read from the shared document, and revisions cut from it -----------


def materialise_map(
    session: Session,
    pk: int,
    document: dict[str, Any] | Serialized,
    *,
    name: str,
    facts: dict[str, Any],
    based_on: int | None = None,
) -> Written:
    """Make `document` (read from the map's shared document) the head, as the next revision
    number, without a log row: live edits are logged as updates, and `cut_map` writes the
    log row when a burst of editing settles. NotFound when the map was deleted;
    StaleRevision when `based_on` is given and the head is at another revision."""
    now = utcnow()
    condition = [MapRecord.pk == pk]
    if based_on is not None:
        condition.append(MapRecord.revision == based_on)
    number = session.execute(
        update(MapRecord)
        .where(*condition)
        .values(
            document=_text(document),
            revision=MapRecord.revision + 1,
            name=name[:NAME_LENGTH],
            summary=facts,
            updated_at=now,
        )
        .returning(MapRecord.revision)
        .execution_options(synchronize_session=False)
    ).scalar()
    if number is None:
        current = session.scalar(select(MapRecord).where(MapRecord.pk == pk))
        if current is None:
            raise NotFound("the map was deleted")
        raise stale(f"map '{current.map_id}'", based_on or 0, current.revision, None)
    return Written(int(number), now)


def cut_map(
    session: Session,
    pk: int,
    *,
    editors: list[dict[str, Any]],
    summary: str,
) -> Written | None:
    """The revision log's entry for the head as it is now, naming everyone who edited since
    the last entry (`editors`: id and name each); None when the head already has its entry."""
    row = session.execute(
        select(MapRecord.revision, MapRecord.document, MapRecord.updated_at).where(
            MapRecord.pk == pk
        )
    ).first()
    if row is None:
        return None
    number, document, at = row
    exists = session.scalar(
        select(Revision.pk).where(Revision.map_pk == pk, Revision.number == number)
    )
    if exists is not None:
        return None
    author = editors[0]["id"] if editors else None
    entry = _entry(Revision, {"map_pk": pk}, number, _text(document), author, summary, at)
    assert isinstance(entry, Revision)
    entry.editors = editors
    session.add(entry)
    return Written(int(number), at)
