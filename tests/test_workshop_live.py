# ruff: noqa: F811 - pytest fixtures are imported from tests.api_support by name
"""The workshop's live channel on a real server: everyone gets the same state; hidden notes
are never sent to others before the reveal; the end closes every connection; notes made
into map elements reach an open board through the map's live document."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pycrdt
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.api_support import World, build_world, database  # noqa: F401
from tests.live_client import YClient, serving


class Channel:
    """One client of a workshop's live channel, keeping every message it received."""

    def __init__(self, url: str, token: str) -> None:
        self._connecting = connect(
            url, additional_headers={"Authorization": f"Bearer {token}"}, open_timeout=30
        )
        self.ws: ClientConnection = self._connecting.__enter__()
        self.messages: list[dict[str, Any]] = []
        self.closed: int | None = None

    def until(self, check: Callable[[dict[str, Any]], bool], timeout: float = 10) -> dict[str, Any]:
        """Read until a message passes `check` (returns it)."""
        for message in self.messages:
            if check(message):
                return message
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                message = json.loads(self.ws.recv(timeout=deadline - time.monotonic()))
            except TimeoutError:
                break
            except ConnectionClosed as error:
                self.closed = error.rcvd.code if error.rcvd else None
                break
            self.messages.append(message)
            if check(message):
                return message
        raise AssertionError(f"no such message; received {[m['type'] for m in self.messages]}")

    def text(self) -> str:
        return json.dumps(self.messages)


@pytest.fixture
def served(database: Any) -> Iterator[tuple[World, str]]:
    world = build_world(database)
    with serving(world.app) as base:
        yield world, base


def rest(base: str, token: str) -> httpx.Client:
    return httpx.Client(
        base_url=base.replace("ws://", "http://"),
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )


def test_hidden_notes_never_reach_others_on_the_live_channel(served: tuple[World, str]) -> None:
    world, base = served
    editor = rest(base, world.tokens["editor"])
    made = editor.post(f"/api/workspaces/{world.workspace}/workshops", json={"map": "trial-a"})
    workshop = made.json()
    path = f"/api/workspaces/{world.workspace}/workshops/{workshop['id']}"
    token = workshop["join_url"].rsplit("/join/", 1)[1]
    joined = httpx.post(
        base.replace("ws://", "http://") + f"/api/workshops/join/{token}", json={"name": "Sam"}
    ).json()
    guest = rest(base, joined["token"])
    channels = {
        who: Channel(f"{base}{path}/live", secret)
        for who, secret in (
            ("editor", world.tokens["editor"]),
            ("commenter", world.tokens["commenter"]),
            ("guest", joined["token"]),
        )
    }
    for channel in channels.values():
        first = channel.until(lambda m: True)
        assert first["type"] == "state" and first["workshop"]["id"] == workshop["id"]
    assert editor.patch(path, json={"hidden": True}).status_code == 200
    for channel in channels.values():
        channel.until(lambda m: m.get("workshop", {}).get("hidden") is True)
    secret_text = "The fees are a scam"
    added = guest.post(f"{path}/notes", json={"kind": "pain_point", "text": secret_text})
    assert added.status_code == 201, added.text
    note_id = added.json()["id"]
    mine = channels["guest"].until(lambda m: any(n["id"] == note_id for n in m.get("notes", [])))
    assert mine["type"] == "patch" and mine["server_time"]
    for who in ("editor", "commenter"):
        counted = channels[who].until(
            lambda m: m.get("hidden_counts") == {joined["person"]["id"]: 1}
        )
        assert counted["type"] == "patch" and counted["notes"] == []
    # A visible note by the editor arrives everywhere, and still nothing of the hidden one.
    editor.patch(path, json={"hidden": False})  # the reveal, as the PATCH switch
    for who, channel in channels.items():
        before = channel.text()
        assert secret_text not in before or who == "guest", who
        state = channel.until(
            lambda m: m["type"] == "state" and any(n["id"] == note_id for n in m["notes"])
        )
        assert state["hidden_counts"] == {}
    # The timer: every client is told the same end time.
    editor.post(f"{path}/timer", json={"action": "start"})
    ends = {
        who: channel.until(
            lambda m: m.get("workshop", {}).get("timer", {}).get("state") == "running"
        )["workshop"]["timer"]["ends_at"]
        for who, channel in channels.items()
    }
    assert len(set(ends.values())) == 1
    # Summon, then the end: everyone is told, and the connections close with 4410.
    editor.post(f"{path}/summon", json={"view": {"step": 2, "stage": "pay-a"}})
    for channel in channels.values():
        summon = channel.until(lambda m: m["type"] == "summon")
        assert (
            summon["view"] == {"step": 2, "stage": "pay-a", "element": None}
            and summon["by"] == "Editor"
        )
    editor.post(f"{path}/end")
    for channel in channels.values():
        channel.until(lambda m: m["type"] == "ended")
        with pytest.raises(AssertionError):
            channel.until(lambda m: False, timeout=3)
        assert channel.closed == 4410
    refused = Channel(f"{base}{path}/live", joined["token"])
    with pytest.raises(AssertionError):
        refused.until(lambda m: True, timeout=5)
    assert refused.closed == 4401
    outsider = Channel(f"{base}{path}/live", world.tokens["outsider"])
    with pytest.raises(AssertionError):
        outsider.until(lambda m: True, timeout=5)
    assert outsider.closed == 4404


