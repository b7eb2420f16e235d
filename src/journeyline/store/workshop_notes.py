"""A workshop's sticky notes and groups, the similarity suggestions, and the conversion of
notes into map elements.

Hidden notes are filtered here, for every read: a note written while the workshop's notes
are hidden is returned to its author only until the reveal (`workshop.notes.visible_to`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from journeyline.errors import Diagnostic, InvalidInput, NotFound
from journeyline.model import JourneyMap
from journeyline.store import maps
from journeyline.store.access import Actor
from journeyline.store.database import Database
from journeyline.store.errors import PermissionDenied, StaleRevision, TooManyAttempts
from journeyline.store.revisions import etag
from journeyline.store.tables import new_id, utcnow
from journeyline.store.workshop_tables import WorkshopGroup, WorkshopNote, WorkshopPerson
from journeyline.store.workshops import (
    Seat,
    people_of,
    require_running,
    require_unlocked,
    seat,
    take_part,
)
from journeyline.workshop import convert as conversions
from journeyline.workshop import notes as rules
from journeyline.workshop.agenda import iso
from journeyline.workshop.similar import similar_notes

NOTES_PER_WINDOW = 20
"""Notes one person may add per `WINDOW_SECONDS`: faster is a flood, answered 429."""
WINDOW_SECONDS = 10
MAX_NOTES = 5000
"""Notes one workshop holds at most."""
MAX_GROUPS = 500


class TooManyNotes(TooManyAttempts):
    """One person added notes faster than a workshop allows (`NOTES_PER_WINDOW` per
    `WINDOW_SECONDS`): wait `retry_after` seconds."""


def _invalid(message: str, hint: str) -> InvalidInput:
    return InvalidInput(message, [Diagnostic(message, hint=hint)])


def note_dict(note: WorkshopNote, names: dict[str, str]) -> dict[str, Any]:
    """A note in its stored-and-shown form (`authors` included; see rules.public_note)."""
    return {
        "id": note.id,
        "kind": note.kind,
        "text": note.text,
        "author": note.author_id,
        "author_name": names.get(note.author_id, "a participant"),
        "authors": list(note.authors),
        "place": note.place,
        "group": note.group_id,
        "hidden": bool(note.hidden),
        "converted": list(note.converted or []),
        "created_at": iso(note.created_at),
        "updated_at": iso(note.updated_at),
    }


def group_dict(group: WorkshopGroup, members: list[str]) -> dict[str, Any]:
    """A group with its notes' ids (only the ones the reader may see)."""
    return {"id": group.id, "label": group.label, "notes": members, "place": group.place}


def names_of(session: Session, workshop_id: str) -> dict[str, str]:
    """Each person's display name by id."""
    return {p.id: p.name for p in people_of(session, workshop_id)}


def all_notes(session: Session, workshop_id: str) -> list[WorkshopNote]:
    """Every note of the workshop, oldest first."""
    return list(
        session.scalars(
            select(WorkshopNote)
            .where(WorkshopNote.workshop_id == workshop_id)
            .order_by(WorkshopNote.created_at, WorkshopNote.id)
        )
    )


def all_groups(session: Session, workshop_id: str) -> list[WorkshopGroup]:
    """Every group of the workshop, oldest first."""
    return list(
        session.scalars(
            select(WorkshopGroup)
            .where(WorkshopGroup.workshop_id == workshop_id)
            .order_by(WorkshopGroup.created_at, WorkshopGroup.id)
        )
    )


def board_for(
    notes: list[dict[str, Any]], groups: list[WorkshopGroup], person: str | None
) -> dict[str, Any]:
    """What `person` is shown: the notes they may see, the groups with those notes, and
    how many hidden notes each other person holds."""
    shown = [rules.public_note(n, person) for n in notes if rules.visible_to(n, person)]
    shown_ids = {n["id"] for n in shown}
    members: dict[str, list[str]] = {}
    for note in shown:
        if note["group"]:
            members.setdefault(note["group"], []).append(note["id"])
    return {
        "notes": shown,
        "groups": [
            group_dict(g, [i for i in members.get(g.id, []) if i in shown_ids]) for g in groups
        ],
        "hidden_counts": rules.hidden_counts(notes, person),
    }


