"""First run: an owner account, a demo workspace from the templates, and a one-time sign-in link.

There is no default password: the owner signs in through the printed link and sets a
password afterwards (or keeps using links and API tokens). Running it again creates
nothing new; it only issues a fresh sign-in link for the owner.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from journeyline.store import accounts, workspaces
from journeyline.store.database import Database
from journeyline.store.tables import Account

DEFAULT_OWNER_EMAIL = "owner@localhost"


@dataclass(frozen=True)
class FirstRun:
    """What `setup` did: who the owner is, the demo workspace (when made) and the link secret."""

    owner_email: str
    created_owner: bool
    workspace_id: str | None
    sign_in_token: str


def first_run(
    db: Database,
    *,
    email: str | None = None,
    name: str = "Owner",
    demo: bool = True,
    link_lifetime: dt.timedelta = dt.timedelta(hours=24),
) -> FirstRun:
    """Create the owner and the demo workspace on an empty database; always return a fresh sign-in link.

    With accounts already there, the link is for `email` (default: the first administrator).
    """
    if accounts.count_accounts(db) == 0:
        address = email or DEFAULT_OWNER_EMAIL
        with db.writing() as session:
            owner = accounts.create_account(session, address, name, is_admin=True)
            actor = accounts.actor_of(owner)
        workspace_id = None
        if demo:
            from journeyline.demo import merge_templates

            workspace, _ = merge_templates()
            workspace_id = workspaces.create_workspace(db, actor, source=workspace)["id"]
        token = accounts.issue_sign_in_link(db, address, link_lifetime)
        return FirstRun(owner.email, True, workspace_id, token)
    with db.reading() as session:
        if email is None:
            admin = session.scalar(
                select(Account).where(Account.is_admin.is_(True)).order_by(Account.created_at)
            )
            address = admin.email if admin else session.scalars(select(Account.email)).first() or ""
        else:
            address = email
    token = accounts.issue_sign_in_link(db, address, link_lifetime)
    return FirstRun(accounts.normalise_email(address), False, None, token)
