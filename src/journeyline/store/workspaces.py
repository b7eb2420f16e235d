"""The workspace document: segments, personas, custom lanes and evidence, one by one.

The workspace's own document (everything but its maps) is versioned like a map: each
write names the revision it is based on, and a revision log keeps every state
(`journeyline.store.revisions` writes it). Members are in `members`, imports and maps
from templates in `importing`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from journeyline.errors import Diagnostic, InvalidInput, UsageError
from journeyline.model import Element, Workspace, assign_ids
from journeyline.store import elements, maps, revisions
from journeyline.store.access import Access, Actor, Role, require
from journeyline.store.database import Database
from journeyline.store.documents import workspace_document, workspace_of
from journeyline.store.revisions import iso, parse_revision
from journeyline.store.tables import (
    Account,
    MapRecord,
    Member,
    StoredFileRecord,
    WorkspaceRecord,
    WorkspaceRevision,
    new_id,
)

T = TypeVar("T")


def _summary(record: WorkspaceRecord, role: Role, map_count: int) -> dict[str, Any]:
    return {
        "id": record.id,
        "name": record.name,
        "description": record.document.get("description"),
        "role": role.value,
        "revision": record.revision,
        "maps": map_count,
        "created_at": iso(record.created_at),
        "updated_at": iso(record.updated_at),
    }


def list_workspaces(db: Database, actor: Actor) -> list[dict[str, Any]]:
    """The workspaces the actor is a member of, with the actor's role in each."""
    with db.reading() as session:
        counts = (
            select(MapRecord.workspace_id, func.count().label("n"))
            .group_by(MapRecord.workspace_id)
            .subquery()
        )
        rows = session.execute(
            select(WorkspaceRecord, Member.role, counts.c.n)
            .join(Member, Member.workspace_id == WorkspaceRecord.id)
            .outerjoin(counts, counts.c.workspace_id == WorkspaceRecord.id)
            .where(Member.account_id == actor.account_id)
            .order_by(WorkspaceRecord.created_at, WorkspaceRecord.id)
        ).all()
        return [_summary(record, Role(role), n or 0) for record, role, n in rows]


def create_workspace(
    db: Database,
    actor: Actor,
    name: str | None = None,
    *,
    description: str | None = None,
    source: Workspace | None = None,
) -> dict[str, Any]:
    """A new workspace (empty, or holding `source`, e.g. a template) owned by the actor."""
    workspace = source.model_copy(deep=True) if source is not None else Workspace()
    if name is not None:
        workspace.name = name
    if description is not None:
        workspace.description = description
    if not workspace.name.strip():
        raise InvalidInput(
            "give the workspace a name", [Diagnostic("the name is empty", hint="send 'name'")]
        )
    assign_ids(workspace)
    elements.ensure_integrity(workspace, "the new workspace")
    elements.ensure_analysis_settings(workspace.analysis)
    with db.writing() as session:
        record = revisions.start_workspace(
            session,
            new_id("w"),
            workspace_document(workspace),
            name=workspace.name,
            author_id=actor.account_id,
            summary="created the workspace",
        )
        session.add(
            Member(workspace_id=record.id, account_id=actor.account_id, role=Role.owner.value)
        )
        access = Access(workspace=record, role=Role.owner, actor=actor)
        for journey in workspace.maps:
            maps.add_map_record(session, access, journey, f"created map '{journey.name}'")
        return _summary(record, Role.owner, len(workspace.maps))


def get_workspace(db: Database, actor: Actor, workspace_id: str) -> dict[str, Any]:
    """The workspace: summary, its document (segments, personas, lanes, evidence) and its maps."""
    with db.reading() as session:
        access = require(session, actor, workspace_id, Role.viewer)
        count = (
            session.scalar(select(func.count()).where(MapRecord.workspace_id == workspace_id)) or 0
        )
        record = access.workspace
        result = _summary(record, access.role, count)
        body = workspace_of(record, []).model_dump(mode="json", exclude={"maps"})
    result["workspace"] = body
    result["maps"] = maps.list_maps(db, actor, workspace_id)
    return result


