"""Draw journey maps: one layout (`layout_map`), written as SVG, HTML, PNG or PDF.

The layout decides every position and size once (columns per stage and step, rows per
lane, the sentiment curve's points, wrapped text, the legend); the writers only
serialise it. PNG and PDF go through Debian's headless Chromium (see `browser`).
Lanes are a hook (`register_lane`, see `lanes`): the built-in ones are registered here,
through the same hook a plug-in lane uses.
"""

from journeyline.render.browser import (
    BrowserUnavailable,
    ChromiumSession,
    chromium_path,
    chromium_session,
)
from journeyline.render.export import render_to_file
from journeyline.render.html import render_html, render_print_html
from journeyline.render.lane_cells import register_builtin_lanes
from journeyline.render.lanes import Cell, CellSlot, register_lane
from journeyline.render.layout import layout_map
from journeyline.render.safety import safe_url
from journeyline.render.shapes import MapLayout
from journeyline.render.svg import render_svg

register_builtin_lanes()

__all__ = [
    "BrowserUnavailable",
    "Cell",
    "CellSlot",
    "ChromiumSession",
    "MapLayout",
    "chromium_path",
    "chromium_session",
    "layout_map",
    "register_lane",
    "render_html",
    "render_print_html",
    "render_svg",
    "render_to_file",
    "safe_url",
]
