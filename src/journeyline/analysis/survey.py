"""The team's sentiment line against the customers' own (survey scores on the steps): where
they disagree, and where the survey rests on too few answers to tell."""

from __future__ import annotations

from collections.abc import Iterator

from journeyline.analysis.context import MapContext
from journeyline.analysis.findings import Finding, Severity
from journeyline.model.customer_line import CustomerPoint, customer_line


def _value(value: float | str | None) -> str:
    return f"{value:g}" if isinstance(value, int | float) else str(value or "")


def _metric_text(point: CustomerPoint) -> str:
    metric = point.metric
    unit = f" {metric.unit}" if metric.unit else ""
    text = f"{metric.name} {_value(metric.value)}{unit}"
    if metric.interval is not None:
        text += f" (95 % interval {metric.interval[0]:g}–{metric.interval[1]:g}{unit}"
        text += f", n = {metric.n})" if metric.n is not None else ")"
    elif metric.n is not None:
        text += f" (n = {metric.n})"
    return text


def find_sentiment_mismatches(context: MapContext) -> Iterator[Finding]:
    """A **sentiment mismatch** is a step where the team's emotion score lies outside the 95 %
    interval of the customers' own score: the step's survey score (its first metric with
    `bounds`, as `feedback apply` writes it) and its interval put on the map's scale, linearly
    from the score's bounds onto scale.min … scale.max (see docs/feedback.md). The team's
    guess and what customers say disagree by more than the survey's uncertainty. Steps
    without a team score, a survey score or an interval are not compared.

    Reported at the step, once per persona's line. Severity: medium; high when the team's score
    and the customers' lie on opposite sides of neutral; low when the survey score rests on
    fewer than `survey.min_answers` (default 30) answers.
    """
    points = {p.step.id: p for p in customer_line(context.journey)}
    if not points:
        return
    scale = context.journey.scale
    minimum = context.config.survey.min_answers
    for persona in context.persona_ids:
        for team in context.line(persona):
            point = points.get(team.step.id)
            if point is None or point.low is None or point.high is None:
                continue
            if point.contains(team.score):
                continue
            customers = scale.normalize(point.score)
            severity: Severity = "medium"
            if team.normalized * customers < 0:
                severity = "high"
            weak = point.n is not None and point.n < minimum
            if weak:
                severity = "low"
            where = "above" if team.score > point.high else "below"
            yield context.finding(
                "sentiment_mismatch",
                severity,
                f"The team scores '{team.step.name}' {team.score:g}{context.persona_label(persona)}"
                f", {where} what customers say: {_metric_text(point)}, which is "
                f"{point.score:.1f} ({point.low:.1f} … {point.high:.1f}) on the "
                f"{context.scale_text} scale" + (f"; only {point.n} answers" if weak else "") + ".",
                "Check the team's assumption against the customers: read the verbatims for this "
                "step, and move the score or find out why the survey differs.",
                stage=team.stage,
                step=team.step,
                persona=persona,
            )


def find_weak_evidence(context: MapContext) -> Iterator[Finding]:
    """**Weak evidence** is a survey score (a metric with `bounds`, on a step or a stage) that
    rests on fewer than `survey.min_answers` (default 30) answers, or does not say how many:
    its interval is wide, and the score may move a lot with the next few answers. Treat it as
    a hint, not a verdict, and collect more answers before acting on it.

    Reported at the step or stage, once for all its weak scores. Severity: low.
    """
    minimum = context.config.survey.min_answers
    for stage in context.journey.stages:
        holders = [(None, stage.metrics)] + [(s, s.metrics) for s in stage.steps]
        for step, metrics in holders:
            weak = [m for m in metrics if m.bounds is not None and (m.n is None or m.n < minimum)]
            if not weak:
                continue
            name = step.name if step is not None else stage.name
            scores = "; ".join(
                f"{m.name} {_value(m.value)}{' ' + m.unit if m.unit else ''} "
                + (f"(n = {m.n})" if m.n is not None else "(n not given)")
                for m in weak
            )
            yield context.finding(
                "weak_evidence",
                "low",
                f"The survey scores at '{name}' rest on fewer than {minimum:g} answers: {scores}.",
                "Treat them as a hint: collect more answers at this step before acting on them.",
                stage=stage,
                step=step,
            )
