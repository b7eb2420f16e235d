"""The path metrics: reach, transitions, variants, dwell, breakdowns (channel mix) and loops.

Each metric is one or two set-based SQL queries over the normalised `ev` table (see
`readers`), the same text on every engine. Results are sorted by documented keys so that
two engines, or two runs, give identical output. Times are reported in seconds, rounded
to whole microseconds; shares are computed from integer counts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from journeyline.events.readers import EventLog
from journeyline.events.spec import UnitKind

START = "[start]"
END = "[end]"
OTHER = "Other"
NONE_VALUE = "(none)"


def seconds(micros: Any) -> float | None:
    """Seconds from a microsecond figure, rounded to whole microseconds (None stays None)."""
    if micros is None:
        return None
    return round(float(micros)) / 1_000_000


def share(part: int, whole: int) -> float:
    """part / whole, 0 when whole is 0."""
    return part / whole if whole else 0.0


def time_stats(log: EventLog, expr: str) -> str:
    """SQL for [median, p95] (one list) and the mean of a duration expression in microseconds."""
    d = log.engine.dialect
    return f"{d.quantiles(expr, (0.5, 0.95))}, AVG({expr})"


def median_p95(values: Any) -> tuple[Any, Any]:
    """The two quantiles from `time_stats`' list (None, None when nothing was measured)."""
    return (None, None) if values is None else (values[0], values[1])


STEPS = "ev_steps"


def journey_steps(log: EventLog) -> str:
    """The table of distinct journeys' steps, built once per log and shared by the path metrics.

    `ev_paths` holds every distinct path (a unit's events in order) with the units that
    take it; `ev_steps` one row per step of each path: `pid`, `units`, `i` (1-based),
    the event `a` and the next one `b` (NULL at the end). Distinct units per event or
    transition are then sums over distinct paths, with no distinct count over events.
    """
    if STEPS not in log.built:
        d = log.engine.dialect
        log.engine.materialize(
            "ev_paths",
            "SELECT row_number() OVER (ORDER BY units DESC) AS pid, path, units FROM "
            f"({distinct_paths_sql(log, 'ev')}) v",
        )
        log.engine.materialize(
            STEPS, f"SELECT pid, units, i, a, b FROM {d.path_steps('ev_paths')} s"
        )
        log.built.add(STEPS)
    return STEPS


def distinct_paths_sql(log: EventLog, events: str) -> str:
    """SQL for every distinct path in `events` (rows of `ev`: a unit's events in `pos`
    order) and the units that take it: columns `path` (event ids) and `units`.

    Each unit's events are gathered as codes `pos * span + event` in whatever order the
    engine meets them, and units are grouped on those lists first; only the few distinct
    lists are then sorted (which puts the codes in `pos` order) and decoded into paths,
    and grouped again, since two orders of one unit's codes are the same path. Codes are
    32-bit integers when the longest journey allows it (smaller lists, faster grouping).
    """
    d = log.engine.dialect
    span = max(len(log.event_names), 1)  # event ids are 0 … span - 1
    fits = (log.longest_journey + 1) * span < 2**31
    code = f"CAST(pos AS {'INT' if fits else 'BIGINT'}) * {span} + event"
    return (
        "SELECT path, SUM(units) AS units FROM "
        f"(SELECT {d.decode_path('codes', span)} AS path, units FROM "
        f"(SELECT codes, COUNT(*) AS units FROM (SELECT unit, {d.any_order_list(code)} AS codes "
        f"FROM {events} GROUP BY unit) u GROUP BY codes) c) p GROUP BY path"
    )


# --- reach -------------------------------------------------------------------------------


@dataclass
class EventReach:
    """How many units do an event."""

    event: str
    units: int
    share: float
    events: int


@dataclass
class ReachResult:
    """Reach per event, most-reached first."""

    log: dict[str, object]
    events: list[EventReach]

    def to_dict(self) -> dict[str, Any]:
        """JSON form: {"log": …, "events": [{"event", "units", "share", "events"}]}."""
        return {"log": self.log, "events": [asdict(e) for e in self.events]}


