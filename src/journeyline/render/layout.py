"""Lay a journey map out once: columns per stage and step, rows per lane, the curve's points.

`layout_map` turns a map into a `MapLayout` (see `shapes`): pure geometry and wrapped
text, no I/O. The SVG, HTML, PNG and PDF writers only serialise that layout. Each lane's
cells come from its entry in the lane hook (`lanes.LANE_CELLS`); this module stacks the
rows: the stage headers, the step cards, then the chosen lanes in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from journeyline.errors import InvalidInput, NotFound
from journeyline.model import (
    DEFAULT_LANES,
    JourneyMap,
    Persona,
    Stage,
    StepKind,
    Workspace,
    Zone,
    did_you_mean,
    slugify,
)
from journeyline.model.customer_line import customer_line
from journeyline.render.cells import PAD, badge_flow, text_block
from journeyline.render.columns import compared_columns, plain_columns
from journeyline.render.context import MapContext, map_context
from journeyline.render.findings import FindingLike
from journeyline.render.grid import (
    label_height,
    row_label,
    rule_rows,
    stage_backgrounds,
    stage_head,
)
from journeyline.render.header import build_header, build_legend, persona_sheet, scope_items
from journeyline.render.lanes import SENTIMENT, CellSlot, cell_for, known_lanes, lane_title
from journeyline.render.sentiment import SentimentInput, build_sentiment_row
from journeyline.render.shapes import (
    Box,
    Column,
    Group,
    Icon,
    Line,
    MapLayout,
    Row,
    SeriesInfo,
    Shape,
    StageSpan,
    StageText,
    Text,
)
from journeyline.render.textversion import text_version as build_text_version

__all__ = ["FindingLike", "layout_map", "resolve_lanes", "resolve_persona"]

LABEL_WIDTH = 168.0
STEP_WIDTH = 196.0
MIN_STEP_WIDTH = 150.0
MAX_STEP_WIDTH = 280.0
MIN_MAP_WIDTH = 1080.0
ROW_MIN = 40.0
STAGE_ROW_MIN = 56.0
BACKSTAGE = "backstage"
BACKSTAGE_ROW_MIN = 66.0
"""The backstage row is tall enough for its note under the line of visibility."""
KIND_LABELS = {"action": "Action", "question": "Question", "decision": "Decision"}


def resolve_persona(journey: JourneyMap, workspace: Workspace, name: str) -> Persona:
    """The persona named by id or name (case-insensitive); NotFound with a suggestion otherwise."""
    candidates = workspace.personas_of(journey) or workspace.personas
    wanted = name.strip().lower()
    for persona in candidates:
        if persona.id.lower() == wanted or persona.name.strip().lower() == wanted:
            return persona
    names = [p.name for p in candidates] + [p.id for p in candidates]
    hint = did_you_mean(name, names)
    known = ", ".join(p.name for p in candidates) or "none"
    raise NotFound(
        f"no persona {name!r} on map {journey.name!r}"
        + (f" (did you mean {hint!r}?)" if hint else "")
        + f"; personas: {known}"
    )


def resolve_lanes(
    journey: JourneyMap, workspace: Workspace, lanes: Sequence[str] | None
) -> list[str]:
    """The lanes to draw, in order, checked against the registered and the workspace's lanes."""
    chosen = list(lanes) if lanes else list(journey.lanes or DEFAULT_LANES)
    known = known_lanes(lane.id for lane in workspace.lanes)
    result: list[str] = []
    for lane in chosen:
        name = lane.strip()
        if name not in known:
            hint = did_you_mean(name, known)
            raise InvalidInput(
                f"unknown lane {name!r}"
                + (f" (did you mean {hint!r}?)" if hint else "")
                + f"; lanes: {', '.join(known)}"
            )
        if name not in result:
            result.append(name)
    return result


