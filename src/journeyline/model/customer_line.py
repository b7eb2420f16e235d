"""The customers' own sentiment line: survey scores on the steps, put on the map's scale.

`journeyline feedback apply` writes a step's survey scores as metrics with `n`, an
`interval` and `bounds`; this module reads them back as one point per surveyed step, so
the renders, the board and the analysis draw and compare the same line.
"""

from __future__ import annotations

from dataclasses import dataclass

from journeyline.model.journey import JourneyMap, Metric, SentimentScale, Stage, Step


def on_map_scale(value: float, bounds: tuple[float, float], scale: SentimentScale) -> float:
    """A survey score on the map's scale: a score v that can range from low to high (the
    metric's `bounds`: NPS −100 … 100 points, CSAT 0 … 100 %, CES 1 … 7) is placed linearly,
    scale.min + (v − low) / (high − low) · (scale.max − scale.min), and kept on the scale. The
    lowest possible score lands on the scale's most negative point, the highest on its most
    positive, the middle of the range on neutral: NPS 0, CSAT 50 % and CES 4 are neutral; on a
    −5 … +5 map NPS 40 is +2 and CSAT 80 % is +3. The ends of the interval are placed the same way.
    """
    low, high = bounds
    placed = scale.min + (value - low) / (high - low) * scale.span
    return min(scale.max, max(scale.min, placed))


def line_metric(step: Step) -> Metric | None:
    """The metric a step's point on the customers' line comes from: its first metric with
    `bounds` and a number as its value (`feedback apply` writes the chosen kind first)."""
    for metric in step.metrics:
        if metric.bounds is not None and isinstance(metric.value, int | float):
            return metric
    return None


@dataclass(frozen=True)
class CustomerPoint:
    """One surveyed step on the customers' line: the score and its interval on the map's scale."""

    stage: Stage
    step: Step
    metric: Metric
    score: float
    """The metric's value on the map's scale."""
    low: float | None
    high: float | None
    """The interval's ends on the map's scale (None when the metric has no interval)."""

    @property
    def n(self) -> int | None:
        """How many answers the score rests on."""
        return self.metric.n

    def contains(self, score: float) -> bool:
        """True when `score` (on the map's scale) lies inside the interval."""
        if self.low is None or self.high is None:
            return False
        return self.low <= score <= self.high


def customer_line(journey: JourneyMap) -> list[CustomerPoint]:
    """The customers' line: one point per step that carries a survey score, in journey order."""
    points: list[CustomerPoint] = []
    scale = journey.scale
    for stage, step in journey.iter_steps():
        metric = line_metric(step)
        if metric is None or metric.bounds is None:
            continue
        bounds = (metric.bounds[0], metric.bounds[1])
        assert isinstance(metric.value, int | float)
        low = high = None
        if metric.interval is not None:
            low = on_map_scale(metric.interval[0], bounds, scale)
            high = on_map_scale(metric.interval[1], bounds, scale)
        points.append(
            CustomerPoint(
                stage, step, metric, on_map_scale(float(metric.value), bounds, scale), low, high
            )
        )
    return points
