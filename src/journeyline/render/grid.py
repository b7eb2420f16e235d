"""The grid's furniture: lane titles at the left of each row, stage backgrounds and rules,
and the stage headers (laid out for the map, and again for each page of a split map)."""

from __future__ import annotations

from journeyline.render.cells import badge_flow, text_block
from journeyline.render.lanes import lane_icon
from journeyline.render.shapes import Box, Group, Icon, Line, Path, Row, Shape, StageSpan, StageText

LABEL_LINES = 3
"""Lines a lane's title may wrap to (a custom lane's name can be long)."""


def label_height(title: str, width: float) -> float:
    """How tall a row must be to show its title whole (up to `LABEL_LINES` lines)."""
    _, h, _ = text_block(
        40, 12, title, width - 52, 12.5, "lane-title", bold=True, max_lines=LABEL_LINES
    )
    return 12 + h + 12


def row_label(lane: str, title: str, height: float, width: float) -> list[Shape]:
    """The title of a row, after the lane's icon, on the label column's background."""
    shapes: list[Shape] = [Box(0, 0, width, height, "label-bg", rx=0)]
    body, _, _ = text_block(
        40, 12, title, width - 52, 12.5, "lane-title", bold=True, max_lines=LABEL_LINES
    )
    shapes.append(Icon(lane_icon(lane), 14, 11, 17, "label-icon"))
    shapes += body
    return shapes


def stage_backgrounds(spans: list[StageSpan], height: float) -> list[Shape]:
    """A row's background: stages in alternating shades."""
    return [Box(s.x, 0, s.width, height, f"stage-bg-{s.index % 2}", rx=0) for s in spans]


def stage_head(
    stage: StageText,
    index: int,
    x: float,
    width: float,
    cap: float | None = None,
    continued: bool = False,
) -> tuple[Group, float]:
    """The header of a stage column: name, duration, goal and expectations (also used per page)."""
    inner = width - 28
    y = 12.0
    name = stage.name + (" (continued)" if continued else "")
    shapes: list[Shape] = []
    body, h, _ = text_block(x + 14, y, name, inner, 15, "stage-name", bold=True, max_lines=2)
    shapes += body
    y += h + 2
    lines: list[tuple[str, str, float, int, bool]] = []
    if stage.duration:
        lines.append((f"Duration: {stage.duration}", "stage-muted", 11, 1, False))
    if stage.goal:
        lines.append((f"Goal: {stage.goal}", "stage-goal", 12, 3, False))
    if stage.expectations:
        lines.append(("Expects: " + "; ".join(stage.expectations), "stage-muted", 11, 2, False))
    for text, cls, size, max_lines, bold in lines:
        if cap is not None and y + size * 1.4 + 14 > cap:
            break
        allowed = max_lines
        if cap is not None:
            allowed = max(1, min(max_lines, int((cap - y - 14) // (size * 1.38))))
        body, h, _ = text_block(x + 14, y, text, inner, size, cls, bold=bold, max_lines=allowed)
        shapes += body
        y += h + 3
    if stage.assumption and (cap is None or y + 26 <= cap):
        placed, h = badge_flow(x + 14, y + 2, inner, [("Assumption", "b-assumption")])
        shapes += placed
        y += h + 4
    height = y + 10
    frame = Box(
        x + 3, 3, width - 6, (cap or height) - 6, f"stage-head stage-head-{index % 2}", rx=6
    )
    return Group([frame, *shapes], "stage", stage=index, title=stage.name), height


def rule_rows(
    rows: list[Row], xs: list[float], same_stage: list[bool], spans: list[StageSpan], width: float
) -> None:
    """Add each row's rules: one under it, dotted ones between the steps of a stage
    (`same_stage[i]`: column i is in the same stage as column i - 1), and the stage edges."""
    for row in rows:
        row.background.append(Line(0, row.height, width, row.height, "row-rule"))
        rules = "".join(f"M{xs[i]:g} 0V{row.height:g}" for i in range(1, len(xs)) if same_stage[i])
        if rules:
            row.background.append(Path(rules, "col-rule"))
        row.background.extend(Line(s.x, 0, s.x, row.height, "stage-rule") for s in spans)
