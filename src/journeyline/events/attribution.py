"""Attribution: how much credit each touchpoint gets for a conversion event.

Rule-based models (first, last, linear, time-decay, position-based) are one SQL query;
the data-driven model is a first-order Markov chain over touchpoint paths whose
transition counts come from SQL, solved in Python over the (few) touchpoint states.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from journeyline.errors import InvalidInput
from journeyline.events.matching import StepSpec, matchers_sql
from journeyline.events.readers import EventLog

MODELS = ("first", "last", "linear", "time_decay", "position_based", "data_driven")
START_STATE = "(start)"
CONVERSION = "(conversion)"
NULL_STATE = "(null)"
MAX_MARKOV_STATES = 500


@dataclass
class TouchpointCredit:
    """Conversions credited to one touchpoint under each model (rounded to 1e-6)."""

    touchpoint: str
    touches: int
    first: float
    last: float
    linear: float
    time_decay: float
    position_based: float
    data_driven: float
    removal_effect: float


@dataclass
class AttributionResult:
    """Credit per touchpoint, largest linear credit first."""

    log: dict[str, object]
    conversion: str
    touchpoint: str
    conversions: int
    attributed: int
    direct: int
    lookback_seconds: float | None
    half_life_seconds: float
    conversion_probability: float
    touchpoints: list[TouchpointCredit]

    def to_dict(self) -> dict[str, Any]:
        """JSON form: {"log", "conversion", "touchpoint", "conversions", "attributed", "direct", "touchpoints": [...]}."""
        return asdict(self)


def attribution(
    log: EventLog,
    conversion: StepSpec,
    *,
    touchpoint: str | None = None,
    lookback_seconds: float | None = None,
    half_life_seconds: float = 7 * 86400.0,
) -> AttributionResult:
    """Attribution of a conversion to the touchpoints before it.

    A unit converts at its first conversion event; its touchpoints are its earlier events
    (or their `touchpoint` property, e.g. the channel; empty values are skipped), within
    `lookback_seconds` of the conversion when given. Each conversion gives 1 credit:
    first — all to the first touchpoint; last — all to the last; linear — 1/n each;
    time-decay — weights 2^(−age/half-life), age measured back from the conversion;
    position-based — 40 % first, 40 % last, 20 % shared by the middle (one touch: 100 %,
    two: 50/50). Data-driven: a first-order Markov chain over all units' touchpoint paths
    ((start) → touchpoints → (conversion) or (null)); a touchpoint's removal effect is
    1 − P(conversion without it) / P(conversion), and the attributed conversions are
    shared in proportion to the removal effects. Conversions with no touchpoint are
    `direct` and get no credit. Sorted by linear credit (descending), then touchpoint.
    """
    d = log.engine.dialect
    conv = matchers_sql(log, conversion.matchers)
    if not log.engine.fetch(f"SELECT COUNT(*) FROM ev WHERE {conv}")[0][0]:
        raise InvalidInput(f"conversion '{conversion.label}' matches no event in {log.source}")
    # Touchpoints are a property's values, or event names (joined from the id).
    tp = f"e.{log.prop(touchpoint)}" if touchpoint else "nm.name"
    names = "" if touchpoint else " JOIN ev_names nm ON nm.id = e.event"
    hl = int(half_life_seconds * 1_000_000)
    if hl <= 0:
        raise InvalidInput("the time-decay half-life must be positive")
    lookback = (
        ""
        if lookback_seconds is None
        else f" AND c.ct - e.t <= {int(lookback_seconds * 1_000_000)}"
    )
    conv_units = f"SELECT unit, MIN(pos) AS cp, MIN(t) AS ct FROM ev WHERE {conv} GROUP BY unit"
    touches = (
        f"SELECT e.unit, e.pos, e.t, {tp} AS tp, c.ct FROM ev e JOIN ({conv_units}) c ON e.unit = c.unit"
        f"{names} WHERE e.pos < c.cp AND NOT {conv} AND {tp} IS NOT NULL{lookback}"
    )
    age = f"POWER(2.0, -CAST(ct - t AS DOUBLE) / {hl})"
    rows = log.engine.fetch(
        f"SELECT tp, COUNT(*), SUM(CASE WHEN i = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN i = n THEN 1 ELSE 0 END), "
        "SUM(1.0 / n), SUM(w / wsum), "
        "SUM(CASE WHEN n = 1 THEN 1.0 WHEN n = 2 THEN 0.5 WHEN i = 1 OR i = n THEN 0.4 ELSE 0.2 / (n - 2) END) "
        f"FROM (SELECT tp, row_number() OVER u AS i, COUNT(*) OVER (PARTITION BY unit) AS n, {age} AS w, "
        f"SUM({age}) OVER (PARTITION BY unit) AS wsum FROM ({touches}) x "
        "WINDOW u AS (PARTITION BY unit ORDER BY pos)) r GROUP BY tp"
    )
    conversions, attributed = log.engine.fetch(
        f"SELECT COUNT(*), COUNT(DISTINCT tu.unit) FROM ({conv_units}) cu LEFT JOIN "
        f"(SELECT DISTINCT unit FROM ({touches}) x) tu ON tu.unit = cu.unit"
    )[0]
    # Markov chain: converters' paths end in (conversion), the others' in (null).
    all_touches = (
        f"SELECT e.unit, e.pos, {tp} AS tp, CASE WHEN c.unit IS NULL THEN 0 ELSE 1 END AS conv "
        f"FROM ev e LEFT JOIN ({conv_units}) c ON e.unit = c.unit{names} "
        f"WHERE {tp} IS NOT NULL AND (c.unit IS NULL OR (e.pos < c.cp AND NOT {conv}"
        f"{lookback}))"
    )
    edges = log.engine.fetch(
        _edges_sql(d.lit(START_STATE), d.lit(CONVERSION), d.lit(NULL_STATE), all_touches)
    )
    edge_counts = {(str(s), str(t)): int(n) for s, t, n in edges}
    direct = int(conversions) - int(attributed)
    if direct:
        edge_counts[(START_STATE, CONVERSION)] = (
            edge_counts.get((START_STATE, CONVERSION), 0) + direct
        )
    removal, p_conv = removal_effects(edge_counts)
    total_removal = sum(removal.values())
    credits = []
    for tpv, n, first, last, linear, decay, position in rows:
        name = str(tpv)
        effect = removal.get(name, 0.0)
        credits.append(
            TouchpointCredit(
                touchpoint=name,
                touches=int(n),
                first=float(first),
                last=float(last),
                linear=round(float(linear), 6),
                time_decay=round(float(decay), 6),
                position_based=round(float(position), 6),
                data_driven=round(int(attributed) * effect / total_removal, 6)
                if total_removal
                else 0.0,
                removal_effect=round(effect, 6),
            )
        )
    listed = {c.touchpoint for c in credits}
    for name, effect in sorted(removal.items()):
        if name not in listed and effect > 0:  # seen only on non-converting paths, yet on the way
            credits.append(
                TouchpointCredit(
                    name,
                    0,
                    0.0,
                    0.0,
                    0.0,
                    0.0,
                    0.0,
                    round(int(attributed) * effect / total_removal, 6),
                    round(effect, 6),
                )
            )
    credits.sort(key=lambda c: (-c.linear, c.touchpoint))
    return AttributionResult(
        log=log.summary(),
        conversion=conversion.label,
        touchpoint=touchpoint or "event",
        conversions=int(conversions),
        attributed=int(attributed),
        direct=direct,
        lookback_seconds=lookback_seconds,
        half_life_seconds=half_life_seconds,
        conversion_probability=round(p_conv, 6),
        touchpoints=credits,
    )


def _edges_sql(start: str, conv: str, null: str, all_touches: str) -> str:
    """Transition counts between touchpoint states, from (start) to (conversion) or (null)."""
    return (
        "WITH p AS (SELECT tp, conv, row_number() OVER u AS i, LEAD(tp) OVER u AS nxt "
        f"FROM ({all_touches}) a WINDOW u AS (PARTITION BY unit ORDER BY pos)) "
        "SELECT src, dst, COUNT(*) FROM ("
        f"SELECT {start} AS src, tp AS dst FROM p WHERE i = 1 "
        "UNION ALL SELECT tp AS src, nxt AS dst FROM p WHERE nxt IS NOT NULL "
        f"UNION ALL SELECT tp AS src, CASE WHEN conv = 1 THEN {conv} ELSE {null} END AS dst FROM p WHERE nxt IS NULL"
        ") z GROUP BY src, dst"
    )


def conversion_probability(edges: dict[tuple[str, str], int], removed: str | None = None) -> float:
    """P(reaching (conversion) from (start)) in the chain, with one state's traffic sent to (null)."""
    import numpy as np

    states = sorted({s for s, _ in edges} | {t for _, t in edges} - {CONVERSION, NULL_STATE})
    index = {s: i for i, s in enumerate(states)}
    n = len(states)
    out: dict[str, int] = {}
    for (s, _), c in edges.items():
        out[s] = out.get(s, 0) + c
    q = np.zeros((n, n))
    r = np.zeros(n)
    for (s, t), c in edges.items():
        if s == removed:
            continue
        p = c / out[s]
        if t == CONVERSION:
            r[index[s]] += p
        elif t in (NULL_STATE, removed):
            continue
        else:
            q[index[s], index[t]] += p
    try:
        x = np.linalg.solve(np.eye(n) - q, r)
    except np.linalg.LinAlgError:
        x = np.linalg.lstsq(np.eye(n) - q, r, rcond=None)[0]
    return float(x[index[START_STATE]]) if START_STATE in index else 0.0


def removal_effects(edges: dict[tuple[str, str], int]) -> tuple[dict[str, float], float]:
    """Each touchpoint's removal effect, and the chain's conversion probability."""
    base = conversion_probability(edges)
    touchpoints = sorted({s for s, _ in edges} - {START_STATE})
    if len(touchpoints) > MAX_MARKOV_STATES:
        raise InvalidInput(
            f"{len(touchpoints)} touchpoints are too many for the data-driven model "
            f"(at most {MAX_MARKOV_STATES}); attribute to a property with --touchpoint-col"
        )
    if base <= 0:
        return dict.fromkeys(touchpoints, 0.0), base
    return {s: max(0.0, 1 - conversion_probability(edges, s) / base) for s in touchpoints}, base
