# ruff: noqa: F811 - pytest fixtures are imported from tests.api_support by name
"""Share links copied again (tokens derived from the server secret, only hashes stored),
embed snippets, and the framing rules of the share page."""

from __future__ import annotations

import secrets

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from journeyline.errors import UsageError
from journeyline.store.accounts import hash_secret
from journeyline.store.database import Database
from journeyline.store.tables import MapRecord, ShareLink, utcnow
from journeyline.web import Settings, create_app
from tests.api_support import World, build_world, database, envelope_of, world  # noqa: F401


def links(world: World) -> str:
    return f"/api/workspaces/{world.workspace}/maps/trial-a/share-links"


def test_an_editor_copies_a_link_again_and_the_database_keeps_no_token(world: World) -> None:
    editor = world.client("editor")
    made = editor.post(links(world), json={"label": "Board <review>"}).json()
    again = editor.get(f"{links(world)}/{made['id']}")
    assert again.status_code == 200, again.text
    copy = again.json()
    assert copy["copyable"] is True and copy["copy_note"] is None
    assert (copy["token"], copy["url"], copy["api_url"]) == (
        made["token"],
        made["url"],
        made["api_url"],
    )
    assert copy["embed_html"] == made["embed_html"]
    assert copy["embed_html"].startswith(f'<iframe src="{made["url"]}?embed=1" ')
    assert 'title="Journey map: Board &lt;review&gt;"' in copy["embed_html"]
    # The link opens the map, and nothing stored holds its token.
    assert world.client("anonymous").get(f"/api/shared/{made['token']}").status_code == 200
    with world.db.engine.connect() as connection:
        for row in connection.execute(text("SELECT * FROM share_links")).all():
            assert all(made["token"] not in str(value) for value in row)
    # Listing shows no tokens; commenters and viewers cannot copy.
    assert "token" not in editor.get(links(world)).json()[0]
    for who in ("commenter", "viewer"):
        assert world.client(who).get(f"{links(world)}/{made['id']}").status_code == 403
    assert world.client("outsider").get(f"{links(world)}/{made['id']}").status_code == 404
    missing = editor.get(f"{links(world)}/l_nope")
    assert missing.status_code == 404 and "l_nope" in envelope_of(missing)["message"]


def test_a_link_made_before_derived_tokens_keeps_working_but_says_why_it_cannot_be_copied(
    world: World,
) -> None:
    old_token = "s_" + secrets.token_urlsafe(24)
    with world.db.writing() as session:
        record = session.scalar(select(MapRecord).where(MapRecord.map_id == "trial-a"))
        assert record is not None
        session.add(
            ShareLink(id="l_old", map_pk=record.pk, token_hash=hash_secret(old_token), label="")
        )
    assert world.client("anonymous").get(f"/api/shared/{old_token}").status_code == 200
    copy = world.client("editor").get(f"{links(world)}/l_old").json()
    assert copy["copyable"] is False and copy["token"] is None and copy["url"] is None
    assert "made before links could be copied again" in copy["copy_note"]
    assert "make a new link" in copy["copy_note"]


def test_revoked_links_have_nothing_to_copy(world: World) -> None:
    editor = world.client("editor")
    made = editor.post(links(world), json={}).json()
    editor.delete(f"{links(world)}/{made['id']}")
    copy = editor.get(f"{links(world)}/{made['id']}").json()
    assert (copy["copyable"], copy["token"]) == (False, None)
    assert "revoked" in copy["copy_note"]


def test_another_server_secret_cannot_copy_the_links_but_they_still_open(
    database: Database,
) -> None:
    first = build_world(database, Settings(secret_key="one"))
    made = first.client("editor").post(links(first), json={}).json()
    second = build_world_again(database, "two")
    assert second.get(f"/api/shared/{made['token']}").status_code == 200
    editor = TestClient(second.app, headers={"Authorization": f"Bearer {first.tokens['editor']}"})
    copy = editor.get(f"{links(first)}/{made['id']}").json()
    assert copy["copyable"] is False and "another server secret" in copy["copy_note"]


def build_world_again(db: Database, secret: str) -> TestClient:
    return TestClient(create_app(Settings(secret_key=secret), database=db))


