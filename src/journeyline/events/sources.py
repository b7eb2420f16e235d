"""A workspace's event sources: uploaded files, server paths and URLs, PostgreSQL tables and
collectors, each converted once into one flat Parquet file that every analysis reads.

A source is stored as a row (`store.event_sources`) and a folder `<folder>/<source id>/`:
`events.parquet` is what analyses read (`ReadTarget.path`, replaced atomically on each
refresh), `incoming/` holds an upload or download while it is converted, `collector/` the
collector's append-only log and its Parquet partitions (`events.collector`).

Conversion: the file is first read as the CLI reads it (`load_events`, with the source's
preset and column options), so a bad file gets the same messages, naming the file as it
was uploaded. A flat CSV or Parquet file is then copied to Parquet with every column as it
is read; a JSON, zip or nested-Parquet export is flattened by the vendor rules of part 1
(Mixpanel deduplication, Segment's identify stitching …) keeping every property by its
dotted name and, for a vendor preset, by bare name. The summary (units, events, date range,
warnings) is read from the converted file: what the analyses will see.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO

from journeyline.errors import Diagnostic, InvalidInput, LimitExceeded, NotFound, UsageError
from journeyline.events.engine import DuckDBEngine, EngineName, open_engine
from journeyline.events.readers import EventLog, format_of, from_us, load_events
from journeyline.events.spec import PRESETS, Columns, LogSpec, TimeUnit
from journeyline.events.vendors import (
    flatten_log,
    needs_flattening,
    parquet_is_nested,
    property_names,
)
from journeyline.store.access import Actor, Role, require
from journeyline.store.database import Database
from journeyline.store.errors import PermissionDenied
from journeyline.store.revisions import iso
from journeyline.store.tables import EventSourceRecord, new_id, utcnow

KINDS = ("upload", "path", "url", "postgres", "collector")
"""Where a source's events come from. path, url and postgres are for server admins only:
they read what the server can reach."""

OPTION_NAMES = ("preset", "unit_col", "event_col", "time_col", "time_unit", "session_col")
"""The reading options a source keeps (the CLI's --preset, --unit-col …)."""

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_TABLE_NAME = re.compile(r"^(?:([A-Za-z_][A-Za-z0-9_$]*)\.)?([A-Za-z_][A-Za-z0-9_$]*)$")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class SourceLimits:
    """How much one source may read: bytes of an upload or download."""

    max_bytes: int = 1 << 30


def field_problem(where: str, message: str) -> Diagnostic:
    """A problem with one field of a request's body, as the API's validation errors say it."""
    return Diagnostic(f"{where}: {message}", file="body")


def parse_options(raw: dict[str, Any] | None) -> dict[str, str]:
    """The reading options from a request: known names, text values, a known preset."""
    raw = raw or {}
    unknown = sorted(set(raw) - set(OPTION_NAMES))
    if unknown:
        raise InvalidInput(
            f"unknown reading option '{unknown[0]}' (options: {', '.join(OPTION_NAMES)})",
            [field_problem(f"options.{unknown[0]}", f"unknown option '{unknown[0]}'")],
        )
    options: dict[str, str] = {}
    for name in OPTION_NAMES:
        value = raw.get(name)
        if value is None or value == "":
            continue
        if not isinstance(value, str) or len(value) > 500:
            raise InvalidInput(
                f"reading option '{name}' must be a text of at most 500 characters",
                [field_problem(f"options.{name}", f"'{name}' is not a short text")],
            )
        options[name] = value.strip()
    preset = options.get("preset")
    if preset is not None and preset not in PRESETS:
        raise InvalidInput(
            f"unknown preset '{preset}' (known: {', '.join(PRESETS)})",
            [field_problem("options.preset", f"unknown preset '{preset}'")],
        )
    unit = options.get("time_unit")
    if unit is not None and unit not in {u.value for u in TimeUnit}:
        raise InvalidInput(
            f"unknown time unit '{unit}' (known: {', '.join(u.value for u in TimeUnit)})",
            [field_problem("options.time_unit", f"unknown time unit '{unit}'")],
        )
    return options


def spec_of(options: dict[str, str]) -> LogSpec:
    """The LogSpec a source's options stand for."""
    unit = options.get("time_unit")
    return LogSpec(
        preset=options.get("preset"),
        unit_col=options.get("unit_col"),
        event_col=options.get("event_col"),
        time_col=options.get("time_col"),
        time_unit=TimeUnit(unit) if unit else None,
        session_col=options.get("session_col"),
    )


@dataclass(frozen=True)
class EventSource:
    """One source as listed: where it reads from, how, and what its last refresh found."""

    id: str
    workspace_id: str
    name: str
    kind: str
    status: str
    """ready, empty (a collector with no events yet) or failed (see `error`)."""
    preset: str | None
    options: dict[str, str]
    units: int | None
    events: int | None
    event_names: int | None
    period_start: str | None
    period_end: str | None
    refreshed_at: str | None
    created_at: str | None
    warnings: list[str]
    error: str | None
    location: str | None
    properties: list[str] = field(default_factory=list)
    """Columns besides unit, event and time: the property names analyses can ask for."""
    fields: dict[str, str | None] | None = None
    """The file's fields read as unit, event and time (`fields_used`); None before a read."""

    def to_dict(self) -> dict[str, Any]:
        """The source as the API answers it."""
        out: dict[str, Any] = {
            "id": self.id,
            "workspace_id": self.workspace_id,
            "name": self.name,
            "kind": self.kind,
            "status": self.status,
            "preset": self.preset,
            "options": self.options,
            "units": self.units,
            "events": self.events,
            "event_names": self.event_names,
            "period_start": self.period_start,
            "period_end": self.period_end,
            "refreshed_at": self.refreshed_at,
            "created_at": self.created_at,
            "warnings": self.warnings,
            "error": self.error,
            "location": self.location,
            "properties": self.properties,
            "fields": self.fields,
        }
        if self.kind == "collector":
            out["collector"] = {"endpoint": "/api/collect/v1/batch"}
        return out


def _source_of(record: EventSourceRecord) -> EventSource:
    summary = record.summary or {}
    return EventSource(
        id=record.id,
        workspace_id=record.workspace_id,
        name=record.name,
        kind=record.kind,
        status=record.status,
        preset=summary.get("preset") or record.options.get("preset"),
        options=dict(record.options),
        units=summary.get("units"),
        events=summary.get("events"),
        event_names=summary.get("event_names"),
        period_start=summary.get("period_start"),
        period_end=summary.get("period_end"),
        refreshed_at=iso(record.refreshed_at),
        created_at=iso(record.created_at),
        warnings=list(summary.get("warnings", [])),
        error=record.error,
        location=None if record.kind in {"upload", "collector"} else record.location,
        properties=list(summary.get("properties", [])),
        fields=summary.get("fields"),
    )


@dataclass(frozen=True)
class ReadTarget:
    """What an analysis reads: one flat Parquet file and the spec to read it with."""

    path: Path
    spec: LogSpec
    source: EventSource

    def log_spec(
        self,
        *props: str,
        channel_col: str | None = None,
        session_col: str | None = None,
        session_timeout_seconds: float | None = 30 * 60,
    ) -> LogSpec:
        """The source's spec with an analysis' own options (properties to keep, sessions)."""
        spec = replace(
            self.spec,
            channel_col=channel_col,
            session_timeout_seconds=session_timeout_seconds,
            session_col=session_col or self.spec.session_col,
        )
        return spec.with_props(*props)


@dataclass
class Converted:
    """A conversion's result: the spec to read the Parquet file with, and its summary."""

    spec: LogSpec
    summary: dict[str, Any]


def summarise(log: EventLog) -> dict[str, Any]:
    """What a source lists about its events (read from the converted file)."""
    return {
        "preset": log.columns.preset,
        "units": log.total_units,
        "events": log.total_events,
        "event_names": len(log.event_names),
        "period_start": from_us(log.start_us).isoformat().replace("+00:00", "Z"),
        "period_end": from_us(log.end_us).isoformat().replace("+00:00", "Z"),
        "warnings": list(log.warnings),
    }


def fields_used(columns: Columns, spec: LogSpec) -> dict[str, str | None]:
    """The fields of the file a source was read with, as the page shows them to confirm:
    who (unit, and the fallback where it is empty), what (event), when (time, its unit)."""
    return {
        "unit": columns.unit,
        "unit_fallback": columns.unit_fallback,
        "event": columns.event,
        "time": columns.time,
        "time_unit": columns.time_unit.value,
        "session": spec.session_col,
    }


def _renamed(error: InvalidInput, path: Path, display: str) -> InvalidInput:
    """The same error naming the file as the user knows it, not the server's copy."""
    text = str(error).replace(str(path), display)
    return InvalidInput(text, error.diagnostics)


def convert(
    original: Path,
    display: str,
    options: dict[str, str],
    target: Path,
    *,
    flatten: bool | None = None,
    message_ids: bool = False,
) -> Converted:
    """Convert an event file once into the flat Parquet file `target` (replaced atomically).

    `display` is the name errors give the file. `flatten` forces (or forbids) the vendor
    flattening; by default JSON, zip and nested Parquet are flattened. `message_ids`
    keeps a Segment call repeating an earlier call's messageId once (collected events)."""
    spec = spec_of(options)
    fmt = format_of(original)
    work = Path(tempfile.mkdtemp(prefix="convert-", dir=target.parent))
    read_with: Columns | None = None
    try:
        try:
            if flatten is None:
                flatten = needs_flattening(
                    original, fmt, fmt == "parquet" and parquet_is_nested(original)
                )
                engine = DuckDBEngine()
                try:
                    first = load_events(original, spec, engine)  # the CLI's checks and messages
                    read_with = first.columns
                finally:
                    engine.close()
            staged = work / "events.parquet"
            early: list[str] = []
            if flatten:
                names = property_names(original, fmt, spec)
                flat = flatten_log(
                    original, fmt, spec.with_props(*names), work, message_ids=message_ids
                )
                os.replace(flat.path, staged)
                early = flat.warnings
                read_spec = replace(spec, preset=flat.columns.preset, session_col=spec.session_col)
            else:
                engine = DuckDBEngine()
                try:
                    engine.copy_to_parquet(original, fmt, staged)
                finally:
                    engine.close()
                read_spec = spec
            engine = DuckDBEngine()
            try:
                log = load_events(staged, read_spec, engine)
                columns = [c for c, _ in engine.source_schema(staged, "parquet")]
                summary = summarise(log)
                summary["warnings"] = list(dict.fromkeys([*early, *summary["warnings"]]))
            finally:
                engine.close()
        except InvalidInput as error:
            raise _renamed(error, original, display) from error
        read_spec = replace(read_spec, preset=str(summary["preset"]))
        summary["fields"] = fields_used(read_with or log.columns, spec)
        used = {log.columns.unit, log.columns.event, log.columns.time, log.columns.unit_fallback}
        summary["properties"] = [c for c in columns if c not in used and not c.startswith("__")]
        os.replace(staged, target)
        return Converted(read_spec, summary)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def safe_filename(name: str | None) -> str:
    """An uploaded file's name reduced to a safe one that keeps its extension."""
    base = Path(name or "").name
    cleaned = _SAFE_NAME.sub("_", base).strip("._") or "events"
    return cleaned[-200:]


def save_stream(stream: BinaryIO, target: Path, limit: int, what: str) -> int:
    """Copy a stream to a file in chunks, refusing it past `limit` bytes; the bytes written."""
    written = 0
    with target.open("wb") as out:
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            written += len(chunk)
            if written > limit:
                raise LimitExceeded(
                    f"{what} is larger than {limit:,} bytes, the largest an event source may "
                    "read (the server's event_upload_bytes setting)",
                    limit="event_upload_bytes",
                    allowed=limit,
                )
            out.write(chunk)
    if written == 0:
        raise InvalidInput(f"{what}: the file is empty")
    return written


class EventSources:
    """The event sources of every workspace on a server: one folder, one table."""

    def __init__(
        self,
        db: Database,
        folder: Path,
        limits: SourceLimits | None = None,
        *,
        postgres_url: str | None = None,
    ) -> None:
        self.db = db
        self.folder = Path(folder)
        self.limits = limits or SourceLimits()
        self.postgres_url = postgres_url
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self.collectors: Any = None
        """The collector's logs (`events.collector.Collectors`), set by the app."""

    # --- reading ---------------------------------------------------------------------------

    def list(self, actor: Actor, workspace_id: str) -> list[EventSource]:
        """The workspace's sources, newest first (viewers and up)."""
        from sqlalchemy import select

        with self.db.reading() as session:
            require(session, actor, workspace_id, Role.viewer)
            records = session.scalars(
                select(EventSourceRecord)
                .where(EventSourceRecord.workspace_id == workspace_id)
                .order_by(EventSourceRecord.created_at.desc(), EventSourceRecord.id)
            ).all()
            return [_source_of(r) for r in records]

    def get(self, actor: Actor, workspace_id: str, source_id: str) -> EventSource:
        """One source (viewers and up)."""
        with self.db.reading() as session:
            require(session, actor, workspace_id, Role.viewer)
            return _source_of(_record(session, workspace_id, source_id))

    def data_path(self, source_id: str) -> Path:
        """The Parquet file analyses read for a source."""
        return self.folder / source_id / "events.parquet"

    def read_target(self, actor: Actor, workspace_id: str, source_id: str) -> ReadTarget:
        """The Parquet file and spec for a source; a collector's new events are compacted first."""
        source = self.get(actor, workspace_id, source_id)
        if (
            source.kind == "collector"
            and self.collectors is not None
            and self.collectors.has_new(source_id, self.data_path(source_id))
        ):
            source = self._refresh_collector(source_id)
        path = self.data_path(source_id)
        if not path.is_file():
            why = f" ({source.error})" if source.error else ""
            raise InvalidInput(
                f"event source '{source.name}' has no events yet{why}",
                [Diagnostic("no events yet", hint="upload a file, or send events to it")],
            )
        options = dict(source.options)
        if source.preset:
            options["preset"] = source.preset
        return ReadTarget(path=path, spec=spec_of(options), source=source)

    @contextmanager
    def open_log(
        self,
        actor: Actor,
        workspace_id: str,
        source_id: str,
        *,
        props: tuple[str, ...] = (),
        channel_col: str | None = None,
        session_col: str | None = None,
        engine: EngineName | str = EngineName.duckdb,
    ) -> Iterator[EventLog]:
        """A source loaded into a fresh engine for the duration of the block."""
        target = self.read_target(actor, workspace_id, source_id)
        spec = target.log_spec(*props, channel_col=channel_col, session_col=session_col)
        eng = open_engine(engine)
        try:
            yield load_events(target.path, spec, eng)
        finally:
            eng.close()

    # --- creating --------------------------------------------------------------------------

    def create_upload(
        self,
        actor: Actor,
        workspace_id: str,
        filename: str | None,
        stream: BinaryIO,
        *,
        name: str | None = None,
        options: dict[str, Any] | None = None,
    ) -> EventSource:
        """A source from an uploaded file (editors and up), converted before it is listed."""
        parsed = parse_options(options)
        display = safe_filename(filename)
        format_of(Path(display))  # an unknown extension is refused before anything is saved
        with self.db.reading() as session:
            require(session, actor, workspace_id, Role.editor)
        source_id = new_id("es")
        folder = self._folder(source_id)
        try:
            incoming = folder / "incoming"
            incoming.mkdir()
            original = incoming / display
            save_stream(stream, original, self.limits.max_bytes, display)
            converted = convert(original, display, parsed, self.data_path(source_id))
            shutil.rmtree(incoming, ignore_errors=True)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return self._insert(
            actor, workspace_id, source_id, name or display, "upload", None, parsed, converted
        )

    def create_location(
        self,
        actor: Actor,
        workspace_id: str,
        *,
        kind: str,
        location: str,
        name: str | None = None,
        options: dict[str, Any] | None = None,
    ) -> EventSource:
        """A source reading a server path, a URL or a PostgreSQL table (server admins only)."""
        if kind not in {"path", "url", "postgres"}:
            raise InvalidInput(
                f"unknown kind of event source '{kind}' (kinds: path, url, postgres; "
                "upload a file with multipart form data; collector: kind 'collector')",
                [field_problem("kind", f"unknown kind '{kind}'")],
            )
        parsed = parse_options(options)
        with self.db.reading() as session:
            require(session, actor, workspace_id, Role.editor)
        if not actor.is_admin:
            raise PermissionDenied(
                f"only a server admin may read a server {'path' if kind == 'path' else kind} "
                "(ask an admin, or upload the file)"
            )
        location = location.strip()
        self._check_location(kind, location)
        source_id = new_id("es")
        folder = self._folder(source_id)
        try:
            converted = self._read_location(source_id, kind, location, parsed)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return self._insert(
            actor, workspace_id, source_id, name or location, kind, location, parsed, converted
        )

    def create_collector(self, actor: Actor, workspace_id: str, name: str) -> EventSource:
        """A source that receives events sent to the collector with its write key."""
        import secrets

        with self.db.writing() as session:
            require(session, actor, workspace_id, Role.editor)
            record = EventSourceRecord(
                id=new_id("es"),
                workspace_id=workspace_id,
                name=(name or "Collected events").strip()[:300],
                kind="collector",
                location=None,
                options={"preset": "segment"},
                status="empty",
                summary={"preset": "segment", "warnings": []},
                write_key=secrets.token_urlsafe(24),
                created_by=actor.account_id,
                created_at=utcnow(),
            )
            session.add(record)
            self._folder(record.id)
            return _source_of(record)

    # --- changing --------------------------------------------------------------------------

    def rename(self, actor: Actor, workspace_id: str, source_id: str, name: str) -> EventSource:
        """Give a source another name (editors and up)."""
        name = name.strip()
        if not name:
            raise InvalidInput("a source's name cannot be empty", [field_problem("name", "empty")])
        with self.db.writing() as session:
            require(session, actor, workspace_id, Role.editor)
            record = _record(session, workspace_id, source_id)
            record.name = name[:300]
            return _source_of(record)

    def refresh(self, actor: Actor, workspace_id: str, source_id: str) -> EventSource:
        """Read a source again: a path, URL or table from where it is; an upload or collector
        from its stored events (editors and up). A failed refresh keeps the previous data and
        records the error."""
        with self.db.reading() as session:
            access = require(session, actor, workspace_id, Role.editor)
            record = _record(session, workspace_id, source_id)
            kind, location, options = record.kind, record.location, dict(record.options)
        del access
        if kind == "collector":
            return self._refresh_collector(source_id)
        try:
            with self._lock(source_id):
                if kind == "upload":
                    path = self.data_path(source_id)
                    converted = convert(path, record.name, options, path.with_suffix(".new"))
                    os.replace(path.with_suffix(".new"), path)
                else:
                    assert location is not None
                    converted = self._read_location(source_id, kind, location, options)
        except InvalidInput as error:
            self._record_failure(source_id, str(error))
            raise
        return self._store_summary(source_id, converted)

    def delete(self, actor: Actor, workspace_id: str, source_id: str) -> None:
        """Remove a source and its stored events (editors and up)."""
        with self.db.writing() as session:
            require(session, actor, workspace_id, Role.editor)
            record = _record(session, workspace_id, source_id)
            session.delete(record)
        if self.collectors is not None:
            self.collectors.forget(source_id)
        shutil.rmtree(self.folder / source_id, ignore_errors=True)

    def forget_stored(self, source_ids: Iterable[str]) -> None:
        """Remove the stored events of sources whose records are gone already (their
        workspace was deleted): the converted Parquet, uploads and the collector's logs."""
        for source_id in source_ids:
            if self.collectors is not None:
                self.collectors.forget(source_id)
            shutil.rmtree(self.folder / source_id, ignore_errors=True)

    def write_key(
        self, actor: Actor, workspace_id: str, source_id: str, *, rotate: bool = False
    ) -> str:
        """A collector's write key (editors and up); `rotate` replaces it (the old one stops)."""
        import secrets

        with self.db.writing() as session:
            require(session, actor, workspace_id, Role.editor)
            record = _record(session, workspace_id, source_id)
            if record.kind != "collector":
                raise InvalidInput(
                    f"event source '{record.name}' is a {record.kind}, not a collector: it "
                    "has no write key"
                )
            if rotate or not record.write_key:
                old = record.write_key
                record.write_key = secrets.token_urlsafe(24)
                if self.collectors is not None and old:
                    self.collectors.forget_key(old)
            return str(record.write_key)

    def source_for_key(self, write_key: str) -> tuple[str, str] | None:
        """The (source id, workspace id) a write key sends to, or None."""
        from sqlalchemy import select

        with self.db.reading() as session:
            row = session.execute(
                select(EventSourceRecord.id, EventSourceRecord.workspace_id).where(
                    EventSourceRecord.write_key == write_key,
                    EventSourceRecord.kind == "collector",
                )
            ).first()
            return (str(row[0]), str(row[1])) if row else None

    # --- inside ----------------------------------------------------------------------------

    def _folder(self, source_id: str) -> Path:
        folder = self.folder / source_id
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    @contextmanager
    def _lock(self, source_id: str) -> Iterator[None]:
        with self._locks_guard:
            lock = self._locks.setdefault(source_id, threading.Lock())
        with lock:
            yield

    def _insert(
        self,
        actor: Actor,
        workspace_id: str,
        source_id: str,
        name: str,
        kind: str,
        location: str | None,
        options: dict[str, str],
        converted: Converted,
    ) -> EventSource:
        now = utcnow()
        with self.db.writing() as session:
            require(session, actor, workspace_id, Role.editor)
            record = EventSourceRecord(
                id=source_id,
                workspace_id=workspace_id,
                name=name.strip()[:300] or source_id,
                kind=kind,
                location=location,
                options=options,
                status="ready",
                summary=converted.summary,
                created_by=actor.account_id,
                created_at=now,
                refreshed_at=now,
            )
            session.add(record)
            return _source_of(record)

    def _store_summary(self, source_id: str, converted: Converted | None) -> EventSource:
        with self.db.writing() as session:
            record = session.get(EventSourceRecord, source_id)
            if record is None:
                raise NotFound(f"event source '{source_id}' does not exist")
            if converted is not None:
                record.summary = converted.summary
                record.status = "ready"
                record.refreshed_at = utcnow()
            record.error = None
            return _source_of(record)

    def _record_failure(self, source_id: str, message: str) -> None:
        with self.db.writing() as session:
            record = session.get(EventSourceRecord, source_id)
            if record is not None:
                record.error = message[:2000]
                if not self.data_path(source_id).is_file():
                    record.status = "failed"

    def _refresh_collector(self, source_id: str) -> EventSource:
        """Compact the collected events and convert them into the source's Parquet file."""
        target = self.data_path(source_id)
        with self._lock(source_id):
            if self.collectors is None:
                raise UsageError("the collector is not running on this server")
            merged = self.collectors.snapshot(source_id)
            if merged is None:
                with self.db.reading() as session:
                    record = session.get(EventSourceRecord, source_id)
                    assert record is not None
                    return _source_of(record)
            try:
                converted = convert(
                    merged,
                    "collected events",
                    {"preset": "segment"},
                    target,
                    flatten=True,
                    message_ids=True,
                )
            except InvalidInput as error:
                self._record_failure(source_id, str(error))
                raise
            self.collectors.mark_read(source_id, target)
        return self._store_summary(source_id, converted)

    def _check_location(self, kind: str, location: str) -> None:
        if not location:
            raise InvalidInput("give the location to read", [field_problem("location", "empty")])
        if kind == "path":
            path = Path(location)
            if not path.is_absolute():
                raise InvalidInput(
                    f"'{location}' is not an absolute path on the server",
                    [field_problem("location", "not an absolute path")],
                )
            format_of(path)
            if not path.is_file():
                raise NotFound(f"{location}: no such file on the server")
        elif kind == "url":
            parts = urllib.parse.urlsplit(location)
            if parts.scheme not in {"http", "https"} or not parts.netloc:
                raise InvalidInput(
                    f"'{location}' is not an http(s) URL",
                    [field_problem("location", "not an http(s) URL")],
                )
            format_of(Path(parts.path or "/events"))
        else:
            if self.postgres_url is None:
                raise UsageError(
                    "this server keeps its data in SQLite: a PostgreSQL table can be read "
                    "only when the server runs on PostgreSQL (its database_url setting)"
                )
            match = _TABLE_NAME.match(location)
            if not match:
                raise InvalidInput(
                    f"'{location}' is not a table name (write TABLE or SCHEMA.TABLE)",
                    [field_problem("location", "not a table name")],
                )
            from journeyline.store.tables import Base

            if match.group(2).lower() in {t.lower() for t in Base.metadata.tables} | {
                "alembic_version"
            }:
                raise PermissionDenied(
                    f"'{location}' is one of Journeyline's own tables, not event data"
                )

    def _read_location(
        self, source_id: str, kind: str, location: str, options: dict[str, str]
    ) -> Converted:
        target = self.data_path(source_id)
        if kind == "path":
            return convert(Path(location), location, options, target)
        incoming = self.folder / source_id / "incoming"
        shutil.rmtree(incoming, ignore_errors=True)
        incoming.mkdir(parents=True)
        try:
            if kind == "url":
                display = safe_filename(urllib.parse.urlsplit(location).path)
                original = incoming / display
                _download(location, original, self.limits.max_bytes)
            else:
                display = location
                original = incoming / (location.replace(".", "_") + ".csv")
                _copy_table(self.postgres_url or "", location, original, self.limits.max_bytes)
            return convert(original, display, options, target)
        finally:
            shutil.rmtree(incoming, ignore_errors=True)


def _record(session: Any, workspace_id: str, source_id: str) -> EventSourceRecord:
    record = session.get(EventSourceRecord, source_id)
    if record is None or record.workspace_id != workspace_id:
        raise NotFound(
            f"event source '{source_id}' does not exist in this workspace",
            [
                Diagnostic(
                    f"event source '{source_id}' does not exist",
                    hint="list them with GET /api/workspaces/{workspace_id}/event-sources",
                )
            ],
        )
    return record  # type: ignore[no-any-return]


def _download(url: str, target: Path, limit: int) -> None:
    """Stream a URL to a file, within `limit` bytes and 60 s without data."""
    request = urllib.request.Request(url, headers={"User-Agent": "Journeyline"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            save_stream(response, target, limit, url)
    except (OSError, ValueError) as error:
        if isinstance(error, InvalidInput):
            raise
        reason = getattr(error, "reason", None) or error
        raise InvalidInput(f"{url}: cannot be downloaded ({reason})") from error


def _copy_table(database_url: str, table: str, target: Path, limit: int) -> None:
    """Copy a PostgreSQL table to CSV (COPY … TO STDOUT), within `limit` bytes."""
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    url = make_url(database_url).set(drivername="postgresql")
    schema, _, name = table.rpartition(".")
    ident = sql.Identifier(schema, name) if schema else sql.Identifier(name)
    query = sql.SQL("COPY (SELECT * FROM {}) TO STDOUT WITH (FORMAT csv, HEADER true)").format(
        ident
    )
    written = 0
    try:
        with (
            psycopg.connect(url.render_as_string(hide_password=False)) as con,
            con.cursor() as cursor,
            target.open("wb") as out,
            cursor.copy(query) as copy,
        ):
            for chunk in copy:
                written += len(chunk)
                if written > limit:
                    raise LimitExceeded(
                        f"table '{table}' is larger than {limit:,} bytes as CSV, the "
                        "largest an event source may read",
                        limit="event_upload_bytes",
                        allowed=limit,
                    )
                out.write(chunk)
    except psycopg.errors.UndefinedTable as error:
        raise NotFound(f"table '{table}' does not exist in the server's PostgreSQL") from error
    except psycopg.Error as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise InvalidInput(f"table '{table}' cannot be read ({first})") from error


def parse_time(value: str | None) -> dt.datetime | None:
    """An ISO 8601 time from a summary, or None."""
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
