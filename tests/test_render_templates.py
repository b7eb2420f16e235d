"""Every built-in template renders to SVG, HTML, PNG and PDF, and nothing is clipped.

One Chromium serves every template (`chromium_session`); PNGs are taken at one device
pixel per CSS pixel to keep the run short.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from journeyline.model import JourneyMap, Workspace
from journeyline.render import layout_map, render_html, render_svg
from journeyline.render.browser import ChromiumSession, chromium_session, open_page
from journeyline.render.export import render_to_file
from journeyline.render.html import render_png_html
from journeyline.render.paging import page_size_px, paginate
from journeyline.render.shapes import MapLayout
from journeyline.templates import list_templates, load_template
from tests.conftest import require

pytestmark = pytest.mark.browser

TEMPLATES = [info.name for info in list_templates()]
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def session() -> Iterator[ChromiumSession]:
    require(
        Path("/usr/bin/chromium").exists(),
        "needs Debian's chromium (scripts/system-deps.sh installs it)",
    )
    with chromium_session() as shared:
        yield shared


def _template(name: str) -> tuple[Workspace, JourneyMap, MapLayout]:
    workspace = load_template(name)
    journey = workspace.maps[0]
    return workspace, journey, layout_map(journey, workspace)


# What Chromium measures in the open HTML page: the map's drawn size, everything drawn
# outside the map's declared size, and text that spills out of its step card.
MEASURE = """(size) => {
  const svg = document.querySelector("svg.jl-map");
  const box = svg.getBoundingClientRect();
  const outside = [];
  for (const el of svg.querySelectorAll("text, rect, path, circle, image, use")) {
    const b = el.getBoundingClientRect();
    if (!b.width && !b.height) continue;
    if (b.left < box.left - 1 || b.top < box.top - 1 ||
        b.right > box.left + size[0] + 1 || b.bottom > box.top + size[1] + 1) {
      outside.push(el.tagName + " " + (el.getAttribute("class") || "") + " " + el.textContent.slice(0, 40));
    }
  }
  const spilled = [];
  for (const card of svg.querySelectorAll("g.step-card")) {
    const frame = card.querySelector("rect.card").getBoundingClientRect();
    for (const text of card.querySelectorAll("text")) {
      const b = text.getBoundingClientRect();
      if (b.left < frame.left - 1 || b.right > frame.right + 1 ||
          b.top < frame.top - 1 || b.bottom > frame.bottom + 1) {
        spilled.push("step " + card.dataset.step + ": " + text.textContent.slice(0, 40));
      }
    }
  }
  return {width: box.width, height: box.height, cards: svg.querySelectorAll("g.step-card").length,
          outside: outside, spilled: spilled};
}"""


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _png_varies(path: Path) -> bool:
    data = path.read_bytes()
    pos, chunks = 8, b""
    while pos < len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        if data[pos + 4 : pos + 8] == b"IDAT":
            chunks += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    return len(set(zlib.decompress(chunks)[::53])) > 16


def _pdf(path: Path) -> list[dict[str, Any]]:
    """Each page's size in points, whether anything is drawn on it, and its text."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    pages = []
    for index in range(len(pdf)):
        page = pdf[index]
        buffer = bytes(page.render(scale=0.25).buffer)
        text = page.get_textpage().get_text_bounded()
        pages.append({"size": page.get_size(), "drawn": len(set(buffer[::97])) > 4, "text": text})
    pdf.close()
    return pages


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_renders_to_every_format_without_clipping(
    name: str, session: ChromiumSession, tmp_path: Path
) -> None:
    workspace, journey, layout = _template(name)
    steps = len(layout.columns)
    assert steps == len(journey.steps()) > 0

    # SVG: well-formed, declares the layout's size, one card per step.
    root = ET.fromstring(render_svg(layout))
    assert float(root.get("width", "0")) == pytest.approx(layout.width, abs=0.1)
    assert float(root.get("height", "0")) == pytest.approx(layout.height, abs=0.1)
    cards = [g for g in root.iter(f"{SVG_NS}g") if "step-card" in g.get("class", "").split()]
    assert len(cards) == steps

    # HTML: drawn at its declared size, nothing outside it, no text spilling out of a card.
    page = open_page(session.browser, render_html(layout), width=1400, height=900)
    try:
        measured = page.evaluate(MEASURE, [layout.width, layout.height])
        page.locator("g.step-card").last.hover()
        details = page.locator(".detail").inner_text()
    finally:
        page.close()
    assert measured["width"] == pytest.approx(layout.width, abs=1)
    assert measured["height"] == pytest.approx(layout.height, abs=1)
    assert measured["cards"] == steps
    assert measured["outside"] == []
    assert measured["spilled"] == []
    assert journey.steps()[-1].name in details

    # PNG: the whole map, at its full size.
    png = session.png(
        render_png_html(layout),
        tmp_path / "map.png",
        selector="#map svg",
        width=int(layout.width) + 1,
        height=int(layout.height) + 1,
        scale=1,
    )
    width, height = _png_size(png)
    assert abs(width - layout.width) <= 1 and abs(height - layout.height) <= 1
    assert _png_varies(png)

    # PDF, one page: the map's proportions, and nothing after it.
    fit = _pdf(render_to_file(workspace, journey, tmp_path / "fit.pdf", paper="fit", findings=[]))
    assert len(fit) == 1
    assert all(p["drawn"] for p in fit)
    w, h = fit[0]["size"]
    assert w / h == pytest.approx(layout.width / layout.height, rel=0.01)

    # PDF on A4: a cover, pages of whole columns covering every step once, factsheets.
    a4 = _pdf(render_to_file(workspace, journey, tmp_path / "a4.pdf", paper="A4", findings=[]))
    map_pages = paginate(layout_map(journey, workspace, findings=[]), *page_size_px("A4"))
    assert len(a4) == 1 + len(map_pages) + len(layout.personas)
    assert all(p["drawn"] for p in a4)
    shown: list[int] = []
    for p in a4[1 : 1 + len(map_pages)]:
        found = re.search(r"Steps (\d+)–(\d+) of (\d+)", p["text"])
        assert found is not None, p["text"][:200]
        first, last, total = map(int, found.groups())
        assert total == steps
        shown += range(first, last + 1)
    assert shown == list(range(1, steps + 1))
