"""The SVG writer: serialises a `MapLayout`, escaping every piece of user text.

Ids are derived from the map's id and positions in the layout, never from time or
randomness, so the same map always gives the same bytes.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from journeyline.render import palette as p
from journeyline.render.icons import FILLED, ICONS
from journeyline.render.shapes import (
    Box,
    Cover,
    Face,
    Group,
    Icon,
    Image,
    Line,
    MapLayout,
    Marker,
    Page,
    Path,
    Row,
    Shape,
    Text,
)

FONT_STACK = (
    "'DejaVu Sans', Verdana, 'Segoe UI', system-ui, -apple-system, sans-serif, 'Noto Color Emoji'"
)


def _css() -> str:
    rules = [
        f".jl-map{{font-family:{FONT_STACK};}}",
        ".jl-map text{white-space:pre;}",
        f".page{{fill:{p.PAGE}}}",
        f".header-band{{fill:{p.HEADER_BG}}}",
        f".title{{fill:{p.HEADER_INK};font-weight:700}}",
        f".scope-label{{fill:{p.HEADER_MUTED};font-weight:700;letter-spacing:.04em}}",
        f".scope-value{{fill:{p.HEADER_INK}}}",
        f".persona-card{{fill:{p.PAGE};stroke:{p.RULE};stroke-width:1}}",
        f".persona-name{{fill:{p.INK};font-weight:700}}",
        f".card-muted,.muted,.step-number,.muted-on-card{{fill:{p.MUTED}}}",
        f".card-heading{{fill:{p.LABEL_INK};font-weight:700;letter-spacing:.06em}}",
        f".goal-heading{{fill:{p.OPPORTUNITY[2]}}}.pain-heading{{fill:{p.IMPACT['abandon'][0]}}}",
        f".card-text,.body,.metric,.pain-text,.opp-text,.backstage-text,.branch,.legend-text{{fill:{p.INK}}}",
        f".card-label{{fill:{p.MUTED};font-weight:700}}",
        f".avatar{{fill:{p.KIND['action'][1]}}}.avatar-initials{{fill:#fff;font-weight:700}}",
        f".avatar-emoji{{fill:{p.LABEL_BG};stroke:{p.RULE}}}.avatar-ring{{fill:{p.LABEL_BG}}}",
        f".label-bg{{fill:{p.LABEL_BG}}}.lane-title{{fill:{p.LABEL_INK};font-weight:700}}",
        f".label-icon{{color:{p.MUTED}}}.lane-icon{{color:{p.MUTED}}}",
        f".stage-bg-0{{fill:{p.STAGE_BG[0]}}}.stage-bg-1{{fill:{p.STAGE_BG[1]}}}",
        f".stage-head{{fill:{p.PAGE};stroke:{p.RULE}}}.stage-head-1{{fill:{p.STAGE_BG[1]}}}",
        f".stage-name{{fill:{p.INK};font-weight:700}}.stage-goal{{fill:{p.INK}}}.stage-muted{{fill:{p.MUTED}}}",
        f".row-rule{{stroke:{p.RULE};stroke-width:1}}.col-rule{{stroke:{p.RULE};stroke-width:.6;stroke-dasharray:2 4}}",
        f".stage-rule{{stroke:{p.NEUTRAL_LINE};stroke-width:1.2}}",
        ".card{stroke-width:1.2}.card.removed{opacity:.75}",
        ".step-name{font-weight:700}.kind-label{font-weight:700;letter-spacing:.06em}",
        f".think{{fill:{p.THINK[0]};stroke:{p.THINK[1]}}}.think-text{{fill:{p.INK};font-style:italic}}",
        f".pain{{fill:{p.PAIN[0]};stroke:{p.PAIN[1]};stroke-width:1.2}}",
        f".opp{{fill:{p.OPPORTUNITY[0]};stroke:{p.OPPORTUNITY[1]};stroke-width:1.2}}",
        f".opp-meta{{fill:{p.OPPORTUNITY[2]};font-weight:700}}.opp-icon{{color:{p.OPPORTUNITY[2]}}}",
        f".backstage-card{{fill:{p.BACKSTAGE[0]};stroke:{p.BACKSTAGE[1]}}}",
        f".image-frame{{fill:{p.LABEL_BG};stroke:{p.RULE}}}",
        f".visibility{{stroke:{p.INK};stroke-width:1.5}}.visibility-label{{fill:{p.INK};font-weight:700}}",
        f".visibility-legend{{stroke:{p.INK};stroke-width:1.5;fill:none}}",
        f".band-positive{{fill:{p.POSITIVE_BAND}}}.band-negative{{fill:{p.NEGATIVE_BAND}}}",
        f".neutral{{stroke:{p.NEUTRAL_LINE};stroke-width:1}}.scale-label{{fill:{p.MUTED}}}",
        ".curve{fill:none;stroke-width:3;stroke-linecap:round;stroke-linejoin:round}",
        ".legend-line{fill:none;stroke-width:3}",
        f".customer-band{{fill:{p.CUSTOMERS};fill-opacity:.16;stroke:{p.CUSTOMERS};stroke-width:1}}",
        f".customer-label{{fill:{p.CUSTOMERS};font-weight:700}}.customer-n{{fill:{p.MUTED}}}",
        ".customer-curve{stroke-width:2.5}",
        f".score-label{{fill:{p.INK};font-weight:700}}",
        f".face{{stroke:{p.INK};stroke-width:1.3}}.face-feature{{fill:none;stroke:{p.INK};stroke-width:1.5;stroke-linecap:round}}",
        f".face-eye{{fill:{p.INK}}}.marker{{stroke:#fff;stroke-width:1.5}}",
        f".leader{{stroke:{p.MUTED};stroke-width:1}}",
        ".badge-text{font-weight:700}",
        ".icon{fill:none;stroke:currentColor;stroke-width:1.8;stroke-linecap:round;stroke-linejoin:round}",
        ".icon.filled{fill:currentColor}",
        ".emoji{font-family:'Noto Color Emoji','Apple Color Emoji','Segoe UI Emoji',sans-serif}",
        f".legend-title{{fill:{p.LABEL_INK}}}",
    ]
    for kind, (bg, border, ink) in p.KIND.items():
        rules.append(f".card-{kind}{{fill:{bg};stroke:{border}}}.accent-{kind}{{fill:{border}}}")
        rules.append(f".kind-label.kind-{kind}{{fill:{ink}}}.kind-{kind}{{color:{ink}}}")
    badges = {
        "b-moment": (p.MOMENT[0], p.MOMENT[1]),
        "b-assumption": (p.ASSUMPTION[0], p.ASSUMPTION[1]),
        "b-evidence": (p.EVIDENCE[0], p.EVIDENCE[1]),
        "b-backstage": (p.BACKSTAGE[0], p.INK),
        "b-added": (p.ADDED[0], p.ADDED[1]),
        "b-removed": (p.REMOVED[0], p.REMOVED[1]),
        "b-plain": (p.PAGE, p.INK),
        **{f"b-impact-{k}": v for k, v in p.IMPACT.items()},
        **{f"finding-{k}": v for k, v in p.SEVERITY.items()},
    }
    for cls, (bg, ink) in badges.items():
        rules.append(
            f".badge.{cls}{{fill:{bg};stroke:{ink};stroke-opacity:.35}}.badge-text.{cls}{{fill:{ink}}}"
        )
    return "".join(rules)


CSS = _css()


def _n(value: float) -> str:
    """A coordinate with at most one decimal, without trailing zeros."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


