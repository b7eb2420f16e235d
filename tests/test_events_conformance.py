"""Observed against mapped (`events conformance`): hand-built logs with known answers for
every deviation kind, the refusal of a map with nothing to compare, the CLI's JSON and
text, and an independent recount on a real shared log."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from journeyline import events as an
from journeyline.cli import app
from journeyline.errors import InvalidInput
from journeyline.model import EventMatcher, JourneyMap, Stage, Step
from tests.conftest import SHARED_EVENTS, require
from tests.events_support import journeys, loaded

MAP = """\
journeyline: 1
maps:
  - id: shop
    name: Shop
    stages:
      - name: Browse
        steps:
          - name: Land
            events: [{event: home}]
          - name: Look
            events: [{event: product}]
      - name: Buy
        steps:
          - name: Think it over
          - name: Cart
            events: [{event: cart}]
          - name: Pay
            events: [{event: buy}]
"""


def _walk(*events: str) -> list[tuple[str, float]]:
    return [(e, float(i)) for i, e in enumerate(events)]


# unit -> its events, with the deviations each one shows (the known answers below)
PATHS = {
    "u01": _walk("home", "product", "cart", "buy"),  # conforms
    "u02": _walk("product", "cart"),  # conforms: enters late, leaves early
    "u03": _walk("home", "cart"),  # skips Look
    "u04": _walk("home", "product", "home"),  # loops back from Look to Land
    "u05": _walk("cart", "product"),  # reverses Cart → Look
    "u06": _walk("home", "help", "product"),  # unclaimed help between Land and Look
    "u07": _walk("home", "help", "home", "product"),  # conforms: help is inside Land's run
    "u08": _walk("promo"),  # reaches no step: not counted
    "u09": _walk("home", "home", "product"),  # conforms: repeats count once
    "u10": _walk("home", "buy", "product"),  # skips Cart (Look comes later), reverses Pay → Look
    "u11": _walk("home", "cart", "buy"),  # skips Look
}


def journey() -> JourneyMap:
    def step(name: str, *names: str) -> Step:
        return Step(name=name, events=[EventMatcher(event=n) for n in names])

    return JourneyMap(
        name="Shop",
        stages=[
            Stage(name="Browse", steps=[step("Land", "home"), step("Look", "product")]),
            Stage(
                name="Buy", steps=[step("Think it over"), step("Cart", "cart"), step("Pay", "buy")]
            ),
        ],
    )


def answer(path: Path, **options: Any) -> dict[str, Any]:
    with loaded(path) as log:
        return an.conformance(log, journey(), **options).to_dict()


def test_every_deviation_kind_has_its_known_count(tmp_path: Path) -> None:
    data = answer(journeys(tmp_path / "e.csv", PATHS))
    assert data["steps"] == ["Land", "Look", "Cart", "Pay"]
    assert data["steps_without_events"] == ["Think it over"]
    assert (data["units"], data["conforming"], data["share"]) == (10, 4, 0.4)
    assert data["kinds"] == {"skipped": 3, "reversed": 2, "loop": 1, "unclaimed": 1}
    found = [(d["kind"], d["steps"], d["event"], d["units"]) for d in data["deviations"]]
    assert found == [
        ("skipped", ["Look"], None, 2),
        ("skipped", ["Cart"], None, 1),
        ("reversed", ["Cart", "Look"], None, 1),
        ("reversed", ["Pay", "Look"], None, 1),
        ("loop", ["Look", "Land"], None, 1),
        ("unclaimed", ["Land", "Look"], "help", 1),
    ]
    assert data["deviations"][0]["share"] == 0.2


def test_top_keeps_the_commonest(tmp_path: Path) -> None:
    data = answer(journeys(tmp_path / "e.csv", PATHS), top=2)
    assert [d["steps"] for d in data["deviations"]] == [["Look"], ["Cart"]]


def test_a_unit_that_leaves_and_comes_back_loops_even_going_forward(tmp_path: Path) -> None:
    # Land → Look → Land → Look: back to Land (loop), then forward to Look again (loop too).
    data = answer(journeys(tmp_path / "e.csv", {"u": _walk("home", "product", "home", "product")}))
    assert (data["units"], data["conforming"]) == (1, 0)
    assert [(d["kind"], d["steps"]) for d in data["deviations"]] == [
        ("loop", ["Land", "Look"]),
        ("loop", ["Look", "Land"]),
    ]


def test_an_event_two_steps_match_belongs_to_the_earlier_step(tmp_path: Path) -> None:
    path = journeys(tmp_path / "e.csv", {"u": _walk("home", "product")})
    shop = journey()
    shop.stages[1].steps[1].events.append(EventMatcher(event="home"))  # Cart matches home too
    with loaded(path) as log:
        data = an.conformance(log, shop).to_dict()
    assert (data["units"], data["conforming"], data["deviations"]) == (1, 1, [])


def test_a_map_without_matchers_is_refused_with_the_fix(tmp_path: Path) -> None:
    bare = JourneyMap(id="bare", name="Bare", stages=[Stage(name="S", steps=[Step(name="A")])])
    with loaded(journeys(tmp_path / "e.csv", PATHS)) as log, pytest.raises(InvalidInput) as error:
        an.conformance(log, bare)
    message = str(error.value)
    assert "map 'bare': no step declares events" in message
    assert "add `events: [{event: NAME}]`" in message


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["events", "conformance", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def test_cli_json_is_the_library_answer(tmp_path: Path) -> None:
    log_file = journeys(tmp_path / "e.csv", PATHS)
    map_file = tmp_path / "shop.yaml"
    map_file.write_text(MAP)
    code, out = run(str(map_file), str(log_file), "--format", "json")
    assert code == 0, out
    assert json.loads(out) == answer(log_file)


def test_cli_text_names_the_share_and_the_deviations(tmp_path: Path) -> None:
    log_file = journeys(tmp_path / "e.csv", PATHS)
    map_file = tmp_path / "shop.yaml"
    map_file.write_text(MAP)
    code, out = run(str(map_file), str(log_file))
    assert code == 0, out
    assert "4 of 10 users (40.0%) follow the map's order" in out
    assert "skipped" in out and "Land → Look" in out and "help" in out
    assert "not compared: step 'Think it over' declares no events" in out


def test_cli_refuses_a_map_without_matchers_before_reading_the_log(tmp_path: Path) -> None:
    map_file = tmp_path / "bare.yaml"
    map_file.write_text(
        "journeyline: 1\nmaps:\n  - id: bare\n    name: Bare\n    stages: [{name: S, steps: [{name: A}]}]\n"
    )
    code, out = run(str(map_file), str(tmp_path / "missing.csv"))
    assert code == 1 and "no step declares events" in out and "events: [{event: NAME}]" in out


def recount(rows: list[tuple[int, int, int]], claim: dict[int, int], k: int) -> dict[str, Any]:
    """The docstring's definitions in plain Python over (unit, pos, event) rows."""
    by_unit: dict[int, list[tuple[int, int]]] = {}
    for unit, pos, event in rows:
        by_unit.setdefault(unit, []).append((pos, event))
    counted = 0
    conforming = 0
    found: dict[tuple[str, int, int | None, int | None], set[int]] = {}
    for unit, items in by_unit.items():
        items.sort()
        claimed = [(i, claim.get(e), e) for i, (_, e) in enumerate(items)]
        path = [s for _, s, _ in claimed if s is not None]
        if not path:
            continue
        counted += 1
        runs = [s for j, s in enumerate(path) if j == 0 or path[j - 1] != s]
        reached = set(runs)
        hits: set[tuple[str, int, int | None, int | None]] = set()
        for j in range(1, len(runs)):
            a, b = runs[j - 1], runs[j]
            if b in runs[:j]:
                hits.add(("loop", a, b, None))
            elif b < a:
                hits.add(("reversed", a, b, None))
            hits |= {("skipped", s, None, None) for s in range(a + 1, b) if s not in reached}
        seen = [(i, s) for i, s, _ in claimed if s is not None]
        for i, s, e in claimed:
            if s is None:
                before = [t for j, t in seen if j < i]
                after = [t for j, t in seen if j > i]
                if before and after and before[-1] != after[0]:
                    hits.add(("unclaimed", before[-1], after[0], e))
        for hit in hits:
            found.setdefault(hit, set()).add(unit)
        conforming += not hits
    return {
        "units": counted,
        "conforming": conforming,
        "deviations": {key: len(units) for key, units in found.items()},
    }


