"""The web app in real Chromium, the way a new user meets it after `make run`.

Sign in through the one-time link, create a map from a template, edit a step on the
board, drag a sentiment point, add a pain point and an opportunity, comment, open a
share link signed out (read-only), export a PDF, change a map's settings on top of
someone else's change. Every change is checked through the
API too: what the board shows must be what the server saved.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
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


def settled_map(
    page: Any, app: LiveApp, map_id: str, until: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """`saved_map` once `until` holds: a live map's REST copy is rewritten from its shared
    document at most every `live_head_seconds` after "Saved" (docs/api.md), so a read right
    after the board says "Saved" may be that much behind."""
    deadline = time.monotonic() + 15
    while True:
        current = saved_map(page, app, map_id)
        if until(current) or time.monotonic() > deadline:
            return current
        page.wait_for_timeout(200)


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
    assert "Anniversary dinner <script>alert(1)</script>" in page.locator(
        '[data-testid="board"]'
    ).evaluate(
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


def open_board(page: Any, app: LiveApp, map_id: str) -> Any:
    page.goto(f"{app.url}/w/{app.workspace}/maps/{map_id}")
    board = page.locator('[data-testid="board"][data-ready="true"]')
    board.wait_for()
    return board


def wait_saved(page: Any) -> None:
    page.locator('[data-save-status="saved"]').first.wait_for()


def step_of(saved: dict[str, Any], step_id: str) -> dict[str, Any]:
    for stage in saved["stages"]:
        for step in stage["steps"]:
            if step["id"] == step_id:
                return dict(step)
    raise AssertionError(f"no step {step_id!r} in the saved map")


def test_an_edit_made_while_the_live_map_opens_is_kept(browser: Any, live_app: LiveApp) -> None:
    """On a busy server the live doc can arrive seconds after the board is drawn: an edit made
    meanwhile waits on the device and lands once the doc is there (it used to be refused)."""
    page = signed_in_page(browser, live_app)
    held: list[tuple[Any, str | bytes]] = []
    hold = True

    def relay(ws: Any) -> None:
        server = ws.connect_to_server()

        def from_server(message: str | bytes) -> None:
            if hold:
                held.append((ws, message))
            else:
                ws.send(message)

        server.on_message(from_server)

    page.route_web_socket(re.compile(r"/live$"), relay)
    open_board(page, live_app, "map-ecommerce-purchase")
    card = page.locator("[data-step-id]").first
    step_id = card.get_attribute("data-step-id")
    assert step_id
    card.locator(".step-name").click()
    name = page.get_by_test_id("side-panel").get_by_label("Name", exact=True)
    typed = "Typed before the live map opened"
    name.fill(typed)
    name.press("Enter")
    page.locator('[data-save-status="saving"][title*="1 change waiting"]').wait_for()
    # The server's first sync arrives now.
    hold = False
    for ws, message in held:
        ws.send(message)
    page.wait_for_function(
        "([id, typed]) => document.querySelector(`[data-step-id='${id}']`).innerText.includes(typed)",
        arg=[step_id, typed],
    )
    saved = settled_map(
        page, live_app, "map-ecommerce-purchase", lambda m: step_of(m, step_id)["name"] == typed
    )
    assert step_of(saved, step_id)["name"] == typed


def test_edit_a_step_and_undo_it(browser: Any, live_app: LiveApp) -> None:
    page = signed_in_page(browser, live_app)
    open_board(page, live_app, "map-saas-onboarding")
    card = page.locator("[data-step-id]").first
    step_id = card.get_attribute("data-step-id")
    assert step_id
    card.locator(
        ".step-name"
    ).click()  # the name: a click in the middle may land on the evidence badge
    panel = page.get_by_test_id("side-panel")
    name = panel.get_by_label("Name", exact=True)
    name.fill('Sign the order form "today" <b>now</b>')
    name.press("Enter")
    wait_saved(page)
    page.wait_for_function(
        "id => document.querySelector(`[data-step-id='${id}']`).innerText.includes('<b>now</b>')",
        arg=step_id,
    )
    named = 'Sign the order form "today" <b>now</b>'
    saved = settled_map(
        page, live_app, "map-saas-onboarding", lambda m: step_of(m, step_id)["name"] == named
    )
    assert step_of(saved, step_id)["name"] == named
    # Undo puts the old name back on the server too.
    page.get_by_role("button", name="Undo", exact=True).click()
    wait_saved(page)
    page.wait_for_function(
        "id => !document.querySelector(`[data-step-id='${id}']`).innerText.includes('<b>now</b>')",
        arg=step_id,
    )
    saved = settled_map(
        page,
        live_app,
        "map-saas-onboarding",
        lambda m: "<b>now</b>" not in step_of(m, step_id)["name"],
    )
    assert "<b>now</b>" not in step_of(saved, step_id)["name"]
    page.context.close()


def test_drag_a_sentiment_point(browser: Any, live_app: LiveApp) -> None:
    page = signed_in_page(browser, live_app)
    open_board(page, live_app, "map-mobile-app-lifecycle")
    point = page.locator("[data-sentiment-point]").nth(1)
    point.scroll_into_view_if_needed()
    step_id = point.get_attribute("data-sentiment-point")
    assert step_id
    before = float(point.get_attribute("aria-valuenow") or "nan")
    box = point.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # Drag down by a fair distance: the score falls, and the saved score follows.
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y + 25, steps=5)
    page.mouse.move(x, y + 60, steps=5)
    page.mouse.up()
    wait_saved(page)
    after = float(point.get_attribute("aria-valuenow") or "nan")
    assert after < before
    saved = settled_map(
        page,
        live_app,
        "map-mobile-app-lifecycle",
        lambda m: step_of(m, step_id)["emotion"] == after,
    )
    assert step_of(saved, step_id)["emotion"] == after
    # The keyboard moves it too.
    point.focus()
    page.keyboard.press("ArrowUp")
    wait_saved(page)
    assert float(point.get_attribute("aria-valuenow") or "nan") > after
    page.context.close()


def test_add_a_pain_point_and_an_opportunity(browser: Any, live_app: LiveApp) -> None:
    page = signed_in_page(browser, live_app)
    open_board(page, live_app, "map-post-sales-admin")
    card = page.locator("[data-step-id]").nth(2)
    step_id = card.get_attribute("data-step-id")
    card.locator(
        ".step-name"
    ).click()  # the name: a click in the middle may land on the evidence badge
    page.get_by_role("button", name="Add pain point", exact=True).click()
    panel = page.get_by_test_id("side-panel")
    panel.get_by_label("Name", exact=True).fill("Invoices arrive as <img src=x onerror=alert(1)>")
    panel.get_by_label("Name", exact=True).press("Enter")
    wait_saved(page)
    card.locator(
        ".step-name"
    ).click()  # the name: a click in the middle may land on the evidence badge
    page.get_by_role("button", name="Add opportunity", exact=True).click()
    panel.get_by_label("Name", exact=True).fill("Send invoices as e-invoices")
    panel.get_by_label("Name", exact=True).press("Enter")
    wait_saved(page)
    saved = settled_map(
        page,
        live_app,
        "map-post-sales-admin",
        lambda m: any(o["name"] == "Send invoices as e-invoices" for o in m["opportunities"]),
    )
    pains = [p for p in saved["pain_points"] if p["name"].startswith("Invoices arrive as")]
    assert len(pains) == 1 and pains[0]["step"] == step_id
    opportunities = [
        o for o in saved["opportunities"] if o["name"] == "Send invoices as e-invoices"
    ]
    assert len(opportunities) == 1
    # Both show on the board, the payload as text.
    assert page.locator(f"[data-pain-id='{pains[0]['id']}']").first.is_visible()
    assert page.locator(f"[data-opportunity-id='{opportunities[0]['id']}']").first.is_visible()
    assert page.locator("img[src='x']").count() == 0
    page.context.close()


def test_comment_on_a_step(browser: Any, live_app: LiveApp) -> None:
    page = signed_in_page(browser, live_app)
    open_board(page, live_app, "map-restaurant-visit")
    card = page.locator("[data-step-id]").first
    step_id = card.get_attribute("data-step-id")
    card.locator(
        ".step-name"
    ).click()  # the name: a click in the middle may land on the evidence badge
    page.get_by_role("button", name=re.compile("^Comments on step")).first.click()
    box = page.get_by_role("combobox", name=re.compile("^Write a comment on")).first  # @mentions
    box.fill("Is this step backed by the diary study?")
    page.get_by_role("button", name="Post comment").click()
    page.get_by_text("Is this step backed by the diary study?").first.wait_for()
    answer = page.request.get(
        f"{live_app.url}/api/workspaces/{live_app.workspace}/maps/map-restaurant-visit/comments"
    )
    comments = answer.json()
    rows = comments if isinstance(comments, list) else comments.get("comments", [])
    assert any(
        c["body"] == "Is this step backed by the diary study?" and c["target"] == step_id
        for c in rows
    ), (step_id, rows)
    page.context.close()


def test_map_settings_save_on_top_of_someone_elses_change(browser: Any, live_app: LiveApp) -> None:
    """The settings page saves through the board's document: a 409 is rebased, not lost."""
    page = signed_in_page(browser, live_app)
    map_url = f"{live_app.url}/api/workspaces/{live_app.workspace}/maps/map-day-in-the-life"
    page.goto(f"{live_app.url}/w/{live_app.workspace}/maps/map-day-in-the-life/settings")
    goal = page.get_by_label("Goal", exact=True)
    goal.fill("Get through the day without <i>surprises</i>")
    goal.press("Tab")
    page.locator(".save-indicator.save-saved").wait_for()
    assert saved_map(page, live_app, "map-day-in-the-life")["goal"] == (
        "Get through the day without <i>surprises</i>"
    )
    # Someone else changes the owner; this page still holds the revision before that.
    status = page.evaluate(
        """async ([url]) => {
            const state = await (await fetch(url)).json();
            const csrf = decodeURIComponent(document.cookie.match(/journeyline_csrf=([^;]+)/)[1]);
            const reply = await fetch(url, {
                method: "PATCH",
                headers: {"Content-Type": "application/json", "If-Match": `"${state.revision}"`, "X-CSRF-Token": csrf},
                body: JSON.stringify({owner: "Dana from support"}),
            });
            return reply.status;
        }""",
        [map_url],
    )
    assert status == 200
    timeframe = page.get_by_label("Timeframe", exact=True)
    timeframe.fill("A working day")
    timeframe.press("Tab")
    page.get_by_text("Someone else changed this map meanwhile").wait_for()
    page.locator(".save-indicator.save-saved").wait_for()
    saved = saved_map(page, live_app, "map-day-in-the-life")
    assert saved["owner"] == "Dana from support"
    assert saved["timeframe"] == "A working day"
    assert saved["goal"] == "Get through the day without <i>surprises</i>"
    # The page shows their change too.
    page.wait_for_function(
        "() => [...document.querySelectorAll('input')].some(i => i.value === 'Dana from support')"
    )
    page.context.close()