_PATH_COMMAND = re.compile(r"([MVHLC])([-\d.\s]*)")
_PATH_ARGS = {"M": 2, "V": 1, "H": 1, "L": 2, "C": 6}


@dataclass(frozen=True, slots=True)
class _Segment:
    """One drawing command of a path, with the point it starts from and its x extent."""

    start: str
    command: str
    left: float
    right: float
    moved: bool
    """Whether the path moved (M) to this segment's start rather than drawing there."""


@lru_cache(maxsize=64)
def _segments(d: str) -> tuple[tuple[_Segment, ...], bool] | None:
    """A path's drawing commands, and whether they run left to right; None if not understood."""
    commands = _PATH_COMMAND.findall(d)
    if "".join(c + a for c, a in commands) != d:
        return None
    out: list[_Segment] = []
    cx = cy = 0.0
    ordered = True
    moved = False
    for cmd, text in commands:
        args = [float(v) for v in text.split()]
        if len(args) != _PATH_ARGS[cmd]:
            return None
        if cmd == "M":
            cx, cy = args
            moved = True
            continue
        xs: tuple[float, ...]
        if cmd == "V":
            xs, end = (cx,), (cx, args[0])
        elif cmd == "H":
            xs, end = (cx, args[0]), (args[0], cy)
        elif cmd == "L":
            xs, end = (cx, args[0]), (args[0], args[1])
        else:
            xs, end = (cx, args[0], args[2], args[4]), (args[4], args[5])
        segment = _Segment(f"M{_n(cx)} {_n(cy)}", cmd + text, min(xs), max(xs), moved)
        moved = False
        if out and (segment.left < out[-1].left or segment.right < out[-1].right):
            ordered = False
        out.append(segment)
        cx, cy = end
    return tuple(out), ordered


