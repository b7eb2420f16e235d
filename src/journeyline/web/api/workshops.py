"""Workshop mode: the agenda and timer, people and guests, notes and groups, conversion into
the map, voting rounds, the record and the summary; and the workshop's live channel.

Every route is one call into `journeyline.store.workshops*`; after a change, the live
channel is told what changed (`WorkshopHub.publish`) and sends each connection its view.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Annotated, Any, Literal

from anyio import to_thread
from fastapi import APIRouter, Body, Depends, Query, Request, WebSocket
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.websockets import WebSocketDisconnect, WebSocketState

from journeyline.errors import JourneylineError, NotFound
from journeyline.store import accounts
from journeyline.store import workshop_notes as notes_store
from journeyline.store import workshop_record as record_store
from journeyline.store import workshop_votes as votes_store
from journeyline.store import workshops as store
from journeyline.store.access import Actor
from journeyline.store.database import Database
from journeyline.store.errors import NotSignedIn, PermissionDenied
from journeyline.store.workshop_live import Change, person_of_account
from journeyline.web.api.common import CurrentActor, Db, Workers, file_responses
from journeyline.web.auth import (
    SESSION_COOKIE,
    is_cross_site,
    refuse_cross_site,
    set_session_cookies,
    settings_of,
)
from journeyline.web.errors import ErrorEnvelope
from journeyline.web.requests import ApiRoute
from journeyline.workshop.channel import WorkshopHub
from journeyline.workshop.summary import markdown_pdf

log = logging.getLogger("journeyline.workshop")

CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {
        "model": ErrorEnvelope,
        "description": "The workshop ended, a round is closed, or a vote is past the budget",
    }
}


def seated(request: Request, actor: CurrentActor, db: Db) -> None:
    """Who may reach the workshop in the address is checked before anything the request
    carries: outsiders and other workshops' guests are told it does not exist."""
    workspace_id = request.path_params.get("workspace_id")
    workshop_id = request.path_params.get("workshop_id")
    if workspace_id is not None and workshop_id is not None:
        store.check_seat(db, actor, workspace_id, workshop_id)


router = APIRouter(
    prefix="/api/workspaces/{workspace_id}/workshops",
    tags=["workshops"],
    route_class=ApiRoute,
    responses=CONFLICT,
    dependencies=[Depends(seated)],
)
channel = APIRouter()
guests = APIRouter(prefix="/api/workshops", tags=["workshops"], route_class=ApiRoute)

JsonObject = Annotated[dict[str, Any], Body()]


def hub_of(request: Request | WebSocket) -> WorkshopHub:
    """The app's workshop channel."""
    hub: WorkshopHub = request.app.state.workshops
    return hub


def base_url(request: Request) -> str:
    """Where links point: the `public_url` setting, or the address the request came to."""
    settings = settings_of(request)
    found = (
        settings.public_url.rstrip("/")
        if settings.public_url
        else str(request.base_url).rstrip("/")
    )
    hub_of(request).seen_base_url = found
    return found


def _publish(request: Request, change: Change) -> None:
    hub_of(request).publish(change)


def _workshop(request: Request, result: dict[str, Any], **change: Any) -> JSONResponse:
    _publish(request, Change(result["id"], itself=True, **change))
    return JSONResponse(result)


# --- workshops -----------------------------------------------------------------------------


@router.post(
    "", summary="Start a workshop on a map (or on a new map from a template)", status_code=201
)
def create_workshop(
    workspace_id: str, body: JsonObject, request: Request, actor: CurrentActor, db: Db
) -> JSONResponse:
    """Editors. `{"map": MAP_ID}` or `{"template": NAME, "title"?}`; answers the Workshop with the
    practice's default agenda; its creator is the facilitator."""
    made = store.create_workshop(db, actor, workspace_id, body, base_url=base_url(request))
    return JSONResponse(made, status_code=201)


