"""What the workshop's live channel sends after a change: one read of the changed things,
then a message per recipient, filtered exactly as the REST reads are (others' hidden notes
are never in it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from journeyline.store.database import Database
from journeyline.store.tables import MapRecord, utcnow
from journeyline.store.workshop_notes import all_groups, all_notes, names_of, note_dict
from journeyline.store.workshop_tables import WorkshopNote, WorkshopRecord, WorkshopRound
from journeyline.store.workshop_votes import round_dict, votes_by_person
from journeyline.store.workshops import people_of, person_dict, workshop_dict
from journeyline.workshop import notes as rules
from journeyline.workshop.agenda import iso

MAX_IDS = 200
"""Ids one change names at most; a bigger change is sent as the whole state."""


@dataclass
class Change:
    """What changed in one workshop: which notes, groups and rounds, and whether the
    workshop itself did (`full`: send everyone the whole state, e.g. after a reveal)."""

    workshop: str
    notes: list[str] = field(default_factory=list)
    deleted_notes: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    deleted_groups: list[str] = field(default_factory=list)
    rounds: list[str] = field(default_factory=list)
    itself: bool = False
    full: bool = False
    summon: bool = False
    ended: bool = False

    def to_wire(self) -> dict[str, Any]:
        """The change as a NOTIFY payload (the ids only)."""
        out: dict[str, Any] = {"w": self.workshop}
        for key in ("notes", "deleted_notes", "groups", "deleted_groups", "rounds"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        for key in ("itself", "full", "summon", "ended"):
            if getattr(self, key):
                out[key] = True
        return out

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> Change:
        def ids(key: str) -> list[str]:
            return [str(i) for i in data.get(key, [])]

        return cls(
            workshop=str(data["w"]),
            notes=ids("notes"),
            deleted_notes=ids("deleted_notes"),
            groups=ids("groups"),
            deleted_groups=ids("deleted_groups"),
            rounds=ids("rounds"),
            itself=bool(data.get("itself")),
            full=bool(data.get("full")),
            summon=bool(data.get("summon")),
            ended=bool(data.get("ended")),
        )

    def merged(self, later: Change) -> Change:
        """This change and a later one as one (what the later one deleted stays deleted)."""

        def union(a: list[str], b: list[str], gone: list[str]) -> list[str]:
            return [i for i in dict.fromkeys([*a, *b]) if i not in gone]

        deleted_notes = list(dict.fromkeys([*self.deleted_notes, *later.deleted_notes]))
        deleted_groups = list(dict.fromkeys([*self.deleted_groups, *later.deleted_groups]))
        return Change(
            self.workshop,
            notes=union(self.notes, later.notes, later.deleted_notes),
            deleted_notes=deleted_notes,
            groups=union(self.groups, later.groups, later.deleted_groups),
            deleted_groups=deleted_groups,
            rounds=list(dict.fromkeys([*self.rounds, *later.rounds])),
            itself=self.itself or later.itself,
            full=self.full or later.full,
            summon=self.summon or later.summon,
            ended=self.ended or later.ended,
        ).sized()

    def sized(self) -> Change:
        """This change, or the whole state when it names too many things."""
        if (
            sum(len(x) for x in (self.notes, self.deleted_notes, self.groups, self.deleted_groups))
            > MAX_IDS
        ):
            return Change(self.workshop, full=True, itself=True, ended=self.ended)
        return self


@dataclass
class Snapshot:
    """One read of what a change touched, from which each recipient's message is cut."""

    change: Change
    workshop: dict[str, Any] | None
    people: dict[str, Any]
    notes: list[dict[str, Any]]
    hidden: list[dict[str, Any]]
    """Every hidden note's author(s), for the hidden counts."""
    groups: list[tuple[Any, list[dict[str, Any]]]]
    rounds: list[tuple[WorkshopRound, dict[str, dict[str, int]]]]
    server_time: str
    accounts: dict[str, str] = field(default_factory=dict)
    """Person id by account id (a member who joins while connected is found here)."""

    def message_for(self, person: str | None) -> dict[str, Any]:
        """The message for one recipient (None: a member who has not joined)."""
        change = self.change
        if change.ended:
            return {"type": "ended"}
        me = self.people.get(person or "")
        out: dict[str, Any] = {"type": "state" if change.full else "patch"}
        if self.workshop is not None and (change.full or change.itself or change.summon):
            out["workshop"] = self.workshop | {"me": me}
        if change.full or change.notes:
            out["notes"] = [
                rules.public_note(n, person) for n in self.notes if rules.visible_to(n, person)
            ]
        if change.deleted_notes:
            out["deleted_notes"] = change.deleted_notes
        if change.full or change.groups:
            out["groups"] = [
                {
                    "id": g.id,
                    "label": g.label,
                    "place": g.place,
                    "notes": [m["id"] for m in members if rules.visible_to(m, person)],
                }
                for g, members in self.groups
            ]
        if change.deleted_groups:
            out["deleted_groups"] = change.deleted_groups
        if change.full or change.rounds:
            out["rounds"] = [
                round_dict(r, by_person.get(person or "", {}), len(by_person))
                for r, by_person in self.rounds
            ]
        if change.full or change.notes or change.deleted_notes or change.itself:
            out["hidden_counts"] = rules.hidden_counts(self.hidden, person)
        out["server_time"] = self.server_time
        return out

    def summon_for(self) -> dict[str, Any] | None:
        """The summon message, when the change is one."""
        if not self.change.summon or self.workshop is None or not self.workshop.get("summon"):
            return None
        summon = self.workshop["summon"]
        return {"type": "summon", "view": summon["view"], "by": summon.get("by_name", "")}


