"""Matching a map's steps to a log's events: the event catalogue, suggestions and coverage.

- The **catalogue** lists a log's event names with their events and units, and its
  properties with their commonest values: what a matcher editor offers.
- **Suggestions** name, for a step, the events whose names resemble its name or its
  touchpoint's (string similarity on normalised words, offline).
- **Coverage** says what the matchers leave out: steps with no matcher, steps whose
  matchers select no event, and frequent events that no step claims.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from typing import Any

from journeyline.events.matching import matchers_sql
from journeyline.events.metrics import share
from journeyline.events.readers import EventLog
from journeyline.model import JourneyMap

MAX_VALUES = 20
DEFAULT_MIN_SCORE = 0.5
DEFAULT_UNCLAIMED_SHARE = 0.01


@dataclass
class EventName:
    """One event name of a log with how often it happens."""

    name: str
    events: int
    units: int


@dataclass
class PropertyValues:
    """A property of a log with its commonest values (events per value)."""

    name: str
    values: list[tuple[str, int]]


@dataclass
class Catalogue:
    """What a log holds, for the matcher editor's autocomplete."""

    events: list[EventName]
    properties: list[PropertyValues]

    def to_dict(self) -> dict[str, Any]:
        """JSON form: {"events": [{"name", "events", "units"}], "properties": [{"name", "values": [{"value", "events"}]}]}."""
        return {
            "events": [asdict(e) for e in self.events],
            "properties": [
                {"name": p.name, "values": [{"value": v, "events": n} for v, n in p.values]}
                for p in self.properties
            ],
        }


def catalogue(log: EventLog, properties: list[str]) -> Catalogue:
    """Every event name (most units first) and, per kept property, its `MAX_VALUES`
    commonest values (most events first)."""
    rows = log.engine.fetch("SELECT event, COUNT(*), COUNT(DISTINCT unit) FROM ev GROUP BY event")
    events = [EventName(log.name(e), int(n), int(u)) for e, n, u in rows]
    events.sort(key=lambda x: (-x.units, x.name))
    props = []
    for name in properties:
        col = log.prop(name)
        values = log.engine.fetch(
            f"SELECT {col}, COUNT(*) FROM ev WHERE {col} IS NOT NULL GROUP BY {col}"
        )
        values.sort(key=lambda r: (-int(r[1]), str(r[0])))
        props.append(PropertyValues(name, [(str(v), int(n)) for v, n in values[:MAX_VALUES]]))
    return Catalogue(events, props)


_WORD = re.compile(r"[a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def words(text: str) -> list[str]:
    """The lower-case words of a name: `Sign up`, `sign_up`, `SignUp`, `$sign-up` → sign, up."""
    return _WORD.findall(_CAMEL.sub(" ", text).lower())


def similarity(a: str, b: str) -> float:
    """How alike two names are, 0–1: the best of the words' overlap (Jaccard) and the
    character similarity of the joined words (difflib's ratio)."""
    wa, wb = words(a), words(b)
    if not wa or not wb:
        return 0.0
    overlap = len(set(wa) & set(wb)) / len(set(wa) | set(wb))
    ratio = SequenceMatcher(None, " ".join(wa), " ".join(wb)).ratio()
    return round(max(overlap, ratio), 3)


@dataclass
class Suggestion:
    """An event that may be this step, and why."""

    event: str
    score: float
    units: int
    matched_on: str
    """step (its name) or touchpoint."""


@dataclass
class StepSuggestions:
    """The suggestions for one step."""

    id: str
    name: str
    has_matchers: bool
    suggestions: list[Suggestion] = field(default_factory=list)


def suggest(
    journey: JourneyMap,
    events: list[EventName],
    *,
    min_score: float = DEFAULT_MIN_SCORE,
    top: int = 3,
) -> list[StepSuggestions]:
    """For each step, the `top` events whose names resemble the step's name or touchpoint
    (score ≥ `min_score`, best first; ties to the event more units do), leaving out the
    events the step already matches by name."""
    out = []
    for step in journey.steps():
        claimed = {m.event for m in step.events if m.match == "exact"}
        found: list[Suggestion] = []
        for ev in events:
            if ev.name in claimed:
                continue
            best, on = similarity(step.name, ev.name), "step"
            if step.touchpoint:
                by_touchpoint = similarity(step.touchpoint, ev.name)
                if by_touchpoint > best:
                    best, on = by_touchpoint, "touchpoint"
            if best >= min_score:
                found.append(Suggestion(ev.name, best, ev.units, on))
        found.sort(key=lambda s: (-s.score, -s.units, s.event))
        out.append(StepSuggestions(step.id, step.name, bool(step.events), found[:top]))
    return out


@dataclass
class Coverage:
    """What the map's matchers leave out of the log, and the steps the log leaves out."""

    steps_without_matchers: list[dict[str, str]]
    steps_matching_nothing: list[dict[str, str]]
    unclaimed_events: list[dict[str, Any]]
    claimed_event_share: float

    def to_dict(self) -> dict[str, Any]:
        """JSON form: {"steps_without_matchers", "steps_matching_nothing", "unclaimed_events", "claimed_event_share"}."""
        return asdict(self)


def coverage(
    log: EventLog, journey: JourneyMap, *, min_share: float = DEFAULT_UNCLAIMED_SHARE
) -> Coverage:
    """Steps with no matcher; steps whose matchers select no event of the log; events no
    step claims done by at least `min_share` of units (most units first); and the share
    of all events some step claims."""
    without = [{"id": s.id, "name": s.name} for s in journey.steps() if not s.events]
    conds = [(s, matchers_sql(log, s.events)) for s in journey.steps() if s.events]
    nothing = []
    if conds:
        counts = log.engine.fetch(
            "SELECT "
            + ", ".join(f"SUM(CASE WHEN {c} THEN 1 ELSE 0 END)" for _, c in conds)
            + " FROM ev"
        )[0]
        nothing = [
            {"id": s.id, "name": s.name} for (s, _), n in zip(conds, counts, strict=True) if not n
        ]
    any_cond = " OR ".join(c for _, c in conds) or "1 = 0"
    rows = log.engine.fetch(
        f"SELECT event, COUNT(DISTINCT unit), COUNT(*) FROM ev WHERE NOT ({any_cond}) GROUP BY event"
    )
    unclaimed_events = sum(int(n) for _, _, n in rows)
    unclaimed: list[dict[str, Any]] = [
        {
            "event": log.name(e),
            "units": int(u),
            "share": share(int(u), log.total_units),
            "events": int(n),
        }
        for e, u, n in rows
        if share(int(u), log.total_units) >= min_share
    ]
    unclaimed.sort(key=lambda x: (-int(x["units"]), str(x["event"])))
    return Coverage(
        without,
        nothing,
        unclaimed,
        share(log.total_events - unclaimed_events, log.total_events),
    )
