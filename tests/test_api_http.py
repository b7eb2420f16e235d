# ruff: noqa: F811 - pytest fixtures are imported from tests.api_support by name
"""HTTP itself: no-store on private answers, HEAD wherever GET works, Allow on 405, a
sandboxed SVG, and what a share link does when its creator leaves."""

from __future__ import annotations

import pytest

from tests.api_support import World, database, envelope_of, world  # noqa: F401


def _paths(world: World) -> list[str]:
    w = f"/api/workspaces/{world.workspace}"
    m = f"{w}/maps/trial-a"
    return [
        "/api/me",
        "/api/workspaces",
        w,
        f"{w}/members",
        m,
        f"{m}/steps",
        f"{m}/revisions",
        f"{m}/comments",
        f"{m}/analysis",
        f"{m}/render.svg",
        f"{m}/export?format=yaml",
    ]


def test_private_api_answers_are_never_stored_by_caches(world: World) -> None:
    owner = world.client("owner")
    for path in _paths(world):
        response = owner.get(path)
        assert response.status_code == 200, (path, response.text)
        assert response.headers["cache-control"] == "no-store", path
    refused = world.client("outsider").get(_paths(world)[2])
    assert refused.status_code == 404 and refused.headers["cache-control"] == "no-store"
    link = owner.post(f"{_paths(world)[4]}/share-links", json={}).json()
    shared = world.client("anonymous").get(f"/api/shared/{link['token']}")
    assert shared.status_code == 200 and shared.headers["cache-control"] == "no-store"


def test_head_works_wherever_get_does(world: World) -> None:
    owner = world.client("owner")
    for path in [*_paths(world), "/api/health", "/openapi.json"]:
        got = owner.get(path)
        head = owner.head(path)
        assert head.status_code == got.status_code == 200, (path, head.status_code)
        assert head.content == b"", path
        assert head.headers["content-type"] == got.headers["content-type"], path
        assert head.headers["content-length"] == str(len(got.content)), path
    missing = owner.head(f"/api/workspaces/{world.workspace}/maps/nope")
    assert missing.status_code == 404 and missing.content == b""


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/api/health", "GET, HEAD"),
        ("DELETE", "{m}/comments", "GET, HEAD, POST"),
        ("POST", "{m}", "DELETE, GET, HEAD, PATCH, PUT"),
        ("GET", "/api/auth/sign-in", "POST"),
        ("HEAD", "/api/auth/sign-in", "POST"),
        ("PATCH", "{m}/render.svg", "GET, HEAD"),
    ],
)
def test_a_405_says_which_methods_the_path_takes(
    world: World, method: str, path: str, allow: str
) -> None:
    m = f"/api/workspaces/{world.workspace}/maps/trial-a"
    response = world.client("owner").request(method, path.replace("{m}", m))
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    if method != "HEAD":
        assert envelope_of(response)["type"] == "MethodNotAllowed"


def test_a_rendered_svg_carries_its_own_sandbox(world: World) -> None:
    response = world.client("viewer").get(
        f"/api/workspaces/{world.workspace}/maps/trial-a/render.svg"
    )
    assert response.status_code == 200 and response.headers["content-type"].startswith(
        "image/svg+xml"
    )
    policy = [part.strip() for part in response.headers["content-security-policy"].split(";")]
    assert policy[0] == "sandbox" and "default-src 'none'" in policy
    assert not any("script" in part for part in policy)


def test_a_share_link_is_the_workspaces_and_outlives_its_creator_membership(
    world: World,
) -> None:
    m = f"/api/workspaces/{world.workspace}/maps/trial-a"
    created = world.client("editor").post(f"{m}/share-links", json={"label": "Board deck"})
    assert created.status_code == 201, created.text
    link = created.json()
    editor_id = world.actors["editor"].account_id
    removed = world.client("owner").delete(f"/api/workspaces/{world.workspace}/members/{editor_id}")
    assert removed.status_code == 204, removed.text
    # The link keeps working for the people it was given to …
    assert world.client("anonymous").get(f"/api/shared/{link['token']}").status_code == 200
    # … its creator can no longer see or revoke it, but the workspace's editors can.
    assert world.client("editor").get(f"{m}/share-links").status_code == 404
    listed = world.client("owner").get(f"{m}/share-links").json()
    assert [(x["id"], x["created_by"]) for x in listed] == [(link["id"], editor_id)]
    revoked = world.client("owner").delete(f"{m}/share-links/{link['id']}")
    assert revoked.status_code == 200, revoked.text
    assert world.client("anonymous").get(f"/api/shared/{link['token']}").status_code == 404
