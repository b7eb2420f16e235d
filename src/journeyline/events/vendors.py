"""Read the analytics vendors' own exports (Mixpanel, Segment, Amplitude, GA4) and any nested JSON.

A JSON, zipped or nested-Parquet log is converted once, by DuckDB, into a flat Parquet file
holding exactly the columns the analysis needs (named as the options name them, e.g.
`properties.plan`) plus `__seq`, the file order. Both engines then read that file the way
they read any flat log, so DuckDB and Spark see the same rows.

Records are read as raw JSON text and each needed value is picked by its path, so an object
with keys that differ only in case (`city` and `City`) reads like any other, pretty-printed
objects, arrays, BOMs, mixed line endings and gzip are all accepted, and a property that is a
nested object is kept as its JSON text.

Names: a dotted name (`properties.plan`, `context.page.url`) is the path to a nested value;
for a vendor preset a bare name that is no top-level field is looked up in the vendor's
property objects (see `VENDORS`). GA4's `event_params` and `user_properties` (lists of
`{key, value: {string_value | int_value | float_value | double_value}}`) are read by key,
whichever `*_value` is set.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from journeyline.errors import InvalidInput
from journeyline.events.connect import connect_duckdb
from journeyline.events.spec import PRESETS, Columns, LogSpec, UnitKind, resolve_columns

_CACHE_VERSION = "5"
_SAMPLE_RECORDS = 2000
_KV_SCHEMA = '[{"key":"VARCHAR","value":"JSON"}]'
_NON_EVENT_CALLS = ("identify", "group", "alias")


@dataclass(frozen=True)
class Vendor:
    """How one vendor's export names who, what and when, and where its properties live."""

    preset: str
    containers: tuple[str, ...]
    """Objects whose keys are reachable by bare name too (first match wins)."""
    default_session: str | None = None
    """The session column used when sessions are asked for and none is named."""


VENDORS: dict[str, Vendor] = {
    v.preset: v
    for v in (
        Vendor("mixpanel", ("properties",)),
        Vendor("segment", ("properties", "context", "traits")),
        Vendor("amplitude", ("event_properties", "user_properties")),
        Vendor(
            "ga4",
            ("event_params", "user_properties"),
            default_session="ga_session_id",
        ),
    )
}


@dataclass
class FlatLog:
    """A log converted to a flat Parquet file (`__seq` plus the needed columns, all text)."""

    path: Path
    columns: Columns
    spec: LogSpec
    warnings: list[str] = field(default_factory=list)


def needs_flattening(path: Path, fmt: str, nested_parquet: bool) -> bool:
    """JSON logs and zip archives are always converted; Parquet when it has nested columns."""
    return fmt == "jsonl" or path.name.lower().endswith(".zip") or nested_parquet


def parquet_is_nested(path: Path) -> bool:
    """Whether a Parquet file has struct, list or map columns (GA4's BigQuery export does)."""
    import duckdb

    con = connect_duckdb()
    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM read_parquet({_lit(str(path))})").fetchall()
    except duckdb.Error as error:
        raise InvalidInput(explain_read_error(str(error), path, "parquet")) from error
    finally:
        con.close()
    return any(re.search(r"STRUCT|MAP|\[\]", str(r[1])) for r in rows)