@pytest.mark.shared_data
def test_recount_on_a_real_log_agrees() -> None:
    path = SHARED_EVENTS / "helpdesk.csv.gz"
    require(path.is_file(), f"needs the shared event logs at {SHARED_EVENTS}")
    names = ["Assign seriousness", "Take in charge ticket", "Resolve ticket", "Closed"]
    shop = JourneyMap(
        name="Helpdesk",
        stages=[
            Stage(name="All", steps=[Step(name=n, events=[EventMatcher(event=n)]) for n in names])
        ],
    )
    with an.open_log(path, an.LogSpec(preset="xes")) as log:
        data = an.conformance(log, shop).to_dict()
        rows = [
            tuple(int(v) for v in r) for r in log.engine.fetch("SELECT unit, pos, event FROM ev")
        ]
        ids = {name: i for i, name in log.event_names.items()}
    claim = {ids[n]: i for i, n in enumerate(names, 1)}
    expected = recount(rows, claim, len(names))  # type: ignore[arg-type]
    assert data["units"] == expected["units"] > 1000
    assert data["conforming"] == expected["conforming"]
    assert 0 < data["conforming"] < data["units"]
    index = {n: i for i, n in enumerate(names, 1)}
    got = {
        (
            d["kind"],
            index[d["steps"][0]],
            index[d["steps"][1]] if len(d["steps"]) > 1 else None,
            None if d["event"] is None else ids[d["event"]],
        ): d["units"]
        for d in data["deviations"]
    }
    assert got == expected["deviations"]
    assert set(d["kind"] for d in data["deviations"]) >= {"skipped", "reversed", "loop"}


def test_a_step_with_a_property_filter_claims_only_its_events(tmp_path: Path) -> None:
    # Pay counts only web purchases: the app user's buy is unclaimed, so it conforms.
    paths = {"web": _walk("home", "cart", "buy"), "app": _walk("cart", "buy", "home")}
    log_file = journeys(tmp_path / "e.csv", paths, channel={"web": "web", "app": "app"})
    map_file = tmp_path / "shop.yaml"
    map_file.write_text(MAP.replace("[{event: buy}]", "[{event: buy, where: {channel: web}}]"))
    code, out = run(str(map_file), str(log_file), "--format", "json")
    assert code == 0, out
    data = json.loads(out)
    assert (data["units"], data["conforming"]) == (2, 0)
    assert [(d["kind"], d["steps"], d["event"]) for d in data["deviations"]] == [
        ("skipped", ["Look"], None),
        ("reversed", ["Cart", "Land"], None),
        ("unclaimed", ["Cart", "Land"], "buy"),
    ]


def test_a_log_that_reaches_no_step_has_no_units_and_no_deviations(tmp_path: Path) -> None:
    data = answer(journeys(tmp_path / "e.csv", {"u": _walk("promo", "help")}))
    assert (data["units"], data["conforming"], data["share"], data["deviations"]) == (0, 0, 0.0, [])