@router.get("", summary="The workspace's workshops, newest first")
def list_workshops(
    workspace_id: str,
    request: Request,
    actor: CurrentActor,
    db: Db,
    map: Annotated[
        str | None, Query(max_length=200, description="Only this map's workshops.")
    ] = None,
) -> dict[str, Any]:
    """Members."""
    return {
        "workshops": store.list_workshops(db, actor, workspace_id, base_url(request), map_id=map)
    }


@router.get("/{workshop_id}", summary="A workshop: agenda, timer, people, switches")
def get_workshop(
    workspace_id: str, workshop_id: str, request: Request, actor: CurrentActor, db: Db
) -> dict[str, Any]:
    """Members and the workshop's guests. `server_time` lets a client correct its clock."""
    return store.get_workshop(
        db,
        actor,
        workspace_id,
        workshop_id,
        base_url(request),
        hub_of(request).present(workshop_id),
    )


@router.patch("/{workshop_id}", summary="Change the title, agenda, locked, hidden or audible")
def patch_workshop(
    workspace_id: str,
    workshop_id: str,
    body: JsonObject,
    request: Request,
    actor: CurrentActor,
    db: Db,
) -> JSONResponse:
    """Facilitator. The agenda is replaced as a list (steps keep their ids; new ones have none);
    `hidden: false` reveals every note."""
    result = store.patch_workshop(db, actor, workspace_id, workshop_id, body, base_url(request))
    if "locked" in body:
        _relock_guests(request, workshop_id)
    return _workshop(request, result, full="hidden" in body)


def _relock_guests(request: Request, workshop_id: str) -> None:
    """Guests' map connections reconnect to take up their new role (locked: read-only)."""
    db: Database = request.app.state.db
    from sqlalchemy import select

    from journeyline.store.tables import Account

    with db.reading() as session:
        ids = set(session.scalars(select(Account.id).where(Account.guest_of == workshop_id)))
    _close_map_peers(request, ids, 1012, "the facilitator changed who may edit; reconnecting")


def _close_map_peers(request: Request, account_ids: set[str], code: int, reason: str) -> None:
    rooms = request.app.state.live
    hub = hub_of(request)

    def close() -> None:
        for room in list(rooms.open.values()):
            for peer in list(room.peers):
                if getattr(peer, "account_id", None) in account_ids:
                    peer.close(code, reason)

    if account_ids:
        hub.call_soon(close)


@router.post(
    "/{workshop_id}/timer",
    summary="Run the shared timer: start, pause, resume, extend, next, previous, goto",
)
def timer(
    workspace_id: str,
    workshop_id: str,
    body: JsonObject,
    request: Request,
    actor: CurrentActor,
    db: Db,
) -> JSONResponse:
    """Facilitator. `{"action", "minutes"? (extend), "step"? (goto)}`; `next` records the time
    spent on the step it leaves."""
    action = body.get("action")
    minutes = body.get("minutes")
    step = body.get("step")
    if minutes is not None and (isinstance(minutes, bool) or not isinstance(minutes, int | float)):
        minutes = -1
    if step is not None and (isinstance(step, bool) or not isinstance(step, int)):
        step = -1
    result = store.timer_action(
        db,
        actor,
        workspace_id,
        workshop_id,
        str(action),
        base_url(request),
        minutes=minutes,
        step=step,
    )
    return _workshop(request, result)


@router.post("/{workshop_id}/summon", summary="Bring everyone to the facilitator's view")
def summon(
    workspace_id: str,
    workshop_id: str,
    body: JsonObject,
    request: Request,
    actor: CurrentActor,
    db: Db,
) -> JSONResponse:
    """Facilitator. `{"view": {"step", "stage", "element"}}`."""
    result = store.summon(db, actor, workspace_id, workshop_id, body.get("view"), base_url(request))
    return _workshop(request, result, summon=True)


@router.post("/{workshop_id}/end", summary="End the workshop (guest links and tokens stop working)")
def end(
    workspace_id: str, workshop_id: str, request: Request, actor: CurrentActor, db: Db
) -> JSONResponse:
    """Facilitator."""
    result, guest_accounts = store.end_workshop(
        db, actor, workspace_id, workshop_id, base_url(request)
    )
    _close_map_peers(request, set(guest_accounts), 4401, "the workshop has ended")
    _publish(request, Change(workshop_id, ended=True))
    return JSONResponse(result)


