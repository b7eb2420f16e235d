"""@mentions in comments and the notifications they leave for the people mentioned.

A mention is `@` followed by a workspace member's name or e-mail address (any case), at
the start of the text or after a character that is not a letter, digit or `_`, and not
followed by one (so `@Ann` does not mention "Anna"); the longest name that fits wins, so
`@Priya Shah` mentions Priya Shah rather than a member called Priya. What this means:

- Only members are mentioned: `@someone` who is not a member of the workspace stays plain
  text and nobody is told (the comment is posted all the same); the API's answer lists
  who was notified (`mentioned`), so a person can see their mention reached no one.
- Viewers cannot comment, so they cannot mention anyone; they can be mentioned (they
  read the map and its comments). Mentioning yourself notifies nobody.
- Editing a comment notifies only the people it mentions that it did not before.
- A notification is seen only while its reader is still a member of the workspace; it
  goes when its comment, map or account goes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, aliased

from journeyline.errors import NotFound
from journeyline.model import JourneyMap
from journeyline.store import elements
from journeyline.store.access import Actor
from journeyline.store.database import Database
from journeyline.store.maps import journey_of
from journeyline.store.revisions import iso
from journeyline.store.tables import (
    Account,
    Comment,
    MapRecord,
    Member,
    Notification,
    WorkspaceRecord,
    new_id,
    utcnow,
)

MAX_LISTED = 100
"""The most notifications one read returns (newest first)."""

EXCERPT_LENGTH = 280


@dataclass(frozen=True)
class Person:
    """A workspace member a comment may mention."""

    account_id: str
    name: str
    email: str
    role: str = "viewer"


def _word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def find_mentions(text: str, members: Sequence[Person]) -> list[Person]:
    """The members `text` mentions, in the order first mentioned (each once).

    See the module docstring for the rule.
    """
    candidates = sorted(
        ((key.casefold(), person) for person in members for key in (person.name, person.email)),
        key=lambda pair: -len(pair[0]),
    )
    candidates = [(key, person) for key, person in candidates if key]
    folded = text.casefold()
    found: dict[str, Person] = {}
    at = folded.find("@")
    while at != -1:
        if at == 0 or not _word(folded[at - 1]):
            start = at + 1
            for key, person in candidates:
                end = start + len(key)
                if folded.startswith(key, start) and (end == len(folded) or not _word(folded[end])):
                    found.setdefault(person.account_id, person)
                    break
        at = folded.find("@", at + 1)
    return list(found.values())


def workspace_people(session: Session, workspace_id: str) -> list[Person]:
    """Every member of the workspace, as a mention may name them."""
    rows = session.execute(
        select(Account.id, Account.name, Account.email, Member.role)
        .join(Member, Member.account_id == Account.id)
        .where(Member.workspace_id == workspace_id)
        .order_by(Account.name, Account.email)
    ).all()
    return [Person(account_id, name, email, role) for account_id, name, email, role in rows]


@dataclass(frozen=True)
class MentionNotice:
    """One person told about one mention: what an e-mail about it says."""

    recipient: Person
    author: str
    workspace_name: str
    map_id: str
    map_name: str
    target: str | None
    target_name: str
    body: str
    path: str
    """Where the comment is in the app, from the server's root: `/w/…/maps/…?element=…`."""


def element_name(journey: JourneyMap, target: str | None) -> str:
    """How people call the element a comment is on: "step 'Sign up'", or "the map"."""
    if target is None or target == journey.id:
        return "the map"
    for kind in elements.MAP_KINDS.values():
        for element in elements.list_map_elements(journey, kind):
            if element.id == target:
                name = getattr(element, "name", None) or getattr(element, "summary", None)
                return f"{kind.label} '{name or target}'"
    return f"'{target}'"


def comment_path(workspace_id: str, map_id: str, target: str | None, comment_id: str) -> str:
    """The app's address of a comment: the board with the element's panel open."""
    query: dict[str, str] = {"comment": comment_id}
    if target is not None:
        query["element"] = target
    return f"/w/{quote(workspace_id, safe='')}/maps/{quote(map_id, safe='')}?{urlencode(query)}"


