# ruff: noqa: F811 - pytest fixtures are imported from tests.api_support by name
"""Workspaces over the API: templates, workspace elements, members and invitations, import and export."""

from __future__ import annotations

import json

import yaml

from journeyline.templates import template_names
from journeyline.web import Settings
from tests.api_support import World, build_world, database, envelope_of, world  # noqa: F401


def ws_url(world: World, suffix: str = "") -> str:
    return f"/api/workspaces/{world.workspace}{suffix}"


def test_create_a_workspace_from_a_template(world: World) -> None:
    name = template_names()[0]
    created = world.client("viewer").post(
        "/api/workspaces", json={"template": name, "name": "My copy"}
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["role"] == "owner" and body["name"] == "My copy" and body["maps"] >= 1
    detail = world.client("viewer").get(f"/api/workspaces/{body['id']}").json()
    assert len(detail["maps"]) == body["maps"]
    assert detail["workspace"]["personas"], "the template's personas come along"
    unknown = world.client("viewer").post(
        "/api/workspaces", json={"template": template_names()[0] + "x"}
    )
    assert unknown.status_code == 404
    assert "did you mean" in envelope_of(unknown)["message"]


def test_workspace_fields_are_versioned(world: World) -> None:
    editor = world.client("editor")
    etag = world.etag("editor", ws_url(world))
    renamed = editor.patch(ws_url(world), json={"name": "Acme CX"}, headers={"If-Match": etag})
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["name"] == "Acme CX" and renamed.headers["ETag"] == '"2"'
    stale = editor.patch(ws_url(world), json={"description": "x"}, headers={"If-Match": etag})
    assert stale.status_code == 409
    changes = envelope_of(stale)["details"]["changes"]
    assert {"change": "changed", "path": "name", "before": "Acme A", "after": "Acme CX"} in changes
    assert (
        editor.patch(ws_url(world), json={"maps": []}, headers={"If-Match": '"2"'}).status_code
        == 400
    )


def test_personas_and_segments_one_by_one(world: World) -> None:
    editor = world.client("editor")
    etag = world.etag("editor", ws_url(world))
    added = editor.post(
        ws_url(world, "/personas"),
        json={"name": "Sam Support", "segment": "smb-a"},
        headers={"If-Match": etag},
    )
    assert added.status_code == 201, added.text
    assert added.json()["element"]["id"] == "sam-support"
    etag = added.headers["ETag"]
    changed = editor.patch(
        ws_url(world, "/personas/sam-support"),
        json={"goals": ["Close tickets"]},
        headers={"If-Match": etag},
    )
    assert changed.json()["element"]["goals"] == ["Close tickets"]
    etag = changed.headers["ETag"]
    listed = editor.get(ws_url(world, "/personas")).json()
    assert [p["id"] for p in listed["items"]] == ["priya-a", "sam-support"]
    in_use = editor.delete(ws_url(world, "/personas/priya-a"), headers={"If-Match": etag})
    assert in_use.status_code == 422
    assert any("maps/trial-a/personas" in d["message"] for d in envelope_of(in_use)["diagnostics"])
    bad_segment = editor.patch(
        ws_url(world, "/personas/sam-support"),
        json={"segment": "enterprise"},
        headers={"If-Match": etag},
    )
    assert bad_segment.status_code == 422
    removed = editor.delete(ws_url(world, "/personas/sam-support"), headers={"If-Match": etag})
    assert removed.status_code == 200
    assert [p["id"] for p in editor.get(ws_url(world, "/personas")).json()["items"]] == ["priya-a"]
    log = editor.get(ws_url(world, "/revisions")).json()
    assert [entry["summary"] for entry in log][:3] == [
        "removed persona 'sam-support'",
        "changed persona 'sam-support'",
        "added persona 'sam-support'",
    ]
    assert log[0]["author"] == "Editor" and log[-1]["revision"] == 1
    segment = editor.post(
        ws_url(world, "/segments"),
        json={"name": "Enterprise"},
        headers={"If-Match": removed.headers["ETag"]},
    )
    assert segment.status_code == 201 and segment.json()["element"]["id"] == "enterprise"


def test_invite_a_member_who_signs_in_with_the_link(world: World) -> None:
    owner = world.client("owner")
    invited = owner.post(
        ws_url(world, "/members"),
        json={"email": "Newbie@Example.org", "role": "commenter", "name": "Nia"},
    )
    assert invited.status_code == 201, invited.text
    body = invited.json()
    assert body["email"] == "newbie@example.org" and body["role"] == "commenter"
    token = body["sign_in_link"].rsplit("/", 1)[1]
    anonymous = world.client("anonymous")
    signed_in = anonymous.post("/api/auth/sign-in-link", json={"token": token})
    assert signed_in.status_code == 200, signed_in.text
    mine = anonymous.get("/api/workspaces").json()
    assert [(w["id"], w["role"]) for w in mine] == [(world.workspace, "commenter")]
    existing = owner.post(
        ws_url(world, "/members"), json={"email": "outsider@example.org", "role": "viewer"}
    )
    assert existing.json()["sign_in_link"] is None  # existing accounts sign in as they do
    again = owner.post(
        ws_url(world, "/members"), json={"email": "newbie@example.org", "role": "viewer"}
    )
    assert again.status_code == 409
    bad_role = owner.post(
        ws_url(world, "/members"), json={"email": "x@example.org", "role": "admin"}
    )
    assert bad_role.status_code == 400
    assert "roles: viewer, commenter, editor, owner" in envelope_of(bad_role)["message"]


def test_roles_change_and_the_last_owner_stays(world: World) -> None:
    owner = world.client("owner")
    members = {m["email"]: m for m in owner.get(ws_url(world, "/members")).json()}
    assert {m["role"] for m in members.values()} == {"owner", "editor", "commenter", "viewer"}
    me = members["owner@example.org"]["account"]
    step_down = owner.patch(ws_url(world, f"/members/{me}"), json={"role": "editor"})
    assert step_down.status_code == 409
    viewer = members["viewer@example.org"]["account"]
    promoted = owner.patch(ws_url(world, f"/members/{viewer}"), json={"role": "editor"})
    assert promoted.json()["role"] == "editor"
    etag = world.etag("viewer", f"{ws_url(world)}/maps/trial-a")
    edit = world.client("viewer").patch(
        f"{ws_url(world)}/maps/trial-a", json={"goal": "Pay"}, headers={"If-Match": etag}
    )
    assert edit.status_code == 200  # the new role applies at once
    commenter = members["commenter@example.org"]["account"]
    assert (
        world.client("commenter").delete(ws_url(world, f"/members/{commenter}")).status_code == 204
    )  # leave
    assert world.client("commenter").get(ws_url(world)).status_code == 404
    assert owner.delete(ws_url(world, f"/members/{me}")).status_code == 409


def test_export_and_import_round_trip(world: World) -> None:
    owner = world.client("owner")
    exported = owner.get(ws_url(world, "/export?format=yaml"))
    assert exported.status_code == 200
    assert exported.headers["content-disposition"] == 'attachment; filename="acme-a.yaml"'
    imported = owner.post(
        "/api/workspaces/import",
        files={"file": ("acme.yaml", exported.content, "application/yaml")},
    )
    assert imported.status_code == 201, imported.text
    copy = imported.json()["id"]
    again = owner.get(f"/api/workspaces/{copy}/export?format=yaml")
    assert yaml.safe_load(again.content) == yaml.safe_load(exported.content)
    one_map = owner.get(ws_url(world, "/maps/trial-a/export?format=json"))
    document = json.loads(one_map.content)
    assert [m["id"] for m in document["maps"]] == ["trial-a"]
    assert [p["id"] for p in document["personas"]] == ["priya-a"]
    for fmt in ("csv", "xlsx", "mermaid", "markdown"):
        response = owner.get(ws_url(world, f"/maps/trial-a/export?format={fmt}"))
        assert response.status_code == 200, (fmt, response.text)
        assert response.content
    assert owner.get(ws_url(world, "/export?format=docx")).status_code == 400


def test_import_into_a_workspace(world: World) -> None:
    owner = world.client("owner")
    document = {
        "journeyline": 1,
        "personas": [{"id": "ops", "name": "Ops"}],
        "maps": [{"id": "trial-a", "name": "Trial (from git)", "personas": ["ops"]}],
    }
    upload = {"file": ("trial.json", json.dumps(document).encode(), "application/json")}
    clash = owner.post(ws_url(world, "/import"), files=upload)
    assert clash.status_code == 409 and envelope_of(clash)["details"] == {"maps": ["trial-a"]}
    replaced = owner.post(ws_url(world, "/import?replace=true"), files=upload)
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["replaced_maps"] == ["trial-a"]
    # the report names each map by its title, so the page can link "Trial (from git)"
    assert replaced.json()["map_names"] == {"trial-a": "Trial (from git)"}
    current = owner.get(ws_url(world, "/maps/trial-a")).json()
    assert current["revision"] == 2 and current["map"]["name"] == "Trial (from git)"
    assert (
        owner.get(ws_url(world, "/maps/trial-a/revisions/1")).json()["map"]["name"]
        == "Trial to paid a"
    )


def test_malformed_imports_report_file_and_line(world: World) -> None:
    text = "journeyline: 1\nname: Broken\nmaps:\n  - name: Trial\n    stages:\n      - name: Sign up\n        chanel: web\n"
    response = world.client("owner").post(
        "/api/workspaces/import",
        files={"file": ("../../etc/broken.yaml", text.encode(), "application/yaml")},
    )
    assert response.status_code == 422
    error = envelope_of(response)
    diagnostic = error["diagnostics"][0]
    assert diagnostic["file"] == "broken.yaml" and diagnostic["line"] == 7
    assert "chanel" in diagnostic["message"]
    assert "/tmp" not in response.text and "journeyline-upload" not in response.text
    no_name = world.client("owner").post(
        "/api/workspaces/import", files={"file": ("noext", b"x", "text/plain")}
    )
    assert no_name.status_code == 400


def test_oversized_uploads_are_refused(database) -> None:
    small = build_world(database, Settings(max_upload_bytes=2000, max_body_bytes=500))
    owner = small.client("owner")
    big = owner.post(
        "/api/workspaces/import", files={"file": ("big.yaml", b"#" * 5000, "application/yaml")}
    )
    assert big.status_code == 413
    assert envelope_of(big)["details"] == {"limit_bytes": 2000}
    body = owner.post(f"/api/workspaces/{small.workspace}/maps", json={"name": "x" * 1000})
    assert body.status_code == 413

    def chunks():  # no Content-Length: counted as it streams
        for _ in range(10):
            yield b"x" * 100

    streamed = owner.post(
        f"/api/workspaces/{small.workspace}/maps",
        content=chunks(),
        headers={"content-type": "application/json"},
    )
    assert streamed.status_code == 413
