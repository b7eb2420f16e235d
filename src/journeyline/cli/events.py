"""`journeyline events …`: event-log analytics. Each command reads the log once, makes one
library call in `journeyline.events` and prints the result as text or JSON."""

import functools
import inspect
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from journeyline import events as an
from journeyline.cli.common import (
    FORMAT_OPTION,
    OutputFormat,
    console,
    err_console,
    map_option,
    print_json,
    print_warnings,
    reporting_errors,
    warn,
)
from journeyline.errors import InvalidInput
from journeyline.events.overlay import DEFAULT_RARE_SHARE, DEFAULT_UNMAPPED_SHARE
from journeyline.events.paths import MAX_DEPTH, MAX_TOP

events_app = typer.Typer(
    name="events",
    help="Ground maps in data: analyse event logs (CSV, Parquet, JSON lines, XES) and overlay maps.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

EVENTS_ARG = typer.Argument(..., help="Event log: .csv(.gz), .parquet, .jsonl(.gz) or .xes(.gz).")


@dataclass
class LogOptions:
    """The options every `events` command shares: how to read the log and which engine runs it."""

    preset: str | None
    engine: an.EngineName
    spark_master: str
    unit_col: str | None
    event_col: str | None
    time_col: str | None
    time_unit: an.TimeUnit
    unit: an.UnitKind | None
    session_col: str | None
    session_timeout: str
    channel_col: str | None
    prop: list[str]
    fmt: OutputFormat

    def spec(self, *props: str) -> an.LogSpec:
        """The reading spec, keeping these extra property columns too."""
        timeout = an.parse_duration(self.session_timeout, "session timeout")
        return an.LogSpec(
            preset=self.preset,
            unit_col=self.unit_col,
            event_col=self.event_col,
            time_col=self.time_col,
            time_unit=None if self.time_unit == an.TimeUnit.auto else self.time_unit,
            unit_kind=self.unit,
            session_col=self.session_col,
            session_timeout_seconds=timeout,
            channel_col=self.channel_col,
            props=tuple(dict.fromkeys([*self.prop, *props])),
        )


_COMMON: list[tuple[str, Any, Any]] = [
    (
        "preset",
        str | None,
        typer.Option(None, "--preset", help=f"Column layout: {', '.join(an.PRESETS)}."),
    ),
    (
        "engine",
        an.EngineName,
        typer.Option(an.EngineName.duckdb, "--engine", help="duckdb (embedded) or spark."),
    ),
    ("spark_master", str, typer.Option("local[2]", "--spark-master", help="Spark master URL.")),
    (
        "unit_col",
        str | None,
        typer.Option(
            None,
            "--unit-col",
            help="Column naming the unit (user or case); nested fields by dotted name, e.g. properties.distinct_id.",
        ),
    ),
    ("event_col", str | None, typer.Option(None, "--event-col", help="Column naming the event.")),
    (
        "time_col",
        str | None,
        typer.Option(None, "--time-col", help="Column holding the timestamp."),
    ),
    (
        "time_unit",
        an.TimeUnit,
        typer.Option(
            an.TimeUnit.auto,
            "--time-unit",
            help="Numeric timestamps are s, ms, us or ns (auto: by size).",
        ),
    ),
    (
        "unit",
        an.UnitKind | None,
        typer.Option(
            None, "--unit", help="Count by user, case or session (default: the preset's)."
        ),
    ),
    (
        "session_col",
        str | None,
        typer.Option(
            None, "--session-col", help="Column naming sessions (implies --unit session)."
        ),
    ),
    (
        "session_timeout",
        str,
        typer.Option(
            "30m",
            "--session-timeout",
            help="Inactivity that ends a session, e.g. 30m; 'none' for no split.",
        ),
    ),
    (
        "channel_col",
        str | None,
        typer.Option(None, "--channel-col", help="Property holding the channel."),
    ),
    (
        "prop",
        list[str],
        typer.Option(
            [],
            "--prop",
            help="Keep this property too (repeatable); nested fields by dotted name, e.g. properties.plan.",
        ),
    ),
    ("fmt", OutputFormat, FORMAT_OPTION),
]


def log_command(fn: Callable[..., None]) -> Callable[..., None]:
    """Add the shared log options to a command; the command receives them as `opts`."""
    sig = inspect.signature(fn)
    own = [p for p in sig.parameters.values() if p.name != "opts"]
    # A command with formats of its own (`paths`: text, json or svg) declares `fmt` itself.
    shared = [c for c in _COMMON if c[0] not in sig.parameters]
    extra = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=tp)
        for name, tp, default in shared
    ]

    @functools.wraps(fn)
    def wrapper(**kwargs: Any) -> None:
        common = {name: kwargs.pop(name) for name, _, _ in shared}
        if "fmt" in kwargs:
            json_out = str(kwargs["fmt"]) == OutputFormat.json
            common["fmt"] = OutputFormat.json if json_out else OutputFormat.text
        fn(opts=LogOptions(**common), **kwargs)

    wrapper.__signature__ = sig.replace(parameters=[*own, *extra])  # type: ignore[attr-defined]
    wrapper.__annotations__ = {
        **{p.name: p.annotation for p in own},
        **{name: tp for name, tp, _ in shared},
    }
    return wrapper