def _step_card(ctx: MapContext, index: int, x: float) -> tuple[Group, float]:
    """A step's card, coloured and labelled by kind; returns the card and its row height."""
    col = ctx.columns[index]
    step = col.step
    kind = step.kind.value
    w = ctx.step_width - 2 * PAD
    inner = w - 22
    cx = x + PAD
    shapes: list[Shape] = []
    y = PAD + 9
    shapes.append(Icon(kind, cx + 12, y - 1, 14, f"kind-{kind}"))
    shapes.append(
        Text(cx + 30, y + 10, (KIND_LABELS[kind].upper(),), f"kind-label kind-{kind}", 10)
    )
    shapes.append(Text(cx + w - 10, y + 10, (str(index + 1),), "step-number", 10, anchor="end"))
    y += 20
    removed = col.status == "removed"
    name_shapes, h, _ = text_block(
        cx + 12, y, step.name, inner, 13, "step-name", bold=True, max_lines=3, strike=removed
    )
    shapes += name_shapes
    y += h + 2
    if step.kind == StepKind.decision and step.branches:
        names = {c.step.id: c.step.name for c in ctx.columns}
        for branch in step.branches[:4]:
            target = names.get(branch.to or "", "end of journey" if not branch.to else branch.to)
            more, h, _ = text_block(
                cx + 12, y, f"↳ {branch.label} → {target}", inner, 11, "branch", max_lines=2
            )
            shapes += more
            y += h
        if len(step.branches) > 4:
            more, h, _ = text_block(
                cx + 12, y, f"+{len(step.branches) - 4} more paths", inner, 11, "muted"
            )
            shapes += more
            y += h
        y += 2
    badges: list[tuple[str, str]] = []
    if step.moment_of_truth:
        badges.append(("★ Moment of truth", "b-moment"))
    if ctx.assumption(step.id):
        badges.append(("Assumption", "b-assumption"))
    elif evidence := ctx.evidence_badge(step.id):
        badges.append(evidence)
    if step.zone == Zone.backstage:
        badges.append(("Backstage", "b-backstage"))
    if col.status == "added":
        badges.append(("+ Added in TO-BE", "b-added"))
    elif removed:
        badges.append(("− Removed in TO-BE", "b-removed"))
    if badges:
        placed, h = badge_flow(cx + 12, y + 3, inner, badges)
        shapes += placed
        y += h + 5
    height = y + 8 - PAD
    card = Box(
        cx,
        PAD,
        w,
        height,
        f"card card-{kind}" + (" removed" if removed else ""),
        dashed=ctx.assumption(step.id) or removed,
    )
    accent = Box(cx, PAD, 5, height, f"accent-{kind}", rx=2.5)
    return Group(
        [card, accent, *shapes], "step-card", step=index, title=step.name
    ), height + 2 * PAD


@dataclass(frozen=True, slots=True)
class _Grid:
    """Column widths and positions: `xs[i]` is step column i's left edge."""

    step_width: float
    xs: list[float]
    total_width: float


def _grid(count: int, width: float | None) -> _Grid:
    """Step columns stretch or shrink (within limits) to fill `width`, else a minimum map width."""
    n = max(1, count)
    if width:
        step_width = min(MAX_STEP_WIDTH, max(MIN_STEP_WIDTH, (width - LABEL_WIDTH) / n))
    else:
        step_width = max(STEP_WIDTH, min(MAX_STEP_WIDTH, (MIN_MAP_WIDTH - LABEL_WIDTH) / n))
    step_width = round(step_width, 1)
    xs = [round(LABEL_WIDTH + i * step_width, 1) for i in range(count)]
    grid_right = LABEL_WIDTH + step_width * count
    total_width = round(
        max(grid_right, MIN_MAP_WIDTH if not width else min(width, MIN_MAP_WIDTH)), 1
    )
    return _Grid(step_width, xs, total_width)


def _stage_spans(stages: list[Stage], columns: list[Column], grid: _Grid) -> list[StageSpan]:
    """The columns each stage spans (stages with no step shown span none and are left out)."""
    spans: list[StageSpan] = []
    for stage_index, stage in enumerate(stages):
        owned = [c.index for c in columns if c.stage == stage_index]
        if owned:
            spans.append(
                StageSpan(
                    stage_index,
                    stage.name,
                    owned[0],
                    owned[-1],
                    grid.xs[owned[0]],
                    round(grid.step_width * len(owned), 1),
                )
            )
    return spans


def _stage_row(text_version: list[StageText], spans: list[StageSpan], y: float) -> Row:
    """The stage headers, all as tall as the tallest."""
    groups = []
    height = 0.0
    for span in spans:
        group, h = stage_head(text_version[span.index], span.index, span.x, span.width)
        groups.append(group)
        height = max(height, h)
    height = max(height, STAGE_ROW_MIN)
    for group in groups:
        frame = group.shapes[0]
        assert isinstance(frame, Box)
        frame.h = height - 6
    row = Row("stages", "Stages", y, height, toggleable=False)
    row.label = row_label("steps", "Stages", height, LABEL_WIDTH)
    row.cells = groups
    return row