def flatten_log(
    path: Path, fmt: str, spec: LogSpec, cache: Path, *, message_ids: bool = False
) -> FlatLog:
    """Convert a JSON, zip or nested-Parquet log into a flat Parquet file, once per spec.

    Vendor rules applied on the way: Mixpanel events repeated with the same (event,
    distinct_id, time, `$insert_id`) are kept once; Segment's identify, group and alias calls
    are no events but link an `anonymousId` to its `userId` (so one person's path is one
    unit); rows without a time are left out with a counted warning. With `message_ids`
    (the collector's events), Segment calls repeating an earlier call's `messageId` (a
    batch sent again) are kept once, the first received.
    """
    import duckdb

    con = connect_duckdb()
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET preserve_insertion_order = true")
        con.execute("SET enable_progress_bar = false")
        with _records(con, path, fmt) as (records, json_files):
            sample = _sample_paths(con, records, path)
            keyed = sample.keyed
            found, resolve, preset = _names(sample.paths, keyed, spec)
            if preset and not spec.preset:
                spec = LogSpec(**{**spec.__dict__, "preset": preset})
            found.extend(_found_later(con, records, spec, found, keyed))
            columns = resolve_columns(spec, found, str(path))
            vendor = VENDORS.get(columns.preset)
            spec = _with_default_session(spec, vendor, found)
            needed = needed_columns(spec, columns)
            _check_case_clash(needed, path)
            plan = _Plan(keyed)
            exprs = {name: resolve(name, plan, vendor, columns) for name in needed}
            if columns.preset == "mixpanel":
                exprs["__insert_id"] = plan.raw(("properties", "$insert_id"))
            if columns.preset == "segment":
                exprs["__call"] = f"lower(coalesce({plan.raw(('type',))}, 'track'))"
                if message_ids:
                    exprs["__insert_id"] = plan.raw(("messageId",))
            key = json.dumps(
                [
                    str(path.resolve()),
                    _stamp(path),
                    needed,
                    columns.preset,
                    message_ids,
                    _CACHE_VERSION,
                ]
            )
            target = cache / (hashlib.sha256(key.encode()).hexdigest()[:24] + ".parquet")
            warnings_file = target.with_suffix(".warnings.json")
            if target.is_file() and warnings_file.is_file():
                warnings = list(json.loads(warnings_file.read_text()))
            else:
                plan.type_numbers(exprs, columns.time, sample)
                try:
                    base = plan.base(records, json_files)
                    warnings = _convert(con, base, exprs, columns, target, path, plan.numeric)
                except duckdb.Error as error:
                    if not plan.numeric or "to numerical" not in str(error):
                        raise
                    # A later record's time is text ("2024-…"): read the times as text.
                    plan.numeric = set()
                    base = plan.base(records, json_files)
                    warnings = _convert(con, base, exprs, columns, target, path, plan.numeric)
                warnings_file.write_text(json.dumps(warnings))
    except duckdb.Error as error:
        bad = _first_bad_line(path) if _JSON_ERROR.search(str(error)) else None
        if bad is not None:
            line, reason = bad
            raise InvalidInput(
                f"{path}: line {line} is not valid JSON ({reason}); each event must be one "
                "JSON object (one per line, or objects in a JSON array)"
            ) from error
        raise InvalidInput(explain_read_error(str(error), path, fmt)) from error
    finally:
        con.close()
    return FlatLog(path=target, columns=columns, spec=spec, warnings=warnings)


def needed_columns(spec: LogSpec, cols: Columns) -> list[str]:
    """The columns an analysis reads: unit (and its fallback), event, time, session, properties."""
    props = [*spec.props, *([spec.channel_col] if spec.channel_col else [])]
    needed = [cols.unit, cols.event, cols.time, *props]
    if cols.unit_fallback:
        needed.append(cols.unit_fallback)
    if spec.session_col:
        needed.append(spec.session_col)
    return list(dict.fromkeys(needed))


def _with_default_session(spec: LogSpec, vendor: Vendor | None, found: list[str]) -> LogSpec:
    """GA4: sessions are `ga_session_id` when sessions are asked for and none is named."""
    if (
        vendor
        and vendor.default_session
        and spec.unit_kind == UnitKind.session
        and not spec.session_col
        and vendor.default_session in found
    ):
        return LogSpec(**{**spec.__dict__, "session_col": vendor.default_session})
    return spec


def _check_case_clash(needed: list[str], path: Path) -> None:
    """Columns are matched without regard to case by both engines: two names differing only
    in case cannot both be kept."""
    lowered: dict[str, str] = {}
    for name in needed:
        other = lowered.setdefault(name.lower(), name)
        if other != name:
            raise InvalidInput(
                f"{path}: '{other}' and '{name}' differ only in case; keep one of them "
                "(--prop, --unit-col …)"
            )


def _first_bad_line(path: Path) -> tuple[int, str] | None:
    """In a JSON-lines file, the first line that is no JSON value (DuckDB's own line numbers
    are off for JSON lines); None for other layouts (arrays, pretty-printed objects)."""
    opener: Any = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", errors="replace") as handle:
            for number, text in enumerate(handle, start=1):
                if not text.strip():
                    continue
                try:
                    json.loads(text)
                except ValueError as error:
                    if (
                        number == 1
                        and text.lstrip()[:1] in "[{"
                        and not text.rstrip().endswith(("}", "]"))
                    ):
                        return None  # a pretty-printed object or array: not JSON lines
                    return number, str(error).split(":")[0].lower()
    except (OSError, EOFError):
        return None
    return None


def _stamp(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_mtime_ns, stat.st_size]


