"""Workshops kept with their map: the agenda and timer, the people and their roles, guests.

Who may do what: any member of the workspace reads a workshop and joins it; the workshop's
guests (accounts made for it, `accounts.guest_of`) read it and take part until it ends;
the facilitator (at first, the member who created it) runs the timer, the switches, the
rounds and the end. Workspace viewers read and never write. Notes, groups and conversion
are in `store.workshop_notes`, voting rounds in `store.workshop_votes`.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from journeyline.errors import Diagnostic, InvalidInput, NotFound
from journeyline.store import accounts
from journeyline.store.access import Actor, Role, require
from journeyline.store.database import Database
from journeyline.store.errors import Conflict, PermissionDenied
from journeyline.store.tables import Account, ApiToken, BrowserSession, MapRecord, new_id, utcnow
from journeyline.store.workshop_tables import WorkshopNote, WorkshopPerson, WorkshopRecord
from journeyline.workshop import agenda as agendas
from journeyline.workshop.agenda import iso

WORKSHOP_ROLES = ("facilitator", "scribe", "participant")
TITLE_LENGTH = 300
NAME_LENGTH = 80
GUEST_EMAIL_DOMAIN = "guests.journeyline.invalid"
"""Guest accounts' addresses end in a reserved domain (RFC 2606): no mail ever reaches one."""


def _invalid(message: str, hint: str) -> InvalidInput:
    return InvalidInput(message, [Diagnostic(message, hint=hint)])


def workshop_not_found(workshop_id: str) -> NotFound:
    """The answer for a workshop that does not exist or that the actor cannot reach."""
    return NotFound(
        f"workshop '{workshop_id}' does not exist in this workspace",
        [
            Diagnostic(
                f"workshop '{workshop_id}' does not exist", hint="list them with GET …/workshops"
            )
        ],
    )


@dataclass
class Seat:
    """Who acts in a workshop: its row, its map's id, their person (None: a member who has
    not joined), and what the workspace lets them do (guests: commenter)."""

    workshop: WorkshopRecord
    map_id: str
    person: WorkshopPerson | None
    role: Role
    actor: Actor

    @property
    def workshop_role(self) -> str | None:
        return self.person.role if self.person is not None else None

    @property
    def is_facilitator(self) -> bool:
        return self.workshop_role == "facilitator"

    @property
    def leads(self) -> bool:
        """Facilitator or scribe: may edit anyone's notes and convert them."""
        return self.workshop_role in ("facilitator", "scribe")


def seat(session: Session, actor: Actor, workspace_id: str, workshop_id: str) -> Seat:
    """The actor's seat in the workshop; NotFound for outsiders and other workshops' guests."""
    if actor.guest_of is not None:
        if actor.guest_of != workshop_id:
            raise workshop_not_found(workshop_id)
        role = Role.commenter
    else:
        role = require(session, actor, workspace_id, Role.viewer).role
    row = session.execute(
        select(WorkshopRecord, MapRecord.map_id)
        .join(MapRecord, MapRecord.pk == WorkshopRecord.map_pk)
        .where(WorkshopRecord.id == workshop_id, WorkshopRecord.workspace_id == workspace_id)
    ).first()
    if row is None:
        raise workshop_not_found(workshop_id)
    workshop, map_id = row
    if actor.guest_of is not None and workshop.status == "ended":
        raise workshop_not_found(workshop_id)
    person = session.scalar(
        select(WorkshopPerson).where(
            WorkshopPerson.workshop_id == workshop_id, WorkshopPerson.account_id == actor.account_id
        )
    )
    return Seat(workshop, map_id, person, role, actor)


def check_seat(db: Database, actor: Actor, workspace_id: str, workshop_id: str) -> None:
    """NotFound unless the actor may reach the workshop (checked before reading a request)."""
    with db.reading() as session:
        seat(session, actor, workspace_id, workshop_id)


def require_facilitator(found: Seat, what: str) -> None:
    """PermissionDenied unless the seat is the facilitator's."""
    if not found.is_facilitator:
        raise PermissionDenied(
            f"only the facilitator can {what} (ask them, or to be made facilitator)"
        )


def require_running(found: Seat) -> None:
    """Conflict once the workshop has ended: its record is kept as it was."""
    if found.workshop.status == "ended":
        raise Conflict("this workshop has ended; its record is kept as it was (start a new one)")


