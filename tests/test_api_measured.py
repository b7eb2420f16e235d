# ruff: noqa: F811 - pytest fixtures are imported from tests.api_support by name
"""The Measured lane over the API: a source's event names, suggestions, coverage, the lane's
figures against a log small enough to count by hand, breakdowns, date ranges, stale
figures after the source changes, and the lane in renders, exports and share links."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from journeyline.web import Settings
from tests.api_support import World, build_world, database  # noqa: F401

# u1 views, signs up 5 min later, pays 15 min after that. u2 views and asks for help.
# u3 views, signs up 10 min later, asks for help. u4 signs up before viewing.
CSV = (
    "user_id,event,timestamp,plan\n"
    "u1,view,2024-03-04T10:00:00Z,free\n"
    "u1,signup,2024-03-04T10:05:00Z,free\n"
    "u1,pay,2024-03-04T10:20:00Z,free\n"
    "u2,view,2024-03-05T09:00:00Z,pro\n"
    "u2,help,2024-03-05T09:01:00Z,pro\n"
    "u3,view,2024-03-12T12:00:00Z,pro\n"
    "u3,signup,2024-03-12T12:10:00Z,pro\n"
    "u3,help,2024-03-12T12:11:00Z,pro\n"
    "u4,signup,2024-03-13T08:00:00Z,\n"
    "u4,view,2024-03-13T08:30:00Z,\n"
)

MAP = {
    "name": "Trial",
    "lanes": ["actions", "measured"],
    "stages": [
        {
            "name": "Try",
            "steps": [
                {"name": "View the page", "events": [{"event": "view"}]},
                {"name": "Think it over"},
                {"name": "Sign up", "events": [{"event": "signup"}]},
                {"name": "Pay", "touchpoint": "Payment", "events": [{"event": "pay"}]},
                {"name": "Get help"},
            ],
        }
    ],
}


@pytest.fixture
def world(database, tmp_path: Path) -> Iterator[World]:  # type: ignore[no-untyped-def]
    built = build_world(database, Settings(data_dir=str(tmp_path / "data")))
    yield built
    for client in built.clients.values():
        client.close()


def upload(world: World, data: str = CSV) -> str:
    response = world.client("editor").post(
        f"/api/workspaces/{world.workspace}/event-sources/upload",
        files={"file": ("trial.csv", data.encode())},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def new_map(world: World, source: str) -> str:
    body = {**MAP, "measured_source": source}
    response = world.client("editor").post(f"/api/workspaces/{world.workspace}/maps", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def add_a_viewer(world: World, source: str) -> None:
    """The source read again with one more viewer, u5 (its file changes)."""
    from journeyline.events.sources import convert

    path = world.app.state.event_sources.data_path(source)
    incoming = path.parent / "more.csv"
    incoming.write_text(CSV + "u5,view,2024-03-14T10:00:00Z,pro\n")
    convert(incoming, "trial.csv", {}, path.with_suffix(".next"))
    path.with_suffix(".next").replace(path)


def lane(world: World, map_id: str, **query: str) -> dict:  # type: ignore[type-arg]
    response = world.client("viewer").get(
        f"/api/workspaces/{world.workspace}/maps/{map_id}/measured", params=query
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_the_event_names_of_a_source_with_counts_and_property_values(world: World) -> None:
    source = upload(world)
    body = (
        world.client("viewer")
        .get(f"/api/workspaces/{world.workspace}/event-sources/{source}/event-names")
        .json()
    )
    assert body["events"] == [
        {"name": "view", "events": 4, "units": 4},
        {"name": "signup", "events": 3, "units": 3},
        {"name": "help", "events": 2, "units": 2},
        {"name": "pay", "events": 1, "units": 1},
    ]
    plan = next(p for p in body["properties"] if p["name"] == "plan")
    assert plan["values"] == [{"value": "pro", "events": 5}, {"value": "free", "events": 3}]
    outsider = world.client("outsider").get(
        f"/api/workspaces/{world.workspace}/event-sources/{source}/event-names"
    )
    assert outsider.status_code == 404


def test_the_lane_figures_are_the_ones_counted_by_hand(world: World) -> None:
    map_id = new_map(world, upload(world))
    body = lane(world, map_id)
    assert body["stale"] is False and body["entrants"] == 4 and body["unit"] == "user"
    assert body["source"]["name"] == "trial.csv"
    view, think, signup, pay, help_ = body["steps"]
    assert (think["matched"], help_["matched"]) == (False, False)
    assert (view["units"], view["share"], view["conversion"]) == (4, 1.0, 0.5)
    # u1 and u3 sign up after viewing (5 and 10 min); u2 asks for help, u4's journey ends.
    assert view["median_to_next_seconds"] == 450.0 and view["n_to_next"] == 2
    assert [(n["event"], n["units"]) for n in view["next_events"]] == [("[end]", 1), ("help", 1)]
    assert [(w["week"], w["units"]) for w in view["weekly"]] == [
        ("2024-03-04", 2),
        ("2024-03-11", 2),
    ]
    assert (signup["units"], signup["share"], signup["from_previous"]) == (3, 0.75, 0.5)
    assert signup["previous_units"] == 4
    assert signup["conversion"] == pytest.approx(1 / 3) and signup["median_to_next_seconds"] == 900
    assert [(n["event"], n["units"]) for n in signup["next_events"]] == [("help", 1), ("view", 1)]
    assert pay["units"] == 1 and pay["from_previous"] == pytest.approx(1 / 3)
    assert pay["conversion"] is None and pay["next_events"] == []


def test_a_breakdown_and_a_date_range(world: World) -> None:
    map_id = new_map(world, upload(world))
    body = lane(world, map_id, breakdown="plan")
    assert body["breakdown_values"] == ["pro", "free"]
    view = body["steps"][0]
    groups = {g["value"]: (g["units"], g["conversion"]) for g in view["breakdown"]}
    assert groups == {"pro": (2, 0.5), "free": (1, 1.0), "(none)": (1, 0.0)}
    # The second week only: u3 and u4.
    week = lane(world, map_id, **{"from": "2024-03-11", "to": "2024-03-17"})
    assert week["entrants"] == 2 and week["steps"][0]["units"] == 2
    assert week["date_from"] == "2024-03-11T00:00:00Z" and week["date_to"] == "2024-03-18T00:00:00Z"
    bad = world.client("viewer").get(
        f"/api/workspaces/{world.workspace}/maps/{map_id}/measured", params={"from": "March"}
    )
    assert bad.status_code == 422 and "not a date" in bad.text
    unknown = world.client("viewer").get(
        f"/api/workspaces/{world.workspace}/maps/{map_id}/measured", params={"breakdown": "nope"}
    )
    assert unknown.status_code == 422 and "nope" in unknown.text


def test_suggestions_and_coverage(world: World) -> None:
    map_id = new_map(world, upload(world))
    base = f"/api/workspaces/{world.workspace}/maps/{map_id}/measured"
    steps = world.client("viewer").get(f"{base}/suggestions").json()["steps"]
    by_name = {s["name"]: s for s in steps}
    # "Get help" has no matcher: the event named like it is suggested.
    assert [x["event"] for x in by_name["Get help"]["suggestions"]] == ["help"]
    assert by_name["Get help"]["suggestions"][0]["matched_on"] == "step"
    # A step is not offered the event it already matches.
    assert "view" not in [x["event"] for x in by_name["View the page"]["suggestions"]]
    cover = world.client("viewer").get(f"{base}/coverage").json()
    assert [s["name"] for s in cover["steps_without_matchers"]] == ["Think it over", "Get help"]
    assert cover["steps_matching_nothing"] == []
    assert [(e["event"], e["units"]) for e in cover["unclaimed_events"]] == [("help", 2)]
    assert cover["claimed_event_share"] == 0.8


def test_a_map_without_a_source_says_how_to_choose_one(world: World) -> None:
    response = world.client("editor").post(
        f"/api/workspaces/{world.workspace}/maps", json={"name": "Bare"}
    )
    map_id = response.json()["id"]
    answer = world.client("viewer").get(f"/api/workspaces/{world.workspace}/maps/{map_id}/measured")
    assert answer.status_code == 422 and "no event source" in answer.json()["error"]["message"]


def test_figures_go_stale_when_the_source_changes_and_are_measured_again(world: World) -> None:
    source = upload(world)
    map_id = new_map(world, source)
    first = lane(world, map_id)
    assert first["steps"][0]["units"] == 4
    assert lane(world, map_id)["computed_at"] == first["computed_at"]  # answered from the cache
    path = world.app.state.event_sources.data_path(source)
    # The source is read again with one more viewer (its file changes).
    more = CSV + "u5,view,2024-03-14T10:00:00Z,pro\n"
    from journeyline.events.sources import convert

    convert_target = path.with_suffix(".next")
    incoming = path.parent / "more.csv"
    incoming.write_text(more)
    convert(incoming, "trial.csv", {}, convert_target)
    convert_target.replace(path)
    stale = lane(world, map_id)
    assert stale["stale"] is True and stale["steps"][0]["units"] == 4
    render = world.client("viewer").get(
        f"/api/workspaces/{world.workspace}/maps/{map_id}/render.svg"
    )
    assert "STALE" in render.text
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        fresh = lane(world, map_id)
        if not fresh["stale"]:
            break
        time.sleep(0.1)
    assert fresh["stale"] is False and fresh["steps"][0]["units"] == 5
    assert fresh["entrants"] == 5


def test_renders_exports_and_share_links_carry_the_lane(world: World) -> None:
    map_id = new_map(world, upload(world))
    lane(world, map_id)
    base = f"/api/workspaces/{world.workspace}/maps/{map_id}"
    svg = world.client("viewer").get(f"{base}/render.svg").text
    assert "Measured" in svg and "sparkline" in svg and "From previous step: 50%" in svg
    assert "STALE" not in svg
    markdown = world.client("viewer").get(f"{base}/export", params={"format": "markdown"}).text
    assert "Measured for View the page:" in markdown
    assert "- Weekly: 2, 2" in markdown and "trial.csv" in markdown
    link = world.client("editor").post(f"{base}/share-links", json={})
    assert link.status_code == 201, link.text
    token = link.json()["token"]
    shared = world.client("anonymous").get(f"/api/shared/{token}").json()
    step = shared["map"]["stages"][0]["steps"][0]
    assert step["measured"]["units"] == 4 and step["measured"]["weekly"] == [2, 2]
    assert step["measured"]["stale"] is False
    # The lane itself, as the board has it (for the share page's Measured lane), public keys only.
    board = lane(world, map_id)
    measured = shared["measured"]
    assert measured["steps"] == board["steps"] and measured["entrants"] == board["entrants"]
    assert measured["source"] == {
        "name": "trial.csv",
        "kind": board["source"]["kind"],
        "refreshed_at": board["source"]["refreshed_at"],
    }
    assert measured["stale"] is False
    assert not {"log", "refresh", "matchers", "map"} & measured.keys()


def test_a_share_link_measures_stale_figures_again_by_itself(world: World) -> None:
    """Nobody opens the board: the share page's read finds the figures stale, the server
    measures them again as the link's maker, and a later read of the link has them fresh."""
    source = upload(world)
    map_id = new_map(world, source)
    lane(world, map_id)
    base = f"/api/workspaces/{world.workspace}/maps/{map_id}"
    token = world.client("editor").post(f"{base}/share-links", json={}).json()["token"]
    shown = world.client("anonymous").get(f"/api/shared/{token}").json()["measured"]
    assert shown["stale"] is False and shown["refreshing"] is False
    add_a_viewer(world, source)
    stale = world.client("anonymous").get(f"/api/shared/{token}").json()["measured"]
    assert stale["stale"] is True and stale["refreshing"] is True
    assert stale["steps"][0]["units"] == 4  # the last figures, at once
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        fresh = world.client("anonymous").get(f"/api/shared/{token}").json()["measured"]
        if not fresh["stale"]:
            break
        time.sleep(0.1)
    assert fresh["stale"] is False and fresh["refreshing"] is False
    assert fresh["steps"][0]["units"] == 5 and fresh["entrants"] == 5