@contextmanager
def _records(con: Any, path: Path, fmt: str) -> Iterator[tuple[str, str | None]]:
    """A relation with one column `json` holding each record's text, in file order, and the
    JSON files behind it as a read_json argument (None for Parquet)."""
    lit = _lit
    if path.name.lower().endswith(".zip"):
        folder = Path(tempfile.mkdtemp(prefix="journeyline-zip-"))
        try:
            files = _unzip(path, folder)
            listed = "[" + ", ".join(lit(str(f)) for f in files) + "]"
            yield f"read_json_objects({listed}, format = 'auto')", listed
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    if fmt == "parquet":
        yield f"(SELECT to_json(t) AS json FROM read_parquet({lit(str(path))}) t)", None
        return
    yield f"read_json_objects({lit(str(path))}, format = 'auto')", lit(str(path))


def _unzip(path: Path, folder: Path) -> list[Path]:
    """The JSON members of a zip (Amplitude's export: one gzipped JSON-lines file per hour)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [
                m
                for m in archive.infolist()
                if not m.is_dir() and re.search(r"\.(json|jsonl|ndjson)(\.gz)?$", m.filename, re.I)
            ]
            if not members:
                raise InvalidInput(f"{path}: the zip archive holds no .json or .json.gz files")
            files = []
            for i, member in enumerate(sorted(members, key=lambda m: m.filename)):
                suffix = ".json.gz" if member.filename.lower().endswith(".gz") else ".json"
                target = folder / f"{i:06d}{suffix}"
                with archive.open(member) as src, target.open("wb") as dst:
                    shutil.copyfileobj(src, dst)
                files.append(target)
            return files
    except zipfile.BadZipFile as error:
        raise InvalidInput(f"{path}: not a readable zip archive ({error})") from error


@dataclass
class _Sample:
    """What the first records show: every path to a value, in order of first appearance,
    the keys of GA4-style keyed lists, and the paths whose every value is a JSON number
    that a DOUBLE holds exactly (below 2^53)."""

    paths: list[tuple[str, ...]]
    keyed: dict[str, list[str]]
    numeric: set[tuple[str, ...]]


def _sample_paths(con: Any, records: str, path: Path) -> _Sample:
    """The first records' paths, keyed lists and numeric paths (see `_Sample`)."""
    # json(…) re-serialises each record strictly: DuckDB accepts what its docs-style
    # samples contain (trailing commas), Python's parser then reads the result.
    rows = con.execute(f"SELECT json(json) FROM {records} LIMIT {_SAMPLE_RECORDS}").fetchall()
    if not rows:
        raise InvalidInput(f"{path}: the file holds no events")
    seen: dict[tuple[str, ...], None] = {}
    keyed: dict[str, dict[str, None]] = {}
    kinds: dict[tuple[str, ...], bool] = {}
    for (text,) in rows:
        try:
            record = json.loads(text)
        except ValueError:
            continue
        if not isinstance(record, dict):
            raise InvalidInput(
                f"{path}: each event must be a JSON object (found {type(record).__name__})"
            )
        _walk(record, (), seen, keyed, kinds)
    return _Sample(
        list(seen), {k: list(v) for k, v in keyed.items()}, {p for p, n in kinds.items() if n}
    )


def _walk(
    value: dict[str, Any],
    prefix: tuple[str, ...],
    seen: dict[tuple[str, ...], None],
    keyed: dict[str, dict[str, None]],
    kinds: dict[tuple[str, ...], bool],
) -> None:
    for key, item in value.items():
        here = (*prefix, key)
        seen[here] = None
        if item is not None:
            number = isinstance(item, int | float) and not isinstance(item, bool)
            kinds[here] = kinds.get(here, True) and number and abs(item) < 2**53
        if isinstance(item, dict) and len(here) < 4:
            _walk(item, here, seen, keyed, kinds)
        elif not prefix and isinstance(item, list) and item and all(_is_kv(x) for x in item):
            names = keyed.setdefault(key, {})
            for entry in item:
                names[str(entry["key"])] = None
                seen[(key, str(entry["key"]))] = None


def _is_kv(item: object) -> bool:
    return isinstance(item, dict) and "key" in item and isinstance(item.get("value"), dict)


_KV_TYPE = (
    "STRUCT(key VARCHAR, value STRUCT(string_value VARCHAR, int_value VARCHAR, "
    "float_value VARCHAR, double_value VARCHAR))[]"
)
_VALUES = ("string_value", "int_value", "double_value", "float_value")


