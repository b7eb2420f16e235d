"""Read an event log into the normalised events table every metric is written against.

The table `ev` has one row per event: `unit` (the journey: user, case or session),
`event`, `t` (microseconds since 1970 UTC), `seq` (0-based row number in the file),
`pos` (1-based position in the unit's journey), the neighbouring events (`prev_event`,
`next_event`, `prev_t`, `next_t`) and one column per kept property (`p0`, `p1` …).

Ordering: events are ordered by (unit, timestamp, file order). Equal timestamps are
common (bpic2012 has about 14,000), so the file order breaks ties, the same in every
engine.

Timestamps: text in ISO 8601 form with or without a UTC offset (`Z`, `+02:00`); naive
timestamps are UTC. Offsets may differ between rows (each is converted to UTC), but a
file that mixes naive and offset timestamps is rejected: the naive ones are ambiguous.
Numbers are seconds, milli-, micro- or nanoseconds since 1970 (`--time-unit`; `auto`
decides per value by magnitude: ≥1e17 ns, ≥1e14 µs, ≥1e11 ms, else s).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from journeyline.analytics.engine import Dialect, Engine
from journeyline.analytics.spec import Columns, LogSpec, TimeUnit, UnitKind, resolve_columns
from journeyline.errors import InvalidInput, NotFound, UsageError

FORMATS: dict[str, tuple[str, ...]] = {
    "csv": (".csv", ".csv.gz", ".tsv", ".tsv.gz"),
    "parquet": (".parquet", ".pq"),
    "jsonl": (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz", ".json", ".json.gz"),
    "xes": (".xes", ".xes.gz"),
}

_MICROS = {TimeUnit.s: 1_000_000, TimeUnit.ms: 1_000, TimeUnit.us: 1}
_AWARE = r"[0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?[ ]?([Zz]|UTC|[+-][0-9]{2}(:?[0-9]{2})?)$"
_NUMERIC = r"^[ ]*-?[0-9]+([.][0-9]+)?[ ]*$"


def format_of(path: Path) -> str:
    """The reader for a file, chosen by its extension."""
    name = path.name.lower()
    for fmt, extensions in FORMATS.items():
        if any(name.endswith(ext) for ext in extensions):
            return fmt
    known = ", ".join(ext for exts in FORMATS.values() for ext in exts)
    raise UsageError(f"{path}: unknown event file type (Journeyline reads {known})")


@dataclass
class EventLog:
    """A log loaded into an engine: the `ev` table plus what describes it."""

    engine: Engine
    source: str
    columns: Columns
    unit_kind: UnitKind
    props: dict[str, str]
    """Property name → column in `ev` (`p0`, `p1` …)."""
    channel: str | None
    total_units: int
    total_events: int
    start_us: int
    end_us: int
    session_timeout_seconds: float | None
    warnings: list[str] = field(default_factory=list)

    @property
    def period_start(self) -> dt.datetime:
        """Time of the first event (UTC)."""
        return from_us(self.start_us)

    @property
    def period_end(self) -> dt.datetime:
        """Time of the last event (UTC)."""
        return from_us(self.end_us)

    def prop(self, name: str) -> str:
        """The `ev` column that holds a property; an error names the kept ones."""
        if name not in self.props:
            kept = ", ".join(self.props) or "none"
            raise InvalidInput(
                f"property '{name}' was not read from the log (kept: {kept}); add --prop {name}"
            )
        return self.props[name]

    def summary(self) -> dict[str, object]:
        """What the log is, for reports: source, unit, counts and date range."""
        return {
            "source": self.source,
            "unit": self.unit_kind.value,
            "units": self.total_units,
            "events": self.total_events,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
        }


def from_us(micros: int) -> dt.datetime:
    """A UTC datetime from microseconds since 1970."""
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=micros)


def load_events(path: Path | str, spec: LogSpec, engine: Engine) -> EventLog:
    """Read a file into the engine as the normalised `ev` table, checking it on the way.

    Bad input raises InvalidInput: missing columns (naming those found and a preset
    that fits), unparsable timestamps (count and first examples), naive and
    offset timestamps mixed, an empty file.
    """
    path = Path(path)
    if not path.exists():
        raise NotFound(f"{path}: no such event file")
    if path.is_file() and path.stat().st_size == 0:
        raise InvalidInput(f"{path}: the file is empty")
    fmt = format_of(path)
    schema = dict(engine.source_schema(path, fmt))
    cols = resolve_columns(spec, list(schema), str(path))
    unit_kind = cols.unit_kind
    if spec.session_col and spec.unit_kind is None:
        unit_kind = UnitKind.session
    props = list(dict.fromkeys([*spec.props, *([spec.channel_col] if spec.channel_col else [])]))
    needed = list(dict.fromkeys([cols.unit, cols.event, cols.time, *props]))
    if cols.unit_fallback:
        needed.append(cols.unit_fallback)
    if spec.session_col:
        needed.append(spec.session_col)
    needed = list(dict.fromkeys(needed))
    src = engine.create_source(path, fmt, needed)
    d = engine.dialect
    q = d.ident
    s = d.string_type
    unit_expr = f"CAST({q(cols.unit)} AS {s})"
    if cols.unit_fallback:
        unit_expr = f"COALESCE({unit_expr}, CAST({q(cols.unit_fallback)} AS {s}))"
    t_expr, tz_expr = _time_exprs(d, q(cols.time), schema.get(cols.time, "string"), cols.time_unit)
    prop_cols = {name: f"p{i}" for i, name in enumerate(props)}
    prop_select = "".join(f", CAST({q(name)} AS {s}) AS {col}" for name, col in prop_cols.items())
    session_select = f", CAST({q(spec.session_col)} AS {s}) AS sess" if spec.session_col else ""
    engine.materialize(
        "parsed",
        f"SELECT __seq AS seq, {unit_expr} AS unit, CAST({q(cols.event)} AS {s}) AS event, "
        f"{t_expr} AS t, {tz_expr} AS tz{prop_select}{session_select} FROM {src}",
    )
    warnings = _check_parsed(engine, path, cols, src)
    extra = "".join(f", {c}" for c in prop_cols.values())
    base = f"SELECT seq, unit, event, t{extra} FROM parsed WHERE t IS NOT NULL AND unit IS NOT NULL AND event IS NOT NULL"
    timeout = spec.session_timeout_seconds
    if unit_kind == UnitKind.session:
        if spec.session_col:
            base = (
                f"SELECT seq, concat(unit, ' / ', COALESCE(sess, '')) AS unit, event, t{extra} "
                "FROM parsed WHERE t IS NOT NULL AND unit IS NOT NULL AND event IS NOT NULL"
            )
        elif timeout is not None:
            gap = int(timeout * 1_000_000)
            base = (
                f"SELECT seq, concat(unit, ' #', CAST(SUM(CASE WHEN prev_t IS NULL OR t - prev_t > {gap} "
                f"THEN 1 ELSE 0 END) OVER (PARTITION BY unit ORDER BY t, seq ROWS UNBOUNDED PRECEDING) AS {s})) "
                f"AS unit, event, t{extra} FROM (SELECT seq, unit, event, t{extra}, "
                f"lag(t) OVER (PARTITION BY unit ORDER BY t, seq) AS prev_t FROM ({base}) b) g"
            )
    engine.materialize(
        "ev",
        f"SELECT seq, unit, event, t{extra}, row_number() OVER w AS pos, "
        "lag(event) OVER w AS prev_event, lead(event) OVER w AS next_event, "
        "lag(t) OVER w AS prev_t, lead(t) OVER w AS next_t "
        f"FROM ({base}) b WINDOW w AS (PARTITION BY unit ORDER BY t, seq)",
    )
    engine.drop("parsed")
    n_events, n_units, start, end = engine.fetch(
        "SELECT COUNT(*), COUNT(DISTINCT unit), MIN(t), MAX(t) FROM ev"
    )[0]
    if not n_events:
        raise InvalidInput(f"{path}: no events with a unit, an event name and a timestamp")
    return EventLog(
        engine=engine,
        source=str(path),
        columns=cols,
        unit_kind=unit_kind,
        props=prop_cols,
        channel=prop_cols.get(spec.channel_col) if spec.channel_col else None,
        total_units=int(n_units),
        total_events=int(n_events),
        start_us=int(start),
        end_us=int(end),
        session_timeout_seconds=timeout,
        warnings=warnings,
    )


def _time_exprs(d: Dialect, col: str, kind: str, unit: TimeUnit) -> tuple[str, str]:
    """SQL for the timestamp in microseconds, and a flag: 1 offset given, 0 naive, 2 numeric."""
    if kind in {"timestamp", "timestamptz"}:
        return d.epoch_us(col), "2"
    if kind in {"integer", "float"}:
        return _numeric_us(
            d, f"CAST({col} AS DOUBLE)", f"CAST({col} AS BIGINT)", kind == "float", unit
        ), "2"
    text = f"TRIM(CAST({col} AS {d.string_type}))"
    numeric = _numeric_us(
        d, f"CAST({text} AS DOUBLE)", f"CAST({text} AS BIGINT)", None, unit, text=text
    )
    t = (
        f"CASE WHEN {col} IS NULL THEN NULL WHEN {d.regex(text, _NUMERIC)} THEN {numeric} "
        f"ELSE {d.parse_ts_us(text)} END"
    )
    tz = (
        f"CASE WHEN {col} IS NULL THEN NULL WHEN {d.regex(text, _NUMERIC)} THEN 2 "
        f"WHEN {d.regex(text, _AWARE)} THEN 1 ELSE 0 END"
    )
    return t, tz


def _numeric_us(
    d: Dialect,
    as_double: str,
    as_bigint: str,
    is_float: bool | None,
    unit: TimeUnit,
    text: str | None = None,
) -> str:

    def scaled(u: TimeUnit) -> str:
        if u == TimeUnit.ns:
            whole = d.int_div(as_bigint, "1000")
            frac = f"CAST(ROUND({as_double} / 1000) AS BIGINT)"
        else:
            whole = f"{as_bigint} * {_MICROS[u]}"
            frac = f"CAST(ROUND({as_double} * {_MICROS[u]}) AS BIGINT)"
        if is_float is True:
            return frac
        if is_float is False:
            return whole
        assert text is not None
        return f"(CASE WHEN {d.regex(text, '[.]')} THEN {frac} ELSE {whole} END)"

    if unit != TimeUnit.auto:
        return scaled(unit)
    mag = f"ABS({as_double})"
    return (
        f"(CASE WHEN {mag} >= 1e17 THEN {scaled(TimeUnit.ns)} WHEN {mag} >= 1e14 THEN {scaled(TimeUnit.us)} "
        f"WHEN {mag} >= 1e11 THEN {scaled(TimeUnit.ms)} ELSE {scaled(TimeUnit.s)} END)"
    )


def _check_parsed(engine: Engine, path: Path, cols: Columns, src: str) -> list[str]:
    """Empty logs, unparsable and mixed-zone timestamps are errors; missing units/events warnings."""
    rows, bad, aware, naive, no_unit, no_event = engine.fetch(
        "SELECT COUNT(*), "
        "SUM(CASE WHEN t IS NULL THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN tz = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN tz = 0 THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN unit IS NULL THEN 1 ELSE 0 END), SUM(CASE WHEN event IS NULL THEN 1 ELSE 0 END) "
        "FROM parsed"
    )[0]
    if not rows:
        raise InvalidInput(f"{path}: the file holds no events (only a header?)")
    d = engine.dialect
    if bad:
        examples = engine.fetch(
            f"SELECT p.seq, CAST(s.{d.ident(cols.time)} AS {d.string_type}) FROM parsed p "
            f"JOIN {src} s ON s.__seq = p.seq WHERE p.t IS NULL ORDER BY p.seq LIMIT 3"
        )
        shown = "; ".join(
            f"row {int(seq) + 1}: {'(empty)' if raw is None else repr(raw)}"
            for seq, raw in examples
        )
        raise InvalidInput(
            f"{path}: {bad} of {rows} timestamps in column '{cols.time}' cannot be read ({shown}); "
            "use ISO 8601 (2024-03-13 10:21:14+00:00) or epoch numbers with --time-unit"
        )
    if aware and naive:
        example = engine.fetch(
            f"SELECT p.seq, CAST(s.{d.ident(cols.time)} AS {d.string_type}) FROM parsed p "
            f"JOIN {src} s ON s.__seq = p.seq WHERE p.tz = 0 ORDER BY p.seq LIMIT 1"
        )[0]
        raise InvalidInput(
            f"{path}: column '{cols.time}' mixes time zones: {aware} timestamps carry a UTC offset and "
            f"{naive} do not (e.g. row {int(example[0]) + 1}: {example[1]!r}); give every timestamp an "
            "offset, or none (naive timestamps are read as UTC)"
        )
    warnings = []
    if no_unit:
        warnings.append(f"{no_unit} events have no unit ('{cols.unit}' empty) and are left out")
    if no_event:
        warnings.append(
            f"{no_event} events have no event name ('{cols.event}' empty) and are left out"
        )
    return warnings