@contextmanager
def _phases(fmt: OutputFormat) -> Iterator[Callable[[str], None]]:
    """A progress line on stderr (terminals only) naming the phase that runs."""
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    )
    task = progress.add_task("starting", total=None)
    with progress:
        yield lambda phase: progress.update(task, description=phase)


@contextmanager
def _loaded(
    events: Path, opts: LogOptions, *props: str
) -> Iterator[tuple[an.EventLog, Callable[[str], None]]]:
    with reporting_errors(opts.fmt), _phases(opts.fmt) as say:
        say(
            f"reading {events.name}"
            + (f" on Spark ({opts.spark_master})" if opts.engine == an.EngineName.spark else "")
        )
        with an.open_log(
            events, opts.spec(*props), engine=opts.engine, spark_master=opts.spark_master
        ) as log:
            for message in log.warnings:
                warn(message)
            yield log, say


def _pct(x: float | None) -> str:
    return "" if x is None else f"{x:.1%}"


def _dur(s: float | None) -> str:
    if s is None:
        return ""
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m")):
        if s >= size:
            return f"{s / size:.1f}{unit}"
    return f"{s:.1f}s"


def _header(log: dict[str, object]) -> None:
    console.print(
        f"{log['source']}: {log['units']} {log['unit']}s, {log['events']} events, "
        f"{str(log['period_start'])[:10]} – {str(log['period_end'])[:10]}",
        markup=False,
    )


def _table(*columns: str) -> Table:
    table = Table(box=None, pad_edge=False, show_edge=False)
    for i, col in enumerate(columns):
        table.add_column(col, justify="left" if i == 0 else "right", overflow="fold")
    return table


def _add(table: Table, *cells: str) -> None:
    """A row of plain text: event names are data, never markup."""
    table.add_row(*[Text(c) for c in cells])


def _shown(items: list[Any], limit: int, what: str) -> list[Any]:
    if len(items) > limit:
        console.print(
            f"… {len(items) - limit} more {what} (use --format json for all)", markup=False
        )
    return items[:limit]


@events_app.command("reach")
@log_command
def reach_cmd(events: Path = EVENTS_ARG, *, opts: LogOptions) -> None:
    """Reach: distinct units and their share per event."""
    with _loaded(events, opts) as (log, say):
        say("reach")
        result = an.reach(log)
    if opts.fmt == OutputFormat.json:
        return print_json(result.to_dict())
    _header(result.log)
    table = _table("event", "units", "share", "events")
    for r in result.events:
        _add(table, r.event, str(r.units), _pct(r.share), str(r.events))
    console.print(table)


