"""Big maps in real Chromium (issue 13 part 3): the stage and step names stay in view after
scrolling down to the opportunities lane; zoom in, out, 100 % and fit to width, by button and
by Ctrl + − 0; a jump to any stage; at 1024 × 768 the top bar on one line, the map name and a
lone persona whole, the side panel at most 35 % of the window."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app_browser_support import LiveApp, browser, live_app, signed_in_page

__all__ = ["browser", "live_app"]

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("app-browser")]

MAP = "map-saas-trial"


def zoom_of(page: Any) -> float:
    return float(page.locator(".board-grid").get_attribute("data-zoom"))


def test_headers_stay_in_view_and_the_board_zooms(browser: Any, live_app: LiveApp) -> None:
    page = signed_in_page(browser, live_app)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{live_app.url}/w/{live_app.workspace}/maps/{MAP}")
    page.locator('[data-testid="board"][data-ready="true"]').wait_for()
    heads = page.get_by_test_id("sticky-heads")
    assert "shown" not in (heads.get_attribute("class") or "")  # the real headers are in view

    page.locator('[data-lane="opportunities"]').scroll_into_view_if_needed()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=sticky-heads]').classList.contains('shown')"
    )
    first_step = page.locator(".sticky-step").first
    box = first_step.bounding_box()
    board = page.locator(".board-scroll").bounding_box()
    assert box is not None and board is not None
    assert abs(box["y"] - board["y"]) < 60  # at the top of the board, over its column
    assert first_step.is_visible()
    first_step.click()  # opens that step's details
    page.locator(".side-panel").wait_for()
    page.keyboard.press("Escape")  # the panel closes: the board has its whole width again
    page.locator(".side-panel").wait_for(state="detached")

    assert zoom_of(page) == 1
    page.get_by_role("button", name="Zoom out").click()
    assert zoom_of(page) == 0.85
    page.get_by_role("button", name="Fit width").click()
    page.wait_for_function(
        "() => Number(document.querySelector('.board-grid').dataset.zoom) < 0.85"
    )
    scroller = page.locator(".board-scroll")
    width, client = scroller.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert width <= client + 2  # the whole map fits the width
    page.locator(".board-grid").click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+0")
    page.wait_for_function("() => document.querySelector('.board-grid').dataset.zoom === '1'")
    page.keyboard.press("Control+=")
    page.wait_for_function("() => document.querySelector('.board-grid').dataset.zoom === '1.1'")

    page.keyboard.press("Control+0")
    stages = page.get_by_role("combobox", name="Jump to stage")
    last = stages.locator("option").nth(3).get_attribute("value")  # the third stage
    stages.select_option(last)
    page.wait_for_function(
        "id => { const h = document.querySelector(`[data-stage-id='${id}']`);"
        " const s = document.querySelector('.board-scroll').getBoundingClientRect();"
        " const r = h.getBoundingClientRect(); return r.left >= s.left && r.left < s.left + 400; }",
        arg=last,
    )
    page.context.close()


def test_the_board_at_1024_keeps_the_bar_title_and_panel_in_proportion(
    browser: Any, live_app: LiveApp
) -> None:
    page = signed_in_page(browser, live_app)
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(f"{live_app.url}/w/{live_app.workspace}/maps/{MAP}")
    page.locator('[data-testid="board"][data-ready="true"]').wait_for()
    # The top bar stays on one line: no link, the logo or "Sign out" broken over two.
    lines = page.evaluate(
        """() => [...document.querySelectorAll('.topbar .brand, .topbar nav a, .topbar button')]
             .filter(el => el.getClientRects().length > 1 || el.offsetHeight > 40)
             .map(el => el.textContent.trim())"""
    )
    assert lines == []
    bar = page.locator(".topbar").bounding_box()
    # (below 1280 px the workspace's name sits under the brand in small type: one bar, ~60 px)
    assert bar is not None and bar["height"] < 64
    # The map's name is whole, and so is a lone persona's.
    clipped = page.evaluate(
        """() => [...document.querySelectorAll('.map-name-input, .persona-chip-name')]
             .filter(el => el.scrollWidth > el.clientWidth + 1).map(el => el.value || el.textContent)"""
    )
    assert clipped == []
    # The side panel leaves the board most of the window.
    page.locator(".board-grid .step-card .step-name").nth(1).click()
    panel = page.get_by_test_id("side-panel").bounding_box()
    assert panel is not None and panel["width"] <= 0.35 * 1024
    board = page.locator(".board-scroll").bounding_box()
    assert board is not None and board["width"] >= 0.65 * 1024 - 2
    page.context.close()
