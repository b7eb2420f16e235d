"""A standard Yjs client for the live tests and bench: a pycrdt document on a real WebSocket
(websockets' sync client), speaking y-websocket as any Yjs provider does, plus Journeyline's
SAVED and ACCESS messages; and a real uvicorn server in a thread."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pycrdt
import uvicorn
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from journeyline.live import wire


class Closed(Exception):
    """The server closed the connection: its code and reason."""

    def __init__(self, code: int | None, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason


class YClient:
    """One Yjs client on one map: sends its local changes, applies everyone else's."""

    def __init__(
        self,
        url: str,
        headers: dict[str, str] | None = None,
        *,
        doc: pycrdt.Doc | None = None,
    ) -> None:
        self.doc = doc if doc is not None else pycrdt.Doc()
        self.role: str | None = None
        self.saved_vector: dict[int, int] = {}
        self.awareness: dict[int, Any] = {}
        self.received: list[tuple[float, bytes]] = []
        self.closed: Closed | None = None
        self.synced = False
        self._applying = False
        self.ws: ClientConnection = connect(
            url, additional_headers=headers or {}, max_size=None, open_timeout=10
        )
        self._subscription = self.doc.observe(self._local)
        self.ws.send(wire.sync_step1(self.doc.get_state()))

    def _local(self, event: Any) -> None:
        if self._applying or self.closed is not None:
            return
        try:
            self.ws.send(wire.sync_update(event.update))
        except ConnectionClosed:
            pass

    def send(self, frame: bytes) -> None:
        self.ws.send(frame)

    def handle(self, frame: bytes) -> None:
        reader = wire.Reader(frame)
        kind = reader.var_uint("type")
        if kind == wire.MessageType.SYNC:
            sub = reader.var_uint("sync type")
            payload = reader.var_bytes("payload")
            if sub == wire.SyncType.STEP1:
                self.ws.send(wire.sync_step2(self.doc.get_update(payload)))
            else:
                self.received.append((time.perf_counter(), payload))
                self._applying = True
                try:
                    self.doc.apply_update(payload)
                finally:
                    self._applying = False
                if sub == wire.SyncType.STEP2:
                    self.synced = True
        elif kind == wire.MessageType.AWARENESS:
            for entry in wire.read_awareness(reader.var_bytes("awareness")):
                if entry.state is None:
                    self.awareness.pop(entry.client_id, None)
                else:
                    self.awareness[entry.client_id] = entry.state
        elif kind == wire.MessageType.SAVED:
            self.saved_vector = wire.read_state_vector(reader.var_bytes("saved"))
        elif kind == wire.MessageType.ACCESS:
            self.role = reader.var_string("role")

    def pump(self, until: Callable[[], bool] = lambda: False, timeout: float = 10.0) -> bool:
        """Read frames until `until()` holds (True) or `timeout` passes (False); Closed when
        the server closes the connection."""
        deadline = time.monotonic() + timeout
        while not until():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                frame = self.ws.recv(timeout=left)
            except TimeoutError:
                return until()
            except ConnectionClosed as error:
                received = error.rcvd
                self.closed = Closed(
                    received.code if received else None, received.reason if received else ""
                )
                raise self.closed from None
            if isinstance(frame, bytes):
                self.handle(frame)
        return True

    def wait_closed(self, timeout: float = 10.0) -> Closed:
        """Read until the server closes the connection; its code and reason."""
        try:
            self.pump(timeout=timeout)
        except Closed as closed:
            return closed
        raise AssertionError("the server did not close the connection")

    @property
    def own_clock(self) -> int:
        return wire.read_state_vector(self.doc.get_state()).get(self.doc.client_id, 0)

    def is_saved(self) -> bool:
        """Everything this client changed is committed on the server (its SAVED vector)."""
        return self.saved_vector.get(self.doc.client_id, 0) >= self.own_clock

    def wait_saved(self, timeout: float = 10.0) -> None:
        assert self.pump(self.is_saved, timeout), "no SAVED for this client's changes"

    def sync(self, timeout: float = 10.0) -> None:
        assert self.pump(lambda: self.synced and self.role is not None, timeout), "no sync"

    def set_presence(self, clock: int, state: Any) -> None:
        import json

        raw = "null" if state is None else json.dumps(state)
        self.ws.send(wire.awareness(wire.write_awareness([(self.doc.client_id, clock, raw)])))

    def close(self) -> None:
        try:
            self.doc.unobserve(self._subscription)
        except Exception:
            pass
        self.ws.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """The app on a real uvicorn server in a thread; yields its `ws://127.0.0.1:PORT`."""
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", ws="websockets-sansio"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"ws://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
