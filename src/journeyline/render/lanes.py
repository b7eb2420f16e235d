"""The lane hook: each lane the renderer draws is an entry in `LANE_CELLS`, built-in or plug-in.

A lane is a row of the map grid; `layout_map` asks the lane's entry for one cell per
step and stacks the row from what it gets back. The built-in lanes (`lane_cells.py`)
are added with `register_lane`, exactly as a plug-in lane is:

    from journeyline.render.cells import text_cell
    from journeyline.render.lanes import Cell, CellSlot, register_lane

    def quotes_cell(ctx: MapContext, slot: CellSlot) -> Cell:
        shapes, height, cut = text_cell(slot.x, slot.width, slot.step.lanes.get("quotes"), "body")
        return Cell(shapes, height, title=slot.step.lanes.get("quotes") or "", truncated=cut)

    register_lane("quotes", quotes_cell, title="Customer quotes")

A workspace's custom lanes need no entry: a lane with none is drawn by
`custom_lane_cell`, the default entry, from the text each step keeps under the lane's id.
The sentiment lane is the one lane drawn across the steps rather than cell by cell
(`render/sentiment.py`); it has a title and an icon here but no cell.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from journeyline.model import Lane, Step
from journeyline.render.cells import text_cell
from journeyline.render.context import MapContext
from journeyline.render.icons import ICONS
from journeyline.render.shapes import Shape

SENTIMENT = "sentiment"
"""The lane drawn across the steps (one line per persona), not cell by cell."""

RESERVED = frozenset({"stages", "steps"})
"""Rows every map has, which no lane may be called."""


@dataclass(slots=True)
class CellSlot:
    """Where one step's cell in a lane goes: the lane, the step and its column, and the
    left edge and width of the cell's content (its padding already taken off)."""

    lane: str
    index: int
    step: Step
    x: float
    width: float


@dataclass(slots=True)
class Cell:
    """What a lane's cell holds for one step: shapes placed from the cell's top (y = 0),
    the height they need, the tooltip text, and whether text was cut short. A cell with
    no shapes is not drawn."""

    shapes: list[Shape] = field(default_factory=list)
    height: float = 0.0
    title: str = ""
    truncated: bool = False


LaneCell = Callable[[MapContext, CellSlot], Cell]
"""Lays out one step's cell in a lane; pure geometry, reading the map through the context."""

LANE_CELLS: dict[str, LaneCell] = {}
"""Lane name → the function that lays out that lane's cell for a step (see `cell_for`)."""

LANE_TITLES: dict[str, str] = {SENTIMENT: "Sentiment"}
"""Lane name → the title shown at the left of its row."""

LANE_ICONS: dict[str, str] = {SENTIMENT: SENTIMENT, "steps": "steps"}
"""Lane name → the icon beside its title (a name in `render/icons.py`)."""

CUSTOM_ICON = "custom"
"""The icon of a workspace's custom lanes, and of plug-in lanes that name none."""


def register_lane(name: str, cell: LaneCell, *, title: str, icon: str = CUSTOM_ICON) -> None:
    """Add a lane the renderer can draw, or replace the one with that name.

    `cell` lays out the lane's cell for each step, `title` heads its row and `icon` (a
    name in `render/icons.py`) goes beside the title. Once registered, the lane can be
    chosen like a built-in one (`layout_map(..., lanes=[...])`, a map's `lanes`).
    Raises ValueError for the sentiment lane, the stage and step rows, and unknown icons.
    """
    if name == SENTIMENT or name in RESERVED:
        raise ValueError(f"the {name!r} row is drawn by the layout itself; pick another name")
    if not name.strip() or name != name.strip():
        raise ValueError(f"a lane's name must be non-empty without surrounding spaces: {name!r}")
    if icon not in ICONS:
        raise ValueError(f"unknown icon {icon!r} for lane {name!r}; icons: {', '.join(ICONS)}")
    LANE_CELLS[name] = cell
    LANE_TITLES[name] = title
    LANE_ICONS[name] = icon


def unregister_lane(name: str) -> None:
    """Remove a plug-in lane (a built-in one cannot be removed: maps name them)."""
    if name in {lane.value for lane in Lane}:
        raise ValueError(f"{name!r} is a built-in lane and cannot be removed")
    for table in (LANE_CELLS, LANE_TITLES, LANE_ICONS):
        table.pop(name, None)


def custom_lane_cell(ctx: MapContext, slot: CellSlot) -> Cell:
    """The default entry: a custom lane's cell is the text the step keeps under the lane's id."""
    text = slot.step.lanes.get(slot.lane)
    shapes, height, cut = text_cell(slot.x, slot.width, text, "body", max_lines=6)
    return Cell(shapes, height, text or "", cut)


def cell_for(lane: str) -> LaneCell:
    """The function that lays out `lane`'s cells: its entry, else the custom lanes' default."""
    return LANE_CELLS.get(lane, custom_lane_cell)


def lane_title(lane: str, custom_names: dict[str, str]) -> str:
    """The title of a lane's row: a registered lane's title, a custom lane's name, else its id."""
    return LANE_TITLES.get(lane) or custom_names.get(lane, lane)


def lane_icon(lane: str) -> str:
    """The icon beside a row's title (custom lanes share one)."""
    return LANE_ICONS.get(lane, CUSTOM_ICON)


def known_lanes(custom: Iterable[str]) -> list[str]:
    """Every lane a map may show, as listed in errors: the built-in lanes in their order,
    then plug-in lanes in registration order, then the workspace's custom lanes by id."""
    built_in = [lane.value for lane in Lane]
    plug_ins = [name for name in LANE_TITLES if name not in built_in]
    return built_in + plug_ins + sorted(custom)