def clip_path_x(d: str, x0: float, x1: float) -> str:
    """The segments of path `d` that reach into the band x0 ≤ x ≤ x1; the rest are dropped.

    A page of a split map shows a few columns of a map that may be 100 000 px wide;
    Chromium prints every segment of a path even when the page shows none of it (and
    expands dashed strokes into one piece per dash), so each page would carry the whole
    curve and every column rule. Segments are kept whole, so nothing visible changes.
    Understands the absolute M/V/H/L/C paths the layout makes; anything else is
    returned unchanged.
    """
    parsed = _segments(d)
    if parsed is None:
        return d
    segments, ordered = parsed
    first = bisect_left(segments, x0, key=lambda g: g.right) if ordered else 0
    out: list[str] = []
    previous = -2
    for i in range(first, len(segments)):
        segment = segments[i]
        if segment.left > x1:
            if ordered:
                break
            continue
        if segment.right < x0:
            continue
        if previous != i - 1 or segment.moved:
            out.append(segment.start)
        out.append(segment.command)
        previous = i
    return "".join(out)


def _clip_line(s: Line, x0: float, x1: float) -> Line | None:
    """A line cut to the band x0 ≤ x ≤ x1 (a horizontal one keeps its dash pattern in phase)."""
    left, right = min(s.x1, s.x2), max(s.x1, s.x2)
    if right < x0 or left > x1:
        return None
    if s.y1 != s.y2:
        return s
    start = max(left, x0)
    period = sum(float(v) for v in s.dash.replace(",", " ").split()) if s.dash else 0.0
    if period > 0:
        start = left + math.floor((start - left) / period) * period
    return Line(start, s.y1, min(right, x1), s.y2, s.cls, s.dash)


