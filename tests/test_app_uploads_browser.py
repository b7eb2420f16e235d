"""Uploads in real Chromium (issue 13 part 5): an avatar in the persona editor and a step's
picture in the panel, seen on the board; a refused file said in words; evidence from a file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.app_browser_support import (
    LiveApp,
    browser,
    live_app,
    signed_in_page,
    wait_until_served,
)
from tests.files_support import HTML, pdf, png

__all__ = ["browser", "live_app"]

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("app-browser")]

MAP = "map-ecommerce-purchase"


def _csrf(page: Any) -> str:
    return str(next(c["value"] for c in page.context.cookies() if c["name"] == "journeyline_csrf"))


def _loaded(image: Any) -> bool:
    return bool(image.evaluate("img => img.complete && img.naturalWidth > 0"))


def test_upload_an_avatar_and_a_step_picture_and_see_them_on_the_board(
    browser: Any, live_app: LiveApp, tmp_path: Path
) -> None:
    page = signed_in_page(browser, live_app)
    ws_api = f"{live_app.url}/api/workspaces/{live_app.workspace}"
    api = f"{ws_api}/maps/{MAP}"
    state = page.request.get(api).json()
    journey = state["map"]
    persona = journey["personas"][0]
    step = journey["stages"][0]["steps"][0]
    if "images" not in journey["lanes"]:
        changed = page.request.patch(
            api,
            data={"lanes": [*journey["lanes"], "images"]},
            headers={"If-Match": f'"{state["revision"]}"', "X-CSRF-Token": _csrf(page)},
        )
        assert changed.ok, changed.text()
    face = tmp_path / "face.png"
    face.write_bytes(png(40, 40, (30, 120, 200)))
    fake = tmp_path / "sneaky.png"
    fake.write_bytes(HTML)
    picture = tmp_path / "checkout.png"
    picture.write_bytes(png(64, 36, (220, 120, 20)))

    # The persona editor: a refused file first, then the avatar.
    page.goto(f"{live_app.url}/w/{live_app.workspace}/personas/{persona}")
    drop = page.get_by_test_id("avatar-upload")
    drop.locator("input[type=file]").set_input_files(str(fake))
    alert = drop.get_by_role("alert")
    alert.wait_for()
    assert "HTML or XML markup" in alert.inner_text() and "sneaky.png" in alert.inner_text()
    drop.locator("input[type=file]").set_input_files(str(face))
    wait_until_served(
        page,
        ws_api,
        lambda w: any(
            p["id"] == persona and "/files/f_" in (p.get("avatar") or "")
            for p in w["workspace"]["personas"]
        ),
        "the uploaded avatar",
    )
    avatar = page.locator(".factsheet-head .avatar img")
    avatar.wait_for()
    assert "/files/f_" in (avatar.get_attribute("src") or "")
    page.wait_for_function(
        "img => img.complete && img.naturalWidth === 40", arg=avatar.element_handle()
    )

    # The step panel: upload the picture; the storyboard lane shows it.
    page.goto(f"{live_app.url}/w/{live_app.workspace}/maps/{MAP}")
    page.locator(f"[data-step-id='{step['id']}']").click()
    upload = page.get_by_test_id("side-panel").get_by_test_id("step-image-upload")
    upload.wait_for()
    upload.locator("input[type=file]").set_input_files(str(picture))
    preview = page.get_by_test_id("step-image-preview")
    preview.wait_for()
    lane_image = page.locator("img.lane-image").first
    lane_image.wait_for()
    assert "/files/f_" in (lane_image.get_attribute("src") or "")
    page.wait_for_function(
        "img => img.complete && img.naturalWidth === 64", arg=lane_image.element_handle()
    )
    # …and the persona chip on the board shows the uploaded avatar.
    chip = page.locator("img.board-avatar").first
    chip.wait_for()
    assert "/files/f_" in (chip.get_attribute("src") or "") and _loaded(chip)
    # The step's picture reached the server.
    wait_until_served(
        page,
        api,
        lambda s: any(
            x["id"] == step["id"] and "/files/f_" in (x.get("image") or "")
            for st in s["map"]["stages"]
            for x in st["steps"]
        ),
        "the step's picture",
    )

    # A PDF dropped on the evidence zone becomes evidence of the step, with its file.
    notes = tmp_path / "interview-notes.pdf"
    notes.write_bytes(pdf())
    page.get_by_test_id("evidence-upload").locator("input[type=file]").set_input_files(str(notes))
    item = page.get_by_test_id("step-evidence").filter(has_text="interview-notes.pdf")
    item.wait_for()
    link = item.get_by_role("link", name="interview-notes.pdf")
    link.wait_for()
    assert link.get_attribute("download") == "interview-notes.pdf"
    page.context.close()


def test_a_new_avatar_shows_once_saved_so_leaving_at_once_keeps_it(
    browser: Any, live_app: LiveApp, tmp_path: Path
) -> None:
    """The persona editor shows an uploaded avatar once the persona's save is answered:
    someone who leaves as soon as it shows (a full page load) finds it on the board.
    The save is held for a while in the browser, as a busy server would hold it."""
    page = signed_in_page(browser, live_app)
    ws_api = f"{live_app.url}/api/workspaces/{live_app.workspace}"
    journey = page.request.get(f"{ws_api}/maps/{MAP}").json()["map"]
    persona = journey["personas"][0]
    people = page.request.get(ws_api).json()["workspace"]["personas"]
    before = next(p for p in people if p["id"] == persona).get("avatar")
    face = tmp_path / "face.png"
    face.write_bytes(png(24, 24, (200, 60, 120)))
    held: list[Any] = []

    def hold_saves(route: Any) -> None:
        if route.request.method == "PATCH":
            held.append(route)
        else:
            route.continue_()

    page.route(f"{ws_api}/personas/{persona}", hold_saves)
    page.goto(f"{live_app.url}/w/{live_app.workspace}/personas/{persona}")
    page.get_by_test_id("avatar-upload").locator("input[type=file]").set_input_files(str(face))
    shown = page.locator(".factsheet-head .avatar img")
    for _ in range(300):  # at most 15 s
        src = shown.get_attribute("src") if shown.count() else None
        if src and "/files/f_" in src and src != before:
            break  # the picture shows: leave at once
        if held and held[0] is not None:
            page.wait_for_timeout(1000)  # the server answers the save a second later
            held[0].continue_()
            held[0] = None
        page.wait_for_timeout(50)
    assert shown.count(), "the uploaded avatar never showed in the persona editor"
    # Shown means saved: the indicator says so, and the board opened now has it.
    status = page.locator(".factsheet-head .save-indicator")
    assert "save-saved" in (status.get_attribute("class") or ""), (held, status.inner_text())
    page.goto(f"{live_app.url}/w/{live_app.workspace}/maps/{MAP}")
    page.get_by_test_id("board").and_(page.locator("[data-ready=true]")).wait_for()
    chip = page.locator(".board-personas .persona-chip").first
    chip.wait_for()
    assert chip.locator("img.board-avatar").count() == 1, chip.inner_html()
    assert chip.locator("img.board-avatar").get_attribute("src") == src
    page.context.close()


def test_leaving_the_persona_editor_with_a_save_on_its_way_asks_first(
    browser: Any, live_app: LiveApp
) -> None:
    """A change still on its way when the page is left: the browser asks first (as on the
    board); once it is saved, leaving asks nothing."""
    page = signed_in_page(browser, live_app)
    ws_api = f"{live_app.url}/api/workspaces/{live_app.workspace}"
    persona = page.request.get(f"{ws_api}/maps/{MAP}").json()["map"]["personas"][0]
    held: list[Any] = []
    page.route(
        f"{ws_api}/personas/{persona}",
        lambda route: held.append(route) if route.request.method == "PATCH" else route.continue_(),
    )
    asked: list[str] = []

    def answer(dialog: Any) -> None:
        asked.append(dialog.type)
        dialog.dismiss()  # stay

    page.on("dialog", answer)
    editor = f"{live_app.url}/w/{live_app.workspace}/personas/{persona}"
    page.goto(editor)
    quote = page.get_by_label("Quote", exact=True)
    quote.fill("Boots first, then everything else.")
    quote.press("Tab")  # saves on blur
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the quote's save never left the page"
    from playwright.sync_api import Error as PlaywrightError

    with pytest.raises(PlaywrightError):  # the person chose to stay: no navigation
        page.goto(f"{live_app.url}/w/{live_app.workspace}/maps/{MAP}", timeout=5000)
    assert asked == ["beforeunload"]
    assert page.url == editor
    held[0].continue_()
    page.locator(".factsheet-head .save-indicator.save-saved").wait_for()
    page.goto(f"{live_app.url}/w/{live_app.workspace}/maps/{MAP}")
    assert asked == ["beforeunload"]
    people = page.request.get(ws_api).json()["workspace"]["personas"]
    assert next(p for p in people if p["id"] == persona)["quote"] == (
        "Boots first, then everything else."
    )
    page.context.close()
