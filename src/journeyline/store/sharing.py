"""Read-only share links to one map: they expire, may need a password, and can be revoked.

A share link shows its map as every view shows it (assembled: store.assembled), with the
personas and segment the map names, and nothing else.

A link's token is derived from the server's secret and the link's id
(`link_token`: HMAC-SHA-256), so an editor can copy a link again while the database keeps
only the token's SHA-256. A visitor's token is looked up by its SHA-256, so how long the
lookup takes tells nothing about the token. Links made before tokens were derived (a
random token, never stored) keep working but cannot be copied again: `copy_share_link`
says so, and a new link is the way to get one.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
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
from journeyline.store.maps import journey_of, live_behind, map_record, settle_live
from journeyline.store.revisions import iso
from journeyline.store.tables import MapRecord, ShareLink, WorkspaceRecord, new_id, utcnow

SHARE_PREFIX = "s_"

MAX_FRAME_ANCESTORS = 500

_SOURCE = re.compile(
    r"""(?ix)
    \*                                           # any site
    | 'self' | 'none'
    | [a-z][a-z0-9+.-]*:                          # a scheme: https:
    | (?:[a-z][a-z0-9+.-]*://)?                   # a host, with an optional scheme,
      (?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*       # wildcard subdomains,
      (?::(?:[0-9]{1,5}|\*))?                     # port
      (?:/[a-z0-9._~!$&()*+=:@%/-]*)?             # and path
    """
)


def frame_ancestors_sources(text: str, *, where: str = "frame_ancestors") -> str:
    """A CSP `frame-ancestors` source list, checked and normalised (single spaces).

    Sources: `'self'`, `'none'` (alone), `*`, a scheme (`https:`) or a host
    (`https://wiki.example.org`, `*.example.org:8443`); anything else (quotes, `;`, `,`,
    line breaks) is refused, so the value cannot add a directive to the policy.
    """
    sources = text.split(" ")
    sources = [source for source in sources if source]
    if any(ch in text for ch in "\r\n\t\v\f"):
        raise InvalidInput(f"{where}: give the sources on one line, separated by spaces")
    if not sources:
        raise InvalidInput(f"{where} is empty: give 'none', 'self' or the sites that may embed it")
    if len(text) > MAX_FRAME_ANCESTORS:
        raise InvalidInput(f"{where} can be at most {MAX_FRAME_ANCESTORS} characters long")
    for source in sources:
        if not _SOURCE.fullmatch(source):
            raise InvalidInput(
                f"{where}: '{source}' is not a frame-ancestors source",
                [
                    Diagnostic(
                        f"bad source '{source}'",
                        hint="use 'self', 'none', https: or a site such as https://wiki.example.org",
                    )
                ],
            )
    if "'none'" in (s.lower() for s in sources) and len(sources) > 1:
        raise InvalidInput(f"{where}: 'none' cannot be combined with other sources")
    return " ".join(sources)


def link_token(key: bytes, link_id: str) -> str:
    """The token of the share link `link_id`: HMAC-SHA-256 of its id under the server secret."""
    digest = hmac.new(key, b"share-link:" + link_id.encode("utf-8"), hashlib.sha256).digest()
    return SHARE_PREFIX + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


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
        "frame_ancestors": link.frame_ancestors,
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
    key: bytes,
    frame_ancestors: str | None = None,
) -> tuple[dict[str, Any], str]:
    """A new read-only link to the map (editors): its description and its token (derived
    from `key`, the server secret); `frame_ancestors`: who may embed it (None: the server's
    setting)."""
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
    framing = frame_ancestors_sources(frame_ancestors) if frame_ancestors is not None else None
    link_id = new_id("l")
    token = link_token(key, link_id)
    with db.writing() as session:
        require(session, actor, workspace_id, Role.editor)
        record = map_record(session, workspace_id, map_id)
        link = ShareLink(
            id=link_id,
            frame_ancestors=framing,
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


def _link(session: Session, record: MapRecord, link_id: str) -> ShareLink:
    link = session.scalar(
        select(ShareLink).where(ShareLink.id == link_id, ShareLink.map_pk == record.pk)
    )
    if link is None:
        raise NotFound(f"share link '{link_id}' does not exist on this map")
    return link


NOT_COPYABLE = (
    "this link was made before links could be copied again (or under another server "
    "secret), so the server cannot show it; make a new link to copy, and revoke this one "
    "if it is no longer needed"
)


def copy_share_link(
    db: Database, actor: Actor, workspace_id: str, map_id: str, link_id: str, *, key: bytes
) -> tuple[dict[str, Any], str | None]:
    """A share link again, with its token (editors): None, with `copy_note` saying why,
    when the link's token cannot be derived (made before derived tokens, or under another
    secret); a revoked or expired link has no token to copy either."""
    with db.reading() as session:
        require(session, actor, workspace_id, Role.editor)
        record = map_record(session, workspace_id, map_id)
        link = _link(session, record, link_id)
        info = _link_dict(link, map_id)
        token = link_token(key, link.id)
        if not hmac.compare_digest(hash_secret(token), link.token_hash):
            return info | {"copyable": False, "copy_note": NOT_COPYABLE}, None
        if info["state"] != "active":
            note = f"this link is {info['state']}: it no longer opens the map; make a new one"
            return info | {"copyable": False, "copy_note": note}, None
        return info | {"copyable": True, "copy_note": None}, token


def change_share_link(
    db: Database,
    actor: Actor,
    workspace_id: str,
    map_id: str,
    link_id: str,
    *,
    label: str | None = None,
    frame_ancestors: str | None = None,
    clear_frame_ancestors: bool = False,
) -> dict[str, Any]:
    """Change a link's label or who may embed it (editors)."""
    framing = frame_ancestors_sources(frame_ancestors) if frame_ancestors is not None else None
    with db.writing() as session:
        require(session, actor, workspace_id, Role.editor)
        record = map_record(session, workspace_id, map_id)
        link = _link(session, record, link_id)
        if label is not None:
            link.label = label.strip()[:200]
        if framing is not None:
            link.frame_ancestors = framing
        elif clear_frame_ancestors:
            link.frame_ancestors = None
        return _link_dict(link, map_id)


def share_link_framing(db: Database, token: str) -> str | None:
    """Who may embed the page of this share link: its own `frame_ancestors`, or None (the
    server's setting applies; also for an unknown, revoked or expired token)."""
    with db.reading() as session:
        return session.scalar(
            select(ShareLink.frame_ancestors).where(
                ShareLink.token_hash == hash_secret(token), ShareLink.revoked_at.is_(None)
            )
        )


def revoke_share_link(
    db: Database, actor: Actor, workspace_id: str, map_id: str, link_id: str
) -> dict[str, Any]:
    """Stop a share link from working, at once."""
    with db.writing() as session:
        require(session, actor, workspace_id, Role.editor)
        record = map_record(session, workspace_id, map_id)
        link = _link(session, record, link_id)
        if link.revoked_at is None:
            link.revoked_at = utcnow()
        revoked = _link_dict(link, map_id)
    db.grants_changed()
    return revoked


@dataclass
class SharedMap:
    """What a share link shows: one map, and the personas and segment it names."""

    journey: JourneyMap
    workspace: Workspace
    revision: int
    label: str
    workspace_id: str = ""
    """The map's workspace id (not shown: the files its map names and the Measured lane's
    snapshot are found by it)."""
    measured: dict[str, Any] | None = None
    """The map's Measured lane as last measured (the lane's JSON, public keys only), or None."""
    shared_by: str = ""
    """The account that made the link (not shown): a stale Measured lane is measured again
    in its name, with its access to the workspace."""

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
            "measured": self.measured,
        }


