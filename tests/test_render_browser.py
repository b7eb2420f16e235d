"""The map in real Chromium: HTML opens with every step and the curve drawn; PNG and PDF."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from journeyline.render import layout_map, render_html, render_to_file
from journeyline.render.browser import chromium, chromium_session, open_page
from tests.conftest import require
from tests.conftest_render import big_map, trial_workspace

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _needs_chromium() -> None:
    require(
        Path("/usr/bin/chromium").exists(),
        "needs Debian's chromium (scripts/system-deps.sh installs it)",
    )


def _png_pixels_vary(path: Path) -> bool:
    """True when a PNG is not one flat colour (reads the IDAT stream, no imaging library)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, b""
    while pos < len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        if kind == b"IDAT":
            chunks += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(chunks)
    return len(set(raw[::53])) > 16


def test_html_opens_with_every_step_and_the_curve_drawn(tmp_path: Path) -> None:
    ws = trial_workspace()
    layout = layout_map(ws.maps[0], ws, persona="priya")
    html = render_html(layout)
    with chromium() as browser:
        page = open_page(browser, html, width=1400, height=900)
        assert page.locator(".jl-root[data-ready='1']").count() == 1
        cards = page.locator("g.step-card")
        assert cards.count() == len(layout.columns)
        for i in range(cards.count()):
            box = cards.nth(i).bounding_box()
            assert box is not None and box["width"] > 100 and box["height"] > 40
        curve = page.locator("path.curve").first.bounding_box()
        assert curve is not None and curve["width"] > 1500
        assert page.locator("g.row[data-lane='sentiment'] g.face-group").count() == len(
            layout.series[0].points
        )
        # Hover details show the full step.
        cards.nth(4).hover()
        assert "Verifies the email address" in page.locator(".detail").inner_text()
        # Lane toggle hides a row and moves the rows below it up.
        before = page.locator("g.row[data-lane='sentiment']").bounding_box()
        page.locator("details.lanes summary").click()
        page.locator("input[data-lane-toggle='thinks']").uncheck()
        after = page.locator("g.row[data-lane='sentiment']").bounding_box()
        assert before is not None and after is not None and after["y"] < before["y"] - 30
        shot = tmp_path / "map.png"
        page.screenshot(path=str(shot), full_page=True)
    assert _png_pixels_vary(shot)


def test_png_export_is_drawn(tmp_path: Path) -> None:
    ws = trial_workspace()
    out = render_to_file(ws, ws.maps[0], tmp_path / "map.png", findings=[])
    assert _png_pixels_vary(out)
    width = int.from_bytes(out.read_bytes()[16:20], "big")
    assert width >= 2 * 2000  # twice the pixels of the layout for crisp text


def _pdf_pages(path: Path) -> tuple[int, list[bool]]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    drawn = []
    for index in range(len(pdf)):
        bitmap = pdf[index].render(scale=0.5)
        buffer = bytes(bitmap.buffer)
        drawn.append(len(set(buffer[::97])) > 4)
    count = len(pdf)
    pdf.close()
    return count, drawn


def test_pdf_fit_is_one_page(tmp_path: Path) -> None:
    ws = trial_workspace()
    assert len(ws.personas) == 2  # their cards are in the map's header, not on pages of their own
    out = render_to_file(ws, ws.maps[0], tmp_path / "map.pdf", paper="fit", findings=[])
    count, drawn = _pdf_pages(out)
    assert count == 1
    assert all(drawn)


def test_pdf_a3_splits_a_wide_map_with_nothing_cut_off(tmp_path: Path) -> None:
    ws, journey = big_map(60, 4)
    out = render_to_file(ws, journey, tmp_path / "big.pdf", paper="A3", findings=[])
    count, drawn = _pdf_pages(out)
    from journeyline.render.paging import page_size_px, paginate

    expected = 1 + len(paginate(layout_map(journey, ws), *page_size_px("A3")))
    assert count == expected and count > 3
    assert all(drawn)


def test_one_session_renders_many_files_with_one_chromium(tmp_path: Path) -> None:
    ws = trial_workspace()
    with chromium_session() as session:
        first = render_to_file(ws, ws.maps[0], tmp_path / "a.pdf", findings=[])
        browser = session.browser
        second = render_to_file(ws, ws.maps[0], tmp_path / "b.png", findings=[])
        third = render_to_file(ws, ws.maps[0], tmp_path / "c.pdf", paper="A4", findings=[])
        assert session.browser is browser and browser.is_connected()
        assert len(browser.contexts) == 0  # every page was closed after its file
    assert not browser.is_connected()
    assert _pdf_pages(first) == (1, [True])
    assert _png_pixels_vary(second)
    count, drawn = _pdf_pages(third)
    assert count >= 4 and all(drawn)
