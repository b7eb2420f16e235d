"""Comments and dot votes on a map and its elements: the collaboration record.

Commenters and above may comment and vote; a comment's text is changed only by its
author; its author or an editor may resolve or delete it. A vote is one account's dot
on one element (an account votes for an element once).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from journeyline.errors import Diagnostic, InvalidInput, NotFound
from journeyline.model import JourneyMap
from journeyline.store import elements, notifications
from journeyline.store.access import Actor, Role, require
from journeyline.store.assembled import read_tallies
from journeyline.store.database import Database
from journeyline.store.errors import PermissionDenied
from journeyline.store.maps import journey_of, map_record
from journeyline.store.revisions import iso
from journeyline.store.tables import Account, Comment, MapRecord, Vote, new_id, utcnow

MAX_COMMENT_LENGTH = 10_000

MentionHook = Callable[[list[notifications.MentionNotice]], None]
"""Called after a comment that notified people is stored (e.g. to send them e-mail)."""


def _mentioned(notices: list[notifications.MentionNotice]) -> list[dict[str, str]]:
    return [{"account": n.recipient.account_id, "name": n.recipient.name} for n in notices]


def _tell(on_mention: MentionHook | None, notices: list[notifications.MentionNotice]) -> None:
    if on_mention is not None and notices:
        on_mention(notices)


def element_ids(journey: JourneyMap) -> set[str]:
    """Every id a comment or vote may point at: the map and each element in it."""
    ids = {journey.id}
    for kind in elements.MAP_KINDS.values():
        ids.update(e.id for e in elements.list_map_elements(journey, kind))
    return ids


def _check_target(db: Database, record: MapRecord, target: str | None) -> None:
    if target is None:
        return
    journey = journey_of(db, record, copy=False)
    if target not in element_ids(journey):
        known = sorted(element_ids(journey))
        raise InvalidInput(
            f"map '{record.map_id}' has no element '{target}'",
            [Diagnostic(f"unknown element '{target}'", hint=f"known: {', '.join(known[:10])}")],
        )


def _clean_body(body: str) -> str:
    text = body.strip()
    if not text:
        raise InvalidInput("a comment cannot be empty")
    if len(text) > MAX_COMMENT_LENGTH:
        raise InvalidInput(f"a comment can be at most {MAX_COMMENT_LENGTH} characters long")
    return text


def _comment_dict(comment: Comment, author: str | None) -> dict[str, Any]:
    return {
        "id": comment.id,
        "target": comment.target,
        "body": comment.body,
        "author": author,
        "author_id": comment.author_id,
        "resolved": comment.resolved,
        "created_at": iso(comment.created_at),
        "updated_at": iso(comment.updated_at),
    }


def list_comments(
    db: Database, actor: Actor, workspace_id: str, map_id: str, target: str | None = None
) -> list[dict[str, Any]]:
    """The map's comments, oldest first; only those on `target` when given."""
    with db.reading() as session:
        require(session, actor, workspace_id, Role.viewer, map_id=map_id)
        record = map_record(session, workspace_id, map_id)
        query = (
            select(Comment, Account.name)
            .outerjoin(Account, Account.id == Comment.author_id)
            .where(Comment.map_pk == record.pk)
            .order_by(Comment.created_at, Comment.id)
        )
        if target is not None:
            query = query.where(Comment.target == target)
        return [_comment_dict(comment, name) for comment, name in session.execute(query).all()]


def add_comment(
    db: Database,
    actor: Actor,
    workspace_id: str,
    map_id: str,
    body: str,
    target: str | None = None,
    *,
    on_mention: MentionHook | None = None,
) -> dict[str, Any]:
    """Comment on the map, or on one of its elements; the members it @mentions are
    notified (`notifications`), and `on_mention` is told once the comment is stored.
    `mentioned` in the answer: who was notified."""
    text = _clean_body(body)
    with db.writing() as session:
        access = require(session, actor, workspace_id, Role.commenter, map_id=map_id)
        record = map_record(session, workspace_id, map_id)
        _check_target(db, record, target)
        now = utcnow()
        comment = Comment(
            id=new_id("c"),
            map_pk=record.pk,
            target=target,
            author_id=actor.account_id,
            body=text,
            resolved=False,
            created_at=now,
            updated_at=now,
        )
        session.add(comment)
        session.flush()
        notices = notifications.notify_mentions(
            db, session, actor, record, access.workspace.name, comment
        )
        answer = _comment_dict(comment, actor.name) | {"mentioned": _mentioned(notices)}
    _tell(on_mention, notices)
    return answer


def _comment(session: Session, record: MapRecord, comment_id: str) -> Comment:
    comment = session.scalar(
        select(Comment).where(Comment.id == comment_id, Comment.map_pk == record.pk)
    )
    if comment is None:
        raise NotFound(f"comment '{comment_id}' does not exist on this map")
    return comment


