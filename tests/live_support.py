"""Live test support: a standard Yjs client on a real WebSocket (the server's tests and the
bench), and a pycrdt client that edits a live map document the way the board does (the
live document's tests). Both halves come from the live-server and live-doc branches."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

import pycrdt
import uvicorn
from pycrdt import Array, Doc, Map, Text
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from journeyline.live import wire
from journeyline.live.positions import position_at
from journeyline.live.reading import SHAPES
from journeyline.model import Persona, Workspace, check_integrity


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
        self._connecting = connect(
            url,
            additional_headers=headers or {},
            max_size=None,
            open_timeout=30,
            ping_interval=None,
        )
        self.ws: ClientConnection = self._connecting.__enter__()
        self._subscription = self.doc.observe(self._local)
        try:
            self.ws.send(wire.sync_step1(self.doc.get_state()))
        except ConnectionClosed:
            pass  # refused at once: `pump` and `wait_closed` say why

    def _local(self, event: Any) -> None:
        if self._applying or self.closed is not None:
            return
        with suppress(ConnectionClosed):
            self.ws.send(wire.sync_update(event.update))

    def send(self, frame: bytes | str) -> None:
        try:
            self.ws.send(frame)
        except ConnectionClosed:
            pass  # closed by the server: `pump` and `wait_closed` say why

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
        with suppress(Exception):
            self.doc.unobserve(self._subscription)
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


class Client:
    """One person's copy of the document, and the updates they have not sent yet."""

    def __init__(self, name: str, server: Doc[Any]) -> None:
        self.name = name
        self.doc: Doc[Any] = Doc()
        self.doc.apply_update(server.get_update())
        self.counter = 0
        self.outbox: list[bytes] = []

    # --- plumbing ----------------------------------------------------------------------------

    def root(self, name: str) -> Map[Any]:
        return self.doc.get(name, type=Map)

    def ids(self, collection: str) -> list[str]:
        """Ids in the collection, in document order (steps: stage by stage)."""
        root = self.root(collection)
        raw = root.to_py() or {}
        if collection == "steps":
            stages = self.ids("stages")
            return [
                i
                for stage in stages
                for i in sorted_ids(raw, lambda e, s=stage: e.get("stage") == s)
            ]
        return sorted_ids(raw, lambda e: True)

    def entry(self, collection: str, element_id: str) -> Map[Any]:
        value = self.root(collection)[element_id]
        assert isinstance(value, Map)
        return value

    def transact(self, action: Any) -> None:
        """Run one edit as one transaction and keep its update for sending."""
        state = self.doc.get_state()
        with self.doc.transaction(origin=self.name):
            action()
        update = self.doc.get_update(state)
        if update != Doc().get_update():
            self.outbox.append(update)

    def new_id(self, kind: str) -> str:
        self.counter += 1
        return f"{kind}-{self.name}-{self.counter}"

    def sync_with(self, server: Doc[Any], accept: Any) -> None:
        """Send everything unsent (through `accept`, the server's door), then catch up."""
        for update in self.outbox:
            accept(update)
        self.outbox.clear()
        self.doc.apply_update(server.get_update(self.doc.get_state()))

    # --- edits -------------------------------------------------------------------------------

    def add(
        self, collection: str, index: int, fields: dict[str, Any], stage: str | None = None
    ) -> str:
        """A new element at `index` among its siblings, with all its shared types."""
        element_id = self.new_id(collection.rstrip("s"))
        siblings = self.sibling_positions(collection, stage)

        def action() -> None:
            content: dict[str, Any] = {}
            for field, shape in SHAPES[collection].items():
                value = fields.get(field)
                if shape == "text":
                    content[field] = Text(value or "")
                elif shape in ("list", "id_list"):
                    content[field] = Array(list(value or []))
                elif shape == "text_map":
                    content[field] = Map({k: Text(v) for k, v in (value or {}).items()})
                elif field in fields:
                    content[field] = value
            content["pos"] = position_at(siblings, index)
            if stage is not None:
                content["stage"] = stage
            self.root(collection)[element_id] = Map(content)

        self.transact(action)
        return element_id

    def sibling_positions(self, collection: str, stage: str | None) -> list[str]:
        raw = self.root(collection).to_py() or {}
        chosen = [
            e
            for e in raw.values()
            if isinstance(e, dict) and (stage is None or e.get("stage") == stage)
        ]
        return sorted(str(e.get("pos", "")) for e in chosen)

    def type_text(self, collection: str, element_id: str, field: str, at: int, text: str) -> None:
        """Insert text at a character index (pycrdt counts UTF-8 bytes; the board UTF-16)."""

        def action() -> None:
            shared = self.entry(collection, element_id)[field]
            assert isinstance(shared, Text)
            current = str(shared)
            where = len(current[: max(0, min(at, len(current)))].encode("utf-8"))
            shared.insert(where, text)

        self.transact(action)

    def erase_text(
        self, collection: str, element_id: str, field: str, start: int, count: int
    ) -> None:
        def action() -> None:
            shared = self.entry(collection, element_id)[field]
            assert isinstance(shared, Text)
            current = str(shared)
            start_ = max(0, min(start, len(current)))
            end = min(len(current), start_ + count)
            a = len(current[:start_].encode("utf-8"))
            b = len(current[:end].encode("utf-8"))
            if b > a:
                del shared[a:b]

        self.transact(action)

    def set_plain(self, collection: str, element_id: str, field: str, value: Any) -> None:
        def action() -> None:
            self.entry(collection, element_id)[field] = value

        self.transact(action)

    def push(self, collection: str, element_id: str, field: str, item: str) -> None:
        def action() -> None:
            shared = self.entry(collection, element_id)[field]
            assert isinstance(shared, Array)
            shared.append(item)

        self.transact(action)

    def remove_item(self, collection: str, element_id: str, field: str, item: str) -> None:
        def action() -> None:
            shared = self.entry(collection, element_id)[field]
            assert isinstance(shared, Array)
            items = list(shared)
            if item in items:
                del shared[items.index(item)]

        self.transact(action)

    def move_step(self, step_id: str, stage: str, index: int) -> None:
        """A move: a new position among the target stage's steps (and the stage)."""
        raw = self.root("steps").to_py() or {}
        siblings = sorted(
            str(e.get("pos", ""))
            for i, e in raw.items()
            if isinstance(e, dict) and e.get("stage") == stage and i != step_id
        )

        def action() -> None:
            entry = self.entry("steps", step_id)
            entry["pos"] = position_at(siblings, index)
            if entry.get("stage") != stage:
                entry["stage"] = stage

        self.transact(action)

    def delete(self, collection: str, element_id: str) -> None:
        """Remove the element; a stage takes its steps with it (same transaction)."""

        def action() -> None:
            if collection == "stages":
                steps = self.root("steps")
                for step_id, step in (steps.to_py() or {}).items():
                    if isinstance(step, dict) and step.get("stage") == element_id:
                        del steps[step_id]
            root = self.root(collection)
            if element_id in root:
                del root[element_id]

        self.transact(action)


def sorted_ids(raw: dict[str, Any], keep: Any) -> list[str]:
    chosen = [(str(e.get("pos", "")), i) for i, e in raw.items() if isinstance(e, dict) and keep(e)]
    return [i for _, i in sorted(chosen)]


PERSONAS = [Persona(id="priya", name="Priya"), Persona(id="sam", name="Sam")]


def integrity_errors(journey: Any) -> list[str]:
    """The core model's errors for the map in a workspace with its personas."""
    workspace = Workspace(personas=list(PERSONAS), maps=[journey])
    return [p.render() for p in check_integrity(workspace) if p.severity == "error"]


__all__ = ["PERSONAS", "Client", "integrity_errors", "sorted_ids"]
