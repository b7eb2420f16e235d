"""The y-websocket wire format: lib0 encoding, the message types, and Journeyline's own two.

Every WebSocket frame is one message: `varUint(type)` then its payload, exactly as
y-protocols writes them (sync: 0, awareness: 1, query awareness: 3). Journeyline adds
SAVED (100: the committed state vector) and ACCESS (101: the connection's role); y-protocols
uses neither number. Reading is strict and bounded: a truncated or overlong frame is a
`Malformed` error naming what was wrong, never an IndexError.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import IntEnum
from typing import Any


class MessageType(IntEnum):
    """The first varUint of a frame."""

    SYNC = 0
    AWARENESS = 1
    AUTH = 2
    QUERY_AWARENESS = 3
    SAVED = 100
    """Server → client: the state vector of everything committed to the database."""
    ACCESS = 101
    """Server → client, first: the connection's role (owner, editor, commenter, viewer, share)."""


class SyncType(IntEnum):
    """The second varUint of a SYNC frame (y-protocols/sync)."""

    STEP1 = 0
    STEP2 = 1
    UPDATE = 2


EMPTY_UPDATE = b"\x00\x00"
"""An update with no structs and no deletions (what a client with nothing new sends as step 2)."""


class Malformed(ValueError):
    """A frame that is not a y-websocket message; the text says what was wrong."""


class Reader:
    """Reads lib0 values from one frame, refusing to read past its end."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def var_uint(self, what: str) -> int:
        """A lib0 varUint (at most 53 bits, as JavaScript numbers go)."""
        value, shift = 0, 0
        while True:
            if self.at >= len(self.data):
                raise Malformed(f"the frame ends inside {what}")
            byte = self.data[self.at]
            self.at += 1
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                return value
            shift += 7
            if shift > 53:
                raise Malformed(f"{what} is too long for a number")

    def var_bytes(self, what: str) -> bytes:
        """A lib0 varUint8Array: a varUint length, then that many bytes."""
        length = self.var_uint(f"the length of {what}")
        end = self.at + length
        if end > len(self.data):
            raise Malformed(
                f"{what} claims {length} bytes but the frame has {len(self.data) - self.at}"
            )
        chunk = self.data[self.at : end]
        self.at = end
        return chunk

    def var_string(self, what: str) -> str:
        """A lib0 varString: UTF-8 bytes with a varUint length."""
        try:
            return self.var_bytes(what).decode("utf-8")
        except UnicodeDecodeError:
            raise Malformed(f"{what} is not UTF-8") from None

    def done(self) -> bool:
        return self.at >= len(self.data)


def var_uint(number: int) -> bytes:
    """`number` as a lib0 varUint."""
    out = bytearray()
    while number > 0x7F:
        out.append(0x80 | (number & 0x7F))
        number >>= 7
    out.append(number)
    return bytes(out)


def var_bytes(data: bytes) -> bytes:
    """`data` as a lib0 varUint8Array."""
    return var_uint(len(data)) + data


def var_string(text: str) -> bytes:
    """`text` as a lib0 varString."""
    return var_bytes(text.encode("utf-8"))


def sync_step1(state_vector: bytes) -> bytes:
    return var_uint(MessageType.SYNC) + var_uint(SyncType.STEP1) + var_bytes(state_vector)


def sync_step2(update: bytes) -> bytes:
    return var_uint(MessageType.SYNC) + var_uint(SyncType.STEP2) + var_bytes(update)


def sync_update(update: bytes) -> bytes:
    return var_uint(MessageType.SYNC) + var_uint(SyncType.UPDATE) + var_bytes(update)


def awareness(update: bytes) -> bytes:
    return var_uint(MessageType.AWARENESS) + var_bytes(update)


def saved(state_vector: bytes) -> bytes:
    """SAVED: `varUint(100) varUint8Array(state vector committed to the database)`."""
    return var_uint(MessageType.SAVED) + var_bytes(state_vector)


def access(role: str) -> bytes:
    """ACCESS: `varUint(101) varString(role)`."""
    return var_uint(MessageType.ACCESS) + var_string(role)


@dataclass(frozen=True)
class Message:
    """One frame as read: its type, the sync sub-type (SYNC only) and the payload."""

    type: MessageType
    sync: SyncType | None
    payload: bytes


def read_frame(frame: bytes) -> Message:
    """The message in one frame; Malformed when it is not one a client may send."""
    reader = Reader(frame)
    number = reader.var_uint("the message type")
    if number == MessageType.SYNC:
        sub = reader.var_uint("the sync message type")
        if sub not in (SyncType.STEP1, SyncType.STEP2, SyncType.UPDATE):
            raise Malformed(f"unknown sync message type {sub} (0, 1 or 2)")
        payload = reader.var_bytes("the sync payload")
        return Message(MessageType.SYNC, SyncType(sub), payload)
    if number == MessageType.AWARENESS:
        return Message(MessageType.AWARENESS, None, reader.var_bytes("the awareness update"))
    if number == MessageType.QUERY_AWARENESS:
        return Message(MessageType.QUERY_AWARENESS, None, b"")
    if number == MessageType.AUTH:
        raise Malformed("auth messages are not used here (sign in with the cookie or a token)")
    raise Malformed(f"unknown message type {number} (0 sync, 1 awareness, 3 query awareness)")


@dataclass(frozen=True)
class AwarenessEntry:
    """One client's state in an awareness update (state None: the client left)."""

    client_id: int
    clock: int
    state: Any
    raw: str


def read_awareness(update: bytes, *, max_clients: int = 64) -> list[AwarenessEntry]:
    """The entries of an awareness update (y-protocols/awareness); Malformed otherwise."""
    reader = Reader(update)
    count = reader.var_uint("the number of awareness states")
    if count > max_clients:
        raise Malformed(f"an awareness update names {count} clients (at most {max_clients})")
    entries = []
    for _ in range(count):
        client_id = reader.var_uint("an awareness client id")
        clock = reader.var_uint("an awareness clock")
        raw = reader.var_string("an awareness state")
        try:
            state = json.loads(raw)
        except ValueError:
            raise Malformed("an awareness state is not JSON") from None
        entries.append(AwarenessEntry(client_id, clock, state, raw))
    return entries


def write_awareness(entries: list[tuple[int, int, str]]) -> bytes:
    """An awareness update of (client id, clock, JSON state text) entries."""
    out = bytearray(var_uint(len(entries)))
    for client_id, clock, raw in entries:
        out += var_uint(client_id) + var_uint(clock) + var_string(raw)
    return bytes(out)


def read_state_vector(vector: bytes) -> dict[int, int]:
    """A Yjs encoded state vector as {client id: clock} (Y.decodeStateVector)."""
    reader = Reader(vector)
    count = reader.var_uint("the number of clients in a state vector")
    found = {}
    for _ in range(count):
        client = reader.var_uint("a client id")
        found[client] = reader.var_uint("a clock")
    return found
