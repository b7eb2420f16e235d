"""The Measured lane: per step of a map, what the event log says about it.

A step's matchers (`events:`) select its events. For the map's measured steps (those with
matchers), in journey order, the lane gives:

- **units**: distinct units with at least one of the step's events in the date range, and
  their **share** of the journey's entrants (units with an event of any measured step);
- **from_previous**: of the previous measured step's units, the share who do this step
  after their first event of that step (`n` = the previous step's units);
- **conversion** to the next measured step, the same way (dropoff = 1 − conversion; none
  for the last step), and, for the units that drop off, the **next events**: the event
  that follows their last event of this step (`[end]` when the journey ends there);
- **median_to_next_seconds**: from a unit's first event of this step to its first event of
  the next step, over the units whose first next-step event comes after it (`n_to_next`);
- **weekly**: units reaching the step per week (weeks start on Monday, UTC), by the week of
  their first event of the step.

Cost: steps whose matchers select the same events are measured once. The log is grouped
once by (unit, distinct step condition) into a small table; every figure is an aggregate
over it (one self-join on the unit for consecutive steps). The same SQL runs on DuckDB and
Spark.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from itertools import pairwise
from typing import Any

from journeyline.errors import InvalidInput
from journeyline.events.engine import Dialect
from journeyline.events.matching import matched_event_ids, matchers_sql, needed_props
from journeyline.events.metrics import END, NONE_VALUE, OTHER, seconds, share
from journeyline.events.readers import EventLog, from_us
from journeyline.model import JourneyMap, Measured

WEEK_US = 7 * 24 * 3600 * 1_000_000
MONDAY_SHIFT_US = 3 * 24 * 3600 * 1_000_000
"""1970-01-01 was a Thursday: shifting by three days makes weeks start on Monday."""
TOP_NEXT = 3
DEFAULT_BREAKDOWN_LIMIT = 6


@dataclass
class NextEvent:
    """Where units that drop off at a step go next."""

    event: str
    units: int
    share: float


@dataclass
class Week:
    """Units reaching a step in one week (the week's Monday, UTC)."""

    week: str
    units: int


@dataclass
class GroupFigures:
    """A step's figures for one breakdown value."""

    value: str
    units: int
    share: float
    conversion: float | None
    from_previous: float | None


@dataclass
class MeasuredStep:
    """One step's figures in the Measured lane."""

    id: str
    name: str
    stage: str
    matched: bool
    """False for a step with no matchers (it is not measured)."""
    units: int = 0
    share: float = 0.0
    events: int = 0
    from_previous: float | None = None
    previous_units: int | None = None
    conversion: float | None = None
    dropoff: float | None = None
    next_events: list[NextEvent] = field(default_factory=list)
    median_to_next_seconds: float | None = None
    n_to_next: int = 0
    weekly: list[Week] = field(default_factory=list)
    breakdown: list[GroupFigures] = field(default_factory=list)


@dataclass
class MeasuredLane:
    """The lane for one map over one log: per step figures and what they rest on."""

    log: dict[str, object]
    map: str
    unit: str
    entrants: int
    date_from: str | None
    date_to: str | None
    period_start: str | None
    period_end: str | None
    breakdown: str | None
    breakdown_values: list[str]
    steps: list[MeasuredStep]

    def to_dict(self) -> dict[str, Any]:
        """JSON form: {"log", "map", "unit", "entrants", "date_from", "date_to", "period_start",
        "period_end", "breakdown", "breakdown_values", "steps"}."""
        return asdict(self)


def parse_day(value: str | None, what: str) -> int | None:
    """Microseconds since 1970 of a date (`2024-03-01`) or ISO time; None for none."""
    if value is None or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as error:
        raise InvalidInput(
            f"{what} '{value}' is not a date; write it as 2024-03-01 or 2024-03-01T12:00:00Z"
        ) from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return int((moment - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)).total_seconds() * 1_000_000)


