"""The workshop's live channel: who is connected to which workshop, and the fan-out of
every change to each of them, filtered for that recipient.

A REST change commits, then `publish` is called (from the request's thread); each
workshop's changes are sent in the order they were published, one database read per
change for all recipients. With PostgreSQL, every change is also announced on a
LISTEN/NOTIFY channel so the connections held by other server processes hear it too.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import threading
from collections.abc import Callable
from typing import Any, Protocol

from anyio import to_thread
from sqlalchemy import text

from journeyline.store.database import Database
from journeyline.store.workshop_live import Change, Snapshot, read_snapshot

log = logging.getLogger("journeyline.workshop")

CHANNEL = "journeyline_workshop"
"""PostgreSQL: the LISTEN/NOTIFY channel on which server processes announce workshop changes."""

ENDED = 4410
"""Close code once the workshop has ended."""


class Recipient(Protocol):
    """One open connection to a workshop's channel."""

    account_id: str
    person: str | None

    def send_json(self, message: dict[str, Any]) -> None: ...

    def close(self, code: int, reason: str) -> None: ...


class WorkshopHub:
    """The open workshop connections of this process and the fan-out of changes to them."""

    def __init__(self, db: Database, public_url: str | None = None) -> None:
        self.db = db
        self.public_url = public_url.rstrip("/") if public_url else None
        self.seen_base_url = ""
        """The address the last request came to (links point there without a public_url)."""
        self.open: dict[str, set[Recipient]] = {}
        self.loop: asyncio.AbstractEventLoop | None = None
        self.process = secrets.token_hex(6)
        self._pending: dict[str, Change] = {}
        self._draining: set[str] = set()
        self._listener: _Listener | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        if not self.db.is_sqlite:
            self._listener = _Listener(self)
            self._listener.start()

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.stop()
        for recipients in list(self.open.values()):
            for recipient in list(recipients):
                recipient.close(1001, "the server is shutting down")
        self.open.clear()

    def base_url(self) -> str:
        """Where join links point."""
        return self.public_url or self.seen_base_url

    def publish_local(self, change: Change) -> None:
        """Tell this process's connections only (presence: who is connected here)."""
        self._schedule(change)

    def present(self, workshop_id: str) -> frozenset[str]:
        """The people connected to the workshop in this process."""
        return frozenset(r.person for r in self.open.get(workshop_id, ()) if r.person)

    def join(self, workshop_id: str, recipient: Recipient) -> None:
        self.open.setdefault(workshop_id, set()).add(recipient)

    def leave(self, workshop_id: str, recipient: Recipient) -> None:
        recipients = self.open.get(workshop_id)
        if recipients is not None:
            recipients.discard(recipient)
            if not recipients:
                del self.open[workshop_id]

    def publish(self, change: Change) -> None:
        """Announce a committed change (callable from any thread)."""
        change = change.sized()
        if not self.db.is_sqlite:
            self._notify(change)
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self._schedule, change)

    def _notify(self, change: Change) -> None:
        payload = self.process + ":" + json.dumps(change.to_wire(), separators=(",", ":"))
        if len(payload) > 7000:
            payload = (
                self.process
                + ":"
                + json.dumps(
                    Change(change.workshop, full=True, itself=True, ended=change.ended).to_wire()
                )
            )
        try:
            with self.db.engine.begin() as connection:
                connection.execute(text("SELECT pg_notify(:c, :p)"), {"c": CHANNEL, "p": payload})
        except Exception:
            log.exception("could not announce a workshop change to other server processes")

    def _schedule(self, change: Change) -> None:
        workshop = change.workshop
        if workshop not in self.open:
            return
        pending = self._pending.get(workshop)
        self._pending[workshop] = change if pending is None else pending.merged(change)
        if workshop not in self._draining:
            self._draining.add(workshop)
            task = asyncio.get_running_loop().create_task(self._drain(workshop))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _drain(self, workshop: str) -> None:
        """Send the workshop's changes in order; changes that arrive while one is being sent
        are merged into one (a busy workshop costs one read per batch, not per change)."""
        try:
            while workshop in self._pending:
                await self.fan_out(self._pending.pop(workshop))
        finally:
            self._draining.discard(workshop)

    async def fan_out(self, change: Change) -> None:
        """Send each connection of the workshop its message for `change`."""
        if not self.open.get(change.workshop):
            return
        present = self.present(change.workshop)
        try:
            snapshot = await to_thread.run_sync(
                read_snapshot, self.db, change, self.base_url(), present
            )
        except Exception:
            log.exception("could not read workshop %s for its live channel", change.workshop)
            return
        self.deliver(snapshot)

    def deliver(self, snapshot: Snapshot) -> None:
        """Cut and send every connection's message from one read."""
        change = snapshot.change
        summon = snapshot.summon_for()
        cache: dict[str | None, dict[str, Any]] = {}
        for recipient in list(self.open.get(change.workshop, ())):
            if recipient.person is None:
                recipient.person = snapshot.accounts.get(recipient.account_id)
            if change.ended:
                recipient.send_json({"type": "ended"})
                recipient.close(ENDED, "the workshop has ended")
                continue
            message = cache.get(recipient.person)
            if message is None:
                message = cache[recipient.person] = snapshot.message_for(recipient.person)
            recipient.send_json(message)
            if summon is not None:
                recipient.send_json(summon)

    def call_soon(self, callback: Callable[[], None]) -> None:
        """Run `callback` on the event loop (from any thread)."""
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(callback)


class _Listener(threading.Thread):
    """PostgreSQL: LISTENs for other processes' workshop changes and fans them out here."""

    def __init__(self, hub: WorkshopHub) -> None:
        super().__init__(name="journeyline-workshop-listen", daemon=True)
        self.hub = hub
        self._stopped = threading.Event()

    def run(self) -> None:
        while not self._stopped.is_set():
            try:
                self._listen()
            except Exception:
                log.exception("workshop LISTEN connection lost; reconnecting")
                self._stopped.wait(1.0)

    def _listen(self) -> None:
        raw = self.hub.db.engine.raw_connection()
        try:
            connection: Any = raw.driver_connection
            connection.autocommit = True
            connection.execute(f"LISTEN {CHANNEL}")
            while not self._stopped.is_set():
                for notice in connection.notifies(timeout=1.0, stop_after=100):
                    self._heard(notice.payload)
        finally:
            with contextlib.suppress(Exception):
                raw.invalidate()

    def _heard(self, payload: str) -> None:
        process, _, body = payload.partition(":")
        if process == self.hub.process:
            return
        try:
            change = Change.from_wire(json.loads(body))
        except (ValueError, KeyError, TypeError):
            return
        self.hub.call_soon(lambda: self.hub._schedule(change))

    def stop(self) -> None:
        self._stopped.set()
