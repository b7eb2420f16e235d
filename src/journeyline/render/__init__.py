"""Draw journey maps: one layout (`layout_map`), written as SVG, HTML, PNG or PDF.

The layout decides every position and size once (columns per stage and step, rows per
lane, the sentiment curve's points, wrapped text, the legend); the writers only
serialise it. PNG and PDF go through Debian's headless Chromium (see `browser`).
"""

from journeyline.render.browser import (
    BrowserUnavailable,
    ChromiumSession,
    chromium_path,
    chromium_session,
)
from journeyline.render.export import render_to_file
from journeyline.render.html import render_html, render_print_html
from journeyline.render.layout import layout_map
from journeyline.render.safety import safe_url
from journeyline.render.shapes import MapLayout
from journeyline.render.svg import render_svg

__all__ = [
    "BrowserUnavailable",
    "ChromiumSession",
    "MapLayout",
    "chromium_path",
    "chromium_session",
    "layout_map",
    "render_html",
    "render_print_html",
    "render_svg",
    "render_to_file",
    "safe_url",
]
