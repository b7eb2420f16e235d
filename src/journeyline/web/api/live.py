"""The live endpoint: a map's shared document over the y-websocket protocol.

`/api/workspaces/{workspace_id}/maps/{map_id}/live` speaks y-websocket (sync step 1 and 2,
updates, awareness) plus Journeyline's SAVED and ACCESS messages (live/wire.py). Who may
connect is decided at the start: the session cookie (from this server's own pages: the
Origin is checked), an API token (`Authorization: Bearer`), or a share link (`?share=TOKEN`,
read-only). `Grants` checks it again every `RECHECK_SECONDS` (and at once when this process
revoked something): a revoked share link or token, an ended session or a removed member
closes the connection; a changed role is sent as a new ACCESS. Anything wrong closes the
connection with a code and a reason (see docs/api.md); the room and everyone else on it
carry on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from anyio import to_thread
from fastapi import APIRouter, WebSocket
from sqlalchemy import select
from starlette.websockets import WebSocketDisconnect, WebSocketState

from journeyline.errors import JourneylineError, NotFound
from journeyline.live import wire
from journeyline.live.rooms import (
    MALFORMED,
    NOT_ALLOWED,
    NOT_FOUND,
    NOT_SIGNED_IN,
    TOO_LARGE,
    TOO_MANY,
    TOO_SLOW,
    Refused,
    Room,
    Rooms,
    _Bucket,
    _short,
)
from journeyline.model import JourneyMap
from journeyline.store import accounts, maps, sharing
from journeyline.store.access import Actor, Role, require
from journeyline.store.accounts import hash_secret
from journeyline.store.database import Database
from journeyline.store.errors import (
    NotSignedIn,
    PermissionDenied,
    ShareLinkLocked,
    TooManyAttempts,
)
from journeyline.store.tables import MapRecord
from journeyline.store.throttle import PasswordThrottle
from journeyline.web.auth import SESSION_COOKIE, is_cross_site

log = logging.getLogger("journeyline.live")

router = APIRouter()

OUTGOING_LIMIT = 5000
"""Frames queued for one connection before it counts as too slow and is closed."""


RECHECK_SECONDS = 2.0
"""How often every open live connection's grant is checked again (every server process
does it, so a revocation through any of them on one database reaches all)."""


@dataclass(frozen=True)
class Grant:
    """What let a connection in, to check again later: a share link's token, an API token
    or a session cookie (`kind`: "share", "token", "cookie")."""

    kind: str
    secret: str


@dataclass(frozen=True)
class Admitted:
    """Who a connection is: the account (None for a share link), its role, the map, and
    what let it in."""

    account_id: str | None
    role: str
    map_pk: int
    grant: Grant | None = None

    @property
    def can_edit(self) -> bool:
        return self.role in (Role.editor.value, Role.owner.value)


def _grant(websocket: WebSocket) -> Grant:
    header = websocket.headers.get("authorization", "")
    if header:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise NotSignedIn("send an API token as 'Authorization: Bearer jl_…'")
        return Grant("token", secret.strip())
    cookie = websocket.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise NotSignedIn("sign in first (session cookie, API token, or ?share= link)")
    if is_cross_site(websocket):
        raise PermissionDenied("refused: the connection came from another site (Origin)")
    return Grant("cookie", cookie)


def _actor_of(db: Database, grant: Grant) -> Actor:
    if grant.kind == "token":
        return accounts.look_up_token(db, grant.secret).actor
    return accounts.session_actor(db, grant.secret)[0]


def admit(db: Database, websocket: WebSocket, workspace_id: str, map_id: str) -> Admitted:
    """Who may connect to this map, and as what; raises the domain's errors otherwise."""
    share = websocket.query_params.get("share")
    if share:
        password = websocket.query_params.get("share_password")
        shown = _share_link_map(db, websocket, share, password, "share_password")
        if shown != (workspace_id, map_id):
            raise NotFound("this share link shows another map")
        return Admitted(None, "share", _map_pk(db, workspace_id, map_id), Grant("share", share))
    grant = _grant(websocket)
    actor = _actor_of(db, grant)
    with db.reading() as session:
        access = require(session, actor, workspace_id, Role.viewer, map_id=map_id)
        pk = maps.map_record(session, workspace_id, map_id).pk
    return Admitted(actor.account_id, access.role.value, pk, grant)


def role_now(db: Database, grant: Grant, map_pk: int) -> str:
    """The role `grant` gives on the map now; the domain's errors when it gives none (a
    revoked or expired share link or token, an ended session, a member removed, the map
    gone). A share link's password is not asked again: it was checked when it connected."""
    if grant.kind == "share":
        if sharing.share_link_map_pk(db, grant.secret) != map_pk:
            raise NotFound("this share link shows another map")
        return "share"
    actor = _actor_of(db, grant)
    with db.reading() as session:
        ids = session.execute(
            select(MapRecord.workspace_id, MapRecord.map_id).where(MapRecord.pk == map_pk)
        ).first()
        if ids is None:
            raise NotFound("the map was deleted")
        return require(session, actor, ids[0], Role.viewer, map_id=ids[1]).role.value