class _Writer:
    """Serialises shapes; collects the icons it used so only those are defined.

    `tooltips=False` leaves out the `<title>` of every group (PNG and PDF show none);
    `step_tooltips=False` only those of a step's groups (the HTML page shows a step's
    details in its own panel, and 4 000 hidden titles slow a big map's opening);
    `window` (x0, x1) drops what lies outside that band of the layout (a page of a
    split map).
    """

    def __init__(
        self,
        dom_id: str,
        *,
        tooltips: bool = True,
        step_tooltips: bool = True,
        window: tuple[float, float] | None = None,
    ) -> None:
        self.dom_id = dom_id
        self.icons: set[str] = set()
        self.clips = 0
        self.tooltips = tooltips
        self.step_tooltips = tooltips and step_tooltips
        self.window = window

    def shape(self, s: Shape, out: list[str]) -> None:
        if self.window is not None:
            clipped = _clip(s, *self.window)
            if clipped is None:
                return
            s = clipped
        if isinstance(s, Text):
            self.text(s, out)
        elif isinstance(s, Box):
            dash = ' stroke-dasharray="5 3"' if s.dashed else ""
            out.append(
                f'<rect x="{_n(s.x)}" y="{_n(s.y)}" width="{_n(s.w)}" height="{_n(s.h)}" '
                f'rx="{_n(s.rx)}" class="{s.cls}"{dash}/>'
            )
        elif isinstance(s, Icon):
            self.icons.add(s.name)
            cls = "icon filled" if s.name in FILLED else "icon"
            out.append(
                f'<use href="#jl-i-{s.name}" x="{_n(s.x)}" y="{_n(s.y)}" width="{_n(s.size)}" '
                f'height="{_n(s.size)}" class="{cls} {s.cls}"/>'
            )
        elif isinstance(s, Line):
            dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
            out.append(
                f'<line x1="{_n(s.x1)}" y1="{_n(s.y1)}" x2="{_n(s.x2)}" y2="{_n(s.y2)}" class="{s.cls}"{dash}/>'
            )
        elif isinstance(s, Path):
            style = f' stroke="{s.colour}"' if s.colour else ""
            style += f' stroke-dasharray="{s.dash}"' if s.dash else ""
            out.append(f'<path d="{s.d}" class="{s.cls}"{style}/>')
        elif isinstance(s, Face):
            self.face(s, out)
        elif isinstance(s, Marker):
            self.marker(s, out)
        elif isinstance(s, Image):
            self.image(s, out)

    def text(self, s: Text, out: list[str]) -> None:
        anchor = f' text-anchor="{s.anchor}"' if s.anchor != "start" else ""
        deco = ' text-decoration="line-through"' if s.strike else ""
        head = f'<text x="{_n(s.x)}" y="{_n(s.y)}" font-size="{_n(s.size)}" class="{s.cls}"{anchor}{deco}>'
        if len(s.lines) == 1:
            out.append(f"{head}{escape(s.lines[0], quote=False)}</text>")
            return
        parts = [head]
        for i, line in enumerate(s.lines):
            dy = "0" if i == 0 else _n(s.line_height)
            parts.append(f'<tspan x="{_n(s.x)}" dy="{dy}">{escape(line, quote=False)}</tspan>')
        parts.append("</text>")
        out.append("".join(parts))

    def face(self, s: Face, out: list[str]) -> None:
        r = s.r
        mouth_y = s.cy + r * 0.32
        bend = s.normalized * r * 0.55
        out.append(
            f'<g class="face-group"><circle cx="{_n(s.cx)}" cy="{_n(s.cy)}" r="{_n(r)}" fill="{s.fill}" class="face"/>'
            f'<circle cx="{_n(s.cx - r * 0.36)}" cy="{_n(s.cy - r * 0.22)}" r="{_n(max(1.2, r * 0.12))}" class="face-eye"/>'
            f'<circle cx="{_n(s.cx + r * 0.36)}" cy="{_n(s.cy - r * 0.22)}" r="{_n(max(1.2, r * 0.12))}" class="face-eye"/>'
            f'<path d="M{_n(s.cx - r * 0.45)} {_n(mouth_y)}Q{_n(s.cx)} {_n(mouth_y + bend)} {_n(s.cx + r * 0.45)} {_n(mouth_y)}" class="face-feature"/></g>'
        )

    def marker(self, s: Marker, out: list[str]) -> None:
        x, y, r = s.cx, s.cy, s.r
        if s.shape == "circle":
            out.append(
                f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" fill="{s.colour}" class="marker"/>'
            )
        elif s.shape == "square":
            out.append(
                f'<rect x="{_n(x - r)}" y="{_n(y - r)}" width="{_n(2 * r)}" height="{_n(2 * r)}" fill="{s.colour}" class="marker"/>'
            )
        elif s.shape == "diamond":
            k = r * 1.3
            out.append(
                f'<path d="M{_n(x)} {_n(y - k)}L{_n(x + k)} {_n(y)}L{_n(x)} {_n(y + k)}L{_n(x - k)} {_n(y)}Z" fill="{s.colour}" class="marker"/>'
            )
        else:
            k = r * 1.3
            out.append(
                f'<path d="M{_n(x)} {_n(y - k)}L{_n(x + k)} {_n(y + k * 0.8)}L{_n(x - k)} {_n(y + k * 0.8)}Z" fill="{s.colour}" class="marker"/>'
            )

    def image(self, s: Image, out: list[str]) -> None:
        href = escape(s.href, quote=True)
        clip = ""
        if s.round:
            self.clips += 1
            cid = f"{self.dom_id}-clip-{self.clips}"
            out.append(
                f'<clipPath id="{cid}"><circle cx="{_n(s.x + s.w / 2)}" cy="{_n(s.y + s.h / 2)}" r="{_n(s.w / 2)}"/></clipPath>'
            )
            clip = f' clip-path="url(#{cid})"'
        out.append(
            f'<image href="{href}" x="{_n(s.x)}" y="{_n(s.y)}" width="{_n(s.w)}" height="{_n(s.h)}" '
            f'preserveAspectRatio="xMidYMid slice"{clip}/>'
        )

    def group(self, g: Group, out: list[str], extra: str = "") -> None:
        attrs = f' class="{g.cls}"' if g.cls else ""
        if g.step is not None:
            attrs += f' data-step="{g.step + 1}"'
        if g.stage is not None:
            attrs += f' data-stage="{g.stage + 1}"'
        out.append(f"<g{attrs}{extra}>")
        if g.title and (self.step_tooltips if g.step is not None else self.tooltips):
            out.append(f"<title>{escape(g.title, quote=False)}</title>")
        for s in g.shapes:
            self.shape(s, out)
        out.append("</g>")

    def defs(self) -> str:
        symbols = "".join(
            f'<symbol id="jl-i-{name}" viewBox="0 0 24 24">{ICONS[name]}</symbol>'
            for name in sorted(self.icons)
            if name in ICONS
        )
        return f"<defs>{symbols}</defs>"