@events_app.command("transitions")
@log_command
def transitions_cmd(
    events: Path = EVENTS_ARG,
    collapse_loops: bool = typer.Option(
        False, "--collapse-loops", help="Count a run of repeats as one node."
    ),
    start_end: bool = typer.Option(
        True, "--start-end/--no-start-end", help="Report [start] and [end] edges."
    ),
    top: int | None = typer.Option(None, "--top", help="Keep the N most frequent transitions."),
    *,
    opts: LogOptions,
) -> None:
    """Transitions between consecutive events: count, units, share of the source's outgoing, times."""
    with _loaded(events, opts) as (log, say):
        say("transitions")
        result = an.transitions(log, collapse_loops=collapse_loops, start_end=start_end)
    if top is not None:
        result.transitions = result.transitions[:top]
    if opts.fmt == OutputFormat.json:
        return print_json(result.to_dict())
    _header(result.log)
    table = _table("from", "to", "count", "units", "share", "median", "p95")
    for t in _shown(result.transitions, 40, "transitions"):
        loop = " (loop)" if t.self_loop else ""
        _add(
            table,
            t.source,
            t.target + loop,
            str(t.count),
            str(t.units),
            _pct(t.share),
            _dur(t.median_seconds),
            _dur(t.p95_seconds),
        )
    console.print(table)


@events_app.command("variants")
@log_command
def variants_cmd(
    events: Path = EVENTS_ARG,
    collapse: bool = typer.Option(
        False, "--collapse", help="Collapse consecutive repeats (a,a,b is a,b)."
    ),
    max_steps: int | None = typer.Option(
        None, "--max-steps", min=1, help="Cut paths after N steps."
    ),
    top: int | None = typer.Option(None, "--top", min=1, help="Keep the N most common variants."),
    *,
    opts: LogOptions,
) -> None:
    """Variants: the distinct paths units take, most common first."""
    with _loaded(events, opts) as (log, say):
        say("variants")
        result = an.variants(log, collapse=collapse, max_steps=max_steps, top=top)
    if opts.fmt == OutputFormat.json:
        return print_json(result.to_dict())
    _header(result.log)
    console.print(
        f"{result.total_variants} variants" + (" (repeats collapsed)" if collapse else ""),
        markup=False,
    )
    table = _table("units", "share", "path")
    for v in _shown(result.variants, 30, "variants"):
        _add(table, str(v.units), _pct(v.share), " → ".join(v.path))
    table.columns[0].justify = "right"
    table.columns[2].justify = "left"
    console.print(table)


def _parse_window(window: str) -> float | None:
    return an.parse_duration(window, "conversion window")


@events_app.command("funnel")
@log_command
def funnel_cmd(
    events: Path = EVENTS_ARG,
    steps: str = typer.Option(
        ...,
        "--steps",
        help="Steps in order, comma-separated; a|b for either; ?step optional; name[prop=value].",
    ),
    window: str = typer.Option(
        "14d", "--window", help="Conversion window from the step-1 event, e.g. 30m, 14d; 'none'."
    ),
    mode: an.FunnelMode = typer.Option(
        an.FunnelMode.ordered, "--mode", help="ordered, strict or unordered."
    ),
    first_only: bool = typer.Option(
        False, "--first-only", help="Only each unit's first step-1 event starts an attempt."
    ),
    exclude: list[str] = typer.Option(
        [], "--exclude", help="Exclusion event, EVENT or EVENT@FROM-TO (repeatable)."
    ),
    breakdown: str | None = typer.Option(
        None,
        "--breakdown",
        help="Also split the funnel by this property (its value on the step-1 event).",
    ),
    breakdown_limit: int = typer.Option(
        8, "--breakdown-limit", min=1, help="Breakdown values shown by name; the rest are 'Other'."
    ),
    *,
    opts: LogOptions,
) -> None:
    """Funnel: units reaching each step within the window, rates, drop-off and time to convert."""
    with reporting_errors(opts.fmt):
        parsed = an.parse_steps(steps)
        exclusions = [an.parse_exclusion(x) for x in exclude]
        window_seconds = _parse_window(window)
        matchers = [m for s in parsed for m in s.matchers] + [
            m for x in exclusions for m in x.matchers
        ]
        props = [p for m in matchers for p in m.where]
        if breakdown:
            props.append(breakdown)
    with _loaded(events, opts, *props) as (log, say):
        say("funnel")
        result = an.funnel(
            log,
            parsed,
            window_seconds=window_seconds,
            mode=mode,
            first_only=first_only,
            exclusions=exclusions,
            breakdown=breakdown,
            breakdown_limit=breakdown_limit,
        )
    if opts.fmt == OutputFormat.json:
        return print_json(result.to_dict())
    _header(result.log)
    console.print(
        f"{result.mode} funnel, window {window}: {result.converted} of {result.entered} converted "
        f"({_pct(result.conversion)}); median time to convert {_dur(result.time_to_convert['median_seconds']) or '–'}",
        markup=False,
    )
    table = _table(
        "step",
        "units",
        "of step 1",
        "of previous",
        "of all units",
        "median from previous",
        "dropped",
        "then did",
    )
    for s in result.steps:
        nxt = ", ".join(f"{n.event} ({n.units})" for n in s.dropoff_next_events[:3])
        _add(
            table,
            s.name + (" (optional)" if s.optional else ""),
            str(s.count),
            _pct(s.rate_overall),
            _pct(s.rate_step),
            _pct(s.share_of_all),
            _dur(s.median_seconds_from_previous),
            str(s.dropoff) if s.dropoff else "",
            nxt,
        )
    console.print(table)
    if result.breakdown:
        split = result.breakdown
        console.print(f"by {split.property} (value on the step-1 event):", markup=False)
        by_value = _table(split.property, *[s.name for s in result.steps], "converted")
        for group in split.groups:
            _add(
                by_value,
                group.value,
                *[f"{s.count} ({_pct(s.rate_overall)})" for s in group.steps],
                _pct(group.conversion),
            )
        console.print(by_value)