@router.post("/{workshop_id}/join", summary="Join the workshop as a participant (members)")
def join(
    workspace_id: str, workshop_id: str, request: Request, actor: CurrentActor, db: Db
) -> JSONResponse:
    """Any member of the workspace; the member who created it is its facilitator."""
    return _workshop(
        request, store.join_member(db, actor, workspace_id, workshop_id, base_url(request))
    )


@router.put(
    "/{workshop_id}/people/{person_id}",
    summary="Give someone a role: facilitator, scribe or participant",
)
def set_role(
    workspace_id: str,
    workshop_id: str,
    person_id: str,
    body: JsonObject,
    request: Request,
    actor: CurrentActor,
    db: Db,
) -> JSONResponse:
    """Facilitator."""
    person = store.set_role(db, actor, workspace_id, workshop_id, person_id, body.get("role"))
    _publish(request, Change(workshop_id, full=True, itself=True))
    return JSONResponse(person)


# --- guests -----------------------------------------------------------------------------------


@guests.get("/join/{token}", summary="What a workshop link leads to (for the join page)")
def join_info(token: str, db: Db) -> dict[str, Any]:
    """No sign-in. 404 for an unknown or ended workshop."""
    return store.join_info(db, token)


@guests.post(
    "/join/{token}", summary="Join a workshop as a guest, with a display name", status_code=201
)
def join_as_guest(token: str, body: JsonObject, request: Request, db: Db) -> JSONResponse:
    """No sign-in. Answers a bearer `token` and sets the session cookie; both reach only this
    workshop and its map, and stop working when the workshop ends."""
    refuse_cross_site(request)
    import datetime as dt

    lifetime = dt.timedelta(days=min(settings_of(request).session_days, 2))
    made = store.join_as_guest(db, token, body.get("name"), lifetime)
    response = JSONResponse(
        {
            "token": made.token,
            "person": made.person,
            "workshop": made.workshop,
            "csrf_token": made.signed_in.csrf_token,
        },
        status_code=201,
    )
    set_session_cookies(
        request,
        response,
        made.signed_in.token,
        made.signed_in.csrf_token,
        made.signed_in.expires_at,
    )
    _publish(request, Change(made.workshop["id"], itself=True))
    return response


# --- notes and groups ------------------------------------------------------------------------


@router.get("/{workshop_id}/notes", summary="The notes and groups you may see")
def list_notes(workspace_id: str, workshop_id: str, actor: CurrentActor, db: Db) -> dict[str, Any]:
    """While notes are hidden, others' hidden notes are absent; `hidden_counts` says how many each holds."""
    return notes_store.list_notes(db, actor, workspace_id, workshop_id)


@router.post("/{workshop_id}/notes", summary="Add a sticky note", status_code=201)
def add_note(
    workspace_id: str,
    workshop_id: str,
    body: JsonObject,
    request: Request,
    actor: CurrentActor,
    db: Db,
) -> JSONResponse:
    """`{"kind", "text", "place"}`. At most 20 notes per person every 10 seconds (429 with Retry-After)."""
    note = notes_store.add_note(db, actor, workspace_id, workshop_id, body)
    _publish(request, Change(workshop_id, notes=[note["id"]]))
    return JSONResponse(note, status_code=201)


@router.post("/{workshop_id}/notes/merge", summary="Merge duplicate notes into one")
def merge_notes(
    workspace_id: str,
    workshop_id: str,
    body: JsonObject,
    request: Request,
    actor: CurrentActor,
    db: Db,
) -> JSONResponse:
    """`{"notes": [ids], "text"?}`: the first note survives, with every author."""
    note, removed = notes_store.merge_notes(
        db, actor, workspace_id, workshop_id, body.get("notes"), body.get("text")
    )
    _publish(
        request,
        Change(
            workshop_id,
            notes=[note["id"]],
            deleted_notes=removed,
            groups=[note["group"]] if note["group"] else [],
        ),
    )
    return JSONResponse(note)