def _valid_link(
    session: Session, token: str, password: str | None, *, password_is: str, unlocked: bool = False
) -> tuple[ShareLink, MapRecord, WorkspaceRecord]:
    """The link, its map and workspace; NotFound when unknown, revoked or expired,
    ShareLinkLocked without the right password (`password_is`: how to send it) unless
    `unlocked` (the caller holds proof the password was given: a signed file address)."""
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
    if link.password_hash is not None and not unlocked:
        if not password:
            raise ShareLinkLocked(f"this share link needs a password (send it as {password_is})")
        if not verify_password(link.password_hash, password):
            raise ShareLinkLocked("wrong password for this share link")
    return link, record, workspace_record


def share_link_map(
    db: Database, token: str, password: str | None = None, *, password_is: str = "share_password"
) -> tuple[str, str]:
    """The (workspace id, map id) a share link shows, for watching it live; errors as
    `open_share_link` (`password_is`: how the live connection sends the password)."""
    with db.reading() as session:
        _, record, _ = _valid_link(session, token, password, password_is=password_is)
        return record.workspace_id, record.map_id


def share_link_map_pk(db: Database, token: str) -> int:
    """The key of the map a share link shows, for checking again that a live connection it
    let in may stay (its password was checked then); NotFound once it is not valid."""
    with db.reading() as session:
        _, record, _ = _valid_link(session, token, None, password_is="", unlocked=True)
        return record.pk


def open_share_link(
    db: Database, token: str, password: str | None = None, *, unlocked: bool = False
) -> SharedMap:
    """The map behind a share link; NotFound when it is unknown, revoked or expired
    (`unlocked`: as `_valid_link`). A map open live in this process is read with every
    edit applied so far."""
    for attempt in range(2):
        with db.reading() as session:
            link, record, workspace_record = _valid_link(
                session, token, password, password_is="X-Share-Password", unlocked=unlocked
            )
            if attempt == 0 and live_behind(db, record.pk):
                pk = record.pk
            else:
                return _shown(db, session, link, record, workspace_record)
        settle_live(db, pk)  # outside the read: then read again
    raise AssertionError("unreachable: the second attempt always returns")


def _shown(
    db: Database,
    session: Session,
    link: ShareLink,
    record: MapRecord,
    workspace_record: WorkspaceRecord,
) -> SharedMap:
    tallies = read_tallies(session, record.workspace_id, record.map_id, None)
    journey = assemble(journey_of(db, record, copy=False), tallies)
    # Only what the map names: its personas, its segment and its custom lanes.
    scoped = map_workspace(workspace_of(workspace_record, [], editable=False), journey)
    scoped.id, scoped.name, scoped.analysis = "", "", {}
    return SharedMap(
        journey,
        scoped,
        record.revision,
        link.label,
        record.workspace_id,
        shared_by=link.created_by or "",
    )
