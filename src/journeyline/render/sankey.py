"""The paths view drawn as a Sankey: one layout (`layout_sankey`), written as SVG.

The input is a paths result in its JSON form (`journeyline.events.paths`), so a stored
result draws the same as a fresh one. Columns are positions around the anchor, a node's
height is its units, a link is a band as wide as its units. Every name is escaped; ids
come from positions, so the same result always gives the same bytes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from html import escape
from typing import Any

from journeyline.render import palette as p
from journeyline.render.svg import FONT_STACK, _n
from journeyline.render.text import fit_line

COLUMN = 190.0
BAR = 14.0
GAP = 10.0
TOP = 64.0
MARGIN = 24.0
HEIGHT = 420.0
LABEL = 11.0

ANCHOR_FILL = p.KIND["action"][1]
NODE_FILL = p.NEUTRAL_LINE
OTHER_FILL = "#94a3b8"
LINK_FILL = "#93c5fd"


@dataclass(frozen=True)
class SankeyNode:
    """A node's box and its label."""

    id: int
    x: float
    y: float
    height: float
    fill: str
    label: str
    title: str


@dataclass(frozen=True)
class SankeyLink:
    """A band from one node's right edge to another's left edge."""

    d: str
    title: str


@dataclass
class SankeyLayout:
    """Everything the writer draws, placed."""

    width: float
    height: float
    title: str
    summary: str
    headers: list[tuple[float, str]] = field(default_factory=list)
    nodes: list[SankeyNode] = field(default_factory=list)
    links: list[SankeyLink] = field(default_factory=list)


def _position_name(position: int) -> str:
    if position == 0:
        return "anchor"
    return f"{abs(position)} {'before' if position < 0 else 'after'}"


def layout_sankey(result: dict[str, Any]) -> SankeyLayout:
    """Place the nodes (stacked per position, heights to scale) and the link bands."""
    nodes = result["nodes"]
    positions = sorted({int(n["position"]) for n in nodes})
    column = {pos: i for i, pos in enumerate(positions)}
    per_column: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for n in nodes:
        per_column[int(n["position"])].append(n)
    tallest = max((sum(int(n["units"]) for n in c) for c in per_column.values()), default=0)
    most = max((len(c) for c in per_column.values()), default=1)
    scale = (HEIGHT - GAP * (most - 1)) / tallest if tallest else 0.0
    title = f"Paths around {result['anchor']}"
    unit = str(result.get("log", {}).get("unit", "unit"))
    layout = SankeyLayout(
        width=MARGIN * 2 + COLUMN * max(len(positions), 1),
        height=TOP + HEIGHT + MARGIN,
        title=title,
        summary=(
            f"{result['units']} {unit}s do {result['anchor']}; the {result['top']} commonest "
            f"events at each of {result['depth']} positions before and after it, the rest as Other."
        ),
    )
    box: dict[int, tuple[float, float, float]] = {}
    for pos in positions:
        x = MARGIN + COLUMN * column[pos]
        layout.headers.append((x, _position_name(pos)))
        y = TOP
        for n in per_column[pos]:
            h = max(int(n["units"]) * scale, 1.0)
            box[int(n["id"])] = (x, y, h)
            name = str(n["name"])
            fill = ANCHOR_FILL if pos == 0 else OTHER_FILL if name == "Other" else NODE_FILL
            text = fit_line(f"{name} ({n['units']})", COLUMN - BAR - 8, LABEL).lines[0]
            layout.nodes.append(
                SankeyNode(
                    int(n["id"]), x, y, h, fill, text, f"{name}: {n['units']} ({n['share']:.1%})"
                )
            )
            y += h + GAP
    names = {int(n["id"]): str(n["name"]) for n in nodes}
    out_used: dict[int, float] = defaultdict(float)
    in_used: dict[int, float] = defaultdict(float)
    ordered = sorted(result["links"], key=lambda k: (box[k["source"]][1], box[k["target"]][1]))
    for link in ordered:
        s, t, units = int(link["source"]), int(link["target"]), int(link["units"])
        sx, sy, _ = box[s]
        tx, ty, _ = box[t]
        h = max(units * scale, 0.5)
        y0 = sy + out_used[s]
        y1 = ty + in_used[t]
        out_used[s] += units * scale
        in_used[t] += units * scale
        x0, x1 = sx + BAR, tx
        xm = (x0 + x1) / 2
        d = (
            f"M{_n(x0)} {_n(y0)}C{_n(xm)} {_n(y0)} {_n(xm)} {_n(y1)} {_n(x1)} {_n(y1)}"
            f"L{_n(x1)} {_n(y1 + h)}C{_n(xm)} {_n(y1 + h)} {_n(xm)} {_n(y0 + h)} {_n(x0)} {_n(y0 + h)}Z"
        )
        layout.links.append(SankeyLink(d, f"{names[s]} → {names[t]}: {units}"))
    return layout


def _t(text: str) -> str:
    """Text as SVG character data: every name is escaped."""
    return escape(text, quote=False)


def render_sankey_svg(result: dict[str, Any]) -> str:
    """The paths result as a standalone SVG document."""
    layout = layout_sankey(result)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="jl-paths" width="{_n(layout.width)}" '
        f'height="{_n(layout.height)}" viewBox="0 0 {_n(layout.width)} {_n(layout.height)}" '
        'role="img" aria-labelledby="jl-paths-title jl-paths-desc">'
        f'<title id="jl-paths-title">{_t(layout.title)}</title>'
        f'<desc id="jl-paths-desc">{_t(layout.summary)}</desc>'
        f"<style>.jl-paths{{font-family:{FONT_STACK};}}.jl-paths text{{white-space:pre;fill:{p.INK}}}"
        f".jl-paths .muted{{fill:{p.MUTED}}}.jl-paths .link{{fill:{LINK_FILL};fill-opacity:.55}}</style>",
        f'<rect width="{_n(layout.width)}" height="{_n(layout.height)}" fill="{p.PAGE}"/>',
        f'<text x="{_n(MARGIN)}" y="26" font-size="16" font-weight="700">{_t(layout.title)}</text>',
    ]
    for x, name in layout.headers:
        out.append(
            f'<text class="muted" x="{_n(x)}" y="{_n(TOP - 12)}" font-size="11">{_t(name)}</text>'
        )
    out.append('<g class="links">')
    for link in layout.links:
        out.append(f'<path class="link" d="{link.d}"><title>{_t(link.title)}</title></path>')
    out.append('</g><g class="nodes">')
    for node in layout.nodes:
        out.append(
            f'<g id="jl-paths-node-{node.id}"><rect x="{_n(node.x)}" y="{_n(node.y)}" '
            f'width="{_n(BAR)}" height="{_n(node.height)}" fill="{node.fill}">'
            f"<title>{_t(node.title)}</title></rect>"
            f'<text x="{_n(node.x + BAR + 4)}" y="{_n(node.y + min(node.height, 24) / 2 + 4)}" '
            f'font-size="{_n(LABEL)}">{_t(node.label)}</text></g>'
        )
    out.append("</g></svg>")
    return "".join(out)
