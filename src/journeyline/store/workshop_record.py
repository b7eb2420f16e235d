"""What a workshop leaves with its map: the record (attendance, time per step against the
plan, notes, rounds), the draft stakeholder summary, and the facilitator's follow-ups."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from journeyline.errors import Diagnostic, InvalidInput
from journeyline.model import JourneyMap, MapStatus
from journeyline.store import insight
from journeyline.store.access import Actor
from journeyline.store.database import Database
from journeyline.store.workshop_notes import (
    _edit_with_retry,
    all_groups,
    all_notes,
    board_for,
    names_of,
    note_dict,
)
from journeyline.store.workshop_tables import WorkshopRound
from journeyline.store.workshop_votes import _view
from journeyline.store.workshops import (
    people_of,
    person_dict,
    require_facilitator,
    seat,
    workshop_dict,
)
from journeyline.workshop import summary as summaries


def record(
    db: Database, actor: Actor, workspace_id: str, workshop_id: str, base_url: str
) -> dict[str, Any]:
    """The workshop's record, as the reader may see it (others' hidden notes are counted
    in `notes` but not listed)."""
    with db.reading() as session:
        found = seat(session, actor, workspace_id, workshop_id)
        person = found.person.id if found.person else None
        names = names_of(session, workshop_id)
        notes = [note_dict(n, names) for n in all_notes(session, workshop_id)]
        board = board_for(notes, all_groups(session, workshop_id), person)
        rounds = session.scalars(
            select(WorkshopRound)
            .where(WorkshopRound.workshop_id == workshop_id)
            .order_by(WorkshopRound.created_at, WorkshopRound.id)
        )
        view = workshop_dict(session, found.workshop, found.map_id, base_url, me=found.person)
        return {
            "workshop": {
                k: view[k] for k in ("id", "map", "title", "status", "created_at", "ended_at")
            },
            "attendance": [person_dict(p) for p in people_of(session, workshop_id)],
            "agenda": view["agenda"],
            "notes": len(notes),
            "converted": sum(1 for n in notes if n["converted"]),
            "rounds": [_view(session, r, person) for r in rounds],
            "note_list": board["notes"],
            "groups": board["groups"],
        }


def summary_markdown(
    db: Database, actor: Actor, workspace_id: str, workshop_id: str, base_url: str
) -> tuple[str, str]:
    """The draft stakeholder summary as Markdown, and its title."""
    found = record(db, actor, workspace_id, workshop_id, base_url)
    map_summary = insight.summary(db, actor, workspace_id, found["workshop"]["map"]).to_markdown()
    return summaries.summary_markdown(map_summary, found), found["workshop"]["title"]


def follow_up(
    db: Database, actor: Actor, workspace_id: str, workshop_id: str, body: dict[str, Any]
) -> dict[str, Any]:
    """Set the map's status and next review date after the workshop (facilitator, editor)."""
    unknown = set(body) - {"status", "review_date"}
    if unknown:
        raise InvalidInput(f"unknown field '{sorted(unknown)[0]}' (status, review_date)")
    status = body.get("status")
    if status is not None and status not in MapStatus.__members__:
        names = ", ".join(MapStatus.__members__)
        raise InvalidInput(
            f"unknown map status '{status}'",
            [Diagnostic("unknown status", hint=f"use one of: {names}")],
        )
    review: dt.date | None = None
    if body.get("review_date") is not None:
        try:
            review = dt.date.fromisoformat(str(body["review_date"]))
        except ValueError:
            raise InvalidInput(
                f"review_date: '{body['review_date']}' is not a date",
                [Diagnostic("not a date", hint="write it as YYYY-MM-DD")],
            ) from None
    with db.reading() as session:
        found = seat(session, actor, workspace_id, workshop_id)
        require_facilitator(found, "set the follow-ups")
        map_id = found.map_id

    def change(journey: JourneyMap) -> tuple[JourneyMap, None, str]:
        if status is not None:
            journey.status = MapStatus(status)
        if review is not None:
            journey.review_date = review
        return journey, None, "workshop follow-up: status and review date"

    state, _ = _edit_with_retry(db, actor, workspace_id, map_id, change)
    journey = state.journey
    return {
        "map": map_id,
        "revision": state.revision,
        "status": journey.status.value,
        "review_date": journey.review_date.isoformat() if journey.review_date else None,
    }