def _iso(micros: int | None) -> str | None:
    if micros is None:
        return None
    return from_us(int(micros)).isoformat().replace("+00:00", "Z")


def _arg_max(d: Dialect, value: str, key: str) -> str:
    return f"max_by({value}, {key})" if d.name == "spark" else f"arg_max({value}, {key})"


def _arg_min(d: Dialect, value: str, key: str) -> str:
    return f"min_by({value}, {key})" if d.name == "spark" else f"arg_min({value}, {key})"


def props_for_lane(journey: JourneyMap, breakdown: str | None = None) -> list[str]:
    """Property columns the lane needs read: the matchers' filters and the breakdown."""
    props = needed_props([m for step in journey.steps() for m in step.events])
    return list(dict.fromkeys([*props, *([breakdown] if breakdown else [])]))


def measure_lane(
    log: EventLog,
    journey: JourneyMap,
    *,
    date_from: str | None = None,
    date_to: str | None = None,
    breakdown: str | None = None,
    breakdown_limit: int = DEFAULT_BREAKDOWN_LIMIT,
) -> MeasuredLane:
    """The Measured lane for a map (see the module's docstring for each figure).

    `date_from` and `date_to` (dates or ISO times, UTC; `date_to` exclusive, a bare date
    meaning the end of that day) keep the events in that range. `breakdown` splits each
    step's units and conversion by a property: each unit counts under the value of its
    first event that has one (`(none)` when none has), the `breakdown_limit` commonest
    values among entrants by name, the rest as `Other`.
    """
    e = log.engine
    lo = parse_day(date_from, "from")
    hi = parse_day(date_to, "to")
    if hi is not None and date_to is not None and len(date_to.strip()) == 10:
        hi += 24 * 3600 * 1_000_000
    if lo is not None and hi is not None and hi <= lo:
        raise InvalidInput(
            f"the date range {date_from} … {date_to} is empty: 'to' is before 'from'"
        )
    bounds = (lo, hi)
    measured = [(stage, step) for stage, step in journey.iter_steps() if step.events]
    # Distinct conditions: steps that select the same events are measured once.
    cond_of: dict[str, int] = {}
    ids_of: dict[int, list[int] | None] = {}
    sql_of: dict[int, str] = {}
    step_cond: list[int] = []
    for _, step in measured:
        ids = matched_event_ids(log, step.events)
        key = (
            "ids:" + ",".join(map(str, ids)) if ids is not None else matchers_sql(log, step.events)
        )
        if key not in cond_of:
            c = len(cond_of)
            cond_of[key] = c
            ids_of[c] = ids
            sql_of[c] = matchers_sql(log, step.events) if ids is None else ""
        step_cond.append(cond_of[key])
    group_col = None
    if breakdown:
        group_col = log.prop(breakdown)
    values: list[str] = []
    out_steps: list[MeasuredStep] = []
    try:
        entrants = 0
        figures: dict[str, Any] = {}
        if measured:
            _build_unit_table(log, ids_of, sql_of, bounds)
            if group_col is not None:
                values = _build_groups(log, group_col, breakdown_limit)
            figures = _figures(log, step_cond, group_col is not None)
            entrants = figures["entrants"]
        for stage, step in journey.iter_steps():
            out_steps.append(
                MeasuredStep(
                    id=step.id, name=step.name, stage=stage.name, matched=bool(step.events)
                )
            )
        _fill(log, out_steps, step_cond, figures, entrants, values)
        period = e.fetch(f"SELECT MIN(t), MAX(t) FROM ev WHERE {_in_range('t', bounds)}")
    finally:
        for table in ("m_uc", "m_sm", "m_ug", "m_pairs"):
            e.drop(table)
    return MeasuredLane(
        log=log.summary(),
        map=journey.name,
        unit=log.unit_kind.value,
        entrants=entrants,
        date_from=_iso(lo),
        date_to=_iso(hi),
        period_start=_iso(period[0][0]),
        period_end=_iso(period[0][1]),
        breakdown=breakdown,
        breakdown_values=values,
        steps=out_steps,
    )


