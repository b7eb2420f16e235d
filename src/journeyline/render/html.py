"""The HTML writers: an interactive, self-contained page, and the documents Chromium prints.

Everything is inline (CSS, JS, icons, the SVG); nothing is fetched. Jinja2 autoescapes
every value; the only unescaped inserts are the SVG (escaped by the SVG writer), our own
CSS/JS, and JSON with '<', '>' and '&' escaped.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from journeyline.render.paging import PAPER_MM, fit_scale, page_size_px, paginate
from journeyline.render.shapes import MapLayout
from journeyline.render.svg import render_svg, render_svg_cover, render_svg_page

ASSETS = Path(__file__).parent / "assets"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(ASSETS)),
        autoescape=select_autoescape(enabled_extensions=("j2", "html"), default=True),
        trim_blocks=False,
        lstrip_blocks=False,
    )


@lru_cache(maxsize=4)
def _asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def _script_json(data: object) -> str:
    """JSON safe to place inside a <script> element."""
    text = json.dumps(data, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_html(layout: MapLayout) -> str:
    """One self-contained HTML page: the map with zoom, lane toggles and hover details,
    then the sentiment line in words, the map as text, evidence and persona factsheets."""
    template = _environment().get_template("map.html.j2")
    lanes = [row for row in layout.rows if row.toggleable]
    columns = [[round(c.x, 1), round(c.width, 1)] for c in layout.columns]
    return template.render(
        layout=layout,
        svg=render_svg(layout),
        css=_asset("map.css"),
        js=_asset("map.js"),
        lanes=lanes,
        columns_json=_script_json(columns),
    )


def render_png_html(layout: MapLayout, scale: float = 1.0) -> str:
    """A bare page holding only the map, for screenshots."""
    svg = render_svg(layout, scale=scale)
    return (
        "<!doctype html><html><head><meta charset='utf-8'><style>html,body{margin:0;padding:0;"
        "background:#fff}svg{display:block}</style></head><body>"
        f"<div id='map'>{svg}</div></body></html>"
    )


def render_print_html(layout: MapLayout, paper: str = "fit") -> str:
    """The document Chromium prints to PDF.

    'fit': the whole map on one page sized to it (scaled down only past the PDF limit).
    'A4'/'A3': a cover page (header and legend), then landscape pages of whole step
    columns with lane titles and stage headers repeated. Each persona factsheet
    follows on its own A4 page.
    """
    template = _environment().get_template("print.html.j2")
    if paper == "fit":
        scale = fit_scale(layout)
        pages = [render_svg(layout, scale=scale)]
        w, h = layout.width * scale, layout.height * scale
        size, margin = f"{w:.1f}px {h:.1f}px", "0"
    else:
        if paper not in PAPER_MM:
            raise ValueError(f"unknown paper {paper!r}")
        width, height = page_size_px(paper)
        pages = [_fit_cover(render_svg_cover(layout), width, height)]
        # The pages share one stylesheet (in the cover's SVG): 70 copies would slow printing 50×.
        pages += [
            render_svg_page(layout, page, inline_css=False)
            for page in paginate(layout, width, height)
        ]
        size, margin = f"{paper} landscape", "10mm"
    return template.render(
        layout=layout, pages=pages, css=_asset("map.css"), map_size=size, map_margin=margin
    )


def _fit_cover(svg: str, width: float, height: float) -> str:
    """Let the cover scale down to the page: its viewBox keeps the proportions."""
    return svg.replace(
        "<svg ",
        f'<svg style="max-width:{width:.0f}px;max-height:{height:.0f}px;width:100%;height:auto" ',
        1,
    )