def notify_mentions(
    db: Database,
    session: Session,
    actor: Actor,
    record: MapRecord,
    workspace_name: str,
    comment: Comment,
    *,
    already: Iterable[str] = (),
) -> list[MentionNotice]:
    """Notifications for the members `comment` mentions (not the author, not `already`)."""
    people = workspace_people(session, record.workspace_id)
    skip = {actor.account_id, *already}
    mentioned = [p for p in find_mentions(comment.body, people) if p.account_id not in skip]
    if not mentioned:
        return []
    journey = journey_of(db, record, copy=False)
    target_name = element_name(journey, comment.target)
    path = comment_path(record.workspace_id, record.map_id, comment.target, comment.id)
    now = utcnow()
    notices = []
    for person in mentioned:
        session.add(
            Notification(
                id=new_id("n"),
                account_id=person.account_id,
                kind="mention",
                comment_id=comment.id,
                actor_id=actor.account_id,
                created_at=now,
            )
        )
        notices.append(
            MentionNotice(
                recipient=person,
                author=actor.name,
                workspace_name=workspace_name,
                map_id=record.map_id,
                map_name=record.name,
                target=comment.target,
                target_name=target_name,
                body=comment.body,
                path=path,
            )
        )
    return notices


def mentioned_before(session: Session, comment_id: str) -> set[str]:
    """The accounts a comment has already notified."""
    return set(
        session.scalars(
            select(Notification.account_id).where(Notification.comment_id == comment_id)
        ).all()
    )


def _visible(actor: Actor) -> Any:
    """Notifications of the actor whose workspace they are still a member of."""
    return (
        select(Notification)
        .join(Comment, Comment.id == Notification.comment_id)
        .join(MapRecord, MapRecord.pk == Comment.map_pk)
        .join(
            Member,
            (Member.workspace_id == MapRecord.workspace_id)
            & (Member.account_id == Notification.account_id),
        )
        .where(Notification.account_id == actor.account_id)
    )


def _excerpt(body: str) -> str:
    text = " ".join(body.split())
    return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1] + "…"


def list_notifications(
    db: Database, actor: Actor, *, unread_only: bool = False, limit: int = 50
) -> dict[str, Any]:
    """The actor's notifications, newest first (at most `limit`), and how many are unread."""
    limit = max(1, min(limit, MAX_LISTED))
    author = aliased(Account)
    with db.reading() as session:
        base = _visible(actor)
        unread = session.scalar(
            select(func.count()).select_from(base.where(Notification.read_at.is_(None)).subquery())
        )
        query = (
            base.add_columns(Comment, MapRecord, WorkspaceRecord.name, author.name)
            .join(WorkspaceRecord, WorkspaceRecord.id == MapRecord.workspace_id)
            .outerjoin(author, author.id == Notification.actor_id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
        if unread_only:
            query = query.where(Notification.read_at.is_(None))
        items = []
        journeys: dict[int, JourneyMap] = {}
        for note, comment, record, workspace_name, by in session.execute(query).all():
            if record.pk not in journeys:
                journeys[record.pk] = journey_of(db, record, copy=False)
            items.append(
                {
                    "id": note.id,
                    "kind": note.kind,
                    "read": note.read_at is not None,
                    "created_at": iso(note.created_at),
                    "by": by,
                    "workspace": {"id": record.workspace_id, "name": workspace_name},
                    "map": {"id": record.map_id, "name": record.name},
                    "comment": comment.id,
                    "target": comment.target,
                    "target_name": element_name(journeys[record.pk], comment.target),
                    "excerpt": _excerpt(comment.body),
                    "resolved": comment.resolved,
                    "path": comment_path(
                        record.workspace_id, record.map_id, comment.target, comment.id
                    ),
                }
            )
    return {"unread": int(unread or 0), "items": items}


def mark_read(
    db: Database, actor: Actor, notification_ids: Sequence[str] | None, *, read: bool = True
) -> dict[str, Any]:
    """Mark some of the actor's notifications (all of them when `notification_ids` is None)
    read, or unread again; NotFound names an id that is not the actor's."""
    with db.writing() as session:
        visible = {
            note.id: note
            for note in session.scalars(
                _visible(actor)
                if notification_ids is None
                else _visible(actor).where(Notification.id.in_(list(notification_ids)))
            ).all()
        }
        if notification_ids is not None:
            for wanted in notification_ids:
                if wanted not in visible:
                    raise NotFound(f"notification '{wanted}' does not exist (or is not yours)")
        when: dt.datetime | None = utcnow() if read else None
        ids = list(visible)
        if ids:
            session.execute(
                update(Notification)
                .where(Notification.id.in_(ids))
                .where(Notification.read_at.is_(None) if read else Notification.read_at.isnot(None))
                .values(read_at=when)
            )
    return {"changed": len(ids)}
