"""Ranking opportunities: the documented score, its parts, and its weights."""

from __future__ import annotations

import pytest

from journeyline.analysis import AnalysisConfig, rank_opportunities
from journeyline.model import JourneyMap, Opportunity, PainPoint, assign_map_ids


def _map() -> JourneyMap:
    return assign_map_ids(
        JourneyMap(
            name="Trial",
            pain_points=[
                PainPoint(id="quits", name="Quits at import", impact="abandon", reach=0.5),
                PainPoint(id="slow", name="Slow email", impact="workaround", reach=0.2),
                PainPoint(id="typo", name="Typo", impact="trivial"),
            ],
            opportunities=[
                Opportunity(
                    id="import", name="Import", pain_points=["quits", "slow"], votes=8, effort="l"
                ),
                Opportunity(
                    id="fix-typo", name="Fix typo", pain_points=["typo"], votes=2, effort="xs"
                ),
                Opportunity(id="vision", name="Vision", impact="high", votes=0),
                Opportunity(
                    id="shipped", name="Shipped", pain_points=["quits"], status="done", effort="xs"
                ),
            ],
        )
    )


def test_score_follows_the_documented_formula() -> None:
    ranked = {r.opportunity.id: r for r in rank_opportunities(_map())}
    imp = ranked["import"]
    # impact 3 + 0.25 × 2, reach 0.5, votes 8/8, effort l = 4
    assert imp.impact == pytest.approx(3.5)
    assert imp.reach == 0.5
    assert imp.score == pytest.approx((3.5 * (0.5 + 0.5) + 1.0) / 4)
    typo = ranked["fix-typo"]
    # impact 1, unknown reach 0.25, votes 2/8, effort xs = 1
    assert typo.score == pytest.approx(1 * (0.5 + 0.25) + 0.25)
    vision = ranked["vision"]
    # no pain points: expected impact high = 3; unknown effort = 3
    assert (vision.impact, vision.effort_weight) == (3, 3)
    assert vision.score == pytest.approx(3 * 0.75 / 3)


def test_rank_order_and_done_left_out() -> None:
    ranked = rank_opportunities(_map())
    assert [r.opportunity.id for r in ranked] == ["import", "fix-typo", "vision"]
    assert [r.rank for r in ranked] == [1, 2, 3]
    with_done = rank_opportunities(_map(), include_done=True)
    assert with_done[0].opportunity.id == "shipped"


def test_weights_change_the_ranking() -> None:
    assert rank_opportunities(_map())[0].opportunity.id == "import"
    config = AnalysisConfig.from_overrides({"priority.votes": 0, "priority.unknown_effort": 1})
    ranked = rank_opportunities(_map(), config)
    assert ranked[0].opportunity.id == "vision"


def test_to_dict_shows_the_parts() -> None:
    row = rank_opportunities(_map())[0].to_dict()
    assert list(row)[:12] == [
        "rank",
        "id",
        "name",
        "score",
        "impact",
        "reach",
        "votes",
        "effort",
        "owner",
        "status",
        "pain_points",
        "votes_share",
    ]
    assert row["pain_points"][0] == {
        "id": "quits",
        "name": "Quits at import",
        "impact": "abandon",
        "reach": 0.5,
    }
    assert row["effort"] == "l" and row["effort_weight"] == 4


def test_no_opportunities_ranks_nothing() -> None:
    assert rank_opportunities(assign_map_ids(JourneyMap(name="Empty"))) == []
