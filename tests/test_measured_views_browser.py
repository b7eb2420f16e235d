"""The Measured lane on the share page and in the presentation, in real Chromium: a map whose
steps are matched to an uploaded source's events shows the same figures on the board, on
its share page (the link's snapshot, read-only: no pickers) and in the presentation (the
whole-journey slide and the stage slide, each figure with its n written out), with the
source, the date range and the sparkline; no serious axe violation on either page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app_browser_support import LiveApp, browser, live_app, signed_in_page, visit
from tests.axe_support import assert_no_serious_violations
from tests.test_measured_board_browser import CSV as BOARD_CSV

__all__ = ["browser", "live_app"]

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("app-browser")]

# The board test's four users: three view the page (u2 then asks for help), u1 and u3 sign
# up 5 and 10 minutes later, u4 signs up without viewing it.
CSV = BOARD_CSV

EXPECTED = [
    {
        "reach": "3 users · 75% of entrants",
        "next": "To next: 67% · drop-off 33%",
        "then": "then help 100%",
        "median": "Median to next: 8m",
    },
    {"reach": "3 users · 75% of entrants", "previous": "From previous: 67%"},
]
"""Per step (View the page, Sign up): each figure's text, as the board shows it."""

FIGURES = """([selector, steps]) => steps.map(id => Object.fromEntries(
  [...document.querySelectorAll(selector.replaceAll('ID', id))].map(li => [
    li.getAttribute('data-figure'),
    (li.querySelector('.figure') ?? li).textContent.trim(),
  ])))"""


def figures(page: Any, selector: str, steps: list[str]) -> list[dict[str, str]]:
    """Per step, each figure's text in the view (`selector` with ID for the step's id)."""
    return page.evaluate(FIGURES, [selector, steps])  # type: ignore[no-any-return]


def test_share_page_and_presentation_show_the_boards_figures(
    browser: Any, live_app: LiveApp
) -> None:
    page = signed_in_page(browser, live_app)
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "journeyline_csrf")
    headers = {"X-CSRF-Token": csrf}
    base = f"{live_app.url}/api/workspaces/{live_app.workspace}"
    uploaded = page.request.post(
        f"{base}/event-sources/upload",
        multipart={"file": {"name": "trial.csv", "mimeType": "text/csv", "buffer": CSV.encode()}},
        headers=headers,
    )
    assert uploaded.ok, uploaded.text()
    created = page.request.post(
        f"{base}/maps",
        data={
            "name": "Measured views",
            "lanes": ["actions", "measured"],
            "measured_source": uploaded.json()["id"],
            "stages": [
                {
                    "name": "Try",
                    "steps": [
                        {"name": "View the page", "events": [{"event": "view"}]},
                        {"name": "Sign up", "events": [{"event": "signup"}]},
                        {"name": "Tell a colleague"},
                    ],
                }
            ],
        },
        headers=headers,
    )
    assert created.ok, created.text()
    map_id = created.json()["id"]

    # The board: the figures this test expects (and the snapshot the share link shows).
    visit(page, live_app, f"/maps/{map_id}", '[data-testid="board"][data-ready="true"]')
    steps = page.locator("[data-step-id]").evaluate_all(
        "cards => cards.map(c => c.getAttribute('data-step-id'))"
    )
    assert len(steps) == 3
    page.locator(f'.measured-cell[data-step="{steps[1]}"]').wait_for()
    on_board = figures(page, ".measured-cell[data-step='ID'] li[data-figure]", steps[:2])
    assert on_board == EXPECTED
    link = page.request.post(f"{base}/maps/{map_id}/share-links", data={}, headers=headers)
    assert link.ok, link.text()
    token = link.json()["token"]

    # The share page, signed out: the same figures, the lane's provenance, no pickers.
    stranger = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        view = stranger.new_page()
        view.goto(f"{live_app.url}/s/{token}")
        view.locator(f'.measured-cell[data-step="{steps[1]}"]').wait_for()
        assert figures(view, ".measured-cell[data-step='ID'] li[data-figure]", steps) == [
            *EXPECTED,
            {},
        ]
        label = view.locator('.lane-label[data-lane="measured"]')
        text = label.text_content() or ""
        assert "Source: trial.csv" in text and "2024-03-04 – 2024-03-13" in text
        assert "4 users entered" in text and "Stale" not in text
        assert label.locator("select, input").count() == 0
        cell = view.locator(f'.measured-cell[data-step="{steps[0]}"]')
        assert cell.locator("svg.measured-spark").count() == 1
        title = cell.locator('li[data-figure="median"]').get_attribute("title") or ""
        assert "median over n = 2 users" in title and "source trial.csv" in title
        # The step with no events says so, without pointing at a panel the page has not.
        assert (view.locator(".measured-none").text_content() or "").strip() == "No events matched"
        assert_no_serious_violations(view, where="the share page with a Measured lane")
    finally:
        stranger.close()

    # The presentation: the whole journey draws the lane, the stage slide every figure with its n.
    visit(page, live_app, f"/maps/{map_id}/present", "h1")
    page.keyboard.press("ArrowRight")
    page.locator(f'.slide .measured-cell[data-step="{steps[1]}"]').wait_for()
    overview = figures(page, ".slide .measured-cell[data-step='ID'] li[data-figure]", steps[:2])
    assert overview == EXPECTED
    assert "4 users entered" in (
        page.locator('.slide .lane-label[data-lane="measured"]').text_content() or ""
    )
    assert_no_serious_violations(page, where="the presentation's whole journey, measured")
    page.keyboard.press("ArrowRight")
    page.locator(f'.slide-measured[data-step="{steps[1]}"]').wait_for()
    assert figures(page, ".slide-measured[data-step='ID'] li[data-figure]", steps[:2]) == EXPECTED
    slide = page.locator(".slide")
    first = slide.locator(f'.slide-measured[data-step="{steps[0]}"]')
    shown = first.text_content() or ""
    assert "(n = 3 users)" in shown and "(median over n = 2 users)" in shown
    assert first.locator("svg.measured-spark").count() == 1
    head = slide.locator(".slide-provenance").text_content() or ""
    assert "Source: trial.csv" in head and "2024-03-04 – 2024-03-13" in head
    assert "no events matched" in (slide.locator(".slide-measured.muted").text_content() or "")
    # Readable at slide size: the figures at 14 px or more.
    size = first.locator("li .figure").first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert size >= 14
    assert_no_serious_violations(page, where="the presentation's stage slide, measured")
    page.context.close()