def _in_range(col: str, bounds: tuple[int | None, int | None]) -> str:
    lo, hi = bounds
    parts = [f"{col} >= {lo}"] * (lo is not None) + [f"{col} < {hi}"] * (hi is not None)
    return " AND ".join(parts) or "1 = 1"


def _build_unit_table(
    log: EventLog,
    ids_of: dict[int, list[int] | None],
    sql_of: dict[int, str],
    bounds: tuple[int | None, int | None],
) -> None:
    """`m_uc`: one row per (unit, distinct step condition) the unit meets: first and last
    position, first and last time, events, the event after its last one, the week of its first."""
    e = log.engine
    d = e.dialect
    pairs = [(i, c) for c, ids in ids_of.items() if ids is not None for i in ids]
    parts = []
    if pairs:
        rows = ", ".join(f"({i}, {c})" for i, c in pairs)
        e.materialize("m_sm", f"SELECT * FROM (VALUES {rows}) AS v(event, c)")
        parts.append(
            "SELECT x.unit, m.c, x.pos, x.t, x.next_event FROM ev x "
            f"JOIN m_sm m ON m.event = x.event WHERE {_in_range('x.t', bounds)}"
        )
    for c, cond in sql_of.items():
        if cond:
            parts.append(
                f"SELECT unit, {c} AS c, pos, t, next_event FROM ev WHERE {cond} AND {_in_range('t', bounds)}"
            )
    e.materialize(
        "m_uc",
        "SELECT unit, c, MIN(pos) AS f, MAX(pos) AS l, MIN(t) AS tf, COUNT(*) AS n, "
        f"{_arg_max(d, 'COALESCE(next_event, -1)', 'pos')} AS nx "
        f"FROM ({' UNION ALL '.join(parts)}) mr GROUP BY unit, c",
    )


def _build_groups(log: EventLog, col: str, limit: int) -> list[str]:
    """`m_ug`: each entrant's breakdown value (its first event's value that is set), the
    `limit` commonest by name and the rest as Other; returns the values in order."""
    e = log.engine
    e.materialize(
        "m_ug",
        f"SELECT unit, {_arg_min(e.dialect, col, 'pos')} AS v FROM ev "
        f"WHERE {col} IS NOT NULL AND unit IN (SELECT unit FROM m_uc) GROUP BY unit",
    )
    rows = e.fetch("SELECT v, COUNT(*) FROM m_ug GROUP BY v")
    rows.sort(key=lambda r: (-int(r[1]), str(r[0])))
    return [str(v) for v, _ in rows[:limit]]


def _group_sql(log: EventLog, values: list[str]) -> str:
    d = log.engine.dialect
    if not values:
        return f"COALESCE(g.v, {d.lit(NONE_VALUE)})"
    listed = ", ".join(d.lit(v) for v in values)
    return (
        f"CASE WHEN g.v IS NULL THEN {d.lit(NONE_VALUE)} WHEN g.v IN ({listed}) THEN g.v "
        f"ELSE {d.lit(OTHER)} END"
    )


