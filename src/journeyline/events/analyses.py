"""Every event analysis by name, with its options as JSON: what the API's jobs run.

`run_analysis(name, source, options)` reads the log once and makes the one library call
the CLI's command makes, so its result is the JSON `journeyline events NAME --format
json` prints (discover and overlay write no file: discover returns the drafted map as
`map` instead of `output`, overlay leaves `output` out). Options have the CLI's names
with `_` for `-` (`--breakdown-limit` is `breakdown_limit`) and its defaults; an unknown
option or a value of the wrong type is refused with a message that names it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from journeyline.errors import Diagnostic, InvalidInput
from journeyline.events.attribution import attribution
from journeyline.events.conformance import conformance, ordered_steps
from journeyline.events.discover import discover
from journeyline.events.engine import EngineName, open_engine
from journeyline.events.funnel import FunnelMode, funnel, parse_exclusion
from journeyline.events.matching import parse_steps
from journeyline.events.metrics import breakdown, dwell, loops, reach, transitions, variants
from journeyline.events.overlay import (
    DEFAULT_RARE_SHARE,
    DEFAULT_UNMAPPED_SHARE,
    overlay,
    props_for_map,
)
from journeyline.events.paths import MAX_DEPTH, MAX_TOP, parse_anchor, paths
from journeyline.events.readers import EventLog, load_events
from journeyline.events.spec import LogSpec, parse_duration
from journeyline.model import JourneyMap, did_you_mean

Progress = Callable[[float, str], None]
"""Called with the fraction done (0 … 1) and what runs now."""


@dataclass(frozen=True)
class Option:
    """One option of an analysis: its JSON type, default, and a line of help."""

    kind: type
    default: Any
    help: str
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Analysis:
    """An analysis: its options, the properties it needs read, and the call that runs it."""

    name: str
    summary: str
    options: dict[str, Option] = field(default_factory=dict)
    needs_map: bool = False


def _opt(kind: type, default: Any, help: str, **kw: Any) -> Option:
    return Option(kind, default, help, **kw)


_WINDOW = _opt(str, "14d", "Conversion window from the step-1 event, e.g. 30m, 14d; 'none'.")
_MODES = tuple(m.value for m in FunnelMode)

ANALYSES: dict[str, Analysis] = {
    a.name: a
    for a in [
        Analysis("reach", "Reach: distinct units and their share per event."),
        Analysis(
            "transitions",
            "Transitions between consecutive events.",
            {
                "collapse_loops": _opt(bool, False, "Count a run of repeats as one node."),
                "start_end": _opt(bool, True, "Report [start] and [end] edges."),
                "top": _opt(int, None, "Keep the N most frequent transitions.", minimum=1),
            },
        ),
        Analysis(
            "variants",
            "Variants: the distinct paths units take, most common first.",
            {
                "collapse": _opt(bool, False, "Collapse consecutive repeats."),
                "max_steps": _opt(int, None, "Cut paths after N steps.", minimum=1),
                "top": _opt(int, None, "Keep the N most common variants.", minimum=1),
            },
        ),
        Analysis(
            "funnel",
            "Funnel: units reaching each step within the window, with an optional breakdown.",
            {
                "steps": _opt(str, None, "Steps in order, comma-separated.", required=True),
                "window": _WINDOW,
                "mode": _opt(str, "ordered", "ordered, strict or unordered.", choices=_MODES),
                "first_only": _opt(bool, False, "Only each unit's first step-1 event starts."),
                "exclude": _opt(list, [], "Exclusion events, EVENT or EVENT@FROM-TO."),
                "breakdown": _opt(str, None, "Also split the funnel by this property."),
                "breakdown_limit": _opt(int, 8, "Breakdown values shown by name.", minimum=1),
            },
        ),
        Analysis("dwell", "Dwell: time spent at each event."),
        Analysis(
            "breakdown",
            "Breakdown of each event by a property.",
            {
                "by": _opt(str, None, "Property to break down by.", required=True),
                "limit": _opt(int, 8, "Values shown by name; the rest are 'Other'.", minimum=1),
            },
        ),
        Analysis("loops", "Loops and revisits: units that come back to an event."),
        Analysis(
            "attribution",
            "Attribution of a conversion to touchpoints.",
            {
                "conversion": _opt(str, None, "The conversion event.", required=True),
                "touchpoint": _opt(str, None, "Attribute to this property instead of events."),
                "lookback": _opt(str, "none", "Only touchpoints this long before, e.g. 30d."),
                "half_life": _opt(str, "7d", "Half-life of the time-decay model."),
            },
        ),
        Analysis(
            "paths",
            "Paths: the commonest paths into and out of an event, as a Sankey.",
            {
                "around": _opt(str, None, "The anchor event or step.", required=True),
                "depth": _opt(int, 3, "Positions before and after.", minimum=1, maximum=MAX_DEPTH),
                "top": _opt(int, 5, "Events named per position.", minimum=1, maximum=MAX_TOP),
                "collapse": _opt(bool, False, "Collapse consecutive repeats."),
            },
        ),
        Analysis(
            "overlay",
            "Overlay: measure the map's steps and stages, report gaps.",
            {
                "unmapped_share": _opt(float, DEFAULT_UNMAPPED_SHARE, "Report unmapped events."),
                "rare_share": _opt(float, DEFAULT_RARE_SHARE, "Report rarely reached steps."),
            },
            needs_map=True,
        ),
        Analysis(
            "conformance",
            "Observed against mapped: units that follow the map's order, and deviations.",
            needs_map=True,
        ),
        Analysis(
            "discover",
            "Discover: draft a current-state map from the dominant paths.",
            {
                "coverage": _opt(float, 0.8, "Cover this share of units.", minimum=0, maximum=1),
                "max_paths": _opt(int, 20, "At most this many paths.", minimum=1),
                "min_share": _opt(float, 0.05, "Keep events this common.", minimum=0, maximum=1),
                "name": _opt(str, None, "Title of the drafted map."),
            },
        ),
    ]
}
"""The analyses, by the name the API and the CLI use."""


def _bad(message: str, where: str) -> InvalidInput:
    return InvalidInput(message, [Diagnostic(message, where)])


def check_options(name: str, options: dict[str, Any]) -> dict[str, Any]:
    """The analysis' options with defaults filled in; InvalidInput naming a bad one."""
    analysis = ANALYSES.get(name)
    if analysis is None:
        known = ", ".join(ANALYSES)
        raise _bad(f"unknown analysis '{name}' (known: {known})", "analysis")
    out: dict[str, Any] = {}
    for key in options:
        if key not in analysis.options:
            allowed = ", ".join(analysis.options) or "none"
            close = did_you_mean(key, list(analysis.options))
            hint = f" (did you mean '{close}'?)" if close else ""
            raise _bad(
                f"{name} has no option '{key}'{hint}; its options: {allowed}", f"options.{key}"
            )
    for key, opt in analysis.options.items():
        value = options.get(key, opt.default)
        if value is None:
            if opt.required:
                raise _bad(f"{name} needs the option '{key}' ({opt.help})", f"options.{key}")
            out[key] = None
            continue
        ok = isinstance(value, opt.kind) and not (opt.kind is int and isinstance(value, bool))
        if opt.kind is float and isinstance(value, int) and not isinstance(value, bool):
            value, ok = float(value), True
        if opt.kind is list:
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        if not ok:
            kind = {str: "a text", int: "a whole number", float: "a number", bool: "true or false"}
            wanted = kind.get(opt.kind, "a list of texts")
            raise _bad(f"{name} option '{key}' must be {wanted}", f"options.{key}")
        if opt.minimum is not None and value < opt.minimum:
            raise _bad(f"{name} option '{key}' must be at least {opt.minimum:g}", f"options.{key}")
        if opt.maximum is not None and value > opt.maximum:
            raise _bad(f"{name} option '{key}' must be at most {opt.maximum:g}", f"options.{key}")
        if opt.choices is not None and value not in opt.choices:
            choices = ", ".join(opt.choices)
            raise _bad(f"{name} option '{key}' must be one of {choices}", f"options.{key}")
        out[key] = value
    return out


