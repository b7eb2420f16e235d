"""The lane hook: built-in, custom and plug-in lanes all come from `LANE_CELLS`; the
renderer's modules import each other without cycles and without `importlib`."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from journeyline.errors import InvalidInput
from journeyline.model import Lane
from journeyline.render import Cell, CellSlot, layout_map, register_lane, render_html, render_svg
from journeyline.render.cells import text_cell
from journeyline.render.context import MapContext
from journeyline.render.lane_cells import BUILT_IN_CELLS
from journeyline.render.lanes import (
    LANE_CELLS,
    LANE_TITLES,
    SENTIMENT,
    cell_for,
    custom_lane_cell,
    unregister_lane,
)
from tests.conftest_render import trial_workspace

RENDER = Path(__file__).parent.parent / "src" / "journeyline" / "render"


def _hurts_cell(ctx: MapContext, slot: CellSlot) -> Cell:
    """A plug-in lane: how many pain points sit under the step, read from the context."""
    count = len(ctx.pains.get(slot.step.id, []))
    if not count:
        return Cell()
    text = f"{count} pain point" + ("" if count == 1 else "s") + f" at {slot.step.name}"
    shapes, height, cut = text_cell(slot.x, slot.width, text, "body", icon="pain")
    return Cell(shapes, height, title=text, truncated=cut)


@pytest.fixture
def hurts_lane() -> Iterator[str]:
    register_lane("hurts", _hurts_cell, title="Where it hurts", icon="pain")
    try:
        yield "hurts"
    finally:
        unregister_lane("hurts")


def test_a_plug_in_lane_is_laid_out_and_drawn(hurts_lane: str) -> None:
    ws = trial_workspace()
    journey = ws.maps[0]
    layout = layout_map(journey, ws, lanes=["actions", hurts_lane, "notes"])
    assert [row.lane for row in layout.rows] == ["stages", "steps", "actions", "hurts", "notes"]
    row = layout.rows[3]
    assert row.title == "Where it hurts"
    painful = {p.step for p in journey.pain_points if p.step}
    drawn = {layout.columns[g.step].step_id for g in row.cells if g.step is not None}
    assert drawn == painful and drawn
    svg = render_svg(layout)
    assert '<g class="row" data-lane="hurts"' in svg
    assert "<title>Where it hurts</title>" in svg
    assert '<symbol id="jl-i-pain"' in svg  # the icon it asked for is defined
    tips = re.findall(r"<title>(\d+ pain points? at [^<]*)</title>", svg)
    assert len(tips) == len(painful)  # each drawn cell, with the tooltip the lane gave it
    assert re.search(r'class="body"><tspan[^>]*>\d+ pain', svg)  # and its text, wrapped
    assert "lanes: Actions, Where it hurts, Notes." in layout.summary
    assert 'data-lane="hurts"' in render_html(layout)  # a lane toggle, like any lane


def test_a_plug_in_lane_is_offered_in_the_unknown_lane_error(hurts_lane: str) -> None:
    ws = trial_workspace()
    with pytest.raises(InvalidInput, match=r"did you mean 'hurts'\?.*notes, hurts, "):
        layout_map(ws.maps[0], ws, lanes=["hurst"])


def test_an_unregistered_lane_is_unknown_again() -> None:
    ws = trial_workspace()
    register_lane("hurts", _hurts_cell, title="Where it hurts")
    unregister_lane("hurts")
    with pytest.raises(InvalidInput, match="unknown lane 'hurts'"):
        layout_map(ws.maps[0], ws, lanes=["hurts"])


def test_a_plug_in_lane_without_an_icon_gets_the_custom_lanes_icon() -> None:
    ws = trial_workspace()
    register_lane("hurts", _hurts_cell, title="Where it hurts")
    try:
        svg = render_svg(layout_map(ws.maps[0], ws, lanes=["hurts"]))
    finally:
        unregister_lane("hurts")
    label = re.search(r'<g class="row-label" data-lane="hurts".*?</g>', svg)
    assert label is not None and 'href="#jl-i-custom"' in label.group(0)


@pytest.mark.parametrize("name", [SENTIMENT, "steps", "stages", " padded", ""])
def test_rows_the_layout_draws_itself_cannot_be_registered(name: str) -> None:
    with pytest.raises(ValueError):
        register_lane(name, _hurts_cell, title="x")
    assert LANE_CELLS.get(name) is None


def test_an_unknown_icon_is_refused_naming_the_icons() -> None:
    with pytest.raises(ValueError, match=r"unknown icon 'nope'.*touchpoint"):
        register_lane("hurts", _hurts_cell, title="x", icon="nope")
    assert "hurts" not in LANE_CELLS


def test_built_in_lanes_cannot_be_removed() -> None:
    with pytest.raises(ValueError, match="built-in"):
        unregister_lane("notes")
    assert LANE_CELLS["notes"] is BUILT_IN_CELLS["notes"]


def test_every_built_in_lane_has_a_title_and_all_but_the_sentiment_line_a_cell() -> None:
    assert set(LANE_TITLES) >= {lane.value for lane in Lane}
    assert {name for name in LANE_CELLS if name in set(Lane)} == {
        lane.value for lane in Lane if lane != Lane.sentiment
    }
    for name, cell in BUILT_IN_CELLS.items():
        assert LANE_CELLS[name] is cell


def test_custom_lanes_are_drawn_by_the_default_entry() -> None:
    ws = trial_workspace()
    custom = [lane.id for lane in ws.lanes]
    assert custom, "the trial workspace has a custom lane"
    assert all(lane not in LANE_CELLS and cell_for(lane) is custom_lane_cell for lane in custom)
    layout = layout_map(ws.maps[0], ws, lanes=custom)
    texts = {s.lanes[custom[0]] for s in ws.maps[0].steps() if s.lanes.get(custom[0])}
    titles = {g.title for g in layout.rows[2].cells}
    assert titles == texts


def _imports(path: Path) -> set[str]:
    """The journeyline modules (and importlib) a module imports, by dotted name."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _render_graph() -> dict[str, set[str]]:
    modules = {f"journeyline.render.{p.stem}": p for p in RENDER.glob("*.py")}
    modules["journeyline.render"] = modules.pop("journeyline.render.__init__")
    return {name: _imports(path) & set(modules) - {name} for name, path in modules.items()}


def test_no_renderer_module_imports_through_importlib() -> None:
    for path in RENDER.glob("*.py"):
        imports = _imports(path)
        assert not {"importlib", "importlib.import_module"} & imports, path.name


def test_the_renderer_modules_import_each_other_without_cycles() -> None:
    graph = _render_graph()
    graph.pop("journeyline.render")  # the package itself imports its parts
    for deps in graph.values():
        deps.discard("journeyline.render")  # `from journeyline.render import palette`
    seen: dict[str, int] = {}

    def visit(name: str, path: list[str]) -> None:
        if seen.get(name) == 2:
            return
        assert seen.get(name) != 1, "import cycle: " + " → ".join([*path, name])
        seen[name] = 1
        for dep in sorted(graph.get(name, ())):
            visit(dep, [*path, name])
        seen[name] = 2

    for name in sorted(graph):
        visit(name, [])


def test_the_svg_writer_only_serialises() -> None:
    """The SVG writer reads the layout model; it never calls back into layout or paging."""
    graph = _render_graph()
    layout_space = {
        "journeyline.render.layout",
        "journeyline.render.paging",
        "journeyline.render.lanes",
        "journeyline.render.lane_cells",
        "journeyline.render.grid",
        "journeyline.render.text",
        "journeyline.render.cells",
    }
    assert not graph["journeyline.render.svg"] & layout_space