class _Plan:
    """The values read from each record: paths to text values and keys of keyed lists.

    Expressions refer to them as columns `__p0` … (paths) and `__q0` … (keys), and `base`
    turns them into one relation read in a single pass over the records."""

    def __init__(self, keyed: dict[str, list[str]]) -> None:
        self.keyed = keyed
        self.parts: list[tuple[str, ...]] = []
        self.keys: list[tuple[str, str]] = []
        self.numeric: set[tuple[str, ...]] = set()
        """Paths read as DOUBLE rather than text (see `type_numbers`)."""

    def type_numbers(self, exprs: dict[str, str], time: str, sample: _Sample) -> None:
        """Read the time as a number when every sampled value of its paths is a JSON number
        (Mixpanel's seconds): DuckDB then neither turns each one into text nor the readers
        parse it back (a sixth of a conversion's time on 10 M events). Only for paths no
        other column reads, at least one of them sampled and none sampled holding anything
        else; a later record holding text there fails the read, and `flatten_log` then
        reads the times as text."""
        self.numeric = set()
        sql = exprs.get(time, "")
        if "__q" in sql:
            return
        refs = {name: set(re.findall(r"__p(\d+)", e)) for name, e in exprs.items()}
        mine = refs.get(time, set())
        others = set().union(*(r for name, r in refs.items() if name != time))
        parts = {self.parts[int(i)] for i in mine}
        sampled = set(sample.paths)
        if mine & others or not parts & sample.numeric:
            return
        if any(p in sampled and p not in sample.numeric for p in parts):
            return
        self.numeric = parts

    def raw(self, parts: tuple[str, ...]) -> str:
        """SQL for the text at a path (NULL when absent); keyed lists are read by key."""
        if len(parts) == 2 and parts[0] in self.keyed:
            if (parts[0], parts[1]) not in self.keys:
                self.keys.append((parts[0], parts[1]))
            return f"__q{self.keys.index((parts[0], parts[1]))}"
        if parts not in self.parts:
            self.parts.append(parts)
        return f"__p{self.parts.index(parts)}"

    def base(self, records: str, json_files: str | None) -> str:
        """The relation `__p…, __q…` in file order (numbered where it is staged, see `_convert`).

        JSON files are read with a schema of exactly the needed fields (DuckDB then parses
        each record once and matches keys by exact case); otherwise, or when one path is
        both a value and an object holding others, each record's text is parsed by path."""
        schema = self._schema()
        if json_files is not None and schema is not None:
            picks = [f"{self._struct_path(p)} AS __p{i}" for i, p in enumerate(self.parts)]
            for i, (container, key) in enumerate(self.keys):
                value = f"list_filter({_ident(container)}, lambda x: x.key = {_lit(key)})[1].value"
                chosen = ", ".join(f"struct_extract({value}, '{v}')" for v in _VALUES)
                picks.append(f"coalesce({chosen}) AS __q{i}")
            return (
                f"SELECT {', '.join(picks) or '1 AS __none'} "
                f"FROM read_json({json_files}, format = 'auto', columns = {schema})"
            )
        self.numeric = set()  # parsed by path: every value is text
        containers = list(dict.fromkeys(c for c, _ in self.keys))
        paths = [
            "$" + "".join("." + _json_key(x) for x in p)
            for p in [*self.parts, *[(c,) for c in containers]]
        ]
        listed = ", ".join(_lit(x) for x in paths) or "'$.__none'"
        picks = [f"v[{i + 1}] AS __p{i}" for i in range(len(self.parts))]
        for i, (container, key) in enumerate(self.keys):
            at = len(self.parts) + containers.index(container) + 1
            value = (
                f"list_filter(from_json(v[{at}], '{_KV_SCHEMA}'), lambda x: x.key = {_lit(key)})"
                "[1].value"
            )
            chosen = ", ".join(f"json_extract_string({value}, '$.{v}')" for v in _VALUES)
            picks.append(f"coalesce({chosen}) AS __q{i}")
        return (
            f"SELECT {', '.join(picks) or '1 AS __none'} FROM (SELECT "
            f"json_extract_string(json, [{listed}]) AS v FROM {records}) b"
        )

    def _schema(self) -> str | None:
        """The `columns` of read_json for the needed fields; None when two needs conflict."""
        tree: dict[str, Any] = {}
        for parts in self.parts:
            node = tree
            for i, part in enumerate(parts):
                last = i == len(parts) - 1
                if last:
                    if part in node:
                        return None  # an object wanted whole and by its fields
                    node[part] = "DOUBLE" if parts in self.numeric else "VARCHAR"
                else:
                    child = node.setdefault(part, {})
                    if not isinstance(child, dict):
                        return None
                    node = child
        for container, _ in self.keys:
            if tree.get(container, _KV_TYPE) != _KV_TYPE:
                return None
            tree[container] = _KV_TYPE

        def render(node: dict[str, Any]) -> str:
            fields = ", ".join(
                f"{_ident(k)} {v if isinstance(v, str) else render(v)}" for k, v in node.items()
            )
            return f"STRUCT({fields})"

        items = ", ".join(
            f"{_lit(k)}: {_lit(v if isinstance(v, str) else render(v))}" for k, v in tree.items()
        )
        return "{" + items + "}" if items else None

    @staticmethod
    def _struct_path(parts: tuple[str, ...]) -> str:
        expr = _ident(parts[0])
        for part in parts[1:]:
            expr = f"struct_extract({expr}, {_lit(part)})"
        return expr


