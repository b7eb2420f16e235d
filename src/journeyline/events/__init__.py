"""Event-log analytics: read a log once, then measure reach, transitions, variants,
funnels, dwell, breakdowns, loops, attribution and the paths around an event; overlay a map, measure how far units
follow its order (conformance); discover a draft map.

Typical use::

    from journeyline.events import LogSpec, open_log, reach, funnel, parse_steps

    with open_log("events.csv.gz", LogSpec(preset="ga4")) as log:
        print(reach(log).to_dict())
        print(funnel(log, parse_steps("view,cart|wishlist,purchase")).to_dict())

Every metric is SQL over the normalised `ev` table (see `readers`), run by DuckDB
(default) or Spark (`engine="spark"`); both give identical results.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from journeyline.events.attribution import MODELS, AttributionResult, attribution
from journeyline.events.conformance import ConformanceResult, conformance, ordered_steps
from journeyline.events.discover import Discovery, discover
from journeyline.events.engine import DuckDBEngine, Engine, EngineName, SparkEngine, open_engine
from journeyline.events.funnel import (
    DEFAULT_WINDOW_SECONDS,
    Exclusion,
    FunnelMode,
    FunnelResult,
    funnel,
    parse_exclusion,
)
from journeyline.events.matching import StepSpec, parse_steps
from journeyline.events.metrics import (
    BreakdownResult,
    DwellResult,
    LoopsResult,
    ReachResult,
    TransitionsResult,
    VariantsResult,
    breakdown,
    dwell,
    loops,
    reach,
    transitions,
    variants,
)
from journeyline.events.overlay import OverlayResult, overlay, props_for_map
from journeyline.events.paths import PathsResult, parse_anchor, paths
from journeyline.events.readers import EventLog, load_events
from journeyline.events.spec import PRESETS, LogSpec, TimeUnit, UnitKind, parse_duration

Progress = Callable[[str], None]
"""Called with the name of each phase as it starts (the CLI shows a progress bar)."""


@contextmanager
def open_log(
    path: str | Path,
    spec: LogSpec | None = None,
    *,
    engine: EngineName | str = EngineName.duckdb,
    spark_master: str = "local[2]",
) -> Iterator[EventLog]:
    """Load a log into a fresh engine for the duration of the block."""
    eng = open_engine(engine, spark_master)
    try:
        yield load_events(path, spec or LogSpec(), eng)
    finally:
        eng.close()


@dataclass
class Report:
    """The full report: reach, transitions, variants, dwell and (when steps are given) a funnel."""

    reach: ReachResult
    transitions: TransitionsResult
    variants: VariantsResult
    dwell: DwellResult
    funnel: FunnelResult | None

    def to_dict(self) -> dict[str, Any]:
        """JSON form: one key per analysis, each as its own command prints it."""
        return {
            "log": self.reach.log,
            "reach": self.reach.to_dict()["events"],
            "transitions": self.transitions.to_dict()["transitions"],
            "variants": self.variants.to_dict()["variants"],
            "dwell": self.dwell.to_dict()["events"],
            "funnel": self.funnel.to_dict() if self.funnel else None,
        }


def report(
    log: EventLog,
    *,
    steps: list[StepSpec] | None = None,
    window_seconds: float | None = DEFAULT_WINDOW_SECONDS,
    mode: FunnelMode = FunnelMode.ordered,
    top_variants: int | None = None,
    progress: Progress | None = None,
) -> Report:
    """Run the standard analyses on one loaded log (the log is read once).

    Reach builds the distinct paths the others share; after it, transitions, dwell and
    the funnel only read, so an engine that allows it runs them two at a time.
    """
    say = progress or (lambda _phase: None)
    say("reach")
    r = reach(log)
    say("variants")
    v = variants(log, top=top_variants)
    jobs: dict[str, Callable[[], Any]] = {
        "transitions": lambda: transitions(log),
        "dwell": lambda: dwell(log),
    }
    if steps:
        jobs["funnel"] = lambda: funnel(log, steps, window_seconds=window_seconds, mode=mode)
    if log.engine.concurrent:
        say(", ".join(jobs))
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = {name: pool.submit(job) for name, job in jobs.items()}
            done = {name: future.result() for name, future in futures.items()}
    else:
        done = {}
        for name, job in jobs.items():
            say(name)
            done[name] = job()
    return Report(r, done["transitions"], v, done["dwell"], done.get("funnel"))


__all__ = [
    "DEFAULT_WINDOW_SECONDS",
    "MODELS",
    "PRESETS",
    "AttributionResult",
    "BreakdownResult",
    "ConformanceResult",
    "Discovery",
    "DuckDBEngine",
    "DwellResult",
    "Engine",
    "EngineName",
    "EventLog",
    "Exclusion",
    "FunnelMode",
    "FunnelResult",
    "LogSpec",
    "LoopsResult",
    "OverlayResult",
    "PathsResult",
    "ReachResult",
    "Report",
    "SparkEngine",
    "StepSpec",
    "TimeUnit",
    "TransitionsResult",
    "UnitKind",
    "VariantsResult",
    "attribution",
    "breakdown",
    "conformance",
    "discover",
    "dwell",
    "funnel",
    "load_events",
    "loops",
    "open_engine",
    "open_log",
    "ordered_steps",
    "overlay",
    "parse_anchor",
    "parse_duration",
    "parse_exclusion",
    "parse_steps",
    "paths",
    "props_for_map",
    "reach",
    "report",
    "transitions",
    "variants",
]
