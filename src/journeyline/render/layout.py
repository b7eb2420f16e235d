"""Lay a journey map out once: columns per stage and step, rows per lane, the curve's points.

`layout_map` turns a map into a `MapLayout` (see `shapes`): pure geometry and wrapped
text, no I/O. The SVG, HTML, PNG and PDF writers only serialise that layout.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from journeyline.errors import InvalidInput, NotFound
from journeyline.model import (
    DEFAULT_LANES,
    JourneyMap,
    Lane,
    Persona,
    Step,
    StepKind,
    Workspace,
    Zone,
    did_you_mean,
    slugify,
)
from journeyline.render.cells import badge_flow, text_block
from journeyline.render.columns import StepColumn, compared_columns, plain_columns
from journeyline.render.header import build_header, build_legend, persona_sheet, scope_items
from journeyline.render.icons import channel_icon, channel_label
from journeyline.render.safety import safe_url
from journeyline.render.sentiment import SentimentInput, build_sentiment_row
from journeyline.render.shapes import (
    Box,
    Column,
    Group,
    Icon,
    Image,
    Line,
    MapLayout,
    Path,
    Row,
    SeriesInfo,
    Shape,
    StageSpan,
    StageText,
    Text,
)
from journeyline.render.textversion import metric_lines
from journeyline.render.textversion import text_version as build_text_version

LABEL_WIDTH = 168.0
STEP_WIDTH = 196.0
MIN_STEP_WIDTH = 150.0
MAX_STEP_WIDTH = 280.0
MIN_MAP_WIDTH = 1080.0
PAD = 8.0
ROW_MIN = 40.0
GRID_GAP = 0.0

LANE_TITLES: dict[str, str] = {
    "actions": "Actions",
    "touchpoints": "Touchpoints",
    "channels": "Channels",
    "thinks": "Thinks",
    "feels": "Feels",
    "sentiment": "Sentiment",
    "pain_points": "Pain points",
    "opportunities": "Opportunities",
    "backstage": "Backstage",
    "metrics": "Metrics",
    "images": "Images",
    "notes": "Notes",
}
KIND_LABELS = {"action": "Action", "question": "Question", "decision": "Decision"}
IMPACT_LABELS = {"trivial": "Trivial", "workaround": "Workaround", "abandon": "Abandon"}


class FindingLike(Protocol):
    """What the renderer reads from an analysis finding (see `journeyline.analysis.Finding`)."""

    @property
    def kind(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def step_id(self) -> str | None: ...
    @property
    def persona(self) -> str | None: ...
    @property
    def message(self) -> str: ...


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
    """The lanes to draw, in order, checked against the built-in and the workspace's lanes."""
    chosen = list(lanes) if lanes else list(journey.lanes or DEFAULT_LANES)
    custom = {lane.id for lane in workspace.lanes}
    known = [lane.value for lane in Lane] + sorted(custom)
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


@dataclass
class _Context:
    journey: JourneyMap
    workspace: Workspace
    columns: list[StepColumn]
    xs: list[float]
    step_width: float
    evidenced: set[str]
    dom_id: str
    pains: dict[str, list[int]]
    opportunities: dict[str, list[int]]
    lane_names: dict[str, str]

    def assumption(self, element_id: str) -> bool:
        return bool(element_id) and element_id not in self.evidenced


def _evidenced(journey: JourneyMap, workspace: Workspace, compare: JourneyMap | None) -> set[str]:
    ids = journey.evidenced_ids() | {link for e in workspace.evidence for link in e.links}
    if compare is not None:
        ids |= compare.evidenced_ids()
    return ids


def _by_step(
    journey: JourneyMap, compare: JourneyMap | None
) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    pains: dict[str, list[int]] = {}
    for i, pain in enumerate(journey.pain_points):
        if pain.step:
            pains.setdefault(pain.step, []).append(i)
    pain_step = {p.id: p.step for p in journey.pain_points if p.step}
    opps: dict[str, list[int]] = {}
    for i, opp in enumerate(journey.opportunities):
        targets = list(opp.steps) or [pain_step[p] for p in opp.pain_points if p in pain_step]
        if targets:
            opps.setdefault(str(targets[0]), []).append(i)
    return pains, opps


