"""Open live maps in this server process: one room per map, and the one writer that commits them.

A room holds the map's shared document (pycrdt), loaded from the stored snapshot and the
log since, the connections on it and their awareness (presence). Every change to the
document — a client's update, the server's repair, a REST edit — is one transaction; the
room's observer queues its update for the writer, and every other connection receives it at
once. The repair rules run right after each change, looking only at what it touched
(`RepairWatch`: typing into text needs none). The writer (`LiveWriter`) commits what every
room has queued in one database transaction (group commit) and only then tells each room's
connections what is SAVED: a commit holds log rows, never waits for the map's JSON.

The map's JSON (the head REST reads) is read from a copy of the document's state in a
worker thread, at most every `live_head_seconds` (at once when a REST read or edit asks),
and written with the writer's next commit: it is never written before the updates it holds
are. Revisions are cut when editing settles (`live_quiet_seconds`) or every
`live_burst_seconds` of continuous work, naming everyone who edited.

Everything here runs on the server's event loop, except the database work and reading
heads (worker threads).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import pycrdt
from anyio import to_thread

from journeyline.live import document as layout
from journeyline.live import wire
from journeyline.model import JourneyMap
from journeyline.model.base import MapStatus
from journeyline.research.validation import missing_evidence, short_refusal
from journeyline.store import live as stored
from journeyline.store.database import Database
from journeyline.store.documents import map_document, map_summary
from journeyline.store.tables import serialize

log = logging.getLogger("journeyline.live")


@dataclass(frozen=True)
class LiveSettings:
    """The live settings (web.settings `live_*`), as the rooms use them."""

    max_message_bytes: int = 2_097_152
    max_document_bytes: int = 16_777_216
    updates_per_second: float = 60.0
    quiet_seconds: float = 30.0
    burst_seconds: float = 300.0
    compact_every: int = 500
    head_seconds: float = 1.0
    close_seconds: float = 10.0


class Refused(Exception):
    """A message or update the server will not take: the connection is closed with `code`."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


MALFORMED = 4400
NOT_SIGNED_IN = 4401
NOT_ALLOWED = 4403
NOT_FOUND = 4404
GONE = 4410
TOO_LARGE = 4413
BREAKS_MAP = 4422
TOO_MANY = 4429
TOO_SLOW = 1013
GOING_AWAY = 1001


class Peer(Protocol):
    """One connection on a room, as the room sees it."""

    account_id: str | None
    can_edit: bool

    def send(self, frame: bytes) -> None:
        """Queue a frame for this connection (never blocks)."""

    def close(self, code: int, reason: str) -> None:
        """Close the connection (from the server's side) with a code and reason."""


def load_doc(snapshot: bytes, updates: list[bytes]) -> pycrdt.Doc[Any]:
    """A document from a snapshot and the updates logged since (merged first: one apply)."""
    doc: pycrdt.Doc[Any] = pycrdt.Doc()
    parts = [snapshot, *updates]
    merged = pycrdt.merge_updates(*parts) if len(parts) > 1 else snapshot
    doc.apply_update(merged)
    return doc


def head_of(state: bytes, outside: frozenset[str] = frozenset()) -> stored.Head:
    """The map's head (stored JSON, name, list facts) read from a document's whole state."""
    journey = layout.read_map(load_doc(state, []), outside_ids=outside)
    return stored.Head(serialize(map_document(journey)), journey.name, map_summary(journey))


@dataclass
class HeadJob:
    """A head being read from a copy of a room's document state (in a worker thread), then
    written with the writer's next commit."""

    state: bytes
    """The document's whole state when it was taken."""
    known: frozenset[int]
    """The log rows that state holds."""
    changes: int
    """The room's change count when it was taken (what the head holds)."""
    expected: int | None
    """The revision the head was at as far as this room knows (None: it does not know)."""
    head: stored.Head | None = None
    """Filled in by the worker thread."""
    attached: bool = False
    """Handed to the writer (in a commit under way)."""


