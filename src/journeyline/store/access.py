"""Who may do what in a workspace: the four roles and the check every operation makes first.

An account that is not a member of a workspace is told the workspace does not exist
(never "forbidden"), so ids of other organisations' workspaces reveal nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from journeyline.errors import Diagnostic, NotFound, UsageError
from journeyline.store.errors import PermissionDenied
from journeyline.store.tables import Member, WorkspaceRecord


class Role(StrEnum):
    """A member's role in one workspace, from the least to the most it may do.

    viewer reads; commenter also comments and votes; editor also changes maps, personas
    and segments, imports and shares; owner also manages members and deletes the workspace.
    """

    viewer = "viewer"
    commenter = "commenter"
    editor = "editor"
    owner = "owner"

    @property
    def rank(self) -> int:
        """0 for viewer … 3 for owner."""
        return list(Role).index(self)

    def allows(self, needed: Role) -> bool:
        """True when this role may do what `needed` may do."""
        return self.rank >= needed.rank

    @classmethod
    def parse(cls, value: str) -> Role:
        """The role called `value`; UsageError naming the four roles otherwise."""
        try:
            return cls(value)
        except ValueError:
            names = ", ".join(role.value for role in cls)
            raise UsageError(
                f"unknown role '{value}' (roles: {names})",
                [Diagnostic(f"unknown role '{value}'", hint=f"use one of: {names}")],
            ) from None


WHAT_ROLE_ALLOWS = {
    Role.viewer: "read",
    Role.commenter: "comment and vote",
    Role.editor: "edit",
    Role.owner: "manage members of",
}


@dataclass(frozen=True)
class Actor:
    """The signed-in account a request acts for."""

    account_id: str
    name: str
    email: str = ""
    is_admin: bool = False
    guest_of: str | None = None
    """A workshop guest: the one workshop (and its map) this account may reach; None for people."""


@dataclass(frozen=True)
class Access:
    """A workspace an actor may use, with the actor's role in it."""

    workspace: WorkspaceRecord
    role: Role
    actor: Actor


def workspace_not_found(workspace_id: str) -> NotFound:
    """The one answer for a workspace that does not exist or that the actor cannot see."""
    return NotFound(
        f"workspace '{workspace_id}' does not exist",
        [
            Diagnostic(
                f"workspace '{workspace_id}' does not exist",
                hint="list yours with GET /api/workspaces",
            )
        ],
    )


def require(
    session: Session, actor: Actor, workspace_id: str, needed: Role, *, map_id: str | None = None
) -> Access:
    """The workspace and the actor's role, if the actor's role allows `needed`.

    NotFound when the workspace does not exist or the actor is not a member (the same
    answer, on purpose); PermissionDenied when the actor's role is too low. A workshop's
    guest is a member of nothing: it passes only where the caller names the workshop's
    map (`map_id`), while the workshop runs (see `guest_access`).
    """
    if actor.guest_of is not None:
        return guest_access(session, actor, workspace_id, needed, map_id)
    row = session.execute(
        select(WorkspaceRecord, Member.role)
        .join(Member, Member.workspace_id == WorkspaceRecord.id)
        .where(WorkspaceRecord.id == workspace_id, Member.account_id == actor.account_id)
    ).first()
    if row is None:
        raise workspace_not_found(workspace_id)
    workspace, role_name = row
    role = Role(role_name)
    if not role.allows(needed):
        raise PermissionDenied(
            f"your role in this workspace is {role.value}; to {WHAT_ROLE_ALLOWS[needed]} it "
            f"you need to be {'an' if needed.value[0] in 'aeiou' else 'a'} {needed.value} "
            "(ask an owner of the workspace)"
        )
    return Access(workspace=workspace, role=role, actor=actor)


def guest_access(
    session: Session, actor: Actor, workspace_id: str, needed: Role, map_id: str | None
) -> Access:
    """What a workshop guest may do with `map_id`: edit it (live) unless the facilitator locked
    editing, else comment and vote. Anything else, another map, or a workshop that ended, is
    answered as an outsider is: the workspace does not exist."""
    from journeyline.store.tables import MapRecord
    from journeyline.store.workshop_tables import WorkshopRecord

    row = None
    if map_id is not None:
        row = session.execute(
            select(WorkshopRecord.locked, WorkspaceRecord)
            .join(MapRecord, MapRecord.pk == WorkshopRecord.map_pk)
            .join(WorkspaceRecord, WorkspaceRecord.id == WorkshopRecord.workspace_id)
            .where(
                WorkshopRecord.id == actor.guest_of,
                WorkshopRecord.workspace_id == workspace_id,
                WorkshopRecord.status != "ended",
                MapRecord.map_id == map_id,
            )
        ).first()
    if row is None:
        raise workspace_not_found(workspace_id)
    locked, workspace = row
    role = Role.commenter if locked else Role.editor
    if not role.allows(needed):
        raise PermissionDenied(
            "as a guest of this workshop you can read, comment and vote on its map; "
            + (
                "the facilitator has locked editing"
                if locked
                else "ask a member to make this change"
            )
        )
    return Access(workspace=workspace, role=role, actor=actor)