def _person_id(found: Seat) -> str | None:
    return found.person.id if found.person is not None else None


def list_notes(db: Database, actor: Actor, workspace_id: str, workshop_id: str) -> dict[str, Any]:
    """The notes and groups the reader may see (others' hidden notes are absent)."""
    with db.reading() as session:
        found = seat(session, actor, workspace_id, workshop_id)
        names = names_of(session, workshop_id)
        notes = [note_dict(n, names) for n in all_notes(session, workshop_id)]
        return board_for(notes, all_groups(session, workshop_id), _person_id(found))


def _note(session: Session, found: Seat, note_id: str) -> WorkshopNote:
    note = session.get(WorkshopNote, note_id)
    if (
        note is None
        or note.workshop_id != found.workshop.id
        or not rules.visible_to({"hidden": note.hidden, "authors": note.authors}, _person_id(found))
    ):
        raise NotFound(f"note '{note_id}' does not exist in this workshop")
    return note


def _check_flood(session: Session, person: WorkshopPerson, now: dt.datetime) -> None:
    # The person's row is locked (PostgreSQL) so parallel requests count one after another.
    session.execute(
        select(WorkshopPerson.id).where(WorkshopPerson.id == person.id).with_for_update()
    )
    since = now - dt.timedelta(seconds=WINDOW_SECONDS)
    recent = list(
        session.scalars(
            select(WorkshopNote.created_at)
            .where(WorkshopNote.author_id == person.id, WorkshopNote.created_at > since)
            .order_by(WorkshopNote.created_at)
        )
    )
    if len(recent) >= NOTES_PER_WINDOW:
        wait = WINDOW_SECONDS - (now - recent[len(recent) - NOTES_PER_WINDOW]).total_seconds()
        raise TooManyNotes(
            f"too many notes at once: at most {NOTES_PER_WINDOW} every {WINDOW_SECONDS} seconds per person; "
            "wait a moment",
            max(1, int(wait + 0.999)),
        )


def add_note(
    db: Database, actor: Actor, workspace_id: str, workshop_id: str, body: dict[str, Any]
) -> dict[str, Any]:
    """A new note by the actor; hidden from others while the workshop's notes are hidden."""
    unknown = set(body) - {"kind", "text", "place"}
    if unknown:
        raise _invalid(f"unknown field '{sorted(unknown)[0]}'", "a note has kind, text and place")
    kind = rules.check_kind(body.get("kind"))
    text = rules.check_text(body.get("text"))
    place = rules.check_place(body.get("place"))
    with db.writing() as session:
        found = seat(session, actor, workspace_id, workshop_id)
        person = take_part(session, found)
        require_unlocked(found)
        now = utcnow()
        _check_flood(session, person, now)
        count = session.scalar(
            select(func.count())
            .select_from(WorkshopNote)
            .where(WorkshopNote.workshop_id == workshop_id)
        )
        if (count or 0) >= MAX_NOTES:
            raise _invalid(
                f"this workshop holds {MAX_NOTES} notes, as many as it can", "merge or delete some"
            )
        note = WorkshopNote(
            id=new_id("wn"),
            workshop_id=workshop_id,
            author_id=person.id,
            authors=[person.id],
            kind=kind,
            text=text,
            place=place,
            group_id=None,
            hidden=found.workshop.hidden,
            converted=None,
            created_at=now,
            updated_at=now,
        )
        session.add(note)
        session.flush()
        return note_dict(note, {person.id: person.name})


def _may_change(found: Seat, note: WorkshopNote) -> None:
    if found.leads or (found.person is not None and found.person.id in note.authors):
        return
    raise PermissionDenied("only the note's author, the scribe or the facilitator can change it")


def _group(session: Session, found: Seat, group_id: Any) -> WorkshopGroup:
    group = session.get(WorkshopGroup, group_id) if isinstance(group_id, str) else None
    if group is None or group.workshop_id != found.workshop.id:
        raise NotFound(f"group '{group_id}' does not exist in this workshop")
    return group