def reach(log: EventLog) -> ReachResult:
    """Reach of an event: the distinct units that do it at least once, and their share of all units.

    Sorted by units (descending), then event name.
    """
    rows = log.engine.fetch(
        "SELECT a, SUM(units), SUM(k * units) FROM (SELECT pid, a, MAX(units) AS units, "
        f"COUNT(*) AS k FROM {journey_steps(log)} GROUP BY pid, a) x GROUP BY a"
    )
    items = [
        EventReach(log.name(e), int(u), share(int(u), log.total_units), int(n)) for e, u, n in rows
    ]
    items.sort(key=lambda r: (-r.units, r.event))
    return ReachResult(log.summary(), items)


# --- transitions -------------------------------------------------------------------------


@dataclass
class Transition:
    """One directly-follows relation: `from` is followed by `to` in a unit's journey."""

    source: str
    target: str
    count: int
    units: int
    share: float
    median_seconds: float | None
    p95_seconds: float | None
    mean_seconds: float | None
    kind: str
    self_loop: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON form with the contract's names (`from`, `to`)."""
        data = asdict(self)
        return {"from": data.pop("source"), "to": data.pop("target"), **data}


@dataclass
class TransitionsResult:
    """All transitions, most frequent first."""

    log: dict[str, object]
    transitions: list[Transition]
    collapsed: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON form: {"log", "collapsed", "transitions": [{"from", "to", "count", "units", …}]}."""
        return {
            "log": self.log,
            "collapsed": self.collapsed,
            "transitions": [t.to_dict() for t in self.transitions],
        }


def transitions(
    log: EventLog, *, collapse_loops: bool = False, start_end: bool = True
) -> TransitionsResult:
    """Transitions between consecutive events of a unit (the directly-follows graph).

    count: how many times `from` is directly followed by `to`; units: distinct units
    with that transition; share: count / all transitions out of `from` (including to
    `[end]` when start/end nodes are on); median/p95/mean seconds: time from the `from`
    event to the `to` event. `[start]` → first event and last event → `[end]` are
    reported (no time) unless `start_end` is off. A self-loop (an event followed by
    itself) is flagged; with `collapse_loops` a run of repeats counts as one node, and
    the time of the transition out of it runs from the run's last event.
    Sorted by count (descending), then from, then to.
    """
    where = " WHERE b IS NULL OR b <> a" if collapse_loops else ""
    if not start_end:
        where = " WHERE b IS NOT NULL" + (" AND b <> a" if collapse_loops else "")
    # Counts and distinct units from the distinct paths; the times from the events, in a
    # query of their own (one aggregate holding both is slow on every engine).
    counted = log.engine.fetch(
        "SELECT a, b, SUM(k * units), SUM(units) FROM (SELECT pid, a, b, MAX(units) AS units, "
        f"COUNT(*) AS k FROM {journey_steps(log)}{where} GROUP BY pid, a, b) x GROUP BY a, b"
    )
    loops_out = " AND next_event <> event" if collapse_loops else ""
    timed = {
        (e, x): (*median_p95(qs), mean)
        for e, x, qs, mean in log.engine.fetch(
            f"SELECT event, next_event, {time_stats(log, '(next_t - t)')} FROM ev "
            f"WHERE next_event IS NOT NULL{loops_out} GROUP BY event, next_event"
        )
    }
    rows = [(e, x, n, u, *timed.get((e, x), (None, None, None))) for e, x, n, u in counted]
    if start_end:
        rows += [
            (None, e, n, n, None, None, None)
            for e, n in log.engine.fetch(
                f"SELECT a, SUM(units) FROM {journey_steps(log)} WHERE i = 1 GROUP BY a"
            )
        ]
    outgoing: dict[int | None, int] = {}
    for source, _t, n, *_ in rows:
        outgoing[source] = outgoing.get(source, 0) + int(n)
    items = []
    for source, target, n, u, med, p95, mean in rows:
        kind = "start" if source is None else "end" if target is None else "step"
        items.append(
            Transition(
                source=START if source is None else log.name(source),
                target=END if target is None else log.name(target),
                count=int(n),
                units=int(u),
                share=share(int(n), outgoing[source]),
                median_seconds=seconds(med),
                p95_seconds=seconds(p95),
                mean_seconds=seconds(mean),
                kind=kind,
                self_loop=source is not None and source == target,
            )
        )
    items.sort(key=lambda t: (-t.count, t.source, t.target))
    return TransitionsResult(log.summary(), items, collapse_loops)


# --- variants ----------------------------------------------------------------------------


TRUNCATED = "…"


@dataclass
class Variant:
    """One distinct path and the units that take it."""

    path: list[str]
    units: int
    share: float
    truncated: bool = False


@dataclass
class VariantsResult:
    """Variants, most common first."""

    log: dict[str, object]
    variants: list[Variant]
    collapsed: bool
    max_steps: int | None
    total_variants: int

    def to_dict(self) -> dict[str, Any]:
        """JSON form: {"log", "collapsed", "max_steps", "total_variants", "variants": [{"path", "units", "share"}]}."""
        return {
            "log": self.log,
            "collapsed": self.collapsed,
            "max_steps": self.max_steps,
            "total_variants": self.total_variants,
            "variants": [asdict(v) for v in self.variants],
        }


def variant_paths(log: EventLog, *, collapse: bool) -> list[tuple[list[str], int]]:
    """Every distinct full path (optionally with repeats collapsed) and its unit count."""
    if not collapse:
        journey_steps(log)
        rows = log.engine.fetch("SELECT path, units FROM ev_paths")
        return [([log.name(e) for e in path], int(n)) for path, n in rows]
    # Collapsing keeps the last event of each run of repeats: the same path as the first.
    kept = "(SELECT unit, pos, event FROM ev WHERE next_event IS NULL OR next_event <> event) k"
    rows = log.engine.fetch(distinct_paths_sql(log, kept))
    return [([log.name(e) for e in path], int(n)) for path, n in rows]


def variants(
    log: EventLog, *, collapse: bool = False, max_steps: int | None = None, top: int | None = None
) -> VariantsResult:
    """Variants: the distinct paths units take, each the unit's events in order.

    With `collapse`, consecutive repeats of an event count once (a→a→b is a→b). With
    `max_steps`, paths are cut after that many steps and end in "…" when they went on;
    paths that agree up to the cut are one variant. Share is units / all units.
    Sorted by units (descending), then path; `top` keeps the first N.
    """
    counts: dict[tuple[str, ...], int] = {}
    for path, n in variant_paths(log, collapse=collapse):
        key = tuple(path)
        if max_steps is not None and len(key) > max_steps:
            key = (*key[:max_steps], TRUNCATED)
        counts[key] = counts.get(key, 0) + n
    items = [
        Variant(list(p), n, share(n, log.total_units), truncated=bool(p) and p[-1] == TRUNCATED)
        for p, n in counts.items()
    ]
    items.sort(key=lambda v: (-v.units, v.path))
    total = len(items)
    if top is not None:
        items = items[:top]
    return VariantsResult(log.summary(), items, collapse, max_steps, total)


# --- dwell -------------------------------------------------------------------------------


@dataclass
class Dwell:
    """Time spent at one event (or step, or stage)."""

    name: str
    count: int
    units: int
    median_seconds: float | None
    p95_seconds: float | None
    mean_seconds: float | None
    total_seconds: float


@dataclass
class DwellResult:
    """Dwell per event, longest median first."""

    log: dict[str, object]
    cutoff_seconds: float | None
    events: list[Dwell] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON form: {"log", "cutoff_seconds", "events": [{"name", "count", "units", "median_seconds", …}]}."""
        return {
            "log": self.log,
            "cutoff_seconds": self.cutoff_seconds,
            "events": [asdict(e) for e in self.events],
        }