def test_a_share_page_left_open_shows_new_events_by_itself(browser: Any, live_app: LiveApp) -> None:
    """Events arrive after the board last measured the map: the share page shows the last
    figures marked as being measured again, then the fresh ones, without a reload and
    without anyone opening the board."""
    import base64

    page = signed_in_page(browser, live_app)
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "journeyline_csrf")
    headers = {"X-CSRF-Token": csrf}
    base = f"{live_app.url}/api/workspaces/{live_app.workspace}"
    created = page.request.post(
        f"{base}/event-sources", data={"kind": "collector", "name": "Website"}, headers=headers
    )
    assert created.ok, created.text()
    key = created.json()["collector"]["write_key"]
    auth = {"Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode()}

    def send(*users: str) -> None:
        batch = [
            {
                "type": "track",
                "userId": u,
                "event": "view",
                "timestamp": f"2024-03-0{i + 1}T10:00:00Z",
                "messageId": f"{u}-view",
            }
            for i, u in enumerate(users)
        ]
        sent = page.request.post(
            f"{live_app.url}/api/collect/v1/batch", data={"batch": batch}, headers=auth
        )
        assert sent.ok, sent.text()

    send("u1", "u2")
    made = page.request.post(
        f"{base}/maps",
        data={
            "name": "Left open",
            "lanes": ["actions", "measured"],
            "measured_source": created.json()["id"],
            "stages": [
                {"name": "Visit", "steps": [{"name": "View", "events": [{"event": "view"}]}]}
            ],
        },
        headers=headers,
    )
    assert made.ok, made.text()
    map_id = made.json()["id"]
    measured = page.request.get(f"{base}/maps/{map_id}/measured")
    assert measured.ok and measured.json()["entrants"] == 2, measured.text()
    link = page.request.post(f"{base}/maps/{map_id}/share-links", data={}, headers=headers)
    token = link.json()["token"]
    send("u3", "u4", "u5")

    stranger = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        view = stranger.new_page()
        view.goto(f"{live_app.url}/s/{token}")
        label = view.locator('.lane-label[data-lane="measured"]')
        label.locator(".measured-stale").wait_for()
        assert "Stale: measuring again" in (label.text_content() or "")
        assert "2 users entered" in (label.text_content() or "")
        # The page reads its link again: the fresh figures replace the stale ones.
        view.wait_for_function(
            "() => (document.querySelector('.lane-label[data-lane=\"measured\"]')"
            "?.textContent ?? '').includes('5 users entered')",
            timeout=30_000,
        )
        assert label.locator(".measured-stale").count() == 0
    finally:
        stranger.close()