@router.patch(
    "/{workshop_id}/notes/{note_id}", summary="Change a note's text, kind, place or group"
)
def patch_note(
    workspace_id: str,
    workshop_id: str,
    note_id: str,
    body: JsonObject,
    request: Request,
    actor: CurrentActor,
    db: Db,
) -> JSONResponse:
    """Its author, the scribe or the facilitator."""
    note = notes_store.patch_note(db, actor, workspace_id, workshop_id, note_id, body)
    _publish(
        request,
        Change(workshop_id, notes=[note["id"]], groups=[note["group"]] if note["group"] else []),
    )
    return JSONResponse(note)


@router.delete("/{workshop_id}/notes/{note_id}", summary="Remove a note", status_code=204)
def delete_note(
    workspace_id: str, workshop_id: str, note_id: str, request: Request, actor: CurrentActor, db: Db
) -> Response:
    """Its author, the scribe or the facilitator."""
    notes_store.delete_note(db, actor, workspace_id, workshop_id, note_id)
    _publish(request, Change(workshop_id, deleted_notes=[note_id]))
    return Response(status_code=204)


@router.post("/{workshop_id}/reveal", summary="Reveal every hidden note")
def reveal(
    workspace_id: str, workshop_id: str, request: Request, actor: CurrentActor, db: Db
) -> JSONResponse:
    """Facilitator. Silent brainstorming ends: everyone sees every note."""
    result = store.reveal(db, actor, workspace_id, workshop_id, base_url(request))
    return _workshop(request, result, full=True)


@router.post("/{workshop_id}/groups", summary="Group notes under a label", status_code=201)
def add_group(
    workspace_id: str,
    workshop_id: str,
    body: JsonObject,
    request: Request,
    actor: CurrentActor,
    db: Db,
) -> JSONResponse:
    """`{"label", "notes": [ids], "place"?}`."""
    group = notes_store.add_group(
        db,
        actor,
        workspace_id,
        workshop_id,
        body.get("label"),
        body.get("notes"),
        body.get("place"),
    )
    _publish(request, Change(workshop_id, groups=[group["id"]], notes=group["notes"]))
    return JSONResponse(group, status_code=201)


@router.patch("/{workshop_id}/groups/{group_id}", summary="Relabel a group or change its notes")
def patch_group(
    workspace_id: str,
    workshop_id: str,
    group_id: str,
    body: JsonObject,
    request: Request,
    actor: CurrentActor,
    db: Db,
) -> JSONResponse:
    """`{"label"?, "notes"?, "place"?}`."""
    group, touched = notes_store.patch_group(db, actor, workspace_id, workshop_id, group_id, body)
    _publish(request, Change(workshop_id, groups=[group_id], notes=touched))
    return JSONResponse(group)


@router.delete(
    "/{workshop_id}/groups/{group_id}", summary="Remove a group (its notes stay)", status_code=204
)
def delete_group(
    workspace_id: str,
    workshop_id: str,
    group_id: str,
    request: Request,
    actor: CurrentActor,
    db: Db,
) -> Response:
    touched = notes_store.delete_group(db, actor, workspace_id, workshop_id, group_id)
    _publish(request, Change(workshop_id, deleted_groups=[group_id], notes=touched))
    return Response(status_code=204)


@router.get("/{workshop_id}/suggestions", summary="Notes that say the same thing (text similarity)")
def suggestions(workspace_id: str, workshop_id: str, actor: CurrentActor, db: Db) -> dict[str, Any]:
    """Computed on the server (character n-gram TF-IDF and cosine similarity)."""
    return {"suggestions": notes_store.suggestions(db, actor, workspace_id, workshop_id)}