def dwell_cutoff(log: EventLog) -> float | None:
    """The longest gap that still counts as time spent: the session timeout for user logs, none for cases."""
    return log.session_timeout_seconds if log.unit_kind == UnitKind.user else None


def dwell_sql(log: EventLog) -> str:
    """SQL for the dwell of each event row in microseconds (NULL when it cannot be measured)."""
    cutoff = dwell_cutoff(log)
    if cutoff is None:
        return "(next_t - t)"
    return f"(CASE WHEN next_t - t <= {int(cutoff * 1_000_000)} THEN next_t - t END)"


def dwell(log: EventLog) -> DwellResult:
    """Dwell: the time from an event to the unit's next event, i.e. time spent at that point.

    Session-aware: for user logs a gap longer than the session timeout ends the session,
    so it is not time spent (the event has no dwell); for sessions the split already holds;
    for cases every gap counts. A unit's last event has no dwell. count: events with a
    dwell; median/p95/mean/total over them. Sorted by median (descending), then name.
    """
    expr = dwell_sql(log)
    if dwell_cutoff(log) is None:  # every event but a unit's last has a dwell
        per_event = (
            f"SELECT a, SUM(units) FROM (SELECT pid, a, MAX(units) AS units FROM "
            f"{journey_steps(log)} WHERE b IS NOT NULL GROUP BY pid, a) x GROUP BY a"
        )
    else:
        per_event = (
            "SELECT event, COUNT(*) FROM (SELECT event, unit FROM ev "
            f"WHERE {expr} IS NOT NULL GROUP BY event, unit) x GROUP BY event"
        )
    units = dict(log.engine.fetch(per_event))
    rows = log.engine.fetch(
        f"SELECT event, COUNT(dw), {time_stats(log, 'dw')}, SUM(dw) "
        f"FROM (SELECT event, {expr} AS dw FROM ev) x GROUP BY event"
    )
    items = [
        Dwell(
            log.name(e),
            int(n),
            int(units.get(e, 0)),
            seconds(median_p95(qs)[0]),
            seconds(median_p95(qs)[1]),
            seconds(mean),
            seconds(total or 0) or 0.0,
        )
        for e, n, qs, mean, total in rows
    ]
    items.sort(key=lambda w: (-(w.median_seconds if w.median_seconds is not None else -1), w.name))
    return DwellResult(log.summary(), dwell_cutoff(log), items)