@events_app.command("dwell")
@log_command
def dwell_cmd(events: Path = EVENTS_ARG, *, opts: LogOptions) -> None:
    """Dwell: time spent at each event (until the unit's next event, session-aware)."""
    with _loaded(events, opts) as (log, say):
        say("dwell")
        result = an.dwell(log)
    if opts.fmt == OutputFormat.json:
        return print_json(result.to_dict())
    _header(result.log)
    table = _table("event", "count", "units", "median", "p95", "mean")
    for w in result.events:
        _add(
            table,
            w.name,
            str(w.count),
            str(w.units),
            _dur(w.median_seconds),
            _dur(w.p95_seconds),
            _dur(w.mean_seconds),
        )
    console.print(table)


@events_app.command("breakdown")
@log_command
def breakdown_cmd(
    events: Path = EVENTS_ARG,
    by: str | None = typer.Option(
        None, "--by", help="Property to break down by (default: --channel-col)."
    ),
    limit: int = typer.Option(
        8, "--limit", min=1, help="Values shown by name; the rest are 'Other'."
    ),
    *,
    opts: LogOptions,
) -> None:
    """Breakdown of each event by a property; with the channel column, the channel mix."""
    with reporting_errors(opts.fmt):
        prop = by or opts.channel_col
        if not prop:
            raise InvalidInput(
                "name the property to break down by: --by PROPERTY (or --channel-col)"
            )
    with _loaded(events, opts, prop) as (log, say):
        say("breakdown")
        result = an.breakdown(log, prop, limit=limit)
    if opts.fmt == OutputFormat.json:
        return print_json(result.to_dict())
    _header(result.log)
    table = _table("event", "units", *result.values)
    for r in result.events:
        _add(
            table,
            r.event,
            str(r.units),
            *[_pct(r.values.get(v, {}).get("share", 0.0)) for v in result.values],
        )
    console.print(table)


@events_app.command("loops")
@log_command
def loops_cmd(events: Path = EVENTS_ARG, *, opts: LogOptions) -> None:
    """Loops and revisits: units that come back to an event."""
    with _loaded(events, opts) as (log, say):
        say("loops")
        result = an.loops(log)
    if opts.fmt == OutputFormat.json:
        return print_json(result.to_dict())
    _header(result.log)
    console.print(
        f"{result.looping_units} units ({_pct(result.looping_share)}) repeat an event", markup=False
    )
    table = _table("event", "units", "repeating", "share", "self-loops", "returns", "max per unit")
    for r in result.events:
        _add(
            table,
            r.event,
            str(r.units),
            str(r.repeating_units),
            _pct(r.revisit_share),
            str(r.self_loops),
            str(r.returns),
            str(r.max_per_unit),
        )
    console.print(table)


