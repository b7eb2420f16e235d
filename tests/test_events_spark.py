"""The Spark engine gives the same results as DuckDB on a small log with ties and sessions."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from journeyline import events as an
from journeyline.events.coverage import catalogue, coverage
from journeyline.events.engine import DuckDBEngine
from journeyline.events.measured import measure_lane
from journeyline.model import EventMatcher, JourneyMap, Stage, Step
from tests.events_support import journeys

pytestmark = [
    pytest.mark.spark,
    pytest.mark.skipif(
        importlib.util.find_spec("pyspark") is None, reason="needs pyspark (pip install '.[spark]')"
    ),
    pytest.mark.skipif(
        shutil.which("java") is None,
        reason="needs Java 17 (apt-get install openjdk-17-jre-headless)",
    ),
]

PATHS = {
    "u1": [("home", 0), ("search", 0), ("search", 0), ("product", 4), ("cart", 10), ("buy", 12)],
    "u2": [("home", 0), ("product", 3), ("cart", 4), ("home", 200), ("cart", 201)],
    "u3": [("home", 0), ("search", 2), ("product", 5), ("help", 5), ("product", 7)],
    "u4": [("promo", 0), ("home", 1), ("help", 2)],
}
CHANNEL = {"u1": "web", "u2": "app", "u3": "web", "u4": "email"}


def analyse(engine: an.Engine, path: Path) -> dict[str, object]:
    spec = an.LogSpec(channel_col="channel", unit_kind=an.UnitKind.session)
    log = an.load_events(path, spec, engine)
    steps = an.parse_steps("home,product|search,cart")
    return {
        "log": log.summary(),
        "reach": an.reach(log).to_dict(),
        "transitions": an.transitions(log).to_dict(),
        "variants": an.variants(log, collapse=True).to_dict(),
        "dwell": an.dwell(log).to_dict(),
        "breakdown": an.breakdown(log, "channel", limit=2).to_dict(),
        "loops": an.loops(log).to_dict(),
        "funnel": an.funnel(log, steps, window_seconds=3600).to_dict(),
        "strict": an.funnel(log, steps, mode=an.FunnelMode.strict).to_dict(),
        "unordered": an.funnel(log, steps, mode=an.FunnelMode.unordered).to_dict(),
        "by_channel": an.funnel(log, steps, breakdown="channel", breakdown_limit=1).to_dict(),
        "unordered_by_channel": an.funnel(
            log, steps, mode=an.FunnelMode.unordered, breakdown="channel"
        ).to_dict(),
        "attribution": an.attribution(log, an.parse_steps("cart,cart")[0]).to_dict(),
        "conformance": an.conformance(log, conformance_map()).to_dict(),
        "paths": an.paths(log, an.parse_anchor("product|search"), depth=2, top=2).to_dict(),
        "paths_collapsed": an.paths(log, an.parse_anchor("cart"), depth=3, collapse=True).to_dict(),
        "measured": measure_lane(log, conformance_map(), breakdown="channel").to_dict(),
        "measured_top": measure_lane(
            log, conformance_map(), breakdown="channel", breakdown_limit=1
        ).to_dict()["steps"],
        "catalogue": catalogue(log, ["channel"]).to_dict(),
        "coverage": coverage(log, conformance_map()).to_dict(),
    }


def conformance_map() -> JourneyMap:
    """home, then product or search (a regular expression), then cart, then help."""
    matchers = [
        [EventMatcher(event="home")],
        [EventMatcher(event="product|search", match="regex")],
        [EventMatcher(event="cart")],
        [EventMatcher(event="help")],
    ]
    steps = [Step(name=f"S{i}", events=m) for i, m in enumerate(matchers)]
    return JourneyMap(name="Shop", stages=[Stage(name="All", steps=steps)])


def test_spark_matches_duckdb_on_every_deviation_kind(tmp_path: Path) -> None:
    """The hand-built log with a known answer for each deviation kind, on both engines."""
    from tests.test_events_conformance import PATHS as KNOWN
    from tests.test_events_conformance import journey

    path = journeys(tmp_path / "known.csv", KNOWN)
    duck = an.conformance(an.load_events(path, an.LogSpec(), DuckDBEngine()), journey())
    spark_engine = an.SparkEngine(master="local[2]")
    try:
        spark = an.conformance(an.load_events(path, an.LogSpec(), spark_engine), journey())
    finally:
        spark_engine.close()
    assert {d.kind for d in duck.deviations} == {"skipped", "reversed", "loop", "unclaimed"}
    assert spark.to_dict() == duck.to_dict()


def test_spark_matches_duckdb(tmp_path: Path) -> None:
    path = journeys(tmp_path / "events.csv", PATHS, channel=CHANNEL)
    duck = analyse(DuckDBEngine(), path)
    spark_engine = an.SparkEngine(master="local[2]")
    try:
        spark = analyse(spark_engine, path)
    finally:
        spark_engine.close()
    assert duck["log"]["units"] == 5  # type: ignore[index]  # u2 has two sessions
    for key in duck:
        assert spark[key] == duck[key], key


def vendor_analysis(engine: an.Engine, path: Path, spec: an.LogSpec) -> dict[str, object]:
    log = an.load_events(path, spec, engine)
    return {
        "log": log.summary(),
        "warnings": log.warnings,
        "reach": an.reach(log).to_dict(),
        "variants": an.variants(log).to_dict(),
        "breakdown": an.breakdown(log, spec.props[0]).to_dict(),
    }


def test_spark_matches_duckdb_on_vendor_exports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A vendor export is converted once to flat Parquet; both engines read that file."""
    import json

    monkeypatch.setenv("JOURNEYLINE_CACHE_DIR", str(tmp_path / "cache"))
    rows = []
    for i, (user, event) in enumerate(
        [("u1", "Viewed Home"), ("u2", "Viewed Home"), ("u1", "Purchased"), ("u1", "Purchased")]
    ):
        props = {"time": 1_700_000_000 + i, "distinct_id": user, "$insert_id": f"i{i % 3}"}
        rows.append(
            {"event": event, "properties": {**props, "plan": "pro" if user == "u1" else None}}
        )
    rows.append(rows[0])  # a retried event: counted once
    mixpanel = tmp_path / "mixpanel.json"
    mixpanel.write_text(json.dumps(rows, indent=2))
    vendors = Path(__file__).parent / "fixtures" / "events" / "vendors"
    cases = [
        (mixpanel, an.LogSpec(unit_col="properties.distinct_id", props=("plan",))),
        (vendors / "ga4_screen_view.json", an.LogSpec(props=("ga_session_id", "geo.city"))),
    ]
    spark_engine = an.SparkEngine(master="local[2]")
    try:
        for path, spec in cases:
            duck = vendor_analysis(DuckDBEngine(), path, spec)
            spark = vendor_analysis(spark_engine, path, spec)
            assert duck == spark, path.name
    finally:
        spark_engine.close()
    assert duck["log"]["events"] == 1  # type: ignore[index]
