# ruff: noqa: F811 - pytest fixtures are imported from tests.api_support by name
"""Maps over the API: granular element edits, optimistic concurrency, revisions, diffs, restore."""

from __future__ import annotations

import threading

from journeyline.store import maps
from journeyline.store.errors import StaleRevision
from tests.api_support import World, database, envelope_of, world  # noqa: F401

MAP = "/api/workspaces/{ws}/maps/trial-a"


def url(world: World, suffix: str = "") -> str:
    return MAP.format(ws=world.workspace) + suffix


def test_each_element_edit_is_a_revision(world: World) -> None:
    editor = world.client("editor")
    etag = world.etag("editor", url(world))
    assert etag == '"1"'
    added = editor.post(url(world, "/stages"), json={"name": "Renew"}, headers={"If-Match": etag})
    assert added.status_code == 201, added.text
    assert added.json()["element"]["id"] == "renew"
    etag = added.headers["ETag"]
    assert etag == '"2"'
    step = editor.post(
        url(world, "/steps?stage=renew&position=0"),
        json={"name": "Get the invoice", "emotion": -1},
        headers={"If-Match": etag},
    )
    assert step.status_code == 201, step.text
    etag = step.headers["ETag"]
    changed = editor.patch(
        url(world, "/steps/get-the-invoice"), json={"feels": "Annoyed"}, headers={"If-Match": etag}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["element"]["feels"] == "Annoyed"
    assert changed.json()["element"]["emotion"] == -1  # untouched fields stay
    etag = changed.headers["ETag"]
    moved = editor.patch(
        url(world, "/steps/get-the-invoice?stage=signup-a&position=1"),
        json={},
        headers={"If-Match": etag},
    )
    assert moved.status_code == 200, moved.text
    etag = moved.headers["ETag"]
    journey = editor.get(url(world)).json()["map"]
    signup = next(s for s in journey["stages"] if s["id"] == "signup-a")
    assert [s["id"] for s in signup["steps"]] == ["form-a", "get-the-invoice", "verify-a"]
    assert next(s for s in journey["stages"] if s["id"] == "renew")["steps"] == []
    pain = editor.post(
        url(world, "/pain_points"),
        json={"name": "No PDF", "step": "get-the-invoice"},
        headers={"If-Match": etag},
    )
    assert pain.status_code == 201, pain.text
    etag = pain.headers["ETag"]
    gone = editor.delete(url(world, "/pain_points/no-pdf"), headers={"If-Match": etag})
    assert gone.status_code == 200 and gone.json()["element"] is None
    log = editor.get(url(world, "/revisions")).json()
    assert [r["revision"] for r in log] == [7, 6, 5, 4, 3, 2, 1]
    assert log[0]["summary"] == "Removed pain point 'No PDF'"
    assert log[0]["author"] == "Editor"


def test_write_without_if_match_is_refused(world: World) -> None:
    response = world.client("editor").patch(url(world, "/steps/form-a"), json={"feels": "x"})
    assert response.status_code == 428
    assert "If-Match" in envelope_of(response)["message"]


def test_stale_write_gets_409_with_what_changed_and_overwrites_nothing(world: World) -> None:
    first, second = world.client("editor"), world.client("owner")
    etag = world.etag("editor", url(world))
    ok = first.patch(
        url(world, "/steps/form-a"), json={"feels": "Hopeful"}, headers={"If-Match": etag}
    )
    assert ok.status_code == 200
    stale = second.patch(
        url(world, "/steps/form-a"), json={"feels": "Bored"}, headers={"If-Match": etag}
    )
    assert stale.status_code == 409
    assert stale.headers["ETag"] == '"2"'
    error = envelope_of(stale)
    assert error["type"] == "StaleRevision"
    assert error["details"]["current_revision"] == 2 and error["details"]["your_revision"] == 1
    assert {
        "change": "changed",
        "path": "stages/signup-a/steps/form-a/feels",
        "before": None,
        "after": "Hopeful",
    } in error["details"]["changes"]
    assert first.get(url(world, "/steps/form-a")).json()["element"]["feels"] == "Hopeful"


def test_edits_that_break_references_are_refused(world: World) -> None:
    editor = world.client("editor")
    etag = world.etag("editor", url(world))
    response = editor.delete(url(world, "/steps/card-a"), headers={"If-Match": etag})
    assert response.status_code == 422
    error = envelope_of(response)
    assert any("pain_points/slow-a/step" in d["message"] for d in error["diagnostics"]), error
    assert world.etag("editor", url(world)) == etag  # nothing stored
    bad_branch = editor.patch(
        url(world, "/steps/form-a"),
        json={"kind": "decision", "branches": [{"label": "Yes", "to": "nowhere"}]},
        headers={"If-Match": etag},
    )
    assert bad_branch.status_code == 422


def test_ids_are_stable(world: World) -> None:
    etag = world.etag("editor", url(world))
    response = world.client("editor").patch(
        url(world, "/steps/form-a"), json={"id": "renamed"}, headers={"If-Match": etag}
    )
    assert response.status_code == 400
    assert "cannot change" in envelope_of(response)["message"]


def test_invalid_field_values_are_reported_by_field(world: World) -> None:
    etag = world.etag("editor", url(world))
    response = world.client("editor").patch(
        url(world, "/pain_points/slow-a"), json={"impact": "huge"}, headers={"If-Match": etag}
    )
    assert response.status_code == 422
    assert any(d["message"].startswith("impact:") for d in envelope_of(response)["diagnostics"])


def test_diff_and_restore(world: World) -> None:
    editor = world.client("editor")
    etag = world.etag("editor", url(world))
    renamed = editor.patch(
        url(world, "/stages/pay-a"), json={"name": "Checkout"}, headers={"If-Match": etag}
    )
    etag = renamed.headers["ETag"]
    editor.delete(url(world, "/evidence/quote-a"), headers={"If-Match": etag})
    diff = editor.get(url(world, "/diff?from=1")).json()["changes"]
    assert {
        "change": "changed",
        "path": "stages/pay-a/name",
        "before": "Pay",
        "after": "Checkout",
        "description": "Renamed stage 'Pay' to 'Checkout'",
    } in diff
    assert any(c["change"] == "removed" and c["path"] == "evidence/quote-a" for c in diff)
    assert editor.get(url(world, "/revisions/1")).json()["map"]["stages"][1]["name"] == "Pay"
    restored = editor.post(url(world, "/revisions/1/restore"), headers={"If-Match": '"3"'})
    assert restored.status_code == 200, restored.text
    assert restored.json()["revision"] == 4
    assert restored.json()["map"]["stages"][1]["name"] == "Pay"
    assert editor.get(url(world, "/diff?from=1")).json()["changes"] == []
    assert editor.get(url(world, "/revisions")).json()[0]["summary"] == "restored revision 1"


def test_create_replace_patch_and_delete_maps(world: World) -> None:
    editor = world.client("editor")
    base = f"/api/workspaces/{world.workspace}/maps"
    created = editor.post(
        base, json={"name": "Renewal", "personas": ["priya-a"], "stages": [{"name": "Notice"}]}
    )
    assert created.status_code == 201, created.text
    assert created.json()["id"] == "renewal" and created.headers["ETag"] == '"1"'
    unknown = editor.post(base, json={"name": "Other", "personas": ["nobody"]})
    assert unknown.status_code == 422
    assert "persona 'nobody' does not exist" in unknown.text
    taken = editor.post(base, json={"id": "renewal", "name": "Again"})
    assert taken.status_code == 409
    patched = editor.patch(
        f"{base}/renewal",
        json={"scenario": "Contract ends", "stages": []},
        headers={"If-Match": '"1"'},
    )
    assert patched.status_code == 400  # elements have their own endpoints
    patched = editor.patch(
        f"{base}/renewal", json={"scenario": "Contract ends"}, headers={"If-Match": '"1"'}
    )
    assert patched.json()["map"]["scenario"] == "Contract ends"
    replaced = editor.put(
        f"{base}/renewal", json={"id": "ignored", "name": "Renewal v2"}, headers={"If-Match": '"2"'}
    )
    assert replaced.status_code == 200
    assert replaced.json()["id"] == "renewal" and replaced.json()["map"]["stages"] == []
    assert editor.delete(f"{base}/renewal", headers={"If-Match": '"1"'}).status_code == 409
    assert editor.delete(f"{base}/renewal", headers={"If-Match": '"3"'}).status_code == 204
    assert editor.get(f"{base}/renewal").status_code == 404
    assert [m["id"] for m in editor.get(base).json()] == ["trial-a", "future-a"]


def test_user_text_is_data_never_markup(world: World) -> None:
    editor = world.client("editor")
    etag = world.etag("editor", url(world))
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = editor.patch(
        url(world, "/steps/form-a"), json={"thinks": evil}, headers={"If-Match": etag}
    )
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert editor.get(url(world, "/steps/form-a")).json()["element"]["thinks"] == evil
    svg = editor.get(url(world, "/render.svg"))
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert "<script>" not in svg.text and "&lt;script&gt;" in svg.text


def test_concurrent_writers_lose_nothing(world: World) -> None:
    """Ten writers add a step each at the same time; each retries on 409 until it lands."""
    editor = world.actors["editor"]
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            while True:
                state = maps.get_map(world.db, editor, world.workspace, "trial-a")
                try:
                    maps.add_element(
                        world.db,
                        editor,
                        world.workspace,
                        "trial-a",
                        "steps",
                        f'"{state.revision}"',
                        {"id": f"parallel-{n}", "name": f"Parallel {n}"},
                        stage="pay-a",
                    )
                    return
                except StaleRevision:
                    continue
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    state = maps.get_map(world.db, editor, world.workspace, "trial-a")
    ids = {step.id for step in state.journey.steps()}
    assert {f"parallel-{n}" for n in range(10)} <= ids
    assert state.revision == 11
    assert len(maps.list_revisions(world.db, editor, world.workspace, "trial-a")) == 11


def test_element_lists_carry_the_map_revision(world: World) -> None:
    response = world.client("viewer").get(url(world, "/steps"))
    assert response.status_code == 200
    assert response.headers["ETag"] == '"1"'
    body = response.json()
    assert [s["id"] for s in body["items"]] == ["form-a", "verify-a", "card-a"]
    assert body["stages"] == {"signup-a": ["form-a", "verify-a"], "pay-a": ["card-a"]}
    one = world.client("viewer").get(url(world, "/steps/card-a")).json()
    assert one["stage"] == "pay-a"
    missing = world.client("viewer").get(url(world, "/steps/crad-a"))
    assert missing.status_code == 404
    assert envelope_of(missing)["diagnostics"][0]["hint"] == "did you mean 'card-a'?"
