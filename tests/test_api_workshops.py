# ruff: noqa: F811 - pytest fixtures are imported from tests.api_support by name
"""Workshop mode through the API, on SQLite and PostgreSQL: guests reach only their workshop
and its map; only the facilitator runs it; hidden notes and votes stay hidden until the
reveal, in REST reads and on the live channel; budgets hold; notes become map elements with
workshop evidence; the record and the summary say what happened."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from journeyline.store import workshop_notes
from tests.api_support import World, build_world, database, envelope_of, world  # noqa: F401


@dataclass
class Shop:
    """A workshop on trial-a run by the editor, with a guest who joined by link."""

    world: World
    base: str
    workshop: dict[str, Any]
    guest: TestClient
    guest_token: str
    guest_person: str

    def client(self, who: str) -> TestClient:
        return self.guest if who == "guest" else self.world.client(who)


def start_workshop(world: World) -> tuple[str, dict[str, Any]]:
    made = world.client("editor").post(
        f"/api/workspaces/{world.workspace}/workshops", json={"map": "trial-a"}
    )
    assert made.status_code == 201, made.text
    workshop = made.json()
    return f"/api/workspaces/{world.workspace}/workshops/{workshop['id']}", workshop


def join_guest(
    world: World, workshop: dict[str, Any], name: str = "Sam"
) -> tuple[TestClient, str, str]:
    token = workshop["join_url"].rsplit("/join/", 1)[1]
    browser = TestClient(world.app)  # its own cookies: the guest's session stays there
    joined = browser.post(f"/api/workshops/join/{token}", json={"name": name})
    browser.close()
    assert joined.status_code == 201, joined.text
    secret = joined.json()["token"]
    client = TestClient(
        world.app, headers={"Authorization": f"Bearer {secret}"}, raise_server_exceptions=False
    )
    return client, secret, joined.json()["person"]["id"]


@pytest.fixture
def shop(world: World) -> Iterator[Shop]:
    base, workshop = start_workshop(world)
    guest, secret, person = join_guest(world, workshop)
    yield Shop(world, base, workshop, guest, secret, person)
    guest.close()


def note(shop: Shop, who: str, text: str, kind: str = "pain_point", **place: Any) -> dict[str, Any]:
    response = shop.client(who).post(
        f"{shop.base}/notes", json={"kind": kind, "text": text, "place": place or None}
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_a_workshop_starts_with_the_practices_agenda(shop: Shop) -> None:
    workshop = shop.workshop
    assert [(s["name"], s["minutes"], s["shows"]) for s in workshop["agenda"]] == [
        ("Scope", 15, "scope"),
        ("Set the stage", 5, "stage"),
        ("Back-story", 10, "backstory"),
        ("Does, thinks and feels", 45, "lanes"),
        ("Pain points", 20, "pain_points"),
        ("Sentiment line", 15, "sentiment"),
        ("Big picture", 15, "big_picture"),
        ("Follow-ups", 10, "summary"),
    ]
    assert all(s["what"].endswith(".") and s["spent_seconds"] == 0 for s in workshop["agenda"])
    assert workshop["me"]["role"] == "facilitator" and workshop["status"] == "planned"
    assert workshop["join_url"].startswith("http") and "/join/" in workshop["join_url"]
    assert workshop["server_time"].endswith("Z") and workshop["timer"]["state"] == "idle"
    listed = shop.world.client("viewer").get(
        f"/api/workspaces/{shop.world.workspace}/workshops?map=trial-a"
    )
    assert [w["id"] for w in listed.json()["workshops"]] == [workshop["id"]]
    # The facilitator edits, reorders and extends the agenda; steps keep their ids.
    steps = workshop["agenda"]
    edited = [steps[1], steps[0] | {"minutes": 20}, {"name": "Coffee", "minutes": 5}]
    patched = shop.client("editor").patch(shop.base, json={"agenda": edited})
    assert patched.status_code == 200, patched.text
    agenda = patched.json()["agenda"]
    assert [s["name"] for s in agenda] == ["Set the stage", "Scope", "Coffee"]
    assert agenda[0]["id"] == steps[1]["id"] and agenda[1]["minutes"] == 20
    assert agenda[2]["id"] not in {s["id"] for s in steps} and agenda[2]["shows"] == "big_picture"


def test_guests_reach_only_their_workshop_and_its_map(shop: Shop) -> None:
    world, guest = shop.world, shop.guest
    w = world.workspace
    assert guest.get(shop.base).status_code == 200
    assert guest.get(shop.base).json()["me"]["guest"] is True
    assert guest.get(f"/api/workspaces/{w}/maps/trial-a").status_code == 200
    assert guest.get(f"/api/workspaces/{w}/maps/trial-a/comments").status_code == 200
    for path in (
        f"/api/workspaces/{w}/maps/future-a",
        f"/api/workspaces/{w}/maps/future-a/comments",
        f"/api/workspaces/{world.foreign_workspace}/maps/trial-b",
    ):
        assert guest.get(path).status_code == 404, path
    # Everything else in the workspace (and the account's own routes) is refused.
    for method, path in (
        ("GET", f"/api/workspaces/{w}/members"),
        ("GET", f"/api/workspaces/{w}"),
        ("GET", f"/api/workspaces/{w}/maps"),
        ("GET", f"/api/workspaces/{w}/personas"),
        ("GET", f"/api/workspaces/{w}/maps/trial-a/summary"),
        ("GET", f"/api/workspaces/{w}/maps/trial-a/revisions"),
        ("PATCH", f"/api/workspaces/{w}/maps/trial-a"),
        ("GET", "/api/workspaces"),
        ("POST", "/api/workspaces"),
        ("POST", "/api/me/tokens"),
        ("POST", "/api/me/password"),
        ("GET", f"/api/workspaces/{w}/workshops"),
    ):
        response = guest.request(method, path, json={"name": "x"})
        assert response.status_code in (403, 404), (method, path, response.text)
        envelope_of(response)
    # Another workshop of the same workspace is out of reach too.
    other_base, _ = start_workshop(world)
    assert guest.get(other_base).status_code == 404
    # The facilitator ends the workshop: the guest's token and link stop working at once.
    assert shop.client("editor").post(f"{shop.base}/end").json()["status"] == "ended"
    after = guest.get(shop.base)
    assert after.status_code == 401 and envelope_of(after)["type"] == "NotSignedIn"
    assert guest.get(f"/api/workspaces/{w}/maps/trial-a").status_code == 401
    token = shop.workshop["join_url"].rsplit("/join/", 1)[1]
    assert world.client("anonymous").get(f"/api/workshops/join/{token}").status_code == 404
    late = TestClient(world.app).post(f"/api/workshops/join/{token}", json={"name": "Late"})
    assert late.status_code == 404


def test_a_guests_browser_session_is_scoped_and_ends_too(shop: Shop) -> None:
    world = shop.world
    token = shop.workshop["join_url"].rsplit("/join/", 1)[1]
    browser = TestClient(world.app, raise_server_exceptions=False)
    info = browser.get(f"/api/workshops/join/{token}").json()
    assert info == {
        "title": shop.workshop["title"],
        "status": "planned",
        "map_title": "Trial to paid a",
    }
    joined = browser.post(f"/api/workshops/join/{token}", json={"name": "<b>Kim</b>"})
    assert joined.status_code == 201 and "journeyline_session" in joined.cookies
    csrf = joined.json()["csrf_token"]
    assert browser.get(shop.base).json()["me"]["name"] == "<b>Kim</b>"
    added = browser.post(
        f"{shop.base}/notes",
        json={"kind": "idea", "text": "Wallets"},
        headers={"X-CSRF-Token": csrf},
    )
    assert added.status_code == 201, added.text
    assert browser.get(f"/api/workspaces/{world.workspace}/members").status_code == 403
    shop.client("editor").post(f"{shop.base}/end")
    assert browser.get(shop.base).status_code == 401
    browser.close()


def test_every_workshop_operation_refuses_outsiders_and_the_anonymous(shop: Shop) -> None:
    world = shop.world
    ids = {
        "workspace_id": world.workspace,
        "workshop_id": shop.workshop["id"],
        "note_id": note(shop, "editor", "A note")["id"],
        "group_id": "wg_none",
        "round_id": "wr_none",
        "person_id": shop.guest_person,
        "suggestion_id": "sg_none",
        "target": "wallets-a",
    }
    spec = world.app.openapi()["paths"]
    walked = 0
    for path, operations in spec.items():
        if "/workshops" not in path or not path.startswith("/api/workspaces/"):
            continue
        url = re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], path)
        for method in operations:
            walked += 1
            kwargs: dict[str, Any] = {} if method in ("get", "delete") else {"json": {}}
            anonymous = world.client("anonymous").request(method, url, **kwargs)
            assert anonymous.status_code == 401, (method, path, anonymous.text)
            outsider = world.client("outsider").request(method, url, **kwargs)
            assert outsider.status_code == 404, (method, path, outsider.text)
            envelope_of(outsider)
            # A foreign workspace's id with this workshop: not found there.
            foreign = world.client("editor").request(
                method, url.replace(world.workspace, world.foreign_workspace), **kwargs
            )
            assert foreign.status_code == 404, (method, path, foreign.text)
    assert walked >= 30


def test_only_the_facilitator_runs_the_workshop_and_viewers_do_not_write(shop: Shop) -> None:
    world, base = shop.world, shop.base
    owner = world.client("owner")
    assert owner.post(f"{base}/join").json()["me"]["role"] == "participant"
    item = note(shop, "editor", "Card declined")
    for who in ("owner", "commenter", "guest"):
        client = shop.client(who)
        for method, path, body in (
            ("POST", "timer", {"action": "start"}),
            ("POST", "reveal", None),
            ("POST", "rounds", {"targets": "opportunities"}),
            ("POST", "end", None),
            ("PATCH", "", {"hidden": True}),
            ("POST", "summon", {"view": {"step": 1}}),
            ("PUT", f"people/{shop.guest_person}", {"role": "scribe"}),
            ("POST", "follow-up", {"status": "validated"}),
        ):
            url = f"{base}/{path}" if path else base
            response = client.request(method, url, json=body)
            assert response.status_code == 403, (who, method, path, response.text)
            assert "facilitator" in envelope_of(response)["message"]
    viewer = world.client("viewer")
    assert viewer.get(base).status_code == 200
    assert viewer.get(f"{base}/notes").status_code == 200
    refused = viewer.post(f"{base}/notes", json={"kind": "idea", "text": "x"})
    assert refused.status_code == 403 and "viewer" in envelope_of(refused)["message"]
    assert viewer.patch(f"{base}/notes/{item['id']}", json={"text": "y"}).status_code == 403
    # Notes are changed by their author, the scribe or the facilitator.
    others = shop.guest.patch(f"{base}/notes/{item['id']}", json={"text": "mine now"})
    assert others.status_code == 403
    assert (
        shop.client("editor")
        .put(f"{base}/people/{shop.guest_person}", json={"role": "scribe"})
        .json()["role"]
        == "scribe"
    )
    assert (
        shop.guest.patch(
            f"{base}/notes/{item['id']}", json={"text": "Card declined twice"}
        ).status_code
        == 200
    )
    # Conversion writes the map: a guest scribe is no editor of the workspace.
    converted = shop.guest.post(
        f"{base}/convert", json={"notes": [item["id"]], "as": "opportunity"}
    )
    assert converted.status_code in (403, 404)
    # Lock: participants stop writing; the facilitator and scribe go on.
    shop.client("editor").patch(base, json={"locked": True})
    locked = world.client("commenter").post(f"{base}/notes", json={"kind": "idea", "text": "x"})
    assert locked.status_code == 403 and "locked" in envelope_of(locked)["message"]
    assert (
        shop.guest.post(f"{base}/notes", json={"kind": "idea", "text": "scribe"}).status_code == 201
    )
    demote = shop.client("editor").put(
        f"{base}/people/{shop.workshop['me']['id']}", json={"role": "participant"}
    )
    assert demote.status_code == 409  # the last facilitator


def test_timer_on_the_server_clock_survives_a_reread_and_records_time_spent(shop: Shop) -> None:
    editor, base = shop.client("editor"), shop.base
    started = editor.post(f"{base}/timer", json={"action": "start"}).json()
    assert started["status"] == "running" and started["current"] == 0
    assert started["timer"]["state"] == "running" and started["timer"]["step"] == 0
    ends = started["timer"]["ends_at"]
    reread = shop.guest.get(base).json()
    assert reread["timer"] == started["timer"] and reread["current"] == 0
    time.sleep(0.3)
    paused = editor.post(f"{base}/timer", json={"action": "pause"}).json()["timer"]
    assert paused["state"] == "paused" and paused["ends_at"] is None
    assert 15 * 60 - 5 < paused["remaining_seconds"] < 15 * 60 - 0.2
    extended = editor.post(f"{base}/timer", json={"action": "extend", "minutes": 5}).json()["timer"]
    assert extended["remaining_seconds"] == pytest.approx(paused["remaining_seconds"] + 300)
    resumed = editor.post(f"{base}/timer", json={"action": "resume"}).json()["timer"]
    assert resumed["state"] == "running" and resumed["ends_at"] > ends
    time.sleep(0.2)
    moved = editor.post(f"{base}/timer", json={"action": "next"}).json()
    assert moved["current"] == 1 and moved["timer"]["state"] == "running"
    spent = moved["agenda"][0]["spent_seconds"]
    assert 0.5 <= spent < 10 and moved["agenda"][0]["started_at"] is not None
    record = shop.guest.get(f"{base}/record").json()
    assert record["agenda"][0]["spent_seconds"] == pytest.approx(spent)
    assert record["agenda"][0]["minutes"] == 15
    gone = editor.post(f"{base}/timer", json={"action": "goto", "step": 7}).json()
    assert gone["current"] == 7
    done = editor.post(f"{base}/timer", json={"action": "next"}).json()["timer"]
    assert done["state"] == "ended"
    for bad in (
        {"action": "rewind"},
        {"action": "goto", "step": 99},
        {"action": "extend"},
        {"action": "extend", "minutes": "five"},
        {"action": "goto", "step": True},
    ):
        response = editor.post(f"{base}/timer", json=bad)
        assert response.status_code == 422, (bad, response.text)
        envelope_of(response)


def test_hidden_notes_are_absent_for_others_until_the_reveal(shop: Shop) -> None:
    editor, base = shop.client("editor"), shop.base
    assert editor.patch(base, json={"hidden": True}).json()["hidden"] is True
    mine = note(shop, "guest", "Nobody answers the chat", stage="pay-a")
    assert mine["hidden"] is True
    assert [n["id"] for n in shop.guest.get(f"{base}/notes").json()["notes"]] == [mine["id"]]
    for who in ("editor", "commenter", "viewer"):
        seen = shop.client(who).get(f"{base}/notes").json()
        assert seen["notes"] == [] and "Nobody answers" not in json.dumps(seen), who
        assert seen["hidden_counts"] == {shop.guest_person: 1}
        assert shop.client(who).get(f"{base}/notes/{mine['id']}").status_code in (404, 405)
        assert shop.client(who).get(f"{base}/record").json()["notes"] == 1
    assert editor.patch(f"{base}/notes/{mine['id']}", json={"text": "x"}).status_code == 404
    assert "Nobody answers" not in editor.get(f"{base}/suggestions").text
    assert "Nobody answers" not in editor.get(f"{base}/summary").text
    revealed = editor.post(f"{base}/reveal").json()
    assert revealed["hidden"] is False
    seen = shop.client("viewer").get(f"{base}/notes").json()
    assert [n["text"] for n in seen["notes"]] == ["Nobody answers the chat"]
    assert seen["notes"][0]["hidden"] is False and seen["hidden_counts"] == {}


def test_voting_budget_cap_and_anonymous_results(shop: Shop) -> None:
    world, editor, base = shop.world, shop.client("editor"), shop.base
    made = editor.post(
        f"{base}/rounds", json={"targets": "pain_points", "budget": 3, "per_item": 2}
    )
    assert made.status_code == 201, made.text
    found = made.json()
    assert found["items"] == [{"id": "slow-a", "label": "Card form rejects cards a"}]
    url = f"{base}/rounds/{found['id']}/votes"
    assert shop.guest.post(url, json={"target": "slow-a"}).status_code == 201
    second = shop.guest.post(url, json={"target": "slow-a"}).json()
    assert second["my_votes"] == {"slow-a": 2} and second["used"] == 2
    capped = shop.guest.post(url, json={"target": "slow-a"})
    assert capped.status_code == 409 and envelope_of(capped)["details"] == {"per_item": 2}
    # Counts stay hidden while the round is open: others see only their own votes.
    other = world.client("commenter").get(f"{base}/rounds/{found['id']}").json()
    assert other["my_votes"] == {} and other["results"] is None and other["voters"] == 1
    assert shop.guest.post(url, json={"target": "nowhere"}).status_code == 422
    assert world.client("viewer").post(url, json={"target": "slow-a"}).status_code == 403
    # Budget: three rounds' worth of items is what a person may spend.
    budget = editor.post(f"{base}/rounds", json={"targets": "opportunities", "budget": 2}).json()
    burl = f"{base}/rounds/{budget['id']}/votes"
    for _ in range(2):
        assert world.client("commenter").post(burl, json={"target": "wallets-a"}).status_code == 201
    over = world.client("commenter").post(burl, json={"target": "wallets-a"})
    assert over.status_code == 409 and envelope_of(over)["details"] == {"budget": 2, "used": 2}
    back = world.client("commenter").delete(f"{burl}/wallets-a")
    assert back.status_code == 200 and back.json()["used"] == 1
    assert world.client("commenter").post(burl, json={"target": "wallets-a"}).status_code == 201
    assert editor.post(burl, json={"target": "wallets-a"}).status_code == 201
    revealed = editor.post(f"{base}/rounds/{budget['id']}/reveal").json()
    assert revealed["status"] == "revealed"
    assert revealed["results"] == [
        {"item": "wallets-a", "label": "Accept wallets", "votes": 3, "rank": 1}
    ]
    body = json.dumps(world.client("viewer").get(f"{base}/rounds").json())
    for person in shop.guest.get(base).json()["people"]:
        assert person["id"] not in body  # anonymous: no voter is named anywhere
    assert world.client("commenter").post(burl, json={"target": "wallets-a"}).status_code == 409
    # The revealed votes feed the opportunity's votes, hence the priorities.
    ranked = (
        world.client("viewer")
        .get(f"/api/workspaces/{world.workspace}/maps/trial-a/priorities")
        .json()["opportunities"]
    )
    assert ranked[0]["id"] == "wallets-a" and ranked[0]["votes"] == 3
    for bad in (
        {"targets": "steps"},
        {"targets": "groups"},
        {"targets": "pain_points", "budget": 0},
        {"targets": "pain_points", "budget": "3"},
    ):
        response = editor.post(f"{base}/rounds", json=bad)
        assert response.status_code == 422, (bad, response.text)


def test_notes_become_map_elements_with_workshop_evidence_in_one_revision(shop: Shop) -> None:
    world, editor, base = shop.world, shop.client("editor"), shop.base
    path = f"/api/workspaces/{world.workspace}/maps/trial-a"
    before = world.client("viewer").get(path).json()["revision"]
    pain = note(shop, "guest", "Card form rejects Amex", stage="pay-a", step="card-a")
    again = note(shop, "editor", "Amex cards are refused", stage="pay-a", step="card-a")
    made = editor.post(
        f"{base}/convert",
        json={"notes": [pain["id"], again["id"]], "as": "pain_point", "impact": 5},
    )
    assert made.status_code == 200, made.text
    result = made.json()
    assert result["revision"] == before + 1 and len(result["elements"]) == 2
    journey = world.client("viewer").get(path).json()["map"]
    pains = {p["id"]: p for p in journey["pain_points"]}
    assert all(
        pains[e]["step"] == "card-a" and pains[e]["impact"] == "abandon" for e in result["elements"]
    )
    evidence = [e for e in journey["evidence"] if e["kind"] == "workshop"]
    assert len(evidence) == 1 and sorted(evidence[0]["links"]) == sorted(result["elements"])
    assert "Sam" in evidence[0]["source"] and "Editor" in evidence[0]["source"]
    assert shop.workshop["id"] in evidence[0]["source"] and evidence[0]["date"]
    listed = editor.get(f"{base}/notes").json()["notes"]
    assert all(n["converted"] for n in listed)
    # A group becomes one element named after its label; lane texts fill a step.
    idea = note(shop, "guest", "Offer Apple Pay")
    other = note(shop, "guest", "Offer Google Pay")
    group = editor.post(
        f"{base}/groups", json={"label": "Wallets at checkout", "notes": [idea["id"], other["id"]]}
    )
    assert group.status_code == 201, group.text
    opportunity = editor.post(
        f"{base}/convert", json={"group": group.json()["id"], "as": "opportunity", "step": "card-a"}
    )
    assert opportunity.status_code == 200, opportunity.text
    thought = note(shop, "guest", "Is my card safe here?", kind="thought", step="card-a")
    lane = editor.post(f"{base}/convert", json={"notes": [thought["id"]], "as": "thought"})
    assert lane.json()["elements"] == ["card-a"]
    goal = note(
        shop,
        "guest",
        "Run my shop without paperwork",
        kind="highest_goal",
        canvas="backstory",
        x=10,
        y=20,
    )
    editor.post(f"{base}/convert", json={"notes": [goal["id"]], "as": "backstory"})
    journey = world.client("viewer").get(path).json()["map"]
    assert any(
        o["name"] == "Wallets at checkout" and o["steps"] == ["card-a"]
        for o in journey["opportunities"]
    )
    card = next(s for st in journey["stages"] for s in st["steps"] if s["id"] == "card-a")
    assert card["thinks"].endswith("Is my card safe here?")
    assert journey["backstory"]["highest_goal"] == "Run my shop without paperwork"
    assert len([e for e in journey["evidence"] if e["kind"] == "workshop"]) == 4
    for bad in (
        {"notes": [pain["id"]], "as": "persona"},
        {"notes": [pain["id"]], "as": "pain_point", "step": "nowhere"},
        {"notes": [pain["id"]], "as": "pain_point", "impact": 9},
        {"notes": [], "as": "step"},
        {"as": "step"},
    ):
        response = editor.post(f"{base}/convert", json=bad)
        assert response.status_code == 422, (bad, response.text)
        envelope_of(response)


def test_groups_merges_and_suggestions(shop: Shop) -> None:
    editor, base = shop.client("editor"), shop.base
    a = note(shop, "guest", "The checkout page is slow to load")
    b = note(shop, "editor", "checkout page loads slowly")
    c = note(shop, "editor", "I love the colours", kind="feeling")
    found = editor.get(f"{base}/suggestions").json()["suggestions"]
    assert len(found) == 1 and set(found[0]["notes"]) == {a["id"], b["id"]}
    assert 0.5 <= found[0]["similarity"] <= 1
    ignored = shop.guest.post(f"{base}/suggestions/{found[0]['id']}", json={"action": "ignore"})
    assert ignored.status_code == 200
    assert editor.get(f"{base}/suggestions").json()["suggestions"] == []
    merged = editor.post(f"{base}/notes/merge", json={"notes": [b["id"], a["id"]]})
    assert merged.status_code == 200, merged.text
    assert set(merged.json()["authors"]) == {a["author"], b["author"]}
    assert [n["id"] for n in editor.get(f"{base}/notes").json()["notes"]] == [b["id"], c["id"]]
    group = editor.post(f"{base}/groups", json={"label": "Speed", "notes": [b["id"]]}).json()
    moved = editor.patch(
        f"{base}/groups/{group['id']}", json={"notes": [b["id"], c["id"]], "label": "All"}
    )
    assert moved.json()["notes"] == [b["id"], c["id"]] and moved.json()["label"] == "All"
    assert editor.delete(f"{base}/groups/{group['id']}").status_code == 204
    assert all(n["group"] is None for n in editor.get(f"{base}/notes").json()["notes"])


def test_bad_input_gets_clear_json_errors_and_a_flood_gets_429(shop: Shop) -> None:
    base = shop.base
    for body in (
        {"kind": "rant", "text": "x"},
        {"kind": "idea", "text": ""},
        {"kind": "idea", "text": "x" * 2001},
        {"kind": "idea", "text": 5},
        {"kind": "idea", "text": "x", "place": {"canvas": "wall"}},
        {"kind": "idea", "text": "x", "place": {"x": "left"}},
        {"kind": "idea", "text": "x", "place": {"x": float("1e300")}},
        {"kind": "idea", "text": "x", "colour": "red"},
    ):
        response = shop.guest.post(f"{base}/notes", json=body)
        assert response.status_code == 422, (body, response.text)
        assert envelope_of(response)["message"]
    assert (
        shop.guest.post(
            f"{base}/notes", content=b"[1,2]", headers={"Content-Type": "application/json"}
        ).status_code
        == 422
    )
    assert shop.guest.patch(base, json={"hidden": True}).status_code == 403
    editor = shop.client("editor")
    for body in (
        {"agenda": []},
        {"agenda": [{"name": "x", "minutes": -1}]},
        {"agenda": [{"name": "", "minutes": 5}]},
        {"agenda": [{"name": "x", "minutes": 5, "shows": "moon"}]},
        {"locked": "yes"},
        {"colour": 1},
    ):
        response = editor.patch(base, json=body)
        assert response.status_code == 422, (body, response.text)
    for body in ({}, {"map": "nowhere"}, {"map": "trial-a", "template": "saas-trial"}, {"map": 5}):
        response = editor.post(f"/api/workspaces/{shop.world.workspace}/workshops", json=body)
        assert response.status_code in (404, 422), (body, response.text)
    assert shop.guest.post("/api/workshops/join/nope", json={"name": "x"}).status_code == 404
    token = shop.workshop["join_url"].rsplit("/join/", 1)[1]
    for name in ("", "   ", "x" * 81, 7):
        assert (
            TestClient(shop.world.app)
            .post(f"/api/workshops/join/{token}", json={"name": name})
            .status_code
            == 422
        )
    # A flood: the 21st note within ten seconds is refused, with when to try again.
    statuses = [
        shop.guest.post(f"{base}/notes", json={"kind": "idea", "text": f"idea {i}"}).status_code
        for i in range(workshop_notes.NOTES_PER_WINDOW + 1)
    ]
    assert statuses[:-1] == [201] * workshop_notes.NOTES_PER_WINDOW and statuses[-1] == 429
    flooded = shop.guest.post(f"{base}/notes", json={"kind": "idea", "text": "again"})
    assert flooded.status_code == 429 and 1 <= int(flooded.headers["Retry-After"]) <= 10
    assert envelope_of(flooded)["type"] == "TooManyNotes"
    # Others are not held up by one person's flood.
    assert (
        shop.client("editor")
        .post(f"{base}/notes", json={"kind": "idea", "text": "mine"})
        .status_code
        == 201
    )


def test_record_summary_and_follow_up(shop: Shop) -> None:
    world, editor, base = shop.world, shop.client("editor"), shop.base
    editor.post(f"{base}/timer", json={"action": "start"})
    pain = note(shop, "guest", "Nobody explains <fees>", step="card-a")
    editor.post(f"{base}/convert", json={"notes": [pain["id"]], "as": "pain_point"})
    found = editor.post(f"{base}/rounds", json={"targets": "pain_points"}).json()
    shop.guest.post(f"{base}/rounds/{found['id']}/votes", json={"target": "slow-a"})
    editor.post(f"{base}/rounds/{found['id']}/reveal")
    editor.post(f"{base}/timer", json={"action": "next"})
    record = world.client("viewer").get(f"{base}/record").json()
    assert [p["name"] for p in record["attendance"]] == ["Editor", "Sam"]
    assert record["notes"] == 1 and record["converted"] == 1
    assert record["rounds"][0]["results"][0] == {
        "item": "slow-a",
        "label": "Card form rejects cards a",
        "votes": 1,
        "rank": 1,
    }
    summary = world.client("viewer").get(f"{base}/summary?format=md")
    assert summary.status_code == 200 and summary.headers["content-type"].startswith(
        "text/markdown"
    )
    text = summary.text
    assert text.startswith("# Stakeholder summary: Trial to paid a")
    assert "## Workshop outcomes: Trial to paid a workshop" in text
    assert "Sam, participant (guest)" in text and "| Scope | 15 min |" in text
    assert "Nobody explains \\<fees\\>" in text or "Nobody explains &lt;fees&gt;" in text
    assert "| 1 | Card form rejects cards a | 1 |" in text
    assert world.client("viewer").get(f"{base}/summary?format=docx").status_code == 422
    followed = editor.post(
        f"{base}/follow-up", json={"status": "validated", "review_date": "2027-03-01"}
    )
    assert followed.status_code == 200, followed.text
    journey = (
        world.client("viewer").get(f"/api/workspaces/{world.workspace}/maps/trial-a").json()["map"]
    )
    assert journey["status"] == "validated" and journey["review_date"] == "2027-03-01"
    assert editor.post(f"{base}/follow-up", json={"review_date": "soon"}).status_code == 422
    assert editor.post(f"{base}/follow-up", json={"status": "final"}).status_code == 422


def test_summary_as_pdf(world: World) -> None:
    from tests.conftest import require

    require(__import__("shutil").which("chromium") is not None, "needs Chromium for PDFs")
    base, _ = start_workshop(world)
    editor = world.client("editor")
    editor.post(f"{base}/notes", json={"kind": "idea", "text": "Wallets"})
    response = editor.get(f"{base}/summary?format=pdf")
    assert response.status_code == 200, response.text[:300]
    assert (
        response.headers["content-type"] == "application/pdf" and response.content[:5] == b"%PDF-"
    )
    import pypdfium2

    pdf = pypdfium2.PdfDocument(response.content)
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "Workshop outcomes" in text and "Time per step" in text and "Stakeholder summary" in text


def test_a_workshop_from_a_template(world: World) -> None:
    made = world.client("editor").post(
        f"/api/workspaces/{world.workspace}/workshops",
        json={"template": "saas-trial", "title": "Trial kick-off"},
    )
    assert made.status_code == 201, made.text
    assert made.json()["title"] == "Trial kick-off"
    maps = world.client("viewer").get(f"/api/workspaces/{world.workspace}/maps").json()
    assert made.json()["map"] in {m["id"] for m in maps}
    assert (
        world.client("commenter")
        .post(f"/api/workspaces/{world.workspace}/workshops", json={"map": "trial-a"})
        .status_code
        == 403
    )