@router.post(
    "/{workshop_id}/suggestions/{suggestion_id}",
    summary="Accept (group), merge or ignore a suggestion",
)
def act_on_suggestion(
    workspace_id: str,
    workshop_id: str,
    suggestion_id: str,
    body: JsonObject,
    request: Request,
    actor: CurrentActor,
    db: Db,
) -> JSONResponse:
    """`{"action": "accept" | "merge" | "ignore"}`."""
    result = notes_store.act_on_suggestion(
        db, actor, workspace_id, workshop_id, suggestion_id, body.get("action")
    )
    if "group" in result:
        _publish(
            request,
            Change(workshop_id, groups=[result["group"]["id"]], notes=result["group"]["notes"]),
        )
    elif "note" in result:
        _publish(
            request,
            Change(
                workshop_id, notes=[result["note"]["id"]], deleted_notes=result["deleted_notes"]
            ),
        )
    return JSONResponse(result)


@router.post("/{workshop_id}/convert", summary="Turn notes or a group into map elements")
def convert(
    workspace_id: str,
    workshop_id: str,
    body: JsonObject,
    request: Request,
    actor: CurrentActor,
    db: Db,
) -> JSONResponse:
    """Facilitator or scribe (an editor of the workspace). One map revision, through the live
    document when the map is open; evidence of kind "workshop" names the workshop and the authors."""
    result, converted = notes_store.convert(db, actor, workspace_id, workshop_id, body)
    _publish(request, Change(workshop_id, notes=converted))
    return JSONResponse(result)


# --- voting rounds -------------------------------------------------------------------------------


@router.post("/{workshop_id}/rounds", summary="Open a dot-voting round", status_code=201)
def open_round(
    workspace_id: str,
    workshop_id: str,
    body: JsonObject,
    request: Request,
    actor: CurrentActor,
    db: Db,
) -> JSONResponse:
    """Facilitator. `{"targets": "pain_points" | "opportunities" | "groups", "budget"?: 3, "per_item"?}`."""
    found = votes_store.open_round(db, actor, workspace_id, workshop_id, body)
    _publish(request, Change(workshop_id, rounds=[found["id"]]))
    return JSONResponse(found, status_code=201)


@router.get("/{workshop_id}/rounds", summary="The workshop's voting rounds")
def list_rounds(workspace_id: str, workshop_id: str, actor: CurrentActor, db: Db) -> dict[str, Any]:
    return {"rounds": votes_store.list_rounds(db, actor, workspace_id, workshop_id)}


@router.get(
    "/{workshop_id}/rounds/{round_id}",
    summary="One voting round (your votes; results once revealed)",
)
def get_round(
    workspace_id: str, workshop_id: str, round_id: str, actor: CurrentActor, db: Db
) -> dict[str, Any]:
    return votes_store.get_round(db, actor, workspace_id, workshop_id, round_id)


@router.post(
    "/{workshop_id}/rounds/{round_id}/votes", summary="Put one dot on an item", status_code=201
)
def cast(
    workspace_id: str,
    workshop_id: str,
    round_id: str,
    body: JsonObject,
    request: Request,
    actor: CurrentActor,
    db: Db,
) -> JSONResponse:
    """`{"target": ITEM_ID}`; 409 past your budget or the cap per item, or once the round closed."""
    found = votes_store.cast(db, actor, workspace_id, workshop_id, round_id, body.get("target"))
    _publish(request, Change(workshop_id, rounds=[round_id]))
    return JSONResponse(found, status_code=201)


@router.delete(
    "/{workshop_id}/rounds/{round_id}/votes/{target}", summary="Take one of your dots back"
)
def withdraw(
    workspace_id: str,
    workshop_id: str,
    round_id: str,
    target: str,
    request: Request,
    actor: CurrentActor,
    db: Db,
) -> JSONResponse:
    found = votes_store.withdraw(db, actor, workspace_id, workshop_id, round_id, target)
    _publish(request, Change(workshop_id, rounds=[round_id]))
    return JSONResponse(found)