def _figures(log: EventLog, step_cond: list[int], grouped: bool) -> dict[str, Any]:
    """Every aggregate the lane needs, from `m_uc`, in a handful of queries."""
    e = log.engine
    d = e.dialect
    pair_list = list(dict.fromkeys(pairwise(step_cond)))
    out: dict[str, Any] = {"pairs": {p: i for i, p in enumerate(pair_list)}}
    out["entrants"] = int(e.fetch("SELECT COUNT(DISTINCT unit) FROM m_uc")[0][0] or 0)
    out["reach"] = {
        int(c): (int(u), int(n))
        for c, u, n in e.fetch("SELECT c, COUNT(*), SUM(n) FROM m_uc GROUP BY c")
    }
    week = d.int_div(f"(tf + {MONDAY_SHIFT_US})", str(WEEK_US))
    out["weekly"] = e.fetch(f"SELECT c, {week} AS wk, COUNT(*) FROM m_uc GROUP BY c, {week}")
    pj = ""
    if pair_list:
        rows = ", ".join(f"({i}, {a}, {b})" for i, (a, b) in enumerate(pair_list))
        e.materialize("m_pairs", f"SELECT * FROM (VALUES {rows}) AS v(pid, a, b)")
        pj = (
            "FROM m_pairs p JOIN m_uc x ON x.c = p.a "
            "LEFT JOIN m_uc y ON y.unit = x.unit AND y.c = p.b"
        )
        gap = "CASE WHEN y.f > x.f THEN y.tf - x.tf END"
        # One pass over the pairs: per pair (nx = -2) and per pair and next event of the
        # units that drop off (the event after their last event of the step).
        dropped_next = "CASE WHEN y.l IS NULL OR y.l <= x.f THEN x.nx ELSE -2 END"
        grouped_rows = e.fetch(
            f"SELECT p.pid, {dropped_next} AS dn, COUNT(*), "
            "SUM(CASE WHEN y.l > x.f THEN 1 ELSE 0 END), "
            f"{d.quantile(gap, 0.5)}, COUNT({gap}) {pj} "
            f"GROUP BY GROUPING SETS ((p.pid), (p.pid, {dropped_next}))"
        )
        out["pairs_rows"] = [(r[0], r[2], r[3], r[4], r[5]) for r in grouped_rows if r[1] is None]
        out["next"] = [
            (r[0], r[1], r[2]) for r in grouped_rows if r[1] is not None and int(r[1]) != -2
        ]
    out["grouped"] = grouped
    out["pj"] = pj
    return out


def _grouped_figures(log: EventLog, values: list[str], pj: str) -> dict[str, Any]:
    e = log.engine
    grp = _group_sql(log, values)
    reach = e.fetch(
        f"SELECT x.c, {grp} AS gv, COUNT(*) FROM m_uc x LEFT JOIN m_ug g ON g.unit = x.unit "
        "GROUP BY x.c, gv"
    )
    entrants = e.fetch(
        f"SELECT {grp} AS gv, COUNT(*) FROM (SELECT DISTINCT unit FROM m_uc) x "
        "LEFT JOIN m_ug g ON g.unit = x.unit GROUP BY gv"
    )
    conv: list[tuple[Any, ...]] = []
    if pj:
        conv = e.fetch(
            f"SELECT p.pid, {grp} AS gv, COUNT(*), SUM(CASE WHEN y.l > x.f THEN 1 ELSE 0 END) "
            f"{pj} LEFT JOIN m_ug g ON g.unit = x.unit GROUP BY p.pid, gv"
        )
    return {"reach": reach, "entrants": entrants, "conv": conv}