def _props(name: str, o: dict[str, Any], journey: JourneyMap | None) -> list[str]:
    """The properties the analysis filters or splits on, which the log must keep."""
    if name == "funnel":
        steps = parse_steps(o["steps"])
        exclusions = [parse_exclusion(x) for x in o["exclude"]]
        matchers = [m for s in steps for m in s.matchers] + [
            m for x in exclusions for m in x.matchers
        ]
        return [p for m in matchers for p in m.where] + ([o["breakdown"]] if o["breakdown"] else [])
    if name == "breakdown":
        return [o["by"]]
    if name == "attribution":
        spec = parse_steps(f"{o['conversion']},{o['conversion']}")[0]
        return [p for m in spec.matchers for p in m.where] + (
            [o["touchpoint"]] if o["touchpoint"] else []
        )
    if name == "paths":
        return [p for m in parse_anchor(o["around"]).matchers for p in m.where]
    if journey is not None:
        return props_for_map(journey)
    return []


def _run(name: str, log: EventLog, o: dict[str, Any], journey: JourneyMap | None) -> dict[str, Any]:
    """The one library call of each analysis, and its JSON as the CLI prints it."""
    if name == "reach":
        return reach(log).to_dict()
    if name == "transitions":
        t = transitions(log, collapse_loops=o["collapse_loops"], start_end=o["start_end"])
        if o["top"] is not None:
            t.transitions = t.transitions[: o["top"]]
        return t.to_dict()
    if name == "variants":
        return variants(
            log, collapse=o["collapse"], max_steps=o["max_steps"], top=o["top"]
        ).to_dict()
    if name == "funnel":
        return funnel(
            log,
            parse_steps(o["steps"]),
            window_seconds=parse_duration(o["window"], "conversion window"),
            mode=FunnelMode(o["mode"]),
            first_only=o["first_only"],
            exclusions=[parse_exclusion(x) for x in o["exclude"]],
            breakdown=o["breakdown"],
            breakdown_limit=o["breakdown_limit"],
        ).to_dict()
    if name == "dwell":
        return dwell(log).to_dict()
    if name == "breakdown":
        return breakdown(log, o["by"], limit=o["limit"]).to_dict()
    if name == "loops":
        return loops(log).to_dict()
    if name == "attribution":
        half = parse_duration(o["half_life"], "half-life")
        if half is None:
            raise InvalidInput("the half-life needs a duration, e.g. 7d")
        return attribution(
            log,
            parse_steps(f"{o['conversion']},{o['conversion']}")[0],
            touchpoint=o["touchpoint"],
            lookback_seconds=parse_duration(o["lookback"], "lookback"),
            half_life_seconds=half,
        ).to_dict()
    if name == "paths":
        anchor = parse_anchor(o["around"])
        return paths(log, anchor, depth=o["depth"], top=o["top"], collapse=o["collapse"]).to_dict()
    if name == "overlay":
        assert journey is not None
        _, result = overlay(
            log, journey, unmapped_min_share=o["unmapped_share"], rare_max_share=o["rare_share"]
        )
        return result.to_dict()
    if name == "conformance":
        assert journey is not None
        return conformance(log, journey).to_dict()
    if name == "discover":
        from journeyline.formats.document import workspace_to_data
        from journeyline.model import Workspace

        found = discover(
            log,
            coverage=o["coverage"],
            max_paths=o["max_paths"],
            min_share=o["min_share"],
            name=o["name"],
        )
        drafted = workspace_to_data(Workspace(name=found.journey.name, maps=[found.journey]))
        return {
            "map": drafted["maps"][0] if "maps" in drafted else drafted,
            "coverage": found.coverage,
            "paths": [{"path": p, "units": n} for p, n in found.paths],
            "stages": [
                {"name": s.name, "steps": [st.name for st in s.steps]} for s in found.journey.stages
            ],
            "overlay": found.overlay.to_dict(),
        }
    raise InvalidInput(f"unknown analysis '{name}'")


