"""Workspaces and their members; segments, personas, custom lanes and evidence one by one.

The workspace's own document (everything but its maps) is versioned like a map: each
write names the revision it is based on, and a revision log keeps every state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from journeyline.errors import Diagnostic, InvalidInput, NotFound, UsageError
from journeyline.model import Element, JourneyMap, Workspace, assign_ids, did_you_mean
from journeyline.store import elements, maps
from journeyline.store.access import Access, Actor, Role, require
from journeyline.store.accounts import create_account, create_sign_in_link, find_account
from journeyline.store.database import Database, rowcount
from journeyline.store.diff import diff_data
from journeyline.store.documents import workspace_document, workspace_of
from journeyline.store.errors import Conflict, PermissionDenied, StaleRevision
from journeyline.store.tables import (
    Account,
    MapRecord,
    Member,
    WorkspaceRecord,
    WorkspaceRevision,
    new_id,
    utcnow,
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
        "created_at": maps.iso(record.created_at),
        "updated_at": maps.iso(record.updated_at),
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
    now = utcnow()
    with db.writing() as session:
        record = WorkspaceRecord(
            id=new_id("w"),
            name=workspace.name[:300],
            document=workspace_document(workspace),
            revision=1,
            created_at=now,
            updated_at=now,
        )
        session.add(record)
        session.flush()
        session.add(
            Member(workspace_id=record.id, account_id=actor.account_id, role=Role.owner.value)
        )
        session.add(
            WorkspaceRevision(
                workspace_id=record.id,
                number=1,
                document=record.document,
                author_id=actor.account_id,
                summary="created the workspace",
                created_at=now,
            )
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


def delete_workspace(db: Database, actor: Actor, workspace_id: str) -> None:
    """Delete the workspace with all its maps, members, comments and share links (owners only)."""
    with db.writing() as session:
        access = require(session, actor, workspace_id, Role.owner)
        session.delete(access.workspace)


# --- versioned edits of the workspace document -------------------------------------------------


def _check_revision(session: Session, record: WorkspaceRecord, based_on: int) -> None:
    if based_on == record.revision:
        return
    changes = None
    if based_on < record.revision:
        old = session.scalar(
            select(WorkspaceRevision).where(
                WorkspaceRevision.workspace_id == record.id, WorkspaceRevision.number == based_on
            )
        )
        if old is not None:
            changes = [c.to_dict() for c in diff_data(old.document, record.document)]
    raise StaleRevision(
        f"the workspace has changed since revision {based_on}: it is now at revision {record.revision}; "
        f'nothing was overwritten (read it again, re-apply your change, and send If-Match: "{record.revision}")',
        details={
            "current_revision": record.revision,
            "your_revision": based_on,
            "changes": changes,
        },
    )


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
    based_on = maps.parse_revision(if_match)
    with db.writing() as session:
        access = require(session, actor, workspace_id, needed)
        record = access.workspace
        _check_revision(session, record, based_on)
        workspace = workspace_of(record, maps.load_maps(db, session, workspace_id))
        result, summary = change(workspace)
        assign_ids(workspace)
        elements.ensure_integrity(workspace, summary)
        number = _store_workspace_document(session, record, workspace, actor, summary, based_on)
    return number, result


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
        {"revision": number, "created_at": maps.iso(created), "summary": summary, "author": author}
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


# --- import into an existing workspace ------------------------------------------------------------


def import_into(
    db: Database, actor: Actor, workspace_id: str, incoming: Workspace, *, replace: bool = False
) -> dict[str, Any]:
    """Merge a file's workspace into this one: maps, segments, personas, lanes and evidence by id.

    New ids are added. A map whose id exists is refused (Conflict) unless `replace`, which
    stores the file's map as a new revision (the old one stays in the log). Workspace
    elements with existing ids are replaced by the file's version.
    """
    report: dict[str, list[str]] = {"added_maps": [], "replaced_maps": [], "workspace_elements": []}
    with db.writing() as session:
        access = require(session, actor, workspace_id, Role.editor)
        record = access.workspace
        existing = {
            r.map_id: r
            for r in session.scalars(
                select(MapRecord).where(MapRecord.workspace_id == workspace_id)
            )
        }
        clashes = [m.id for m in incoming.maps if m.id in existing]
        if clashes and not replace:
            raise Conflict(
                f"the workspace already has map{'s' if len(clashes) > 1 else ''} {', '.join(clashes)}; "
                "nothing was imported (import with replace=true to store the file's version as a new revision)",
                details={"maps": clashes},
            )
        workspace = workspace_of(record, maps.load_maps(db, session, workspace_id))
        for name in elements.WORKSPACE_KINDS:
            current: list[Element] = getattr(workspace, name)
            for item in getattr(incoming, name):
                index = next((i for i, e in enumerate(current) if e.id == item.id), None)
                if index is None:
                    current.append(item)
                else:
                    current[index] = item
                report["workspace_elements"].append(item.id)
        by_id = {m.id: i for i, m in enumerate(workspace.maps)}
        for journey in incoming.maps:
            if journey.id in by_id:
                workspace.maps[by_id[journey.id]] = journey
            else:
                workspace.maps.append(journey)
        elements.ensure_integrity(workspace, "the import")
        if report["workspace_elements"]:
            number = record.revision + 1
            record.document = workspace_document(workspace)
            record.revision = number
            record.updated_at = utcnow()
            session.add(
                WorkspaceRevision(
                    workspace_id=record.id,
                    number=number,
                    document=record.document,
                    author_id=actor.account_id,
                    summary="imported a file",
                    created_at=record.updated_at,
                )
            )
            session.flush()
        for journey in incoming.maps:
            if journey.id in existing:
                maps.write_revision(
                    db, session, access, existing[journey.id], journey, "imported from a file"
                )
                report["replaced_maps"].append(journey.id)
            else:
                maps.add_map_record(session, access, journey, "imported from a file")
                report["added_maps"].append(journey.id)
    return report


# --- a new map from a template --------------------------------------------------------------------


@dataclass
class FromTemplate:
    """A map made from a template, and what the template brought into the workspace."""

    state: maps.MapState
    template: str
    added: dict[str, list[str]]
    reused: dict[str, list[str]]
    workspace_revision: int

    def to_dict(self) -> dict[str, Any]:
        """The map state (as for any new map) and a `from_template` report."""
        return self.state.to_dict() | {
            "from_template": {
                "template": self.template,
                "added": self.added,
                "reused": self.reused,
                "workspace_revision": self.workspace_revision,
            }
        }


def load_known_template(name: str) -> Workspace:
    """A shipped template by name; NotFound with a did-you-mean for any other name.

    Only the shipped names are accepted, so a name such as `../x` never reaches the file system.
    """
    from journeyline.templates import load_template, template_names

    names = template_names()
    if name not in names:
        guess = did_you_mean(name, names)
        hint = f"did you mean '{guess}'?" if guess else f"the templates are: {', '.join(names)}"
        raise NotFound(
            f"there is no template called '{name}' ({hint})",
            [Diagnostic(f"unknown template '{name}'", hint=hint)],
        )
    return load_template(name)


def create_map_from_template(
    db: Database, actor: Actor, workspace_id: str, template: str, name: str | None = None
) -> FromTemplate:
    """A new map from a template, with the personas, segments, custom lanes and evidence it names.

    What the workspace lacks (by id) is added to it, as one workspace revision. An element
    whose id the workspace already has is left as it is and the map uses it, even when its
    content differs from the template's: it most likely came from the same template and
    was edited since, and a template must never overwrite a team's work. The map keeps the
    template map's id when that is free and no `name` is given; otherwise its id is
    derived from its name.
    """
    source = load_known_template(template)
    if not source.maps:
        raise InvalidInput(f"template '{template}' holds no journey map")
    journey = source.maps[0]
    if name is not None:
        if not name.strip():
            raise InvalidInput(
                "the new map's name is empty",
                [Diagnostic("empty name", hint="send a name, or leave it out for the template's")],
            )
        journey.name = name.strip()
    added: dict[str, list[str]] = {kind: [] for kind in elements.WORKSPACE_KINDS}
    reused: dict[str, list[str]] = {kind: [] for kind in elements.WORKSPACE_KINDS}
    with db.writing() as session:
        access = require(session, actor, workspace_id, Role.editor)
        record = access.workspace
        workspace = workspace_of(record, [])
        taken = maps.taken_ids(session, access)
        for kind in elements.WORKSPACE_KINDS:
            current: list[Element] = getattr(workspace, kind)
            for item in getattr(source, kind):
                if item.id in taken:
                    reused[kind].append(item.id)
                else:
                    current.append(item)
                    added[kind].append(item.id)
                    taken.add(item.id)
        original_id = journey.id
        if name is not None or not original_id or original_id in taken:
            journey.id = maps.free_id(journey.name, taken)
        for evidence in workspace.evidence:
            if evidence.id in added["evidence"]:
                evidence.links = [
                    journey.id if link == original_id else link for link in evidence.links
                ]
        if any(added.values()):
            what = f"added {_listing(added)} for a map from template '{template}'"
            # Checked with the new map and stand-ins for the others (evidence may link to maps).
            others = session.scalars(
                select(MapRecord.map_id).where(MapRecord.workspace_id == workspace_id)
            )
            stand_ins = [JourneyMap(id=other, name=other) for other in others]
            elements.ensure_integrity(
                workspace.model_copy(update={"maps": [*stand_ins, journey]}), what
            )
            _store_workspace_document(session, record, workspace, actor, what)
        created = maps.add_map_record(
            session, access, journey, f"created map '{journey.name}' from template '{template}'"
        )
        state = maps.MapState(workspace_id, created.revision, journey, created.updated_at)
        revision = record.revision
    return FromTemplate(state, template, added, reused, revision)


def _listing(ids: dict[str, list[str]]) -> str:
    return "; ".join(f"{kind} {', '.join(found)}" for kind, found in ids.items() if found)


def _store_workspace_document(
    session: Session,
    record: WorkspaceRecord,
    workspace: Workspace,
    actor: Actor,
    summary: str,
    based_on: int | None = None,
) -> int:
    """Write the workspace's document as its next revision, within `session`'s transaction.

    When another writer got in first (PostgreSQL), a write based on a revision the caller
    named is refused as stale (409 with the changes since); otherwise with a Conflict.
    """
    number = record.revision + 1
    document = workspace_document(workspace)
    now = utcnow()
    name = workspace.name[:300]
    done = session.execute(
        update(WorkspaceRecord)
        .where(WorkspaceRecord.id == record.id, WorkspaceRecord.revision == record.revision)
        .values(document=document, revision=number, name=name, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if rowcount(done) != 1:
        if based_on is not None:
            session.refresh(record)
            _check_revision(session, record, based_on)
        raise Conflict("the workspace changed at the same moment; nothing was changed: try again")
    for key, value in (
        ("document", document),
        ("revision", number),
        ("name", name),
        ("updated_at", now),
    ):
        set_committed_value(record, key, value)
    session.add(
        WorkspaceRevision(
            workspace_id=record.id,
            number=number,
            document=document,
            author_id=actor.account_id,
            summary=summary[:500],
            created_at=now,
        )
    )
    return number


# --- members --------------------------------------------------------------------------------------


def _member_dict(account: Account, role: str, since: dt.datetime) -> dict[str, Any]:
    return {
        "account": account.id,
        "name": account.name,
        "email": account.email,
        "role": role,
        "since": maps.iso(since),
    }


def list_members(db: Database, actor: Actor, workspace_id: str) -> list[dict[str, Any]]:
    """The workspace's members and their roles."""
    with db.reading() as session:
        require(session, actor, workspace_id, Role.viewer)
        rows = session.execute(
            select(Account, Member.role, Member.created_at)
            .join(Member, Member.account_id == Account.id)
            .where(Member.workspace_id == workspace_id)
            .order_by(Member.created_at, Account.email)
        ).all()
    return [_member_dict(account, role, since) for account, role, since in rows]


