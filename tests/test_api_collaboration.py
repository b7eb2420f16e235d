# ruff: noqa: F811 - pytest fixtures are imported from tests.api_support by name
"""Comments and dot votes, and how votes reach the ranked opportunities."""

from __future__ import annotations

import inspect
from pathlib import Path

from journeyline.store.assembled import shown_votes
from tests.api_support import World, database, envelope_of, world  # noqa: F401


def base(world: World) -> str:
    return f"/api/workspaces/{world.workspace}/maps/trial-a"


def test_comments_on_a_map_and_its_elements(world: World) -> None:
    commenter = world.client("commenter")
    added = commenter.post(
        f"{base(world)}/comments",
        json={"body": "Is this <b>really</b> the step?", "target": "card-a"},
    )
    assert added.status_code == 201, added.text
    comment = added.json()
    assert comment["author"] == "Commenter" and comment["body"] == "Is this <b>really</b> the step?"
    assert (
        commenter.post(
            f"{base(world)}/comments", json={"body": "x", "target": "nowhere"}
        ).status_code
        == 422
    )
    assert commenter.post(f"{base(world)}/comments", json={"body": "   "}).status_code == 422
    assert (
        world.client("viewer").get(f"{base(world)}/comments?target=card-a").json()[0]["id"]
        == comment["id"]
    )
    assert world.client("viewer").get(f"{base(world)}/comments?target=form-a").json() == []
    url = f"{base(world)}/comments/{comment['id']}"
    assert (
        world.client("editor").patch(url, json={"body": "rewritten"}).status_code == 403
    )  # not the author
    edited = commenter.patch(url, json={"body": "Is this the step?"})
    assert edited.json()["body"] == "Is this the step?"
    resolved = world.client("editor").patch(url, json={"resolved": True})
    assert resolved.json()["resolved"] is True
    assert world.client("owner").delete(url).status_code == 204
    assert world.client("viewer").get(f"{base(world)}/comments").json() == []


def test_votes_count_once_per_person_and_rank_opportunities(world: World) -> None:
    for who in ("commenter", "editor", "commenter"):
        response = world.client(who).put(f"{base(world)}/votes/wallets-a")
        assert response.status_code == 200, response.text
    votes = world.client("commenter").get(f"{base(world)}/votes").json()
    assert votes == [{"target": "wallets-a", "votes": 2, "mine": True, "written": 0, "total": 2}]
    assert world.client("viewer").get(f"{base(world)}/votes").json()[0]["mine"] is False
    ranked = world.client("viewer").get(f"{base(world)}/priorities").json()["opportunities"]
    assert ranked[0]["id"] == "wallets-a" and ranked[0]["votes"] == 2
    withdrawn = world.client("editor").delete(f"{base(world)}/votes/wallets-a")
    assert withdrawn.json() == {
        "target": "wallets-a",
        "votes": 1,
        "mine": False,
        "written": 0,
        "total": 1,
    }
    unknown = world.client("editor").put(f"{base(world)}/votes/nothing")
    assert unknown.status_code == 422 and "nothing" in envelope_of(unknown)["message"]


def test_every_view_shows_the_same_vote_total(world: World) -> None:
    """Written votes plus one dot vote: the map read, the share link, the exports, the
    summary and the drawing all say 9 (issue 13: the share view and Markdown said 8)."""
    editor = world.client("editor")
    tag = editor.get(base(world)).headers["ETag"]
    written = editor.patch(
        f"{base(world)}/opportunities/wallets-a", json={"votes": 8}, headers={"If-Match": tag}
    )
    assert written.status_code == 200, written.text
    cast = world.client("commenter").put(f"{base(world)}/votes/wallets-a")
    assert cast.json() == {
        "target": "wallets-a",
        "votes": 1,
        "mine": True,
        "written": 8,
        "total": 9,
    }

    viewer = world.client("viewer")
    read = viewer.get(base(world)).json()
    assert read["map"]["opportunities"][0]["votes"] == 8  # the document, as written
    assert read["tallies"]["votes"]["wallets-a"] == {"written": 8, "cast": 1, "total": 9}
    assert read["tallies"]["mine"] == []
    assert world.client("commenter").get(base(world)).json()["tallies"]["mine"] == ["wallets-a"]
    assert read["tallies"]["evidence"] == {"card-a": 1}

    link = editor.post(f"{base(world)}/share-links", json={}).json()
    shared = world.client("anonymous").get(f"/api/shared/{link['token']}").json()
    assert shared["map"]["opportunities"][0]["votes"] == 9

    markdown = viewer.get(f"{base(world)}/export?format=markdown").text
    assert "9 votes" in markdown and "8 votes" not in markdown
    yaml_text = viewer.get(f"{base(world)}/export?format=yaml").text
    assert "votes: 9" in yaml_text and "votes: 8" not in yaml_text
    whole = viewer.get(f"/api/workspaces/{world.workspace}/export?format=yaml").text
    assert "votes: 9" in whole
    summary = viewer.get(f"{base(world)}/summary").json()
    assert [o["votes"] for o in summary["opportunities"]] == [9]
    ranked = viewer.get(f"{base(world)}/priorities").json()["opportunities"]
    assert ranked[0]["votes"] == 9
    svg = viewer.get(f"{base(world)}/render.svg").text
    assert "9 votes" in svg and "8 votes" not in svg
    assert viewer.get(f"{base(world)}/votes").json()[0]["total"] == 9