def _in_window(g: Group, first: int, last: int) -> bool:
    return g.step is None or first <= g.step <= last


def _clip(s: Shape, x0: float, x1: float) -> Shape | None:
    """The part of a shape inside the horizontal window [x0, x1] of a page (None: nothing)."""
    if isinstance(s, Box):
        return s if s.x < x1 and s.x + s.w > x0 else None
    if isinstance(s, Line):
        return _clip_line(s, x0, x1)
    if isinstance(s, Path):
        d = clip_path_x(s.d, x0, x1)
        return Path(d, s.cls, s.colour, s.dash) if d else None
    return s


def _row(
    w: _Writer,
    row: Row,
    out: list[str],
    first: int = 0,
    last: int = 1 << 30,
    y: float | None = None,
) -> None:
    top = row.y if y is None else y
    out.append(
        f'<g class="row" data-lane="{escape(row.lane, quote=True)}" data-y="{_n(row.y)}" '
        f'data-h="{_n(row.height)}" transform="translate(0 {_n(top)})">'
    )
    out.append('<g class="row-bg">')
    for s in row.background:
        w.shape(s, out)
    out.append("</g>")
    for g in row.cells:
        if _in_window(g, first, last):
            w.group(g, out)
    for g in row.overlay:
        if _in_window(g, first, last):
            w.group(g, out)
    out.append("</g>")


def _labels(w: _Writer, layout: MapLayout, out: list[str], y0: float) -> None:
    out.append('<g class="labels">')
    for row in layout.rows:
        out.append(
            f'<g class="row-label" data-lane="{escape(row.lane, quote=True)}" transform="translate(0 {_n(row.y - y0)})">'
        )
        if w.tooltips:
            out.append(f"<title>{escape(row.title, quote=False)}</title>")
        for s in row.label:
            w.shape(s, out)
        out.append(
            f'<line x1="0" y1="{_n(row.height)}" x2="{_n(layout.label_width)}" y2="{_n(row.height)}" class="row-rule"/>'
        )
        out.append("</g>")
    out.append("</g>")


def _open(layout: MapLayout, width: float, height: float, view: str, extra_title: str = "") -> str:
    d = layout.dom_id
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="jl-map" id="{d}{extra_title}" '
        f'width="{_n(width)}" height="{_n(height)}" viewBox="{view}" role="img" '
        f'aria-labelledby="{d}{extra_title}-title {d}{extra_title}-desc">'
        f'<title id="{d}{extra_title}-title">{escape(layout.title, quote=False)}</title>'
        f'<desc id="{d}{extra_title}-desc">{escape(layout.summary + " " + layout.curve_description, quote=False)}</desc>'
    )