def patch_note(
    db: Database,
    actor: Actor,
    workspace_id: str,
    workshop_id: str,
    note_id: str,
    changes: dict[str, Any],
) -> dict[str, Any]:
    """Change a note's text, kind, place or group (its author, the scribe, the facilitator)."""
    unknown = set(changes) - {"text", "kind", "place", "group"}
    if unknown:
        raise _invalid(
            f"unknown field '{sorted(unknown)[0]}'",
            "a note's text, kind, place or group can change",
        )
    with db.writing() as session:
        found = seat(session, actor, workspace_id, workshop_id)
        take_part(session, found)
        require_unlocked(found)
        note = _note(session, found, note_id)
        _may_change(found, note)
        if "text" in changes:
            note.text = rules.check_text(changes["text"])
        if "kind" in changes:
            note.kind = rules.check_kind(changes["kind"])
        if "place" in changes:
            note.place = rules.check_place(changes["place"])
        if "group" in changes:
            note.group_id = (
                None if changes["group"] is None else _group(session, found, changes["group"]).id
            )
        note.updated_at = utcnow()
        session.flush()
        return note_dict(note, names_of(session, workshop_id))


def delete_note(
    db: Database, actor: Actor, workspace_id: str, workshop_id: str, note_id: str
) -> None:
    """Remove a note (its author, the scribe, the facilitator)."""
    with db.writing() as session:
        found = seat(session, actor, workspace_id, workshop_id)
        take_part(session, found)
        require_unlocked(found)
        note = _note(session, found, note_id)
        _may_change(found, note)
        session.delete(note)


def _ids(value: Any, what: str, least: int) -> list[str]:
    if (
        not isinstance(value, list)
        or not all(isinstance(v, str) for v in value)
        or len(value) > 500
    ):
        raise _invalid(f"{what}: a list of note ids", '"notes": ["wn_…", "wn_…"]')
    unique = list(dict.fromkeys(value))
    if len(unique) < least:
        raise _invalid(
            f"{what}: name at least {least} different notes", '"notes": ["wn_…", "wn_…"]'
        )
    return unique


def merge_notes(
    db: Database, actor: Actor, workspace_id: str, workshop_id: str, note_ids: Any, text: Any = None
) -> tuple[dict[str, Any], list[str]]:
    """Merge duplicates into the first note (keeping every author); answers it and the
    ids removed. The scribe and facilitator merge anyone's notes, others their own."""
    ids = _ids(note_ids, "notes", 2)
    with db.writing() as session:
        found = seat(session, actor, workspace_id, workshop_id)
        take_part(session, found)
        require_unlocked(found)
        found_notes = [_note(session, found, i) for i in ids]
        for note in found_notes:
            _may_change(found, note)
        keep, rest = found_notes[0], found_notes[1:]
        if text is not None:
            keep.text = rules.check_text(text)
        keep.authors = list(dict.fromkeys([a for n in found_notes for a in n.authors]))
        keep.converted = (
            list(dict.fromkeys([c for n in found_notes for c in (n.converted or [])])) or None
        )
        keep.hidden = all(n.hidden for n in found_notes) and keep.hidden
        keep.updated_at = utcnow()
        for note in rest:
            session.delete(note)
        session.flush()
        return note_dict(keep, names_of(session, workshop_id)), [n.id for n in rest]


def add_group(
    db: Database,
    actor: Actor,
    workspace_id: str,
    workshop_id: str,
    label: Any,
    note_ids: Any,
    place: Any = None,
) -> dict[str, Any]:
    """A labelled group of notes (anyone taking part, unless editing is locked)."""
    label = rules.check_text(label, "label", rules.LABEL_LENGTH)
    ids = _ids(note_ids if note_ids is not None else [], "notes", 0)
    with db.writing() as session:
        found = seat(session, actor, workspace_id, workshop_id)
        take_part(session, found)
        require_unlocked(found)
        count = session.scalar(
            select(func.count())
            .select_from(WorkshopGroup)
            .where(WorkshopGroup.workshop_id == workshop_id)
        )
        if (count or 0) >= MAX_GROUPS:
            raise _invalid(
                f"this workshop holds {MAX_GROUPS} groups, as many as it can", "merge some"
            )
        notes = [_note(session, found, i) for i in ids]
        group = WorkshopGroup(
            id=new_id("wg"),
            workshop_id=workshop_id,
            label=label,
            place=rules.check_place(
                place if place is not None else (notes[0].place if notes else None)
            ),
            created_at=utcnow(),
        )
        session.add(group)
        session.flush()
        for note in notes:
            note.group_id = group.id
            note.updated_at = utcnow()
        return group_dict(group, [n.id for n in notes])


