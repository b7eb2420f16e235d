"""The map being laid out, as every lane's cells see it: its columns, their x positions
and width, and the indexes the cells look things up in (pain points and ideas by step,
what evidence covers, custom lanes' names)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from journeyline.model import JourneyMap, Workspace
from journeyline.render.columns import StepColumn


@dataclass
class MapContext:
    """What a lane's cell reads about the map in progress (built once per layout)."""

    journey: JourneyMap
    workspace: Workspace
    columns: list[StepColumn]
    xs: list[float]
    step_width: float
    evidenced: set[str]
    dom_id: str
    pains: dict[str, list[int]]
    """Step id → indexes into `journey.pain_points` of the pain points under that step."""
    opportunities: dict[str, list[int]]
    """Step id → indexes into `journey.opportunities` of the ideas drawn under that step."""
    lane_names: dict[str, str]
    """Custom lane id → its title, from the workspace."""
    evidence_counts: dict[str, int] = field(default_factory=dict)
    """Element id → how many pieces of evidence (the map's and the workspace's) link to it."""

    def evidence_badge(self, element_id: str) -> tuple[str, str] | None:
        """The badge of an element that rests on evidence: how many pieces ("✓ 2 evidence")."""
        count = self.evidence_counts.get(element_id, 0)
        return (f"✓ {count} evidence", "b-evidence") if count else None

    def assumption(self, element_id: str) -> bool:
        """Whether an element rests on no evidence (drawn dashed, with an Assumption badge)."""
        return bool(element_id) and element_id not in self.evidenced


def map_context(
    journey: JourneyMap,
    workspace: Workspace,
    compare: JourneyMap | None,
    columns: list[StepColumn],
    xs: list[float],
    step_width: float,
    dom_id: str,
) -> MapContext:
    """The context for laying out `journey` (with `compare`'s evidence when comparing)."""
    pains, opportunities = _by_step(journey)
    return MapContext(
        journey,
        workspace,
        columns,
        xs,
        step_width,
        _evidenced(journey, workspace, compare),
        dom_id,
        pains,
        opportunities,
        {lane.id: lane.name for lane in workspace.lanes},
        _counts(journey, workspace),
    )


def _counts(journey: JourneyMap, workspace: Workspace) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for evidence in [*journey.evidence, *workspace.evidence]:
        counts.update(set(evidence.links))
    return dict(counts)


def _evidenced(journey: JourneyMap, workspace: Workspace, compare: JourneyMap | None) -> set[str]:
    ids = journey.evidenced_ids() | {link for e in workspace.evidence for link in e.links}
    if compare is not None:
        ids |= compare.evidenced_ids()
    return ids


def _by_step(journey: JourneyMap) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """Pain points under their step; an idea under its first step, else its first pain point's."""
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
