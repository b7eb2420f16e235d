# ruff: noqa: F811 - pytest fixtures are imported from tests.api_support by name
"""@mentions in comments: who they notify, the bell's list, marking read, resolving threads."""

from __future__ import annotations

from journeyline.store.notifications import Person, find_mentions
from tests.api_support import World, database, envelope_of, world  # noqa: F401

PEOPLE = [
    Person("a1", "Priya", "priya@example.org"),
    Person("a2", "Priya Shah", "shah@example.org"),
    Person("a3", "Ann", "ann@example.org"),
]


def names(text: str) -> list[str]:
    return [p.name for p in find_mentions(text, PEOPLE)]


def test_the_mention_rule() -> None:
    assert names("@Priya Shah can you check?") == ["Priya Shah"]  # the longest name wins
    assert names("@priya, and @ANN.") == ["Priya", "Ann"]  # any case; punctuation ends it
    assert names("@Anna says hi") == []  # a name is not a prefix of a longer word
    assert names("mail ann@example.org") == []  # an address is not a mention
    assert names("cc @shah@example.org and @Ann @Ann") == ["Priya Shah", "Ann"]
    assert names("@Nobody here") == []
    assert names("@") == [] and names("") == []


def base(world: World) -> str:
    return f"/api/workspaces/{world.workspace}/maps/trial-a"


def test_a_mention_notifies_the_member_in_the_app(world: World) -> None:
    posted = world.client("commenter").post(
        f"{base(world)}/comments",
        json={"body": "@Editor is this <b>right</b>? @Outsider @Commenter", "target": "card-a"},
    )
    assert posted.status_code == 201, posted.text
    # Only members are notified; the outsider (no member) and the author are not.
    assert [m["name"] for m in posted.json()["mentioned"]] == ["Editor"]
    editor = world.client("editor")
    bell = editor.get("/api/notifications")
    assert bell.status_code == 200 and bell.headers["cache-control"] == "no-store"
    body = bell.json()
    assert body["unread"] == 1
    [item] = body["items"]
    assert item["by"] == "Commenter" and item["read"] is False
    assert item["map"] == {"id": "trial-a", "name": "Trial to paid a"}
    assert item["target"] == "card-a" and item["target_name"] == "step 'Enter card'"
    assert item["excerpt"].startswith("@Editor is this <b>right</b>?")
    assert item["path"] == (
        f"/w/{world.workspace}/maps/trial-a?comment={posted.json()['id']}&element=card-a"
    )
    for nobody in ("commenter", "outsider", "owner", "viewer"):
        assert world.client(nobody).get("/api/notifications").json() == {"unread": 0, "items": []}
    # Someone else cannot mark it; the reader can, and back.
    other = world.client("owner").post("/api/notifications/read", json={"ids": [item["id"]]})
    assert other.status_code == 404 and item["id"] in envelope_of(other)["message"]
    read = editor.post("/api/notifications/read", json={"ids": [item["id"]]})
    assert read.json() == {"changed": 1, "unread": 0}
    assert editor.get("/api/notifications?unread=true").json()["items"] == []
    assert editor.post("/api/notifications/read", json={"read": False}).json()["unread"] == 1
    assert editor.post("/api/notifications/read", json={}).json()["unread"] == 0
    assert world.client("anonymous").get("/api/notifications").status_code == 401


def test_editing_a_comment_notifies_only_the_newly_mentioned(world: World) -> None:
    commenter = world.client("commenter")
    comment = commenter.post(f"{base(world)}/comments", json={"body": "@Editor look"}).json()
    url = f"{base(world)}/comments/{comment['id']}"
    changed = commenter.patch(url, json={"body": "@Editor and @Viewer, look"})
    assert [m["name"] for m in changed.json()["mentioned"]] == ["Viewer"]
    assert world.client("editor").get("/api/notifications").json()["unread"] == 1
    viewer_items = world.client("viewer").get("/api/notifications").json()["items"]
    assert [i["target_name"] for i in viewer_items] == ["the map"]
    # Viewers cannot comment, so they cannot mention anyone.
    refused = world.client("viewer").post(f"{base(world)}/comments", json={"body": "@Editor"})
    assert refused.status_code == 403
    # Deleting the comment takes its notifications with it.
    assert commenter.delete(url).status_code == 204
    assert world.client("editor").get("/api/notifications").json() == {"unread": 0, "items": []}


def test_a_member_who_leaves_stops_seeing_the_notification(world: World) -> None:
    world.client("commenter").post(f"{base(world)}/comments", json={"body": "hi @Viewer"})
    assert world.client("viewer").get("/api/notifications").json()["unread"] == 1
    viewer_id = world.actors["viewer"].account_id
    left = world.client("owner").delete(f"/api/workspaces/{world.workspace}/members/{viewer_id}")
    assert left.status_code == 204, left.text
    assert world.client("viewer").get("/api/notifications").json() == {"unread": 0, "items": []}


def test_threads_are_resolved_and_reopened(world: World) -> None:
    comment = (
        world.client("commenter")
        .post(f"{base(world)}/comments", json={"body": "Wrong order?", "target": "form-a"})
        .json()
    )
    url = f"{base(world)}/comments/{comment['id']}"
    assert world.client("viewer").patch(url, json={"resolved": True}).status_code == 403
    resolved = world.client("editor").patch(url, json={"resolved": True})
    assert resolved.status_code == 200 and resolved.json()["resolved"] is True
    listed = world.client("viewer").get(f"{base(world)}/comments?target=form-a").json()
    assert listed[0]["resolved"] is True
    reopened = world.client("commenter").patch(url, json={"resolved": False})
    assert reopened.json()["resolved"] is False