def test_without_a_secret_key_the_server_makes_one_and_keeps_it(
    database: Database, tmp_path: object
) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path)) / "data"
    world = build_world(database, Settings(data_dir=str(folder)))
    made = world.client("editor").post(links(world), json={}).json()
    key_file = folder / "secret-key"
    assert key_file.is_file() and oct(key_file.stat().st_mode & 0o777) == "0o600"
    # A restarted server (same data folder) copies the same link.
    again = TestClient(
        create_app(Settings(data_dir=str(folder)), database=database),
        headers={"Authorization": f"Bearer {world.tokens['editor']}"},
    )
    assert again.get(f"{links(world)}/{made['id']}").json()["token"] == made["token"]


def page_headers(client: TestClient, token: str) -> tuple[str, str | None]:
    page = client.get(f"/s/{token}", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    [framing] = [d.strip() for d in csp.split(";") if d.strip().startswith("frame-ancestors")]
    return framing, page.headers.get("x-frame-options")


def test_the_share_page_is_framed_only_where_its_link_allows(world: World) -> None:
    editor, anonymous = world.client("editor"), world.client("anonymous")
    closed = editor.post(links(world), json={}).json()
    assert page_headers(anonymous, closed["token"]) == ("frame-ancestors 'none'", "DENY")
    assert page_headers(anonymous, "s_unknown") == ("frame-ancestors 'none'", "DENY")
    wiki = editor.post(
        links(world), json={"frame_ancestors": "https://wiki.example.org  'self'"}
    ).json()
    assert wiki["frame_ancestors"] == "https://wiki.example.org 'self'"
    assert page_headers(anonymous, wiki["token"]) == (
        "frame-ancestors https://wiki.example.org 'self'",
        None,
    )
    url = f"{links(world)}/{wiki['id']}"
    assert editor.patch(url, json={"frame_ancestors": "'self'"}).json()["frame_ancestors"] == (
        "'self'"
    )
    assert page_headers(anonymous, wiki["token"]) == ("frame-ancestors 'self'", "SAMEORIGIN")
    assert editor.patch(url, json={"frame_ancestors": None}).json()["frame_ancestors"] is None
    assert page_headers(anonymous, wiki["token"])[0] == "frame-ancestors 'none'"
    # A revoked link's page is not framed, whatever it allowed.
    editor.patch(url, json={"frame_ancestors": "https:"})
    editor.delete(url)
    assert page_headers(anonymous, wiki["token"]) == ("frame-ancestors 'none'", "DENY")
    # The app's other pages are never framed.
    board = anonymous.get("/w/x/maps/y", headers={"Accept": "text/html"})
    assert board.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize(
    "value",
    [
        "https://a.example; script-src *",
        "'none' https://a.example",
        "'unsafe-inline'",
        "https://a.example,https://b.example",
        "https://a.example\nX-Bad: 1",
        "",
    ],
)
def test_bad_frame_ancestors_are_refused_with_what_is_wrong(world: World, value: str) -> None:
    refused = world.client("editor").post(links(world), json={"frame_ancestors": value})
    assert refused.status_code == 422, refused.text
    assert "frame_ancestors" in envelope_of(refused)["message"]


def test_the_server_setting_frames_links_that_set_nothing(database: Database) -> None:
    world = build_world(
        database, Settings(secret_key="k", share_frame_ancestors="https://intranet.example.org")
    )
    made = world.client("editor").post(links(world), json={}).json()
    assert page_headers(world.client("anonymous"), made["token"]) == (
        "frame-ancestors https://intranet.example.org",
        None,
    )
    with pytest.raises(UsageError, match="share_frame_ancestors"):
        create_app(Settings(share_frame_ancestors="* ; script-src *"), database=database)


def test_expired_links_are_not_copyable(world: World) -> None:
    editor = world.client("editor")
    made = editor.post(links(world), json={}).json()
    with world.db.writing() as session:
        link = session.get(ShareLink, made["id"])
        assert link is not None
        link.expires_at = utcnow()
    copy = editor.get(f"{links(world)}/{made['id']}").json()
    assert copy["copyable"] is False and "expired" in copy["copy_note"]
