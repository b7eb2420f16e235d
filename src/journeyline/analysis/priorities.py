"""Ranking opportunities: which ideas to work on first, with the parts of each score shown."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from journeyline.analysis.config import AnalysisConfig
from journeyline.model import JourneyMap, Opportunity, OpportunityStatus, PainPoint


@dataclass(frozen=True)
class RankedOpportunity:
    """An opportunity with its rank, its score and every part the score is made of."""

    rank: int
    opportunity: Opportunity
    score: float
    impact: float
    reach: float
    votes: int
    votes_share: float
    effort_weight: float
    pain_points: tuple[PainPoint, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON form used by `journeyline priorities --format json`."""
        opportunity = self.opportunity
        return {
            "rank": self.rank,
            "id": opportunity.id,
            "name": opportunity.name,
            "score": round(self.score, 3),
            "impact": round(self.impact, 3),
            "reach": round(self.reach, 3),
            "votes": self.votes,
            "effort": opportunity.effort.value if opportunity.effort else None,
            "owner": opportunity.owner,
            "status": opportunity.status.value,
            "pain_points": [
                {"id": p.id, "name": p.name, "impact": p.impact.value, "reach": p.reach}
                for p in self.pain_points
            ],
            "votes_share": round(self.votes_share, 3),
            "effort_weight": self.effort_weight,
            "expected_impact": opportunity.impact.value if opportunity.impact else None,
        }


def score_opportunity(
    opportunity: Opportunity,
    pains: dict[str, PainPoint],
    most_votes: int,
    config: AnalysisConfig | None = None,
) -> tuple[float, float, float, float, float]:
    """The **priority score** of an opportunity, as (score, impact, reach, votes share, effort weight):

        score = (impact × (reach_base + reach) + votes_weight × votes_share) / effort_weight

    - *impact*: the heaviest impact weight among the pain points the opportunity addresses
      (trivial 1, workaround 2, abandon 3), plus `priority.breadth` (default 0.25) times the
      weights of the others, so an idea that solves several problems ranks higher. With no
      linked pain point, its own expected impact counts (low 1, medium 2, high 3; 1 if unset).
    - *reach*: the largest reach (0–1) among those pain points; `priority.unknown_reach`
      (default 0.25) when none has one. `reach_base` is `priority.reach_base` (default 0.5),
      so a pain point of unknown or small reach still counts.
    - *votes share*: the opportunity's dot votes divided by the most votes any opportunity of
      the map has (0 when nobody voted); `votes_weight` is `priority.votes` (default 1).
    - *effort weight*: xs 1, s 2, m 3, l 4, xl 5; `priority.unknown_effort` (default 3) when
      the effort is not set. Effort divides, so cheap ideas rise.
    """
    settings = (config or AnalysisConfig()).priority
    linked = [pains[pid] for pid in opportunity.pain_points if pid in pains]
    weights = sorted((p.impact.weight for p in linked), reverse=True)
    if weights:
        impact = weights[0] + settings.breadth * sum(weights[1:])
    else:
        impact = float(opportunity.impact.weight if opportunity.impact else 1)
    reaches = [p.reach for p in linked if p.reach is not None]
    reach = max(reaches) if reaches else settings.unknown_reach
    votes_share = opportunity.votes / most_votes if most_votes > 0 else 0.0
    effort_weight = (
        float(opportunity.effort.weight) if opportunity.effort else settings.unknown_effort
    )
    score = (impact * (settings.reach_base + reach) + settings.votes * votes_share) / effort_weight
    return score, impact, reach, votes_share, effort_weight


def rank_opportunities(
    journey: JourneyMap, config: AnalysisConfig | None = None, *, include_done: bool = False
) -> list[RankedOpportunity]:
    """The map's opportunities ranked by :func:`score_opportunity`, best first.

    Done opportunities are left out unless `include_done`. Ties go to more votes, then to
    the order in the map.
    """
    pains = {p.id: p for p in journey.pain_points}
    candidates = [
        o for o in journey.opportunities if include_done or o.status != OpportunityStatus.done
    ]
    most_votes = max((o.votes for o in journey.opportunities), default=0)
    scored = []
    for index, opportunity in enumerate(candidates):
        parts = score_opportunity(opportunity, pains, most_votes, config)
        scored.append((parts, index, opportunity))
    scored.sort(key=lambda item: (-item[0][0], -item[2].votes, item[1]))
    ranked: list[RankedOpportunity] = []
    for rank, ((score, impact, reach, share, effort), _, opportunity) in enumerate(scored, start=1):
        linked = tuple(pains[pid] for pid in opportunity.pain_points if pid in pains)
        ranked.append(
            RankedOpportunity(
                rank=rank,
                opportunity=opportunity,
                score=score,
                impact=impact,
                reach=reach,
                votes=opportunity.votes,
                votes_share=share,
                effort_weight=effort,
                pain_points=linked,
            )
        )
    return ranked
