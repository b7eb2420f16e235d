"""Attribution models checked against hand-computed credit."""

from __future__ import annotations

from pathlib import Path

import pytest

from journeyline.errors import InvalidInput
from journeyline.events import LogSpec, attribution, parse_steps
from journeyline.events.attribution import conversion_probability
from tests.events_support import journeys, loaded

PATHS = {
    "u1": [("a", 0), ("b", 60), ("buy", 120)],
    "u2": [("b", 0), ("buy", 10)],
    "u3": [("a", 0), ("c", 1)],
}


def conversion(name: str = "buy"):  # type: ignore[no-untyped-def]
    return parse_steps(f"{name},{name}")[0]


def test_rule_based_and_markov_credit(tmp_path: Path) -> None:
    with loaded(journeys(tmp_path / "e.csv", PATHS)) as log:
        result = attribution(log, conversion(), half_life_seconds=3600)
    assert (result.conversions, result.attributed, result.direct) == (2, 2, 0)
    credit = {c.touchpoint: c for c in result.touchpoints}
    a, b = credit["a"], credit["b"]
    assert (a.first, b.first, a.last, b.last) == (1, 1, 0, 2)
    assert (a.linear, b.linear) == (0.5, 1.5)
    assert (a.position_based, b.position_based) == (0.5, 1.5)
    assert (a.time_decay, b.time_decay) == (0.333333, 1.666667)  # weights 2^-2 and 2^-1 in u1
    # P(conv) = 2/3; without a: 1/3 (effect 0.5); without b: 0 (effect 1)
    assert result.conversion_probability == 0.666667
    assert (a.removal_effect, b.removal_effect) == (0.5, 1.0)
    assert (a.data_driven, b.data_driven) == (0.666667, 1.333333)
    assert "c" not in credit  # removing c changes nothing
    assert [c.touchpoint for c in result.touchpoints] == ["b", "a"]


def test_channel_touchpoints_lookback_and_direct(tmp_path: Path) -> None:
    paths = {**PATHS, "u4": [("buy", 0)]}
    channel = {"u1": "email", "u2": "social", "u3": "email"}
    path = journeys(tmp_path / "e.csv", paths, channel=channel)
    with loaded(path, LogSpec(props=("channel",))) as log:
        result = attribution(log, conversion(), touchpoint="channel")
        recent = attribution(log, conversion(), lookback_seconds=30 * 60)
    assert result.direct == 1 and result.conversions == 3
    assert {c.touchpoint: c.linear for c in result.touchpoints} == {"email": 1.0, "social": 1.0}
    # within 30 minutes of u1's conversion there is no touch; u2's b is 10 minutes before
    assert {c.touchpoint: c.linear for c in recent.touchpoints} == {"b": 1.0}
    assert recent.direct == 2


def test_markov_chain_probability_with_loops() -> None:
    edges = {("(start)", "x"): 2, ("x", "x"): 2, ("x", "(conversion)"): 1, ("x", "(null)"): 1}
    assert conversion_probability(edges) == pytest.approx(0.5)
    assert conversion_probability(edges, removed="x") == 0.0


def test_unknown_conversion_is_an_error(tmp_path: Path) -> None:
    with (
        loaded(journeys(tmp_path / "e.csv", PATHS)) as log,
        pytest.raises(InvalidInput, match="conversion 'paid' matches no event"),
    ):
        attribution(log, conversion("paid"))
