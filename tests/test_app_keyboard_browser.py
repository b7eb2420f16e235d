"""The board with the keyboard only, in real Chromium: the skip link, the grid's roving
focus (one Tab stop, arrows between cards and cells, empty cells too), adding a touchpoint and
a thought in empty cells, creating a step and filling every field of its panel, Escape back to
the card, and the polite announcement of saves. What the board shows is checked against what
the server saved.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.app_browser_support import LiveApp, browser, live_app, signed_in_page

__all__ = ["browser", "live_app"]

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("app-browser")]

MAP = "map-saas-onboarding"

# What the focused element is called: its label, else its aria-label, else its text.
FOCUSED_NAME = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return "";
    const label = el.labels && el.labels.length ? el.labels[0].textContent : null;
    return (label || el.getAttribute("aria-label") || el.textContent || "").trim();
}"""


def focused_name(page: Any) -> str:
    return str(page.evaluate(FOCUSED_NAME))


def tab_to(page: Any, name: str | re.Pattern[str], *, most: int = 60, back: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element is called `name`."""
    seen = []
    for _ in range(most):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        now = focused_name(page)
        seen.append(now)
        if name.search(now) if isinstance(name, re.Pattern) else now == name:
            return
    raise AssertionError(f"Tab never reached {name!r}; it went through {seen}")


def arrow_to(page: Any, key: str, name: str | re.Pattern[str], *, most: int = 20) -> None:
    """Press an arrow key until the focused element is called `name`."""
    seen = []
    for _ in range(most):
        page.keyboard.press(key)
        now = focused_name(page)
        seen.append(now)
        if name.search(now) if isinstance(name, re.Pattern) else now == name:
            return
    raise AssertionError(f"{key} never reached {name!r}; it went through {seen}")


def type_and_leave(page: Any, text: str) -> None:
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def saved_map(page: Any, app: LiveApp) -> dict[str, Any]:
    answer = page.request.get(f"{app.url}/api/workspaces/{app.workspace}/maps/{MAP}")
    assert answer.ok, answer.text()
    return dict(answer.json()["map"])


def settled(page: Any, app: LiveApp, until: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """The saved map once `until` holds (a live map's REST copy follows within seconds)."""
    deadline = time.monotonic() + 20
    while True:
        current = saved_map(page, app)
        if until(current) or time.monotonic() > deadline:
            return current
        page.wait_for_timeout(250)


def step_named(saved: dict[str, Any], name: str) -> dict[str, Any] | None:
    for stage in saved["stages"]:
        for step in stage["steps"]:
            if step["name"] == name:
                return dict(step)
    return None


def focused_attr(page: Any, attr: str) -> str | None:
    return page.evaluate(f"() => document.activeElement?.getAttribute({attr!r}) ?? null")


def test_skip_link_and_one_tab_stop_for_the_grid(browser: Any, live_app: LiveApp) -> None:
    page = signed_in_page(browser, live_app)
    page.goto(f"{live_app.url}/w/{live_app.workspace}/maps/{MAP}")
    page.locator('[data-testid="board"][data-ready="true"]').wait_for()
    page.locator("body").focus()
    page.keyboard.press("Tab")
    assert focused_name(page) == "Skip to the map"
    page.keyboard.press("Enter")
    first = page.locator(".board-grid [data-step-id]").first.get_attribute("data-step-id")
    assert focused_attr(page, "data-step-id") == first
    # The grid is one stop of the Tab order: one element in it can be tabbed to.
    stops = page.evaluate(
        """() => [...document.querySelectorAll('.board-grid a[href], .board-grid button, .board-grid [tabindex]')]
            .filter((el) => el.tabIndex >= 0 && !el.matches('input, textarea, select')).length"""
    )
    assert stops == 1
    # → goes to the next card, ↓ into the lanes, ↑ back, ↑ to the stage header.
    page.keyboard.press("ArrowRight")
    second = focused_attr(page, "data-step-id")
    assert second and second != first
    page.keyboard.press("ArrowDown")
    assert focused_attr(page, "data-step-id") is None
    page.keyboard.press("ArrowUp")
    assert focused_attr(page, "data-step-id") == second
    page.keyboard.press("ArrowUp")
    assert focused_attr(page, "data-stage-id")
    page.keyboard.press("Control+Home")
    assert focused_attr(page, "data-stage-id")
    # Tab leaves the grid (for the zoom controls and then the panel), Shift+Tab comes back
    # to the card last focused.
    page.keyboard.press("ArrowDown")
    current = focused_attr(page, "data-step-id")
    page.keyboard.press("Tab")
    assert not page.evaluate("() => !!document.activeElement?.closest('.board-grid')")
    page.keyboard.press("Shift+Tab")
    assert focused_attr(page, "data-step-id") == current
    page.context.close()


def test_create_and_edit_a_step_with_the_keyboard_only(browser: Any, live_app: LiveApp) -> None:
    page = signed_in_page(browser, live_app)
    page.goto(f"{live_app.url}/w/{live_app.workspace}/maps/{MAP}")
    page.locator('[data-testid="board"][data-ready="true"]').wait_for()
    lanes = saved_map(page, live_app)["lanes"]
    assert "touchpoints" in lanes and "thinks" in lanes, lanes

    # Add a step from the toolbar, name it in place.
    page.locator("body").focus()
    tab_to(page, "+ Add step")
    page.keyboard.press("Enter")
    page.locator(".step-name-editor").wait_for()
    page.keyboard.type("Invite the team")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.activeElement?.getAttribute('aria-label')?.startsWith('Step ') "
        "&& document.activeElement.getAttribute('aria-label').includes('Invite the team')"
    )
    step_id = focused_attr(page, "data-step-id")
    assert step_id

    # An empty touchpoint cell under it: Enter adds one there; the focus comes back to it.
    arrow_to(page, "ArrowDown", re.compile(r"^Add touchpoints at .Invite the team"))
    page.keyboard.press("Enter")
    page.keyboard.type("Team settings page")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => (document.activeElement?.getAttribute('aria-label') || '').startsWith('Touchpoints at')"
    )
    assert "Team settings page" in focused_name(page)
    # A thought, the same way, further down.
    arrow_to(page, "ArrowDown", re.compile(r"^Add thinks at .Invite the team"))
    page.keyboard.press("Enter")
    page.keyboard.type("Will they get spammed?")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => (document.activeElement?.getAttribute('aria-label') || '').startsWith('Thinks at')"
    )
    saved = settled(
        page,
        live_app,
        lambda m: (
            (step_named(m, "Invite the team") or {}).get("thinks") == "Will they get spammed?"
        ),
    )
    step = step_named(saved, "Invite the team")
    assert step and step["touchpoint"] == "Team settings page"

    # Back up to the card, Enter opens its panel with the focus in it.
    arrow_to(page, "ArrowUp", re.compile(r"^Step \d+: Invite the team"))
    page.keyboard.press("Enter")
    panel = page.get_by_test_id("side-panel")
    panel.wait_for()
    page.wait_for_function("() => !!document.activeElement?.closest('.side-panel')")
    assert focused_name(page) == "Name"

    # Every field of the step, with Tab, typing, arrows and Space.
    type_and_leave(page, "Invite the whole team")
    tab_to(page, "Kind")
    page.keyboard.press("ArrowDown")  # action → question
    page.keyboard.press("ArrowDown")  # → decision
    tab_to(page, "Zone")
    tab_to(page, "Description")
    type_and_leave(page, "Admins add their colleagues by e-mail.")
    tab_to(page, "Touchpoint")
    type_and_leave(page, "Team settings")
    tab_to(page, "Channel")
    type_and_leave(page, "Email")
    tab_to(page, "Does")
    type_and_leave(page, "Types in addresses")
    tab_to(page, "Thinks")
    type_and_leave(page, "Hope this is quick")
    tab_to(page, "Feels")
    type_and_leave(page, "Hopeful")
    tab_to(page, re.compile(r"^Emotion score"))
    type_and_leave(page, "2")
    tab_to(page, re.compile(r"^Moment of truth"))
    page.keyboard.press("Space")
    tab_to(page, "+ Add path")
    page.keyboard.press("Enter")
    tab_to(page, "Path 1")
    type_and_leave(page, "Invites sent")
    tab_to(page, "Actors and teams")
    type_and_leave(page, "Admin, Billing")
    tab_to(page, "+ Add metric")
    page.keyboard.press("Enter")
    tab_to(page, "Metric")
    type_and_leave(page, "Invite rate")
    tab_to(page, "Value")
    type_and_leave(page, "42")
    tab_to(page, "Unit")
    type_and_leave(page, "%")
    tab_to(page, "Target")
    type_and_leave(page, "60")
    tab_to(page, "Notes")
    type_and_leave(page, "Ask about SSO")
    tab_to(page, "Image address")
    type_and_leave(page, "https://example.org/invite.png")
    page.keyboard.press("Enter")

    saved = settled(
        page,
        live_app,
        lambda m: (
            (step_named(m, "Invite the whole team") or {}).get("image")
            == "https://example.org/invite.png"
        ),
    )
    step = step_named(saved, "Invite the whole team")
    assert step, saved
    assert step["id"] == step_id
    assert step["kind"] == "decision"
    assert step["description"] == "Admins add their colleagues by e-mail."
    assert step["touchpoint"] == "Team settings"
    assert step["channel"] == "email"
    assert (step["does"], step["thinks"], step["feels"]) == (
        "Types in addresses",
        "Hope this is quick",
        "Hopeful",
    )
    assert step["emotion"] == 2
    assert step["moment_of_truth"] is True
    assert step["branches"] == [{"label": "Invites sent", "to": None}]
    assert step["actors"] == ["Admin", "Billing"]
    assert [(m["name"], m["value"], m["unit"], m["target"]) for m in step["metrics"]] == [
        ("Invite rate", 42, "%", 60)
    ]
    assert step["notes"] == "Ask about SSO"

    # The saves were announced politely, once they settled.
    page.wait_for_function(
        "() => document.querySelector('[data-testid=board-announcer]')?.textContent.startsWith('Saved')"
    )
    assert page.get_by_test_id("board-announcer").get_attribute("aria-live") == "polite"

    # Escape closes the panel and gives the focus back to the card, not to the page.
    page.keyboard.press("Escape")
    panel.wait_for(state="detached")
    assert focused_attr(page, "data-step-id") == step_id
    page.context.close()


