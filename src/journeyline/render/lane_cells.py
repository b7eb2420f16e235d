"""The built-in lanes' cells: what each lane draws under a step, registered through the
same hook a plug-in lane uses (`lanes.register_lane`)."""

from __future__ import annotations

from journeyline.model import Step, Zone
from journeyline.render.cells import PAD, badge_flow, text_block, text_cell
from journeyline.render.context import MapContext
from journeyline.render.icons import channel_icon, channel_label
from journeyline.render.lanes import Cell, CellSlot, LaneCell, register_lane
from journeyline.render.measured_cell import measured_cell
from journeyline.render.safety import safe_url
from journeyline.render.shapes import Box, Icon, Image, Shape
from journeyline.render.textversion import metric_lines

IMPACT_LABELS = {"trivial": "Trivial", "workaround": "Workaround", "abandon": "Abandon"}


def actions_cell(ctx: MapContext, slot: CellSlot) -> Cell:
    """What the persona does, for frontstage steps (a backstage step's goes in 'backstage')."""
    step = slot.step
    text = step.does if step.zone == Zone.frontstage else None
    shapes, h, cut = text_cell(slot.x, slot.width, text, "body", max_lines=6)
    return Cell(shapes, h, text or "", cut)


def touchpoints_cell(ctx: MapContext, slot: CellSlot) -> Cell:
    """Where the customer meets the organisation, after a pin."""
    text = slot.step.touchpoint
    shapes, h, cut = text_cell(slot.x, slot.width, text, "body", icon="touchpoint", max_lines=3)
    return Cell(shapes, h, text or "", cut)


def channels_cell(ctx: MapContext, slot: CellSlot) -> Cell:
    """The channel's name after its own icon."""
    channel = slot.step.channel
    label = channel_label(channel) if channel else None
    shapes, h, cut = text_cell(
        slot.x, slot.width, label, "body", icon=channel_icon(channel or ""), max_lines=2
    )
    return Cell(shapes, h, label or "", cut)


def thinks_cell(ctx: MapContext, slot: CellSlot) -> Cell:
    """What the persona thinks, quoted in a thought bubble."""
    thinks = slot.step.thinks
    text = f"“{thinks.strip()}”" if thinks and thinks.strip() else None
    x, w = slot.x, slot.width
    shapes, h, cut = text_cell(x + 10, w - 20, text, "think-text", max_lines=5)
    if shapes:
        shapes.insert(0, Box(x, PAD - 6, w, h - 2 * PAD + 12, "think", rx=14))
        h += 6
    return Cell(shapes, h, thinks or "", cut)


def feels_cell(ctx: MapContext, slot: CellSlot) -> Cell:
    """What the persona feels, after a heart."""
    text = slot.step.feels
    shapes, h, cut = text_cell(slot.x, slot.width, text, "body", icon="feels", max_lines=4)
    return Cell(shapes, h, text or "", cut)


def pain_points_cell(ctx: MapContext, slot: CellSlot) -> Cell:
    """The step's pain points as cards with their impact and reach (four, then '+N more')."""
    shapes, h, titles = _pain_cards(ctx, slot.step, slot.x, slot.width)
    return Cell(shapes, h, "\n".join(titles))


def opportunities_cell(ctx: MapContext, slot: CellSlot) -> Cell:
    """The ideas tied to the step as cards with votes, owner and status (three, then '+N')."""
    shapes, h, titles = _opportunity_cards(ctx, slot.step, slot.x, slot.width)
    return Cell(shapes, h, "\n".join(titles))


def backstage_cell(ctx: MapContext, slot: CellSlot) -> Cell:
    """A backstage step's work in a card, and the actors behind any step."""
    shapes, h, title = _backstage_cell(ctx, slot.step, slot.x, slot.width)
    return Cell(shapes, h, title)


def metrics_cell(ctx: MapContext, slot: CellSlot) -> Cell:
    """The step's metrics and measured figures, one short line each (six at most)."""
    shapes, h, title = _metrics_cell(slot.step, slot.x, slot.width)
    return Cell(shapes, h, title)


def images_cell(ctx: MapContext, slot: CellSlot) -> Cell:
    """The step's picture, or a note when its address is not one that is drawn."""
    shapes, h = _image_cell(slot.step, slot.x, slot.width)
    return Cell(shapes, h)


def notes_cell(ctx: MapContext, slot: CellSlot) -> Cell:
    """The step's notes, after a page icon."""
    text = slot.step.notes
    shapes, h, cut = text_cell(slot.x, slot.width, text, "body", icon="notes", max_lines=6)
    return Cell(shapes, h, text or "", cut)


def _pain_cards(
    ctx: MapContext, step: Step, x: float, w: float
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
        elif evidence := ctx.evidence_badge(pain.id):
            flow.append(evidence)
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
    ctx: MapContext, step: Step, x: float, w: float
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
    ctx: MapContext, step: Step, x: float, w: float
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


BUILT_IN_CELLS: dict[str, LaneCell] = {
    "actions": actions_cell,
    "touchpoints": touchpoints_cell,
    "channels": channels_cell,
    "thinks": thinks_cell,
    "feels": feels_cell,
    "pain_points": pain_points_cell,
    "opportunities": opportunities_cell,
    "backstage": backstage_cell,
    "metrics": metrics_cell,
    "measured": measured_cell,
    "images": images_cell,
    "notes": notes_cell,
}
"""Every built-in lane but the sentiment line, which is drawn across the steps."""

BUILT_IN_TITLES = {
    "actions": "Actions",
    "touchpoints": "Touchpoints",
    "channels": "Channels",
    "thinks": "Thinks",
    "feels": "Feels",
    "pain_points": "Pain points",
    "opportunities": "Opportunities",
    "backstage": "Backstage",
    "metrics": "Metrics",
    "measured": "Measured",
    "images": "Images",
    "notes": "Notes",
}


def register_builtin_lanes() -> None:
    """Register the built-in lanes (each with the icon of its own name)."""
    for name, cell in BUILT_IN_CELLS.items():
        register_lane(
            name, cell, title=BUILT_IN_TITLES[name], icon="metrics" if name == "measured" else name
        )
