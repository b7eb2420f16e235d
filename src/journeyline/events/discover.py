"""Draft a current-state journey map from the paths customers really take.

The draft is a hypothesis for a team to rework, not a finished map: its steps are the
events on the dominant collapsed paths, in the order those paths take them, grouped
into stages, each step carrying the matcher that ties it to the data.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from journeyline.errors import InvalidInput
from journeyline.events.metrics import variants
from journeyline.events.overlay import OverlayResult, overlay
from journeyline.events.readers import EventLog
from journeyline.model import (
    EventMatcher,
    Evidence,
    EvidenceKind,
    JourneyMap,
    MapStatus,
    MapType,
    Stage,
    Step,
    assign_map_ids,
)

_PREFIX = re.compile(r"^([A-Za-z]{1,3})_")
MAX_STEPS_PER_STAGE = 5


@dataclass
class Discovery:
    """The drafted map and the paths it was drawn from."""

    journey: JourneyMap
    paths: list[tuple[list[str], int]]
    coverage: float
    overlay: OverlayResult


def discover(
    log: EventLog,
    *,
    coverage: float = 0.8,
    max_paths: int = 20,
    min_share: float = 0.05,
    name: str | None = None,
) -> Discovery:
    """Draft a current-state map from the dominant collapsed paths.

    Dominant paths: the most common variants with repeats collapsed, taken in order until
    they cover `coverage` of the units (at most `max_paths`). Steps: the events that at
    least `min_share` of the units on those paths do, ordered by their mean relative
    position along the paths (weighted by units). Stages: when nearly every event name
    has a short prefix (`A_`, `O_`, `W_`), one stage per prefix run; otherwise runs of
    at most five steps named after their first and last step. The draft is measured with
    the overlay, so every step and stage carries its figures.
    """
    if not 0 < coverage <= 1:
        raise InvalidInput("coverage must be between 0 and 1, e.g. 0.8")
    result = variants(log, collapse=True)
    chosen: list[tuple[list[str], int]] = []
    covered = 0
    for v in result.variants:
        if chosen and (covered >= coverage * log.total_units or len(chosen) >= max_paths):
            break
        chosen.append((v.path, v.units))
        covered += v.units
    units_on_paths = sum(n for _, n in chosen)
    position: dict[str, float] = {}
    weight: dict[str, int] = {}
    for path, n in chosen:
        seen: set[str] = set()
        for i, event in enumerate(path):
            if event in seen:
                continue
            seen.add(event)
            rel = i / (len(path) - 1) if len(path) > 1 else 0.0
            position[event] = position.get(event, 0.0) + rel * n
            weight[event] = weight.get(event, 0) + n
    events = [e for e in weight if weight[e] >= min_share * units_on_paths] or list(weight)
    events.sort(key=lambda e: (position[e] / weight[e], -weight[e], e))
    stages = _group(events)
    source = Path(log.source).name
    journey = JourneyMap(
        name=name or f"Current state: {source}",
        type=MapType.current_state,
        status=MapStatus.hypothesis,
        scenario=f"Drafted from the dominant paths in {source} ({log.total_units} {log.unit_kind.value}s).",
        stages=[
            Stage(
                name=title,
                steps=[Step(name=_humanize(e), events=[EventMatcher(event=e)]) for e in group],
            )
            for title, group in stages
        ],
        evidence=[
            Evidence(
                name=f"Event log {source}",
                kind=EvidenceKind.analytics,
                source=source,
                summary=(
                    f"{len(chosen)} dominant paths cover {covered} of {log.total_units} "
                    f"{log.unit_kind.value}s ({covered / log.total_units:.0%}), "
                    f"{log.period_start.date()} – {log.period_end.date()}."
                ),
            )
        ],
    )
    journey = assign_map_ids(journey)
    journey.evidence[0].links = [stage.id for stage in journey.stages]
    measured, report = overlay(log, journey)
    return Discovery(measured, chosen, covered / log.total_units, report)


def _humanize(event: str) -> str:
    text = event.replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else event


def _group(events: list[str]) -> list[tuple[str, list[str]]]:
    prefixes = [_PREFIX.match(e) for e in events]
    if len(events) > 1 and sum(1 for p in prefixes if p) >= 0.9 * len(events):
        groups: list[tuple[str, list[str]]] = []
        for event, match in zip(events, prefixes, strict=True):
            key = match.group(1) if match else "Other"
            if groups and groups[-1][0] == key:
                groups[-1][1].append(event)
            else:
                groups.append((key, [event]))
        if len({k for k, _ in groups}) > 1:
            return [(_title(k, g, i), g) for i, (k, g) in enumerate(groups)]
    n = max(1, math.ceil(len(events) / MAX_STEPS_PER_STAGE))
    size = math.ceil(len(events) / n)
    chunks = [events[i : i + size] for i in range(0, len(events), size)]
    return [(_title(None, c, i), c) for i, c in enumerate(chunks)]


def _title(prefix: str | None, group: list[str], index: int) -> str:
    first, last = _humanize(group[0]), _humanize(group[-1])
    span = first if first == last else f"{first} → {last}"
    return f"{index + 1}. {prefix + ': ' if prefix else ''}{span}"
