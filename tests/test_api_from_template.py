# ruff: noqa: F811 - pytest fixtures are imported from tests.api_support by name
"""A map from a template over the API, and the map list rows the map list filters on."""

from __future__ import annotations

import datetime as dt

from journeyline.store import maps, workspaces
from journeyline.templates import load_template
from tests.api_support import World, database, envelope_of, world  # noqa: F401


def _maps(world: World) -> str:
    return f"/api/workspaces/{world.workspace}/maps"


def test_a_map_from_a_template_brings_its_personas_and_segment(world: World) -> None:
    editor = world.client("editor")
    before = editor.get(f"/api/workspaces/{world.workspace}").json()
    response = editor.post(f"{_maps(world)}/from-template", json={"template": "saas-trial"})
    assert response.status_code == 201, response.text
    body = response.json()
    template = load_template("saas-trial")
    # The same shape as creating a map, with the revision as ETag.
    assert {"workspace", "id", "revision", "updated_at", "map"} <= set(body)
    assert response.headers["ETag"] == '"1"' and body["revision"] == 1
    assert body["id"] == template.maps[0].id == "map-saas-trial"
    assert body["map"]["personas"] == ["persona-priya"]
    assert len(body["map"]["stages"]) == len(template.maps[0].stages)
    # The template is validated by its own research; the team's map starts as a hypothesis.
    assert template.maps[0].status == "validated" and body["map"]["status"] == "hypothesis"
    report = body["from_template"]
    assert report["added"]["personas"] == ["persona-priya"]
    assert report["added"]["segments"] == ["segment-smb-teams"]
    assert report["added"]["evidence"] == ["ev-smb-survey"]
    assert report["workspace_revision"] == before["revision"] + 1

    after = editor.get(f"/api/workspaces/{world.workspace}")
    document = after.json()["workspace"]
    assert after.headers["ETag"] == f'"{before["revision"] + 1}"'
    assert "persona-priya" in [p["id"] for p in document["personas"]]
    assert "priya-a" in [p["id"] for p in document["personas"]]  # nothing was replaced
    log = editor.get(f"/api/workspaces/{world.workspace}/revisions").json()
    assert "from template 'saas-trial'" in log[0]["summary"]
    assert editor.get(f"{_maps(world)}/map-saas-trial").json()["map"]["name"] == body["map"]["name"]


def test_a_second_map_from_the_same_template_reuses_what_is_there(world: World) -> None:
    editor = world.client("editor")
    first = editor.post(f"{_maps(world)}/from-template", json={"template": "saas-trial"}).json()
    # The team edits the persona that came with the template.
    path = f"/api/workspaces/{world.workspace}/personas/persona-priya"
    etag = world.etag("editor", f"/api/workspaces/{world.workspace}")
    renamed = editor.patch(path, json={"name": "Priya (our version)"}, headers={"If-Match": etag})
    assert renamed.status_code == 200, renamed.text
    revision = int(renamed.json()["revision"])

    second = editor.post(
        f"{_maps(world)}/from-template", json={"template": "saas-trial", "name": "Trial, EU"}
    )
    assert second.status_code == 201, second.text
    body = second.json()
    assert body["id"] == "trial-eu" != first["id"]  # a name given: the id comes from it
    assert body["map"]["name"] == "Trial, EU"
    report = body["from_template"]
    assert not any(report["added"].values())
    assert report["reused"]["personas"] == ["persona-priya"]
    assert report["workspace_revision"] == revision  # the workspace was not written
    assert editor.get(path).json()["element"]["name"] == "Priya (our version)"  # kept

    third = editor.post(f"{_maps(world)}/from-template", json={"template": "saas-trial"})
    assert third.json()["id"] not in (first["id"], body["id"])  # the template's id is taken


def test_unknown_templates_and_roles(world: World) -> None:
    path = f"{_maps(world)}/from-template"
    typo = world.client("editor").post(path, json={"template": "saas-trail"})
    assert typo.status_code == 404
    assert "did you mean 'saas-trial'?" in envelope_of(typo)["message"]
    sneaky = world.client("editor").post(path, json={"template": "../templates/saas-trial"})
    assert sneaky.status_code == 404
    empty = world.client("editor").post(path, json={"template": "saas-trial", "name": "  "})
    assert empty.status_code == 422
    missing = world.client("editor").post(path, json={"name": "x"})
    assert missing.status_code == 422 and envelope_of(missing)["diagnostics"]
    assert world.client("commenter").post(path, json={"template": "saas-trial"}).status_code == 403
    assert world.client("outsider").post(path, json={"template": "saas-trial"}).status_code == 404
    assert world.client("anonymous").post(path, json={"template": "saas-trial"}).status_code == 401
    assert [m["id"] for m in world.client("owner").get(_maps(world)).json()] == [
        "trial-a",
        "future-a",
    ]