def test_a_share_link_whose_maker_left_keeps_its_last_figures(world: World) -> None:
    """The link measures as its maker: once the maker has left the workspace, the stale
    figures stay as they were, marked stale, and the page still opens."""
    source = upload(world)
    map_id = new_map(world, source)
    lane(world, map_id)
    base = f"/api/workspaces/{world.workspace}/maps/{map_id}"
    token = world.client("editor").post(f"{base}/share-links", json={}).json()["token"]
    editor = world.actors["editor"].account_id
    removed = world.client("owner").delete(f"/api/workspaces/{world.workspace}/members/{editor}")
    assert removed.status_code == 204, removed.text
    add_a_viewer(world, source)
    lanes = world.app.state.measured_lanes
    for _ in range(3):
        reply = world.client("anonymous").get(f"/api/shared/{token}")
        assert reply.status_code == 200, reply.text
        measured = reply.json()["measured"]
        assert measured["stale"] is True and measured["steps"][0]["units"] == 4
        deadline = time.monotonic() + 10
        while lanes._running and time.monotonic() < deadline:  # the refresh tried, and failed
            time.sleep(0.05)
    assert not lanes._running


def test_a_collected_source_refreshes_the_lane_from_its_new_events_only(world: World) -> None:
    import base64

    editor = world.client("editor")
    created = editor.post(
        f"/api/workspaces/{world.workspace}/event-sources",
        json={"kind": "collector", "name": "Website"},
    ).json()
    source, key = created["id"], created["collector"]["write_key"]
    auth = {"Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode()}

    def send(*calls: tuple[str, str, str]) -> None:
        batch = [
            {"type": "track", "userId": u, "event": e, "timestamp": t, "messageId": f"{u}-{e}-{t}"}
            for u, e, t in calls
        ]
        response = world.client("anonymous").post(
            "/api/collect/v1/batch", json={"batch": batch}, headers=auth
        )
        assert response.json()["accepted"] == len(calls), response.text

    send(("u1", "view", "2024-03-04T10:00:00Z"), ("u2", "view", "2024-03-05T09:00:00Z"))
    map_id = new_map(world, source)
    first = lane(world, map_id)
    assert first["refresh"] == {"mode": "full", "reason": "first measured"}
    assert first["steps"][0]["units"] == 2 and first["steps"][2]["units"] == 0
    # u1 signs up (its path spans both reads), u3 arrives, and a batch is sent again.
    send(("u1", "signup", "2024-03-04T10:05:00Z"), ("u3", "view", "2024-03-06T08:00:00Z"))
    send(("u1", "signup", "2024-03-04T10:05:00Z"))
    deadline = time.monotonic() + 20
    fresh = lane(world, map_id)
    while fresh["stale"] and time.monotonic() < deadline:
        time.sleep(0.1)
        fresh = lane(world, map_id)
    assert fresh["stale"] is False and fresh["refresh"] == {"mode": "incremental", "reason": None}
    steps = {s["name"]: s for s in fresh["steps"]}
    assert steps["View the page"]["units"] == 3 and steps["Sign up"]["units"] == 1
    assert steps["Sign up"]["events"] == 1  # the repeated call counted once
    assert steps["View the page"]["conversion"] == pytest.approx(1 / 3)
    # A date range is measured in full from the source's file, with the same figures.
    ranged = lane(world, map_id, **{"from": "2024-03-01"})
    assert ranged["refresh"]["mode"] == "full" and "date range" in ranged["refresh"]["reason"]
    assert [s["units"] for s in ranged["steps"]] == [s["units"] for s in fresh["steps"]]
    assert ranged["entrants"] == fresh["entrants"] == 3
