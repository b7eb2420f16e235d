"""The map meets the data: measured figures written onto a map's steps and stages.

Steps declare which events count as them (`events:` matchers in the map file). The
overlay measures every step and stage in a few set-based queries, writes the figures
into `measured`, and reports what the map misses: frequent events that match no step
(undocumented touchpoints) and mapped steps that almost no one reaches.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from journeyline.events.matching import matchers_sql, needed_props
from journeyline.events.metrics import dwell_sql, seconds, share
from journeyline.events.readers import EventLog
from journeyline.model import JourneyMap, Measured, Stage, Step

DEFAULT_UNMAPPED_SHARE = 0.05
DEFAULT_RARE_SHARE = 0.01


@dataclass
class MeasuredElement:
    """The figures for one step or stage, as written onto the map."""

    id: str
    name: str
    kind: str
    units: int
    share: float
    events: int
    conversion: float | None
    dropoff: float | None
    median_seconds: float | None
    p95_seconds: float | None
    channels: dict[str, float] = field(default_factory=dict)
    stage: str | None = None


@dataclass
class UnmappedEvent:
    """A frequent event that no step matches: an undocumented touchpoint."""

    event: str
    units: int
    share: float
    events: int


@dataclass
class OverlayResult:
    """What the overlay measured and what the map misses."""

    log: dict[str, object]
    map: str
    steps: list[MeasuredElement]
    stages: list[MeasuredElement]
    unmapped_events: list[UnmappedEvent]
    rare_steps: list[MeasuredElement]
    steps_without_events: list[str]
    mapped_event_share: float

    def to_dict(self) -> dict[str, Any]:
        """JSON form: {"log", "map", "steps", "stages", "unmapped_events", "rare_steps", "steps_without_events", "mapped_event_share"}."""
        return asdict(self)


def props_for_map(journey: JourneyMap) -> list[str]:
    """Property columns a map's matchers filter on (to read them from the log)."""
    return needed_props([m for step in journey.steps() for m in step.events])


def overlay(
    log: EventLog,
    journey: JourneyMap,
    *,
    unmapped_min_share: float = DEFAULT_UNMAPPED_SHARE,
    rare_max_share: float = DEFAULT_RARE_SHARE,
) -> tuple[JourneyMap, OverlayResult]:
    """Measure each step and stage and return the map with `measured` filled in.

    Per step (from the events its matchers select): units — distinct units with such an
    event; share — of all units; events; conversion — share of the step's units that do
    the next measured step after their first event of this step (dropoff = 1 − conversion;
    none for the last step); median/p95 seconds — dwell of the step's events (see
    `metrics.dwell`); channels — share of the step's events per channel value. Per stage:
    the same over the union of its steps, with time = each unit's total dwell in the
    stage and conversion to the next stage. Unmapped events: events no step matches done
    by at least `unmapped_min_share` of units; rare steps: measured steps reached by
    fewer than `rare_max_share` of units.
    """
    journey = journey.model_copy(deep=True)
    steps: list[tuple[Stage, Step, str]] = [
        (stage, step, matchers_sql(log, step.events))
        for stage, step in journey.iter_steps()
        if step.events
    ]
    without = [step.name for _, step in journey.iter_steps() if not step.events]
    stages: list[tuple[Stage, str]] = []
    for stage in journey.stages:
        conds = [c for st, _, c in steps if st is stage]
        if conds:
            stages.append((stage, "(" + " OR ".join(conds) + ")"))
    measured_steps = _measure(
        log, [(step.id, step.name, c) for _, step, c in steps], per_unit_dwell=False
    )
    measured_stages = _measure(log, [(st.id, st.name, c) for st, c in stages], per_unit_dwell=True)
    for (stage, step, _), m in zip(steps, measured_steps, strict=True):
        m.kind, m.stage = "step", stage.name
        step.measured = _to_measured(log, m)
    for (stage, _), m in zip(stages, measured_stages, strict=True):
        m.kind = "stage"
        stage.measured = _to_measured(log, m)
    any_cond = " OR ".join(c for _, _, c in steps) or "1 = 0"
    rows = log.engine.fetch(
        f"SELECT event, COUNT(DISTINCT unit), COUNT(*) FROM ev WHERE NOT ({any_cond}) GROUP BY event"
    )
    unmapped = [
        UnmappedEvent(log.name(e), int(u), share(int(u), log.total_units), int(n))
        for e, u, n in rows
    ]
    unmapped_events = sum(u.events for u in unmapped)
    unmapped = [u for u in unmapped if u.share >= unmapped_min_share]
    unmapped.sort(key=lambda u: (-u.units, u.event))
    rare = [m for m in measured_steps if m.share < rare_max_share]
    result = OverlayResult(
        log=log.summary(),
        map=journey.name,
        steps=measured_steps,
        stages=measured_stages,
        unmapped_events=unmapped,
        rare_steps=rare,
        steps_without_events=without,
        mapped_event_share=share(log.total_events - unmapped_events, log.total_events),
    )
    return journey, result


