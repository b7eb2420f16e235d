# ruff: noqa: F811 - pytest fixtures are imported from tests.api_support by name
"""Read-only share links: one map and nothing else; they expire, take a password, and can be revoked."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import update

from journeyline.store.tables import ShareLink
from tests.api_support import World, database, envelope_of, world  # noqa: F401


def links(world: World) -> str:
    return f"/api/workspaces/{world.workspace}/maps/trial-a/share-links"


def test_a_share_link_shows_the_map_and_nothing_else(world: World) -> None:
    created = world.client("editor").post(links(world), json={"label": "For the board"})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["url"].endswith(f"/s/{body['token']}") and body["state"] == "active"
    assert body["api_url"].endswith(f"/api/shared/{body['token']}")
    shared = world.client("anonymous").get(f"/api/shared/{body['token']}")
    assert shared.status_code == 200
    view = shared.json()
    assert set(view) == {"label", "revision", "map", "personas", "segment", "lanes", "measured"}
    assert view["measured"] is None  # the map shows no Measured lane
    # Only the custom lanes the map shows.
    assert {lane["id"] for lane in view["lanes"]} <= set(view["map"]["lanes"])
    assert view["map"]["id"] == "trial-a"
    assert [p["id"] for p in view["personas"]] == ["priya-a"]
    text = shared.text
    for other in (
        "future-a",
        "Future a",
        "Acme A",
        "survey-a",
        world.workspace,
        "editor@example.org",
    ):
        assert other not in text, other
    # The token opens nothing else.
    assert (
        world.client("anonymous")
        .get(
            f"/api/workspaces/{world.workspace}",
            headers={"Authorization": f"Bearer {body['token']}"},
        )
        .status_code
        == 401
    )
    listed = world.client("editor").get(links(world)).json()
    assert [link["id"] for link in listed] == [body["id"]]
    assert "token" not in listed[0]


def test_revoked_and_expired_links_stop_working(world: World) -> None:
    editor = world.client("editor")
    first = editor.post(links(world), json={}).json()
    revoked = editor.delete(f"{links(world)}/{first['id']}")
    assert revoked.json()["state"] == "revoked"
    assert world.client("anonymous").get(f"/api/shared/{first['token']}").status_code == 404
    second = editor.post(links(world), json={"expires_in_days": 1}).json()
    assert world.client("anonymous").get(f"/api/shared/{second['token']}").status_code == 200
    with world.db.writing() as session:
        session.execute(
            update(ShareLink)
            .where(ShareLink.id == second["id"])
            .values(expires_at=dt.datetime(2000, 1, 1))
        )
    assert world.client("anonymous").get(f"/api/shared/{second['token']}").status_code == 404
    assert editor.get(links(world)).json()[0]["state"] == "expired"
    past = editor.post(links(world), json={"expires_at": "2001-01-01T00:00:00Z"})
    assert past.status_code == 422
    assert world.client("anonymous").get("/api/shared/s_madeup").status_code == 404


def test_a_password_protected_link(world: World) -> None:
    created = world.client("editor").post(links(world), json={"password": "open sesame"}).json()
    assert created["has_password"] is True
    visitor = world.client("anonymous")
    locked = visitor.get(f"/api/shared/{created['token']}")
    assert locked.status_code == 401 and envelope_of(locked)["type"] == "ShareLinkLocked"
    assert (
        visitor.get(
            f"/api/shared/{created['token']}", headers={"X-Share-Password": "wrong one"}
        ).status_code
        == 401
    )
    opened = visitor.get(
        f"/api/shared/{created['token']}", headers={"X-Share-Password": "open sesame"}
    )
    assert opened.status_code == 200 and opened.json()["map"]["id"] == "trial-a"
    posted = visitor.post(f"/api/shared/{created['token']}", json={"password": "open sesame"})
    assert posted.status_code == 200


def test_wrong_share_passwords_are_limited(world: World) -> None:
    created = world.client("editor").post(links(world), json={"password": "open sesame"}).json()
    visitor = world.client("anonymous")
    url = f"/api/shared/{created['token']}"
    for _ in range(10):
        assert visitor.post(url, json={"password": "guess"}).status_code == 401
    refused = visitor.post(url, json={"password": "open sesame"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert envelope_of(refused)["status"] == 429
    assert "wrong passwords for this share link" in envelope_of(refused)["message"]
    # Per link and address: another visitor, and another link from the same address, still open.
    other_visitor = TestClient(world.app, client=("198.51.100.1", 50000))
    assert other_visitor.post(url, json={"password": "open sesame"}).status_code == 200
    other = world.client("editor").post(links(world), json={"password": "other one!"}).json()
    other_url = f"/api/shared/{other['token']}"
    assert visitor.post(other_url, json={"password": "other one!"}).status_code == 200


def test_a_deleted_map_takes_its_links_along(world: World) -> None:
    created = world.client("editor").post(links(world), json={}).json()
    etag = world.etag("editor", f"/api/workspaces/{world.workspace}/maps/trial-a")
    # trial-a is referenced by future-a's based_on only as a warning, so it can go.
    gone = world.client("editor").delete(
        f"/api/workspaces/{world.workspace}/maps/trial-a", headers={"If-Match": etag}
    )
    assert gone.status_code == 204
    assert world.client("anonymous").get(f"/api/shared/{created['token']}").status_code == 404
