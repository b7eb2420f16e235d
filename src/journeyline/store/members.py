"""A workspace's members: who is in it with which role, invitations, leaving.

Owners add and remove members and change roles; a workspace always keeps one owner.
Roles and what they allow are in `journeyline.store.access`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from journeyline.errors import NotFound
from journeyline.store.access import Actor, Role, require
from journeyline.store.accounts import create_account, create_sign_in_link, find_account
from journeyline.store.database import Database
from journeyline.store.errors import Conflict, PermissionDenied
from journeyline.store.revisions import iso
from journeyline.store.tables import Account, Member, utcnow


def _member_dict(account: Account, role: str, since: dt.datetime) -> dict[str, Any]:
    return {
        "account": account.id,
        "name": account.name,
        "email": account.email,
        "role": role,
        "since": iso(since),
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
        changed = _member_dict(account, member.role, member.created_at)
    db.grants_changed()
    return changed


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
    db.grants_changed()