# --- breakdowns and channel mix ----------------------------------------------------------


@dataclass
class BreakdownRow:
    """One event's split by a property's values."""

    event: str
    events: int
    units: int
    values: dict[str, dict[str, float]]


@dataclass
class BreakdownResult:
    """An event × property-value table, with values past the limit in "Other"."""

    log: dict[str, object]
    property: str
    values: list[str]
    events: list[BreakdownRow]

    def to_dict(self) -> dict[str, Any]:
        """JSON form: {"log", "property", "values", "events": [{"event", "events", "units", "values": {v: {"events", "units", "share"}}}]}."""
        return {
            "log": self.log,
            "property": self.property,
            "values": self.values,
            "events": [asdict(r) for r in self.events],
        }


def value_buckets(
    log: EventLog, col: str, ranked: list[tuple[Any, ...]], limit: int
) -> tuple[list[str], str]:
    """The values that keep their name and SQL mapping `col` to its bucket.

    `ranked` holds (value, units) for the non-empty values; the `limit` with the most
    units (then by name) keep their name, every other value is "Other" and an empty
    one "(none)".
    """
    d = log.engine.dialect
    ranked = sorted(ranked, key=lambda r: (-int(r[1]), str(r[0])))
    keep = [str(v) for v, _ in ranked[:limit]]
    mapping = (
        "CASE " + " ".join(f"WHEN {col} = {d.lit(v)} THEN {d.lit(v)}" for v in keep) + " "
        if keep
        else "CASE "
    ) + f"WHEN {col} IS NULL THEN {d.lit(NONE_VALUE)} ELSE {d.lit(OTHER)} END"
    return keep, mapping


