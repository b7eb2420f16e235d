"""Read-only share links to one map: they expire, may need a password, and can be revoked.

A share link shows its map as every view shows it (assembled: store.assembled), with the
personas and segment the map names, and nothing else; the link's secret is shown once, at creation, and only its hash is stored.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from journeyline.errors import Diagnostic, InvalidInput, NotFound
from journeyline.model import JourneyMap, Workspace
from journeyline.store.access import Actor, Role, require
from journeyline.store.accounts import hash_password, hash_secret, verify_password
from journeyline.store.assembled import assemble, read_tallies
from journeyline.store.database import Database
from journeyline.store.documents import map_workspace, workspace_of
from journeyline.store.errors import ShareLinkLocked
from journeyline.store.maps import journey_of, map_record
from journeyline.store.revisions import iso
from journeyline.store.tables import MapRecord, ShareLink, WorkspaceRecord, new_id, utcnow

SHARE_PREFIX = "s_"


def _link_dict(link: ShareLink, map_id: str) -> dict[str, Any]:
    now = utcnow()
    state = "active"
    if link.revoked_at is not None:
        state = "revoked"
    elif link.expires_at is not None and link.expires_at <= now:
        state = "expired"
    return {
        "id": link.id,
        "map": map_id,
        "label": link.label,
        "has_password": link.password_hash is not None,
        "expires_at": iso(link.expires_at),
        "revoked_at": iso(link.revoked_at),
        "state": state,
        "created_by": link.created_by,
        "created_at": iso(link.created_at),
    }


def create_share_link(
    db: Database,
    actor: Actor,
    workspace_id: str,
    map_id: str,
    *,
    label: str = "",
    expires_at: dt.datetime | None = None,
    password: str | None = None,
) -> tuple[dict[str, Any], str]:
    """A new read-only link to the map (editors): its description and its secret token."""
    now = utcnow()
    if expires_at is not None:
        if expires_at.tzinfo is not None:
            expires_at = expires_at.astimezone(dt.UTC).replace(tzinfo=None)
        if expires_at <= now:
            raise InvalidInput(
                "the expiry time is in the past", [Diagnostic("expires_at is in the past")]
            )
    if password is not None and len(password) < 6:
        raise InvalidInput("a share link's password needs at least 6 characters")
    token = SHARE_PREFIX + secrets.token_urlsafe(24)
    with db.writing() as session:
        require(session, actor, workspace_id, Role.editor)
        record = map_record(session, workspace_id, map_id)
        link = ShareLink(
            id=new_id("l"),
            map_pk=record.pk,
            token_hash=hash_secret(token),
            label=label.strip()[:200],
            password_hash=hash_password(password) if password else None,
            expires_at=expires_at,
            created_by=actor.account_id,
            created_at=now,
        )
        session.add(link)
        return _link_dict(link, map_id), token


def list_share_links(
    db: Database, actor: Actor, workspace_id: str, map_id: str
) -> list[dict[str, Any]]:
    """The map's share links (never their secrets), newest first."""
    with db.reading() as session:
        require(session, actor, workspace_id, Role.editor)
        record = map_record(session, workspace_id, map_id)
        links = session.scalars(
            select(ShareLink)
            .where(ShareLink.map_pk == record.pk)
            .order_by(ShareLink.created_at.desc())
        ).all()
        return [_link_dict(link, map_id) for link in links]


def revoke_share_link(
    db: Database, actor: Actor, workspace_id: str, map_id: str, link_id: str
) -> dict[str, Any]:
    """Stop a share link from working, at once."""
    with db.writing() as session:
        require(session, actor, workspace_id, Role.editor)
        record = map_record(session, workspace_id, map_id)
        link = session.scalar(
            select(ShareLink).where(ShareLink.id == link_id, ShareLink.map_pk == record.pk)
        )
        if link is None:
            raise NotFound(f"share link '{link_id}' does not exist on this map")
        if link.revoked_at is None:
            link.revoked_at = utcnow()
        return _link_dict(link, map_id)


@dataclass
class SharedMap:
    """What a share link shows: one map, and the personas and segment it names."""

    journey: JourneyMap
    workspace: Workspace
    revision: int
    label: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form (nothing of the workspace beyond what the map names)."""
        segment = self.workspace.segment(self.journey.segment) if self.journey.segment else None
        return {
            "label": self.label,
            "revision": self.revision,
            "map": self.journey.model_dump(mode="json"),
            "personas": [
                p.model_dump(mode="json") for p in self.workspace.personas_of(self.journey)
            ],
            "segment": segment.model_dump(mode="json") if segment else None,
            "lanes": [lane.model_dump(mode="json") for lane in self.workspace.lanes],
        }


def _valid_link(
    session: Session, token: str, password: str | None, *, password_is: str
) -> tuple[ShareLink, MapRecord, WorkspaceRecord]:
    """The link, its map and workspace; NotFound when unknown, revoked or expired,
    ShareLinkLocked without the right password (`password_is`: how to send it)."""
    gone = NotFound("this share link is not valid (it does not exist, was revoked, or has expired)")
    row = session.execute(
        select(ShareLink, MapRecord, WorkspaceRecord)
        .join(MapRecord, MapRecord.pk == ShareLink.map_pk)
        .join(WorkspaceRecord, WorkspaceRecord.id == MapRecord.workspace_id)
        .where(ShareLink.token_hash == hash_secret(token))
    ).first()
    if row is None:
        raise gone
    link, record, workspace_record = row
    if link.revoked_at is not None or (link.expires_at is not None and link.expires_at <= utcnow()):
        raise gone
    if link.password_hash is not None:
        if not password:
            raise ShareLinkLocked(f"this share link needs a password (send it as {password_is})")
        if not verify_password(link.password_hash, password):
            raise ShareLinkLocked("wrong password for this share link")
    return link, record, workspace_record


def share_link_map(db: Database, token: str, password: str | None = None) -> tuple[str, str]:
    """The (workspace id, map id) a share link shows, for watching it live; errors as
    `open_share_link`."""
    with db.reading() as session:
        _, record, _ = _valid_link(session, token, password, password_is="share_password")
        return record.workspace_id, record.map_id


def open_share_link(db: Database, token: str, password: str | None = None) -> SharedMap:
    """The map behind a share link; NotFound when it is unknown, revoked or expired."""
    with db.reading() as session:
        link, record, workspace_record = _valid_link(
            session, token, password, password_is="X-Share-Password"
        )
        tallies = read_tallies(session, record.workspace_id, record.map_id, None)
        journey = assemble(journey_of(db, record, copy=False), tallies)
        # Only what the map names: its personas, its segment and its custom lanes.
        scoped = map_workspace(workspace_of(workspace_record, [], editable=False), journey)
        scoped.id, scoped.name, scoped.analysis = "", "", {}
        return SharedMap(journey, scoped, record.revision, link.label)