@router.post("/{workshop_id}/rounds/{round_id}/close", summary="Stop taking votes")
def close_round(
    workspace_id: str,
    workshop_id: str,
    round_id: str,
    request: Request,
    actor: CurrentActor,
    db: Db,
) -> JSONResponse:
    """Facilitator."""
    found = votes_store.close_round(db, actor, workspace_id, workshop_id, round_id)
    _publish(request, Change(workshop_id, rounds=[round_id]))
    return JSONResponse(found)


@router.post(
    "/{workshop_id}/rounds/{round_id}/reveal",
    summary="Show the ranked results (and feed them into the map)",
)
def reveal_round(
    workspace_id: str,
    workshop_id: str,
    round_id: str,
    request: Request,
    actor: CurrentActor,
    db: Db,
) -> JSONResponse:
    """Facilitator. A round on opportunities adds its votes to their written votes (priorities)."""
    found = votes_store.reveal_round(db, actor, workspace_id, workshop_id, round_id)
    _publish(request, Change(workshop_id, rounds=[round_id]))
    return JSONResponse(found)


# --- record and follow-ups -----------------------------------------------------------------------


@router.get(
    "/{workshop_id}/record", summary="Attendance, time per step against the plan, notes, rounds"
)
def record(
    workspace_id: str, workshop_id: str, request: Request, actor: CurrentActor, db: Db
) -> dict[str, Any]:
    found = record_store.record(db, actor, workspace_id, workshop_id, base_url(request))
    return {k: v for k, v in found.items() if k not in ("note_list", "groups")}


@router.get(
    "/{workshop_id}/summary",
    summary="The draft stakeholder summary (Markdown or PDF)",
    response_class=Response,
    responses=file_responses(
        ["text/markdown", "application/pdf"], "The summary (PDF needs Chromium)"
    )
    | {503: {"model": ErrorEnvelope, "description": "Chromium is not available for the PDF"}},
)
def summary(
    workspace_id: str,
    workshop_id: str,
    request: Request,
    actor: CurrentActor,
    db: Db,
    workers: Workers,
    format: Annotated[Literal["md", "pdf"], Query()] = "md",
) -> Response:
    """The map's stakeholder summary, then the workshop's outcomes and vote results."""
    text, title = record_store.summary_markdown(
        db, actor, workspace_id, workshop_id, base_url(request)
    )
    if format == "md":
        return PlainTextResponse(text, media_type="text/markdown; charset=utf-8")
    content = workers.run(markdown_pdf, text, title, capped=False)  # Chromium: see insight.render
    return Response(content, media_type="application/pdf")


@router.post(
    "/{workshop_id}/follow-up", summary="Set the map's status and review date after the workshop"
)
def follow_up(
    workspace_id: str, workshop_id: str, body: JsonObject, actor: CurrentActor, db: Db
) -> dict[str, Any]:
    """Facilitator (an editor of the workspace). `{"status"?, "review_date"?: "YYYY-MM-DD"}`."""
    return record_store.follow_up(db, actor, workspace_id, workshop_id, body)


# --- the live channel ------------------------------------------------------------------------------

OUTGOING_LIMIT = 2000


class Listener:
    """One WebSocket on a workshop: its own send queue (a slow client holds no one up)."""

    def __init__(self, websocket: WebSocket, account_id: str, person: str | None) -> None:
        self.websocket = websocket
        self.account_id = account_id
        self.person = person
        self.queue: asyncio.Queue[str | tuple[int, str]] = asyncio.Queue()
        self.closing = False
        self.held: list[dict[str, Any]] | None = []
        """Changes heard before the first state was sent: sent after it (upserts repeat safely)."""

    def send_json(self, message: dict[str, Any]) -> None:
        if self.held is not None:
            self.held.append(message)
            return
        self._send(message)

    def send_first(self, message: dict[str, Any]) -> None:
        """The whole state, then whatever was held back meanwhile."""
        held, self.held = self.held or [], None
        self._send(message)
        for later in held:
            self._send(later)

    def _send(self, message: dict[str, Any]) -> None:
        if self.closing:
            return
        if self.queue.qsize() >= OUTGOING_LIMIT:
            self.close(1013, "this connection fell too far behind; reconnect")
            return
        import json

        self.queue.put_nowait(json.dumps(message, ensure_ascii=False, separators=(",", ":")))

    def close(self, code: int, reason: str) -> None:
        if self.closing:
            return
        self.closing = True
        self.queue.put_nowait((code, reason[:120]))

    async def pump(self) -> None:
        while True:
            item = await self.queue.get()
            if isinstance(item, tuple):
                if self.websocket.application_state != WebSocketState.DISCONNECTED:
                    with contextlib.suppress(Exception):
                        await self.websocket.close(item[0], item[1])
                return
            try:
                await self.websocket.send_text(item)
            except Exception:
                return


