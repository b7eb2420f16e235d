"""The live map outside the board, in real Chromium: an edit on the board shows on an open
share page and an open presentation within a second, without a reload; and an edit the
board called "Saved" survives kill -9 of the `journeyline serve` process."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import httpx
import pytest

from journeyline.store import accounts, sharing
from journeyline.store.bootstrap import first_run
from journeyline.store.database import open_database, sqlite_url
from tests.app_browser_support import LiveApp, browser, live_app, signed_in_page
from tests.live_client import free_port
from tests.test_live_board import first_step, open_live, rename_in_panel, wait_saved
from tests.test_live_durability import server

__all__ = ["browser", "live_app"]

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("live-watch")]

MAP = "map-saas-trial"


def owner_actor(app: LiveApp) -> Any:
    with app.db.reading() as session:
        account = accounts.find_account(session, app.owner_email)
        assert account is not None
        return accounts.actor_of(account)


def shows(page: Any, step_id: str, words: str, within_ms: float) -> None:
    """Wait (at most `within_ms`) until the step's card on `page` shows `words`."""
    page.wait_for_function(
        "([id, words]) => [...document.querySelectorAll(`[data-step-id='${id}']`)]"
        ".some((card) => card.innerText.includes(words))",
        arg=[step_id, words],
        timeout=within_ms,
    )


WATCH_FOR = """([id, words]) => {
  const shown = () => [...document.querySelectorAll(`[data-step-id='${id}']`)]
    .some((card) => card.innerText.includes(words));
  const observer = new MutationObserver(() => {
    if (shown()) { window.__shownAt = Date.now(); observer.disconnect(); }
  });
  observer.observe(document.body, { subtree: true, childList: true, characterData: true });
}"""


def test_the_share_page_and_the_presentation_follow_the_board(
    browser: Any, live_app: LiveApp
) -> None:
    board = signed_in_page(browser, live_app)
    open_live(board, live_app, MAP)
    step_id = first_step(board)
    _, token = sharing.create_share_link(
        live_app.db,
        owner_actor(live_app),
        live_app.workspace,
        MAP,
        label="wall screen",
        key=b"tests: the key a link's token is derived from",
    )
    stranger = browser.new_context(viewport={"width": 1440, "height": 900})
    shared = stranger.new_page()
    shared.goto(f"{live_app.url}/s/{token}")
    shared.get_by_test_id("read-only-map").wait_for()
    # Its own window: a background tab's timers are throttled (the board's would be too).
    present = signed_in_page(browser, live_app)
    present.goto(f"{live_app.url}/w/{live_app.workspace}/maps/{MAP}/present")
    present.get_by_role("button", name="Slide 2: The whole journey").click()
    present.locator(f"[data-step-id='{step_id}']").first.wait_for()
    try:
        # A first edit warms every page's live connection up; the second must be quick.
        rename_in_panel(board, step_id, "Searches for a trial")
        for page in (shared, present):
            shows(page, step_id, "for a trial", 15_000)
        # Each page notes when it first shows the new name (one clock: one machine), so the
        # test's own round trips under load are not counted.
        for page in (shared, present):
            page.evaluate(WATCH_FOR, [step_id, "Finds the trial page"])
        card = board.locator(f'[data-step-id="{step_id}"]')
        card.click()
        field = board.get_by_test_id("side-panel").get_by_label("Name", exact=True)
        field.fill("Finds the trial page")
        sent_at = board.evaluate("() => Date.now()")
        field.press("Enter")
        for page in (shared, present):
            page.wait_for_function("() => window.__shownAt !== undefined", timeout=15_000)
            late = page.evaluate("() => window.__shownAt") - sent_at
            assert late < 1000, f"{page.url} showed the edit {late} ms after it was made"
        # Neither reloaded: the presentation is still on its slide.
        slide = present.get_by_role("button", name="Slide 2: The whole journey")
        assert slide.get_attribute("aria-current") == "step"
        assert present.url.endswith("/present")
    finally:
        stranger.close()
        present.context.close()
        board.context.close()


def test_an_edit_saved_on_the_board_survives_kill_9_of_the_server(
    browser: Any, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    db = open_database(sqlite_url(data))
    done = first_run(db)
    assert done.workspace_id is not None
    with db.reading() as session:
        owner = accounts.find_account(session, done.owner_email)
        assert owner is not None
        actor = accounts.actor_of(owner)
    _, api_token = accounts.create_api_token(db, actor, "tests")
    db.close()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    rest = f"{url}/api/workspaces/{done.workspace_id}/maps/{MAP}"

    with server(data, port) as process:
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        context.set_default_timeout(30_000)
        page = context.new_page()
        page.goto(f"{url}/signin/{done.sign_in_token}")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{url}/w/**")
        page.goto(f"{url}/w/{done.workspace_id}/maps/{MAP}")
        page.locator('[data-testid="board"][data-ready="true"][data-live="true"]').wait_for()
        step_id = first_step(page)
        rename_in_panel(page, step_id, "Kept through a crash")
        wait_saved(page)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        context.close()  # nothing of the edit is left in this browser to send again

    with server(data, port):
        headers = {"Authorization": f"Bearer {api_token}"}
        stored = httpx.get(rest, headers=headers, timeout=30).json()["map"]
        names = {s["id"]: s["name"] for stage in stored["stages"] for s in stage["steps"]}
        assert names[step_id] == "Kept through a crash"
        # A fresh browser (no copy kept on its device) opens the board with the edit.
        fresh = browser.new_context(viewport={"width": 1440, "height": 900})
        fresh.set_default_timeout(30_000)
        again = fresh.new_page()
        db = open_database(sqlite_url(data))
        link = first_run(db).sign_in_token
        db.close()
        again.goto(f"{url}/signin/{link}")
        again.get_by_role("button", name="Sign in").click()
        again.wait_for_url(f"{url}/w/**")
        again.goto(f"{url}/w/{done.workspace_id}/maps/{MAP}")
        again.locator('[data-testid="board"][data-ready="true"][data-live="true"]').wait_for()
        shows(again, step_id, "Kept through a crash", 15_000)
        fresh.close()
