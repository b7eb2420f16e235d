"""The customers' own line on the board and in the presentation, in real Chromium: a step with
a survey score (as `feedback apply` writes it) shows its interval band, n, and the weak
mark the analysis gives a score on too few answers."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app_browser_support import LiveApp, browser, live_app, signed_in_page

__all__ = ["browser", "live_app"]

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("app-browser")]

MAP = "map-saas-trial"
CSAT = {
    "name": "CSAT",
    "value": 80.0,
    "unit": "%",
    "source": "qualtrics.csv, question Q2",
    "n": 10,
    "interval": [49.0, 94.3],
    "bounds": [0, 100],
}


def test_board_and_presentation_draw_the_customers_band(browser: Any, live_app: LiveApp) -> None:
    page = signed_in_page(browser, live_app)
    api = f"{live_app.url}/api/workspaces/{live_app.workspace}/maps/{MAP}"
    read = page.request.get(api).json()
    step = read["map"]["stages"][0]["steps"][0]
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "journeyline_csrf")
    response = page.request.patch(
        f"{api}/steps/{step['id']}",
        data={"metrics": [*step["metrics"], CSAT]},
        headers={"If-Match": f'"{read["revision"]}"', "X-CSRF-Token": csrf},
    )
    assert response.ok, response.text()

    page.goto(f"{live_app.url}/w/{live_app.workspace}/maps/{MAP}")
    page.locator('[data-testid="board"][data-ready="true"]').wait_for()
    point = page.locator(f'[data-customer-point="{step["id"]}"]')
    point.wait_for(state="attached")
    assert point.locator("rect.customer-band").count() == 1
    title = point.locator("title").text_content() or ""
    assert "CSAT 80 %" in title and "n = 10" in title
    # 80 % on a 0 … 100 range is +3 on the map's −5 … +5 scale; the band spans −0.1 … +4.4.
    assert "+3 on the map's scale" in title and "−0.1 … +4.4" in title
    # Ten answers are fewer than survey.min_answers (30): the analysis marks it weak.
    page.locator(f'[data-customer-point="{step["id"]}"].weak').wait_for(state="attached")
    assert "n = 10 · few" in (point.locator("text").text_content() or "")
    band = point.locator("rect.customer-band")
    assert band.get_attribute("stroke-dasharray") == "4 3"
    height = float(band.get_attribute("height") or 0)
    assert height > 20  # an interval of 4.5 points on a 10-point scale is drawn, not a dot

    page.goto(f"{live_app.url}/w/{live_app.workspace}/maps/{MAP}/present")
    page.get_by_role("heading", name=read["map"]["name"]).first.wait_for()
    page.keyboard.press("ArrowRight")
    page.get_by_text("The whole journey").first.wait_for()
    page.locator(f'[data-customer-point="{step["id"]}"]').first.wait_for(state="attached")
    # The first stage's slide draws the band beside its own sentiment line.
    page.keyboard.press("ArrowRight")
    slide_band = page.locator(f'.slide-sentiment rect[data-customer-point="{step["id"]}"]')
    slide_band.wait_for(state="attached")
    label = page.locator(".slide-sentiment").first.get_attribute("aria-label") or ""
    assert "customers" in label and "CSAT 80 % (n = 10)" in label
    page.context.close()