def render_svg(
    layout: MapLayout,
    *,
    scale: float = 1.0,
    tooltips: bool = True,
    step_tooltips: bool = True,
) -> str:
    """The whole map as one standalone SVG document (header, grid, curve, legend).

    `tooltips=False` leaves out the `<title>` tooltips (for PNG and PDF, which show none);
    `step_tooltips=False` only the tooltips of the steps' cells (the HTML shows details).
    """
    w = _Writer(layout.dom_id, tooltips=tooltips, step_tooltips=step_tooltips)
    body: list[str] = [
        f'<rect class="page" width="{_n(layout.width)}" height="{_n(layout.height)}"/>'
    ]
    body.append('<g class="header">')
    for g in layout.header:
        w.group(g, body)
    body.append("</g>")
    body.append('<g class="grid">')
    for row in layout.rows:
        _row(w, row, body)
    body.append("</g>")
    _labels(w, layout, body, 0.0)
    body.append(f'<g class="legend" data-top="{_n(layout.legend_top)}">')
    for g in layout.legend:
        w.group(g, body)
    body.append("</g>")
    head = _open(
        layout,
        layout.width * scale,
        layout.height * scale,
        f"0 0 {_n(layout.width)} {_n(layout.height)}",
    )
    return f"{head}<style>{CSS}</style>{w.defs()}{''.join(body)}</svg>"


def render_svg_page(
    layout: MapLayout, page: Page, *, inline_css: bool = True, tooltips: bool = False
) -> str:
    """One page of a split map (laid out by `paging.paginate`): lane titles, the page's
    columns and stage headers, a running title.

    Only what lies on the page is written (cells of its columns, the parts of lines,
    rules and curves that cross it), so printing a page costs the same on any map width.
    """
    w = _Writer(layout.dom_id, tooltips=tooltips, window=(page.x0, page.x1))
    body: list[str] = [
        f'<rect class="page" width="{_n(page.width)}" height="{_n(page.height)}"/>',
        f'<text x="0" y="18" font-size="13" class="lane-title">{escape(page.title, quote=False)}</text>',
    ]
    # No clip path (slow to print): the viewBox clips the right edge, the opaque lane
    # titles drawn on top hide anything left of the page's first column.
    body.append(f'<g transform="translate({_n(page.dx)} {_n(page.dy)})"><g>')
    for row in page.rows:
        _row(w, row, body, page.first, page.last)
    body.append("</g></g>")
    w.window = None
    body.append(f'<g transform="translate(0 {_n(page.title_height)})">')
    _labels(w, layout, body, layout.grid_top)
    body.append("</g>")
    head = _open(
        layout,
        page.width * page.scale,
        page.height * page.scale,
        f"0 0 {_n(page.width)} {_n(page.height)}",
        f"-p{page.number}",
    )
    style = f"<style>{CSS}</style>" if inline_css else ""
    return f"{head}{style}{w.defs()}{''.join(body)}</svg>"


def render_svg_cover(layout: MapLayout, cover: Cover, *, tooltips: bool = False) -> str:
    """The header (title, scope, persona cards, back-story) and the legend, for a cover page
    (laid out by `paging.cover`)."""
    w = _Writer(layout.dom_id, tooltips=tooltips)
    body: list[str] = [
        f'<rect class="page" width="{_n(cover.width)}" height="{_n(cover.height)}"/>'
    ]
    for g in layout.header:
        w.group(g, body)
    body.append(f'<g transform="translate(0 {_n(cover.legend_dy)})">')
    for g in layout.legend:
        w.group(g, body)
    body.append("</g>")
    head = _open(
        layout, cover.width, cover.height, f"0 0 {_n(cover.width)} {_n(cover.height)}", "-cover"
    )
    return f"{head}<style>{CSS}</style>{w.defs()}{''.join(body)}</svg>"