def delete_workspace(db: Database, actor: Actor, workspace_id: str) -> set[str]:
    """Delete the workspace with all its maps, members, comments, share links and uploaded
    files' records (owners only).

    Returns the SHA-256 of the uploaded bytes that no file row holds any more (the same bytes
    may be another workspace's file too): the caller removes them from the data folder
    (`Files.delete_workspace` does both).
    """
    with db.writing() as session:
        access = require(session, actor, workspace_id, Role.owner)
        held = set(
            session.scalars(
                select(StoredFileRecord.sha256).where(StoredFileRecord.workspace_id == workspace_id)
            )
        )
        session.execute(
            delete(StoredFileRecord).where(StoredFileRecord.workspace_id == workspace_id)
        )
        session.delete(access.workspace)
        session.flush()
        if not held:
            return set()
        still = set(
            session.scalars(
                select(StoredFileRecord.sha256).where(StoredFileRecord.sha256.in_(held)).distinct()
            )
        )
    return held - still


# --- versioned edits of the workspace document -------------------------------------------------


@dataclass
class WorkspaceEdit:
    """The workspace after an edit, its new revision, and the element as stored."""

    workspace_id: str
    revision: int
    element: Element | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return {
            "workspace": self.workspace_id,
            "revision": self.revision,
            "element": self.element.model_dump(mode="json") if self.element is not None else None,
        }


def edit_workspace(
    db: Database,
    actor: Actor,
    workspace_id: str,
    if_match: str | None,
    change: Callable[[Workspace], tuple[T, str]],
    needed: Role = Role.editor,
) -> tuple[int, T]:
    """Run `change` on the workspace (with its maps, for reference checks) and store a new revision."""
    based_on = parse_revision(if_match)
    with db.writing() as session:
        access = require(session, actor, workspace_id, needed)
        record = access.workspace
        revisions.check_workspace(session, record, based_on)
        workspace = workspace_of(record, maps.load_maps(db, session, workspace_id))
        result, summary = change(workspace)
        assign_ids(workspace)
        elements.ensure_integrity(workspace, summary)
        number = store_workspace_document(session, record, workspace, actor, summary, named=True)
    return number, result


def store_workspace_document(
    session: Session,
    record: WorkspaceRecord,
    workspace: Workspace,
    actor: Actor,
    summary: str,
    *,
    named: bool = False,
) -> int:
    """Write the workspace's document as its next revision, within `session`'s transaction.

    Based on the revision `record` was read at; when another writer got in first
    (PostgreSQL) the write is refused as stale (409, with the changes since). `named`:
    the writer sent that revision in If-Match (otherwise it is told to try again).
    """
    written = revisions.append_workspace(
        session,
        record,
        record.revision,
        workspace_document(workspace),
        name=workspace.name,
        author_id=actor.account_id,
        summary=summary,
        named=named,
    )
    return written.number


def list_workspace_revisions(db: Database, actor: Actor, workspace_id: str) -> list[dict[str, Any]]:
    """The workspace document's revision log, newest first (maps have their own)."""
    with db.reading() as session:
        require(session, actor, workspace_id, Role.viewer)
        rows = session.execute(
            select(
                WorkspaceRevision.number,
                WorkspaceRevision.created_at,
                WorkspaceRevision.summary,
                Account.name,
            )
            .outerjoin(Account, Account.id == WorkspaceRevision.author_id)
            .where(WorkspaceRevision.workspace_id == workspace_id)
            .order_by(WorkspaceRevision.number.desc())
        ).all()
    return [
        {"revision": number, "created_at": iso(created), "summary": summary, "author": author}
        for number, created, summary, author in rows
    ]


WORKSPACE_FIELDS = ("name", "description", "analysis")
"""The workspace's own fields that PATCH changes."""