def _found_later(
    con: Any, records: str, spec: LogSpec, found: list[str], keyed: dict[str, list[str]]
) -> list[str]:
    """Names the options ask for that the first records lack but later ones have."""
    asked = [
        n
        for n in (spec.unit_col, spec.event_col, spec.time_col, spec.session_col, spec.channel_col)
        if n
    ]
    asked += list(spec.props)
    late = []
    for name in dict.fromkeys(asked):
        if name in found:
            continue
        parts = tuple(name.split("."))
        if len(parts) == 2 and parts[0] in keyed:
            test = f"json_extract_string(json, '$.{parts[0]}') LIKE {_lit('%' + json.dumps(parts[1]) + '%')}"
        else:
            path = "$" + "".join("." + _json_key(p) for p in parts)
            test = f"json_extract(json, {_lit(path)}) IS NOT NULL"
        if con.execute(f"SELECT COUNT(*) FROM {records} WHERE {test}").fetchone()[0]:
            late.append(name)
    return late


def _json_key(key: str) -> str:
    return '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _names(
    paths: list[tuple[str, ...]], keyed: dict[str, list[str]], spec: LogSpec
) -> tuple[list[str], Any, str | None]:
    """The names a spec may use for this file, and how to read each one.

    Found names: every sampled path (dotted), then, for the preset that fits, the vendor's
    derived columns and its properties by bare name."""
    dotted = {".".join(p): p for p in paths}
    top = {p[0] for p in paths}
    raw_found = list(dotted)
    preset = spec.preset or _fitting_vendor(spec, raw_found)
    vendor = VENDORS.get(preset or "")
    found = list(raw_found)
    bare: dict[str, tuple[str, ...]] = {}
    if vendor:
        found.extend(n for n in _derived_names(vendor.preset, set(dotted)) if n not in found)
        for container in vendor.containers:
            for p in paths:
                if len(p) == 2 and p[0] == container and p[1] not in top and p[1] not in bare:
                    bare[p[1]] = p
        found.extend(n for n in bare if n not in found)

    def resolve(name: str, plan: _Plan, vendor: Vendor | None, cols: Columns) -> str:
        derived = _derived(name, plan, cols.preset, top) if vendor else None
        if derived is not None:
            return derived
        if name in dotted:
            return plan.raw(dotted[name])
        if vendor and name in bare:
            return plan.raw(bare[name])
        return plan.raw(tuple(name.split(".")))

    return found, resolve, preset


def _fitting_vendor(spec: LogSpec, raw_found: list[str]) -> str | None:
    """Without --preset: the vendor whose columns the file has, explicit options counted as
    present (generic first, as for CSV)."""
    present = set(raw_found)

    def fits(name: str, names: set[str]) -> bool:
        preset = PRESETS[name]
        unit = (
            spec.unit_col in names if spec.unit_col else any(c in names for c in preset.unit_cols)
        )
        event = (spec.event_col or preset.event_col) in names
        return unit and event and (spec.time_col or preset.time_col) in names

    if fits("generic", present):
        return None
    for name in VENDORS:
        if fits(name, present | set(_derived_names(name, present))):
            return name
    return None


def _derived_names(preset: str, present: set[str]) -> list[str]:
    """Columns a vendor's export implies, present when their sources are (dotted paths)."""
    if preset == "mixpanel":
        sources = {"distinct_id": ("properties.distinct_id",), "time": ("properties.time",)}
        return [n for n, paths in sources.items() if present & set(paths)]
    if preset == "segment":
        top = present
        stamps = {"timestamp", "originalTimestamp", "sentAt", "receivedAt"}
        names = ["event"] if top & {"type", "event"} else []
        if top & stamps:
            names.append("timestamp")
        if top & {"userId", "user_id"}:
            names.append("userId")
        if top & {"anonymousId", "anonymous_id"}:
            names.append("anonymousId")
        return names
    return []


