"""`journeyline events …` through the CLI runner: the JSON contract, overlay, discover, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from journeyline.cli import app
from journeyline.formats import load_workspace
from tests.events_support import journeys, write_csv

PATHS = {
    "u1": [("home", 0), ("search", 1), ("product", 4), ("cart", 10), ("buy", 12)],
    "u2": [("home", 0), ("product", 3), ("cart", 4)],
    "u3": [("home", 0), ("search", 2), ("product", 5), ("help", 6)],
    "u4": [("promo", 0), ("home", 1), ("help", 2)],
}
CHANNEL = {"u1": "web", "u2": "app", "u3": "web", "u4": "email"}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["events", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def run_json(*args: str) -> dict:  # type: ignore[type-arg]
    code, out = run(*args, "--format", "json")
    assert code == 0, out
    return json.loads(out)


@pytest.fixture
def log_file(tmp_path: Path) -> Path:
    return journeys(tmp_path / "events.csv", PATHS, channel=CHANNEL)


def test_reach_json_contract(log_file: Path) -> None:
    data = run_json("reach", str(log_file))
    assert data["events"][0] == {"event": "home", "units": 4, "share": 1.0, "events": 4}
    assert set(data["events"][0]) >= {"event", "units", "share"}


def test_transitions_json_contract(log_file: Path) -> None:
    data = run_json("transitions", str(log_file), "--no-start-end")
    first = data["transitions"][0]
    assert {"from", "to", "count", "units", "median_seconds"} <= set(first)
    hs = next(t for t in data["transitions"] if (t["from"], t["to"]) == ("home", "search"))
    assert (hs["count"], hs["units"], hs["median_seconds"]) == (2, 2, 90.0)


def test_variants_json_contract(log_file: Path) -> None:
    data = run_json("variants", str(log_file), "--max-steps", "2")
    assert data["variants"][0] == {
        "path": ["home", "search", "…"],
        "units": 2,
        "share": 0.5,
        "truncated": True,
    }
    assert sum(v["units"] for v in data["variants"]) == 4


def test_funnel_json_contract(log_file: Path) -> None:
    data = run_json(
        "funnel",
        str(log_file),
        "--steps",
        "home,search|product,cart",
        "--window",
        "14d",
        "--mode",
        "ordered",
    )
    steps = data["steps"]
    assert [s["name"] for s in steps] == ["home", "search|product", "cart"]
    assert [s["count"] for s in steps] == [4, 3, 2]
    for s in steps:
        assert {
            "name",
            "count",
            "rate_overall",
            "rate_step",
            "median_seconds_from_previous",
        } <= set(s)
    assert steps[2]["rate_step"] == 2 / 3 and steps[2]["rate_overall"] == 0.5


def test_funnel_breakdown_json_adds_to_the_contract(log_file: Path) -> None:
    args = ["funnel", str(log_file), "--steps", "home,cart", "--channel-col", "channel"]
    plain = run_json(*args)
    data = run_json(*args, "--breakdown", "channel", "--breakdown-limit", "1")
    assert data["steps"] == plain["steps"] and plain["breakdown"] is None
    split = data["breakdown"]
    assert (split["property"], split["limit"], split["values"]) == ("channel", 1, ["web", "Other"])
    web, other = split["groups"]
    assert [s["count"] for s in web["steps"]] == [2, 1]
    assert [s["count"] for s in other["steps"]] == [2, 1]
    assert {"name", "count", "rate_overall", "rate_step", "median_seconds_from_previous"} <= set(
        web["steps"][1]
    )
    code, out = run(*args, "--breakdown", "channel")
    assert code == 0 and "by channel" in out


def test_other_commands_run(log_file: Path) -> None:
    assert run_json("dwell", str(log_file))["events"]
    mix = run_json("breakdown", str(log_file), "--channel-col", "channel", "--limit", "2")
    assert mix["values"] == ["web", "app", "Other"]
    assert run_json("loops", str(log_file))["looping_units"] == 0
    att = run_json("attribution", str(log_file), "--conversion", "buy")
    assert att["conversions"] == 1 and att["touchpoints"][0]["linear"] == 0.25
    report = run_json("report", str(log_file), "--steps", "home,cart")
    assert report["funnel"]["steps"][1]["count"] == 2 and report["reach"][0]["event"] == "home"


def test_text_output(log_file: Path) -> None:
    code, out = run("funnel", str(log_file), "--steps", "home,cart")
    assert code == 0 and "of step 1" in out and "2 of 4 converted" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["funnel", "--steps", "home,cart", "--window", "14x"],
            "conversion window '14x' is not a duration",
        ),
        (["funnel", "--steps", "home,chart"], "funnel step 'chart' matches no event"),
        (["reach", "--preset", "ga4"], "columns found: user_id, event, timestamp, channel"),
        (["reach", "--preset", "nope"], "unknown preset 'nope'"),
        (["breakdown", "--by", "country"], "missing property 'country' column 'country'"),
    ],
)
def test_bad_input_exits_1_with_message(log_file: Path, args: list[str], message: str) -> None:
    command, *rest = args
    code, out = run(command, str(log_file), *rest)
    assert code == 1
    assert message in out
    assert "Traceback" not in out


def test_unparsable_timestamp_via_cli(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "e.csv", ["user_id", "event", "timestamp"], [["u", "a", "soon"]])
    code, out = run("reach", str(path))
    assert code == 1 and "1 of 1 timestamps" in out and "'soon'" in out


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
          - name: Look around
            events: [{event: "search|product", match: regex}]
      - name: Buy
        steps:
          - name: Cart
            events: [{event: cart}]
          - name: Pay
            events: [{event: buy, where: {channel: web}}]
          - name: Gift wrap
            events: [{event: gift_*, match: glob}]
          - name: Think it over
"""


