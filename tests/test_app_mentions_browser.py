"""A mention in real Chromium: the owner writes "@Mi…" in a step's comment box, picks Mira
from the list, posts; Mira's bell counts it, its link opens the step's comments, and the
local SMTP server (aiosmtpd) receives her e-mail (issue 13 part 6)."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from journeyline.store import accounts, members
from journeyline.store.bootstrap import first_run
from journeyline.store.database import Database, open_database
from journeyline.web import Settings, create_app
from tests.app_browser_support import LiveApp, _free_port, browser, signed_in_page
from tests.test_notifications_email import Inbox

__all__ = ["browser"]

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("app-browser")]

MAP = "map-saas-trial"


@dataclass
class MailApp:
    live: LiveApp
    inbox: Inbox


@pytest.fixture(scope="module")
def mail_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MailApp]:
    """The web app (demo workspace) sending e-mail to an aiosmtpd server on this machine."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    smtp_port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    data_dir: Path = tmp_path_factory.mktemp("journeyline-data")
    port = _free_port()
    settings = Settings(
        data_dir=str(data_dir),
        port=port,
        secure_cookies=False,
        smtp_host="127.0.0.1",
        smtp_port=smtp_port,
        smtp_tls="none",
    )
    db: Database = open_database(settings.resolved_database_url)
    done = first_run(db, link_lifetime=dt.timedelta(hours=1))
    assert done.workspace_id is not None
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, database=db), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        live = LiveApp(f"http://127.0.0.1:{port}", db, done.workspace_id, done.owner_email)
        yield MailApp(live, inbox)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        controller.stop()
        db.close()


def invite(live: LiveApp, email: str, name: str, role: str) -> str:
    """Add a member; the one-time sign-in link of the new account."""
    with live.db.reading() as session:
        owner = accounts.find_account(session, live.owner_email)
        assert owner is not None
        actor = accounts.actor_of(owner)
    invitation = members.add_member(live.db, actor, live.workspace, email, role, name=name)
    assert invitation.sign_in_token
    return f"{live.url}/signin/{invitation.sign_in_token}"


def test_a_mention_reaches_the_other_members_bell_and_inbox(
    browser: Any, mail_app: MailApp
) -> None:
    live = mail_app.live
    link = invite(live, "mira@example.org", "Mira Stone", "commenter")
    mira = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    mira.set_default_timeout(15_000)
    mira.goto(link)
    mira.get_by_role("button", name="Sign in").click()
    mira.wait_for_url(f"{live.url}/w/**")
    bell = mira.get_by_test_id("bell")
    assert bell.get_attribute("data-unread") == "0"

    owner = signed_in_page(browser, live)
    owner.goto(f"{live.url}/w/{live.workspace}/maps/{MAP}")
    owner.locator('[data-testid="board"][data-ready="true"]').wait_for()
    step = owner.request.get(f"{live.url}/api/workspaces/{live.workspace}/maps/{MAP}").json()[
        "map"
    ]["stages"][0]["steps"][0]
    owner.get_by_role("button", name=re.compile(r"^Comments on step")).first.click()
    box = owner.get_by_role("combobox", name=re.compile(r"^Write a comment on"))
    box.click()
    box.press_sequentially("Can you check this, @Mi")
    option = owner.get_by_role("option", name=re.compile("Mira Stone"))
    option.wait_for()
    box.press("Enter")
    assert box.input_value() == "Can you check this, @Mira Stone "
    box.press_sequentially("<b>today</b>?")
    box.press("Control+Enter")
    owner.get_by_text("Mira Stone was notified").wait_for()
    owner.locator(".comment-body .mention", has_text="@Mira Stone").first.wait_for()

    # Mira's bell, read again when her tab comes back to the front.
    mira.evaluate("window.dispatchEvent(new Event('focus'))")
    mira.locator('[data-testid="bell"][data-unread="1"]').wait_for()
    assert bell.get_attribute("aria-label") == "Notifications: 1 unread"
    bell.click()
    item = mira.get_by_role("link", name=re.compile("mentioned you on step"))
    assert "<b>today</b>?" in item.inner_text()  # text, never markup
    item.click()
    mira.wait_for_url(re.compile(rf"/maps/{MAP}\?comment=.+&element={step['id']}"))
    mira.locator(".b-thread").get_by_text("Can you check this").wait_for()
    mira.locator('[data-testid="bell"][data-unread="0"]').wait_for()

    [message] = mail_app.inbox.wait_for(1)
    assert message["To"] == "Mira Stone <mira@example.org>"
    assert f"step '{step['name']}'" in message["Subject"]
    owner.context.close()
    mira.context.close()


def test_an_editor_copies_a_share_link_again_with_its_embed_code(
    browser: Any, mail_app: MailApp
) -> None:
    live = mail_app.live
    page = signed_in_page(browser, live)
    page.goto(f"{live.url}/w/{live.workspace}/maps/{MAP}")
    page.locator('[data-testid="board"][data-ready="true"]').wait_for()
    page.get_by_role("button", name="Share", exact=True).click()
    page.get_by_label("Label (optional)").fill("Wiki page")
    page.get_by_label("Sites that may embed it (optional)").fill("https://wiki.example.org")
    page.get_by_role("button", name="Create share link").click()
    first = page.get_by_role("textbox", name="Share link").input_value()
    page.keyboard.press("Escape")  # closed without copying: the link is not lost

    page.get_by_role("button", name="Share", exact=True).click()
    page.get_by_role("button", name="Copy Wiki page").click()
    assert page.get_by_role("textbox", name="Share link").input_value() == first
    embed = page.get_by_role("textbox", name="Embed code").input_value()
    assert embed.startswith(f'<iframe src="{first}?embed=1" title="Journey map: Wiki page"')
    page.context.close()

    # The embedded page: the map alone, allowed in the wiki's frames only.
    stranger = browser.new_context()
    view = stranger.new_page()
    response = view.goto(f"{first}?embed=1")
    assert response is not None
    assert "frame-ancestors https://wiki.example.org" in response.headers["content-security-policy"]
    assert "x-frame-options" not in response.headers
    view.get_by_role("link", name="Open in Journeyline").wait_for()
    assert view.locator(".shared-top").count() == 0
    stranger.close()