def _ws_actor(db: Database, websocket: WebSocket) -> Actor:
    header = websocket.headers.get("authorization", "")
    token = websocket.query_params.get("token")
    if header or token:
        secret = token or ""
        if header:
            scheme, _, secret = header.partition(" ")
            if scheme.lower() != "bearer":
                raise NotSignedIn("send a token as 'Authorization: Bearer …' or ?token=")
        return accounts.look_up_token(db, secret.strip()).actor
    cookie = websocket.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise NotSignedIn("sign in first (session cookie, API token, or a guest's ?token=)")
    if is_cross_site(websocket):
        raise PermissionDenied("refused: the connection came from another site (Origin)")
    return accounts.session_actor(db, cookie)[0]


def _admit(
    db: Database, websocket: WebSocket, workspace_id: str, workshop_id: str
) -> tuple[Actor, str | None]:
    actor = _ws_actor(db, websocket)
    with db.reading() as session:
        found = store.seat(session, actor, workspace_id, workshop_id)
        if found.workshop.status == "ended":
            raise NotFound("this workshop has ended")
        return actor, found.person.id if found.person else None


def _close_code(error: JourneylineError) -> int:
    if isinstance(error, NotSignedIn):
        return 4401
    if isinstance(error, PermissionDenied):
        return 4403
    if isinstance(error, NotFound):
        return 4404
    return 4400


@channel.websocket("/api/workspaces/{workspace_id}/workshops/{workshop_id}/live")
async def live(websocket: WebSocket, workspace_id: str, workshop_id: str) -> None:
    """The workshop's live channel (JSON text messages; see docs/api.md, "Workshops")."""
    db: Database = websocket.app.state.db
    hub = hub_of(websocket)
    await websocket.accept()
    try:
        actor, person = await to_thread.run_sync(_admit, db, websocket, workspace_id, workshop_id)
    except JourneylineError as error:
        await websocket.close(_close_code(error), error.message[:120])
        return
    listener = Listener(websocket, actor.account_id, person)
    hub.join(workshop_id, listener)
    pump = asyncio.get_running_loop().create_task(listener.pump())
    # The first message is the whole state, read for this connection alone.
    from journeyline.store.workshop_live import read_snapshot

    try:
        snapshot = await to_thread.run_sync(
            read_snapshot,
            db,
            Change(workshop_id, full=True, itself=True),
            hub.base_url(),
            hub.present(workshop_id),
        )
        if listener.person is None:
            listener.person = snapshot.accounts.get(actor.account_id)
        listener.send_first(snapshot.message_for(listener.person))
        hub.publish_local(Change(workshop_id, itself=True))
        while not listener.closing:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
            raw = message.get("text")
            if raw is None or len(raw) > 4096:
                listener.close(4400, "send JSON text messages of at most 4096 characters")
                break
    except WebSocketDisconnect:
        pass
    except Exception:
        log.exception("workshop connection failed")
        listener.close(1011, "unexpected server error")
    finally:
        hub.leave(workshop_id, listener)
        hub.publish_local(Change(workshop_id, itself=True))
        if not listener.closing:
            listener.closing = True
            listener.queue.put_nowait((1000, ""))
        try:
            await asyncio.wait_for(pump, 5)
        except Exception:
            pump.cancel()


__all__ = ["channel", "guests", "person_of_account", "router"]
