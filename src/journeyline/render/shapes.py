"""The layout model: what the renderer draws and where, before any output format.

A layout is made of a few primitive shapes (boxes, text, icons, lines, paths, faces,
markers, images) grouped per cell, with every size and position already decided.
Writers (SVG, HTML, PNG, PDF) only serialise it; nothing here knows any output format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(slots=True)
class Box:
    """A rectangle; `dashed` marks an assumption (no evidence) or a removed step."""

    x: float
    y: float
    w: float
    h: float
    cls: str
    rx: float = 6.0
    dashed: bool = False


@dataclass(slots=True)
class Text:
    """Lines of text; `y` is the baseline of the first line."""

    x: float
    y: float
    lines: tuple[str, ...]
    cls: str
    size: float
    line_height: float = 0.0
    anchor: Literal["start", "middle", "end"] = "start"
    strike: bool = False


@dataclass(slots=True)
class Icon:
    """A line icon from `icons.ICONS`, drawn in a square of side `size`."""

    name: str
    x: float
    y: float
    size: float
    cls: str


@dataclass(slots=True)
class Line:
    """A straight line; `dash` is an SVG dash pattern ('' for solid)."""

    x1: float
    y1: float
    x2: float
    y2: float
    cls: str
    dash: str = ""


@dataclass(slots=True)
class Path:
    """A path in SVG path syntax, e.g. the smooth sentiment curve."""

    d: str
    cls: str
    colour: str = ""
    dash: str = ""


@dataclass(slots=True)
class Face:
    """A face at a sentiment point: its mouth curves with the score (normalised -1 … +1)."""

    cx: float
    cy: float
    r: float
    normalized: float
    fill: str


@dataclass(slots=True)
class Marker:
    """A point marker on a sentiment line of a multi-persona or compared map."""

    shape: Literal["circle", "square", "diamond", "triangle"]
    cx: float
    cy: float
    r: float
    colour: str


@dataclass(slots=True)
class Image:
    """A picture from a safe URL (data:, https: or relative); `round` clips it to a circle."""

    href: str
    x: float
    y: float
    w: float
    h: float
    round: bool = False


Shape = Box | Text | Icon | Line | Path | Face | Marker | Image


@dataclass(slots=True)
class Group:
    """Shapes that belong together: one cell of the grid, a card, a curve, a legend entry.

    `step` and `stage` say which column(s) the group belongs to (used for hover details
    and for splitting wide maps across pages); `title` is the full text for a tooltip.
    """

    shapes: list[Shape]
    cls: str = ""
    step: int | None = None
    stage: int | None = None
    title: str | None = None


@dataclass(slots=True)
class Row:
    """One row of the grid: a lane, or the stage and step header rows.

    Shapes are placed relative to the row's top; the label sits in the left column.
    """

    lane: str
    title: str
    y: float
    height: float
    label: list[Shape] = field(default_factory=list)
    background: list[Shape] = field(default_factory=list)
    cells: list[Group] = field(default_factory=list)
    overlay: list[Group] = field(default_factory=list)
    toggleable: bool = True


@dataclass(slots=True)
class Column:
    """One step column: where it is, which stage it belongs to, and its AS-IS/TO-BE status."""

    index: int
    stage: int
    x: float
    width: float
    step_id: str
    name: str
    status: Literal["", "added", "removed"] = ""

    @property
    def centre(self) -> float:
        """Horizontal centre of the column, where the sentiment point sits."""
        return self.x + self.width / 2


@dataclass(slots=True)
class StageSpan:
    """A stage: the first and last column it covers."""

    index: int
    name: str
    first: int
    last: int
    x: float
    width: float


@dataclass(slots=True)
class SeriesInfo:
    """One sentiment line as the legend and the text version describe it."""

    label: str
    colour: str
    dash: str
    marker: Literal["circle", "square", "diamond", "triangle"]
    points: list[tuple[int, float]]


@dataclass(slots=True)
class StepText:
    """A step in full, for the linear text version and the hover details."""

    index: int
    dom_id: str
    name: str
    kind: str
    stage: str
    fields: list[tuple[str, str]]
    pain_points: list[str]
    opportunities: list[str]
    evidence: list[str]
    branches: list[str]
    assumption: bool
    moment_of_truth: bool
    status: str = ""


@dataclass(slots=True)
class StageText:
    """A stage in full, for the linear text version."""

    name: str
    goal: str
    duration: str
    expectations: list[str]
    assumption: bool
    steps: list[StepText]


@dataclass(slots=True)
class PersonaSheet:
    """A persona's factsheet, exported on its own page."""

    name: str
    role: str
    avatar_kind: Literal["image", "emoji", "initials"]
    avatar: str
    quote: str
    bio: str
    facts: list[tuple[str, str]]
    sections: list[tuple[str, list[str]]]
    assumption: bool


@dataclass(slots=True)
class MapLayout:
    """Everything a writer needs to draw one journey map, all sizes decided."""

    dom_id: str
    title: str
    width: float
    height: float
    label_width: float
    header_height: float
    grid_top: float
    legend_top: float
    header: list[Group]
    rows: list[Row]
    legend: list[Group]
    columns: list[Column]
    stages: list[StageSpan]
    series: list[SeriesInfo]
    scope: list[tuple[str, str]]
    summary: str
    curve_description: str
    text_version: list[StageText]
    unplaced: list[str]
    findings: list[str]
    personas: list[PersonaSheet]
    evidence: list[str]


@dataclass(slots=True)
class Page:
    """One page of a split map, laid out: step columns `first`..`last` (the band `x0`..`x1`
    of the map), its own stage headers (`stage_cells`), its rows, its size and running title.

    The page shows the map's grid shifted by (`dx`, `dy`) under a running title
    `title_height` tall; the lane titles are drawn over its left edge. Drawn at `scale`.
    """

    number: int
    first: int
    last: int
    x0: float
    x1: float
    scale: float
    stage_cells: list[Group]
    width: float
    height: float
    dx: float
    dy: float
    title: str
    title_height: float
    rows: list[Row]


@dataclass(slots=True)
class Cover:
    """The cover of a split map: the header, then the legend moved up `legend_dy` under it."""

    width: float
    height: float
    legend_dy: float


@dataclass(slots=True)
class PrintLayout:
    """A map set for printing: the whole map on one page sized to it at `scale` ('fit'),
    or a cover and pages of whole columns on landscape paper (`page_width` × `page_height`
    printable CSS pixels inside `margin_mm`)."""

    paper: str
    scale: float
    page_width: float
    page_height: float
    margin_mm: float
    cover: Cover | None = None
    pages: list[Page] = field(default_factory=list)