def test_an_exported_map_imported_back_shows_the_same_vote_total(world: World) -> None:
    """The export carries the total (written + dots); importing it over the map makes that
    the written number and clears the dots, so nothing is counted twice."""
    editor, owner = world.client("editor"), world.client("owner")
    tag = editor.get(base(world)).headers["ETag"]
    editor.patch(
        f"{base(world)}/opportunities/wallets-a", json={"votes": 8}, headers={"If-Match": tag}
    )
    world.client("commenter").put(f"{base(world)}/votes/wallets-a")
    exported = editor.get(f"{base(world)}/export?format=yaml")
    assert "votes: 9" in exported.text
    imported = owner.post(
        f"/api/workspaces/{world.workspace}/import",
        params={"replace": "true"},
        files={"file": ("back.yaml", exported.content)},
    )
    assert imported.status_code == 200, imported.text
    read = editor.get(base(world)).json()
    assert read["tallies"]["votes"]["wallets-a"] == {"written": 9, "cast": 0, "total": 9}
    assert "votes: 9" in editor.get(f"{base(world)}/export?format=yaml").text


def test_a_comment_counts_until_it_is_resolved(world: World) -> None:
    commenter = world.client("commenter")
    posted = commenter.post(f"{base(world)}/comments", json={"body": "Why?", "target": "card-a"})
    commenter.post(f"{base(world)}/comments", json={"body": "On the map"})
    tallies = world.client("viewer").get(base(world)).json()["tallies"]
    assert tallies["comments"] == {"card-a": 1, "trial-a": 1}
    world.client("editor").patch(
        f"{base(world)}/comments/{posted.json()['id']}", json={"resolved": True}
    )
    assert world.client("viewer").get(base(world)).json()["tallies"]["comments"] == {"trial-a": 1}


def test_analyses_of_a_stored_map(world: World) -> None:
    viewer = world.client("viewer")
    findings = viewer.get(f"{base(world)}/analysis").json()["findings"]
    assert findings and all({"kind", "severity", "message"} <= set(f) for f in findings)
    compared = viewer.get(f"/api/workspaces/{world.workspace}/maps/future-a/compare").json()
    assert compared["asis"]["id"] == "trial-a" and compared["tobe"]["id"] == "future-a"
    no_asis = viewer.get(f"{base(world)}/compare")
    assert no_asis.status_code == 400 and envelope_of(no_asis)["diagnostics"][0]["hint"].startswith(
        "pass ?asis="
    )
    summary = viewer.get(f"{base(world)}/summary?format=markdown")
    assert summary.headers["content-type"].startswith("text/markdown")
    assert "Card form rejects cards a" in summary.text
    assert viewer.get(f"{base(world)}/summary").json()["map"]["id"] == "trial-a"
    assert viewer.get(f"{base(world)}/render.gif").status_code == 400


def test_the_vote_rule_is_quoted_in_the_docs() -> None:
    """docs/api.md and docs/web-app.md quote the one rule (assembled.shown_votes) verbatim."""
    doc = inspect.cleandoc(shown_votes.__doc__ or "")
    quote = "\n".join(f"> {line}" if line else ">" for line in doc.splitlines())
    docs = Path(__file__).resolve().parent.parent / "docs"
    for page in ("api.md", "web-app.md"):
        assert quote in (docs / page).read_text(encoding="utf-8"), page