def test_every_template_makes_a_valid_map_in_one_workspace(world: World) -> None:
    from journeyline.templates import template_names

    owner = world.client("owner")
    for name in template_names():
        made = owner.post(f"{_maps(world)}/from-template", json={"template": name})
        assert made.status_code == 201, (name, made.text)
    analysis = owner.get(f"{_maps(world)}/map-service-blueprint/analysis")
    assert analysis.status_code == 200, analysis.text


def test_map_list_rows_carry_what_the_filters_need(world: World) -> None:
    owner = world.client("owner")
    etag = world.etag("owner", f"{_maps(world)}/trial-a")
    # Validated through the gate: the owner overrides it, on the record (docs/feedback.md).
    gate = owner.post(
        f"{_maps(world)}/trial-a/validation",
        json={"status": "validated", "reason": "Signed off in the review"},
        headers={"If-Match": etag},
    )
    assert gate.status_code == 200, gate.text
    etag = gate.headers["ETag"]
    changed = owner.patch(
        f"{_maps(world)}/trial-a",
        json={
            "review_date": "2020-01-31",
            "owner": "Growth squad",
            "tags": ["trial", "smb"],
            "scenario": "Upgrading before the trial ends",
        },
        headers={"If-Match": etag},
    )
    assert changed.status_code == 200, changed.text
    rows = {row["id"]: row for row in owner.get(_maps(world)).json()}
    trial = rows["trial-a"]
    assert trial == {
        "id": "trial-a",
        "name": "Trial to paid a",
        "revision": 3,
        "updated_at": trial["updated_at"],
        "personas": ["priya-a"],
        "segment": "smb-a",
        "type": "current_state",
        "status": "validated",
        "review_date": "2020-01-31",
        "stale": True,
        "stages": 2,
        "steps": 3,
        "owner": "Growth squad",
        "tags": ["trial", "smb"],
        "scenario": "Upgrading before the trial ends",
    }
    future = rows["future-a"]
    assert future["type"] == "future_state" and future["stale"] is False
    assert future["review_date"] is None and future["personas"] == [] and future["steps"] == 1
    # The workspace's own list of maps has the same rows.
    assert owner.get(f"/api/workspaces/{world.workspace}").json()["maps"] == list(rows.values())

    # Adding a step updates the counts; the review date is compared with the day of reading.
    etag = world.etag("owner", f"{_maps(world)}/future-a")
    added = owner.post(
        f"{_maps(world)}/future-a/steps?stage=fsignup-{'a'}",
        json={"name": "Confirm"},
        headers={"If-Match": etag},
    )
    assert added.status_code == 201, added.text
    later = maps.list_maps(
        world.db, world.actors["owner"], world.workspace, today=dt.date(2019, 12, 31)
    )
    assert {row["id"]: row["stale"] for row in later} == {"trial-a": False, "future-a": False}
    assert next(r for r in later if r["id"] == "future-a")["steps"] == 2


def test_a_map_may_be_added_when_workspace_evidence_links_to_another_map(world: World) -> None:
    owner = world.client("owner")
    base = f"/api/workspaces/{world.workspace}"
    etag = world.etag("owner", base)
    linked = owner.post(
        f"{base}/evidence",
        json={"id": "funnel", "kind": "analytics", "summary": "Trial funnel", "links": ["trial-a"]},
        headers={"If-Match": etag},
    )
    assert linked.status_code == 201, linked.text
    created = owner.post(f"{base}/maps", json={"name": "Renewal"})
    assert created.status_code == 201, created.text
    from_template = owner.post(f"{base}/maps/from-template", json={"template": "saas-trial"})
    assert from_template.status_code == 201, from_template.text
    revisions = workspaces.list_workspace_revisions(
        world.db, world.actors["owner"], world.workspace
    )
    assert len(revisions) == 3
