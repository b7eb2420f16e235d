"""How to read an event log: column presets, the reading spec, and durations like `14d`.

A preset names the columns that common analytics exports use for the unit (who), the
event (what) and the timestamp (when). Explicit column options override the preset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from journeyline.errors import InvalidInput


class UnitKind(StrEnum):
    """What one journey is: a user, a case (process instance) or a session."""

    user = "user"
    case = "case"
    session = "session"


class TimeUnit(StrEnum):
    """How numeric timestamps are read: seconds, milli-, micro- or nanoseconds since 1970 (UTC)."""

    auto = "auto"
    s = "s"
    ms = "ms"
    us = "us"
    ns = "ns"


@dataclass(frozen=True)
class Preset:
    """The column layout of one analytics export."""

    name: str
    unit_cols: tuple[str, ...]
    """Candidates for the unit column; the first one present in the file is used."""
    event_col: str
    time_col: str
    time_unit: TimeUnit = TimeUnit.auto
    unit_kind: UnitKind = UnitKind.user
    channel_col: str | None = None
    description: str = ""


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "generic", ("user_id",), "event", "timestamp", description="user_id, event, timestamp"
        ),
        Preset(
            "ga4",
            ("user_id", "user_pseudo_id"),
            "event_name",
            "event_timestamp",
            time_unit=TimeUnit.us,
            description=(
                "BigQuery export: user_id (else user_pseudo_id), event_name, "
                "event_timestamp (µs); event_params by key"
            ),
        ),
        Preset(
            "segment",
            ("userId", "user_id", "anonymousId", "anonymous_id"),
            "event",
            "timestamp",
            description="Segment JSON or warehouse: userId (else anonymousId), event, timestamp",
        ),
        Preset(
            "mixpanel",
            ("distinct_id",),
            "event",
            "time",
            description="raw export: properties.distinct_id, event, properties.time",
        ),
        Preset(
            "amplitude",
            ("user_id", "device_id"),
            "event_type",
            "event_time",
            description="export: user_id (else device_id), event_type, event_time",
        ),
        Preset(
            "xes",
            ("case:concept:name",),
            "concept:name",
            "time:timestamp",
            unit_kind=UnitKind.case,
            description="process mining: case:concept:name, concept:name, time:timestamp",
        ),
    )
}


@dataclass(frozen=True)
class Columns:
    """The columns actually used from a file, after presets and explicit options."""

    unit: str
    event: str
    time: str
    time_unit: TimeUnit
    unit_kind: UnitKind
    preset: str
    unit_fallback: str | None = None
    """Second unit column (segment's anonymous_id), used where the first is empty."""


@dataclass(frozen=True)
class LogSpec:
    """Everything needed to turn a file into a normalised event log.

    `props` are extra columns to keep (channel, segment, any property); `channel_col`
    is the property that channel mix is computed from.
    """

    preset: str | None = None
    unit_col: str | None = None
    event_col: str | None = None
    time_col: str | None = None
    time_unit: TimeUnit | None = None
    unit_kind: UnitKind | None = None
    session_col: str | None = None
    session_timeout_seconds: float | None = 30 * 60
    channel_col: str | None = None
    props: tuple[str, ...] = field(default_factory=tuple)

    def with_props(self, *names: str) -> LogSpec:
        """A copy that also keeps these property columns."""
        merged = tuple(dict.fromkeys([*self.props, *[n for n in names if n]]))
        return LogSpec(**{**self.__dict__, "props": merged})


def resolve_columns(spec: LogSpec, found: list[str], source: str) -> Columns:
    """Pick the unit, event and time columns from the preset and explicit options.

    Without a preset, `generic` is used when its columns are present; otherwise the one
    preset whose columns are all present. A missing column is an error that names the
    columns found and suggests a preset that fits.
    """
    present = set(found)
    if spec.preset is not None and spec.preset not in PRESETS:
        raise InvalidInput(
            f"unknown preset '{spec.preset}' (known: {', '.join(PRESETS)})",
        )
    preset = PRESETS[spec.preset] if spec.preset else _detect_preset(spec, present)
    unit_candidates = [c for c in preset.unit_cols if c in present]
    unit = spec.unit_col or (unit_candidates[0] if unit_candidates else preset.unit_cols[0])
    fallback = None
    if spec.unit_col is None and len(unit_candidates) > 1:
        fallback = unit_candidates[1]
    event = spec.event_col or preset.event_col
    time = spec.time_col or preset.time_col
    wanted = {"unit": unit, "event": event, "time": time}
    if spec.session_col:
        wanted["session"] = spec.session_col
    if spec.channel_col:
        wanted["channel"] = spec.channel_col
    for prop in spec.props:
        wanted[f"property '{prop}'"] = prop
    missing = [f"{role} column '{col}'" for role, col in wanted.items() if col not in present]
    if not spec.unit_col and not unit_candidates and len(preset.unit_cols) > 1:
        others = " or ".join(f"'{c}'" for c in preset.unit_cols[1:])
        missing = [m + f" (or {others})" if m.startswith("unit ") else m for m in missing]
    if missing:
        fits = [p.name for p in PRESETS.values() if _preset_fits(p, present)]
        hint = (
            f"try --preset {fits[0]}"
            if fits and fits[0] != preset.name
            else "name the columns with --unit-col, --event-col and --time-col"
        )
        raise InvalidInput(
            f"{source}: missing {', '.join(missing)} (preset '{preset.name}'); "
            f"columns found: {_listed(found)}; {hint}"
        )
    return Columns(
        unit=unit,
        event=event,
        time=time,
        time_unit=spec.time_unit or preset.time_unit,
        unit_kind=spec.unit_kind or preset.unit_kind,
        preset=preset.name,
        unit_fallback=fallback,
    )


def _listed(found: list[str], limit: int = 40) -> str:
    """The columns found, cut short for a nested export with hundreds of paths."""
    if not found:
        return "none"
    shown = ", ".join(found[:limit])
    return shown if len(found) <= limit else f"{shown} … and {len(found) - limit} more"


def _preset_fits(preset: Preset, present: set[str]) -> bool:
    return (
        any(c in present for c in preset.unit_cols)
        and preset.event_col in present
        and preset.time_col in present
    )


def _detect_preset(spec: LogSpec, present: set[str]) -> Preset:
    generic = PRESETS["generic"]
    explicit = {spec.unit_col, spec.event_col, spec.time_col} - {None}
    if _preset_fits(generic, present) or explicit:
        return generic
    fits = [p for p in PRESETS.values() if _preset_fits(p, present)]
    return fits[0] if fits else generic


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d|w)\s*$", re.IGNORECASE)
_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str, what: str = "duration") -> float | None:
    """Seconds in a duration like `45s`, `30m`, `2h`, `14d`, `1w`; `none` means no limit."""
    if text.strip().lower() in {"none", "off", "0"}:
        return None
    match = _DURATION.match(text)
    if not match:
        raise InvalidInput(
            f"{what} '{text}' is not a duration; write a number and a unit "
            "(s, m, h, d or w), e.g. 30m, 2h or 14d, or 'none' for no limit"
        )
    return float(match.group(1)) * _SECONDS[match.group(2).lower()]