def admit_share(db: Database, websocket: WebSocket, token: str) -> tuple[Admitted, str, str]:
    """A share link watching its map (read-only): who it is, and the workspace and map it
    shows (never told to the client); the domain's errors when the link is not valid."""
    password = websocket.query_params.get("password")
    workspace_id, map_id = _share_link_map(db, websocket, token, password, "password")
    pk = _map_pk(db, workspace_id, map_id)
    return Admitted(None, "share", pk, Grant("share", token)), workspace_id, map_id


def _share_link_map(
    db: Database, websocket: WebSocket, token: str, password: str | None, sent_as: str
) -> tuple[str, str]:
    """The map a share link shows; wrong passwords are counted as the share page's are."""
    if not password:
        return sharing.share_link_map(db, token, None, password_is=sent_as)
    throttle: PasswordThrottle = websocket.app.state.password_throttle
    link = hash_secret(token)
    address = websocket.client.host if websocket.client else None
    throttle.check_share_link(link, address)
    try:
        return sharing.share_link_map(db, token, password, password_is=sent_as)
    except ShareLinkLocked:
        throttle.share_link_failed(link, address)
        raise


def _map_pk(db: Database, workspace_id: str, map_id: str) -> int:
    with db.reading() as session:
        return maps.map_record(session, workspace_id, map_id).pk


def _close_code(error: JourneylineError) -> int:
    if isinstance(error, NotSignedIn | ShareLinkLocked):
        return NOT_SIGNED_IN
    if isinstance(error, PermissionDenied):
        return NOT_ALLOWED
    if isinstance(error, NotFound):
        return NOT_FOUND
    if isinstance(error, TooManyAttempts):
        return TOO_MANY
    return MALFORMED


def head_journey(db: Database, workspace_id: str, map_id: str) -> JourneyMap:
    """The map's stored head, for its first shared document."""
    with db.reading() as session:
        return maps.journey_of(db, maps.map_record(session, workspace_id, map_id))


class Connection:
    """One WebSocket on a room: an outgoing queue drained by its own task (a slow client
    never holds up the others), and the limits on what it may send."""

    def __init__(self, websocket: WebSocket, admitted: Admitted, rate: float) -> None:
        self.websocket = websocket
        self.admitted = admitted
        self.account_id = admitted.account_id
        self.role = admitted.role
        self.can_edit = admitted.can_edit
        self.updates = _Bucket(rate, rate * 3)
        self.presence = _Bucket(rate * 2, rate * 6)
        self.queue: asyncio.Queue[bytes | tuple[int, str]] = asyncio.Queue()
        self.closing = False

    def send(self, frame: bytes) -> None:
        if self.closing:
            return
        if self.queue.qsize() >= OUTGOING_LIMIT:
            self.close(TOO_SLOW, "this connection fell too far behind; reconnect")
            return
        self.queue.put_nowait(frame)

    def close(self, code: int, reason: str) -> None:
        if self.closing:
            return
        self.closing = True
        self.queue.put_nowait((code, _short(reason)))

    def set_role(self, role: str) -> None:
        """The connection's role changed (an owner changed the member's): it takes effect for
        the next update, and the client is told (ACCESS)."""
        self.role = role
        self.can_edit = role in (Role.editor.value, Role.owner.value)
        self.send(wire.access(role))

    async def pump(self) -> None:
        """Send queued frames in order; a close ends it."""
        while True:
            item = await self.queue.get()
            if isinstance(item, tuple):
                code, reason = item
                if self.websocket.application_state != WebSocketState.DISCONNECTED:
                    with contextlib.suppress(Exception):
                        await self.websocket.close(code, reason)
                return
            try:
                await self.websocket.send_bytes(item)
            except Exception:
                return


class Grants:
    """Every open live connection of this server process, with what let it in: checked again
    every `seconds`, and at once when this process changed a grant (`changed`, from any
    thread). A grant that no longer lets the connection in closes it with the code and reason
    a new connection would get; a changed role is applied and sent. A check that fails for
    another reason (the database is away) leaves the connections as they are."""

    def __init__(self, db: Database, seconds: float = RECHECK_SECONDS) -> None:
        self.db = db
        self.seconds = seconds
        self.connections: set[Connection] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._task = self._loop.create_task(self._run(), name="live-grants")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
        self._loop = None

    def changed(self) -> None:
        """Some grant changed: check every connection now (callable from any thread)."""
        loop, wake = self._loop, self._wake
        if loop is None or wake is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(wake.set)

    async def _run(self) -> None:
        assert self._wake is not None
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.seconds)
            self._wake.clear()
            try:
                await self.check()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("could not check the live connections' grants")

    async def check(self) -> None:
        """Check every open connection's grant once."""
        open_ = [c for c in self.connections if not c.closing and c.admitted.grant is not None]
        if not open_:
            return
        keys = {(c.admitted.grant, c.admitted.map_pk) for c in open_}
        found = await to_thread.run_sync(self._roles, keys)
        for connection in open_:
            role = found.get((connection.admitted.grant, connection.admitted.map_pk))
            if isinstance(role, JourneylineError):
                connection.close(_close_code(role), _short(role.message))
            elif role is not None and role != connection.role:
                connection.set_role(role)

    def _roles(
        self, keys: set[tuple[Grant | None, int]]
    ) -> dict[tuple[Grant | None, int], str | JourneylineError]:
        found: dict[tuple[Grant | None, int], str | JourneylineError] = {}
        for grant, map_pk in keys:
            if grant is None:
                continue
            try:
                found[(grant, map_pk)] = role_now(self.db, grant, map_pk)
            except JourneylineError as error:
                found[(grant, map_pk)] = error
            except Exception:
                log.exception("could not check a live connection's grant")
        return found


