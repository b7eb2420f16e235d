"""The Measured lane's cell: a step's figures from its event source, with a weekly sparkline.

Each figure says what it rests on: the units it counts (n), and the cell's last line the
source and the date range; figures measured before the source last changed are marked
stale.
"""

from __future__ import annotations

from journeyline.model import Measured, Step
from journeyline.render.cells import text_block
from journeyline.render.context import MapContext
from journeyline.render.lanes import Cell, CellSlot
from journeyline.render.shapes import Icon, Path, Shape
from journeyline.render.textversion import duration

PAD = 8.0
SPARK_HEIGHT = 22.0


def measured_lines(step: Step) -> list[str]:
    """The step's Measured figures as short lines of text (empty when it is not measured)."""
    m = step.measured
    if m is None or m.units is None:
        return []
    unit = m.unit or "unit"
    lines = [
        f"Reached: {m.units:,} {unit}s"
        + (f" ({m.share:.0%} of entrants)" if m.share is not None and m.total_units else "")
    ]
    if m.from_previous is not None:
        lines.append(f"From previous step: {m.from_previous:.0%}")
    if m.conversion is not None:
        lines.append(f"To next step: {m.conversion:.0%} (n {m.units:,})")
    if m.dropoff is not None:
        top = ", ".join(f"{name} {units:,}" for name, units in list(m.next_events.items())[:3])
        lines.append(f"Drop-off: {m.dropoff:.0%}" + (f", then {top}" if top else ""))
    if m.median_to_next_seconds is not None:
        lines.append(f"Median to next: {duration(m.median_to_next_seconds)}")
    return lines


def provenance(m: Measured) -> str:
    """Where the figures come from: the source and the date range (and stale, when so)."""
    span = ""
    if m.period_start and m.period_end:
        span = f"{m.period_start:%Y-%m-%d} – {m.period_end:%Y-%m-%d}"
    parts = [p for p in (m.source, span) if p]
    text = " · ".join(parts)
    return f"STALE · {text}" if m.stale else text


def sparkline(values: list[int], x: float, y: float, w: float, h: float) -> str:
    """An SVG path through the weekly values, scaled to the box (flat when all are equal)."""
    if len(values) < 2:
        return ""
    top = max(values) or 1
    step = w / (len(values) - 1)
    points = [(x + i * step, y + h - (v / top) * h) for i, v in enumerate(values)]
    return "M" + " L".join(f"{px:.1f} {py:.1f}" for px, py in points)


def measured_cell(ctx: MapContext, slot: CellSlot) -> Cell:
    """The step's Measured figures, a sparkline of its weekly units and their provenance."""
    m = slot.step.measured
    lines = measured_lines(slot.step)
    if m is None or not lines:
        return Cell()
    x, w = slot.x, slot.width
    shapes: list[Shape] = [Icon("metrics", x, PAD + 0.5, 14, "lane-icon")]
    y = PAD
    for line in lines:
        body, h, _ = text_block(x + 20, y, line, w - 20, 11, "metric", max_lines=2)
        shapes += body
        y += h + 2
    d = sparkline(m.weekly, x + 20, y + 2, w - 24, SPARK_HEIGHT)
    if d:
        shapes.append(Path(d, "visibility-legend sparkline"))
        y += SPARK_HEIGHT + 6
    note = provenance(m)
    if note:
        body, h, _ = text_block(
            x + 20, y, note, w - 20, 9.5, "pain-heading" if m.stale else "muted", max_lines=2
        )
        shapes += body
        y += h
    title = "; ".join([*lines, f"weekly: {', '.join(map(str, m.weekly))}", note])
    return Cell(shapes, y + PAD, title)