def _step_card(ctx: _Context, index: int, x: float) -> tuple[Group, float]:
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


def _text_cell(
    x: float,
    w: float,
    text: str | None,
    cls: str,
    *,
    icon: str | None = None,
    max_lines: int = 6,
    size: float = 12,
    bold: bool = False,
) -> tuple[list[Shape], float, bool]:
    if not text or not text.strip():
        return [], 0.0, False
    offset = 20.0 if icon else 0.0
    shapes, h, cut = text_block(
        x + offset, PAD, text, w - offset, size, cls, bold=bold, max_lines=max_lines
    )
    if icon:
        shapes.insert(0, Icon(icon, x, PAD + 0.5, 15, "lane-icon"))
    return shapes, h + 2 * PAD, cut


def _pain_cards(
    ctx: _Context, step: Step, x: float, w: float
) -> tuple[list[Shape], float, list[str]]:
    shapes: list[Shape] = []
    titles: list[str] = []
    y = PAD
    indices = ctx.pains.get(step.id, [])
    for i in indices[:4]:
        pain = ctx.journey.pain_points[i]
        impact = pain.impact.value
        top = y
        label = IMPACT_LABELS[impact]
        marks = {"trivial": "●", "workaround": "●●", "abandon": "●●●"}[impact]
        flow = [(f"{marks} {label}", f"b-impact-{impact}")]
        if pain.reach is not None:
            flow.append((f"{round(pain.reach * 100)}% reach", "b-plain"))
        if ctx.assumption(pain.id):
            flow.append(("Assumption", "b-assumption"))
        placed, h = badge_flow(x + 8, y + 7, w - 16, flow)
        y += 7 + h + 4
        body, th, _ = text_block(x + 8, y, pain.name, w - 16, 12, "pain-text", max_lines=4)
        y += th + 7
        shapes.append(Box(x, top, w, y - top, "pain", dashed=ctx.assumption(pain.id)))
        shapes.extend(placed)
        shapes.extend(body)
        titles.append(
            f"Pain point ({label}): {pain.name}"
            + (f" — {pain.description}" if pain.description else "")
        )
        y += 6
    if len(indices) > 4:
        more, h, _ = text_block(x, y, f"+{len(indices) - 4} more pain points", w, 11, "muted")
        shapes += more
        y += h
    return shapes, (y + PAD if indices else 0.0), titles


def _opportunity_cards(
    ctx: _Context, step: Step, x: float, w: float
) -> tuple[list[Shape], float, list[str]]:
    shapes: list[Shape] = []
    titles: list[str] = []
    y = PAD
    indices = ctx.opportunities.get(step.id, [])
    for i in indices[:3]:
        opp = ctx.journey.opportunities[i]
        top = y
        body, th, _ = text_block(x + 26, y + 7, opp.name, w - 34, 12, "opp-text", max_lines=4)
        y += 7 + max(th, 16) + 3
        meta = [f"▲ {opp.votes} vote" + ("" if opp.votes == 1 else "s")]
        if opp.owner:
            meta.append(opp.owner)
        meta_shapes, mh, _ = text_block(
            x + 26, y, " · ".join(meta), w - 34, 10.5, "opp-meta", bold=True, max_lines=2
        )
        y += mh
        status = opp.status.value.replace("_", " ").capitalize()
        extra = [status] + ([f"effort {opp.effort.value.upper()}"] if opp.effort else [])
        extra += [f"impact {opp.impact.value}"] if opp.impact else []
        ex_shapes, eh, _ = text_block(
            x + 26, y, " · ".join(extra), w - 34, 10.5, "muted-on-card", max_lines=2
        )
        y += eh + 7
        shapes.append(Box(x, top, w, y - top, "opp"))
        shapes.append(Icon("opportunity", x + 6, top + 7, 15, "opp-icon"))
        shapes += body + meta_shapes + ex_shapes
        titles.append(f"Opportunity: {opp.name} ({' · '.join(meta + extra)})")
        y += 6
    if len(indices) > 3:
        more, h, _ = text_block(x, y, f"+{len(indices) - 3} more ideas", w, 11, "muted")
        shapes += more
        y += h
    return shapes, (y + PAD if indices else 0.0), titles


