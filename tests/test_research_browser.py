"""The research repository in real Chromium: upload interview notes, highlight a passage into
a quote, link it to a pain point from the board's "Add evidence" and see the count; upload
a survey export, confirm its mapping and see the scores with n and interval."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.app_browser_support import LiveApp, browser, live_app, signed_in_page

__all__ = ["browser", "live_app"]

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("app-browser")]

MAP = "map-saas-trial"
FIXTURES = Path(__file__).parent / "fixtures"
PASSAGE = "could not find where to change the plan"

SELECT = """([box, passage]) => {
  const root = document.querySelector(box);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const at = node.textContent.indexOf(passage);
    if (at >= 0) {
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + passage.length);
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      root.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
      return true;
    }
  }
  return false;
}"""


def test_highlight_a_quote_and_link_it_from_the_board(browser: Any, live_app: LiveApp) -> None:
    page = signed_in_page(browser, live_app)
    base = f"{live_app.url}/w/{live_app.workspace}"
    page.goto(f"{base}/research")
    page.get_by_label("Research file").set_input_files(str(FIXTURES / "research" / "notes.md"))
    page.get_by_role("button", name="Upload").click()
    page.get_by_role("heading", name="notes.md").wait_for()
    page.locator('[data-testid="source-text"]').wait_for()
    assert page.evaluate(SELECT, ['[data-testid="source-text"]', PASSAGE])
    form = page.get_by_role("form", name="New quote")
    form.get_by_label("Tags of the new quote").fill("billing, navigation")
    form.get_by_role("button", name="Save quote").click()
    page.get_by_role("heading", name="1 quote").wait_for()
    assert page.locator(".r-text mark").text_content() == PASSAGE

    journey = page.request.get(
        f"{live_app.url}/api/workspaces/{live_app.workspace}/maps/{MAP}"
    ).json()["map"]
    evidenced = {link for e in journey["evidence"] for link in e["links"]}
    pain = next(p for p in journey["pain_points"] if p["id"] not in evidenced)
    page.goto(f"{base}/maps/{MAP}")
    page.locator('[data-testid="board"][data-ready="true"]').wait_for()
    card = page.locator(f'[data-pain-id="{pain["id"]}"]')
    card.get_by_role("button", name="Add evidence for").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Search the repository").fill("change plan")
    dialog.get_by_role("button", name=f"Link quote: {PASSAGE}").click()
    dialog.get_by_text("Rests on 1 piece of evidence").wait_for()
    dialog.get_by_role("button", name="Close").click()
    badge = card.locator("[data-evidence-count]")
    badge.wait_for()
    assert badge.get_attribute("data-evidence-count") == "1"
    assert "1 quote" in (badge.get_attribute("title") or "")
    assert card.get_by_role("button", name="Add evidence for").count() == 0
    # the repository shows where the quote is evidence
    page.goto(f"{base}/research?tag=billing")
    page.get_by_role("list", name="Evidence for").get_by_text(pain["id"]).wait_for()
    page.context.close()


def test_upload_a_survey_and_see_the_scores(browser: Any, live_app: LiveApp) -> None:
    page = signed_in_page(browser, live_app)
    page.goto(f"{live_app.url}/w/{live_app.workspace}/research")
    page.get_by_label("Research file").set_input_files(str(FIXTURES / "feedback" / "plain.csv"))
    page.get_by_role("button", name="Upload").click()
    page.get_by_role("heading", name="plain.csv").wait_for()
    page.get_by_label("Kind of ces").wait_for()
    assert page.get_by_label("Kind of nps").input_value() == "nps"
    page.get_by_role("button", name="Confirm mapping and score").click()
    page.get_by_text("Mapping confirmed.").wait_for()
    nps = page.locator('[data-testid="score-nps"]')
    # 12 answers: 7 promoters, 3 detractors → +33.3 points, with its 95 % interval
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"score-nps\"]').textContent.includes('n = 12')"
    )
    text = nps.text_content() or ""
    assert text.startswith("33.3 points (95 %") and "n = 12" in text
    assert "n = 12" in (page.locator('[data-testid="score-csat"]').text_content() or "")
    page.context.close()