def breakdown(log: EventLog, prop: str, *, limit: int = 8) -> BreakdownResult:
    """Breakdown of each event by a property (channel mix when the property is the channel).

    The `limit` values that reach the most units overall keep their name, the rest are
    "Other", an empty value is "(none)". Per event and value: events, distinct units, and
    share = that value's events / the event's events (shares sum to 1). Sorted by the
    event's units (descending), then name; values by overall units, then name.
    """
    col = log.prop(prop)
    ranked = log.engine.fetch(
        f"SELECT {col}, COUNT(DISTINCT unit) FROM ev WHERE {col} IS NOT NULL GROUP BY {col}"
    )
    keep, mapping = value_buckets(log, col, ranked, limit)
    rows = log.engine.fetch(
        f"SELECT event, v, COUNT(*), COUNT(DISTINCT unit) FROM (SELECT event, unit, {mapping} AS v FROM ev) x "
        "GROUP BY event, v"
    )
    totals = {
        log.name(e): (int(n), int(u))
        for e, n, u in log.engine.fetch(
            "SELECT event, COUNT(*), COUNT(DISTINCT unit) FROM ev GROUP BY event"
        )
    }
    values = list(keep)
    if len(ranked) > limit:
        values.append(OTHER)
    if any(v == NONE_VALUE for _, v, _, _ in rows):
        values.append(NONE_VALUE)
    by_event: dict[str, dict[str, dict[str, float]]] = {}
    for e, v, n, u in rows:
        event_total = totals[log.name(e)][0]
        by_event.setdefault(log.name(e), {})[str(v)] = {
            "events": int(n),
            "units": int(u),
            "share": share(int(n), event_total),
        }
    order = {v: i for i, v in enumerate(values)}
    items = [
        BreakdownRow(
            e, totals[e][0], totals[e][1], dict(sorted(vals.items(), key=lambda kv: order[kv[0]]))
        )
        for e, vals in by_event.items()
    ]
    items.sort(key=lambda r: (-r.units, r.event))
    return BreakdownResult(log.summary(), prop, values, items)


# --- loops and revisits ------------------------------------------------------------------


@dataclass
class Revisit:
    """How often units come back to one event."""

    event: str
    events: int
    units: int
    repeating_units: int
    revisit_share: float
    self_loops: int
    returns: int
    max_per_unit: int
    mean_per_unit: float


@dataclass
class LoopsResult:
    """Loops and revisits per event, most revisited first."""

    log: dict[str, object]
    looping_units: int
    looping_share: float
    events: list[Revisit]

    def to_dict(self) -> dict[str, Any]:
        """JSON form: {"log", "looping_units", "looping_share", "events": [{"event", "repeating_units", …}]}."""
        return {
            "log": self.log,
            "looping_units": self.looping_units,
            "looping_share": self.looping_share,
            "events": [asdict(r) for r in self.events],
        }


def loops(log: EventLog) -> LoopsResult:
    """Loops and revisits: units that do an event more than once.

    repeating_units: units with the event at least twice; revisit_share: those / units
    with the event; self_loops: times the event directly follows itself; returns: times
    a unit comes back to it after other events (events − units − self_loops);
    looping_units: units that repeat any event. Sorted by repeating units (descending), then event.
    """
    rows = log.engine.fetch(
        "SELECT e.event, e.n, e.u, e.sl, c.rep, c.mx FROM "
        "(SELECT event, COUNT(*) AS n, COUNT(DISTINCT unit) AS u, "
        "SUM(CASE WHEN next_event = event THEN 1 ELSE 0 END) AS sl FROM ev GROUP BY event) e JOIN "
        "(SELECT event, SUM(CASE WHEN k > 1 THEN 1 ELSE 0 END) AS rep, MAX(k) AS mx FROM "
        "(SELECT event, unit, COUNT(*) AS k FROM ev GROUP BY event, unit) pu GROUP BY event) c "
        "ON c.event = e.event"
    )
    looping = log.engine.fetch(
        "SELECT COUNT(DISTINCT unit) FROM (SELECT unit, event FROM ev GROUP BY unit, event HAVING COUNT(*) > 1) r"
    )[0][0]
    items = [
        Revisit(
            event=log.name(e),
            events=int(n),
            units=int(u),
            repeating_units=int(rep),
            revisit_share=share(int(rep), int(u)),
            self_loops=int(sl),
            returns=int(n) - int(u) - int(sl),
            max_per_unit=int(mx),
            mean_per_unit=int(n) / int(u),
        )
        for e, n, u, sl, rep, mx in rows
    ]
    items.sort(key=lambda r: (-r.repeating_units, r.event))
    return LoopsResult(log.summary(), int(looping), share(int(looping), log.total_units), items)