def update_workspace(
    db: Database, actor: Actor, workspace_id: str, if_match: str | None, changes: dict[str, Any]
) -> dict[str, Any]:
    """Change the workspace's name, description or analysis thresholds."""
    unknown = [key for key in changes if key not in WORKSPACE_FIELDS]
    if unknown:
        raise UsageError(
            f"cannot change {', '.join(repr(k) for k in unknown)} here (fields: {', '.join(WORKSPACE_FIELDS)}; "
            "segments, personas, lanes and evidence have their own endpoints)"
        )

    def change(workspace: Workspace) -> tuple[None, str]:
        elements.ensure_analysis_settings(changes.get("analysis"))
        data = workspace.model_dump() | changes
        updated = Workspace.model_validate(data)
        for key in changes:
            setattr(workspace, key, getattr(updated, key))
        if not workspace.name.strip():
            raise InvalidInput("the workspace's name cannot be empty")
        return None, "changed " + ", ".join(sorted(changes))

    edit_workspace(db, actor, workspace_id, if_match, change)
    return get_workspace(db, actor, workspace_id)


def list_workspace_elements(
    db: Database, actor: Actor, workspace_id: str, kind_name: str
) -> tuple[int, list[Element]]:
    """The workspace's segments, personas, lanes or evidence, with the workspace revision."""
    kind = elements.workspace_kind(kind_name)
    with db.reading() as session:
        access = require(session, actor, workspace_id, Role.viewer)
        workspace = workspace_of(access.workspace, [])
        return access.workspace.revision, list(getattr(workspace, kind.collection))


def get_workspace_element(
    db: Database, actor: Actor, workspace_id: str, kind_name: str, element_id: str
) -> tuple[int, Element]:
    """One segment, persona, lane or piece of evidence, with the workspace revision."""
    kind = elements.workspace_kind(kind_name)
    revision, items = list_workspace_elements(db, actor, workspace_id, kind_name)
    workspace = Workspace.model_validate({kind.collection: [i.model_dump() for i in items]})
    return revision, elements.find_workspace_element(workspace, kind, element_id)


def add_workspace_element(
    db: Database,
    actor: Actor,
    workspace_id: str,
    kind_name: str,
    if_match: str | None,
    data: dict[str, Any],
    position: int | None = None,
) -> WorkspaceEdit:
    """Add a segment, persona, custom lane or piece of evidence."""
    kind = elements.workspace_kind(kind_name)

    def change(workspace: Workspace) -> tuple[Element, str]:
        taken_by_maps = {m.id for m in workspace.maps}
        element = elements.add_workspace_element(workspace, kind, data, position)
        if element.id in taken_by_maps:
            raise InvalidInput(f"id '{element.id}' is already used by a map in this workspace")
        return element, f"added {kind.label} '{element.id}'"

    revision, element = edit_workspace(db, actor, workspace_id, if_match, change)
    return WorkspaceEdit(workspace_id, revision, element)


def update_workspace_element(
    db: Database,
    actor: Actor,
    workspace_id: str,
    kind_name: str,
    element_id: str,
    if_match: str | None,
    changes: dict[str, Any],
    position: int | None = None,
) -> WorkspaceEdit:
    """Change one segment, persona, custom lane or piece of evidence."""
    kind = elements.workspace_kind(kind_name)

    def change(workspace: Workspace) -> tuple[Element, str]:
        element = elements.update_workspace_element(workspace, kind, element_id, changes, position)
        return element, f"changed {kind.label} '{element_id}'"

    revision, element = edit_workspace(db, actor, workspace_id, if_match, change)
    return WorkspaceEdit(workspace_id, revision, element)


def remove_workspace_element(
    db: Database,
    actor: Actor,
    workspace_id: str,
    kind_name: str,
    element_id: str,
    if_match: str | None,
) -> WorkspaceEdit:
    """Remove one segment, persona, custom lane or piece of evidence (refused while maps use it)."""
    kind = elements.workspace_kind(kind_name)

    def change(workspace: Workspace) -> tuple[None, str]:
        elements.remove_workspace_element(workspace, kind, element_id)
        return None, f"removed {kind.label} '{element_id}'"

    revision, _ = edit_workspace(db, actor, workspace_id, if_match, change)
    return WorkspaceEdit(workspace_id, revision, None)