def update_comment(
    db: Database,
    actor: Actor,
    workspace_id: str,
    map_id: str,
    comment_id: str,
    *,
    body: str | None = None,
    resolved: bool | None = None,
    on_mention: MentionHook | None = None,
) -> dict[str, Any]:
    """Change a comment's text (its author) or resolve/reopen it (its author or an editor).

    New text notifies the members it mentions that the comment had not notified before."""
    notices: list[notifications.MentionNotice] = []
    with db.writing() as session:
        access = require(session, actor, workspace_id, Role.commenter, map_id=map_id)
        record = map_record(session, workspace_id, map_id)
        comment = _comment(session, record, comment_id)
        mine = comment.author_id == actor.account_id
        if body is not None:
            if not mine:
                raise PermissionDenied("only the author of a comment can change its text")
            comment.body = _clean_body(body)
            notices = notifications.notify_mentions(
                db,
                session,
                actor,
                record,
                access.workspace.name,
                comment,
                already=notifications.mentioned_before(session, comment.id),
            )
        if resolved is not None:
            if not mine and not access.role.allows(Role.editor):
                raise PermissionDenied("only the author of a comment or an editor can resolve it")
            comment.resolved = resolved
        comment.updated_at = utcnow()
        author = session.get(Account, comment.author_id) if comment.author_id else None
        answer = _comment_dict(comment, author.name if author else None)
        answer["mentioned"] = _mentioned(notices)
    _tell(on_mention, notices)
    return answer


def delete_comment(
    db: Database, actor: Actor, workspace_id: str, map_id: str, comment_id: str
) -> None:
    """Delete a comment (its author or an editor)."""
    with db.writing() as session:
        access = require(session, actor, workspace_id, Role.commenter, map_id=map_id)
        record = map_record(session, workspace_id, map_id)
        comment = _comment(session, record, comment_id)
        if comment.author_id != actor.account_id and not access.role.allows(Role.editor):
            raise PermissionDenied("only the author of a comment or an editor can delete it")
        session.delete(comment)


# --- votes -----------------------------------------------------------------------------------------


def _votes(
    db: Database, session: Session, record: MapRecord, account_id: str | None
) -> list[dict[str, Any]]:
    """Every element's votes: cast in the app, whether the account's dot is on it, and the
    written and shown totals (the rule is `assembled.shown_votes`), most shown first."""
    journey = journey_of(db, record, copy=False)
    tallies = read_tallies(session, record.workspace_id, record.map_id, account_id)
    rows = [
        {
            "target": target,
            "votes": counts["cast"],
            "mine": target in tallies.mine,
            "written": counts["written"],
            "total": counts["total"],
        }
        for target, counts in tallies.votes(journey).items()
    ]
    return sorted(rows, key=lambda row: (-row["total"], -row["votes"], row["target"]))


def _vote_of(
    db: Database, session: Session, record: MapRecord, target: str, account_id: str
) -> dict[str, Any]:
    for row in _votes(db, session, record, account_id):
        if row["target"] == target:
            return row
    return {"target": target, "votes": 0, "mine": False, "written": 0, "total": 0}


def list_votes(db: Database, actor: Actor, workspace_id: str, map_id: str) -> list[dict[str, Any]]:
    """Votes per element (every opportunity, and anything voted on), most shown first.

    `votes`: dot votes cast in the app; `mine`: the actor's dot is on it; `written`: the
    votes written in the map; `total`: what every view shows (`assembled.shown_votes`).
    """
    with db.reading() as session:
        require(session, actor, workspace_id, Role.viewer, map_id=map_id)
        record = map_record(session, workspace_id, map_id)
        return _votes(db, session, record, actor.account_id)


def cast_vote(
    db: Database, actor: Actor, workspace_id: str, map_id: str, target: str
) -> dict[str, Any]:
    """Put the actor's dot on an element (once; voting again changes nothing)."""
    with db.writing() as session:
        require(session, actor, workspace_id, Role.commenter, map_id=map_id)
        record = map_record(session, workspace_id, map_id)
        _check_target(db, record, target)
        exists = session.scalar(
            select(Vote.pk).where(
                Vote.map_pk == record.pk, Vote.target == target, Vote.account_id == actor.account_id
            )
        )
        if exists is None:
            session.add(
                Vote(
                    map_pk=record.pk,
                    target=target,
                    account_id=actor.account_id,
                    created_at=utcnow(),
                )
            )
            session.flush()
        return _vote_of(db, session, record, target, actor.account_id)


def withdraw_vote(
    db: Database, actor: Actor, workspace_id: str, map_id: str, target: str
) -> dict[str, Any]:
    """Take the actor's dot off an element."""
    with db.writing() as session:
        require(session, actor, workspace_id, Role.commenter, map_id=map_id)
        record = map_record(session, workspace_id, map_id)
        session.execute(
            delete(Vote).where(
                Vote.map_pk == record.pk, Vote.target == target, Vote.account_id == actor.account_id
            )
        )
        session.flush()
        return _vote_of(db, session, record, target, actor.account_id)