def test_conversion_reaches_an_open_board_through_the_live_document(
    served: tuple[World, str],
) -> None:
    world, base = served
    editor = rest(base, world.tokens["editor"])
    board = YClient(
        f"{base}/api/workspaces/{world.workspace}/maps/trial-a/live",
        {"Authorization": f"Bearer {world.tokens['editor']}"},
    )
    board.sync()
    made = editor.post(
        f"/api/workspaces/{world.workspace}/workshops", json={"map": "trial-a"}
    ).json()
    path = f"/api/workspaces/{world.workspace}/workshops/{made['id']}"
    item = editor.post(
        f"{path}/notes",
        json={"kind": "pain_point", "text": "Amex refused", "place": {"step": "card-a"}},
    ).json()
    converted = editor.post(f"{path}/convert", json={"notes": [item["id"]], "as": "pain_point"})
    assert converted.status_code == 200, converted.text
    element = converted.json()["elements"][0]
    pains = board.doc.get("pain_points", type=pycrdt.Map)
    evidence = board.doc.get("evidence", type=pycrdt.Map)
    assert board.pump(lambda: element in pains, timeout=10)
    assert board.pump(
        lambda: any(str(e.get("kind")) == "workshop" for e in evidence.values()), timeout=10
    )
    board.close()


def test_a_guest_edits_the_map_live_until_editing_is_locked(served: tuple[World, str]) -> None:
    world, base = served
    editor = rest(base, world.tokens["editor"])
    made = editor.post(
        f"/api/workspaces/{world.workspace}/workshops", json={"map": "trial-a"}
    ).json()
    path = f"/api/workspaces/{world.workspace}/workshops/{made['id']}"
    token = made["join_url"].rsplit("/join/", 1)[1]
    joined = httpx.post(
        base.replace("ws://", "http://") + f"/api/workshops/join/{token}", json={"name": "Sam"}
    ).json()
    headers = {"Authorization": f"Bearer {joined['token']}"}
    live = f"{base}/api/workspaces/{world.workspace}/maps"
    board = YClient(f"{live}/trial-a/live", headers)
    board.sync()
    assert board.role == "editor"
    other = YClient(f"{live}/future-a/live", headers)
    assert other.wait_closed().code == 4404
    editor.patch(path, json={"locked": True})
    assert board.wait_closed().code == 1012  # reconnect: the new role applies
    again = YClient(f"{live}/trial-a/live", headers)
    again.sync()
    assert again.role == "commenter"
    editor.post(f"{path}/end")
    assert again.wait_closed().code == 4401