def _derived(name: str, plan: _Plan, preset: str, top: set[str]) -> str | None:
    """SQL for a vendor's derived column, or None when the name is no derived column."""
    r = plan.raw
    if preset == "mixpanel":
        if name == "distinct_id":
            return f"coalesce({r(('properties', 'distinct_id'))}, {r(('distinct_id',))})"
        if name == "time":
            return f"coalesce({r(('properties', 'time'))}, {r(('time',))})"
    if preset == "segment":
        if name == "userId":
            return f"coalesce({r(('userId',))}, {r(('user_id',))})"
        if name == "anonymousId":
            return f"coalesce({r(('anonymousId',))}, {r(('anonymous_id',))})"
        if name == "timestamp":
            stamps = ", ".join(
                r((s,)) for s in ("timestamp", "originalTimestamp", "sentAt", "receivedAt")
            )
            return f"coalesce({stamps})"
        if name == "event":
            kind = f"lower(coalesce({r(('type',))}, 'track'))"
            named = f"coalesce({r(('event',))}, {r(('name',))}, {r(('properties', 'name'))}"
            return (
                f"CASE {kind} WHEN 'track' THEN {r(('event',))} "
                f"WHEN 'page' THEN {named}, 'page') WHEN 'screen' THEN {named}, 'screen') "
                f"ELSE NULL END"
            )
    return None


