"""The y-websocket wire format: frames as y-protocols writes them, and strict reading."""

from __future__ import annotations

import pycrdt
import pytest

from journeyline.live import wire


def test_sync_frames_match_pycrdt_which_matches_y_protocols() -> None:
    doc = pycrdt.Doc()
    doc["t"] = text = pycrdt.Text()
    text += "hello"
    assert wire.sync_step1(doc.get_state()) == pycrdt.create_sync_message(doc)
    assert wire.sync_update(doc.get_update()) == pycrdt.create_update_message(doc.get_update())
    reply = pycrdt.handle_sync_message(pycrdt.create_sync_message(pycrdt.Doc())[1:], doc)
    assert reply == wire.sync_step2(doc.get_update(pycrdt.Doc().get_state()))


def test_read_frame_reads_every_client_message() -> None:
    message = wire.read_frame(wire.sync_update(b"\x00\x00"))
    assert (message.type, message.sync, message.payload) == (
        wire.MessageType.SYNC,
        wire.SyncType.UPDATE,
        b"\x00\x00",
    )
    assert wire.read_frame(b"\x03").type is wire.MessageType.QUERY_AWARENESS
    update = wire.write_awareness([(7, 2, '{"user":{"name":"Ann é"}}')])
    entries = wire.read_awareness(wire.read_frame(wire.awareness(update)).payload)
    assert [(e.client_id, e.clock, e.state) for e in entries] == [
        (7, 2, {"user": {"name": "Ann é"}})
    ]


@pytest.mark.parametrize(
    ("frame", "words"),
    [
        (b"", "ends inside the message type"),
        (b"\x00", "ends inside the sync message type"),
        (b"\x00\x05\x00", "unknown sync message type 5"),
        (b"\x00\x02\x09ab", "claims 9 bytes"),
        (b"\x07", "unknown message type 7"),
        (b"\x02\x00", "auth messages are not used"),
        (b"\xff" * 12, "too long for a number"),
    ],
)
def test_malformed_frames_say_what_is_wrong(frame: bytes, words: str) -> None:
    with pytest.raises(wire.Malformed, match=words):
        wire.read_frame(frame)


def test_awareness_is_bounded_and_checked() -> None:
    with pytest.raises(wire.Malformed, match="not JSON"):
        wire.read_awareness(
            wire.var_uint(1) + wire.var_uint(1) + wire.var_uint(1) + wire.var_string("{")
        )
    with pytest.raises(wire.Malformed, match="names 100000 clients"):
        wire.read_awareness(wire.var_uint(100_000))


def test_saved_and_access_frames() -> None:
    doc = pycrdt.Doc()
    doc["t"] = text = pycrdt.Text()
    text += "abc"
    frame = wire.saved(doc.get_state())
    reader = wire.Reader(frame)
    assert reader.var_uint("type") == 100
    assert wire.read_state_vector(reader.var_bytes("sv")) == {doc.client_id: 3}
    reader = wire.Reader(wire.access("viewer"))
    assert reader.var_uint("type") == 101
    assert reader.var_string("role") == "viewer"