@events_app.command("attribution")
@log_command
def attribution_cmd(
    events: Path = EVENTS_ARG,
    conversion: str = typer.Option(
        ..., "--conversion", help="The conversion event (a|b, name[prop=value])."
    ),
    touchpoint_col: str | None = typer.Option(
        None,
        "--touchpoint-col",
        help="Attribute to this property (e.g. the channel) instead of events.",
    ),
    lookback: str = typer.Option(
        "none", "--lookback", help="Only touchpoints this long before the conversion, e.g. 30d."
    ),
    half_life: str = typer.Option("7d", "--half-life", help="Half-life of the time-decay model."),
    *,
    opts: LogOptions,
) -> None:
    """Attribution of a conversion to touchpoints: first, last, linear, time-decay, position-based, data-driven."""
    with reporting_errors(opts.fmt):
        spec = an.parse_steps(f"{conversion},{conversion}")[0]
        lookback_s = an.parse_duration(lookback, "lookback")
        half = an.parse_duration(half_life, "half-life")
        if half is None:
            raise InvalidInput("the half-life needs a duration, e.g. 7d")
        props = [p for m in spec.matchers for p in m.where] + (
            [touchpoint_col] if touchpoint_col else []
        )
    with _loaded(events, opts, *props) as (log, say):
        say("attribution")
        result = an.attribution(
            log,
            spec,
            touchpoint=touchpoint_col,
            lookback_seconds=lookback_s,
            half_life_seconds=half,
        )
    if opts.fmt == OutputFormat.json:
        return print_json(result.to_dict())
    _header(result.log)
    console.print(
        f"{result.conversions} conversions ({result.conversion}); {result.attributed} with touchpoints, "
        f"{result.direct} direct",
        markup=False,
    )
    table = _table(
        result.touchpoint, "first", "last", "linear", "time-decay", "position", "data-driven"
    )
    for c in result.touchpoints:
        _add(
            table,
            c.touchpoint,
            f"{c.first:.1f}",
            f"{c.last:.1f}",
            f"{c.linear:.1f}",
            f"{c.time_decay:.1f}",
            f"{c.position_based:.1f}",
            f"{c.data_driven:.1f}",
        )
    console.print(table)


@events_app.command("overlay")
@log_command
def overlay_cmd(
    map_file: Path = typer.Argument(
        ..., metavar="MAP", help="Map or workspace file whose steps declare events."
    ),
    events: Path = EVENTS_ARG,
    output: Path = typer.Option(
        ..., "--output", "-o", help="Where to write the map with measured figures."
    ),
    map_id: str | None = map_option(),
    unmapped_share: float = typer.Option(
        DEFAULT_UNMAPPED_SHARE,
        "--unmapped-share",
        help="Report unmapped events done by at least this share of units.",
    ),
    rare_share: float = typer.Option(
        DEFAULT_RARE_SHARE,
        "--rare-share",
        help="Report steps reached by fewer than this share of units.",
    ),
    *,
    opts: LogOptions,
) -> None:
    """Overlay: measure the map's steps and stages on the log, write them onto the map, report gaps."""
    from journeyline.formats import load_map, save_workspace

    with reporting_errors(opts.fmt):
        workspace, journey, warnings = load_map(map_file, map_id)
        print_warnings(warnings)
        if not any(step.events for step in journey.steps()):
            raise InvalidInput(
                f"{map_file}: no step of map '{journey.id}' declares events; add `events: [{{event: NAME}}]` to steps"
            )
    with _loaded(events, opts, *an.props_for_map(journey)) as (log, say):
        say("overlay")
        measured, result = an.overlay(
            log, journey, unmapped_min_share=unmapped_share, rare_max_share=rare_share
        )
    with reporting_errors(opts.fmt):
        workspace.maps = [measured if m.id == journey.id else m for m in workspace.maps]
        print_warnings(save_workspace(workspace, output))
    if opts.fmt == OutputFormat.json:
        return print_json({**result.to_dict(), "output": str(output)})
    _header(result.log)
    table = _table("step", "stage", "units", "share", "conversion", "median dwell")
    for s in result.steps:
        _add(
            table,
            s.name,
            s.stage or "",
            str(s.units),
            _pct(s.share),
            _pct(s.conversion),
            _dur(s.median_seconds),
        )
    console.print(table)
    console.print(f"{_pct(result.mapped_event_share)} of events match a step", markup=False)
    for u in result.unmapped_events:
        console.print(
            f"undocumented touchpoint: {u.event} ({u.units} units, {_pct(u.share)}) matches no step",
            markup=False,
        )
    for r in result.rare_steps:
        console.print(
            f"rarely reached: step '{r.name}' ({r.units} units, {_pct(r.share)})", markup=False
        )
    for name in result.steps_without_events:
        console.print(f"not measured: step '{name}' declares no events", markup=False)
    console.print(f"wrote {output}", markup=False)