def prepare(
    name: str, options: dict[str, Any], journey: JourneyMap | None = None
) -> dict[str, Any]:
    """Check an analysis request before it is queued: its options, its step and anchor
    texts, and that it has the map it needs. Returns the options with defaults."""
    checked = check_options(name, options)
    analysis = ANALYSES[name]
    if analysis.needs_map and journey is None:
        raise _bad(f"{name} needs a map: give map_id", "map_id")
    if name == "overlay" and journey is not None and not any(s.events for s in journey.steps()):
        raise InvalidInput(
            f"no step of map '{journey.id}' declares events; add events to its steps first"
        )
    if name == "conformance" and journey is not None:
        ordered_steps(journey)
    if name in ("funnel", "attribution"):
        for key in ("window", "lookback", "half_life"):
            if key in checked:
                parse_duration(checked[key], key.replace("_", "-"))
    _props(name, checked, journey)
    return checked


@dataclass
class AnalysisRun:
    """An analysis' result (the CLI's JSON) and the log's warnings (rows left out and why)."""

    result: dict[str, Any]
    warnings: list[str]


def run_analysis(
    name: str,
    path: Path | str,
    spec: LogSpec,
    options: dict[str, Any],
    *,
    journey: JourneyMap | None = None,
    engine: EngineName | str = EngineName.duckdb,
    progress: Progress | None = None,
    source_name: str | None = None,
) -> AnalysisRun:
    """Read the log at `path` and run one analysis on it: the result is the CLI's JSON.

    `progress` hears the phases: reading the log (0), the analysis (0.5), done (1).
    `source_name` names the log in the result's `log.source` instead of its path (an
    event source of a workspace is named by its id, not by where the server keeps it).
    """
    say = progress or (lambda _f, _m: None)
    checked = prepare(name, options, journey)
    props = _props(name, checked, journey)
    spec = replace(spec, props=tuple(dict.fromkeys([*spec.props, *props])))
    say(0.0, f"reading {Path(str(path)).name}")
    eng = open_engine(engine)
    try:
        log = load_events(path, spec, eng)
        if source_name is not None:
            log.source = source_name
        say(0.5, name)
        result = _run(name, log, checked, journey)
        warnings = list(log.warnings)
    finally:
        eng.close()
    say(1.0, "done")
    return AnalysisRun(result, warnings)


__all__ = [
    "ANALYSES",
    "Analysis",
    "AnalysisRun",
    "Option",
    "check_options",
    "prepare",
    "run_analysis",
]
