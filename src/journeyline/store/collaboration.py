"""Comments and dot votes on a map and its elements: the collaboration record.

Commenters and above may comment and vote; a comment's text is changed only by its
author; its author or an editor may resolve or delete it. A vote is one account's dot
on one element (an account votes for an element once).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from journeyline.errors import Diagnostic, InvalidInput, NotFound
from journeyline.model import JourneyMap
from journeyline.store import elements
from journeyline.store.access import Actor, Role, require
from journeyline.store.database import Database
from journeyline.store.errors import PermissionDenied
from journeyline.store.maps import journey_of, map_record
from journeyline.store.revisions import iso
from journeyline.store.tables import Account, Comment, MapRecord, Vote, new_id, utcnow

MAX_COMMENT_LENGTH = 10_000


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
        require(session, actor, workspace_id, Role.viewer)
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
    db: Database, actor: Actor, workspace_id: str, map_id: str, body: str, target: str | None = None
) -> dict[str, Any]:
    """Comment on the map, or on one of its elements."""
    text = _clean_body(body)
    with db.writing() as session:
        require(session, actor, workspace_id, Role.commenter)
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
        return _comment_dict(comment, actor.name)


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
) -> dict[str, Any]:
    """Change a comment's text (its author) or resolve/reopen it (its author or an editor)."""
    with db.writing() as session:
        access = require(session, actor, workspace_id, Role.commenter)
        record = map_record(session, workspace_id, map_id)
        comment = _comment(session, record, comment_id)
        mine = comment.author_id == actor.account_id
        if body is not None:
            if not mine:
                raise PermissionDenied("only the author of a comment can change its text")
            comment.body = _clean_body(body)
        if resolved is not None:
            if not mine and not access.role.allows(Role.editor):
                raise PermissionDenied("only the author of a comment or an editor can resolve it")
            comment.resolved = resolved
        comment.updated_at = utcnow()
        author = session.get(Account, comment.author_id) if comment.author_id else None
        return _comment_dict(comment, author.name if author else None)


def delete_comment(
    db: Database, actor: Actor, workspace_id: str, map_id: str, comment_id: str
) -> None:
    """Delete a comment (its author or an editor)."""
    with db.writing() as session:
        access = require(session, actor, workspace_id, Role.commenter)
        record = map_record(session, workspace_id, map_id)
        comment = _comment(session, record, comment_id)
        if comment.author_id != actor.account_id and not access.role.allows(Role.editor):
            raise PermissionDenied("only the author of a comment or an editor can delete it")
        session.delete(comment)


# --- votes -----------------------------------------------------------------------------------------


def vote_counts(session: Session, map_pk: int) -> dict[str, int]:
    """Votes per element id."""
    rows = session.execute(
        select(Vote.target, func.count()).where(Vote.map_pk == map_pk).group_by(Vote.target)
    ).all()
    return {target: int(count) for target, count in rows}


def list_votes(db: Database, actor: Actor, workspace_id: str, map_id: str) -> list[dict[str, Any]]:
    """Votes per element, most first, and whether the actor voted for each."""
    with db.reading() as session:
        require(session, actor, workspace_id, Role.viewer)
        record = map_record(session, workspace_id, map_id)
        counts = vote_counts(session, record.pk)
        mine = set(
            session.scalars(
                select(Vote.target).where(
                    Vote.map_pk == record.pk, Vote.account_id == actor.account_id
                )
            )
        )
    return [
        {"target": target, "votes": count, "mine": target in mine}
        for target, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def cast_vote(
    db: Database, actor: Actor, workspace_id: str, map_id: str, target: str
) -> dict[str, Any]:
    """Put the actor's dot on an element (once; voting again changes nothing)."""
    with db.writing() as session:
        require(session, actor, workspace_id, Role.commenter)
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
        return {
            "target": target,
            "votes": vote_counts(session, record.pk).get(target, 0),
            "mine": True,
        }


def withdraw_vote(
    db: Database, actor: Actor, workspace_id: str, map_id: str, target: str
) -> dict[str, Any]:
    """Take the actor's dot off an element."""
    with db.writing() as session:
        require(session, actor, workspace_id, Role.commenter)
        record = map_record(session, workspace_id, map_id)
        session.execute(
            delete(Vote).where(
                Vote.map_pk == record.pk, Vote.target == target, Vote.account_id == actor.account_id
            )
        )
        return {
            "target": target,
            "votes": vote_counts(session, record.pk).get(target, 0),
            "mine": False,
        }


def journey_with_votes(db: Database, actor: Actor, workspace_id: str, map_id: str) -> JourneyMap:
    """The map with each opportunity's votes raised by the team's online dot votes.

    An opportunity's `votes` in the document (e.g. counted on paper) and its online votes add up.
    """
    with db.reading() as session:
        require(session, actor, workspace_id, Role.viewer)
        record = map_record(session, workspace_id, map_id)
        journey = journey_of(db, record)
        counts = vote_counts(session, record.pk)
    for opportunity in journey.opportunities:
        opportunity.votes += counts.get(opportunity.id, 0)
    return journey
