"""Dot-voting rounds: a budget per person and a cap per item, enforced here, votes anonymous
and counts hidden until the facilitator reveals; the revealed results feed the map.

A round on opportunities adds its votes to each opportunity's written `votes` (one map
revision), so they count in the priority score; rounds on pain points and groups are kept
in the workshop's record and its summary.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from journeyline.errors import Diagnostic, InvalidInput, NotFound
from journeyline.model import JourneyMap
from journeyline.store import maps
from journeyline.store.access import Actor
from journeyline.store.database import Database
from journeyline.store.errors import Conflict
from journeyline.store.tables import new_id, utcnow
from journeyline.store.workshop_notes import _edit_with_retry, all_groups
from journeyline.store.workshop_tables import WorkshopRound, WorkshopVote
from journeyline.store.workshops import Seat, require_facilitator, require_running, seat, take_part

TARGETS = ("pain_points", "opportunities", "groups")
DEFAULT_BUDGET = 3
MAX_BUDGET = 100


def _invalid(message: str, hint: str) -> InvalidInput:
    return InvalidInput(message, [Diagnostic(message, hint=hint)])


def rank(counts: dict[str, int], items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The **round's results**: every item with its votes, most votes first; items with as
    many votes share a rank (1, 2, 2, 4), and ties keep the order the items were listed in."""
    order = {item["id"]: i for i, item in enumerate(items)}
    ranked = sorted(items, key=lambda item: (-counts.get(item["id"], 0), order[item["id"]]))
    out: list[dict[str, Any]] = []
    for position, item in enumerate(ranked, start=1):
        votes = counts.get(item["id"], 0)
        shared = out[-1]["rank"] if out and out[-1]["votes"] == votes else position
        out.append({"item": item["id"], "label": item["label"], "votes": votes, "rank": shared})
    return out


def round_dict(found_round: WorkshopRound, mine: dict[str, int], voters: int) -> dict[str, Any]:
    """A round as one person sees it: their own votes; everyone's only once revealed."""
    return {
        "id": found_round.id,
        "targets": found_round.targets,
        "budget": found_round.budget,
        "per_item": found_round.per_item,
        "status": found_round.status,
        "items": found_round.items,
        "my_votes": mine,
        "used": sum(mine.values()),
        "voters": voters,
        "results": found_round.results if found_round.status == "revealed" else None,
    }


def votes_by_person(session: Session, round_id: str) -> dict[str, dict[str, int]]:
    """Each person's dots per item in a round (used to show each person their own)."""
    out: dict[str, dict[str, int]] = {}
    rows = session.execute(
        select(WorkshopVote.person_id, WorkshopVote.target, func.count())
        .where(WorkshopVote.round_id == round_id)
        .group_by(WorkshopVote.person_id, WorkshopVote.target)
    )
    for person, target, count in rows:
        out.setdefault(person, {})[target] = int(count)
    return out


def _view(session: Session, found_round: WorkshopRound, person: str | None) -> dict[str, Any]:
    by_person = votes_by_person(session, found_round.id)
    return round_dict(found_round, by_person.get(person or "", {}), len(by_person))


def _items(
    session: Session, found: Seat, targets: str, journey: JourneyMap
) -> list[dict[str, Any]]:
    if targets == "pain_points":
        return [{"id": p.id, "label": p.name} for p in journey.pain_points]
    if targets == "opportunities":
        return [{"id": o.id, "label": o.name} for o in journey.opportunities]
    return [{"id": g.id, "label": g.label} for g in all_groups(session, found.workshop.id)]


def _round(session: Session, found: Seat, round_id: str) -> WorkshopRound:
    found_round = session.get(WorkshopRound, round_id)
    if found_round is None or found_round.workshop_id != found.workshop.id:
        raise NotFound(f"voting round '{round_id}' does not exist in this workshop")
    return found_round


def _number(value: Any, what: str, default: int | None) -> int | None:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_BUDGET:
        raise _invalid(f"{what}: a whole number from 1 to {MAX_BUDGET}", f'e.g. "{what}": 3')
    return value


def open_round(
    db: Database, actor: Actor, workspace_id: str, workshop_id: str, body: dict[str, Any]
) -> dict[str, Any]:
    """A new round on the map's pain points or opportunities, or the workshop's groups (facilitator)."""
    unknown = set(body) - {"targets", "budget", "per_item"}
    if unknown:
        raise _invalid(
            f"unknown field '{sorted(unknown)[0]}'", "a round has targets, budget and per_item"
        )
    targets = body.get("targets")
    if targets not in TARGETS:
        raise _invalid(f"targets: cannot vote on '{targets}'", f"use one of: {', '.join(TARGETS)}")
    budget = _number(body.get("budget"), "budget", DEFAULT_BUDGET)
    per_item = _number(body.get("per_item"), "per_item", None)
    assert budget is not None
    with db.writing() as session:
        found = seat(session, actor, workspace_id, workshop_id)
        require_facilitator(found, "open a voting round")
        require_running(found)
        journey = maps.journey_of(
            db, maps.map_record(session, workspace_id, found.map_id), copy=False
        )
        items = _items(session, found, targets, journey)
        if not items:
            raise _invalid(
                f"there are no {targets.replace('_', ' ')} to vote on yet",
                "add some (or convert notes into them) first",
            )
        found_round = WorkshopRound(
            id=new_id("wr"),
            workshop_id=workshop_id,
            targets=targets,
            budget=budget,
            per_item=per_item,
            status="open",
            items=items,
            results=None,
            created_at=utcnow(),
        )
        session.add(found_round)
        session.flush()
        return _view(session, found_round, found.person.id if found.person else None)