def _steps_row(ctx: MapContext, spans: list[StageSpan], y: float) -> Row:
    """One card per step: kind, number, name, decision paths and badges."""
    cards = [_step_card(ctx, i, ctx.xs[i]) for i in range(len(ctx.columns))]
    height = max([h for _, h in cards] + [ROW_MIN])
    row = Row("steps", "Steps", y, height, toggleable=False)
    row.label = row_label("steps", "Steps", height, LABEL_WIDTH)
    row.background = stage_backgrounds(spans, height)
    row.cells = [g for g, _ in cards]
    return row


def _cell_row(ctx: MapContext, lane: str, y: float, spans: list[StageSpan]) -> Row:
    """A lane's row from its entry in the lane hook: one cell per step that has something
    to show, the row as tall as its tallest cell."""
    cell = cell_for(lane)
    width = ctx.step_width - 2 * PAD
    groups: list[Group] = []
    height = ROW_MIN
    for i, column in enumerate(ctx.columns):
        placed = cell(ctx, CellSlot(lane, i, column.step, ctx.xs[i] + PAD, width))
        if not placed.shapes:
            continue
        cls = "cell truncated" if placed.truncated else "cell"
        groups.append(Group(placed.shapes, cls, step=i, title=placed.title or None))
        height = max(height, placed.height)
    title = lane_title(lane, ctx.lane_names)
    # Never shorter than its title: the last row's would run into the legend below.
    height = max(height, label_height(title, LABEL_WIDTH))
    row = Row(lane, title, y, round(height, 1))
    if lane == BACKSTAGE:
        row.height = max(row.height, BACKSTAGE_ROW_MIN)
    row.label = row_label(lane, title, row.height, LABEL_WIDTH)
    row.background = stage_backgrounds(spans, row.height)
    row.cells = groups
    return row


def _line_of_visibility(row: Row, width: float) -> None:
    """Draw the dashed line of visibility along the top of the backstage row."""
    note, _, _ = text_block(
        40, 32, "below the line of visibility", LABEL_WIDTH - 52, 10, "muted", max_lines=2
    )
    row.label += [Line(0, 0, LABEL_WIDTH, 0, "visibility", dash="7 5"), *note]
    row.overlay.append(
        Group(
            [Line(LABEL_WIDTH, 0, width, 0, "visibility", dash="7 5")],
            "visibility",
            title="Line of visibility: above it what the customer sees, below it the backstage",
        )
    )


def _sentiment_row(
    sentiment: SentimentInput, spans: list[StageSpan], y: float, width: float
) -> tuple[Row, list[SeriesInfo], str]:
    """The sentiment lane, drawn across the steps: its row, its series and the curve in words."""
    row, series, description, _ = build_sentiment_row(sentiment, y, width)
    row.label = row_label(SENTIMENT, "Sentiment", row.height, LABEL_WIDTH) + row.label
    row.background = stage_backgrounds(spans, row.height) + row.background
    return row, series, description


def _lane_rows(
    ctx: MapContext,
    lane_ids: list[str],
    sentiment: SentimentInput,
    spans: list[StageSpan],
    y: float,
    width: float,
) -> tuple[list[Row], list[SeriesInfo], str]:
    """The chosen lanes' rows from `y` down, with the sentiment series and their description.

    The line of visibility tops the backstage row unless it follows the step cards.
    """
    rows: list[Row] = []
    series: list[SeriesInfo] = []
    description = ""
    previous = "steps"
    for lane in lane_ids:
        if lane == SENTIMENT:
            row, series, description = _sentiment_row(sentiment, spans, y, width)
        else:
            row = _cell_row(ctx, lane, y, spans)
            if lane == BACKSTAGE and previous != "steps":
                _line_of_visibility(row, width)
        rows.append(row)
        y += row.height
        previous = row.lane
    return rows, series, description


@dataclass(frozen=True, slots=True)
class _MapText:
    """What the map says in words beside the drawing."""

    summary: str
    unplaced: list[str]
    findings: list[str]
    evidence: list[str]


