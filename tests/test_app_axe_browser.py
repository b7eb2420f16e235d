"""axe-core on every page of the web app, in real Chromium: no serious or critical violation.

One server and one browser for the module, one signed-in tab walking the pages a researcher
and a stakeholder meet: the board (with a step's panel open and the shortcuts dialog), the map
list, personas and the persona editor, segments, workspace and map settings, history, the
presentation, the notifications, the research repository, the event data pages, the workshop
(facilitator, presenter view, a guest's join page and view), the share page and the sign-in
page (both signed out).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.app_browser_support import LiveApp, browser, live_app, signed_in_page, visit
from tests.axe_support import assert_no_serious_violations

__all__ = ["browser", "live_app"]

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("app-browser")]

MAP = "map-saas-trial"


@pytest.fixture(scope="module")
def page(browser: Any, live_app: LiveApp) -> Iterator[Any]:
    """One signed-in tab for the whole module."""
    tab = signed_in_page(browser, live_app)
    yield tab
    tab.context.close()


def test_board(page: Any, live_app: LiveApp) -> None:
    visit(page, live_app, f"/maps/{MAP}", '[data-testid="board"][data-ready="true"]')
    assert_no_serious_violations(page, where="the board")


def test_board_with_a_step_panel_open(page: Any, live_app: LiveApp) -> None:
    visit(page, live_app, f"/maps/{MAP}", '[data-testid="board"][data-ready="true"]')
    page.locator("[data-step-id]").first.click()
    page.get_by_test_id("side-panel").wait_for()
    assert_no_serious_violations(page, where="the board with a step's panel")


def test_board_findings_and_shortcuts(page: Any, live_app: LiveApp) -> None:
    visit(page, live_app, f"/maps/{MAP}", '[data-testid="board"][data-ready="true"]')
    page.get_by_role("button", name=re.compile(r"^Findings")).click()
    page.get_by_test_id("side-panel").wait_for()
    assert_no_serious_violations(page, where="the board's findings panel")
    page.get_by_role("button", name="Keyboard shortcuts").click()
    page.get_by_role("dialog", name="Keyboard shortcuts").wait_for()
    assert_no_serious_violations(page, where="the keyboard shortcuts dialog")
    page.keyboard.press("Escape")


def test_multi_persona_board(page: Any, live_app: LiveApp) -> None:
    maps = page.request.get(f"{live_app.url}/api/workspaces/{live_app.workspace}/maps").json()
    rows = maps if isinstance(maps, list) else maps.get("items", [])
    multi = [m for m in rows if len(m.get("personas", [])) > 1]
    if not multi:
        pytest.skip("the demo workspace has no multi-persona map")
    visit(page, live_app, f"/maps/{multi[0]['id']}", '[data-testid="board"][data-ready="true"]')
    assert_no_serious_violations(page, where="a multi-persona board")


@pytest.mark.parametrize(
    ("path", "ready", "where"),
    [
        ("", 'a:has-text("Evaluating Loomdesk in a 14-day trial")', "the map list"),
        ("/personas", "main h1", "the personas list"),
        ("/segments", "main h1", "the segments page"),
        ("/settings", "main h1", "the workspace settings"),
        (f"/maps/{MAP}/settings", "main h1", "the map settings"),
        (f"/maps/{MAP}/history", "main h1", "the map history"),
        ("/research", "main h1", "the research repository"),
        ("/events", "main h1", "the event data pages"),
    ],
)
def test_pages(page: Any, live_app: LiveApp, path: str, ready: str, where: str) -> None:
    visit(page, live_app, path, ready)
    assert_no_serious_violations(page, where=where)


def test_persona_editor(page: Any, live_app: LiveApp) -> None:
    visit(page, live_app, "/personas", "main h1")
    personas = page.request.get(
        f"{live_app.url}/api/workspaces/{live_app.workspace}/personas"
    ).json()
    rows = personas if isinstance(personas, list) else personas.get("items", [])
    assert rows, personas
    visit(page, live_app, f"/personas/{rows[0]['id']}", "main input")
    assert_no_serious_violations(page, where="the persona editor")


def test_presentation(page: Any, live_app: LiveApp) -> None:
    visit(page, live_app, f"/maps/{MAP}/present", "h1")
    assert_no_serious_violations(page, where="the presentation's first slide")
    page.keyboard.press("ArrowRight")
    page.get_by_text("The whole journey").first.wait_for()
    assert_no_serious_violations(page, where="the presentation's whole-journey slide")


def test_notifications(page: Any, live_app: LiveApp) -> None:
    visit(page, live_app, "", "header.topbar")
    page.get_by_role("button", name="Notifications").first.click()
    page.locator(".bell-panel").wait_for()
    assert_no_serious_violations(page, where="the notifications")
    page.keyboard.press("Escape")


def test_share_dialog_and_share_page(page: Any, browser: Any, live_app: LiveApp) -> None:
    visit(page, live_app, f"/maps/{MAP}", '[data-testid="board"][data-ready="true"]')
    page.get_by_role("button", name="Share", exact=True).click()
    page.get_by_role("button", name="Create share link").click()
    link = page.get_by_role("textbox", name="Share link").input_value()
    assert_no_serious_violations(page, where="the share dialog")
    page.keyboard.press("Escape")
    stranger = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        view = stranger.new_page()
        view.goto(link)
        view.locator("[data-step-id]").first.wait_for()
        assert_no_serious_violations(view, where="the share page")
    finally:
        stranger.close()


def test_sign_in_page(browser: Any, live_app: LiveApp) -> None:
    stranger = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        view = stranger.new_page()
        view.goto(f"{live_app.url}/")
        view.locator("main h1").first.wait_for()
        assert_no_serious_violations(view, where="the sign-in page")
    finally:
        stranger.close()


def test_workshop_pages(page: Any, browser: Any, live_app: LiveApp) -> None:
    """The facilitator's workshop view and its presenter view, and a guest's join page and
    view (a map of its own: the workshop stays open on it)."""
    visit(page, live_app, "/maps/map-restaurant-visit", '[data-testid="board"][data-ready="true"]')
    page.get_by_test_id("workshop-button").click()
    page.wait_for_url(re.compile(r"/workshop/[^/]+$"))
    page.locator('[data-testid="workshop"][data-channel="open"]').wait_for()
    page.wait_for_load_state("networkidle")
    assert_no_serious_violations(page, where="the workshop (facilitator)")
    join_url = page.get_by_test_id("join-url").input_value()
    workshop_url = page.url
    page.goto(f"{workshop_url}/present")
    page.get_by_test_id("workshop-timer").wait_for()
    assert_no_serious_violations(page, where="the workshop's presenter view")
    guest = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        view = guest.new_page()
        view.goto(join_url)
        view.get_by_label(re.compile("^Your name")).wait_for()
        assert_no_serious_violations(view, where="the workshop's join page")
        view.get_by_label(re.compile("^Your name")).fill("Gus Guest")
        view.get_by_role("button", name="Join the workshop").click()
        view.locator('[data-testid="workshop"][data-channel="open"]').wait_for()
        view.wait_for_load_state("networkidle")
        assert_no_serious_violations(view, where="the workshop (a guest)")
    finally:
        guest.close()


def test_axe_is_not_shipped_in_the_app() -> None:
    """axe-core is for the tests only: the built app never carries it."""
    assets = Path(__file__).resolve().parents[1] / "src/journeyline/web/static/app/assets"
    built = list(assets.glob("*.js"))
    assert built
    for path in built:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert "axe-core" not in text and "dequelabs" not in text, path.name