@events_app.command("conformance")
@log_command
def conformance_cmd(
    map_file: Path = typer.Argument(
        ..., metavar="MAP", help="Map or workspace file whose steps declare events."
    ),
    events: Path = EVENTS_ARG,
    map_id: str | None = map_option(),
    *,
    opts: LogOptions,
) -> None:
    """Observed against mapped: the share of units that follow the map's order of steps, and the commonest deviations."""
    from journeyline.formats import load_map

    with reporting_errors(opts.fmt):
        _, journey, warnings = load_map(map_file, map_id)
        print_warnings(warnings)
        an.ordered_steps(journey)
    with _loaded(events, opts, *an.props_for_map(journey)) as (log, say):
        say("conformance")
        result = an.conformance(log, journey)
    if opts.fmt == OutputFormat.json:
        return print_json(result.to_dict())
    _header(result.log)
    console.print(
        f"{result.conforming} of {result.units} {result.log['unit']}s ({_pct(result.share)}) "
        f"follow the map's order: {' → '.join(result.steps)}",
        markup=False,
    )
    table = _table("deviation", "steps", "event", "units", "share")
    for d in _shown(result.deviations, 20, "deviations"):
        _add(table, d.kind, " → ".join(d.steps), d.event or "", str(d.units), _pct(d.share))
    console.print(table)
    for name in result.steps_without_events:
        console.print(f"not compared: step '{name}' declares no events", markup=False)


class PathsFormat(StrEnum):
    """What `events paths` prints."""

    text = "text"
    json = "json"
    svg = "svg"


@events_app.command("paths")
@log_command
def paths_cmd(
    events: Path = EVENTS_ARG,
    around: str = typer.Option(
        ..., "--around", help="The anchor event or step (a|b, name[prop=value])."
    ),
    depth: int = typer.Option(
        3, "--depth", min=1, max=MAX_DEPTH, help="Positions shown before and after it."
    ),
    top: int = typer.Option(
        5,
        "--top",
        min=1,
        max=MAX_TOP,
        help="Events named per position; the rest are 'Other'.",
    ),
    collapse: bool = typer.Option(
        False, "--collapse", help="Collapse consecutive repeats (a,a,b is a,b)."
    ),
    fmt: PathsFormat = typer.Option(
        PathsFormat.text,
        "--format",
        "-f",
        help="Text for people, JSON for scripts, or an SVG Sankey.",
    ),
    *,
    opts: LogOptions,
) -> None:
    """Paths: a Sankey of the commonest paths into and out of an event (or step), with 'Other' and a depth limit."""
    with reporting_errors(opts.fmt):
        anchor = an.parse_anchor(around)
        props = [p for m in anchor.matchers for p in m.where]
    with _loaded(events, opts, *props) as (log, say):
        say("paths")
        result = an.paths(log, anchor, depth=depth, top=top, collapse=collapse)
    if fmt == PathsFormat.json:
        return print_json(result.to_dict())
    if fmt == PathsFormat.svg:
        from journeyline.render.sankey import render_sankey_svg

        sys.stdout.write(render_sankey_svg(result.to_dict()) + "\n")
        return None
    _header(result.log)
    console.print(
        f"{result.units} {result.log['unit']}s ({_pct(result.share)}) do {result.anchor}",
        markup=False,
    )
    names = {n.id: n for n in result.nodes}
    table = _table("position", "from", "to", "units", "share")
    for link in _shown(result.links, 60, "links"):
        a, b = names[link.source], names[link.target]
        _add(
            table,
            f"{a.position:+d} → {b.position:+d}",
            a.name,
            b.name,
            str(link.units),
            _pct(link.share),
        )
    console.print(table)


