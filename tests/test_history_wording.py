# ruff: noqa: F811 - pytest fixtures are imported from tests.api_support by name
"""The history in words: elements by their names, lanes by their titles, never ids or keys."""

from __future__ import annotations

import copy
from typing import Any

from journeyline.store.diff import diff_data
from journeyline.store.wording import describe_changes, summarize
from tests.api_support import World, database, world  # noqa: F401

BEFORE: dict[str, Any] = {
    "id": "m",
    "name": "Trial",
    "stages": [
        {
            "id": "s1",
            "name": "Sign up",
            "steps": [{"id": "a", "name": "Sign up"}, {"id": "b", "name": "Verify"}],
        },
        {"id": "s2", "name": "Use", "steps": []},
    ],
    "pain_points": [{"id": "p1", "name": "Slow", "step": "a"}],
    "opportunities": [{"id": "o1", "name": "Faster", "pain_points": ["p1"]}],
}


def words(change: Any, lanes: dict[str, str] | None = None) -> list[str]:
    after = copy.deepcopy(BEFORE)
    change(after)
    return describe_changes(diff_data(BEFORE, after), BEFORE, after, lanes)


def test_renames_and_fields_name_the_element() -> None:
    def edit(m: dict[str, Any]) -> None:
        m["stages"][0]["steps"][0]["name"] = "Create account"
        m["stages"][0]["steps"][0]["feels"] = "Anxious"
        m["stages"][0]["steps"][0]["emotion"] = -2

    assert words(edit) == [
        "Renamed step 'Sign up' to 'Create account'",
        "Set what the persona feels at step 'Create account' to 'Anxious'",
        "Set the sentiment score at step 'Create account' to -2",
    ]


def test_added_removed_and_moved_elements() -> None:
    def edit(m: dict[str, Any]) -> None:
        m["pain_points"].append({"id": "p2", "name": "Slow import"})
        m["opportunities"].clear()
        m["stages"][1]["steps"].append(m["stages"][0]["steps"].pop(1))
        m["stages"][0]["steps"].insert(0, {"id": "c", "name": "Open the site"})

    assert set(words(edit)) == {
        "Added pain point 'Slow import'",
        "Removed opportunity 'Faster'",
        "Moved step 'Verify' from stage 'Sign up' to stage 'Use'",
        "Added step 'Open the site' to stage 'Sign up'",
    }


def test_lanes_by_title_and_links_by_name() -> None:
    def edit(m: dict[str, Any]) -> None:
        m["stages"][0]["steps"][1]["lanes"] = {"lane-kpi": "12%"}
        m["pain_points"][0]["step"] = "b"
        m["stages"][0]["steps"].reverse()

    said = words(edit, {"lane-kpi": "Conversion"})
    assert "Set lane 'Conversion' at step 'Verify' to '12%'" in said
    assert "Moved pain point 'Slow' to step 'Verify'" in said
    assert "Reordered the steps of stage 'Sign up'" in said
    assert not any("lane-kpi" in s or "pain_points" in s for s in said)


def test_a_revision_in_one_line() -> None:
    after = copy.deepcopy(BEFORE)
    after["name"] = "Trial to paid"
    for i in range(4):
        after["pain_points"].append({"id": f"n{i}", "name": f"New {i}"})
    assert summarize(BEFORE, after) == (
        "Renamed the map to 'Trial to paid'; Added pain point 'New 0' and 3 more changes"
    )
    assert summarize(BEFORE, copy.deepcopy(BEFORE)) is None


def test_the_log_and_the_diff_speak_in_words(world: World) -> None:
    editor = world.client("editor")
    base = f"/api/workspaces/{world.workspace}/maps/trial-a"
    etag = world.etag("editor", base)
    step = editor.get(base).json()["map"]["stages"][0]["steps"][0]
    renamed = editor.patch(
        f"{base}/steps/{step['id']}", json={"name": "Create account"}, headers={"If-Match": etag}
    )
    assert renamed.status_code == 200, renamed.text
    log = editor.get(f"{base}/revisions").json()
    assert log[0]["summary"] == f"Renamed step '{step['name']}' to 'Create account'"
    diff = editor.get(f"{base}/diff", params={"from": 1}).json()
    assert [c["description"] for c in diff["changes"]] == [
        f"Renamed step '{step['name']}' to 'Create account'"
    ]
    assert diff["changes"][0]["path"].endswith(f"steps/{step['id']}/name")  # paths stay


def test_versions_can_be_named_and_the_log_filtered(world: World) -> None:
    editor = world.client("editor")
    base = f"/api/workspaces/{world.workspace}/maps/trial-a"
    etag = world.etag("editor", base)
    changed = editor.patch(
        base, json={"scenario": "After the workshop"}, headers={"If-Match": etag}
    )
    assert changed.status_code == 200, changed.text
    named = editor.put(f"{base}/revisions/2/label", json={"label": "  After the May\nworkshop "})
    assert named.status_code == 200, named.text
    assert named.json()["label"] == "After the May workshop"
    log = editor.get(f"{base}/revisions").json()
    assert [e["label"] for e in log] == ["After the May workshop", None]
    assert [e["revision"] for e in editor.get(f"{base}/revisions?labelled=true").json()] == [2]
    author = log[0]["author"]
    assert {
        e["author"] for e in editor.get(f"{base}/revisions", params={"author": author}).json()
    } == {author}
    assert editor.get(f"{base}/revisions", params={"author": "Nobody at all"}).json() == []
    # unnaming, a missing revision, a name too long, a viewer
    assert editor.put(f"{base}/revisions/2/label", json={"label": None}).json()["label"] is None
    assert editor.put(f"{base}/revisions/9/label", json={"label": "x"}).status_code == 404
    assert editor.put(f"{base}/revisions/2/label", json={"label": "x" * 201}).status_code in (
        400,
        422,
    )
    viewer = world.client("viewer")
    assert viewer.put(f"{base}/revisions/2/label", json={"label": "x"}).status_code == 403
    assert world.etag("editor", base) == '"2"'  # naming a version is not an edit of the map
