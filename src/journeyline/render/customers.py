"""The customers' own line in the sentiment lane: survey scores beside the team's line.

Each surveyed step gets a band (its 95 % interval on the map's scale), a diamond at the
score, and a label with the score and n; the diamonds are joined by a dotted line. A band
whose score rests on too few answers (a `weak_evidence` finding at the step) is outlined
dashed and says so. The points come from `journeyline.model.customer_line`, so the board,
the renders and the analysis draw and judge the same line.
"""

from __future__ import annotations

from collections.abc import Callable

from journeyline.model.customer_line import CustomerPoint
from journeyline.render import palette
from journeyline.render.curve import score_text, smooth_path
from journeyline.render.shapes import Box, Group, Marker, Path, Row, Shape, Text

LABEL = "Customers (survey)"
"""The customers' line's name in the legend and in titles."""

BAND_WIDTH = 18.0
OFFSET = 42.0
"""How far right of the team's point the customers' band stands, so neither hides the other."""


def metric_text(point: CustomerPoint) -> str:
    """'CSAT 80 %' — the survey score as measured, before it is put on the map's scale."""
    metric = point.metric
    value = metric.value
    number = f"{value:g}" if isinstance(value, int | float) else str(value)
    return f"{metric.name} {number}{' ' + metric.unit if metric.unit else ''}"


def add_customer_line(
    row: Row,
    journey_points: list[CustomerPoint],
    column_of: dict[str, int],
    x_of: Callable[[int], float],
    y_of: Callable[[float], float],
    weak_steps: set[str],
) -> str:
    """Draw the customers' line into the sentiment row; returns its description in words."""
    placed: list[tuple[int, CustomerPoint]] = [
        (column_of[p.step.id], p) for p in journey_points if p.step.id in column_of
    ]
    if not placed:
        return ""
    colour = palette.CUSTOMERS
    pts = [(round(x_of(i) + OFFSET, 1), y_of(p.score)) for i, p in placed]
    bands: list[Group] = []
    points: list[Group] = []
    parts: list[str] = []
    for (i, point), (px, py) in zip(placed, pts, strict=True):
        weak = point.step.id in weak_steps
        n = point.n
        n_text = f"n = {n}" if n is not None else "n not given"
        interval = ""
        shapes: list[Shape] = []
        if point.low is not None and point.high is not None:
            top, bottom = y_of(point.high), y_of(point.low)
            shapes.append(
                Box(
                    round(px - BAND_WIDTH / 2, 1),
                    top,
                    BAND_WIDTH,
                    round(max(bottom - top, 1.0), 1),
                    "customer-band weak" if weak else "customer-band",
                    rx=4,
                    dashed=weak,
                )
            )
            interval = f", 95 % interval {score_text(point.low)} … {score_text(point.high)}"
        title = (
            f"{LABEL} — {point.step.name}: {metric_text(point)} ({n_text}{', few answers' if weak else ''})"
            f", {score_text(round(point.score, 1))} on the map's scale{interval}"
        )
        bands.append(Group(shapes, "customer-interval", step=i, title=title))
        label = f"{n_text}{' · few' if weak else ''}"
        points.append(
            Group(
                [
                    Marker("diamond", px, py, 6.0, colour),
                    Text(px + 10, py + 17, (metric_text(point),), "customer-label", 9.5),
                    Text(px + 10, py + 28, (label,), "customer-n", 9),
                ],
                "customer-point weak" if weak else "customer-point",
                step=i,
                title=title,
            )
        )
        parts.append(
            f"'{point.step.name}' {metric_text(point)} ({n_text}{', few answers' if weak else ''})"
            f" = {score_text(round(point.score, 1))}{interval}"
        )
    row.overlay[:0] = bands  # behind the team's line and faces
    line: list[Shape] = (
        [Path(smooth_path(pts), "curve customer-curve", colour, palette.CUSTOMERS_DASH)]
        if len(pts) > 1
        else []
    )
    row.overlay.append(Group(line, "customer-series", title=f"Sentiment line: {LABEL}"))
    row.overlay.extend(points)
    return f"{LABEL}, on the map's scale: " + "; ".join(parts) + "."