@events_app.command("discover")
@log_command
def discover_cmd(
    events: Path = EVENTS_ARG,
    output: Path = typer.Option(..., "--output", "-o", help="Where to write the draft map."),
    coverage: float = typer.Option(
        0.8, "--coverage", help="Take dominant paths until they cover this share of units."
    ),
    max_paths: int = typer.Option(20, "--max-paths", min=1, help="At most this many paths."),
    min_share: float = typer.Option(
        0.05, "--min-share", help="Keep events done by at least this share of units on those paths."
    ),
    name: str | None = typer.Option(None, "--name", help="Title of the drafted map."),
    *,
    opts: LogOptions,
) -> None:
    """Discover: draft a current-state map from the dominant collapsed paths."""
    from journeyline.formats import save_workspace
    from journeyline.model import Workspace

    with _loaded(events, opts) as (log, say):
        say("discover")
        found = an.discover(
            log, coverage=coverage, max_paths=max_paths, min_share=min_share, name=name
        )
    with reporting_errors(opts.fmt):
        print_warnings(
            save_workspace(Workspace(name=found.journey.name, maps=[found.journey]), output)
        )
    if opts.fmt == OutputFormat.json:
        return print_json(
            {
                "output": str(output),
                "coverage": found.coverage,
                "paths": [{"path": p, "units": n} for p, n in found.paths],
                "stages": [
                    {"name": s.name, "steps": [st.name for st in s.steps]}
                    for s in found.journey.stages
                ],
                "overlay": found.overlay.to_dict(),
            }
        )
    console.print(
        f"{len(found.paths)} dominant paths cover {_pct(found.coverage)} of units", markup=False
    )
    for stage in found.journey.stages:
        console.print(f"{stage.name}: " + ", ".join(s.name for s in stage.steps), markup=False)
    console.print(f"wrote {output}", markup=False)


@events_app.command("report")
@log_command
def report_cmd(
    events: Path = EVENTS_ARG,
    steps: str | None = typer.Option(
        None, "--steps", help="Funnel steps (see `events funnel`); no funnel when left out."
    ),
    window: str = typer.Option("14d", "--window", help="Funnel conversion window."),
    mode: an.FunnelMode = typer.Option(an.FunnelMode.ordered, "--mode", help="Funnel mode."),
    top: int | None = typer.Option(None, "--top", min=1, help="Keep the N most common variants."),
    *,
    opts: LogOptions,
) -> None:
    """The full report in one read: reach, transitions, variants, dwell and an optional funnel."""
    with reporting_errors(opts.fmt):
        parsed = an.parse_steps(steps) if steps else None
        window_seconds = _parse_window(window)
        props = [p for s in parsed or [] for m in s.matchers for p in m.where]
    with _loaded(events, opts, *props) as (log, say):
        result = an.report(
            log,
            steps=parsed,
            window_seconds=window_seconds,
            mode=mode,
            top_variants=top,
            progress=say,
        )
    if opts.fmt == OutputFormat.json:
        return print_json(result.to_dict())
    _header(result.reach.log)
    console.print(
        f"{len(result.reach.events)} events, {len(result.transitions.transitions)} transitions, "
        f"{result.variants.total_variants} variants",
        markup=False,
    )
    if result.funnel:
        for s in result.funnel.steps:
            console.print(f"  {s.name}: {s.count} ({_pct(s.rate_overall)})", markup=False)


def register(app: typer.Typer) -> None:
    """Add the `events` group to the main command."""
    app.add_typer(events_app, name="events")