def patch_group(
    db: Database,
    actor: Actor,
    workspace_id: str,
    workshop_id: str,
    group_id: str,
    changes: dict[str, Any],
) -> tuple[dict[str, Any], list[str]]:
    """Relabel a group, or set which notes are in it; answers it and the notes that changed."""
    unknown = set(changes) - {"label", "notes", "place"}
    if unknown:
        raise _invalid(
            f"unknown field '{sorted(unknown)[0]}'", "a group's label, notes or place can change"
        )
    with db.writing() as session:
        found = seat(session, actor, workspace_id, workshop_id)
        take_part(session, found)
        require_unlocked(found)
        group = _group(session, found, group_id)
        if "label" in changes:
            group.label = rules.check_text(changes["label"], "label", rules.LABEL_LENGTH)
        if "place" in changes:
            group.place = rules.check_place(changes["place"])
        touched: list[str] = []
        person = found.person.id if found.person else None
        visible = [
            n
            for n in all_notes(session, workshop_id)
            if rules.visible_to({"hidden": n.hidden, "authors": n.authors}, person)
        ]
        if "notes" in changes:
            wanted = set(_ids(changes["notes"], "notes", 0))
            known = {n.id for n in visible}
            missing = sorted(wanted - known)
            if missing:
                raise NotFound(f"note '{missing[0]}' does not exist in this workshop")
            for note in visible:
                inside = note.group_id == group.id
                if (note.id in wanted) != inside:
                    note.group_id = group.id if note.id in wanted else None
                    note.updated_at = utcnow()
                    touched.append(note.id)
        members = [n.id for n in visible if n.group_id == group.id]
        session.flush()
        return group_dict(group, members), touched


def delete_group(
    db: Database, actor: Actor, workspace_id: str, workshop_id: str, group_id: str
) -> list[str]:
    """Remove a group (its notes stay, ungrouped); answers the notes that changed."""
    with db.writing() as session:
        found = seat(session, actor, workspace_id, workshop_id)
        take_part(session, found)
        require_unlocked(found)
        group = _group(session, found, group_id)
        touched = []
        for note in session.scalars(select(WorkshopNote).where(WorkshopNote.group_id == group.id)):
            note.group_id = None
            note.updated_at = utcnow()
            touched.append(note.id)
        session.delete(group)
        return touched


# --- suggestions ---------------------------------------------------------------------------------


def suggestions(
    db: Database, actor: Actor, workspace_id: str, workshop_id: str
) -> list[dict[str, Any]]:
    """Notes (that the reader may see, not yet grouped together) that say the same thing."""
    with db.reading() as session:
        found = seat(session, actor, workspace_id, workshop_id)
        return [s.to_dict() for s in _suggestions(session, found)]


def _suggestions(session: Session, found: Seat) -> list[Any]:
    person = _person_id(found)
    notes = [
        n
        for n in all_notes(session, found.workshop.id)
        if rules.visible_to({"hidden": n.hidden, "authors": n.authors}, person)
    ]
    found_suggestions = similar_notes(
        [(n.id, n.text) for n in notes], ignored=frozenset(found.workshop.ignored or [])
    )
    group_of = {n.id: n.group_id for n in notes}
    # Notes already in one group together need no suggestion.
    return [
        s
        for s in found_suggestions
        if len({group_of[i] for i in s.notes}) > 1 or group_of[s.notes[0]] is None
    ]


def act_on_suggestion(
    db: Database, actor: Actor, workspace_id: str, workshop_id: str, suggestion_id: str, action: Any
) -> dict[str, Any]:
    """Accept a suggestion (make a group of its notes), merge its notes, or ignore it."""
    if action not in ("accept", "merge", "ignore"):
        raise _invalid(f"unknown action '{action}'", "use accept, merge or ignore")
    with db.reading() as session:
        found = seat(session, actor, workspace_id, workshop_id)
        match = next((s for s in _suggestions(session, found) if s.id == suggestion_id), None)
    if match is None:
        raise NotFound(f"suggestion '{suggestion_id}' does not exist (any more) in this workshop")
    if action == "accept":
        return {
            "group": add_group(db, actor, workspace_id, workshop_id, match.label, list(match.notes))
        }
    if action == "merge":
        note, removed = merge_notes(db, actor, workspace_id, workshop_id, list(match.notes))
        return {"note": note, "deleted_notes": removed}
    with db.writing() as session:
        found = seat(session, actor, workspace_id, workshop_id)
        take_part(session, found)
        found.workshop.ignored = [*(found.workshop.ignored or []), suggestion_id][-1000:]
    return {"ignored": suggestion_id}


