"""Funnels: modes, window, furthest attempt, optional and exclusion steps, times and drop-off."""

from __future__ import annotations

from pathlib import Path

import pytest

from journeyline.errors import InvalidInput
from journeyline.events import FunnelMode, LogSpec, funnel, parse_exclusion, parse_steps
from tests.events_support import journeys, loaded

DAY = 24 * 60


def counts(result: object) -> list[int]:
    return [s.count for s in result.steps]  # type: ignore[attr-defined]


def test_ordered_funnel_rates_and_times(tmp_path: Path) -> None:
    paths = {
        "u1": [("view", 0), ("other", 1), ("cart", 2), ("buy", 10)],
        "u2": [("view", 0), ("cart", 4)],
        "u3": [("view", 0), ("buy", 1)],
        "u4": [("cart", 0), ("view", 1)],
    }
    with loaded(journeys(tmp_path / "e.csv", paths)) as log:
        result = funnel(log, parse_steps("view,cart,buy"))
    assert counts(result) == [4, 2, 1]
    view, cart, buy = result.steps
    assert cart.rate_overall == 0.5 and cart.rate_step == 0.5 and buy.rate_step == 0.5
    assert buy.share_of_all == 0.25
    assert cart.median_seconds_from_previous == 180.0  # u1 2 min, u2 4 min
    assert buy.median_seconds_from_previous == 480.0
    assert result.time_to_convert["median_seconds"] == 600.0
    assert view.dropoff == 2
    assert {n.event for n in view.dropoff_next_events} == {"buy", "[end]"}
    assert [(n.event, n.units) for n in cart.dropoff_next_events] == [("[end]", 1)]


def test_alternatives_and_property_filters(tmp_path: Path) -> None:
    paths = {
        "u1": [("view", 0), ("wishlist", 1)],
        "u2": [("view", 0), ("cart", 1)],
        "u3": [("view", 0), ("cart", 1)],
    }
    plat = {"u1": "web", "u2": "web", "u3": "app"}
    path = journeys(tmp_path / "e.csv", paths, platform=plat)
    with loaded(path, LogSpec(props=("platform",))) as log:
        assert counts(funnel(log, parse_steps("view,cart|wishlist"))) == [3, 3]
        assert counts(funnel(log, parse_steps("view,cart[platform=web]|wishlist"))) == [3, 2]
        assert counts(funnel(log, parse_steps("view,/(cart|wish).*/"))) == [3, 3]
        assert counts(funnel(log, parse_steps("view,ca*"))) == [3, 2]


def test_window_is_measured_from_step_one(tmp_path: Path) -> None:
    paths = {
        "u1": [("a", 0), ("b", 10 * DAY), ("c", 15 * DAY)],
        "u2": [("a", 0), ("b", 1), ("c", 14 * DAY)],
    }
    with loaded(journeys(tmp_path / "e.csv", paths)) as log:
        assert counts(funnel(log, parse_steps("a,b,c"))) == [2, 2, 1]  # 14 days inclusive
        assert counts(funnel(log, parse_steps("a,b,c"), window_seconds=None)) == [2, 2, 2]
        assert counts(funnel(log, parse_steps("a,b,c"), window_seconds=3600)) == [2, 1, 0]


def test_furthest_attempt_counts_and_first_only(tmp_path: Path) -> None:
    # the first attempt stalls; a later step-1 event goes all the way
    paths = {"u1": [("a", 0), ("b", 1), ("a", 30 * DAY), ("b", 30 * DAY + 1), ("c", 30 * DAY + 5)]}
    with loaded(journeys(tmp_path / "e.csv", paths)) as log:
        best = funnel(log, parse_steps("a,b,c"))
        first = funnel(log, parse_steps("a,b,c"), first_only=True)
    assert counts(best) == [1, 1, 1]
    assert best.time_to_convert["median_seconds"] == 300.0  # from the attempt that counted
    assert counts(first) == [1, 1, 0]


def test_strict_needs_adjacent_steps(tmp_path: Path) -> None:
    paths = {
        "u1": [("a", 0), ("x", 1), ("b", 2)],
        "u2": [("a", 0), ("b", 1)],
        "u3": [("a", 0), ("a", 1), ("b", 2)],
    }
    with loaded(journeys(tmp_path / "e.csv", paths)) as log:
        assert counts(funnel(log, parse_steps("a,b"), mode=FunnelMode.strict)) == [3, 2]
        assert counts(funnel(log, parse_steps("a,b"), mode=FunnelMode.ordered)) == [3, 3]


def test_unordered_counts_steps_done_in_any_order(tmp_path: Path) -> None:
    paths = {"u1": [("c", 0), ("b", 1), ("a", 2)], "u2": [("b", 0)], "u3": [("a", 0), ("c", 5)]}
    with loaded(journeys(tmp_path / "e.csv", paths)) as log:
        result = funnel(log, parse_steps("a,b,c"), mode=FunnelMode.unordered)
    assert counts(result) == [3, 2, 1]
    assert result.steps[1].median_seconds_from_previous == 180.0  # u1: 60 s, u3: 300 s
    assert result.time_to_convert["median_seconds"] == 120.0


def test_optional_step_never_blocks(tmp_path: Path) -> None:
    paths = {
        "u1": [("a", 0), ("b", 1), ("c", 2)],
        "u2": [("a", 0), ("c", 2)],
        "u3": [("a", 0), ("c", 1), ("b", 2)],
    }
    with loaded(journeys(tmp_path / "e.csv", paths)) as log:
        result = funnel(log, parse_steps("a,?b,c"))
    assert counts(result) == [3, 1, 3]  # u3 did b after c: not between a and c
    assert result.steps[1].optional and result.steps[2].rate_step == 1.0


