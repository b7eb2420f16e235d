"""One truth for votes, in real Chromium: after a dot vote on the board, the board, the share
page and the presentation's "whole journey" slide show the same total (issue 13 part 1: the
share view and the presentation showed only the votes written in the map)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.app_browser_support import LiveApp, browser, live_app, signed_in_page

__all__ = ["browser", "live_app"]

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("app-browser")]

MAP = "map-saas-trial"


def shown_votes(card: Any) -> int:
    """The vote total an opportunity card shows ('○ 9 votes', '▲ 1 vote')."""
    text = card.locator(".opp-meta").inner_text()
    found = re.search(r"(\d+) votes?", text)
    assert found, text
    return int(found.group(1))


def test_vote_total_is_the_same_on_board_share_page_and_presentation(
    browser: Any, live_app: LiveApp
) -> None:
    page = signed_in_page(browser, live_app)
    api = f"{live_app.url}/api/workspaces/{live_app.workspace}/maps/{MAP}"
    document = page.request.get(api).json()["map"]
    opportunity = document["opportunities"][0]
    written = int(opportunity["votes"])

    page.goto(f"{live_app.url}/w/{live_app.workspace}/maps/{MAP}")
    page.locator('[data-testid="board"][data-ready="true"]').wait_for()
    card = page.locator(f'[data-opportunity-id="{opportunity["id"]}"]').first
    card.scroll_into_view_if_needed()
    card.get_by_role("button", name=re.compile(r"^Vote for opportunity")).click()
    card.get_by_role("button", name=re.compile(r"^Remove your vote")).wait_for()
    page.wait_for_function(
        '([id, n]) => document.querySelector(`[data-opportunity-id="${id}"] .opp-meta`)'
        "?.textContent.includes(`${n} vote`)",
        arg=[opportunity["id"], written + 1],
    )
    on_board = shown_votes(card)
    assert on_board == written + 1
    # The server says the same: the map read's tallies, and the document keeps what was written.
    read = page.request.get(api).json()
    assert read["tallies"]["votes"][opportunity["id"]]["total"] == on_board
    assert read["map"]["opportunities"][0]["votes"] == written

    page.get_by_role("button", name="Share", exact=True).click()
    page.get_by_role("button", name="Create share link").click()
    link = page.get_by_role("textbox", name="Share link").input_value()
    page.keyboard.press("Escape")

    page.goto(f"{live_app.url}/w/{live_app.workspace}/maps/{MAP}/present")
    page.get_by_role("heading", name=document["name"]).first.wait_for()
    page.keyboard.press("ArrowRight")
    page.get_by_text("The whole journey").first.wait_for()
    slide = page.locator(f'[data-opportunity-id="{opportunity["id"]}"]').first
    slide.wait_for()
    assert shown_votes(slide) == on_board
    page.context.close()

    stranger = browser.new_context()
    view = stranger.new_page()
    view.goto(link)
    shared = view.locator(f'[data-opportunity-id="{opportunity["id"]}"]').first
    shared.wait_for()
    assert shown_votes(shared) == on_board
    stranger.close()