# --- from notes to the map ----------------------------------------------------------------------


def convert(
    db: Database, actor: Actor, workspace_id: str, workshop_id: str, body: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """Turn notes (or a group) into map elements in one revision, with workshop evidence
    (facilitator or scribe; the map changes as their edit, so they need to be an editor).
    Answers `{"elements", "revision"}` and the notes marked converted."""
    unknown = set(body) - {"notes", "group", "as", "stage", "step", "impact", "step_kind"}
    if unknown:
        raise _invalid(
            f"unknown field '{sorted(unknown)[0]}'",
            "send notes or group, as, and stage/step/impact",
        )
    target = body.get("as")
    if target not in conversions.TARGETS:
        raise _invalid(
            f"as: cannot convert notes into '{target}'",
            f"use one of: {', '.join(conversions.TARGETS)}",
        )
    if ("notes" in body) == ("group" in body):
        raise _invalid(
            "name the notes or one group to convert", 'send {"notes": [ids]} or {"group": id}'
        )
    for key in ("stage", "step", "step_kind"):
        if body.get(key) is not None and not isinstance(body[key], str):
            raise _invalid(f"{key}: an id", "or leave it out")
    with db.reading() as session:
        found = seat(session, actor, workspace_id, workshop_id)
        require_running(found)
        if not found.leads:
            raise PermissionDenied(
                "only the facilitator or the scribe can turn notes into map elements"
            )
        label = None
        if "group" in body:
            group = _group(session, found, body["group"])
            label = group.label
            person = _person_id(found)
            notes = [
                n
                for n in all_notes(session, workshop_id)
                if n.group_id == group.id
                and rules.visible_to({"hidden": n.hidden, "authors": n.authors}, person)
            ]
            if not notes:
                raise _invalid(
                    f"group '{group.label}' holds no notes to convert", "drag notes into it first"
                )
        else:
            notes = [_note(session, found, i) for i in _ids(body["notes"], "notes", 1)]
        names = names_of(session, workshop_id)
        title, day = found.workshop.title, found.workshop.created_at.date()
        sources = tuple(
            conversions.SourceNote(
                n.id, n.kind, n.text, tuple(n.authors), n.place.get("stage"), n.place.get("step")
            )
            for n in notes
        )
    conversion = conversions.Conversion(
        target=target,
        notes=sources,
        label=label,
        stage=body.get("stage"),
        step=body.get("step"),
        impact=body.get("impact"),
        step_kind=body.get("step_kind"),
    )

    def change(journey: JourneyMap) -> tuple[JourneyMap, list[str], str]:
        changed, made = conversions.apply_conversion(
            journey, conversion, workshop=workshop_id, title=title, day=day, author_names=names
        )
        return (
            changed,
            made,
            f"workshop: {len(sources)} note(s) made into {target.replace('_', ' ')}",
        )

    state, made = _edit_with_retry(db, actor, workspace_id, found.map_id, change)
    with db.writing() as session:
        for note in session.scalars(
            select(WorkshopNote).where(WorkshopNote.id.in_([n.id for n in sources]))
        ):
            note.converted = list(dict.fromkeys([*(note.converted or []), *made]))
            note.updated_at = utcnow()
    return {"elements": made, "revision": state.revision}, [n.id for n in sources]


def _edit_with_retry(
    db: Database, actor: Actor, workspace_id: str, map_id: str, change: Any
) -> Any:
    """One edit of the map at its current revision (read again when another edit got in first)."""
    for attempt in range(5):
        with db.reading() as session:
            revision = maps.map_record(session, workspace_id, map_id).revision
        try:
            return maps.edit_map(db, actor, workspace_id, map_id, etag(revision), change)
        except StaleRevision:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")