def read_snapshot(db: Database, change: Change, base_url: str, present: frozenset[str]) -> Snapshot:
    """Read what `change` touched (one read transaction)."""
    with db.reading() as session:
        row = session.execute(
            select(WorkshopRecord, MapRecord.map_id)
            .join(MapRecord, MapRecord.pk == WorkshopRecord.map_pk)
            .where(WorkshopRecord.id == change.workshop)
        ).first()
        if row is None:
            return Snapshot(Change(change.workshop, ended=True), None, {}, [], [], [], [], "")
        record, map_id = row
        people: dict[str, Any] = {}
        accounts: dict[str, str] = {}
        workshop: dict[str, Any] | None = None
        if change.full or change.itself or change.summon:
            everyone = people_of(session, record.id)
            people = {p.id: person_dict(p, present) for p in everyone}
            accounts = {p.account_id: p.id for p in everyone if p.account_id}
            workshop = workshop_dict(session, record, map_id, base_url, present=present)
            workshop.pop("me", None)
            names = {pid: p["name"] for pid, p in people.items()}
        else:
            names = names_of(session, record.id) if (change.full or change.notes) else {}
        if change.full:
            stored_notes = all_notes(session, record.id)
        elif change.notes:
            stored_notes = list(
                session.scalars(select(WorkshopNote).where(WorkshopNote.id.in_(change.notes)))
            )
        else:
            stored_notes = []
        notes = [note_dict(n, names) for n in stored_notes if n.workshop_id == record.id]
        # Notes are hidden only while the workshop hides them (the reveal clears them all).
        hidden = (
            [
                {"author": a, "authors": list(authors), "hidden": True}
                for a, authors in session.execute(
                    select(WorkshopNote.author_id, WorkshopNote.authors).where(
                        WorkshopNote.workshop_id == record.id, WorkshopNote.hidden.is_(True)
                    )
                )
            ]
            if record.hidden
            else []
        )
        groups: list[tuple[Any, list[dict[str, Any]]]] = []
        if change.full or change.groups:
            wanted = set(change.groups)
            found_groups = [
                g for g in all_groups(session, record.id) if change.full or g.id in wanted
            ]
            if found_groups:
                members: dict[str, list[dict[str, Any]]] = {g.id: [] for g in found_groups}
                for note_id, group_id, is_hidden, authors in session.execute(
                    select(
                        WorkshopNote.id,
                        WorkshopNote.group_id,
                        WorkshopNote.hidden,
                        WorkshopNote.authors,
                    )
                    .where(WorkshopNote.group_id.in_(list(members)))
                    .order_by(WorkshopNote.created_at, WorkshopNote.id)
                ):
                    members[str(group_id)].append(
                        {"id": note_id, "hidden": is_hidden, "authors": authors}
                    )
                groups = [(g, members[g.id]) for g in found_groups]
        rounds: list[tuple[WorkshopRound, dict[str, dict[str, int]]]] = []
        if change.full or change.rounds:
            query = select(WorkshopRound).where(WorkshopRound.workshop_id == record.id)
            if not change.full:
                query = query.where(WorkshopRound.id.in_(change.rounds))
            for found_round in session.scalars(
                query.order_by(WorkshopRound.created_at, WorkshopRound.id)
            ):
                rounds.append((found_round, votes_by_person(session, found_round.id)))
        return Snapshot(
            change,
            workshop,
            people,
            notes,
            hidden,
            groups,
            rounds,
            iso(utcnow()) or "",
            accounts,
        )


def person_of_account(db: Database, workshop_id: str, account_id: str) -> str | None:
    """The account's person in the workshop, if it joined."""
    from journeyline.store.workshop_tables import WorkshopPerson

    with db.reading() as session:
        return session.scalar(
            select(WorkshopPerson.id).where(
                WorkshopPerson.workshop_id == workshop_id, WorkshopPerson.account_id == account_id
            )
        )


__all__ = ["Change", "Snapshot", "iso", "names_of", "read_snapshot"]
