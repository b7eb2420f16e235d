"""Renders carry uploaded pictures, and the header and lane titles show their text whole."""

from __future__ import annotations

import base64
from pathlib import Path

from typer.testing import CliRunner

from journeyline.cli import app
from journeyline.formats import save_workspace
from journeyline.model import LaneDefinition
from journeyline.render import layout_map, render_svg
from journeyline.render.shapes import Group, Text
from tests.conftest_render import trial_workspace
from tests.files_support import HTML, png

LONG_SCENARIO = (
    "Priya evaluates the tool during a fourteen-day trial, inviting two colleagues, "
    "connecting the company's data warehouse and presenting the result to her director "
    "before the budget meeting at the end of the quarter"
)


def _texts(groups: list[Group]) -> list[str]:
    return [line for g in groups for s in g.shapes if isinstance(s, Text) for line in s.lines]


def test_the_header_wraps_the_scenario_and_goal_instead_of_cutting_them() -> None:
    ws = trial_workspace()
    journey = ws.maps[0]
    journey.scenario = LONG_SCENARIO
    journey.goal = "Decide whether to buy, with evidence the whole team agrees with, " * 2
    layout = layout_map(journey, ws, width=1400, findings=[])
    band = next(g for g in layout.header if g.cls == "title-band")
    shown = " ".join(_texts([band]))
    assert "…" not in shown
    assert " ".join(LONG_SCENARIO.split()) in " ".join(shown.split())
    assert "before the budget meeting" in shown


def test_the_last_custom_lanes_title_is_whole_and_inside_its_row() -> None:
    ws = trial_workspace()
    journey = ws.maps[0]
    ws.lanes.append(LaneDefinition(id="rules", name="Regulations and compliance obligations"))
    journey.lanes = [*journey.lanes, "rules"]
    layout = layout_map(journey, ws, findings=[])
    row = layout.rows[-1]
    assert row.lane == "rules"
    title = next(s for s in row.label if isinstance(s, Text))
    assert " ".join(title.lines) == "Regulations and compliance obligations"
    bottom = title.y + title.line_height * (len(title.lines) - 1)
    assert bottom + 4 < row.height  # the last baseline (and descenders) inside the row
    assert row.y + row.height <= layout.legend_top


def test_cli_render_of_a_folder_embeds_its_pictures(tmp_path: Path) -> None:
    ws = trial_workspace()
    folder = tmp_path / "ws"
    step = ws.maps[0].stages[0].steps[0]
    step.image = "files/step.png"
    ws.personas[0].avatar = "files/face.png"
    ws.personas[1].avatar = "files/page.png"  # HTML named .png: never drawn
    ws.maps[0].stages[0].steps[1].image = "../outside.png"  # leaves the folder: not drawn
    if "images" not in ws.maps[0].lanes:
        ws.maps[0].lanes.append("images")
    save_workspace(ws, folder)
    (folder / "files").mkdir()
    (folder / "files" / "step.png").write_bytes(png(3, 3))
    (folder / "files" / "face.png").write_bytes(png(2, 2, (10, 200, 10)))
    (folder / "files" / "page.png").write_bytes(HTML)
    (tmp_path / "outside.png").write_bytes(png(5, 5))
    out = tmp_path / "map.svg"
    result = CliRunner().invoke(app, ["render", str(folder), "-m", ws.maps[0].id, "-o", str(out)])
    assert result.exit_code == 0, result.output
    svg = out.read_text(encoding="utf-8")
    assert base64.b64encode(png(3, 3)).decode() in svg
    assert base64.b64encode(png(5, 5)).decode() not in svg
    assert "files/step.png" not in svg
    assert "<script" not in svg and base64.b64encode(HTML).decode() not in svg


def test_a_data_uri_picture_is_drawn_as_given() -> None:
    ws = trial_workspace()
    data = "data:image/png;base64," + base64.b64encode(png()).decode()
    ws.maps[0].stages[0].steps[0].image = data
    if "images" not in ws.maps[0].lanes:
        ws.maps[0].lanes.append("images")
    assert data in render_svg(layout_map(ws.maps[0], ws, findings=[]))