def test_overlay_writes_measured_figures_and_reports_gaps(log_file: Path, tmp_path: Path) -> None:
    map_file = tmp_path / "shop.yaml"
    map_file.write_text(MAP)
    out = tmp_path / "measured.yaml"
    data = run_json(
        "overlay", str(map_file), str(log_file), "-o", str(out), "--channel-col", "channel"
    )
    steps = {s["name"]: s for s in data["steps"]}
    assert steps["Land"]["units"] == 4 and steps["Land"]["conversion"] == 0.75
    assert steps["Pay"]["units"] == 1
    assert {u["event"] for u in data["unmapped_events"]} == {"help", "promo"}
    assert [r["name"] for r in data["rare_steps"]] == ["Gift wrap"]
    assert data["steps_without_events"] == ["Think it over"]
    journey = load_workspace(out).workspace.maps[0]
    land = journey.stages[0].steps[0].measured
    assert land is not None and land.units == 4 and land.total_units == 4 and land.unit == "user"
    assert land.channels == {"web": 0.5, "app": 0.25, "email": 0.25}
    assert land.period_start is not None and land.period_start.isoformat().startswith(
        "2024-03-01T09:00"
    )
    browse = journey.stages[0].measured
    assert browse is not None and browse.units == 4


def test_overlay_needs_steps_with_events(log_file: Path, tmp_path: Path) -> None:
    map_file = tmp_path / "bare.yaml"
    map_file.write_text(
        "journeyline: 1\nmaps:\n  - name: Bare\n    stages: [{name: S, steps: [{name: A}]}]\n"
    )
    code, out = run("overlay", str(map_file), str(log_file), "-o", str(tmp_path / "o.yaml"))
    assert code == 1 and "declares events" in out


def test_discover_drafts_a_loadable_map(log_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "draft.yaml"
    data = run_json("discover", str(log_file), "-o", str(out), "--coverage", "1")
    journey = load_workspace(out).workspace.maps[0]
    names = [s.name for s in journey.steps()]
    assert names.index("Home") < names.index("Product") < names.index("Cart")
    assert journey.type.value == "current_state"
    assert all(s.events and s.measured for s in journey.steps())
    assert data["coverage"] == 1.0
