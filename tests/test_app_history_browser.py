"""History people can read, in real Chromium (issue 13 part 4): entries and diffs in words,
elements by their names, a version named, the log filtered by person."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app_browser_support import (
    LiveApp,
    browser,
    live_app,
    signed_in_page,
    wait_until_served,
)

__all__ = ["browser", "live_app"]

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("app-browser")]

MAP = "map-restaurant-visit"


def test_history_names_elements_and_versions(browser: Any, live_app: LiveApp) -> None:
    page = signed_in_page(browser, live_app)
    api = f"{live_app.url}/api/workspaces/{live_app.workspace}/maps/{MAP}"
    state = page.request.get(api).json()
    step = state["map"]["stages"][0]["steps"][0]
    page.goto(f"{live_app.url}/w/{live_app.workspace}/maps/{MAP}/history")
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "journeyline_csrf")
    renamed = page.request.patch(
        f"{api}/steps/{step['id']}",
        data={"name": "Book a table online"},
        headers={"If-Match": f'"{state["revision"]}"', "X-CSRF-Token": csrf},
    )
    assert renamed.ok, renamed.text()
    sentence = f"Renamed step '{step['name']}' to 'Book a table online'"

    page.goto(f"{live_app.url}/w/{live_app.workspace}/maps/{MAP}/history")
    log = page.get_by_role("navigation", name="Revisions")
    log.get_by_text(sentence).first.wait_for()
    # the diff of the newest revision says the same, not a path of ids
    page.locator(".diff-entry").get_by_text(sentence).first.wait_for()
    assert step["id"] not in page.locator(".diff-entry").first.inner_text()

    log.get_by_role("button", name="Name this version").first.click()
    page.get_by_role("textbox", name="Name").fill("After the May workshop")
    page.get_by_role("button", name="Save name").click()
    log.get_by_text("After the May workshop").wait_for()
    page.get_by_role("checkbox", name="Named versions only").check()
    assert log.locator(".revision-item").count() == 1
    page.get_by_role("checkbox", name="Named versions only").uncheck()
    people = page.get_by_role("combobox", name="Changes by").locator("option").all_inner_texts()
    assert people[0] == "Everyone" and len(people) >= 2
    page.context.close()


def test_changing_the_scale_converts_the_scores(browser: Any, live_app: LiveApp) -> None:
    """Issue 13 part 8: a new sentiment scale offers to move the scores with it."""
    page = signed_in_page(browser, live_app)
    mapping = "map-saas-onboarding"
    api = f"{live_app.url}/api/workspaces/{live_app.workspace}/maps/{mapping}"
    before = page.request.get(api).json()["map"]
    assert (before["scale"]["min"], before["scale"]["max"]) == (-5, 5)
    scores = {s["id"]: s["emotion"] for st in before["stages"] for s in st["steps"]}
    page.goto(f"{live_app.url}/w/{live_app.workspace}/maps/{mapping}/settings")
    page.get_by_role("button", name="1 … 5").click()
    convert = page.get_by_role("checkbox", name="Convert the")
    assert convert.is_checked()
    page.get_by_role("button", name="Apply scale").click()
    expected = {
        step: min(5, max(1, round((1 + (old + 5) / 10 * 4) * 2) / 2))
        for step, old in scores.items()
        if old is not None
    }
    assert expected
    # the board saves one step at a time: wait until every converted score has reached the server
    wait_until_served(
        page,
        api,
        lambda s: (
            s["map"]["scale"]["min"] == 1
            and all(
                x["id"] not in expected or x["emotion"] == expected[x["id"]]
                for st in s["map"]["stages"]
                for x in st["steps"]
            )
        ),
        "every converted score",
    )
    page.context.close()