def _fill(
    log: EventLog,
    steps: list[MeasuredStep],
    step_cond: list[int],
    figures: dict[str, Any],
    entrants: int,
    values: list[str],
) -> None:
    """Turn the aggregates into each measured step's figures, in journey order."""
    if not figures:
        return
    pairs: dict[tuple[int, int], int] = figures["pairs"]
    by_pid = {int(r[0]): r for r in figures.get("pairs_rows", [])}
    nexts: dict[int, list[tuple[str, int]]] = {}
    for pid, nx, n in figures.get("next", []):
        name = END if nx is None or int(nx) < 0 else log.name(int(nx))
        nexts.setdefault(int(pid), []).append((name, int(n)))
    weekly: dict[int, list[tuple[int, int]]] = {}
    for c, wk, n in figures["weekly"]:
        weekly.setdefault(int(c), []).append((int(wk), int(n)))
    grouped = _grouped_figures(log, values, figures["pj"]) if figures["grouped"] else None
    measured = [s for s in steps if s.matched]
    order = [*values, OTHER, NONE_VALUE] if grouped else []
    g_reach: dict[tuple[int, str], int] = {}
    g_conv: dict[tuple[int, str], tuple[int, int]] = {}
    g_entrants: dict[str, int] = {}
    if grouped:
        g_reach = {(int(c), str(v)): int(n) for c, v, n in grouped["reach"]}
        g_conv = {(int(p), str(v)): (int(u), int(k or 0)) for p, v, u, k in grouped["conv"]}
        g_entrants = {str(v): int(n) for v, n in grouped["entrants"]}
    for i, (step, c) in enumerate(zip(measured, step_cond, strict=True)):
        units, events = figures["reach"].get(c, (0, 0))
        step.units, step.events, step.share = units, events, share(units, entrants)
        step.weekly = _weeks(weekly.get(c, []))
        if i > 0:
            prev = measured[i - 1]
            pid = pairs[(step_cond[i - 1], c)]
            row = by_pid.get(pid)
            step.previous_units = prev.units
            step.from_previous = share(int(row[2] or 0), int(row[1])) if row and row[1] else None
        if i + 1 < len(measured):
            pid = pairs[(c, step_cond[i + 1])]
            row = by_pid.get(pid)
            if row and row[1]:
                n_units, converted = int(row[1]), int(row[2] or 0)
                step.conversion = share(converted, n_units)
                step.dropoff = 1 - step.conversion
                step.median_to_next_seconds = seconds(row[3])
                step.n_to_next = int(row[4] or 0)
                dropped = n_units - converted
                top = sorted(nexts.get(pid, []), key=lambda x: (-x[1], x[0]))[:TOP_NEXT]
                step.next_events = [NextEvent(n, u, share(u, dropped)) for n, u in top]
        if grouped:
            for v in order:
                u = g_reach.get((c, v), 0)
                if not u and v not in g_entrants:
                    continue
                conv = None
                if i + 1 < len(measured):
                    cu, ck = g_conv.get((pairs[(c, step_cond[i + 1])], v), (0, 0))
                    conv = share(ck, cu) if cu else None
                frm = None
                if i > 0:
                    pu, pk = g_conv.get((pairs[(step_cond[i - 1], c)], v), (0, 0))
                    frm = share(pk, pu) if pu else None
                step.breakdown.append(GroupFigures(v, u, share(u, g_entrants.get(v, 0)), conv, frm))


def _weeks(rows: list[tuple[int, int]]) -> list[Week]:
    """Every week from the first to the last, the empty ones as 0."""
    if not rows:
        return []
    counts = dict(rows)
    first, last = min(counts), max(counts)
    return [
        Week(from_us(k * WEEK_US - MONDAY_SHIFT_US).date().isoformat(), counts.get(k, 0))
        for k in range(first, last + 1)
    ]


def write_onto(
    journey: JourneyMap, lane: dict[str, Any], source: str, *, stale: bool
) -> JourneyMap:
    """A copy of the map with each measured step's `measured` set from a lane's JSON (what
    renders, exports and share links draw)."""
    copy = journey.model_copy(deep=True)
    by_id = {s["id"]: s for s in lane.get("steps", [])}
    start = lane.get("date_from") or lane.get("period_start")
    end = lane.get("date_to") or lane.get("period_end")

    def moment(text: str | None) -> dt.datetime | None:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None

    for _, step in copy.iter_steps():
        figures = by_id.get(step.id)
        if figures is None or not figures.get("matched"):
            continue
        step.measured = Measured(
            units=figures["units"],
            share=figures["share"],
            events=figures["events"],
            conversion=figures["conversion"],
            dropoff=figures["dropoff"],
            from_previous=figures["from_previous"],
            median_to_next_seconds=figures["median_to_next_seconds"],
            next_events={n["event"]: n["units"] for n in figures["next_events"]},
            weekly=[w["units"] for w in figures["weekly"]],
            unit=lane.get("unit"),
            total_units=lane.get("entrants"),
            period_start=moment(start),
            period_end=moment(end),
            source=source,
            stale=stale,
        )
    return copy
