"""Where it hurts most: pain hotspots and the risk that the persona abandons the journey."""

from __future__ import annotations

from collections.abc import Iterator

from journeyline.analysis.context import MapContext
from journeyline.analysis.findings import Finding, Severity
from journeyline.analysis.upkeep import _step_place
from journeyline.model import Impact, PainPoint


def find_pain_hotspots(context: MapContext) -> Iterator[Finding]:
    """A **pain hotspot** is where frustration concentrates. A step is a hotspot when at least
    `pain_hotspot.min_pain_points` (default 3) pain points sit under it. A stage is a hotspot
    when it holds at least that many pain points and carries at least
    `pain_hotspot.min_share` (default 0.4) of the map's total pain weight, where each pain
    point weighs its impact (trivial 1, workaround 2, abandon 3). The practice asks where
    the areas of greatest confusion and frustration are.

    Reported on the step or the stage. Severity: medium; high when one of its pain points
    makes the persona abandon the journey.
    """
    settings = context.config.pain_hotspot
    by_step: dict[str, list[PainPoint]] = {}
    for pain in context.journey.pain_points:
        if pain.step and pain.step in context.steps_by_id:
            by_step.setdefault(pain.step, []).append(pain)
    total = sum(p.impact.weight for p in context.journey.pain_points)
    if total == 0:
        return
    for stage in context.journey.stages:
        stage_pains = [p for step in stage.steps for p in by_step.get(step.id, [])]
        weight = sum(p.impact.weight for p in stage_pains)
        share = weight / total
        if len(stage_pains) >= settings.min_pain_points and share >= settings.min_share:
            yield context.finding(
                "pain_hotspot",
                _severity(stage_pains),
                f"Stage '{stage.name}' holds {len(stage_pains)} pain points, "
                f"{share:.0%} of the map's pain weight.",
                "Frustration concentrates here: start the opportunity search in this stage.",
                stage=stage,
            )
        for step in stage.steps:
            pains = by_step.get(step.id, [])
            if len(pains) >= settings.min_pain_points:
                yield context.finding(
                    "pain_hotspot",
                    _severity(pains),
                    f"{len(pains)} pain points sit under step '{step.name}'.",
                    "Look at this step first: several problems meet here, and one change "
                    "may solve more than one.",
                    stage=stage,
                    step=step,
                )


def _severity(pains: list[PainPoint]) -> Severity:
    return "high" if any(p.impact == Impact.abandon for p in pains) else "medium"


def find_abandonment_risks(context: MapContext) -> Iterator[Finding]:
    """An **abandonment risk** is a place where the persona is likely to leave the journey
    entirely: a pain point whose impact is `abandon`, or a step whose measured drop-off
    (from an event log) is at least `abandonment_risk.max_dropoff` (default 0.3).

    Reported at the pain point's step (on the map when it has none) or at the step.
    Severity of a pain point: high when its reach is at least `abandonment_risk.high_reach`
    (default 0.2), medium when its reach is lower or unknown. Severity of a drop-off:
    medium; high at twice `abandonment_risk.max_dropoff` or more.
    """
    settings = context.config.abandonment_risk
    for pain in context.journey.pain_points:
        if pain.impact != Impact.abandon:
            continue
        stage, step = _step_place(context, pain.step)
        reach = pain.reach
        severity: Severity = (
            "high" if reach is not None and reach >= settings.high_reach else "medium"
        )
        reach_text = f", reaching {reach:.0%} of customers" if reach is not None else ""
        where = f" at '{step.name}'" if step is not None else ""
        yield context.finding(
            "abandonment_risk",
            severity,
            f"Pain point '{pain.name}'{where} makes the persona abandon the journey{reach_text}.",
            "Fix this before polishing anything else"
            + ("" if reach is not None else "; measure how many customers it reaches")
            + ".",
            stage=stage,
            step=step,
        )
    for stage, step in context.journey.iter_steps():
        dropoff = step.measured.dropoff if step.measured is not None else None
        if dropoff is None or dropoff < settings.max_dropoff:
            continue
        dropoff_severity: Severity = "high" if dropoff >= 2 * settings.max_dropoff else "medium"
        yield context.finding(
            "abandonment_risk",
            dropoff_severity,
            f"{dropoff:.0%} of customers go no further than '{step.name}' (measured).",
            "Find out why customers leave here: interview some who did, and look for a pain "
            "point to add to the map.",
            stage=stage,
            step=step,
        )