def handle(room: Room, connection: Connection, frame: bytes) -> None:
    """One frame from a client; Refused closes the connection."""
    try:
        message = wire.read_frame(frame)
    except wire.Malformed as error:
        raise Refused(MALFORMED, _short(str(error))) from None
    if message.type is wire.MessageType.SYNC:
        if message.sync is wire.SyncType.STEP1:
            try:
                reply = room.doc.get_update(message.payload)
            except Exception:
                raise Refused(MALFORMED, "sync step 1 holds no valid state vector") from None
            connection.send(wire.sync_step2(reply))
            connection.send(room.saved_frame())
            return
        if message.payload != wire.EMPTY_UPDATE and not connection.updates.take():
            raise Refused(TOO_MANY, "too many updates from this connection; reconnect later")
        room.receive_update(connection, message.payload)
        return
    if message.type is wire.MessageType.AWARENESS:
        if not connection.presence.take():
            raise Refused(TOO_MANY, "too many awareness messages from this connection")
        room.receive_awareness(connection, message.payload)
        return
    if message.type is wire.MessageType.QUERY_AWARENESS:
        found = room.awareness_frame()
        if found is not None:
            connection.send(found)


@router.websocket("/api/workspaces/{workspace_id}/maps/{map_id}/live")
async def live(websocket: WebSocket, workspace_id: str, map_id: str) -> None:
    """The live document of one map (y-websocket protocol; see docs/api.md)."""
    db: Database = websocket.app.state.db

    def admitted() -> tuple[Admitted, str, str]:
        return admit(db, websocket, workspace_id, map_id), workspace_id, map_id

    await serve(websocket, admitted)


@router.websocket("/api/shared/{token}/live")
async def shared_live(websocket: WebSocket, token: str) -> None:
    """The live document of the map a share link shows, read-only (`?password=` for a link
    with one): the share page and embeds watch it, without learning the workspace's id."""
    db: Database = websocket.app.state.db
    await serve(websocket, lambda: admit_share(db, websocket, token))


async def serve(websocket: WebSocket, admitted_by: Callable[[], tuple[Admitted, str, str]]) -> None:
    """One live connection: admitted (in a worker thread) by `admitted_by`, which gives who it
    is and the map's workspace and id; then frames in and out until either side closes."""
    db: Database = websocket.app.state.db
    rooms: Rooms = websocket.app.state.live
    limit = rooms.settings.max_message_bytes
    await websocket.accept()
    try:
        admitted, workspace_id, map_id = await to_thread.run_sync(admitted_by)
        room = await rooms.room(admitted.map_pk, lambda: head_journey(db, workspace_id, map_id))
    except JourneylineError as error:
        await websocket.close(_close_code(error), _short(error.message))
        return
    connection = Connection(websocket, admitted, rooms.settings.updates_per_second)
    grants: Grants | None = getattr(websocket.app.state, "live_grants", None)
    if grants is not None:
        grants.connections.add(connection)
    room.join(connection)
    connection.send(wire.access(admitted.role))
    connection.send(wire.sync_step1(room.doc.get_state()))
    presence = room.awareness_frame()
    if presence is not None:
        connection.send(presence)
    pump = asyncio.get_running_loop().create_task(connection.pump())
    try:
        while not connection.closing:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
            frame = message.get("bytes")
            if frame is None:
                raise Refused(MALFORMED, "send binary frames (y-websocket messages), not text")
            if len(frame) > limit:
                raise Refused(TOO_LARGE, f"a message may hold at most {limit} bytes")
            handle(room, connection, frame)
    except Refused as refused:
        connection.close(refused.code, refused.reason)
    except WebSocketDisconnect:
        pass
    except Exception:
        log.exception("live connection failed")
        connection.close(1011, "unexpected server error")
    finally:
        if grants is not None:
            grants.connections.discard(connection)
        room.leave(connection)
        if not connection.closing:
            connection.closing = True
            connection.queue.put_nowait((1000, ""))
        try:
            await asyncio.wait_for(pump, 5)
        except Exception:
            pump.cancel()
