"""Funnels: how many units go through a series of steps within a conversion window.

Written as set-based SQL over the funnel's own small table (only the events some step
or exclusion matches): for every such event, framed window aggregates give the position
of the next event of each step after it; a chain of equi-joins follows one attempt from
its step-1 event through the steps; one window picks each unit's counted attempt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from journeyline.errors import InvalidInput
from journeyline.events.matching import (
    StepSpec,
    matched_event_ids,
    matchers_sql,
    parse_alternative,
    split_outside,
)
from journeyline.events.metrics import (
    END,
    NONE_VALUE,
    OTHER,
    STEPS,
    seconds,
    share,
    value_buckets,
)
from journeyline.events.readers import EventLog
from journeyline.model import EventMatcher, did_you_mean

DEFAULT_WINDOW_SECONDS = 14 * 86400.0


class FunnelMode(StrEnum):
    """How the steps must follow each other."""

    ordered = "ordered"
    strict = "strict"
    unordered = "unordered"


@dataclass
class Exclusion:
    """Events that, between two steps (1-based, inclusive bounds), disqualify an attempt."""

    matchers: list[EventMatcher]
    label: str
    from_step: int = 1
    to_step: int | None = None


def parse_exclusion(text: str) -> Exclusion:
    """`event` (whole funnel) or `event@2-3` (between steps 2 and 3); `a|b` for either."""
    body, _, bounds = text.partition("@")
    matchers = [parse_alternative(a) for a in split_outside(body, "|")]
    if not bounds:
        return Exclusion(matchers, body.strip())
    try:
        lo, _, hi = bounds.partition("-")
        return Exclusion(matchers, body.strip(), int(lo), int(hi) if hi else None)
    except ValueError as error:
        raise InvalidInput(
            f"exclusion '{text}': write EVENT or EVENT@FROM-TO, e.g. cancel@1-3"
        ) from error


BUCKETS: tuple[tuple[str, float | None], ...] = (
    ("≤ 1m", 60),
    ("≤ 10m", 600),
    ("≤ 1h", 3600),
    ("≤ 1d", 86400),
    ("≤ 7d", 7 * 86400),
    ("≤ 30d", 30 * 86400),
    ("> 30d", None),
)


@dataclass
class NextEvent:
    """What units that dropped off did next."""

    event: str
    units: int


@dataclass
class FunnelStep:
    """One step's figures. Rates: overall = count / step 1; step = count / previous
    required step; share_of_all = count / every unit in the log."""

    name: str
    count: int
    rate_overall: float
    rate_step: float
    share_of_all: float
    median_seconds_from_previous: float | None
    p95_seconds_from_previous: float | None
    mean_seconds_from_previous: float | None
    dropoff: int
    dropoff_rate: float
    dropoff_next_events: list[NextEvent] = field(default_factory=list)
    optional: bool = False


@dataclass
class FunnelGroup:
    """The funnel of the units whose counted attempt has one breakdown value."""

    value: str
    entered: int
    converted: int
    conversion: float
    steps: list[FunnelStep]
    time_to_convert: dict[str, Any]


@dataclass
class FunnelBreakdown:
    """A funnel split by a property: one group per value, values past the limit in "Other"."""

    property: str
    limit: int
    values: list[str]
    groups: list[FunnelGroup]


@dataclass
class FunnelResult:
    """A funnel's steps, overall conversion and time to convert (and, asked for, a breakdown)."""

    log: dict[str, object]
    mode: str
    window_seconds: float | None
    first_only: bool
    steps: list[FunnelStep]
    entered: int
    converted: int
    conversion: float
    time_to_convert: dict[str, Any]
    exclusions: list[str]
    breakdown: FunnelBreakdown | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form: {"log", "mode", "window_seconds", "steps": [{"name", "count", "rate_overall", "rate_step", "median_seconds_from_previous", …}], …, "breakdown": null or {"property", "limit", "values", "groups": [{"value", "entered", "converted", "conversion", "steps", "time_to_convert"}]}}."""
        data = asdict(self)
        data["rates"] = {
            "rate_overall": "units at this step / units at step 1",
            "rate_step": "units at this step / units at the previous required step",
            "share_of_all": "units at this step / all units in the log",
        }
        return data


UNITS = "funnel_units"


def _win(col: str, window_us: int | None, start: str = "t1") -> str:
    return "1 = 1" if window_us is None else f"{col} - {start} <= {window_us}"


def funnel(
    log: EventLog,
    steps: list[StepSpec],
    *,
    window_seconds: float | None = DEFAULT_WINDOW_SECONDS,
    mode: FunnelMode = FunnelMode.ordered,
    first_only: bool = False,
    exclusions: list[Exclusion] | None = None,
    breakdown: str | None = None,
    breakdown_limit: int = 8,
) -> FunnelResult:
    """A funnel: units that reach each step, in order, within the window from their step-1 event.

    Modes: `ordered` (default) — each step comes after the previous one, other events may
    come between; `strict` — each step is the very next event; `unordered` — the steps
    in any order, step N meaning "N of the steps done". The window (default 14 days,
    None for no limit) runs from the step-1 event, inclusive. Every step-1 event starts an
    attempt, and each later step is matched to its earliest event after the previous step
    (ties in time are broken by file order); a unit counts its furthest-reaching attempt
    (the earliest among equals), or only its first step-1 event with `first_only`.
    An optional step counts when done between the required steps around it and never
    blocks the steps after it. An exclusion event between its steps (after the first
    bound's event, before the second bound's, or within the window when that step is
    never reached) disqualifies the attempt; units without a qualifying attempt are left
    out. Times come from the attempt that counted: from the previous required step, and
    step 1 to the last step for time to convert. Drop-off next events: what a unit that
    stopped at a step did right after that step's event (`[end]` when nothing); in an
    unordered funnel, after the event that completed its last step (the latest of the
    steps' first events in the attempt).

    With `breakdown`, units are also split by that property's value on the step-1 event
    of the attempt that counted, and every value gets the funnel's figures over its
    units; the `breakdown_limit` values with the most units entering the funnel keep
    their name, the rest are "Other", an empty value is "(none)".
    """
    exclusions = exclusions or []
    k = len(steps)
    if k < 2:
        raise InvalidInput("a funnel needs at least two steps")
    conds = [matchers_sql(log, s.matchers) for s in steps]
    ids = [matched_event_ids(log, s.matchers) for s in steps]
    _check_steps_match(log, steps, conds, ids)
    bcol = log.prop(breakdown) if breakdown else None
    window_us = None if window_seconds is None else int(window_seconds * 1_000_000)
    required = [j for j in range(1, k + 1) if not steps[j - 1].optional]
    if mode == FunnelMode.unordered:
        if exclusions or any(s.optional for s in steps):
            raise InvalidInput("unordered funnels take neither optional steps nor exclusions")
    elif mode == FunnelMode.strict and (any(s.optional for s in steps) or exclusions):
        raise InvalidInput(
            "strict funnels take neither optional steps nor exclusions (no event can come between)"
        )
    for ex in exclusions:
        ex.to_step = ex.to_step or k
        if (
            not (1 <= ex.from_step < ex.to_step <= k)
            or steps[ex.from_step - 1].optional
            or steps[ex.to_step - 1].optional
        ):
            raise InvalidInput(
                f"exclusion '{ex.label}@{ex.from_step}-{ex.to_step}': the bounds must be two required steps "
                f"between 1 and {k}, the first before the second"
            )
    xconds = [matchers_sql(log, ex.matchers) for ex in exclusions]
    ids += [matched_event_ids(log, ex.matchers) for ex in exclusions]
    events = _funnel_events(conds, xconds, bcol, ids)
    if mode == FunnelMode.unordered:
        _build_unordered(log, events, k, window_us, first_only, bcol is not None)
    else:
        _build_ordered(
            log, events, k, exclusions, required, window_us, mode, first_only, bcol is not None
        )
    try:
        figures = _unordered_figures if mode == FunnelMode.unordered else _ordered_figures
        entered, out, ttc = figures(log, steps, required, None)[None]
        result = FunnelResult(
            log=log.summary(),
            mode=mode.value,
            window_seconds=window_seconds,
            first_only=first_only,
            steps=out,
            entered=entered,
            converted=out[-1].count,
            conversion=share(out[-1].count, entered),
            time_to_convert=ttc,
            exclusions=[f"{ex.label}@{ex.from_step}-{ex.to_step}" for ex in exclusions],
        )
        if breakdown:
            result.breakdown = _breakdown(log, steps, required, figures, breakdown, breakdown_limit)
        return result
    finally:
        log.engine.drop(UNITS)


def _check_steps_match(
    log: EventLog, steps: list[StepSpec], conds: list[str], ids: list[list[int] | None]
) -> None:
    if STEPS in log.built and all(i is not None for i in ids):
        # Events per event id are at hand in the shared paths (the report built them).
        per_event = dict(log.engine.fetch(f"SELECT a, SUM(units) FROM {STEPS} GROUP BY a"))
        counts = [sum(int(per_event.get(e, 0)) for e in i or []) for i in ids]
    else:
        row = log.engine.fetch(
            "SELECT "
            + ", ".join(f"SUM(CASE WHEN {c} THEN 1 ELSE 0 END)" for c in conds)
            + " FROM ev"
        )[0]
        counts = [int(n or 0) for n in row]
    for step, n in zip(steps, counts, strict=True):
        if not n:
            names = sorted(log.event_names.values())[:5000]
            guess = did_you_mean(step.matchers[0].event, names)
            hint = (
                f"did you mean '{guess}'?"
                if guess
                else "see `journeyline events reach` for the event names"
            )
            raise InvalidInput(
                f"funnel step '{step.label}' matches no event in {log.source} ({hint})"
            )


def _funnel_events(
    conds: list[str], xconds: list[str], bcol: str | None, ids: list[list[int] | None]
) -> str:
    """SQL for the funnel's own rows: only the events some step or exclusion matches, with
    a 0/1 flag per step (`s1` …) and exclusion (`e0` …) and the breakdown value (`bd`).

    Every later part of the funnel reads these instead of all events: an event that
    matches nothing can be neither a step nor an exclusion, and a strict funnel's "very
    next event" is still found by its position.
    """
    cols = ["unit", "pos", "t", "next_event"]
    cols += [f"CASE WHEN {c} THEN 1 ELSE 0 END AS s{j}" for j, c in enumerate(conds, 1)]
    cols += [f"CASE WHEN {c} THEN 1 ELSE 0 END AS e{e}" for e, c in enumerate(xconds)]
    if bcol:
        cols.append(f"{bcol} AS bd")
    if all(i is not None for i in ids):  # one IN list: cheaper than OR-ing the conditions
        keep = ", ".join(str(e) for e in sorted({e for i in ids for e in i or []})) or "NULL"
        where = f"event IN ({keep})"
    else:
        where = " OR ".join([*conds, *xconds])
    return f"SELECT {', '.join(cols)} FROM ev WHERE {where}"


# Framed aggregates over the events after the current one, written as a running frame in
# reverse order: the same rows, but engines compute a running frame incrementally (Spark
# recomputes an UNBOUNDED FOLLOWING frame for every row).
_AFTER = "(PARTITION BY unit ORDER BY pos DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)"
_FROM_HERE = (
    "(PARTITION BY unit ORDER BY pos DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
)


def _build_ordered(
    log: EventLog,
    events: str,
    k: int,
    exclusions: list[Exclusion],
    required: list[int],
    window_us: int | None,
    mode: FunnelMode,
    first_only: bool,
    breakdown: bool,
) -> None:
    strict = mode == FunnelMode.strict
    nx = len(exclusions)
    cols = ["unit", "pos", "t", "next_event", *[f"s{j}" for j in range(1, k + 1)]]
    if breakdown:
        cols.append("bd")
    if not strict:
        for j in range(2, k + 1):
            cols.append(f"MIN(CASE WHEN s{j} = 1 THEN pos END) OVER fw AS n{j}")
            cols.append(f"MIN(CASE WHEN s{j} = 1 THEN t END) OVER fw AS nt{j}")
        for e in range(nx):
            cols.append(f"MIN(CASE WHEN e{e} = 1 THEN pos END) OVER fw AS nx{e}")
            cols.append(f"MIN(CASE WHEN e{e} = 1 THEN t END) OVER fw AS tx{e}")
    if first_only:
        cols.append("MIN(CASE WHEN s1 = 1 THEN pos END) OVER (PARTITION BY unit) AS f1")
    window = "" if strict else f" WINDOW fw AS {_AFTER}"
    m_sql = f"SELECT {', '.join(cols)} FROM fe{window}"

    def carried(j: int) -> list[str]:
        """Columns taken from the row matched at required step j (its look-ahead)."""
        if strict:
            return []
        out = [f"n{i} AS a{j}_n{i}" for i in range(j + 1, k + 1)]
        out += [f"nt{i} AS a{j}_nt{i}" for i in range(j + 1, k + 1)]
        out += [f"nx{e} AS a{j}_nx{e}" for e in range(nx)]
        out += [f"tx{e} AS a{j}_tx{e}" for e in range(nx)]
        return out

    first_filter = " AND pos = f1" if first_only else ""
    ctes = [
        f"fe AS ({events})",
        f"m AS ({m_sql})",
        "c1 AS (SELECT unit, pos AS p1, t AS t1, next_event AS x1"
        + (", bd" if breakdown else "")
        + "".join(f", {c}" for c in carried(1))
        + f" FROM m WHERE s1 = 1{first_filter})",
    ]
    prev_cte = "c1"
    for idx in range(1, len(required)):
        j, a = required[idx], required[idx - 1]
        # The step's flag in the join too: the engine then builds its hash table from
        # that step's events only.
        join = f"mj.pos = c.p{a} + 1" if strict else f"mj.pos = c.a{a}_n{j}"
        sel = [f"mj.pos AS p{j}", f"mj.t AS t{j}", f"mj.next_event AS x{j}"]
        sel += [f"mj.{c.split(' AS ')[0]} AS {c.split(' AS ')[1]}" for c in carried(j)]
        ctes.append(
            f"c{j} AS (SELECT c.*, {', '.join(sel)} FROM {prev_cte} c "
            f"LEFT JOIN m mj ON mj.unit = c.unit AND {join} AND mj.s{j} = 1)"
        )
        prev_cte = f"c{j}"
    # reached flags, as nested SQL expressions (k is small)
    reached: dict[int, str] = {1: "1 = 1"}
    times: dict[int, str] = {1: "t1"}
    anchor: dict[int, int] = {}
    for idx in range(1, len(required)):
        j, a = required[idx], required[idx - 1]
        reached[j] = f"({reached[a]} AND p{j} IS NOT NULL AND {_win(f't{j}', window_us)})"
        times[j] = f"t{j}"
        anchor[j] = a
        for o in range(a + 1, j):  # optional steps between a and j
            po, to = f"a{a}_n{o}", f"a{a}_nt{o}"
            reached[o] = (
                f"({reached[a]} AND {po} IS NOT NULL AND {_win(to, window_us)} AND (NOT {reached[j]} OR {po} < p{j}))"
            )
            times[o] = to
            anchor[o] = a
    excluded = []
    for e, ex in enumerate(exclusions):
        lo, hi = ex.from_step, ex.to_step or k
        nxe, txe = f"a{lo}_nx{e}", f"a{lo}_tx{e}"
        excluded.append(
            f"({reached[lo]} AND {nxe} IS NOT NULL AND (({reached[hi]} AND {nxe} < p{hi}) "
            f"OR (NOT {reached[hi]} AND {_win(txe, window_us)})))"
        )
    depth = "CASE " + " ".join(f"WHEN {reached[j]} THEN {j}" for j in reversed(required)) + " END"
    out = ["unit", "p1", f"{depth} AS depth"]
    if breakdown:
        out.append("bd")
    for j in range(1, k + 1):
        out.append(f"CASE WHEN {reached[j]} THEN 1 ELSE 0 END AS r{j}")
        out.append(f"CASE WHEN {reached[j]} THEN {times[j]} END AS t{j}")
        if j in anchor:
            out.append(f"CASE WHEN {reached[j]} THEN {times[j]} - t{anchor[j]} END AS g{j}")
        if j in required:
            out.append(f"x{j}")
    excl = " OR ".join(excluded) if excluded else "1 = 0"
    ctes.append(f"att AS (SELECT {', '.join(out)} FROM {prev_cte} WHERE NOT ({excl}))")
    _keep_best_attempt(log, ctes)


def _keep_best_attempt(log: EventLog, ctes: list[str]) -> None:
    """`funnel_units`: each unit's counted attempt, the deepest one (the earliest among equals)."""
    log.engine.materialize(
        UNITS,
        "WITH "
        + ", ".join(ctes)
        + " SELECT * FROM (SELECT att.*, row_number() OVER (PARTITION BY unit ORDER BY depth DESC, p1) AS rk "
        "FROM att) r WHERE rk = 1",
    )


def _time_to_convert(
    log: EventLog, expr: str, where: str, group: str | None
) -> dict[Any, dict[str, Any]]:
    d = log.engine.dialect
    buckets = []
    lower = 0.0
    for _label, upper in BUCKETS:
        cond = f"{expr} > {int(lower * 1e6)}" if lower else "1 = 1"
        if upper is not None:
            cond += f" AND {expr} <= {int(upper * 1e6)}"
        buckets.append(f"SUM(CASE WHEN {cond} THEN 1 ELSE 0 END)")
        lower = upper or lower
    rows = log.engine.fetch(
        f"SELECT {group or _all(log)}, COUNT(*), {d.quantile(expr, 0.5)}, {d.quantile(expr, 0.95)}, AVG({expr}), "
        f"{', '.join(buckets)} FROM {UNITS} WHERE {where}" + (f" GROUP BY {group}" if group else "")
    )
    out: dict[Any, dict[str, Any]] = {}
    for key, n, med, p95, mean, *counts in rows:
        out[key] = {
            "units": int(n),
            "median_seconds": seconds(med),
            "p95_seconds": seconds(p95),
            "mean_seconds": seconds(mean),
            "distribution": [
                {"bucket": label, "units": int(c or 0)}
                for (label, _), c in zip(BUCKETS, counts, strict=True)
            ],
        }
    return out


def _all(log: EventLog) -> str:
    """The group key of all units (no breakdown): NULL, typed so every engine can group on it."""
    return f"CAST(NULL AS {log.engine.dialect.string_type})"


def _no_conversions() -> dict[str, Any]:
    return {
        "units": 0,
        "median_seconds": None,
        "p95_seconds": None,
        "mean_seconds": None,
        "distribution": [{"bucket": label, "units": 0} for label, _ in BUCKETS],
    }


def _next_events(
    log: EventLog, next_expr: str, k: int, group: str | None
) -> dict[Any, dict[int, list[NextEvent]]]:
    """Per group and depth below the last step: the events units did right after stopping."""
    g = f"{group or _all(log)}, "
    rows = log.engine.fetch(
        f"SELECT {g}depth, {next_expr} AS nx, COUNT(*) FROM {UNITS} WHERE depth < {k} "
        f"GROUP BY {g if group else ''}depth, {next_expr}"
    )
    out: dict[Any, dict[int, list[NextEvent]]] = {}
    for key, dep, ev_id, n in rows:
        out.setdefault(key, {}).setdefault(int(dep), []).append(
            NextEvent(END if ev_id is None else log.name(ev_id), int(n))
        )
    return out


Figures = dict[Any, tuple[int, list[FunnelStep], dict[str, Any]]]
"""Per group (None: all units): units entered, the steps' figures, time to convert."""


def _ordered_figures(
    log: EventLog, steps: list[StepSpec], required: list[int], group: str | None
) -> Figures:
    d = log.engine.dialect
    k = len(steps)
    stats = [group or _all(log), "COUNT(*)"]
    for j in range(1, k + 1):
        g = f"g{j}" if j > 1 else "CAST(NULL AS BIGINT)"
        stats += [f"SUM(r{j})", d.quantile(g, 0.5), d.quantile(g, 0.95), f"AVG({g})"]
    rows = log.engine.fetch(
        f"SELECT {', '.join(stats)} FROM {UNITS}" + (f" GROUP BY {group}" if group else "")
    )
    nxt_case = "CASE depth " + " ".join(f"WHEN {j} THEN x{j}" for j in required) + " END"
    nexts = _next_events(log, nxt_case, k, group)
    ttcs = _time_to_convert(log, f"(t{k} - t1)", f"r{k} = 1", group)
    out: Figures = {}
    for key, entered, *figures in rows:
        per = [figures[4 * i : 4 * i + 4] for i in range(k)]
        counts = [int(p[0] or 0) for p in per]
        items = []
        for j in range(1, k + 1):
            c = counts[j - 1]
            prev_req = max((r for r in required if r < j), default=None)
            base = counts[prev_req - 1] if prev_req else c
            nxt_req = min((r for r in required if r > j), default=None)
            drop = c - counts[nxt_req - 1] if nxt_req and j in required else 0
            next_events = nexts.get(key, {}).get(j, [])
            next_events = sorted(next_events, key=lambda n: (-n.units, n.event))[:5]
            med, p95, mean = per[j - 1][1:4]
            items.append(
                FunnelStep(
                    name=steps[j - 1].label,
                    count=c,
                    rate_overall=share(c, counts[0]),
                    rate_step=share(c, base) if j > 1 else (1.0 if c else 0.0),
                    share_of_all=share(c, log.total_units),
                    median_seconds_from_previous=seconds(med),
                    p95_seconds_from_previous=seconds(p95),
                    mean_seconds_from_previous=seconds(mean),
                    dropoff=drop,
                    dropoff_rate=share(drop, c),
                    dropoff_next_events=next_events if j in required else [],
                    optional=steps[j - 1].optional,
                )
            )
        out[key] = (int(entered), items, ttcs.get(key, _no_conversions()))
    return out


def _build_unordered(
    log: EventLog, events: str, k: int, window_us: int | None, first_only: bool, breakdown: bool
) -> None:
    """`funnel_units` of an unordered funnel: every step event starts an attempt, and a step
    is done when its first event from the attempt's start on falls within the window."""
    span = len(log.event_names) + 1
    cols = ["unit", "pos", "t AS t0", *(["bd"] if breakdown else [])]
    for j in range(1, k + 1):
        cols.append(f"MIN(CASE WHEN s{j} = 1 THEN t END) OVER cw AS nt{j}")
        # the step's first event as one number: its position and the event after it
        cols.append(
            f"MIN(CASE WHEN s{j} = 1 THEN CAST(pos AS BIGINT) * {span} + COALESCE(next_event + 1, 0) END) "
            f"OVER cw AS nc{j}"
        )
    if first_only:
        cols.append("MIN(pos) OVER (PARTITION BY unit) AS f1")
    m_sql = f"SELECT {', '.join(cols)} FROM fe WINDOW cw AS {_FROM_HERE}"
    reached = {
        j: f"(nt{j} IS NOT NULL AND {_win(f'nt{j}', window_us, 't0')})" for j in range(1, k + 1)
    }
    depth = " + ".join(f"CASE WHEN {reached[j]} THEN 1 ELSE 0 END" for j in range(1, k + 1))
    tcols = ", ".join(f"CASE WHEN {reached[j]} THEN nt{j} END AS t{j}" for j in range(1, k + 1))
    last = (
        "GREATEST("
        + ", ".join(f"CASE WHEN {reached[j]} THEN nc{j} ELSE -1 END" for j in range(1, k + 1))
        + ")"
    )
    where = " WHERE pos = f1" if first_only else ""
    att = (
        f"att AS (SELECT unit, pos AS p1, t0, {'bd, ' if breakdown else ''}{depth} AS depth, {tcols}, "
        f"CASE WHEN {last} % {span} = 0 THEN NULL ELSE {last} % {span} - 1 END AS x "
        f"FROM m{where})"
    )
    _keep_best_attempt(log, [f"fe AS ({events})", f"m AS ({m_sql})", att])


def _unordered_figures(
    log: EventLog, steps: list[StepSpec], required: list[int], group: str | None
) -> Figures:
    del required  # every step counts
    k = len(steps)
    d = log.engine.dialect
    g = f"{group or _all(log)} AS grp, "
    unpivot = " UNION ALL ".join(
        f"SELECT {g}unit, {j} AS j, t{j} AS tt FROM {UNITS} WHERE t{j} IS NOT NULL"
        for j in range(1, k + 1)
    )
    gaps = log.engine.fetch(
        f"SELECT grp, rk, COUNT(*), {d.quantile('gap', 0.5)}, {d.quantile('gap', 0.95)}, AVG(gap) FROM ("
        "SELECT grp, row_number() OVER (PARTITION BY unit ORDER BY tt, j) AS rk, "
        f"tt - LAG(tt) OVER (PARTITION BY unit ORDER BY tt, j) AS gap FROM ({unpivot}) u) x GROUP BY grp, rk"
    )
    by_rank: dict[Any, dict[int, Any]] = {}
    for key, rank, *figures in gaps:
        by_rank.setdefault(key, {})[int(rank)] = figures
    nexts = _next_events(log, "x", k, group)
    last = "GREATEST(" + ", ".join(f"COALESCE(t{j}, t0)" for j in range(1, k + 1)) + ")"
    ttcs = _time_to_convert(log, f"({last} - t0)", f"depth = {k}", group)
    entered_rows = log.engine.fetch(
        f"SELECT {group or _all(log)}, COUNT(*) FROM {UNITS}"
        + (f" GROUP BY {group}" if group else "")
    )
    label = " / ".join(s.label for s in steps)
    out: Figures = {}
    for key, entered in entered_rows:
        ranks = by_rank.get(key, {})
        counts = [int(ranks.get(i, (0,))[0]) for i in range(1, k + 1)]
        items = []
        for i in range(1, k + 1):
            c = counts[i - 1]
            _, med, p95, mean = ranks.get(i, (0, None, None, None))
            nxt = counts[i] if i < k else c
            next_events = nexts.get(key, {}).get(i, [])
            items.append(
                FunnelStep(
                    name=f"{i} of {k}: {label}",
                    count=c,
                    rate_overall=share(c, counts[0]),
                    rate_step=share(c, counts[i - 2]) if i > 1 else (1.0 if c else 0.0),
                    share_of_all=share(c, log.total_units),
                    median_seconds_from_previous=seconds(med) if i > 1 else None,
                    p95_seconds_from_previous=seconds(p95) if i > 1 else None,
                    mean_seconds_from_previous=seconds(mean) if i > 1 else None,
                    dropoff=c - nxt,
                    dropoff_rate=share(c - nxt, c),
                    dropoff_next_events=sorted(next_events, key=lambda n: (-n.units, n.event))[:5],
                )
            )
        out[key] = (int(entered), items, ttcs.get(key, _no_conversions()))
    return out


def _breakdown(
    log: EventLog,
    steps: list[StepSpec],
    required: list[int],
    figures: Callable[[EventLog, list[StepSpec], list[int], str | None], Figures],
    prop: str,
    limit: int,
) -> FunnelBreakdown:
    """The funnel per value of `prop` on the counted attempt's step-1 event (column `bd`)."""
    ranked = log.engine.fetch(f"SELECT bd, COUNT(*) FROM {UNITS} WHERE bd IS NOT NULL GROUP BY bd")
    keep, mapping = value_buckets(log, "bd", ranked, limit)
    per_value = figures(log, steps, required, mapping)
    values = list(keep)
    if len(ranked) > limit:
        values.append(OTHER)
    if NONE_VALUE in per_value:
        values.append(NONE_VALUE)
    groups = []
    for value in values:
        entered, items, ttc = per_value[value]
        converted = items[-1].count
        groups.append(FunnelGroup(value, entered, converted, share(converted, entered), items, ttc))
    return FunnelBreakdown(prop, limit, values, groups)