def _backstage_cell(
    ctx: _Context, step: Step, x: float, w: float
) -> tuple[list[Shape], float, str]:
    shapes: list[Shape] = []
    y = PAD
    title = ""
    if step.zone == Zone.backstage:
        text = step.does or step.description or step.name
        body, h, _ = text_block(x + 8, y + 7, text, w - 16, 12, "backstage-text", max_lines=5)
        shapes.append(Box(x, y, w, h + 14, "backstage-card"))
        shapes += body
        y += h + 14 + 6
        title = text
    if step.actors:
        actors = ", ".join(step.actors)
        body, h, _ = text_block(x + 20, y, actors, w - 20, 11, "muted", max_lines=3)
        shapes.append(Icon("face_to_face", x, y + 0.5, 14, "lane-icon"))
        shapes += body
        y += h
        title = (title + " — " if title else "") + "Actors: " + actors
    return shapes, (y + PAD if shapes else 0.0), title


def _metrics_cell(step: Step, x: float, w: float) -> tuple[list[Shape], float, str]:
    lines = metric_lines(step)
    shapes: list[Shape] = []
    y = PAD
    for line in lines[:6]:
        body, h, _ = text_block(x + 20, y, line, w - 20, 11, "metric", max_lines=2)
        shapes += body
        y += h + 2
    if lines:
        shapes.insert(0, Icon("metrics", x, PAD + 0.5, 14, "lane-icon"))
    return shapes, (y + PAD if lines else 0.0), "; ".join(lines)


def _image_cell(step: Step, x: float, w: float) -> tuple[list[Shape], float]:
    if not step.image:
        return [], 0.0
    href = safe_url(step.image)
    if href is None:
        shapes, h, _ = text_block(
            x,
            PAD,
            "Image not shown: only data:, https: and relative addresses are drawn.",
            w,
            10.5,
            "muted",
            max_lines=3,
        )
        return shapes, h + 2 * PAD
    return [
        Box(x, PAD, w, 104, "image-frame", rx=4),
        Image(href, x + 2, PAD + 2, w - 4, 100),
    ], 104 + 2 * PAD


def _cell(ctx: _Context, lane: str, index: int, x: float) -> tuple[Group | None, float]:
    col = ctx.columns[index]
    step = col.step
    w = ctx.step_width - 2 * PAD
    cx = x + PAD
    shapes: list[Shape]
    title = ""
    cut = False
    if lane == "actions":
        text = step.does if step.zone == Zone.frontstage else None
        shapes, h, cut = _text_cell(cx, w, text, "body", max_lines=6)
        title = text or ""
    elif lane == "touchpoints":
        shapes, h, cut = _text_cell(cx, w, step.touchpoint, "body", icon="touchpoint", max_lines=3)
        title = step.touchpoint or ""
    elif lane == "channels":
        label = channel_label(step.channel) if step.channel else None
        shapes, h, cut = _text_cell(
            cx, w, label, "body", icon=channel_icon(step.channel or ""), max_lines=2
        )
        title = label or ""
    elif lane == "thinks":
        text = f"“{step.thinks.strip()}”" if step.thinks and step.thinks.strip() else None
        shapes, h, cut = _text_cell(cx + 10, w - 20, text, "think-text", max_lines=5)
        if shapes:
            shapes.insert(0, Box(cx, PAD - 6, w, h - 2 * PAD + 12, "think", rx=14))
            h += 6
        title = step.thinks or ""
    elif lane == "feels":
        shapes, h, cut = _text_cell(cx, w, step.feels, "body", icon="feels", max_lines=4)
        title = step.feels or ""
    elif lane == "pain_points":
        shapes, h, titles = _pain_cards(ctx, step, cx, w)
        title = "\n".join(titles)
    elif lane == "opportunities":
        shapes, h, titles = _opportunity_cards(ctx, step, cx, w)
        title = "\n".join(titles)
    elif lane == "backstage":
        shapes, h, title = _backstage_cell(ctx, step, cx, w)
    elif lane == "metrics":
        shapes, h, title = _metrics_cell(step, cx, w)
    elif lane == "images":
        shapes, h = _image_cell(step, cx, w)
    elif lane == "notes":
        shapes, h, cut = _text_cell(cx, w, step.notes, "body", icon="notes", max_lines=6)
        title = step.notes or ""
    else:
        text = step.lanes.get(lane)
        shapes, h, cut = _text_cell(cx, w, text, "body", max_lines=6)
        title = text or ""
    if not shapes:
        return None, 0.0
    cls = "cell truncated" if cut else "cell"
    return Group(shapes, cls, step=index, title=title or None), h


