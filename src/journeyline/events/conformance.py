"""Observed against mapped: how far the units' paths follow the map's order of steps.

Each event is claimed by a step of the map (through the steps' `events` matchers); a
unit's path over the map is the steps its events claim, in order. Conformance compares
that path with the map's order and counts the commonest deviations: skipped steps,
reversed order, loops, and events between steps that no step claims. Everything is SQL
over the normalised `ev` table, so both engines give the same answer.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from journeyline.errors import InvalidInput
from journeyline.events.matching import matchers_sql
from journeyline.events.metrics import share
from journeyline.events.readers import EventLog
from journeyline.model import JourneyMap, Step

KINDS = ("skipped", "reversed", "loop", "unclaimed")
"""The deviation kinds, in the order they are reported when their units tie."""

_CLAIMED = "ev_conf_claimed"
_MOVES = "ev_conf_moves"
_DEVIATIONS = "ev_conf_deviations"


@dataclass
class Deviation:
    """One way units leave the map's order, and how many units do it."""

    kind: str
    steps: list[str]
    event: str | None
    units: int
    share: float


@dataclass
class ConformanceResult:
    """The share of units that follow the map's order and the commonest deviations."""

    log: dict[str, object]
    map: str
    steps: list[str]
    steps_without_events: list[str]
    units: int
    conforming: int
    share: float
    kinds: dict[str, int]
    deviations: list[Deviation]

    def to_dict(self) -> dict[str, Any]:
        """JSON form: {"log", "map", "steps", "steps_without_events", "units", "conforming", "share", "kinds", "deviations": [{"kind", "steps", "event", "units", "share"}]}."""
        return asdict(self)


def ordered_steps(journey: JourneyMap) -> list[Step]:
    """The map's steps that declare events, in the map's order (stage by stage); the order
    conformance compares with. Refuses a map where no step declares events."""
    steps = [step for step in journey.steps() if step.events]
    if not steps:
        raise InvalidInput(
            f"map '{journey.id}': no step declares events, so there is no order to compare "
            "the log with; add `events: [{event: NAME}]` to its steps (see docs/format.md), "
            "or draft a map from the log with `journeyline events discover`"
        )
    return steps