def test_others_changes_are_announced_politely(browser: Any, live_app: LiveApp) -> None:
    watcher = signed_in_page(browser, live_app)
    watcher.goto(f"{live_app.url}/w/{live_app.workspace}/maps/{MAP}")
    watcher.locator('[data-testid="board"][data-live="true"][data-ready="true"]').wait_for()
    editor = signed_in_page(browser, live_app)
    editor.goto(f"{live_app.url}/w/{live_app.workspace}/maps/{MAP}")
    editor.locator('[data-testid="board"][data-live="true"][data-ready="true"]').wait_for()
    card = editor.locator(".board-grid [data-step-id]").first
    card.locator(
        ".step-name"
    ).click()  # the name: a click in the middle may land on the evidence badge
    name = editor.get_by_test_id("side-panel").get_by_label("Name", exact=True)
    name.fill("Renamed by a colleague")
    name.press("Enter")
    # The watcher's board shows it, and its live region says so once (not per keystroke).
    step_id = card.get_attribute("data-step-id")
    watcher.locator(f'[data-step-id="{step_id}"]', has_text="Renamed by a colleague").wait_for()
    watcher.wait_for_function(
        "() => document.querySelector('[data-testid=board-announcer]')"
        "?.textContent.startsWith('The map was changed by')"
    )
    said = watcher.get_by_test_id("board-announcer").text_content() or ""
    assert "Owner" in said or "others" in said, said
    editor.context.close()
    watcher.context.close()