def list_rounds(
    db: Database, actor: Actor, workspace_id: str, workshop_id: str
) -> list[dict[str, Any]]:
    """Every round of the workshop, oldest first, as the reader sees it."""
    with db.reading() as session:
        found = seat(session, actor, workspace_id, workshop_id)
        person = found.person.id if found.person else None
        rounds = session.scalars(
            select(WorkshopRound)
            .where(WorkshopRound.workshop_id == workshop_id)
            .order_by(WorkshopRound.created_at, WorkshopRound.id)
        )
        return [_view(session, r, person) for r in rounds]


def get_round(
    db: Database, actor: Actor, workspace_id: str, workshop_id: str, round_id: str
) -> dict[str, Any]:
    """One round as the reader sees it."""
    with db.reading() as session:
        found = seat(session, actor, workspace_id, workshop_id)
        return _view(
            session, _round(session, found, round_id), found.person.id if found.person else None
        )


def cast(
    db: Database, actor: Actor, workspace_id: str, workshop_id: str, round_id: str, target: Any
) -> dict[str, Any]:
    """One more dot on `target`; Conflict past the budget or the cap, or once the round closed."""
    if not isinstance(target, str):
        raise _invalid("target: the id of an item of the round", '{"target": "…"}')
    with db.writing() as session:
        found = seat(session, actor, workspace_id, workshop_id)
        person = take_part(session, found)
        found_round = _round(session, found, round_id)
        if found_round.status != "open":
            raise Conflict(f"this round is {found_round.status}: votes are no longer taken")
        if target not in {item["id"] for item in found_round.items}:
            raise _invalid(
                f"'{target}' is not among the items of this round",
                "vote for one of the round's items (GET the round for them)",
            )
        # The person's row is locked (PostgreSQL) so two quick votes are counted one after the other.
        from journeyline.store.workshop_tables import WorkshopPerson

        session.execute(
            select(WorkshopPerson.id).where(WorkshopPerson.id == person.id).with_for_update()
        )
        mine = votes_by_person(session, round_id).get(person.id, {})
        if sum(mine.values()) >= found_round.budget:
            raise Conflict(
                f"you have used all {found_round.budget} of your votes in this round "
                "(take one back to vote elsewhere)",
                details={"budget": found_round.budget, "used": sum(mine.values())},
            )
        if found_round.per_item is not None and mine.get(target, 0) >= found_round.per_item:
            raise Conflict(
                f"at most {found_round.per_item} vote(s) per item in this round",
                details={"per_item": found_round.per_item},
            )
        session.add(
            WorkshopVote(round_id=round_id, person_id=person.id, target=target, created_at=utcnow())
        )
        session.flush()
        return _view(session, found_round, person.id)


def withdraw(
    db: Database, actor: Actor, workspace_id: str, workshop_id: str, round_id: str, target: str
) -> dict[str, Any]:
    """Take one of my dots on `target` back (while the round is open)."""
    with db.writing() as session:
        found = seat(session, actor, workspace_id, workshop_id)
        person = take_part(session, found)
        found_round = _round(session, found, round_id)
        if found_round.status != "open":
            raise Conflict(f"this round is {found_round.status}: votes can no longer change")
        vote_pk = session.scalar(
            select(WorkshopVote.pk)
            .where(
                WorkshopVote.round_id == round_id,
                WorkshopVote.person_id == person.id,
                WorkshopVote.target == target,
            )
            .limit(1)
        )
        if vote_pk is None:
            raise NotFound(f"you have no vote on '{target}' in this round")
        session.execute(delete(WorkshopVote).where(WorkshopVote.pk == vote_pk))
        session.flush()
        return _view(session, found_round, person.id)


def close_round(
    db: Database, actor: Actor, workspace_id: str, workshop_id: str, round_id: str
) -> dict[str, Any]:
    """Stop taking votes (facilitator); counts stay hidden until the reveal."""
    with db.writing() as session:
        found = seat(session, actor, workspace_id, workshop_id)
        require_facilitator(found, "close a voting round")
        found_round = _round(session, found, round_id)
        if found_round.status == "open":
            found_round.status = "closed"
        session.flush()
        return _view(session, found_round, found.person.id if found.person else None)


def reveal_round(
    db: Database, actor: Actor, workspace_id: str, workshop_id: str, round_id: str
) -> dict[str, Any]:
    """Close the round and show its ranked results (facilitator). A round on opportunities
    adds its votes to the opportunities' written votes in one map revision."""
    with db.writing() as session:
        found = seat(session, actor, workspace_id, workshop_id)
        require_facilitator(found, "reveal a voting round")
        found_round = _round(session, found, round_id)
        if found_round.status == "revealed":
            return _view(session, found_round, found.person.id if found.person else None)
        counts: dict[str, int] = {}
        for per_person in votes_by_person(session, round_id).values():
            for target, n in per_person.items():
                counts[target] = counts.get(target, 0) + n
        results = rank(counts, found_round.items)
        targets, map_id = found_round.targets, found.map_id
    if targets == "opportunities" and any(counts.values()):

        def change(journey: JourneyMap) -> tuple[JourneyMap, None, str]:
            for opportunity in journey.opportunities:
                opportunity.votes += counts.get(opportunity.id, 0)
            return journey, None, f"workshop: {sum(counts.values())} dot votes on opportunities"

        _edit_with_retry(db, actor, workspace_id, map_id, change)
    with db.writing() as session:
        found = seat(session, actor, workspace_id, workshop_id)
        found_round = _round(session, found, round_id)
        found_round.results = results
        found_round.status = "revealed"
        found_round.revealed_at = utcnow()
        session.flush()
        return _view(session, found_round, found.person.id if found.person else None)