@dataclass
class _Bucket:
    """A token bucket: `rate` a second on average, bursts of `burst`."""

    rate: float
    burst: float
    tokens: float = 0.0
    at: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.tokens = self.burst

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class Room:
    """One open map: its document, connections, presence and what awaits commit."""

    def __init__(
        self,
        rooms: Rooms,
        map_pk: int,
        doc: pycrdt.Doc[Any],
        applied: list[int],
        size: int,
        outside: frozenset[str] = frozenset(),
        revision: int | None = None,
        head_stale: bool = False,
        repaired: list[bytes] | None = None,
    ) -> None:
        self.rooms = rooms
        self.map_pk = map_pk
        self.outside = outside
        """The workspace's persona and segment ids (evidence may link to them)."""
        self.doc = doc
        self.peers: set[Peer] = set()
        self.awareness: dict[int, tuple[int, str]] = {}
        self.awareness_owner: dict[int, Peer] = {}
        self.pending: list[tuple[bytes, str | None]] = [(u, None) for u in repaired or []]
        """Updates applied and not yet taken by the writer, with their authors."""
        self.applied = applied
        """Log rows in the document not yet folded into the stored snapshot."""
        self.mine: set[int] = set()
        """Of those, the rows this room committed (the others came from elsewhere)."""
        self.seen = max(applied, default=0)
        """The highest log key in the document (rows above it come from other processes)."""
        self._remote = False
        self.size_estimate = size
        self.committed_state = doc.get_state()
        self.revision: int | None = None
        """The revision of the latest head this room wrote (None: none yet)."""
        self.known_revision = revision
        """The revision the head was at when this room last wrote or loaded it (None: not
        known): a head job expects to find it there."""
        self.changes = 1 if head_stale or self.pending else 0
        """Changes to the document so far (a stored head that may lag the log counts as one)."""
        self.captured = 0
        """The change count the latest head job was taken at."""
        self.head_written = 0
        """The change count the latest committed head holds."""
        self.head_job: HeadJob | None = None
        self.head_forced = False
        self.head_at = 0.0
        self.burst_started: float | None = None
        self.last_edit = 0.0
        self.closing: asyncio.TimerHandle | None = None
        self.closed = False
        self.waiters: list[tuple[int, asyncio.Future[int | None]]] = []
        self.taken = 0
        self.committed = 0
        self._author: str | None = None
        self.checker = layout.UpdateChecker(doc)
        """check_update on a copy of the document kept for this room."""
        self.repairs = layout.RepairWatch(doc)
        """What changes touched, for the repair rules."""
        self._subscription = doc.observe(self._changed)

    @property
    def head_due(self) -> bool:
        """Whether the document changed since the latest head job was taken."""
        return self.changes > self.captured

    # --- changes -----------------------------------------------------------------------------

    def _changed(self, event: Any) -> None:
        update: bytes = event.update
        if update == wire.EMPTY_UPDATE:
            return
        self.changes += 1
        if self._remote:  # committed by another server process: already in the log
            self.rooms.writer.wake()
            return
        self.pending.append((update, self._author))
        self.size_estimate += len(update)
        self.rooms.writer.wake()

    def transact(self, author: str | None, change: Callable[[], Any]) -> Any:
        """Run `change` (one or more document transactions), logging them under `author`."""
        self._author = author
        try:
            return change()
        finally:
            self._author = None

    def receive_update(self, peer: Peer, update: bytes) -> None:
        """A client's update: checked, applied, repaired, sent to everyone else; Refused if not."""
        if update == wire.EMPTY_UPDATE:
            return
        if not peer.can_edit:
            raise Refused(
                NOT_ALLOWED,
                "read-only: your role on this map cannot change it (ask an owner to make you an editor)",
            )
        limit = self.rooms.settings.max_document_bytes
        if self.size_estimate + len(update) > limit:
            self.size_estimate = len(self.doc.get_update())
            if self.size_estimate + len(update) > limit:
                raise Refused(TOO_LARGE, f"the map's document would pass {limit} bytes")
        try:
            self.checker.check(update)
        except layout.RefusedUpdate as refused:
            code = MALFORMED if "not a Yjs update" in refused.message else BREAKS_MAP
            raise Refused(code, _short(refused.message)) from None
        self._gate()
        try:
            self.transact(peer.account_id, lambda: self.doc.apply_update(update))
        except Exception as error:  # yrs could not decode it: nothing was applied
            self.checker.reset()
            raise Refused(MALFORMED, "not a Yjs update") from error
        frame = wire.sync_update(update)
        for other in self.peers:
            if other is not peer:
                other.send(frame)
        self.repair()

    def _gate(self) -> None:
        """The validation gate on the live path: an update that marks the map validated while
        key claims lack evidence is refused (BREAKS_MAP, the reason names the first claim;
        the board shows it and reads the map again). Only the change of status is gated, as
        on REST (`journeyline.store.validation.check_gate`); an owner's override goes through
        the validation endpoint, on the record, and reaches the document as a server change."""
        after = self.checker.checked
        if after is None or _status(after) != MapStatus.validated.value:
            return
        if _status(self.doc) == MapStatus.validated.value:
            return
        missing = missing_evidence(layout.read_map(after, outside_ids=self.outside))
        if missing:
            self.checker.reset()  # its copy holds the update the document will not get
            raise Refused(BREAKS_MAP, short_refusal(missing))

    def repair(self) -> None:
        """Apply the repair rules to what changed since the last repair (one transaction,
        sent to everyone), if anything that holds references did: typing needs none."""
        if not self.repairs.due:
            return
        touched, whole = self.repairs.take()
        before = len(self.pending)
        self.transact(
            None,
            lambda: layout.repair_touched(self.doc, touched, whole=whole, outside_ids=self.outside),
        )
        self.repairs.take()  # the repair's own changes need none
        for repaired, _ in self.pending[before:]:
            frame = wire.sync_update(repaired)
            for peer in self.peers:
                peer.send(frame)

    def server_change(self, author: str | None, change: Callable[[pycrdt.Doc[Any]], Any]) -> Any:
        """A change made by the server (REST edit, restore): applied and sent to every client."""
        before = len(self.pending)
        result = self.transact(author, lambda: change(self.doc))
        self.repair()
        for update, _ in self.pending[before:]:
            frame = wire.sync_update(update)
            for peer in self.peers:
                peer.send(frame)
        return result

    # --- presence ----------------------------------------------------------------------------

    def receive_awareness(self, peer: Peer, update: bytes) -> None:
        """A client's awareness update: remembered and relayed to everyone else."""
        try:
            entries = wire.read_awareness(update)
        except wire.Malformed as error:
            raise Refused(MALFORMED, _short(str(error))) from None
        for entry in entries:
            owner = self.awareness_owner.get(entry.client_id)
            if owner is not None and owner is not peer:
                continue  # one connection cannot speak for another's presence
            known = self.awareness.get(entry.client_id)
            if known is not None and known[0] > entry.clock:
                continue
            if entry.state is None:
                self.awareness.pop(entry.client_id, None)
                self.awareness_owner.pop(entry.client_id, None)
            else:
                self.awareness[entry.client_id] = (entry.clock, entry.raw)
                self.awareness_owner[entry.client_id] = peer
        frame = wire.awareness(update)
        for other in self.peers:
            if other is not peer:
                other.send(frame)

    def awareness_frame(self) -> bytes | None:
        """Every known presence as one AWARENESS frame (None when nobody has any)."""
        if not self.awareness:
            return None
        entries = [(cid, clock, raw) for cid, (clock, raw) in self.awareness.items()]
        return wire.awareness(wire.write_awareness(entries))

    # --- connections -------------------------------------------------------------------------

    def join(self, peer: Peer) -> None:
        if self.closing is not None:
            self.closing.cancel()
            self.closing = None
        self.peers.add(peer)

    def leave(self, peer: Peer) -> None:
        """A connection closed: its presence goes at once; the room closes after a grace period."""
        self.peers.discard(peer)
        gone = [cid for cid, owner in self.awareness_owner.items() if owner is peer]
        if gone:
            entries = []
            for cid in gone:
                clock = self.awareness.pop(cid, (0, ""))[0]
                del self.awareness_owner[cid]
                entries.append((cid, clock + 1, "null"))
            frame = wire.awareness(wire.write_awareness(entries))
            for other in self.peers:
                other.send(frame)
        if not self.peers:
            self.rooms.schedule_close(self)

    def apply_remote(self, rows: list[tuple[int, bytes]], snapshot: bytes | None) -> None:
        """Updates another server process committed (PostgreSQL NOTIFY): applied and sent to
        every connection here; they are in the log already, so not logged again."""
        self._remote = True
        try:
            for data in ([snapshot] if snapshot is not None else []) + [d for _, d in rows]:
                self.doc.apply_update(data)
                frame = wire.sync_update(data)
                for peer in self.peers:
                    peer.send(frame)
        finally:
            self._remote = False
        for pk, _ in rows:
            if pk > self.seen:
                self.seen = pk
            self.applied.append(pk)
        # Each process's updates were checked and repaired there, but merged they can still
        # break a reference (a step deleted there, a pain point put on it here).
        self.repair()

    def saved_frame(self) -> bytes:
        return wire.saved(self.committed_state)

    # --- commit ------------------------------------------------------------------------------

    def take(self, now: float) -> tuple[stored.MapBatch, bytes] | None:
        """What the writer commits for this room now: the batch (the updates queued, and the
        head when one has been read), and the state vector it will have saved."""
        job = self.head_job
        head = job is not None and job.head is not None and not job.attached
        if not self.pending and not head:
            return None
        updates, self.pending = self.pending, []
        batch = stored.MapBatch(self.map_pk, updates)
        if job is not None and head:
            job.attached = True
            batch.head = job.head
            batch.state = job.state
            batch.known = job.known
            batch.ours = frozenset(self.mine)
            batch.expected = job.expected
            batch.read_head = lambda merged, outside=self.outside: head_of(merged, outside)
        if len(self.applied) + len(updates) >= self.rooms.settings.compact_every:
            batch.snapshot = self.doc.get_update()
            batch.folded = list(self.applied)
        if updates:
            self.last_edit = now
            if self.burst_started is None:
                self.burst_started = now
        self.taken += len(updates)
        return batch, self.doc.get_state()

    def untake(self, batch: stored.MapBatch) -> None:
        """The commit of `batch` failed: its updates (and head) go back to wait for the next."""
        self.pending[:0] = batch.updates
        self.taken -= len(batch.updates)
        if batch.head is not None and self.head_job is not None:
            self.head_job.attached = False

    def head_wait(self, now: float) -> float | None:
        """Seconds until a head job is due (0: now), None when none is."""
        if self.head_job is not None or not self.head_due:
            return None
        if self.head_forced or self.waiters or not self.peers:
            return 0.0
        return max(0.0, self.head_at + self.rooms.settings.head_seconds - now)

    def start_head(self, now: float) -> HeadJob:
        """Take the document's state for a head job (the reading itself is the caller's)."""
        job = HeadJob(
            self.doc.get_update(), frozenset(self.applied), self.changes, self.known_revision
        )
        self.captured = self.changes
        self.head_forced = False
        self.head_at = now
        self.head_job = job
        return job

    def head_failed(self, job: HeadJob) -> None:
        if self.head_job is job:
            self.head_job = None
            self.captured = self.head_written

    def done(self, batch: stored.MapBatch, state_vector: bytes, taken: int) -> None:
        """The batch is committed: tell everyone what is saved; wake who waits for it."""
        have = set(self.applied) | set(batch.written)
        if batch.snapshot is not None:
            self.applied = []
            self.mine = set()
            self.size_estimate = len(batch.snapshot)
        else:
            self.applied.extend(batch.written)
            self.mine.update(batch.written)
        self.seen = max([self.seen, *batch.written])
        self.committed = taken
        self.committed_state = state_vector
        if batch.updates:
            frame = self.saved_frame()
            for peer in self.peers:
                peer.send(frame)
        job = self.head_job
        if batch.head is not None and job is not None and job.attached:
            self.head_job = None
            if batch.revision is not None:
                self.revision = self.known_revision = batch.revision.number
            current = self.changes == job.changes
            # Rows committed elsewhere that the head was merged with: brought in here too.
            fresh = [(pk, data) for pk, data in batch.foreign if pk not in have]
            if fresh:
                self.apply_remote(fresh, None)
            self.head_written = max(self.head_written, self.changes if current else job.changes)
            self.captured = max(self.captured, self.head_written)
        still = []
        for target, future in self.waiters:
            if target <= self.head_written:
                if not future.done():
                    future.set_result(self.revision)
            else:
                still.append((target, future))
        self.waiters = still

    async def flush(self) -> int | None:
        """Wait until everything applied so far is committed and the head written from it;
        the head's revision."""
        if self.changes <= self.head_written and not self.pending and self.committed == self.taken:
            return self.revision
        self.head_forced = True
        future: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        self.waiters.append((self.changes, future))
        self.rooms.writer.wake()
        return await future

    def fail(self, code: int, reason: str) -> None:
        """The map is gone (deleted): close every connection and the room."""
        for peer in list(self.peers):
            peer.close(code, reason)
        for _, future in self.waiters:
            if not future.done():
                future.set_exception(Refused(code, reason))
        self.waiters = []
        self.rooms.forget(self)


