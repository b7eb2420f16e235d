"""The map in full text: the linear version for screen readers and the hover details.

Nothing is cut here: wrapped, ellipsised text on the drawing always has its whole
version in this text.
"""

from __future__ import annotations

from typing import Protocol

from journeyline.model import JourneyMap, Metric, Stage, Step, Workspace, Zone
from journeyline.render.columns import StepColumn
from journeyline.render.icons import channel_label
from journeyline.render.shapes import StageText, StepText


class TextContext(Protocol):
    """What the text version reads from the layout in progress."""

    journey: JourneyMap
    workspace: Workspace
    columns: list[StepColumn]
    dom_id: str
    pains: dict[str, list[int]]
    opportunities: dict[str, list[int]]
    lane_names: dict[str, str]

    def assumption(self, element_id: str) -> bool: ...


def duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f}s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def _figure(value: float | str | None) -> str:
    if isinstance(value, int | float):
        return f"{value:g}".replace("-", "−")
    return "—" if value is None else str(value)


def _survey_line(metric: Metric) -> str:
    """'CSAT: 80 % (95 % interval 49–94.3, n = 10)': a score with its uncertainty."""
    unit = f" {metric.unit}" if metric.unit else ""
    extra = []
    if metric.interval is not None:
        extra.append(f"95 % interval {_figure(metric.interval[0])}–{_figure(metric.interval[1])}")
    if metric.n is not None:
        extra.append(f"n = {metric.n:,}")
    return f"{metric.name}: {_figure(metric.value)}{unit} ({', '.join(extra)})"


def metric_lines(step: Step) -> list[str]:
    """A step's metrics and measured figures as short lines of text."""
    lines: list[str] = []
    for metric in step.metrics:
        if metric.n is not None or metric.interval is not None:
            lines.append(_survey_line(metric))
            continue
        value = "" if metric.value is None else f"{metric.value}{metric.unit or ''}"
        target = (
            f" (target {metric.target}{metric.unit or ''})" if metric.target is not None else ""
        )
        lines.append(f"{metric.name}: {value or '—'}{target}")
    m = step.measured
    if m is not None:
        if m.units is not None:
            share = f" ({m.share:.0%})" if m.share is not None else ""
            lines.append(f"Reach: {m.units:,} {m.unit or 'units'}{share}")
        if m.conversion is not None:
            lines.append(f"Conversion: {m.conversion:.0%}")
        if m.dropoff is not None:
            lines.append(f"Drop-off: {m.dropoff:.0%}")
        if m.median_seconds is not None:
            lines.append(f"Median time: {duration(m.median_seconds)}")
    return lines


def text_version(ctx: TextContext, stages: list[Stage]) -> list[StageText]:
    """Every stage and step in full, for the linear text version and the hover details."""
    evidence_for: dict[str, list[str]] = {}
    for e in [*ctx.journey.evidence, *ctx.workspace.evidence]:
        label = e.name or e.quote or e.summary or e.source or e.id
        for link in e.links:
            evidence_for.setdefault(link, []).append(label)
    result = [
        StageText(
            s.name, s.goal or "", s.duration or "", list(s.expectations), ctx.assumption(s.id), []
        )
        for s in stages
    ]
    names = {c.step.id: c.step.name for c in ctx.columns}
    for i, col in enumerate(ctx.columns):
        step = col.step
        fields: list[tuple[str, str]] = []
        for label, value in (
            ("Description", step.description),
            ("Does", step.does),
            ("Touchpoint", step.touchpoint),
            ("Channel", channel_label(step.channel) if step.channel else None),
            ("Thinks", step.thinks),
            ("Feels", step.feels),
            ("Emotion", _emotions(step)),
            ("Zone", "backstage" if step.zone == Zone.backstage else None),
            ("Actors", ", ".join(step.actors)),
            ("Metrics", "; ".join(metric_lines(step))),
            ("Notes", step.notes),
        ):
            if value:
                fields.append((label, value))
        for lane_id, text in step.lanes.items():
            if text:
                fields.append((ctx.lane_names.get(lane_id, lane_id), text))
        pains = [
            f"{p.name} (impact: {p.impact.value}"
            + (f", reach {p.reach:.0%}" if p.reach is not None else "")
            + ")"
            for p in (ctx.journey.pain_points[j] for j in ctx.pains.get(step.id, []))
        ]
        opps = [
            f"{o.name} ({o.votes} votes"
            + (f", owner {o.owner}" if o.owner else "")
            + f", {o.status.value.replace('_', ' ')})"
            for o in (ctx.journey.opportunities[j] for j in ctx.opportunities.get(step.id, []))
        ]
        branches = [
            f"{b.label} → {names.get(b.to or '', b.to or 'end of journey')}" for b in step.branches
        ]
        result[col.stage_index].steps.append(
            StepText(
                index=i,
                dom_id=f"{ctx.dom_id}-step-{i + 1}",
                name=step.name,
                kind=step.kind.value,
                stage=result[col.stage_index].name,
                fields=fields,
                pain_points=pains,
                opportunities=opps,
                evidence=evidence_for.get(step.id, []),
                branches=branches,
                assumption=ctx.assumption(step.id),
                moment_of_truth=step.moment_of_truth,
                status=col.status,
            )
        )
    return result


def _emotions(step: Step) -> str:
    parts = [f"{step.emotion:g}"] if step.emotion is not None else []
    parts += [f"{pid}: {score:g}" for pid, score in step.emotions.items()]
    return ", ".join(parts)
