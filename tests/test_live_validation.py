"""The validation gate on the live path: a pycrdt client (a board) that marks the map
validated in the shared document while key claims lack evidence is refused with a reason the
board shows; evidence added in the document counts; an owner's override, on the record, still
reaches every board."""

# ruff: noqa: F811 - pytest fixtures are imported from tests.api_support by name

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pycrdt
import pytest

from journeyline.research.validation import Claim, short_refusal
from journeyline.web import Settings
from tests.api_support import World, build_world, database  # noqa: F401
from tests.live_client import YClient, serving

FAST = {"live_head_seconds": 0.0, "live_close_seconds": 0.2, "live_quiet_seconds": 60.0}


@pytest.fixture
def live(database: Any) -> Iterator[tuple[World, str]]:
    world = build_world(database, Settings(**FAST))
    with serving(world.app) as base:
        yield world, base
    for client in world.clients.values():
        client.close()


def map_path(world: World) -> str:
    return f"/api/workspaces/{world.workspace}/maps/trial-a"


def board(world: World, base: str, who: str = "editor") -> YClient:
    headers = {"Authorization": f"Bearer {world.tokens[who]}"}
    yc = YClient(f"{base}{map_path(world)}/live", headers)
    yc.sync()
    return yc


def status_of(doc: pycrdt.Doc) -> Any:
    return doc.get("map", type=pycrdt.Map).get("status")


def set_status(doc: pycrdt.Doc, status: str) -> None:
    doc.get("map", type=pycrdt.Map)["status"] = status


def rest_status(world: World) -> str:
    return str(world.client("viewer").get(map_path(world)).json()["map"]["status"])


def test_marking_the_map_validated_without_evidence_is_refused(live: tuple[World, str]) -> None:
    world, base = live
    eager, other = board(world, base), board(world, base, "owner")
    set_status(eager.doc, "validated")
    closed = eager.wait_closed()
    assert closed.code == 4422, closed
    assert closed.reason.startswith("not validated: 3 key claims lack evidence (pain point '")
    assert "an owner overrides on the record" in closed.reason
    assert len(closed.reason.encode()) <= 123
    # Nothing of the refused update reached the others or the database.
    other.pump(timeout=0.3)
    assert status_of(other.doc) in (None, "hypothesis")
    assert rest_status(world) == "hypothesis"
    # The room goes on: the other board still edits and saves.
    name = other.doc.get("steps", type=pycrdt.Map)["form-a"]["name"]
    name.insert(len(str(name)), "!")
    other.wait_saved()
    # Even an owner cannot skip the gate in the document: the override is on the record only.
    set_status(other.doc, "validated")
    assert other.wait_closed().code == 4422
    assert rest_status(world) == "hypothesis"


def test_evidence_linked_in_the_document_lets_the_map_validate(live: tuple[World, str]) -> None:
    world, base = live
    yc = board(world, base)
    evidence = yc.doc.get("evidence", type=pycrdt.Map)["quote-a"]
    with yc.doc.transaction():  # one update: the links and the status together
        for claim in ("slow-a", "form-a", "verify-a"):
            if claim not in list(evidence["links"]):
                evidence["links"].append(claim)
        set_status(yc.doc, "validated")
    yc.wait_saved()
    assert yc.closed is None
    assert rest_status(world) == "validated"
    gate = world.client("viewer").get(f"{map_path(world)}/validation").json()
    assert gate["ready"] is True and gate["status"] == "validated"
    yc.close()


def test_the_owners_override_reaches_the_boards_and_editing_goes_on(
    live: tuple[World, str],
) -> None:
    world, base = live
    yc = board(world, base)
    etag = world.etag("owner", map_path(world))
    done = world.client("owner").post(
        f"{map_path(world)}/validation",
        json={"status": "validated", "reason": "Signed off at the May review"},
        headers={"If-Match": etag},
    )
    assert done.status_code == 200, done.text
    assert done.json()["history"][0]["overridden"] is True
    assert yc.pump(lambda: status_of(yc.doc) == "validated")
    # Already validated: the board's further edits are not a change of status, so not gated.
    name = yc.doc.get("steps", type=pycrdt.Map)["form-a"]["name"]
    name.insert(len(str(name)), " online")
    yc.wait_saved()
    assert yc.closed is None
    # Back to a hypothesis in the document is never gated; validating again then is.
    set_status(yc.doc, "hypothesis")
    yc.wait_saved()
    assert rest_status(world) == "hypothesis"
    set_status(yc.doc, "validated")
    assert yc.wait_closed().code == 4422
    assert rest_status(world) == "hypothesis"


def test_the_short_refusal_fits_a_close_reason() -> None:
    long = Claim("pain_point", "p", "é" * 300, False)
    one = short_refusal([long])
    assert len(one.encode()) <= 123 and one.startswith("not validated: 1 key claim lacks")
    assert one.endswith("an owner overrides on the record")
    many = short_refusal([Claim("moment_of_truth", "s", "Pay", False), long])
    assert "(moment of truth 'Pay' …)" in many and len(many.encode()) <= 123