def _map_text(
    ctx: MapContext,
    lane_ids: list[str],
    spans: list[StageSpan],
    findings: Sequence[FindingLike],
) -> _MapText:
    """The one-line summary, pain points at no step shown, findings and evidence as text."""
    journey = ctx.journey
    shown = {c.step.id for c in ctx.columns}
    unplaced = [p.name for p in journey.pain_points if not p.step or p.step not in shown]
    evidence = [
        " — ".join(
            part
            for part in (
                e.name,
                e.kind.value.replace("_", " "),
                e.quote or e.summary or "",
                e.source or "",
            )
            if part
        )
        for e in [*journey.evidence, *ctx.workspace.evidence]
    ]
    titles = ", ".join(lane_title(lane, ctx.lane_names) for lane in lane_ids)
    summary = (
        f"Journey map '{journey.name}': {len(spans)} stages, {len(ctx.columns)} steps, "
        f"lanes: {titles}."
    )
    return _MapText(summary, unplaced, [f"{f.severity}: {f.message}" for f in findings], evidence)


def layout_map(
    journey: JourneyMap,
    workspace: Workspace | None = None,
    *,
    lanes: Sequence[str] | None = None,
    persona: str | None = None,
    compare: JourneyMap | None = None,
    findings: Sequence[FindingLike] | None = None,
    width: float | None = None,
) -> MapLayout:
    """Compute the whole map's geometry once: header, stage and step columns, lane rows,
    sentiment lines (one per persona, or AS-IS and TO-BE with `compare`), legend, and the
    text version. `width` asks for a total width; step columns stretch or shrink to fit it
    (within limits). Raises InvalidInput for unknown lanes and NotFound for unknown personas.
    """
    workspace = workspace or Workspace()
    findings = findings or ()
    lane_ids = resolve_lanes(journey, workspace, lanes)
    chosen = resolve_persona(journey, workspace, persona) if persona else None
    personas = [chosen] if chosen else workspace.personas_of(journey)
    persona_id = chosen.id if chosen else None
    if compare is not None:
        stages, columns = compared_columns(journey, compare, persona_id)
    else:
        stages, columns = plain_columns(journey, persona_id)

    grid = _grid(len(columns), width)
    xs, step_width, total_width = grid.xs, grid.step_width, grid.total_width
    dom_id = "jl-" + slugify(journey.id or journey.name, fallback="map", max_length=32)
    ctx = map_context(journey, workspace, compare, columns, xs, step_width, dom_id)
    layout_columns = [
        Column(i, c.stage_index, xs[i], step_width, c.step.id, c.step.name, c.status)
        for i, c in enumerate(columns)
    ]
    text_version = build_text_version(ctx, stages)
    spans = _stage_spans(stages, layout_columns, grid)

    # Header first: its height decides where the grid starts.
    header, header_height = build_header(journey, workspace, personas, total_width, ctx.assumption)
    stage_row = _stage_row(text_version, spans, header_height)
    steps_row = _steps_row(ctx, spans, header_height + stage_row.height)
    sentiment = SentimentInput(
        journey, compare, columns, xs, step_width, personas, persona_id, findings
    )
    lane_rows, series, curve_description = _lane_rows(
        ctx, lane_ids, sentiment, spans, steps_row.y + steps_row.height, total_width
    )
    rows = [stage_row, steps_row, *lane_rows]
    same_stage = [
        i > 0 and c.stage_index == columns[i - 1].stage_index for i, c in enumerate(columns)
    ]
    rule_rows(rows, xs, same_stage, spans, total_width)

    legend_top = rows[-1].y + rows[-1].height + 24
    customers = compare is None and SENTIMENT in lane_ids and bool(customer_line(journey))
    legend, legend_height = build_legend(
        total_width, series, compare is not None, legend_top, customers=customers
    )
    text = _map_text(ctx, lane_ids, spans, findings)
    return MapLayout(
        dom_id=dom_id,
        title=journey.name,
        width=total_width,
        height=round(legend_top + legend_height + 16, 1),
        label_width=LABEL_WIDTH,
        header_height=header_height,
        grid_top=header_height,
        legend_top=legend_top,
        header=header,
        rows=rows,
        legend=legend,
        columns=layout_columns,
        stages=spans,
        series=series,
        scope=scope_items(journey),
        summary=text.summary,
        curve_description=curve_description,
        text_version=text_version,
        unplaced=text.unplaced,
        findings=text.findings,
        personas=[persona_sheet(p, ctx.assumption(p.id)) for p in personas],
        evidence=text.evidence,
    )