def _convert(
    con: Any,
    base: str,
    exprs: dict[str, str],
    cols: Columns,
    target: Path,
    source: Path,
    numeric: set[tuple[str, ...]],
) -> list[str]:
    """Write the flat Parquet file; return the warnings (rows left out and why).

    The records are parsed straight into a Parquet file, every one in file order (DuckDB
    parses in parallel and, with `preserve_insertion_order`, writes in order): the file's
    row number is the record's. Times that are empty become NULL there, and a Mixpanel
    `$insert_id` (a collected call's `messageId`) is kept as its 64-bit hash, `__h`. One
    aggregate over that file then counts what the vendor's rules would change, and one
    grouping of `__h` finds repeated ids. A clean export (the common case) is then the
    flat file as it is, with no `__seq` column (the readers number its rows); otherwise
    the rules are applied in a second file that carries `__seq`, the record's number.

    Repeats are found by hash, then compared on (event, distinct_id, time, `__h`): two
    different ids would also need the same 64-bit hash to be taken for one."""
    q = _ident
    extra = {k: v for k, v in exprs.items() if k.startswith("__")}
    exprs = {k: v for k, v in exprs.items() if not k.startswith("__")}
    # Empty times are written as NULL, so a time is missing exactly when it is NULL.
    timeless = f"{q(cols.time)} IS NULL"
    time_out = exprs[cols.time]
    if not numeric:
        # Only text of spaces trims to '' (and it starts with one): TRIM runs on those only.
        t = f"({time_out})"
        time_out = (
            f"CASE WHEN {t} = '' OR (starts_with({t}, ' ') AND TRIM({t}) = '') "
            f"THEN NULL ELSE {t} END"
        )
    named = ", ".join(f"{time_out if n == cols.time else e} AS {q(n)}" for n, e in exprs.items())
    helpers: dict[str, str] = {}
    if "__insert_id" in extra:
        x = extra["__insert_id"]
        helpers["__h"] = f"CASE WHEN {x} IS NULL THEN NULL ELSE hash({x}) END"
    if "__call" in extra:
        helpers["__call"] = extra["__call"]
    target.parent.mkdir(parents=True, exist_ok=True)
    con.execute(f"SET temp_directory = {_lit(str(target.parent / '.spill'))}")
    raw = _temp_beside(target)
    fixed = _temp_beside(target)
    try:
        total = con.execute(
            f"COPY (SELECT {named}{''.join(f', {e} AS {n}' for n, e in helpers.items())} FROM ({base}) d) TO {_lit(str(raw))} (FORMAT parquet)"
        ).fetchone()[0]
        read = f"read_parquet({_lit(str(raw))}, file_row_number = true)"
        calls = f"__call IN {_NON_EVENT_CALLS}" if "__call" in extra else "false"
        stitch = {"userId", "anonymousId"} <= set(exprs)
        counts = [
            f"COUNT(*) FILTER (WHERE {timeless} AND NOT ({calls}))",
            f"COUNT(*) FILTER (WHERE {calls})" if "__call" in extra else "0",
            (
                'COUNT(*) FILTER (WHERE "userId" IS NULL AND "anonymousId" IS NOT NULL)'
                if stitch
                else "0"
            ),
        ]
        no_time, non_events, anonymous = con.execute(
            f"SELECT {', '.join(counts)} FROM {read}"
        ).fetchone()
        warnings: list[str] = []
        keep = []
        if no_time:
            warnings.append(
                f"{no_time} events have no timestamp ('{cols.time}' empty) and are left out"
            )
            keep.append(f"NOT ({timeless})")
        if non_events:
            warnings.append(
                f"{non_events} identify, group or alias calls are not events: they only "
                "link anonymous ids to users"
            )
            keep.append(f"NOT ({calls})")
        staged = f"(SELECT file_row_number AS __seq, * EXCLUDE (file_row_number) FROM {read})"
        relation = staged
        if anonymous:
            con.execute(
                'CREATE OR REPLACE TEMP TABLE links AS SELECT "anonymousId" AS a, '
                f'arg_min("userId", __seq) AS u FROM {staged} s WHERE "userId" IS NOT NULL '
                'AND "anonymousId" IS NOT NULL GROUP BY "anonymousId"'
            )
            rest = "".join(f", s.{q(n)}" for n in exprs if n != "userId")
            more = "".join(f", s.{n}" for n in helpers)
            relation = (
                f'(SELECT s.__seq, coalesce(s."userId", links.u) AS "userId"{rest}{more} '
                f'FROM {staged} s LEFT JOIN links ON s."userId" IS NULL AND '
                's."anonymousId" = links.a)'
            )
        repeats = "__insert_id" in extra and _drop_repeats(con, read, relation, cols, total)
        if repeats:
            dupes = con.execute("SELECT COUNT(*) FROM __repeated").fetchone()[0]
            if cols.preset == "segment":
                warnings.append(
                    f"{dupes} calls repeat an earlier call's messageId (a batch sent again) "
                    "and are counted once, as Segment does"
                )
            else:
                warnings.append(
                    f"{dupes} events repeat an earlier one (same event, distinct_id, time "
                    "and $insert_id) and are counted once, as Mixpanel does"
                )
            keep.append("__seq NOT IN (SELECT __seq FROM __repeated)")
        if not total:
            raise InvalidInput(f"{source}: no events to read (the file holds none)")
        if not keep and relation == staged:
            os.replace(raw, target)
            return warnings
        out = ", ".join(q(n) for n in exprs)
        where = f"WHERE {' AND '.join(keep)}" if keep else ""
        query = f"SELECT __seq, {out} FROM {relation} f {where}"
        if relation != staged or repeats:
            # A join (identity links, repeats) may reorder rows; filters alone keep the order.
            query += " ORDER BY __seq"
        written = con.execute(f"COPY ({query}) TO {_lit(str(fixed))} (FORMAT parquet)").fetchone()[
            0
        ]
        if not written:
            raise InvalidInput(f"{source}: no events to read ({'; '.join(warnings)})")
        os.replace(fixed, target)
    finally:
        raw.unlink(missing_ok=True)
        fixed.unlink(missing_ok=True)
    return warnings


_SORT_IN_MEMORY = 32_000_000
"""Up to this many ids, their hashes are sorted in memory (8 bytes each, about twice the
time of DuckDB's grouping saved); beyond, DuckDB groups them, spilling to disk."""