def conformance(log: EventLog, journey: JourneyMap, *, top: int | None = None) -> ConformanceResult:
    """Conformance: the share of units whose path follows the map's order of steps.

    The map's order is its steps that declare events, stage by stage, each step after the
    one before it; steps without events cannot be observed and are left out. An event is
    claimed by the first step in that order whose matchers select it; a unit's path is the
    sequence of steps its events claim, in time order, with repeats of a step in a row
    counted once. Only units with at least one claimed event are counted (`units`).
    A unit conforms when its path is a run of consecutive steps of the map in the map's
    order (it may enter late and leave early) and no event between two of its steps goes
    unclaimed; `share` is conforming / units. Every other unit shows at least one deviation:
    skipped — a step the unit never reaches, lying between two steps it does in a row going
    forward; reversed — the unit moves from a step to an earlier one it had not reached
    yet (steps: from, to); loop — the unit comes back to a step it had already left,
    going back or forward (steps: from, to); unclaimed — an event no step claims, done after one step's events
    and before the next, different step's (steps: before, after; event: its name).
    A deviation's units are the distinct units that show it, its share those / units;
    `kinds` counts the units with each kind. Deviations are sorted by units (descending),
    then kind, steps and event; `top` keeps the first N.
    """
    order = ordered_steps(journey)
    without = [step.name for step in journey.steps() if not step.events]
    claim = " ".join(
        f"WHEN {matchers_sql(log, step.events)} THEN {i}" for i, step in enumerate(order, 1)
    )
    engine = log.engine
    engine.materialize(_CLAIMED, f"SELECT unit, pos, event, CASE {claim} END AS s FROM ev")
    try:
        engine.materialize(
            _MOVES,
            "SELECT unit, pos, ps, s, first_pos FROM (SELECT unit, pos, s, "
            "lag(s) OVER (PARTITION BY unit ORDER BY pos) AS ps, "
            "MIN(pos) OVER (PARTITION BY unit, s) AS first_pos "
            f"FROM {_CLAIMED} WHERE s IS NOT NULL) m WHERE ps IS NOT NULL AND ps <> s",
        )
        numbers = " UNION ALL ".join(f"SELECT {i} AS k" for i in range(1, len(order) + 1))
        reached = f"(SELECT DISTINCT unit, s FROM {_CLAIMED} WHERE s IS NOT NULL)"
        # The claimed events around each event, as one code `pos * span + step` per
        # claimed event: the latest before (MAX) and the earliest after (MIN) carry
        # their step in the code, so no join back is needed.
        span = len(order) + 1
        code = f"CASE WHEN s IS NOT NULL THEN CAST(pos AS BIGINT) * {span} + s END"
        around = (
            f"SELECT unit, event, s, MAX({code}) OVER (PARTITION BY unit ORDER BY pos "
            "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before_code, "
            f"MIN({code}) OVER (PARTITION BY unit ORDER BY pos "
            f"ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS after_code FROM {_CLAIMED}"
        )
        engine.materialize(
            _DEVIATIONS,
            "SELECT 'skipped' AS kind, m.unit, k.k AS a, CAST(NULL AS INT) AS b, "
            "CAST(NULL AS INT) AS e "
            f"FROM {_MOVES} m JOIN ({numbers}) k ON k.k > m.ps AND k.k < m.s "
            f"LEFT JOIN {reached} r ON r.unit = m.unit AND r.s = k.k WHERE r.unit IS NULL "
            "UNION ALL SELECT 'reversed' AS kind, unit, ps AS a, s AS b, CAST(NULL AS INT) AS e "
            f"FROM {_MOVES} WHERE s < ps AND first_pos = pos "
            "UNION ALL SELECT 'loop' AS kind, unit, ps AS a, s AS b, CAST(NULL AS INT) AS e "
            f"FROM {_MOVES} WHERE first_pos < pos "
            "UNION ALL SELECT 'unclaimed' AS kind, unit, a, b, e FROM (SELECT unit, "
            f"CAST(before_code % {span} AS INT) AS a, CAST(after_code % {span} AS INT) AS b, "
            f"event AS e FROM ({around}) x WHERE s IS NULL) y WHERE a <> b",
        )
        units = int(
            engine.fetch(f"SELECT COUNT(DISTINCT unit) FROM {_CLAIMED} WHERE s IS NOT NULL")[0][0]
        )
        deviating = int(engine.fetch(f"SELECT COUNT(DISTINCT unit) FROM {_DEVIATIONS}")[0][0])
        kinds = {
            str(kind): int(n)
            for kind, n in engine.fetch(
                f"SELECT kind, COUNT(DISTINCT unit) FROM {_DEVIATIONS} GROUP BY kind"
            )
        }
        rows = engine.fetch(
            f"SELECT kind, a, b, e, COUNT(DISTINCT unit) FROM {_DEVIATIONS} GROUP BY kind, a, b, e"
        )
    finally:
        for table in (_DEVIATIONS, _MOVES, _CLAIMED):
            engine.drop(table)
    names = [step.name for step in order]
    deviations = [
        Deviation(
            kind=str(kind),
            steps=[names[int(i) - 1] for i in (a, b) if i is not None],
            event=None if e is None else log.name(int(e)),
            units=int(n),
            share=share(int(n), units),
        )
        for kind, a, b, e, n in rows
    ]
    rank = {kind: i for i, kind in enumerate(KINDS)}
    deviations.sort(key=lambda d: (-d.units, rank[d.kind], d.steps, d.event or ""))
    if top is not None:
        deviations = deviations[:top]
    return ConformanceResult(
        log=log.summary(),
        map=journey.name,
        steps=names,
        steps_without_events=without,
        units=units,
        conforming=units - deviating,
        share=share(units - deviating, units),
        kinds={kind: kinds.get(kind, 0) for kind in KINDS},
        deviations=deviations,
    )
