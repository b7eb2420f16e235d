"""A live Journeyline server and a real Chromium for the web app's browser tests.

The server runs in this process on a free loopback port (Uvicorn in a thread) on a fresh
SQLite data dir, set up as `make run` sets it up: the owner account and the demo
workspace from the templates. Pages are driven with Playwright and Debian's Chromium.
"""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from journeyline.store.bootstrap import first_run
from journeyline.store.database import Database, open_database
from journeyline.web import Settings, create_app
from tests.conftest import require

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class LiveApp:
    """A running server: its base URL, database and the demo workspace's id."""

    url: str
    db: Database
    workspace: str
    owner_email: str

    def sign_in_link(self) -> str:
        """A fresh one-time sign-in link for the owner."""
        done = first_run(self.db, link_lifetime=dt.timedelta(hours=1))
        return f"{self.url}/signin/{done.sign_in_token}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    """The web app on 127.0.0.1 with the demo workspace, for one test module."""
    data_dir = tmp_path_factory.mktemp("journeyline-data")
    port = _free_port()
    settings = Settings(data_dir=str(data_dir), port=port, secure_cookies=False)
    db = open_database(settings.resolved_database_url)
    done = first_run(db, link_lifetime=dt.timedelta(hours=1))
    assert done.workspace_id is not None
    app = create_app(settings, database=db)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield LiveApp(f"http://127.0.0.1:{port}", db, done.workspace_id, done.owner_email)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        db.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium through Playwright (never a downloaded browser)."""
    require(CHROMIUM.exists(), "needs Debian's chromium (scripts/system-deps.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def signed_in_page(browser: Any, live_app: LiveApp, *, width: int = 1440, height: int = 900) -> Any:
    """A new browser context signed in as the owner through a one-time link, on the start page."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, accept_downloads=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(live_app.sign_in_link())
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_app.url}/w/**")
    return page


def visit(page: Any, app: LiveApp, path: str, ready: str) -> None:
    """Open a workspace page and wait for it to settle (lists load after the frame)."""
    page.goto(f"{app.url}/w/{app.workspace}{path}")
    page.locator(ready).first.wait_for()
    page.wait_for_load_state("networkidle")


def wait_until_served(
    page: Any, url: str, check: Callable[[Any], bool], what: str, *, seconds: float = 15.0
) -> Any:
    """Read `url` (JSON, as the signed-in page) until `check` holds; its last answer.

    Not `page.wait_for_function` with a fetch: an async predicate's promise is truthy, so
    Playwright returns at its first answer, true or false (that let a test leave a page
    with its save still on the way).
    """
    deadline = time.monotonic() + seconds
    while True:
        body = page.request.get(url).json()
        if check(body):
            return body
        if time.monotonic() > deadline:
            raise AssertionError(f"the server never had {what} ({seconds:g} s)")
        page.wait_for_timeout(100)
