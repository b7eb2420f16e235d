"""Keeping a map honest and alive: claims without evidence, missing owners, overdue reviews."""

from __future__ import annotations

from collections.abc import Iterator

from journeyline.analysis.config import AnalysisConfig
from journeyline.analysis.context import MapContext
from journeyline.analysis.findings import Finding
from journeyline.model import Impact, MapStatus, Opportunity, OpportunityStatus, Stage, Step


def find_unsupported(context: MapContext) -> Iterator[Finding]:
    """**Unsupported** claims rest on no evidence: the practice asks for maps founded on real
    customer research and data, and an element no evidence supports is an assumption.
    Evidence supports an element when one of its `links` names the element's id (the map's
    own evidence and the workspace's both count). When nothing in the map (the map, its
    stages, steps and pain points) has evidence, one finding for the map replaces the
    others. Otherwise each stage with no evidence on itself, its steps or their pain points
    is reported, and so is each pain point with no evidence on itself or its step. With a
    workspace, each of the map's personas without evidence is reported on the map.

    Severity: medium for a map without any evidence, high when its status is `validated`;
    low for a stage or a persona; low for a pain point, medium when it makes the persona
    abandon.
    """
    journey = context.journey
    evidenced = context.evidenced
    claims = {journey.id} | {s.id for s in journey.stages} | set(context.steps_by_id)
    claims |= {p.id for p in journey.pain_points}
    if not claims & evidenced:
        validated = journey.status == MapStatus.validated
        yield context.finding(
            "unsupported",
            "high" if validated else "medium",
            f"Nothing in the map rests on evidence{' although it is marked validated' if validated else ''}: "
            "it is a set of assumptions.",
            "Attach interview notes, quotes, survey results or analytics to the stages, steps "
            "and pain points they support"
            + (", or set the status back to hypothesis." if validated else "."),
        )
    else:
        yield from _unsupported_elements(context)
    if context.workspace is not None:
        for persona in context.workspace.personas_of(journey):
            if persona.id in evidenced:
                continue
            yield context.finding(
                "unsupported",
                "low",
                f"Persona '{persona.name}' rests on no evidence.",
                "Base the persona on customer interviews and data, and link that evidence to it.",
            )


def _unsupported_elements(context: MapContext) -> Iterator[Finding]:
    evidenced = context.evidenced
    pains_by_step: dict[str, list[str]] = {}
    for pain in context.journey.pain_points:
        if pain.step:
            pains_by_step.setdefault(pain.step, []).append(pain.id)
    for stage in context.journey.stages:
        ids = {stage.id}
        for step in stage.steps:
            ids.add(step.id)
            ids.update(pains_by_step.get(step.id, []))
        if not ids & evidenced:
            yield context.finding(
                "unsupported",
                "low",
                f"Nothing in stage '{stage.name}' rests on evidence.",
                "Check this stage with customers or data and link what you find.",
                stage=stage,
            )
    for pain in context.journey.pain_points:
        if pain.id in evidenced or (pain.step and pain.step in evidenced):
            continue
        pain_stage, pain_step = _step_place(context, pain.step)
        yield context.finding(
            "unsupported",
            "medium" if pain.impact == Impact.abandon else "low",
            f"Pain point '{pain.name}' rests on no evidence.",
            "Link the interview, ticket theme or figure that shows this pain point, or test "
            "it with customers.",
            stage=pain_stage,
            step=pain_step,
        )


def _step_place(context: MapContext, step_id: str | None) -> tuple[Stage | None, Step | None]:
    if step_id and step_id in context.steps_by_id:
        return context.steps_by_id[step_id]
    return None, None


def find_missing_owners(context: MapContext) -> Iterator[Finding]:
    """A **missing owner** is a map with no `owner` (nobody keeps it alive, and the practice
    warns not to set and forget), or an open opportunity with no owner team (the practice
    asks which teams should know and who will act). Done opportunities are not checked.

    Reported on the map, or at the opportunity's first step (or its first pain point's
    step). Severity: medium for the map and for a `planned` or `in_progress` opportunity;
    low for an `idea`.
    """
    journey = context.journey
    if not journey.owner:
        yield context.finding(
            "missing_owner",
            "medium",
            "The map has no owner.",
            "Name the person or team who keeps this map up to date.",
        )
    for opportunity in journey.opportunities:
        if opportunity.owner or opportunity.status == OpportunityStatus.done:
            continue
        stage, step = _place_of(context, opportunity)
        yield context.finding(
            "missing_owner",
            "low" if opportunity.status == OpportunityStatus.idea else "medium",
            f"Opportunity '{opportunity.name}' ({opportunity.status.value.replace('_', ' ')}) "
            "has no owner team.",
            "Name the team that will deliver it.",
            stage=stage,
            step=step,
        )


def _place_of(context: MapContext, opportunity: Opportunity) -> tuple[Stage | None, Step | None]:
    for step_id in opportunity.steps:
        if step_id in context.steps_by_id:
            return context.steps_by_id[step_id]
    pains = {p.id: p for p in context.journey.pain_points}
    for pain_id in opportunity.pain_points:
        pain = pains.get(pain_id)
        if pain is not None and pain.step in context.steps_by_id:
            return context.steps_by_id[pain.step or ""]
    return None, None


def find_stale(context: MapContext) -> Iterator[Finding]:
    """A **stale** map is past its `review_date`: journeys change quickly and the practice asks
    teams to review maps regularly (at least yearly for mature ones). A map with no review
    date is reported too, as information.

    Reported on the map. Severity: medium when the review date has passed; high when it is
    more than `stale.high_days` (default 90) days overdue; info when there is no review date.
    """
    review = context.journey.review_date
    if review is None:
        yield context.finding(
            "stale",
            "info",
            "The map has no review date.",
            "Set a `review_date` so the team is reminded to check the map against reality.",
        )
        return
    overdue = (context.today - review).days
    if overdue <= 0:
        return
    yield context.finding(
        "stale",
        "high" if overdue > context.config.stale.high_days else "medium",
        f"The map was due for review on {review.isoformat()} ({overdue} days ago).",
        "Review it with fresh data and customers, then set the next review date.",
    )


def find_ignored_settings(context: MapContext) -> Iterator[Finding]:
    """An **ignored setting** is an analysis setting in the workspace that the analyses
    cannot use: an unknown name, a value that is not a number, or one out of its range.
    The analyses run with that setting's default instead of stopping, and say so here.

    Reported on the map, once per setting. Severity: medium.
    """
    if context.workspace is None or not context.workspace.analysis:
        return
    _, problems = AnalysisConfig.leniently(context.workspace.analysis, source="workspace analysis")
    for problem in problems:
        hint = f" ({problem.hint})" if problem.hint else ""
        yield context.finding(
            "ignored_setting",
            "medium",
            f"{problem.message}{hint}: the default is used instead.",
            "Correct or remove the setting in the workspace's analysis settings.",
        )
