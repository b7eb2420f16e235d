"""Reach, transitions, variants, dwell, breakdowns and loops on small hand-checked logs."""

from __future__ import annotations

from pathlib import Path

from journeyline.events import LogSpec, breakdown, dwell, loops, reach, transitions, variants
from journeyline.events.spec import UnitKind
from tests.events_support import journeys, loaded

PATHS = {
    "u1": [("home", 0), ("search", 1), ("search", 2), ("product", 4), ("cart", 10)],
    "u2": [("home", 0), ("product", 3), ("cart", 4)],
    "u3": [("home", 0), ("search", 2), ("product", 5)],
    "u4": [("promo", 0)],
}


def test_reach_counts_distinct_units(tmp_path: Path) -> None:
    with loaded(journeys(tmp_path / "e.csv", PATHS)) as log:
        result = reach(log)
    rows = {r.event: (r.units, r.share, r.events) for r in result.events}
    assert rows["home"] == (3, 0.75, 3)
    assert rows["search"] == (2, 0.5, 3)
    assert rows["promo"] == (1, 0.25, 1)
    assert [r.event for r in result.events][:2] == ["home", "product"]  # units desc, then name


def test_transitions_count_units_share_and_time(tmp_path: Path) -> None:
    with loaded(journeys(tmp_path / "e.csv", PATHS)) as log:
        result = transitions(log)
    edges = {(t.source, t.target): t for t in result.transitions}
    hp = edges[("home", "product")]
    assert (hp.count, hp.units, hp.median_seconds) == (1, 1, 180.0)
    hs = edges[("home", "search")]
    assert (hs.count, hs.share, hs.median_seconds) == (2, 2 / 3, 90.0)
    loop = edges[("search", "search")]
    assert loop.self_loop and loop.count == 1 and loop.median_seconds == 60.0
    assert (
        edges[("[start]", "home")].count == 3 and edges[("[start]", "home")].median_seconds is None
    )
    assert edges[("cart", "[end]")].count == 2
    assert edges[("promo", "[end]")].units == 1
    # search goes on to itself once and to product twice: shares of its outgoing
    assert edges[("search", "product")].share == 2 / 3


def test_transitions_collapse_loops_and_hide_start_end(tmp_path: Path) -> None:
    with loaded(journeys(tmp_path / "e.csv", PATHS)) as log:
        result = transitions(log, collapse_loops=True, start_end=False)
    edges = {(t.source, t.target): t for t in result.transitions}
    assert ("search", "search") not in edges
    assert not any(t.kind != "step" for t in result.transitions)
    sp = edges[("search", "product")]
    # u1: from the last search (minute 2) to product (minute 4); u3: 2 → 5
    assert sp.count == 2 and sp.median_seconds == 150.0


def test_variants_full_collapsed_and_cut(tmp_path: Path) -> None:
    paths = {**PATHS, "u5": [("home", 0), ("search", 2), ("product", 5)]}
    with loaded(journeys(tmp_path / "e.csv", paths)) as log:
        full = variants(log)
        collapsed = variants(log, collapse=True)
        cut = variants(log, collapse=True, max_steps=2)
    assert full.variants[0].path == ["home", "search", "product"] and full.variants[0].units == 2
    assert full.total_variants == 4
    assert ["home", "search", "search", "product", "cart"] in [v.path for v in full.variants]
    assert ["home", "search", "product", "cart"] in [v.path for v in collapsed.variants]
    top = cut.variants[0]
    assert top.path == ["home", "search", "…"] and top.units == 3 and top.truncated


def test_dwell_is_time_to_next_event_and_session_aware(tmp_path: Path) -> None:
    paths = {"u1": [("a", 0), ("b", 5), ("a", 100), ("b", 102)], "u2": [("a", 0), ("b", 1)]}
    with loaded(journeys(tmp_path / "e.csv", paths)) as log:
        result = {w.name: w for w in dwell(log).events}
    # b → a after 95 minutes crosses the 30-minute session timeout: not time spent at b
    assert result["b"].count == 0
    assert result["a"].count == 3 and result["a"].median_seconds == 120.0
    assert result["a"].total_seconds == (5 + 2 + 1) * 60
    with loaded(journeys(tmp_path / "e.csv", paths), LogSpec(unit_kind=UnitKind.case)) as log:
        assert {w.name: w.count for w in dwell(log).events}["b"] == 1


def test_breakdown_keeps_top_values_and_other(tmp_path: Path) -> None:
    channel = {"u1": "email", "u2": "email", "u3": "social", "u4": "ads"}
    path = journeys(tmp_path / "e.csv", PATHS, channel=channel)
    with loaded(path, LogSpec(channel_col="channel")) as log:
        result = breakdown(log, "channel", limit=1)
    assert result.values == ["email", "Other"]
    home = next(r for r in result.events if r.event == "home")
    assert home.values["email"] == {"events": 2, "units": 2, "share": 2 / 3}
    assert home.values["Other"]["units"] == 1


def test_loops_and_revisits(tmp_path: Path) -> None:
    paths = {"u1": [("a", 0), ("a", 1), ("b", 2), ("a", 3)], "u2": [("a", 0), ("b", 1)]}
    with loaded(journeys(tmp_path / "e.csv", paths)) as log:
        result = loops(log)
    a = next(r for r in result.events if r.event == "a")
    assert (a.events, a.units, a.repeating_units, a.self_loops, a.returns, a.max_per_unit) == (
        4,
        2,
        1,
        1,
        1,
        3,
    )
    assert result.looping_units == 1 and result.looping_share == 0.5