def _row_label(lane: str, title: str, height: float, width: float) -> list[Shape]:
    icon = lane if lane in LANE_TITLES or lane == "steps" else "custom"
    shapes: list[Shape] = [Box(0, 0, width, height, "label-bg", rx=0)]
    body, _, _ = text_block(40, 12, title, width - 52, 12.5, "lane-title", bold=True, max_lines=2)
    shapes.append(Icon(icon, 14, 11, 17, "label-icon"))
    shapes += body
    return shapes


def _stage_backgrounds(spans: list[StageSpan], height: float) -> list[Shape]:
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
    lane_ids = resolve_lanes(journey, workspace, lanes)
    chosen = resolve_persona(journey, workspace, persona) if persona else None
    personas = [chosen] if chosen else workspace.personas_of(journey)
    persona_id = chosen.id if chosen else None
    if compare is not None:
        stages, columns = compared_columns(journey, compare, persona_id)
    else:
        stages, columns = plain_columns(journey, persona_id)

    n = max(1, len(columns))
    if width:
        step_width = min(MAX_STEP_WIDTH, max(MIN_STEP_WIDTH, (width - LABEL_WIDTH) / n))
    else:
        step_width = max(STEP_WIDTH, min(MAX_STEP_WIDTH, (MIN_MAP_WIDTH - LABEL_WIDTH) / n))
    step_width = round(step_width, 1)
    xs = [round(LABEL_WIDTH + i * step_width, 1) for i in range(len(columns))]
    grid_right = LABEL_WIDTH + step_width * len(columns)
    total_width = round(
        max(grid_right, MIN_MAP_WIDTH if not width else min(width, MIN_MAP_WIDTH)), 1
    )

    pains, opps = _by_step(journey, compare)
    dom_id = "jl-" + slugify(journey.id or journey.name, fallback="map", max_length=32)
    lane_names = {lane.id: lane.name for lane in workspace.lanes}
    ctx = _Context(
        journey,
        workspace,
        columns,
        xs,
        step_width,
        _evidenced(journey, workspace, compare),
        dom_id,
        pains,
        opps,
        lane_names,
    )

    layout_columns = [
        Column(i, c.stage_index, xs[i], step_width, c.step.id, c.step.name, c.status)
        for i, c in enumerate(columns)
    ]
    spans: list[StageSpan] = []
    for stage_index, stage in enumerate(stages):
        owned = [c.index for c in layout_columns if c.stage == stage_index]
        if owned:
            spans.append(
                StageSpan(
                    stage_index,
                    stage.name,
                    owned[0],
                    owned[-1],
                    xs[owned[0]],
                    round(step_width * len(owned), 1),
                )
            )
    text_version = build_text_version(ctx, stages)

    # Header first: its height decides where the grid starts.
    header, header_height = build_header(journey, workspace, personas, total_width, ctx.assumption)
    rows: list[Row] = []
    y = header_height

    stage_groups = []
    stage_height = 0.0
    for span in spans:
        group, h = stage_head(text_version[span.index], span.index, span.x, span.width)
        stage_groups.append(group)
        stage_height = max(stage_height, h)
    stage_height = max(stage_height, 56.0)
    for group in stage_groups:
        frame = group.shapes[0]
        assert isinstance(frame, Box)
        frame.h = stage_height - 6
    stage_row = Row("stages", "Stages", y, stage_height, toggleable=False)
    stage_row.label = _row_label("steps", "Stages", stage_height, LABEL_WIDTH)
    stage_row.cells = stage_groups
    rows.append(stage_row)
    y += stage_height

    cards = [_step_card(ctx, i, xs[i]) for i in range(len(columns))]
    step_height = max([h for _, h in cards] + [ROW_MIN])
    steps_row = Row("steps", "Steps", y, step_height, toggleable=False)
    steps_row.label = _row_label("steps", "Steps", step_height, LABEL_WIDTH)
    steps_row.background = _stage_backgrounds(spans, step_height)
    steps_row.cells = [g for g, _ in cards]
    rows.append(steps_row)
    y += step_height

    curve_description = ""
    series_info: list[SeriesInfo] = []
    for lane in lane_ids:
        title = LANE_TITLES.get(lane) or lane_names.get(lane, lane)
        if lane == "sentiment":
            row, series_info, curve_description, _ = build_sentiment_row(
                SentimentInput(
                    journey, compare, columns, xs, step_width, personas, persona_id, findings or ()
                ),
                y,
                total_width,
            )
            row.label = _row_label("sentiment", "Sentiment", row.height, LABEL_WIDTH) + row.label
            row.background = _stage_backgrounds(spans, row.height) + row.background
            rows.append(row)
            y += row.height
            continue
        placed = [_cell(ctx, lane, i, xs[i]) for i in range(len(columns))]
        height = max([h for _, h in placed] + [ROW_MIN])
        row = Row(lane, title, y, round(height, 1))
        if lane == "backstage":
            row.height = max(row.height, 66.0)
        row.label = _row_label(lane, title, row.height, LABEL_WIDTH)
        if lane == "backstage" and rows[-1].lane != "steps":
            note, _, _ = text_block(
                40, 32, "below the line of visibility", LABEL_WIDTH - 52, 10, "muted", max_lines=2
            )
            row.label += [Line(0, 0, LABEL_WIDTH, 0, "visibility", dash="7 5"), *note]
        row.background = _stage_backgrounds(spans, row.height)
        row.cells = [g for g, _ in placed if g is not None]
        if lane == "backstage" and rows[-1].lane != "steps":
            row.overlay.append(
                Group(
                    [
                        Line(LABEL_WIDTH, 0, total_width, 0, "visibility", dash="7 5"),
                    ],
                    "visibility",
                    title="Line of visibility: above it what the customer sees, below it the backstage",
                )
            )
        rows.append(row)
        y += row.height

    for row in rows:
        row.background.append(Line(0, row.height, total_width, row.height, "row-rule"))
        rules = "".join(
            f"M{xs[i]:g} 0V{row.height:g}"
            for i in range(1, len(columns))
            if columns[i].stage_index == columns[i - 1].stage_index
        )
        if rules:
            row.background.append(Path(rules, "col-rule"))
        row.background.extend(Line(s.x, 0, s.x, row.height, "stage-rule") for s in spans)

    legend_top = y + 24
    legend, legend_height = build_legend(total_width, series_info, compare is not None, legend_top)
    height = round(legend_top + legend_height + 16, 1)

    unplaced = [
        p.name
        for p in journey.pain_points
        if not p.step or p.step not in {c.step.id for c in columns}
    ]
    findings_text = [f"{f.severity}: {f.message}" for f in (findings or ())]
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
        for e in [*journey.evidence, *workspace.evidence]
    ]
    summary = (
        f"Journey map '{journey.name}': {len(spans)} stages, {len(columns)} steps, "
        f"lanes: {', '.join(LANE_TITLES.get(lane) or lane_names.get(lane, lane) for lane in lane_ids)}."
    )
    return MapLayout(
        dom_id=dom_id,
        title=journey.name,
        width=total_width,
        height=height,
        label_width=LABEL_WIDTH,
        header_height=header_height,
        grid_top=header_height,
        legend_top=legend_top,
        header=header,
        rows=rows,
        legend=legend,
        columns=layout_columns,
        stages=spans,
        series=series_info,
        scope=scope_items(journey),
        summary=summary,
        curve_description=curve_description,
        text_version=text_version,
        unplaced=unplaced,
        findings=findings_text,
        personas=[persona_sheet(p, ctx.assumption(p.id)) for p in personas],
        evidence=evidence,
    )
