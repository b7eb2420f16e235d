"""Funnels: how many units go through a series of steps within a conversion window.

Written as set-based SQL: for every event, framed window aggregates give the position of
the next event of each step after it; a chain of equi-joins follows one attempt from its
step-1 event through the steps; one window picks each unit's counted attempt.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from journeyline.analytics.matching import StepSpec, matchers_sql, parse_alternative, split_outside
from journeyline.analytics.metrics import END, seconds, share
from journeyline.analytics.readers import EventLog
from journeyline.errors import InvalidInput
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
class FunnelResult:
    """A funnel's steps, overall conversion and time to convert."""

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

    def to_dict(self) -> dict[str, Any]:
        """JSON form: {"log", "mode", "window_seconds", "steps": [{"name", "count", "rate_overall", "rate_step", "median_seconds_from_previous", …}], …}."""
        data = asdict(self)
        data["rates"] = {
            "rate_overall": "units at this step / units at step 1",
            "rate_step": "units at this step / units at the previous required step",
            "share_of_all": "units at this step / all units in the log",
        }
        return data


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
    step 1 to the last step for time to convert.
    """
    exclusions = exclusions or []
    k = len(steps)
    if k < 2:
        raise InvalidInput("a funnel needs at least two steps")
    conds = [matchers_sql(log, s.matchers) for s in steps]
    _check_steps_match(log, steps, conds)
    window_us = None if window_seconds is None else int(window_seconds * 1_000_000)
    if mode == FunnelMode.unordered:
        if exclusions or any(s.optional for s in steps):
            raise InvalidInput("unordered funnels take neither optional steps nor exclusions")
        return _unordered(log, steps, conds, window_us, window_seconds, first_only)
    if mode == FunnelMode.strict and (any(s.optional for s in steps) or exclusions):
        raise InvalidInput(
            "strict funnels take neither optional steps nor exclusions (no event can come between)"
        )
    required = [j for j in range(1, k + 1) if not steps[j - 1].optional]
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
    _build_ordered(log, steps, conds, xconds, exclusions, required, window_us, mode, first_only)
    try:
        return _summarise(log, steps, required, window_seconds, mode, first_only, exclusions)
    finally:
        log.engine.drop("funnel_units")


def _check_steps_match(log: EventLog, steps: list[StepSpec], conds: list[str]) -> None:
    counts = log.engine.fetch(
        "SELECT " + ", ".join(f"SUM(CASE WHEN {c} THEN 1 ELSE 0 END)" for c in conds) + " FROM ev"
    )[0]
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


def _build_ordered(
    log: EventLog,
    steps: list[StepSpec],
    conds: list[str],
    xconds: list[str],
    exclusions: list[Exclusion],
    required: list[int],
    window_us: int | None,
    mode: FunnelMode,
    first_only: bool,
) -> None:
    k = len(steps)
    strict = mode == FunnelMode.strict
    cols = ["unit", "pos", "t", "next_event"]
    cols += [f"CASE WHEN {c} THEN 1 ELSE 0 END AS s{j}" for j, c in enumerate(conds, 1)]
    if not strict:
        for j in range(2, k + 1):
            cols.append(f"MIN(CASE WHEN {conds[j - 1]} THEN pos END) OVER fw AS n{j}")
            cols.append(f"MIN(CASE WHEN {conds[j - 1]} THEN t END) OVER fw AS nt{j}")
        for e, c in enumerate(xconds):
            cols.append(f"MIN(CASE WHEN {c} THEN pos END) OVER fw AS nx{e}")
            cols.append(f"MIN(CASE WHEN {c} THEN t END) OVER fw AS tx{e}")
    if first_only:
        cols.append(f"MIN(CASE WHEN {conds[0]} THEN pos END) OVER (PARTITION BY unit) AS f1")
    where = "" if strict else " WHERE " + " OR ".join([*conds, *xconds])
    window = (
        ""
        if strict
        else " WINDOW fw AS (PARTITION BY unit ORDER BY pos ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)"
    )
    m_sql = f"SELECT {', '.join(cols)} FROM ev{where}{window}"

    def carried(j: int) -> list[str]:
        """Columns taken from the row matched at required step j (its look-ahead)."""
        if strict:
            return []
        out = [f"n{i} AS a{j}_n{i}" for i in range(j + 1, k + 1)]
        out += [f"nt{i} AS a{j}_nt{i}" for i in range(j + 1, k + 1)]
        out += [f"nx{e} AS a{j}_nx{e}" for e in range(len(xconds))]
        out += [f"tx{e} AS a{j}_tx{e}" for e in range(len(xconds))]
        return out

    first_filter = " AND pos = f1" if first_only else ""
    ctes = [
        f"m AS ({m_sql})",
        "c1 AS (SELECT unit, pos AS p1, t AS t1, next_event AS x1"
        + "".join(f", {c}" for c in carried(1))
        + f" FROM m WHERE s1 = 1{first_filter})",
    ]
    prev_cte = "c1"
    for idx in range(1, len(required)):
        j, a = required[idx], required[idx - 1]
        join = f"mj.pos = c.p{a} + 1 AND mj.s{j} = 1" if strict else f"mj.pos = c.a{a}_n{j}"
        sel = [f"mj.pos AS p{j}", f"mj.t AS t{j}", f"mj.next_event AS x{j}"]
        sel += [f"mj.{c.split(' AS ')[0]} AS {c.split(' AS ')[1]}" for c in carried(j)]
        ctes.append(
            f"c{j} AS (SELECT c.*, {', '.join(sel)} FROM {prev_cte} c "
            f"LEFT JOIN m mj ON mj.unit = c.unit AND {join})"
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
        nx, tx = f"a{lo}_nx{e}", f"a{lo}_tx{e}"
        excluded.append(
            f"({reached[lo]} AND {nx} IS NOT NULL AND (({reached[hi]} AND {nx} < p{hi}) "
            f"OR (NOT {reached[hi]} AND {_win(tx, window_us)})))"
        )
    depth = "CASE " + " ".join(f"WHEN {reached[j]} THEN {j}" for j in reversed(required)) + " END"
    out = ["unit", "p1", f"{depth} AS depth"]
    for j in range(1, k + 1):
        out.append(f"CASE WHEN {reached[j]} THEN 1 ELSE 0 END AS r{j}")
        out.append(f"CASE WHEN {reached[j]} THEN {times[j]} END AS t{j}")
        if j in anchor:
            out.append(f"CASE WHEN {reached[j]} THEN {times[j]} - t{anchor[j]} END AS g{j}")
        if j in required:
            out.append(f"x{j}")
    excl = " OR ".join(excluded) if excluded else "1 = 0"
    ctes.append(f"att AS (SELECT {', '.join(out)} FROM {prev_cte} WHERE NOT ({excl}))")
    log.engine.materialize(
        "funnel_units",
        "WITH "
        + ", ".join(ctes)
        + " SELECT * FROM (SELECT att.*, row_number() OVER (PARTITION BY unit ORDER BY depth DESC, p1) AS rk "
        "FROM att) r WHERE rk = 1",
    )


def _time_to_convert(log: EventLog, expr: str, where: str) -> dict[str, Any]:
    d = log.engine.dialect
    buckets = []
    lower = 0.0
    for _label, upper in BUCKETS:
        cond = f"{expr} > {int(lower * 1e6)}" if lower else "1 = 1"
        if upper is not None:
            cond += f" AND {expr} <= {int(upper * 1e6)}"
        buckets.append(f"SUM(CASE WHEN {cond} THEN 1 ELSE 0 END)")
        lower = upper or lower
    row = log.engine.fetch(
        f"SELECT COUNT(*), {d.quantile(expr, 0.5)}, {d.quantile(expr, 0.95)}, AVG({expr}), "
        f"{', '.join(buckets)} FROM funnel_units WHERE {where}"
    )[0]
    n, med, p95, mean, *counts = row
    return {
        "units": int(n),
        "median_seconds": seconds(med),
        "p95_seconds": seconds(p95),
        "mean_seconds": seconds(mean),
        "distribution": [
            {"bucket": label, "units": int(c or 0)}
            for (label, _), c in zip(BUCKETS, counts, strict=True)
        ],
    }


def _summarise(
    log: EventLog,
    steps: list[StepSpec],
    required: list[int],
    window_seconds: float | None,
    mode: FunnelMode,
    first_only: bool,
    exclusions: list[Exclusion],
) -> FunnelResult:
    d = log.engine.dialect
    k = len(steps)
    stats = ["COUNT(*)"]
    for j in range(1, k + 1):
        g = f"g{j}" if j > 1 else "CAST(NULL AS BIGINT)"
        stats += [f"SUM(r{j})", d.quantile(g, 0.5), d.quantile(g, 0.95), f"AVG({g})"]
    row = log.engine.fetch(f"SELECT {', '.join(stats)} FROM funnel_units")[0]
    entered = int(row[0])
    per = [row[1 + 4 * i : 5 + 4 * i] for i in range(k)]
    counts = [int(p[0] or 0) for p in per]
    nxt_case = "CASE depth " + " ".join(f"WHEN {j} THEN x{j}" for j in required) + " END"
    next_rows = log.engine.fetch(
        f"SELECT depth, {nxt_case} AS nx, COUNT(*) FROM funnel_units WHERE depth < {k} GROUP BY depth, {nxt_case}"
    )
    next_by_depth: dict[int, list[NextEvent]] = {}
    for dep, ev_name, n in next_rows:
        next_by_depth.setdefault(int(dep), []).append(
            NextEvent(END if ev_name is None else log.name(ev_name), int(n))
        )
    out = []
    for j in range(1, k + 1):
        c = counts[j - 1]
        prev_req = max((r for r in required if r < j), default=None)
        base = counts[prev_req - 1] if prev_req else c
        nxt_req = min((r for r in required if r > j), default=None)
        drop = c - counts[nxt_req - 1] if nxt_req and j in required else 0
        nexts = sorted(next_by_depth.get(j, []), key=lambda n: (-n.units, n.event))[:5]
        med, p95, mean = per[j - 1][1:4]
        out.append(
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
                dropoff_next_events=nexts if j in required else [],
                optional=steps[j - 1].optional,
            )
        )
    converted = counts[-1]
    ttc = _time_to_convert(log, f"(t{k} - t1)", f"r{k} = 1")
    return FunnelResult(
        log=log.summary(),
        mode=mode.value,
        window_seconds=window_seconds,
        first_only=first_only,
        steps=out,
        entered=entered,
        converted=converted,
        conversion=share(converted, entered),
        time_to_convert=ttc,
        exclusions=[f"{ex.label}@{ex.from_step}-{ex.to_step}" for ex in exclusions],
    )


def _unordered(
    log: EventLog,
    steps: list[StepSpec],
    conds: list[str],
    window_us: int | None,
    window_seconds: float | None,
    first_only: bool,
) -> FunnelResult:
    k = len(steps)
    d = log.engine.dialect
    any_cond = " OR ".join(conds)
    cols = ["unit", "pos", "t AS t0"]
    cols += [f"MIN(CASE WHEN {c} THEN t END) OVER cw AS nt{j}" for j, c in enumerate(conds, 1)]
    if first_only:
        cols.append("MIN(pos) OVER (PARTITION BY unit) AS f1")
    m_sql = (
        f"SELECT {', '.join(cols)} FROM ev WHERE {any_cond} "
        "WINDOW cw AS (PARTITION BY unit ORDER BY pos ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)"
    )
    reached = {
        j: f"(nt{j} IS NOT NULL AND {_win(f'nt{j}', window_us, 't0')})" for j in range(1, k + 1)
    }
    depth = " + ".join(f"CASE WHEN {reached[j]} THEN 1 ELSE 0 END" for j in range(1, k + 1))
    tcols = ", ".join(f"CASE WHEN {reached[j]} THEN nt{j} END AS t{j}" for j in range(1, k + 1))
    where = " WHERE pos = f1" if first_only else ""
    log.engine.materialize(
        "funnel_units",
        f"WITH m AS ({m_sql}), att AS (SELECT unit, pos AS p1, t0, {depth} AS depth, {tcols} FROM m{where}) "
        "SELECT * FROM (SELECT att.*, row_number() OVER (PARTITION BY unit ORDER BY depth DESC, p1) AS rk FROM att) r "
        "WHERE rk = 1",
    )
    try:
        unpivot = " UNION ALL ".join(
            f"SELECT unit, {j} AS j, t{j} AS tt FROM funnel_units WHERE t{j} IS NOT NULL"
            for j in range(1, k + 1)
        )
        gaps = log.engine.fetch(
            f"SELECT rk, COUNT(*), {d.quantile('gap', 0.5)}, {d.quantile('gap', 0.95)}, AVG(gap) FROM ("
            "SELECT row_number() OVER (PARTITION BY unit ORDER BY tt, j) AS rk, "
            f"tt - LAG(tt) OVER (PARTITION BY unit ORDER BY tt, j) AS gap FROM ({unpivot}) u) x GROUP BY rk"
        )
        by_rank = {int(r[0]): r[1:] for r in gaps}
        entered = int(log.engine.fetch("SELECT COUNT(*) FROM funnel_units")[0][0])
        counts = [int(by_rank.get(i, (0,))[0]) for i in range(1, k + 1)]
        out = []
        for i in range(1, k + 1):
            c = counts[i - 1]
            _, med, p95, mean = by_rank.get(i, (0, None, None, None))
            nxt = counts[i] if i < k else c
            out.append(
                FunnelStep(
                    name=f"{i} of {k}: " + " / ".join(s.label for s in steps),
                    count=c,
                    rate_overall=share(c, counts[0]),
                    rate_step=share(c, counts[i - 2]) if i > 1 else (1.0 if c else 0.0),
                    share_of_all=share(c, log.total_units),
                    median_seconds_from_previous=seconds(med) if i > 1 else None,
                    p95_seconds_from_previous=seconds(p95) if i > 1 else None,
                    mean_seconds_from_previous=seconds(mean) if i > 1 else None,
                    dropoff=c - nxt,
                    dropoff_rate=share(c - nxt, c),
                )
            )
        last = "GREATEST(" + ", ".join(f"COALESCE(t{j}, t0)" for j in range(1, k + 1)) + ")"
        ttc = _time_to_convert(log, f"({last} - t0)", f"depth = {k}")
        return FunnelResult(
            log=log.summary(),
            mode=FunnelMode.unordered.value,
            window_seconds=window_seconds,
            first_only=first_only,
            steps=out,
            entered=entered,
            converted=counts[-1],
            conversion=share(counts[-1], entered),
            time_to_convert=ttc,
            exclusions=[],
        )
    finally:
        log.engine.drop("funnel_units")
