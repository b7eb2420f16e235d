"""Reading the sentiment line the way the practice asks: rapid drops, sawtooth, troughs, peaks,
and moments of truth that feel bad. Each runs once per persona on a multi-persona map."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

from journeyline.analysis.context import MapContext, Point
from journeyline.analysis.findings import Finding, Severity


def find_rapid_drops(context: MapContext) -> Iterator[Finding]:
    """A **rapid drop** is a fall in sentiment from one scored step to the next scored step of
    at least `rapid_drop.min_drop` (default 0.5) on the normalised scale -1 … +1, i.e. a
    quarter of the scale's span (2.5 points on a -5 … +5 map, 1 point on a 1 … 5 map).
    Steps without a score are skipped, so the drop is measured between neighbours on the line.
    The practice reads it as a large gap in expectations, and frustration.

    Reported at the step where the line lands. Severity: medium; high when the fall is at
    least `rapid_drop.high_drop` (default 1), half the scale's span.
    """
    settings = context.config.rapid_drop
    for persona in context.persona_ids:
        line = context.line(persona)
        for before, after in pairwise(line):
            drop = before.normalized - after.normalized
            if drop < settings.min_drop:
                continue
            severity: Severity = "high" if drop >= settings.high_drop else "medium"
            yield context.finding(
                "rapid_drop",
                severity,
                f"Sentiment{context.persona_label(persona)} drops from {before.score:g} at "
                f"'{before.step.name}' to {after.score:g} at '{after.step.name}' "
                f"(a fall of {before.score - after.score:g} on the {context.scale_text} scale).",
                "Find the expectation this step breaks: what did the persona expect here, "
                "and what could close the gap?",
                stage=after.stage,
                step=after.step,
                persona=persona,
            )


def find_sawtooth(context: MapContext) -> Iterator[Finding]:
    """A **sawtooth** is a stretch of the sentiment line that keeps going up and down. A
    *swing* is a move between neighbouring scored steps of at least `sawtooth.min_swing`
    (default 0.3) on the normalised scale; smaller moves are ignored. A stretch in which at
    least `sawtooth.min_reversals` (default 3) swings in a row each reverse the direction of
    the one before is a sawtooth: common, says the practice, but exhausting for the persona.

    Reported once per stretch, at the step where it starts. Severity: low; medium when the
    stretch reverses direction at least twice `sawtooth.min_reversals` times.
    """
    settings = context.config.sawtooth
    for persona in context.persona_ids:
        for start, end, reversals in _sawtooth_stretches(context.line(persona), settings.min_swing):
            if reversals < settings.min_reversals:
                continue
            severity: Severity = "medium" if reversals >= 2 * settings.min_reversals else "low"
            yield context.finding(
                "sawtooth",
                severity,
                f"Sentiment{context.persona_label(persona)} changes direction {reversals} times "
                f"between '{start.step.name}' and '{end.step.name}'.",
                "Smooth the ride: look for the steps that cause each dip and remove or "
                "soften them so the persona is not worn out by ups and downs.",
                stage=start.stage,
                step=start.step,
                persona=persona,
            )


def _sawtooth_stretches(line: list[Point], min_swing: float) -> Iterator[tuple[Point, Point, int]]:
    """(first point, last point, reversals) of each maximal run of alternating swings."""
    swings: list[tuple[Point, Point, int]] = []  # (from, to, direction)
    anchor: Point | None = None
    for point in line:
        if anchor is None:
            anchor = point
            continue
        move = point.normalized - anchor.normalized
        if abs(move) >= min_swing:
            swings.append((anchor, point, 1 if move > 0 else -1))
            anchor = point
        # a small move is ignored: the next swing is measured from the last anchor
    start = 0
    for index in range(1, len(swings) + 1):
        if index < len(swings) and swings[index][2] == -swings[index - 1][2]:
            continue
        reversals = index - 1 - start
        if reversals > 0:
            yield swings[start][0], swings[index - 1][1], reversals
        start = index


def _extremes(line: list[Point], lowest: bool) -> Iterator[Point]:
    """The first point of each run of equal scores lower (or higher) than the runs beside it."""
    runs: list[Point] = []
    for point in line:
        if not runs or point.normalized != runs[-1].normalized:
            runs.append(point)
    for index, run in enumerate(runs):
        neighbours = [runs[i].normalized for i in (index - 1, index + 1) if 0 <= i < len(runs)]
        if lowest and all(run.normalized < n for n in neighbours):
            yield run
        if not lowest and all(run.normalized > n for n in neighbours):
            yield run


def find_troughs(context: MapContext) -> Iterator[Finding]:
    """A **trough** is a low point of the sentiment line: a scored step (or a run of steps with
    the same score) lower than the scored steps on either side of it, or at an end of the line,
    scoring at or below `trough.max_score` (default -0.3) on the normalised scale. The
    practice reads troughs as opportunities for lifting overall sentiment.

    Reported at the first step of the low run. Severity: medium; high at or below
    `trough.high_score` (default -0.7).
    """
    settings = context.config.trough
    for persona in context.persona_ids:
        for point in _extremes(context.line(persona), lowest=True):
            if point.normalized > settings.max_score:
                continue
            severity: Severity = "high" if point.normalized <= settings.high_score else "medium"
            yield context.finding(
                "trough",
                severity,
                f"Sentiment{context.persona_label(persona)} bottoms out at {point.score:g} "
                f"(on {context.scale_text}) at '{point.step.name}'.",
                "A low point is a chance to lift the whole journey: what would make this "
                "moment feel better, and which pain points cause it?",
                stage=point.stage,
                step=point.step,
                persona=persona,
            )


def find_peaks(context: MapContext) -> Iterator[Finding]:
    """A **peak** is a high point of the sentiment line: a scored step (or a run of steps with
    the same score) higher than the scored steps on either side of it, or at an end of the
    line, scoring at or above `peak.min_score` (default 0.5) on the normalised scale. Peaks
    are strengths to build on.

    Reported at the first step of the high run. Severity: info.
    """
    settings = context.config.peak
    for persona in context.persona_ids:
        for point in _extremes(context.line(persona), lowest=False):
            if point.normalized < settings.min_score:
                continue
            yield context.finding(
                "peak",
                "info",
                f"Sentiment{context.persona_label(persona)} peaks at {point.score:g} "
                f"(on {context.scale_text}) at '{point.step.name}'.",
                "Can you lift it even higher, delight the persona and inspire them to "
                "recommend you?",
                stage=point.stage,
                step=point.step,
                persona=persona,
            )


def find_negative_moments_of_truth(context: MapContext) -> Iterator[Finding]:
    """A **negative moment of truth** is a step marked as a moment of truth (an interaction with
    the power to make or break the relationship) whose emotion score is below
    `negative_moment_of_truth.below` (default 0), the neutral midpoint of the normalised
    scale.
    Moments of truth without a score are not reported here.

    Reported at the step. Severity: high.
    """
    threshold = context.config.negative_moment_of_truth.below
    for persona in context.persona_ids:
        for point in context.line(persona):
            if not point.step.moment_of_truth or point.normalized >= threshold:
                continue
            yield context.finding(
                "negative_moment_of_truth",
                "high",
                f"'{point.step.name}' is a moment of truth, yet it scores {point.score:g} "
                f"(on {context.scale_text}){context.persona_label(persona)}.",
                "Make this moment work first: it decides whether the persona buys, engages or "
                "stays. Find what goes wrong and who can fix it.",
                stage=point.stage,
                step=point.step,
                persona=persona,
            )
