"""Split a wide map across pages: whole step columns per page, stage headers repeated.

Pure geometry, in layout space: given a page size in CSS pixels, decide the scale, which
columns go on each page and lay each page out (its stage headers, rows, size and running
title), so the writers only serialise pages. The map is never cut inside a column, and
every page repeats the lane titles and the headers of the stages it shows (marked
'continued' when a stage began on an earlier page).
"""

from __future__ import annotations

from journeyline.render.grid import stage_head
from journeyline.render.shapes import Cover, Group, MapLayout, Page, PrintLayout, Row
from journeyline.render.text import fit_line

__all__ = [
    "MARGIN_MM",
    "PAPER_MM",
    "Page",
    "fit_scale",
    "page_size_px",
    "paginate",
    "print_layout",
]

PAPER_MM: dict[str, tuple[float, float]] = {"A4": (297.0, 210.0), "A3": (420.0, 297.0)}
"""Landscape page sizes in millimetres."""

MARGIN_MM = 10.0
PX_PER_MM = 96 / 25.4
MAX_PAGE_PX = 200 * 96
"""PDF pages can be at most 200 inches on a side."""

COVER_MAX_WIDTH = 1560.0
"""The cover shows the header at most this wide."""


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
        return [_page(layout, 1, 0, -1, layout.label_width, layout.label_width, scale, [])]
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
        pages.append(_page(layout, number, first, last, x0, x1, scale, cells))
    return pages


def _page(
    layout: MapLayout,
    number: int,
    first: int,
    last: int,
    x0: float,
    x1: float,
    scale: float,
    stage_cells: list[Group],
) -> Page:
    """A page's size, offsets, rows (its own stage headers in the first) and running title."""
    width = layout.label_width + x1 - x0
    # The step range comes first and the map's title is cut to the page: a last page of
    # one or two columns is narrow.
    steps = f"Steps {first + 1}–{last + 1} of {len(layout.columns)}"
    title = fit_line(f"{steps} — {layout.title}", width - 4, 13, bold=True).lines[0]
    if not title.startswith(steps):
        title = steps
    rows = list(layout.rows)
    if rows:
        head = rows[0]
        rows[0] = Row(
            head.lane,
            head.title,
            head.y,
            head.height,
            head.label,
            head.background,
            stage_cells,
            [],
            False,
        )
    return Page(
        number=number,
        first=first,
        last=last,
        x0=x0,
        x1=x1,
        scale=scale,
        stage_cells=stage_cells,
        width=width,
        height=RUNNING_TITLE + grid_height(layout),
        dx=layout.label_width - x0,
        dy=RUNNING_TITLE - layout.grid_top,
        title=title,
        title_height=RUNNING_TITLE,
        rows=rows,
    )


def fit_scale(layout: MapLayout) -> float:
    """Scale that keeps a one-page ('fit') PDF within the largest page a PDF allows."""
    return min(1.0, MAX_PAGE_PX / layout.width, MAX_PAGE_PX / layout.height)


def cover(layout: MapLayout) -> Cover:
    """The cover of a split map: header, then the legend straight under it."""
    legend_h = layout.height - layout.legend_top
    return Cover(
        width=min(layout.width, COVER_MAX_WIDTH),
        height=layout.header_height + legend_h + 8,
        legend_dy=layout.header_height + 8 - layout.legend_top,
    )


def print_layout(layout: MapLayout, paper: str = "fit") -> PrintLayout:
    """The map set for printing on `paper`: 'fit' (one page sized to the map, scaled down
    only past the PDF limit) or 'A4'/'A3' (a cover, then landscape pages of whole columns).
    Raises ValueError for any other paper (callers check it with `export.normalise_paper`)."""
    if paper == "fit":
        scale = fit_scale(layout)
        return PrintLayout(paper, scale, layout.width * scale, layout.height * scale, 0.0)
    if paper not in PAPER_MM:
        raise ValueError(f"unknown paper {paper!r}")
    width, height = page_size_px(paper)
    return PrintLayout(
        paper, 1.0, width, height, MARGIN_MM, cover(layout), paginate(layout, width, height)
    )
