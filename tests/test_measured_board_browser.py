"""The Measured lane and the step panel's matcher editor on the board, in real Chromium: the
lane shows each measured step's figures from the map's source; a suggestion matches a
step to its event, and the lane measures it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app_browser_support import LiveApp, browser, live_app, signed_in_page

__all__ = ["browser", "live_app"]

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("app-browser")]

CSV = (
    "user_id,event,timestamp,plan\n"
    "u1,view,2024-03-04T10:00:00Z,free\n"
    "u1,signup,2024-03-04T10:05:00Z,free\n"
    "u2,view,2024-03-05T09:00:00Z,pro\n"
    "u2,help,2024-03-05T09:01:00Z,pro\n"
    "u3,view,2024-03-12T12:00:00Z,pro\n"
    "u3,signup,2024-03-12T12:10:00Z,pro\n"
    "u4,signup,2024-03-13T08:00:00Z,\n"
)


def test_the_lane_measures_steps_matched_in_the_panel(browser: Any, live_app: LiveApp) -> None:
    page = signed_in_page(browser, live_app)
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "journeyline_csrf")
    base = f"{live_app.url}/api/workspaces/{live_app.workspace}"
    uploaded = page.request.post(
        f"{base}/event-sources/upload",
        multipart={"file": {"name": "trial.csv", "mimeType": "text/csv", "buffer": CSV.encode()}},
        headers={"X-CSRF-Token": csrf},
    )
    assert uploaded.ok, uploaded.text()
    source = uploaded.json()["id"]
    created = page.request.post(
        f"{base}/maps",
        data={
            "name": "Measured trial",
            "lanes": ["actions", "measured"],
            "measured_source": source,
            "stages": [
                {
                    "name": "Try",
                    "steps": [
                        {"name": "View the page", "events": [{"event": "view"}]},
                        {"name": "Sign up"},
                    ],
                }
            ],
        },
        headers={"X-CSRF-Token": csrf},
    )
    assert created.ok, created.text()
    map_id = created.json()["id"]
    page.goto(f"{live_app.url}/w/{live_app.workspace}/maps/{map_id}")
    page.locator('[data-testid="board"][data-ready="true"]').wait_for()
    label = page.locator('.lane-label[data-lane="measured"]')
    assert "Measured" in (label.text_content() or "")
    from playwright.sync_api import expect

    expect(label.get_by_label("Event source")).to_have_value(source)
    view_id, signup_id = page.locator("[data-step-id]").evaluate_all(
        "cards => cards.map(c => c.getAttribute('data-step-id'))"
    )
    view = page.locator(f'.measured-cell[data-step="{view_id}"]')
    view.wait_for()
    text = view.text_content() or ""
    # Only "View the page" is matched: its three users are all the entrants.
    assert "3 users" in text and "100% of entrants" in text and "To next" not in text
    assert view.locator("svg.measured-spark").count() == 1
    unmatched = page.locator(".measured-none")
    assert unmatched.count() == 1 and "No events matched" in (unmatched.text_content() or "")

    page.locator(f'[data-step-id="{signup_id}"]').click()
    panel = page.get_by_test_id("side-panel")
    editor = panel.get_by_role("region", name="Matched events")
    editor.wait_for()
    editor.locator("datalist option").nth(2).wait_for(state="attached")
    options = editor.locator("datalist option").evaluate_all("os => os.map(o => o.value)")
    assert options == ["signup", "view", "help"]
    # "Sign up" resembles the event "signup": one click matches them.
    editor.get_by_role("button", name="+ signup").click()
    editor.get_by_label("Event 1").wait_for()
    assert editor.get_by_label("Event 1").input_value() == "signup"
    signup = page.locator(f'.measured-cell[data-step="{signup_id}"]')
    signup.wait_for()
    page.wait_for_function(
        "id => (document.querySelector(`.measured-cell[data-step='${id}']`)?.textContent ?? '')"
        ".includes('3 users')",
        arg=signup_id,
    )
    assert "From previous: 67%" in (signup.text_content() or "")
    # Now four entrants: three view the page, and two of those sign up afterwards.
    text = view.text_content() or ""
    assert "75% of entrants" in text and "To next: 67%" in text
    assert "n = 3 users" in (view.locator("li").nth(1).get_attribute("title") or "")
    saved = page.request.get(f"{base}/maps/{map_id}").json()
    assert saved["map"]["stages"][0]["steps"][1]["events"] == [
        {"event": "signup", "match": "exact", "where": {}}
    ]

    # A breakdown by plan splits each step.
    label.get_by_label("Breakdown").select_option("plan")
    page.wait_for_function(
        "id => (document.querySelector(`.measured-cell[data-step='${id}']`)?.textContent ?? '')"
        ".includes('pro: 2')",
        arg=view_id,
    )
    page.context.close()