@dataclass
class Invitation:
    """A member added: the member, and a one-time sign-in link secret for a new account."""

    member: dict[str, Any]
    sign_in_token: str | None


def add_member(
    db: Database,
    actor: Actor,
    workspace_id: str,
    email: str,
    role: str,
    *,
    name: str | None = None,
    link_lifetime: dt.timedelta = dt.timedelta(days=7),
) -> Invitation:
    """Give an account a role in the workspace (owners only).

    An address without an account gets a new account and a one-time sign-in link, which
    the owner passes on; the account sets its own password after signing in.
    """
    wanted = Role.parse(role)
    with db.writing() as session:
        require(session, actor, workspace_id, Role.owner)
        account = find_account(session, email)
        token = None
        if account is None:
            account = create_account(session, email, name)
            token = create_sign_in_link(session, account, link_lifetime)
        if session.get(Member, (workspace_id, account.id)) is not None:
            raise Conflict(
                f"{account.email} is already a member of this workspace (change the role with PATCH)"
            )
        member = Member(
            workspace_id=workspace_id, account_id=account.id, role=wanted.value, created_at=utcnow()
        )
        session.add(member)
        return Invitation(_member_dict(account, wanted.value, member.created_at), token)


def _owners(session: Session, workspace_id: str) -> int:
    return int(
        session.scalar(
            select(func.count()).where(
                Member.workspace_id == workspace_id, Member.role == Role.owner.value
            )
        )
        or 0
    )


