"""The HTML writers: an interactive, self-contained page, and the documents Chromium prints.

Everything is inline (CSS, JS, icons, the SVG); nothing is fetched. Jinja2 autoescapes
every value; the only unescaped inserts are the SVG (escaped by the SVG writer), our own
CSS/JS, and JSON with '<', '>', '&', U+2028 and U+2029 escaped (`script_json`).

The hover details are not in the page as HTML: every step's tags and fields travel in
one compact JSON data island, and map.js builds the panel of the step under the pointer
(with textContent, never innerHTML). 500 hidden templates made a big map's page open
slowly; the data island holds the same words in a fraction of the DOM.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from journeyline.render.paging import print_layout
from journeyline.render.shapes import MapLayout, StepText
from journeyline.render.svg import render_svg, render_svg_cover, render_svg_page

ASSETS = Path(__file__).parent / "assets"


def step_tags(step: StepText) -> list[tuple[str, str]]:
    """A step's badges in words, as (CSS class, text): kind, moment of truth, assumption, status."""
    tags = [(f"kind-{step.kind}", step.kind.capitalize())]
    if step.moment_of_truth:
        tags.append(("moment", "★ Moment of truth"))
    if step.assumption:
        tags.append(("assumption", "Assumption: no evidence"))
    if step.status == "added":
        tags.append(("added", "+ Added in TO-BE"))
    elif step.status == "removed":
        tags.append(("removed", "− Removed in TO-BE"))
    return tags


def step_fields(step: StepText, *, stage: bool = True) -> list[tuple[str, str]]:
    """Every field of a step as (label, text); `stage=False` leaves out the stage's name
    (the text version lists steps under their stage's heading)."""
    fields = [("Stage", step.stage)] if stage else []
    fields += step.fields
    for label, items in (
        ("Paths", step.branches),
        ("Pain points", step.pain_points),
        ("Opportunities", step.opportunities),
        ("Evidence", step.evidence),
    ):
        if items:
            fields.append((label, "; ".join(items)))
    return fields


@lru_cache(maxsize=1)
def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(str(ASSETS)),
        autoescape=select_autoescape(enabled_extensions=("j2", "html"), default=True),
        trim_blocks=False,
        lstrip_blocks=False,
    )
    environment.globals.update(step_tags=step_tags, step_fields=step_fields)
    return environment


@lru_cache(maxsize=4)
def _asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def script_json(data: object) -> str:
    """JSON safe to place inside a <script> element: no '</script>', '<!--' or '&' can
    appear, and U+2028/U+2029 (line breaks to older JavaScript parsers) are escaped."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text


def details_data(layout: MapLayout) -> dict[str, object]:
    """What map.js needs: each column's x and width, and each step's name, tags and fields."""
    steps: list[list[object]] = [[] for _ in layout.columns]
    for stage in layout.text_version:
        for step in stage.steps:
            steps[step.index] = [
                step.name,
                [list(t) for t in step_tags(step)],
                [list(f) for f in step_fields(step)],
            ]
    return {
        "columns": [[round(c.x, 1), round(c.width, 1)] for c in layout.columns],
        "steps": steps,
    }


def render_html(layout: MapLayout) -> str:
    """One self-contained HTML page: the map with zoom, lane toggles and hover details,
    then the sentiment line in words, the map as text, evidence and persona factsheets."""
    template = _environment().get_template("map.html.j2")
    lanes = [row for row in layout.rows if row.toggleable]
    return template.render(
        layout=layout,
        svg=render_svg(layout, step_tooltips=False),
        css=_asset("map.css"),
        js=_asset("map.js"),
        lanes=lanes,
        data_json=script_json(details_data(layout)),
    )


def render_png_html(layout: MapLayout, scale: float = 1.0) -> str:
    """A bare page holding only the map, for screenshots."""
    svg = render_svg(layout, scale=scale, tooltips=False)
    return (
        "<!doctype html><html><head><meta charset='utf-8'><style>html,body{margin:0;padding:0;"
        "background:#fff}svg{display:block}</style></head><body>"
        f"<div id='map'>{svg}</div></body></html>"
    )


def render_print_html(layout: MapLayout, paper: str = "fit") -> str:
    """The document Chromium prints to PDF, from the map set for `paper`
    (`paging.print_layout`, which lays the pages out; this only writes them).

    'fit': the whole map on one page sized to it (scaled down only past the PDF limit),
    and nothing else: its header already carries the persona cards.
    'A4'/'A3': a cover page (header and legend), then landscape pages of whole step
    columns with lane titles and stage headers repeated; each persona factsheet
    follows on its own A4 page.
    """
    printed = print_layout(layout, paper)
    template = _environment().get_template("print.html.j2")
    if printed.cover is None:
        pages = [render_svg(layout, scale=printed.scale, tooltips=False)]
        size, margin = f"{printed.page_width:.1f}px {printed.page_height:.1f}px", "0"
    else:
        cover = render_svg_cover(layout, printed.cover)
        pages = [_fit_cover(cover, printed.page_width, printed.page_height)]
        # The pages share one stylesheet (in the cover's SVG): 70 copies would slow printing 50×.
        pages += [render_svg_page(layout, page, inline_css=False) for page in printed.pages]
        size, margin = f"{printed.paper} landscape", f"{printed.margin_mm:g}mm"
    return template.render(
        layout=layout,
        pages=pages,
        css=_asset("map.css"),
        map_size=size,
        map_margin=margin,
        sheets=printed.cover is not None,
    )


def _fit_cover(svg: str, width: float, height: float) -> str:
    """Let the cover scale down to the page: its viewBox keeps the proportions."""
    return svg.replace(
        "<svg ",
        f'<svg style="max-width:{width:.0f}px;max-height:{height:.0f}px;width:100%;height:auto" ',
        1,
    )