def test_exclusion_disqualifies_attempts(tmp_path: Path) -> None:
    paths = {
        "u1": [("a", 0), ("cancel", 1), ("b", 2)],
        "u2": [("a", 0), ("b", 1), ("cancel", 2)],
        "u3": [("a", 0), ("b", 1)],
    }
    with loaded(journeys(tmp_path / "e.csv", paths)) as log:
        result = funnel(log, parse_steps("a,b"), exclusions=[parse_exclusion("cancel")])
    assert counts(result) == [2, 2]
    assert result.entered == 2


def test_step_matching_nothing_is_an_error_with_suggestion(tmp_path: Path) -> None:
    with (
        loaded(journeys(tmp_path / "e.csv", {"u1": [("checkout", 0), ("paid", 1)]})) as log,
        pytest.raises(
            InvalidInput, match=r"funnel step 'chekout' matches no event.*did you mean 'checkout'"
        ),
    ):
        funnel(log, parse_steps("chekout,paid"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a", "at least two steps"),
        ("?a,b", "first funnel step cannot be optional"),
        ("a,,b", "empty step"),
    ],
)
def test_bad_step_lists(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_steps(text)


def test_unordered_reports_dropoff_next_events(tmp_path: Path) -> None:
    # u1 does all three steps; u2 does b then a and goes on to x; u3 does c, then y, then
    # a more than a day later (outside a 1-day window); u4 does only a.
    paths = {
        "u1": [("c", 0), ("b", 1), ("a", 2)],
        "u2": [("b", 0), ("a", 1), ("x", 2), ("z", 3)],
        "u3": [("c", 0), ("y", 1), ("a", 2 * DAY)],
        "u4": [("a", 0)],
    }
    with loaded(journeys(tmp_path / "e.csv", paths)) as log:
        result = funnel(log, parse_steps("a,b,c"), mode=FunnelMode.unordered, window_seconds=86400)
    one, two, three = result.steps
    assert counts(result) == [4, 2, 1]
    # after the event that completed the unit's last step: u3's c (then y), u4's a (then nothing)
    assert [(n.event, n.units) for n in one.dropoff_next_events] == [("[end]", 1), ("y", 1)]
    assert [(n.event, n.units) for n in two.dropoff_next_events] == [("x", 1)]
    assert three.dropoff_next_events == []


def test_breakdown_splits_units_by_their_step_one_value(tmp_path: Path) -> None:
    paths = {
        "u1": [("view", 0), ("cart", 1), ("buy", 2)],
        "u2": [("view", 0), ("cart", 3)],
        "u3": [("view", 0), ("help", 1)],
        "u4": [("view", 0), ("cart", 1), ("buy", 5)],
        "u5": [("view", 0)],
        "u6": [("cart", 0)],
    }
    channel = {"u1": "web", "u2": "web", "u3": "app", "u4": "email", "u6": "web"}
    path = journeys(tmp_path / "e.csv", paths, channel=channel)
    with loaded(path, LogSpec(props=("channel",))) as log:
        plain = funnel(log, parse_steps("view,cart,buy"))
        result = funnel(log, parse_steps("view,cart,buy"), breakdown="channel", breakdown_limit=2)
    assert plain.breakdown is None
    assert result.steps == plain.steps  # a breakdown adds to the funnel, changes nothing
    split = result.breakdown
    assert split is not None and split.property == "channel"
    assert split.values == ["web", "app", "Other", "(none)"]  # app before email: by name
    groups = {g.value: g for g in split.groups}
    assert [s.count for s in groups["web"].steps] == [2, 2, 1]
    assert [s.count for s in groups["Other"].steps] == [1, 1, 1]
    assert [s.count for s in groups["app"].steps] == [1, 0, 0]
    assert groups["app"].steps[0].dropoff_next_events[0].event == "help"
    assert groups["(none)"].entered == 1 and groups["(none)"].converted == 0
    assert groups["web"].steps[2].rate_step == 0.5
    assert groups["Other"].time_to_convert["median_seconds"] == 300.0
    # the groups partition the funnel's units
    for i, step in enumerate(result.steps):
        assert sum(g.steps[i].count for g in split.groups) == step.count


def test_breakdown_of_an_unordered_funnel(tmp_path: Path) -> None:
    paths = {"u1": [("b", 0), ("a", 1)], "u2": [("a", 0)], "u3": [("a", 0), ("b", 1)]}
    plan = {"u1": "pro", "u2": "free", "u3": "free"}
    path = journeys(tmp_path / "e.csv", paths, plan=plan)
    with loaded(path, LogSpec(props=("plan",))) as log:
        result = funnel(log, parse_steps("a,b"), mode=FunnelMode.unordered, breakdown="plan")
    assert result.breakdown is not None
    groups = {g.value: [s.count for s in g.steps] for g in result.breakdown.groups}
    assert groups == {"free": [2, 1], "pro": [1, 1]}


def test_breakdown_needs_a_kept_property(tmp_path: Path) -> None:
    with (
        loaded(journeys(tmp_path / "e.csv", {"u1": [("a", 0), ("b", 1)]})) as log,
        pytest.raises(InvalidInput, match="property 'plan' was not read"),
    ):
        funnel(log, parse_steps("a,b"), breakdown="plan")