def _member(session: Session, workspace_id: str, account_id: str) -> Member:
    member = session.get(Member, (workspace_id, account_id))
    if member is None:
        raise NotFound(f"account '{account_id}' is not a member of this workspace")
    return member


def change_role(
    db: Database, actor: Actor, workspace_id: str, account_id: str, role: str
) -> dict[str, Any]:
    """Change a member's role (owners only); the last owner cannot step down."""
    wanted = Role.parse(role)
    with db.writing() as session:
        require(session, actor, workspace_id, Role.owner)
        member = _member(session, workspace_id, account_id)
        if (
            member.role == Role.owner.value
            and wanted != Role.owner
            and _owners(session, workspace_id) == 1
        ):
            raise Conflict("the workspace needs at least one owner: make someone else owner first")
        member.role = wanted.value
        account = session.get(Account, account_id)
        assert account is not None
        return _member_dict(account, member.role, member.created_at)


def remove_member(db: Database, actor: Actor, workspace_id: str, account_id: str) -> None:
    """Remove a member (owners), or leave (anyone, for themselves); the last owner stays."""
    needed = Role.viewer if account_id == actor.account_id else Role.owner
    with db.writing() as session:
        access = require(session, actor, workspace_id, needed)
        if needed == Role.viewer and access.role != Role.owner and account_id != actor.account_id:
            raise PermissionDenied("only owners remove other members")
        member = _member(session, workspace_id, account_id)
        if member.role == Role.owner.value and _owners(session, workspace_id) == 1:
            raise Conflict("the workspace needs at least one owner: make someone else owner first")
        session.delete(member)