def _on_loop(loop: asyncio.AbstractEventLoop) -> bool:
    """Whether this thread is running `loop` (so it must not block waiting on it)."""
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


def _status(doc: pycrdt.Doc[Any]) -> Any:
    """The map's status as the document holds it (absent: the default, a hypothesis)."""
    return doc.get("map", type=pycrdt.Map).get("status")


def _short(reason: str) -> str:
    """A close reason within the WebSocket limit of 123 bytes."""
    data = reason.encode("utf-8")
    if len(data) <= 123:
        return reason
    return data[:120].decode("utf-8", "ignore") + "…"


class LiveWriter:
    """The one task that commits every room's queued updates: one transaction per round
    (group commit); a round starts as soon as the previous one is committed. It also starts
    the rooms' head jobs (read in worker threads) and writes each head with the next round."""

    def __init__(self, rooms: Rooms) -> None:
        self.rooms = rooms
        self._event = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._later: asyncio.TimerHandle | None = None
        self._later_at = 0.0
        self._heads: set[asyncio.Task[None]] = set()
        self.commits = 0

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="live-writer")

    def wake(self) -> None:
        self._event.set()

    def wake_later(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        at = loop.time() + seconds
        if self._later is not None:
            if self._later_at <= at:
                return
            self._later.cancel()

        def fire() -> None:
            self._later = None
            self.wake()

        self._later = loop.call_at(at, fire)
        self._later_at = at

    def _start_heads(self, now: float) -> None:
        """Start a head job for each room whose head is due; wake later for those not yet."""
        loop = asyncio.get_running_loop()
        for room in list(self.rooms.open.values()):
            wait = room.head_wait(now)
            if wait is None:
                continue
            if wait > 0:
                self.wake_later(wait)
                continue
            task = loop.create_task(self._read_head(room, room.start_head(now)))
            self._heads.add(task)
            task.add_done_callback(self._heads.discard)

    async def _read_head(self, room: Room, job: HeadJob) -> None:
        try:
            job.head = await to_thread.run_sync(head_of, job.state, room.outside)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("could not read the head of map %s; retrying", room.map_pk)
            room.head_failed(job)
            self.wake_later(1.0)
            return
        self.wake()

    async def _run(self) -> None:
        while True:
            await self._event.wait()
            self._event.clear()
            now = time.monotonic()
            self._start_heads(now)
            round_: list[tuple[Room, stored.MapBatch, bytes, int]] = []
            for room in list(self.rooms.open.values()):
                took = room.take(now)
                if took is not None:
                    batch, vector = took
                    round_.append((room, batch, vector, room.taken))
            if not round_:
                continue
            try:
                await to_thread.run_sync(self._commit, [batch for _, batch, _, _ in round_])
            except asyncio.CancelledError:
                raise
            except Exception as error:
                gone = getattr(error, "map_pk", None)
                log.exception("live commit failed; retrying")
                for room, batch, _, _ in round_:
                    if room.map_pk == gone:
                        room.fail(GONE, "the map was deleted")
                        continue
                    room.untake(batch)
                await asyncio.sleep(0.2)
                self.wake()
                continue
            self.commits += 1
            for room, batch, vector, count in round_:
                room.done(batch, vector, count)
            self._start_heads(time.monotonic())
            if any(room.pending for room in self.rooms.open.values()):
                self.wake()

    def _commit(self, batches: list[stored.MapBatch]) -> None:
        try:
            stored.commit(self.rooms.db, batches, process=self.rooms.process)
        except Exception as error:
            from journeyline.errors import NotFound

            if isinstance(error, NotFound) or "FOREIGN KEY" in str(error).upper():
                # Find which map is gone, so only its room closes.
                for batch in batches:
                    if stored.map_exists(self.rooms.db, batch.map_pk) is False:
                        error.map_pk = batch.map_pk  # type: ignore[attr-defined]
                        break
            raise

    async def stop(self) -> None:
        for task in list(self._heads):
            task.cancel()
        if self._later is not None:
            self._later.cancel()
            self._later = None
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None


class Rooms:
    """The open maps of this process, the writer, and the revision cutter."""

    def __init__(self, db: Database, settings: LiveSettings) -> None:
        self.db = db
        self.settings = settings
        self.open: dict[int, Room] = {}
        self._opening: dict[int, asyncio.Future[Room]] = {}
        self.writer = LiveWriter(self)
        self._cutter: asyncio.Task[None] | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.process = secrets.token_hex(6)
        """This server process's name in NOTIFY payloads (its own are ignored)."""
        self._listener: _Listener | None = None
        self.grant_listeners: list[Callable[[], None]] = []
        """Called (from any thread) when a grant changed in this process: the web side
        checks its live connections again at once."""

    def grants_changed(self) -> None:
        """A share link, membership, token or session changed here (any thread)."""
        for listener in list(self.grant_listeners):
            listener()

    async def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.writer.start()
        if not self.db.is_sqlite:
            self._listener = _Listener(self)
            self._listener.start()
        self._cutter = self.loop.create_task(self._cut_revisions(), name="live-revisions")
        await self._recover_heads()

    async def _recover_heads(self) -> None:
        """After a crash (kill -9 between a commit of updates and the head's write), write the
        heads of maps whose log is ahead of them before serving, so REST reads never miss a
        saved edit: each such map is opened, its head written from its document, and closed
        after the usual grace period."""
        try:
            stale = await to_thread.run_sync(stored.stale_heads, self.db)
        except Exception:
            log.exception("could not look for live maps whose head lags their log")
            return

        def no_document() -> JourneyMap:
            raise RuntimeError("a map with logged updates has a document")

        for map_pk in stale:
            try:
                room = await self.room(map_pk, no_document)
                await asyncio.wait_for(room.flush(), 30)
                if not room.peers:
                    self.schedule_close(room)
            except Exception:
                log.exception("could not bring the head of map %s up to its log", map_pk)

    async def stop(self) -> None:
        """Commit what is queued, cut revisions of what was edited, close every connection."""
        for room in list(self.open.values()):
            for peer in list(room.peers):
                peer.close(GOING_AWAY, "the server is shutting down")
            try:
                await asyncio.wait_for(room.flush(), 10)
            except Exception:
                log.exception("could not save map %s on shutdown", room.map_pk)
        if self._cutter is not None:
            self._cutter.cancel()
        if self._listener is not None:
            self._listener.stop()
            # It notices within a second (its wait for notices); then its connection is closed.
            await to_thread.run_sync(self._listener.join, 5.0)
            self._listener = None
        await self.writer.stop()
        for room in list(self.open.values()):
            if room.burst_started is not None:
                await to_thread.run_sync(stored.cut_revision, self.db, room.map_pk)
        self.open.clear()

    async def room(self, map_pk: int, start: Callable[[], JourneyMap]) -> Room:
        """The open room of a map, opened (loaded from the database) if need be; `start`
        gives the map for its first document when it has none yet."""
        found = self.open.get(map_pk)
        if found is not None:
            return found
        waiting = self._opening.get(map_pk)
        if waiting is not None:
            return await asyncio.shield(waiting)
        future: asyncio.Future[Room] = asyncio.get_running_loop().create_future()
        self._opening[map_pk] = future
        try:
            outside = await to_thread.run_sync(stored.outside_ids, self.db, map_pk)
            loaded = await to_thread.run_sync(self._load, map_pk, start, outside)
            room = Room(
                self,
                map_pk,
                loaded.doc,
                loaded.applied,
                loaded.size,
                outside,
                revision=loaded.revision,
                head_stale=bool(loaded.applied),
                repaired=loaded.repaired,
            )
            self.open[map_pk] = room
            if room.head_due:
                self.writer.wake()
            future.set_result(room)
            return room
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # retrieved: no "never retrieved" warning
            raise
        finally:
            del self._opening[map_pk]

    def _load(
        self, map_pk: int, start: Callable[[], JourneyMap], outside: frozenset[str]
    ) -> _Loaded:
        """A map's document from the database (its first one made from its head if need
        be), repaired once as a whole: from then on the room repairs only what changes."""
        found = stored.load(self.db, map_pk)
        if found is None:
            revision = stored.head_revision(self.db, map_pk)  # before the head is read
            doc = layout.new_doc(start())
            snapshot = doc.get_update()
            with self.db.writing() as session:
                if stored.start(session, map_pk, snapshot):
                    return _Loaded(doc, [], len(snapshot), revision, [])
            found = stored.load(self.db, map_pk)
            assert found is not None
        doc = load_doc(found.snapshot, [data for _, data in found.updates])
        size = len(found.snapshot) + sum(len(data) for _, data in found.updates)
        repaired: list[bytes] = []
        subscription = doc.observe(lambda event: repaired.append(event.update))
        layout.repair(doc, outside_ids=outside)
        doc.unobserve(subscription)
        repaired = [u for u in repaired if u != wire.EMPTY_UPDATE]
        return _Loaded(doc, [pk for pk, _ in found.updates], size, found.revision, repaired)

    async def catch_up(self, map_pk: int, compacted: bool) -> None:
        """Bring in what another server process committed to an open map."""
        room = self.open.get(map_pk)
        if room is None:
            return
        rows = await to_thread.run_sync(stored.updates_after, self.db, map_pk, room.seen)
        snapshot = None
        if compacted:
            snapshot = await to_thread.run_sync(stored.snapshot_of, self.db, map_pk)
        if self.open.get(map_pk) is room:
            room.apply_remote(rows, snapshot)

    def is_open(self, map_pk: int) -> bool:
        return map_pk in self.open

    def behind(self, map_pk: int) -> bool:
        """Whether the map is open here and its head (what REST reads) lags its document:
        edits applied that the head was not written from yet."""
        room = self.open.get(map_pk)
        return room is not None and (
            room.changes > room.head_written or bool(room.pending) or room.committed != room.taken
        )

    async def settle(self, map_pk: int) -> bool:
        """Write the head of an open map from its document now, if it lags (a REST read
        right after "Saved" sees the edit); whether anything was written."""
        room = self.open.get(map_pk)
        if room is None or not self.behind(map_pk):
            return False
        await room.flush()
        return True

    def settle_from_thread(self, map_pk: int) -> bool:
        """`settle`, from a worker thread (a REST read); never waits on the event loop's
        own thread (there it answers False: nothing was written)."""
        loop = self.loop
        if loop is None or not self.behind(map_pk) or _on_loop(loop):
            return False
        future = asyncio.run_coroutine_threadsafe(self.settle(map_pk), loop)
        try:
            return future.result(timeout=30)
        except Refused:  # the map was deleted meanwhile: the read says so
            return False

    def schedule_close(self, room: Room) -> None:
        """Close a room with no connections after the grace period (if nobody joins)."""
        loop = asyncio.get_running_loop()

        def close() -> None:
            room.closing = None
            if not room.peers:
                task = loop.create_task(self._close(room))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

        room.closing = loop.call_later(self.settings.close_seconds, close)

    async def _close(self, room: Room) -> None:
        try:
            await room.flush()
        except Refused:
            return
        if room.peers or room.closed:
            return
        self.forget(room)
        if room.burst_started is not None:
            # Nobody is left editing: the burst has settled.
            await to_thread.run_sync(stored.cut_revision, self.db, room.map_pk)

    def forget(self, room: Room) -> None:
        room.closed = True
        if self.open.get(room.map_pk) is room:
            del self.open[room.map_pk]
        with contextlib.suppress(Exception):
            room.doc.unobserve(room._subscription)

    async def _cut_revisions(self) -> None:
        """Every second: cut a revision of each room whose editing has settled (quiet) or
        has gone on for the longest burst."""
        settings = self.settings
        while True:
            await asyncio.sleep(min(1.0, settings.quiet_seconds / 2))
            now = time.monotonic()
            for room in list(self.open.values()):
                started = room.burst_started
                if started is None:
                    continue
                quiet = now - room.last_edit >= settings.quiet_seconds
                long = now - started >= settings.burst_seconds
                if not (quiet or long) or room.pending:
                    continue
                try:
                    await room.flush()
                    room.burst_started = None if quiet else now
                    await to_thread.run_sync(stored.cut_revision, self.db, room.map_pk)
                except Exception:
                    log.exception("could not cut a revision of map %s", room.map_pk)

    # --- REST and other server-side edits ------------------------------------------------------

    async def edit(
        self,
        map_pk: int,
        start: Callable[[], JourneyMap],
        author: str | None,
        based_on: int | None,
        change: Callable[[JourneyMap], tuple[JourneyMap, Any]],
    ) -> tuple[int, JourneyMap, Any]:
        """Apply a whole-map change to the map's document as one transaction every open board
        sees, once committed: (the head's new revision, the new map, the change's result).
        `change(current)` returns the new map and a result. StaleRevision when the head is no
        longer at `based_on` (the REST writer's If-Match; None: not checked, an import)."""
        room = await self.room(map_pk, start)
        current_revision = await room.flush()
        if current_revision is None:
            current_revision = await to_thread.run_sync(stored.head_revision, self.db, map_pk)
        if based_on is not None and current_revision != based_on:
            raise stale_map(
                await to_thread.run_sync(stored.map_name, self.db, map_pk),
                based_on,
                current_revision,
            )
        new, result = change(layout.read_map(room.doc, outside_ids=room.outside))
        room.server_change(author, lambda doc: layout.apply_map(doc, new, origin="rest"))
        revision = await room.flush()
        if not room.peers and room.closing is None:
            self.schedule_close(room)
        return (revision if revision is not None else current_revision), new, result

    def edit_from_thread(
        self,
        map_pk: int,
        start: Callable[[], JourneyMap],
        author: str | None,
        based_on: int | None,
        change: Callable[[JourneyMap], tuple[JourneyMap, Any]],
    ) -> tuple[int, JourneyMap, Any]:
        """`edit`, called from a worker thread (a REST route)."""
        assert self.loop is not None
        future = asyncio.run_coroutine_threadsafe(
            self.edit(map_pk, start, author, based_on, change), self.loop
        )
        return future.result()

    def map_deleted(self, map_pk: int) -> None:
        """The map was deleted (from any thread): close its room and connections."""
        if self.loop is None:
            return

        def gone() -> None:
            room = self.open.get(map_pk)
            if room is not None:
                room.fail(GONE, "the map was deleted")

        self.loop.call_soon_threadsafe(gone)


@dataclass
class _Loaded:
    """A room's document as loaded, and what the room needs to know with it."""

    doc: pycrdt.Doc[Any]
    applied: list[int]
    size: int
    revision: int | None
    repaired: list[bytes]


def stale_map(map_id: str, based_on: int, current: int) -> Exception:
    """The REST answer when the live map has moved on from the writer's revision."""
    from journeyline.store.revisions import stale

    return stale(f"map '{map_id}'", based_on, current, None)


def edit_stored(
    db: Database,
    map_pk: int,
    author: str | None,
    based_on: int | None,
    change: Callable[[JourneyMap], tuple[JourneyMap, Any]],
) -> tuple[int, JourneyMap, Any]:
    """`Rooms.edit` without a server (no room can be open): the stored document is loaded,
    changed, logged and its head written in one transaction, and a revision cut at once."""
    found = stored.load(db, map_pk)
    if found is None:
        raise ValueError(f"map {map_pk} has no shared document")
    doc = load_doc(found.snapshot, [data for _, data in found.updates])
    outside = stored.outside_ids(db, map_pk)
    new, result = change(layout.read_map(doc, outside_ids=outside))
    updates: list[bytes] = []
    subscription = doc.observe(lambda event: updates.append(event.update))
    layout.apply_map(doc, new, origin="rest")
    layout.repair(doc, outside_ids=outside)
    doc.unobserve(subscription)
    batch = stored.MapBatch(
        map_pk,
        [(u, author) for u in updates if u != wire.EMPTY_UPDATE],
        head=head_of(doc.get_update(), outside),
        based_on=based_on,
    )
    stored.commit(db, [batch])
    stored.cut_revision(db, map_pk)
    assert batch.revision is not None
    return batch.revision.number, new, result


class _Listener(threading.Thread):
    """PostgreSQL: LISTENs for other server processes' commits and brings their updates into
    this process's open rooms (the multi-process fan-out)."""

    def __init__(self, rooms: Rooms) -> None:
        super().__init__(name="journeyline-live-listen", daemon=True)
        self.rooms = rooms
        self._stopped = threading.Event()

    def run(self) -> None:
        while not self._stopped.is_set():
            try:
                self._listen()
            except Exception:
                log.exception("live LISTEN connection lost; reconnecting")
                self._stopped.wait(1.0)

    def _listen(self) -> None:
        raw = self.rooms.db.engine.raw_connection()
        try:
            connection: Any = raw.driver_connection
            connection.autocommit = True
            connection.execute(f"LISTEN {stored.CHANNEL}")
            while not self._stopped.is_set():
                for notice in connection.notifies(timeout=1.0, stop_after=100):
                    self._heard(notice.payload)
        finally:
            raw.invalidate()

    def _heard(self, payload: str) -> None:
        process, _, rest = payload.partition(":")
        key, _, compacted = rest.partition(":")
        if process == self.rooms.process or not key.isdigit():
            return
        loop = self.rooms.loop
        if loop is None or loop.is_closed() or self._stopped.is_set():
            return  # the server is stopping: nothing is open to bring updates into
        catching_up = self.rooms.catch_up(int(key), compacted == "1")
        try:
            asyncio.run_coroutine_threadsafe(catching_up, loop)
        except RuntimeError:  # the loop closed meanwhile
            catching_up.close()

    def stop(self) -> None:
        self._stopped.set()