def _drop_repeats(con: Any, read: str, relation: str, cols: Columns, total: int) -> bool:
    """Find the rows repeating an earlier one (`__repeated`: their `__seq`); whether any do.

    Mixpanel: same event, distinct_id, time and `$insert_id`; Segment (collector): same
    `messageId`; ids by their hash `__h`. The exact comparison (a window) runs only over
    the rows whose hash occurs more than once: none in a clean export."""
    q = _ident
    hashes = f"SELECT __h FROM {read} WHERE __h IS NOT NULL"
    if total <= _SORT_IN_MEMORY:
        import numpy as np
        import pyarrow as pa

        values = con.execute(hashes).fetchnumpy()["__h"]
        values.sort()
        repeated = np.unique(values[1:][values[1:] == values[:-1]])
        del values
        if not repeated.size:
            return False
        con.register("__repeat_view", pa.table({"h": repeated}))
        try:
            con.execute(
                "CREATE OR REPLACE TEMP TABLE __repeat_hashes AS SELECT h FROM __repeat_view"
            )
        finally:
            con.unregister("__repeat_view")
    else:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE __repeat_hashes AS SELECT __h AS h FROM "
            f"({hashes}) x GROUP BY h HAVING COUNT(*) > 1"
        )
        if not con.execute("SELECT COUNT(*) FROM __repeat_hashes").fetchone()[0]:
            return False
    same = (
        "__h"
        if cols.preset == "segment"
        else f"{q(cols.event)}, {q(cols.unit)}, {q(cols.time)}, __h"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE __repeated AS SELECT __seq FROM (SELECT __seq, "
        f"min(__seq) OVER (PARTITION BY {same}) AS __first FROM {relation} x "
        "WHERE __h IN (SELECT h FROM __repeat_hashes)) r WHERE __seq <> __first"
    )
    return bool(con.execute("SELECT COUNT(*) FROM __repeated").fetchone()[0])


def _temp_beside(target: Path) -> Path:
    handle, name = tempfile.mkstemp(dir=target.parent, suffix=".tmp.parquet")
    os.close(handle)
    return Path(name)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


_JSON_ERROR = re.compile(
    r"Malformed JSON in file \"[^\"]*\", at byte (\d+) in (?:line|record/value) (\d+): (.*)"
)


_CSV_LINE = re.compile(r"CSV Error on Line: (\d+)")


def explain_read_error(text: str, path: Path, fmt: str) -> str:
    """What went wrong reading a file, said in the file's terms, never the engine's.

    JSON: the line (or record) and what is wrong there; CSV: a dialect that cannot be
    recognised; anything else names the file and its type."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    csv_line = _CSV_LINE.search(text)
    match = _JSON_ERROR.search(first)
    if match:
        reason = match.group(3).strip().rstrip(".")
        return (
            f"{path}: line {match.group(2)} is not valid JSON ({reason}); each event must be "
            "one JSON object (one per line, or objects in a JSON array)"
        )
    if "Duplicate name" in first:
        return (
            f"{path}: an object has two keys with the same name: {first.split(':', 1)[-1].strip()}"
        )
    if csv_line and fmt == "csv":
        what = "an unterminated quote" if "quote" in text.lower() else "a malformed row"
        return (
            f"{path}: line {csv_line.group(1)}: {what}; every row needs the header's columns, "
            "and a quoted field must close its quote"
        )
    if "sniffing file" in first or "CSV" in first:
        return (
            f"{path}: cannot read the CSV file: its delimiter, quoting or columns are not "
            "consistent (check for an unterminated quote or rows with extra fields)"
        )
    if "No magic bytes" in first or "parquet" in first.lower():
        return f"{path}: not a readable Parquet file"
    if "gzip" in first.lower() or "compression" in first.lower():
        return f"{path}: the file is not valid gzip"
    kind = {"jsonl": "JSON", "csv": "CSV", "parquet": "Parquet", "xes": "XES"}.get(fmt, fmt)
    return f"{path}: cannot read the events as {kind}"


def property_names(path: Path, fmt: str, spec: LogSpec, limit: int = 400) -> list[str]:
    """Every name a spec may use for this JSON, zip or nested-Parquet file: the sampled
    paths to values (dotted), the vendor's derived columns and its properties by bare name.

    What an event source keeps when it converts such a file once: objects are reached
    through their values (`properties.plan`, not `properties`), and of two names that
    differ only in case the first is kept (both engines match columns without case)."""
    import duckdb

    con = connect_duckdb()
    try:
        con.execute("SET enable_progress_bar = false")
        with _records(con, path, fmt) as (records, _files):
            sample = _sample_paths(con, records, path)
            paths, keyed = sample.paths, sample.keyed
            found, _resolve, _preset = _names(paths, keyed, spec)
    except duckdb.Error as error:
        bad = _first_bad_line(path) if _JSON_ERROR.search(str(error)) else None
        if bad is not None:
            raise InvalidInput(
                f"{path}: line {bad[0]} is not valid JSON ({bad[1]}); each event must be one "
                "JSON object (one per line, or objects in a JSON array)"
            ) from error
        raise InvalidInput(explain_read_error(str(error), path, fmt)) from error
    finally:
        con.close()
    parents = {".".join(p[:i]) for p in paths for i in range(1, len(p))}
    kept: dict[str, str] = {}
    for name in found:
        if name in parents and name not in keyed:
            continue
        if name in keyed:
            continue
        kept.setdefault(name.lower(), name)
    return list(kept.values())[:limit]