def _measure(
    log: EventLog, items: list[tuple[str, str, str]], *, per_unit_dwell: bool
) -> list[MeasuredElement]:
    """Reach, events, conversion to the next item, dwell and channel mix for each (id, name, condition)."""
    if not items:
        return []
    d = log.engine.dialect
    dw = dwell_sql(log)
    per_unit = ", ".join(
        f"MIN(CASE WHEN {c} THEN pos END) AS f{i}, MAX(CASE WHEN {c} THEN pos END) AS l{i}, "
        f"SUM(CASE WHEN {c} THEN 1 ELSE 0 END) AS n{i}, SUM(CASE WHEN {c} THEN {dw} END) AS d{i}"
        for i, (_, _, c) in enumerate(items)
    )
    aggs = []
    for i in range(len(items)):
        conv = (
            f"SUM(CASE WHEN f{i} IS NOT NULL AND l{i + 1} > f{i} THEN 1 ELSE 0 END)"
            if i + 1 < len(items)
            else "0"
        )
        aggs.append(f"COUNT(f{i}), SUM(n{i}), {conv}")
        if per_unit_dwell:
            aggs.append(f"{d.quantile(f'd{i}', 0.5)}, {d.quantile(f'd{i}', 0.95)}")
    row = log.engine.fetch(
        f"SELECT {', '.join(aggs)} FROM (SELECT unit, {per_unit} FROM ev GROUP BY unit) u"
    )[0]
    width = 5 if per_unit_dwell else 3
    if not per_unit_dwell:
        event_dwell = log.engine.fetch(
            "SELECT "
            + ", ".join(
                f"{d.quantile(f'CASE WHEN {c} THEN dw END', 0.5)}, {d.quantile(f'CASE WHEN {c} THEN dw END', 0.95)}"
                for _, _, c in items
            )
            + f" FROM (SELECT *, {dw} AS dw FROM ev) x"
        )[0]
    out = []
    for i, (ident, name, cond) in enumerate(items):
        units, events, converted = (int(v or 0) for v in row[i * width : i * width + 3])
        if per_unit_dwell:
            med, p95 = row[i * width + 3 : i * width + 5]
        else:
            med, p95 = event_dwell[2 * i : 2 * i + 2]
        last = i + 1 == len(items)
        conversion = None if last or not units else share(converted, units)
        out.append(
            MeasuredElement(
                id=ident,
                name=name,
                kind="",
                units=units,
                share=share(units, log.total_units),
                events=events,
                conversion=conversion,
                dropoff=None if conversion is None else 1 - conversion,
                median_seconds=seconds(med),
                p95_seconds=seconds(p95),
                channels=_channels(log, cond),
            )
        )
    return out


def _channels(log: EventLog, cond: str) -> dict[str, float]:
    if log.channel is None:
        return {}
    rows = log.engine.fetch(
        f"SELECT {log.channel}, COUNT(*) FROM ev WHERE {cond} AND {log.channel} IS NOT NULL GROUP BY {log.channel}"
    )
    total = sum(int(n) for _, n in rows)
    rows.sort(key=lambda r: (-int(r[1]), str(r[0])))
    return {str(v): share(int(n), total) for v, n in rows}


def _to_measured(log: EventLog, m: MeasuredElement) -> Measured:
    return Measured(
        units=m.units,
        share=m.share,
        events=m.events,
        conversion=m.conversion,
        dropoff=m.dropoff,
        median_seconds=m.median_seconds,
        p95_seconds=m.p95_seconds,
        channels=m.channels,
        unit=log.unit_kind.value,
        total_units=log.total_units,
        period_start=log.period_start,
        period_end=log.period_end,
        source=log.source.rsplit("/", 1)[-1],
    )
