"""Nothing clipped or overlapping at 1024x768, in real Chromium (issue 13).

The same check scripts/screenshots.py runs on every page (tests/layout_support.py) runs
here on the pages a researcher lives in, at the smallest window the app is made for: the
map list, the board (plain, with a step's panel open, and a multi-persona map), a blank
map's board, the map's settings and history, the persona editor, the workspace settings
and the event data page.
A first test shows the check itself finds each kind of defect on a page made to have them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.app_browser_support import LiveApp, browser, live_app, signed_in_page, visit
from tests.axe_support import axe_violations
from tests.layout_support import assert_layout_clean, layout_findings

__all__ = ["browser", "live_app"]

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("app-browser")]

MAP = "map-saas-trial"
BOARD_READY = '[data-testid="board"][data-ready="true"]'

DEFECTS = """<!doctype html><html><head><style>
  body { margin: 0; font: 16px sans-serif; }
  .bar { display: flex; gap: 8px; width: 300px; }
  .title { width: 120px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .pill { display: inline-block; width: 30px; }
  .wide { width: 1400px; height: 10px; background: #ccc; }
  .over { position: relative; top: -30px; left: 10px; }
  .fine { width: 200px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .scroller { width: 300px; overflow-x: auto; }
  .scroller div { width: 2000px; }
  .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
</style></head><body>
  <h1 class="title">A map title far too long for its box</h1>
  <button class="pill">0 votes</button>
  <p>Nothing here yet</p>
  <button class="over">+ Stage</button>
  <div class="wide"></div>
  <h2 class="fine">Fits</h2>
  <div class="scroller"><div><button>inside a scroller</button></div></div>
  <span class="sr">For screen readers: a long sentence cut to one pixel on purpose</span>
</body></html>"""


@pytest.fixture(scope="module")
def page(browser: Any, live_app: LiveApp) -> Iterator[Any]:
    """One signed-in tab at 1024x768 for the whole module."""
    tab = signed_in_page(browser, live_app, width=1024, height=768)
    yield tab
    tab.context.close()


def test_the_check_finds_each_kind_of_defect(browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    try:
        made = context.new_page()
        made.set_content(DEFECTS)
        found = layout_findings(made)
    finally:
        context.close()
    kinds = {(f["kind"], f["where"].split(" ", 1)[0]) for f in found}
    assert ("clipped-text", "h1.title") in kinds, found
    assert ("wrapped-label", "button.pill") in kinds, found
    assert ("page-overflow", "html") in kinds, found
    assert ("offscreen", "div.wide") in kinds, found
    assert any(f["kind"] == "overlap" and "+ Stage" in f["where"] + f["detail"] for f in found)
    # What fits, what a scroller holds and what is hidden for screen readers is left alone.
    assert not [f for f in found if "Fits" in f["where"]], found
    assert not [f for f in found if "scroller" in f["where"] + f["detail"]], found
    assert not [f for f in found if "screen readers" in f["where"]], found


@pytest.mark.parametrize(
    ("path", "ready", "where"),
    [
        ("", 'a:has-text("Evaluating Loomdesk in a 14-day trial")', "the map list"),
        (f"/maps/{MAP}", BOARD_READY, "the board"),
        (f"/maps/{MAP}/settings", "main h1", "the map settings"),
        (f"/maps/{MAP}/history", "main h1", "the map history"),
        ("/settings", "main h1", "the workspace settings"),
        ("/events", "main h1", "the event data page"),
    ],
)
def test_pages_at_1024(page: Any, live_app: LiveApp, path: str, ready: str, where: str) -> None:
    visit(page, live_app, path, ready)
    assert_layout_clean(page, where=f"{where} at 1024x768")


def test_board_with_a_step_panel_at_1024(page: Any, live_app: LiveApp) -> None:
    visit(page, live_app, f"/maps/{MAP}", BOARD_READY)
    page.locator(".board-grid [data-step-id]").first.locator(".step-name").click()
    page.get_by_test_id("side-panel").wait_for()
    assert_layout_clean(page, where="the board with a step's panel at 1024x768")


def test_blank_map_and_persona_editor_at_1024(page: Any, live_app: LiveApp) -> None:
    api = f"{live_app.url}/api/workspaces/{live_app.workspace}"
    personas = page.request.get(f"{api}/personas").json()
    rows = personas if isinstance(personas, list) else personas.get("items", [])
    visit(page, live_app, f"/personas/{rows[0]['id']}", "main input")
    assert_layout_clean(page, where="the persona editor at 1024x768")
    created = page.evaluate(
        """async (url) => {
            const m = document.cookie.match(/(?:^|;\\s*)journeyline_csrf=([^;]+)/);
            const r = await fetch(url, {
                method: "POST",
                headers: { "Content-Type": "application/json",
                           "X-CSRF-Token": m ? decodeURIComponent(m[1]) : "" },
                body: JSON.stringify({ name: "A blank map", personas: [] }),
            });
            return { status: r.status, body: await r.json() };
        }""",
        f"{api}/maps",
    )
    assert created["status"] == 201, created
    visit(page, live_app, f"/maps/{created['body']['id']}", BOARD_READY)
    assert_layout_clean(page, where="a blank map's board at 1024x768")


LINES = """row => {
  const tops = [];
  for (const el of row.querySelectorAll(':scope > *, .board-personas > li')) {
    if (el.matches('.board-personas')) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) continue;
    if (!tops.some(t => Math.abs(t - r.top) < 8)) tops.push(r.top);
  }
  return tops.length;
}"""


def test_multi_persona_board_at_1024(page: Any, live_app: LiveApp) -> None:
    """Every persona's chip says whose sentiment line it is (the name it goes by, its line's
    sample, the whole name for screen readers), nothing cut; the map's name, its personas
    and its actions take at most two lines of the toolbar (they took three)."""
    maps = page.request.get(f"{live_app.url}/api/workspaces/{live_app.workspace}/maps").json()
    rows = maps if isinstance(maps, list) else maps.get("items", [])
    multi = [m for m in rows if len(m.get("personas", [])) > 1]
    assert multi, "the demo workspace has a multi-persona map"
    visit(page, live_app, f"/maps/{multi[0]['id']}", BOARD_READY)
    chips = page.locator(".board-personas .persona-chip")
    assert chips.count() > 1
    people = page.request.get(f"{live_app.url}/api/workspaces/{live_app.workspace}").json()
    names = {p["id"]: p["name"] for p in people["workspace"]["personas"]}
    for i, persona in enumerate(multi[0]["personas"]):
        pid = persona if isinstance(persona, str) else persona["id"]
        chip = chips.nth(i)
        assert chip.locator(".line-sample").count() == 1
        # the whole name is read out; what shows is where it starts
        label = chip.locator(".persona-chip-name")
        assert label.evaluate("el => el.textContent.trim()") == names[pid]
        rest = label.locator(".persona-chip-rest")
        if rest.count():  # " the Finance Director": for screen readers only, at this size
            box = rest.bounding_box()
            assert box is not None and box["width"] <= 1, box
    first_row = page.locator(".board-toolbar .toolbar-row").first
    assert first_row.evaluate(LINES) <= 2
    assert_layout_clean(page, where="a multi-persona board at 1024x768")
    # what a chip shows is part of its name (axe's label-content-name-mismatch, any impact)
    assert not axe_violations(page, include=".board-personas"), "the chips' names"
