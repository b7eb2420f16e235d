"""Split a wide map across pages: whole step columns per page, stage headers repeated.

Pure geometry: given a page size in CSS pixels, decide the scale and which columns go
on each page. The map is never cut inside a column, and every page repeats the lane
titles and the headers of the stages it shows (marked 'continued' when a stage began
on an earlier page).
"""

from __future__ import annotations

from dataclasses import dataclass

from journeyline.render.layout import stage_head
from journeyline.render.shapes import Group, MapLayout

PAPER_MM: dict[str, tuple[float, float]] = {"A4": (297.0, 210.0), "A3": (420.0, 297.0)}
"""Landscape page sizes in millimetres."""

MARGIN_MM = 10.0
PX_PER_MM = 96 / 25.4
MAX_PAGE_PX = 200 * 96
"""PDF pages can be at most 200 inches on a side."""


@dataclass(slots=True)
class Page:
    """One page of a split map: columns `first`..`last`, drawn at `scale`."""

    number: int
    first: int
    last: int
    x0: float
    x1: float
    scale: float
    stage_cells: list[Group]


def page_size_px(paper: str) -> tuple[float, float]:
    """Printable width and height of a landscape page, in CSS pixels."""
    w, h = PAPER_MM[paper]
    return (w - 2 * MARGIN_MM) * PX_PER_MM, (h - 2 * MARGIN_MM) * PX_PER_MM


RUNNING_TITLE = 30.0
"""Height kept for the running title above each page's slice of the map."""


def grid_height(layout: MapLayout) -> float:
    """Height of the stage, step and lane rows together."""
    return layout.legend_top - 24 - layout.grid_top


def paginate(layout: MapLayout, width: float, height: float) -> list[Page]:
    """Pages of whole columns that fit `width` × `height` pixels, scaled down if the grid is taller."""
    grid_h = grid_height(layout)
    scale = min(1.0, (height - RUNNING_TITLE) / grid_h)
    columns = layout.columns
    if not columns:
        return [Page(1, 0, -1, layout.label_width, layout.label_width, scale, [])]
    step_w = columns[0].width
    per_page = max(1, int((width / scale - layout.label_width) // step_w))
    stage_row = layout.rows[0]
    pages: list[Page] = []
    for number, first in enumerate(range(0, len(columns), per_page), start=1):
        last = min(len(columns), first + per_page) - 1
        x0, x1 = columns[first].x, columns[last].x + columns[last].width
        cells: list[Group] = []
        for span in layout.stages:
            if span.last < first or span.first > last:
                continue
            a, b = max(span.first, first), min(span.last, last)
            sx = columns[a].x
            sw = columns[b].x + columns[b].width - sx
            group, _ = stage_head(
                layout.text_version[span.index],
                span.index,
                sx,
                sw,
                cap=stage_row.height,
                continued=span.first < first,
            )
            cells.append(group)
        pages.append(Page(number, first, last, x0, x1, scale, cells))
    return pages


def fit_scale(layout: MapLayout) -> float:
    """Scale that keeps a one-page ('fit') PDF within the largest page a PDF allows."""
    return min(1.0, MAX_PAGE_PX / layout.width, MAX_PAGE_PX / layout.height)
