"""Drawing primitives for cells: wrapped text, badges and cards, placed from a top-left corner.

Every function returns the shapes it placed and the height it used, so lanes can be
stacked without any writer measuring anything.
"""

from __future__ import annotations

from journeyline.render.shapes import Box, Icon, Shape, Text
from journeyline.render.text import measure, wrap

PAD = 8.0
"""Padding inside a grid cell, on every side."""

LINE = 1.38
"""Line height as a multiple of the font size."""

ASCENT = 0.93
"""Distance from the top of a line box to the baseline, as a multiple of the font size."""


def text_block(
    x: float,
    y: float,
    text: str,
    width: float,
    size: float,
    cls: str,
    *,
    bold: bool = False,
    max_lines: int = 0,
    strike: bool = False,
) -> tuple[list[Shape], float, bool]:
    """Wrapped text whose first line box starts at `y`; returns shapes, height, truncated."""
    wrapped = wrap(text, width, size, bold=bold, max_lines=max_lines)
    if not wrapped.lines:
        return [], 0.0, False
    line_height = round(size * LINE, 2)
    shape = Text(
        x, round(y + size * ASCENT, 2), wrapped.lines, cls, size, line_height, strike=strike
    )
    return [shape], line_height * len(wrapped.lines), wrapped.truncated


def badge_width(label: str, size: float = 10.0) -> float:
    """Width of a pill badge holding a label."""
    return round(measure(label, size, bold=True) + 14, 1)


def badge(
    x: float, y: float, label: str, cls: str, size: float = 10.0
) -> tuple[list[Shape], float]:
    """A pill with a bold label: returns shapes and its width (height is 18)."""
    w = badge_width(label, size)
    return [
        Box(x, y, w, 18, f"badge {cls}", rx=9),
        Text(round(x + 7, 2), round(y + 12.8, 2), (label,), f"badge-text {cls}", size),
    ], w


def badge_flow(
    x: float, y: float, width: float, badges: list[tuple[str, str]], gap: float = 5.0
) -> tuple[list[Shape], float]:
    """Badges left to right, wrapping to the next line when the width is used up."""
    shapes: list[Shape] = []
    cx, cy = x, y
    if not badges:
        return shapes, 0.0
    for label, cls in badges:
        w = badge_width(label)
        if cx > x and cx + w > x + width:
            cx, cy = x, cy + 18 + gap
        placed, w = badge(cx, cy, label, cls)
        shapes.extend(placed)
        cx += w + gap
    return shapes, cy - y + 18


def text_cell(
    x: float,
    w: float,
    text: str | None,
    cls: str,
    *,
    icon: str | None = None,
    max_lines: int = 6,
    size: float = 12,
    bold: bool = False,
) -> tuple[list[Shape], float, bool]:
    """A lane cell of wrapped text (after an icon, if given), padded top and bottom;
    returns shapes, height, truncated (nothing and 0 for empty text)."""
    if not text or not text.strip():
        return [], 0.0, False
    offset = 20.0 if icon else 0.0
    shapes, h, cut = text_block(
        x + offset, PAD, text, w - offset, size, cls, bold=bold, max_lines=max_lines
    )
    if icon:
        shapes.insert(0, Icon(icon, x, PAD + 0.5, 15, "lane-icon"))
    return shapes, h + 2 * PAD, cut