def take_part(session: Session, found: Seat) -> WorkshopPerson:
    """The seat's person, ready to write: members who can comment join as participants on
    their first change; viewers and, while editing is locked, participants are refused."""
    require_running(found)
    if not found.role.allows(Role.commenter):
        raise PermissionDenied(
            "your role in this workspace is viewer: you can follow the workshop but not write "
            "(ask an owner to make you a commenter)"
        )
    if found.person is None:
        found.person = _add_person(session, found.workshop, found.actor, "participant", guest=False)
    return found.person


def require_unlocked(found: Seat) -> None:
    """PermissionDenied for participants while the facilitator has locked editing."""
    if found.workshop.locked and not found.leads:
        raise PermissionDenied("the facilitator has locked editing for now")


def _add_person(
    session: Session,
    workshop: WorkshopRecord,
    actor: Actor,
    role: str,
    *,
    guest: bool,
    name: str | None = None,
) -> WorkshopPerson:
    person = WorkshopPerson(
        id=new_id("wp"),
        workshop_id=workshop.id,
        account_id=actor.account_id,
        name=(name or actor.name)[:200],
        role=role,
        guest=guest,
        joined_at=utcnow(),
    )
    session.add(person)
    session.flush()
    return person


def person_dict(person: WorkshopPerson, present: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The API form of a person."""
    return {
        "id": person.id,
        "name": person.name,
        "role": person.role,
        "guest": person.guest,
        "joined_at": iso(person.joined_at),
        "present": person.id in present,
    }


def people_of(session: Session, workshop_id: str) -> list[WorkshopPerson]:
    """Everyone in the workshop, in the order they joined."""
    return list(
        session.scalars(
            select(WorkshopPerson)
            .where(WorkshopPerson.workshop_id == workshop_id)
            .order_by(WorkshopPerson.joined_at, WorkshopPerson.id)
        )
    )


def workshop_dict(
    session: Session,
    workshop: WorkshopRecord,
    map_id: str,
    base_url: str,
    *,
    present: frozenset[str] = frozenset(),
    me: WorkshopPerson | None = None,
) -> dict[str, Any]:
    """The API form of a workshop (`me` for the reader; None: not joined)."""
    now = utcnow()
    people = people_of(session, workshop.id)
    return {
        "id": workshop.id,
        "map": map_id,
        "workspace": workshop.workspace_id,
        "title": workshop.title,
        "status": workshop.status,
        "agenda": agendas.agenda_view(workshop.agenda, workshop.timer, now),
        "current": workshop.current,
        "timer": agendas.timer_view(workshop.timer, workshop.audible),
        "locked": workshop.locked,
        "hidden": workshop.hidden,
        "summon": workshop.summon,
        "join_url": join_url(base_url, workshop.join_token) if workshop.status != "ended" else None,
        "people": [person_dict(p, present) for p in people],
        "me": person_dict(me, present) if me is not None else None,
        "created_at": iso(workshop.created_at),
        "ended_at": iso(workshop.ended_at),
        "server_time": iso(now),
    }


def join_url(base_url: str, token: str) -> str:
    """The guests' link: the board's join page."""
    return f"{base_url.rstrip('/')}/join/{token}"


def _seat_dict(
    session: Session, found: Seat, base_url: str, present: frozenset[str]
) -> dict[str, Any]:
    return workshop_dict(
        session, found.workshop, found.map_id, base_url, present=present, me=found.person
    )


def _touch(workshop: WorkshopRecord) -> None:
    workshop.updated_at = utcnow()


# --- create, read, change ---------------------------------------------------------------------


def create_workshop(
    db: Database, actor: Actor, workspace_id: str, body: dict[str, Any], *, base_url: str
) -> dict[str, Any]:
    """A new workshop on a map (`{"map"}`) or on a new map made from a template
    (`{"template"}`), with the practice's agenda; its creator is the facilitator. Editors."""
    with db.reading() as session:
        require(session, actor, workspace_id, Role.editor)
    unknown = set(body) - {"map", "template", "title"}
    if unknown:
        raise _invalid(f"unknown field '{sorted(unknown)[0]}'", "send map or template, and title")
    for key in ("map", "template", "title"):
        if body.get(key) is not None and not isinstance(body[key], str):
            raise _invalid(f"{key}: a string", f'e.g. {{"{key}": "…"}}')
    map_id, template, title = body.get("map"), body.get("template"), body.get("title")
    if (map_id is None) == (template is None):
        raise _invalid(
            "name the map or a template to start from", 'send {"map": MAP_ID} or {"template": NAME}'
        )
    if title is not None and (not title.strip() or len(title) > TITLE_LENGTH):
        raise _invalid(
            f"title: 1 to {TITLE_LENGTH} characters", "e.g. 'Trial journey, May workshop'"
        )
    if template is not None:
        from journeyline.store.importing import create_map_from_template

        map_id = create_map_from_template(db, actor, workspace_id, template, None).state.journey.id
    assert map_id is not None
    with db.writing() as session:
        require(session, actor, workspace_id, Role.editor)
        record = session.scalar(
            select(MapRecord).where(
                MapRecord.workspace_id == workspace_id, MapRecord.map_id == map_id
            )
        )
        if record is None:
            raise NotFound(
                f"map '{map_id}' does not exist in this workspace",
                [Diagnostic(f"map '{map_id}' does not exist", hint="list them with GET …/maps")],
            )
        now = utcnow()
        workshop = WorkshopRecord(
            id=new_id("ws"),
            workspace_id=workspace_id,
            map_pk=record.pk,
            title=(title or f"{record.name} workshop").strip()[:TITLE_LENGTH],
            status="planned",
            agenda=agendas.default_agenda(),
            current=None,
            timer=agendas.idle_timer(),
            locked=False,
            hidden=False,
            audible=False,
            summon=None,
            ignored=None,
            join_token=secrets.token_urlsafe(24),
            created_by=actor.account_id,
            created_at=now,
            updated_at=now,
        )
        session.add(workshop)
        session.flush()
        me = _add_person(session, workshop, actor, "facilitator", guest=False)
        return workshop_dict(session, workshop, record.map_id, base_url, me=me)


def list_workshops(
    db: Database, actor: Actor, workspace_id: str, base_url: str, *, map_id: str | None = None
) -> list[dict[str, Any]]:
    """The workspace's workshops, newest first (members only)."""
    with db.reading() as session:
        require(session, actor, workspace_id, Role.viewer)
        query = (
            select(WorkshopRecord, MapRecord.map_id)
            .join(MapRecord, MapRecord.pk == WorkshopRecord.map_pk)
            .where(WorkshopRecord.workspace_id == workspace_id)
            .order_by(WorkshopRecord.created_at.desc(), WorkshopRecord.id)
        )
        if map_id is not None:
            query = query.where(MapRecord.map_id == map_id)
        out = []
        for workshop, found_map in session.execute(query).all():
            me = session.scalar(
                select(WorkshopPerson).where(
                    WorkshopPerson.workshop_id == workshop.id,
                    WorkshopPerson.account_id == actor.account_id,
                )
            )
            out.append(workshop_dict(session, workshop, found_map, base_url, me=me))
        return out


def get_workshop(
    db: Database,
    actor: Actor,
    workspace_id: str,
    workshop_id: str,
    base_url: str,
    present: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """One workshop as its reader sees it."""
    with db.reading() as session:
        found = seat(session, actor, workspace_id, workshop_id)
        return _seat_dict(session, found, base_url, present)


def patch_workshop(
    db: Database,
    actor: Actor,
    workspace_id: str,
    workshop_id: str,
    changes: dict[str, Any],
    base_url: str,
) -> dict[str, Any]:
    """Change title, agenda, locked, hidden or audible (facilitator).

    Turning `hidden` off is the reveal: every note becomes visible."""
    allowed = {"title", "agenda", "locked", "hidden", "audible"}
    unknown = set(changes) - allowed
    if unknown:
        raise _invalid(
            f"unknown field '{sorted(unknown)[0]}'",
            f"a workshop's changeable fields: {', '.join(sorted(allowed))}",
        )
    with db.writing() as session:
        found = seat(session, actor, workspace_id, workshop_id)
        require_facilitator(found, "change the workshop")
        require_running(found)
        workshop = found.workshop
        if "title" in changes:
            title = changes["title"]
            if not isinstance(title, str) or not title.strip() or len(title) > TITLE_LENGTH:
                raise _invalid(f"title: 1 to {TITLE_LENGTH} characters", "e.g. 'May workshop'")
            workshop.title = title.strip()
        if "agenda" in changes:
            steps = agendas.edited_agenda(workshop.agenda, changes["agenda"])
            current_id = (
                workshop.agenda[workshop.current]["id"] if workshop.current is not None else None
            )
            ids = [s["id"] for s in steps]
            timer = dict(workshop.timer)
            if current_id in ids:
                workshop.current = ids.index(current_id)
            elif workshop.current is not None:
                workshop.current = min(workshop.current, len(steps) - 1)
                timer.update(
                    state="idle",
                    ends_at=None,
                    remaining=float(steps[workshop.current]["minutes"]) * 60,
                    run_started=None,
                )
            timer["step"] = workshop.current
            workshop.agenda = steps
            workshop.timer = timer
        for flag in ("locked", "hidden", "audible"):
            if flag in changes:
                if not isinstance(changes[flag], bool):
                    raise _invalid(f"{flag}: true or false", f'e.g. {{"{flag}": true}}')
                setattr(workshop, flag, changes[flag])
        if changes.get("hidden") is False:
            _reveal_notes(session, workshop.id)
        _touch(workshop)
        session.flush()
        return _seat_dict(session, found, base_url, frozenset())


def _reveal_notes(session: Session, workshop_id: str) -> None:
    from sqlalchemy import update

    session.execute(
        update(WorkshopNote)
        .where(WorkshopNote.workshop_id == workshop_id, WorkshopNote.hidden.is_(True))
        .values(hidden=False)
    )


def reveal(
    db: Database, actor: Actor, workspace_id: str, workshop_id: str, base_url: str
) -> dict[str, Any]:
    """The facilitator's reveal: hidden notes end, every note is visible to everyone."""
    return patch_workshop(db, actor, workspace_id, workshop_id, {"hidden": False}, base_url)


def timer_action(
    db: Database,
    actor: Actor,
    workspace_id: str,
    workshop_id: str,
    action: str,
    base_url: str,
    *,
    minutes: float | None = None,
    step: int | None = None,
) -> dict[str, Any]:
    """Start, pause, resume, extend, next, previous or goto (facilitator), on the server's clock."""
    with db.writing() as session:
        found = seat(session, actor, workspace_id, workshop_id)
        require_facilitator(found, "run the timer")
        require_running(found)
        workshop = found.workshop
        agenda = [dict(s) for s in workshop.agenda]
        timer = agendas.Timer(agenda, dict(workshop.timer), workshop.current, utcnow())
        timer.act(action, minutes=minutes, step=step)
        workshop.agenda = agenda
        workshop.timer = timer.timer
        workshop.current = timer.current
        if workshop.status == "planned" and timer.timer["state"] == "running":
            workshop.status = "running"
        _touch(workshop)
        session.flush()
        return _seat_dict(session, found, base_url, frozenset())


def summon(
    db: Database, actor: Actor, workspace_id: str, workshop_id: str, view: Any, base_url: str
) -> dict[str, Any]:
    """Bring everyone to the facilitator's view (a step of the agenda, a stage, an element)."""
    if not isinstance(view, dict) or set(view) - {"step", "stage", "element"}:
        raise _invalid(
            "view: an object with step, stage and element",
            '{"step": 3, "stage": "sign-up", "element": null}',
        )
    step = view.get("step")
    if step is not None and (isinstance(step, bool) or not isinstance(step, int)):
        raise _invalid("view.step: an index into the agenda", "or null")
    for key in ("stage", "element"):
        value = view.get(key)
        if value is not None and (not isinstance(value, str) or len(value) > 200):
            raise _invalid(f"view.{key}: an id of at most 200 characters", "or null")
    with db.writing() as session:
        found = seat(session, actor, workspace_id, workshop_id)
        require_facilitator(found, "summon everyone")
        require_running(found)
        assert found.person is not None
        found.workshop.summon = {
            "by": found.person.id,
            "by_name": found.person.name,
            "view": {"step": step, "stage": view.get("stage"), "element": view.get("element")},
            "at": iso(utcnow()),
        }
        _touch(found.workshop)
        session.flush()
        return _seat_dict(session, found, base_url, frozenset())


def end_workshop(
    db: Database, actor: Actor, workspace_id: str, workshop_id: str, base_url: str
) -> tuple[dict[str, Any], list[str]]:
    """End the workshop (facilitator): the clock stops, and its guests' sessions and tokens
    stop working at once. Answers the workshop and the guests' account ids."""
    with db.writing() as session:
        found = seat(session, actor, workspace_id, workshop_id)
        require_facilitator(found, "end the workshop")
        workshop = found.workshop
        if workshop.status != "ended":
            agenda = [dict(s) for s in workshop.agenda]
            timer = agendas.Timer(agenda, dict(workshop.timer), workshop.current, utcnow())
            timer.close()
            workshop.agenda = agenda
            workshop.timer = timer.timer
            workshop.status = "ended"
            workshop.ended_at = utcnow()
            workshop.hidden = False
            _reveal_notes(session, workshop.id)
            _touch(workshop)
        guests = list(session.scalars(select(Account.id).where(Account.guest_of == workshop.id)))
        if guests:
            session.execute(delete(BrowserSession).where(BrowserSession.account_id.in_(guests)))
            session.execute(delete(ApiToken).where(ApiToken.account_id.in_(guests)))
        session.flush()
        return _seat_dict(session, found, base_url, frozenset()), guests


def set_role(
    db: Database, actor: Actor, workspace_id: str, workshop_id: str, person_id: str, role: Any
) -> dict[str, Any]:
    """Make someone facilitator, scribe or participant (facilitator); a workshop keeps at
    least one facilitator who is a member of the workspace."""
    if role not in WORKSHOP_ROLES:
        raise _invalid(
            f"unknown workshop role '{role}'", f"use one of: {', '.join(WORKSHOP_ROLES)}"
        )
    with db.writing() as session:
        found = seat(session, actor, workspace_id, workshop_id)
        require_facilitator(found, "give roles")
        require_running(found)
        person = session.get(WorkshopPerson, person_id)
        if person is None or person.workshop_id != workshop_id:
            raise NotFound(f"person '{person_id}' is not in this workshop")
        if role == "facilitator" and person.guest:
            raise PermissionDenied(
                "a guest cannot facilitate: make a member of the workspace facilitator"
            )
        if person.role == "facilitator" and role != "facilitator":
            others = [
                p
                for p in people_of(session, workshop_id)
                if p.role == "facilitator" and p.id != person.id
            ]
            if not others:
                raise Conflict(
                    "a workshop needs a facilitator: make someone else facilitator first"
                )
        person.role = role
        _touch(found.workshop)
        session.flush()
        return person_dict(person)


def join_member(
    db: Database, actor: Actor, workspace_id: str, workshop_id: str, base_url: str
) -> dict[str, Any]:
    """A member joins from the map (as a participant; joining again changes nothing)."""
    with db.writing() as session:
        found = seat(session, actor, workspace_id, workshop_id)
        require_running(found)
        if found.person is None:
            found.person = _add_person(session, found.workshop, actor, "participant", guest=False)
            _touch(found.workshop)
        return _seat_dict(session, found, base_url, frozenset())


# --- guests ------------------------------------------------------------------------------------


def _by_token(session: Session, token: str) -> tuple[WorkshopRecord, MapRecord]:
    row = session.execute(
        select(WorkshopRecord, MapRecord)
        .join(MapRecord, MapRecord.pk == WorkshopRecord.map_pk)
        .where(WorkshopRecord.join_token == token)
    ).first()
    if row is None or row[0].status == "ended":
        raise NotFound(
            "this workshop link is not valid (the workshop ended, or the link is mistyped)",
            [
                Diagnostic(
                    "unknown or ended workshop link",
                    hint="ask the facilitator for the current link",
                )
            ],
        )
    return row[0], row[1]


def join_info(db: Database, token: str) -> dict[str, Any]:
    """What the join page shows before a guest gives a name."""
    with db.reading() as session:
        workshop, record = _by_token(session, token)
        return {"title": workshop.title, "status": workshop.status, "map_title": record.name}


@dataclass(frozen=True)
class GuestPass:
    """A guest's way in: a browser session, a bearer token, their person, the workshop."""

    signed_in: accounts.SignedIn
    token: str
    person: dict[str, Any]
    workshop: dict[str, str]


def join_as_guest(db: Database, token: str, name: Any, lifetime: dt.timedelta) -> GuestPass:
    """A guest joins with a display name and no account: an account made for this workshop
    only, a session and a bearer token, all of which stop working when the workshop ends."""
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > NAME_LENGTH:
        raise _invalid(
            f"name: your display name, 1 to {NAME_LENGTH} characters", 'e.g. {"name": "Sam"}'
        )
    shown = " ".join(name.split())
    with db.writing() as session:
        workshop, record = _by_token(session, token)
        account_id = new_id("a")
        account = Account(
            id=account_id,
            email=f"{account_id.lower()}@{GUEST_EMAIL_DOMAIN}",
            name=f"{shown} (guest)"[:200],
            password_hash=None,
            is_admin=False,
            created_at=utcnow(),
            guest_of=workshop.id,
        )
        session.add(account)
        session.flush()
        actor = accounts.actor_of(account)
        person = _add_person(session, workshop, actor, "participant", guest=True, name=shown)
        secret = accounts.TOKEN_PREFIX + secrets.token_urlsafe(32)
        session.add(
            ApiToken(
                id=new_id("t"),
                account_id=account_id,
                name=f"workshop guest {workshop.id}",
                token_hash=accounts.hash_secret(secret),
                created_at=utcnow(),
            )
        )
        signed_in = accounts.start_session(session, account, lifetime)
        _touch(workshop)
        return GuestPass(
            signed_in,
            secret,
            person_dict(person),
            {"id": workshop.id, "workspace": workshop.workspace_id, "map": record.map_id},
        )
