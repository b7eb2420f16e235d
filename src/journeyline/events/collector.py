"""The collector: Segment HTTP Tracking API calls appended durably to a source, compacted into
Parquet partitions.

Durability: each accepted call becomes one JSON line appended to the source's current log
file (`collector/log-NNNNNN.jsonl`). One writer thread takes every batch waiting, writes
them and calls fsync once for all of them (group commit); a request is answered only after
the fsync of its lines, so an acknowledged batch survives kill -9 (and, with the disk's
write cache honest, a power cut). A line torn by a crash was never acknowledged and is
skipped when the log is compacted.

Compaction (in the background every `collector_compact_seconds`, and before every read):
the current log is closed and a new one opened; each closed log becomes
`part-NNNNNN.parquet` (written beside it, renamed into place, then the log is removed: a
crash in between leaves both, and the part wins). A read merges the parts into one file
that `events.sources` converts with the Segment preset, as for an uploaded Segment export.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import queue
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from journeyline.events.connect import connect_duckdb

CALLS = ("track", "page", "screen", "identify", "group", "alias")
"""The Segment calls the collector takes; group and alias only link ids, as identify does."""

FIELDS = (
    "type",
    "event",
    "name",
    "userId",
    "anonymousId",
    "previousId",
    "groupId",
    "messageId",
    "timestamp",
    "originalTimestamp",
    "sentAt",
    "receivedAt",
)
OBJECTS = ("properties", "context", "traits")
_COLUMNS = (
    "{"
    + ", ".join(f"'{f}': 'VARCHAR'" for f in FIELDS)
    + ", "
    + ", ".join(f"'{o}': 'JSON'" for o in OBJECTS)
    + "}"
)
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


class Refused(ValueError):
    """One call that cannot be stored, and why (its batch-mates are kept)."""


def _text(value: Any, name: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise Refused(f"'{name}' must be a string (found {type(value).__name__})")
    text = str(value)
    if len(text) > 1000:
        raise Refused(f"'{name}' is longer than 1000 characters")
    return text


def _time(value: Any, name: str) -> str | None:
    text = _text(value, name)
    if text is not None and not _TIME.match(text):
        raise Refused(f"'{name}' is not an ISO 8601 time ({text[:40]!r})")
    return text


_TEXT_FIELDS = ("event", "name", "userId", "anonymousId", "previousId", "groupId", "messageId")
_TIME_FIELDS = ("timestamp", "originalTimestamp", "sentAt")


def normalise(call: dict[str, Any], kind: str | None, received_at: str, max_bytes: int) -> bytes:
    """One call as the JSON line the log keeps, or Refused with why.

    `kind` is the call type the endpoint implies (`/v1/track` …) or None in a batch, where
    each call names its own `type`. The rules are Segment's: a call needs a `userId` or an
    `anonymousId`; a track call an `event`; `properties`, `context` and `traits` are objects.
    The time of the event is `timestamp`, else `originalTimestamp`, else when it was received.
    """
    if not isinstance(call, dict):
        raise Refused(f"each call must be a JSON object (found {type(call).__name__})")
    call_type = call.get("type", kind)
    if kind is not None and call_type != kind:
        raise Refused(f"a {kind} call cannot have type '{call_type}'")
    if call_type not in CALLS:
        raise Refused(
            f"unknown call type {call_type!r} (the collector takes: {', '.join(CALLS)})"
            if call_type is not None
            else "the call has no 'type' (track, page, screen, identify, group or alias)"
        )
    out: dict[str, Any] = {"type": call_type}
    for name in _TEXT_FIELDS:
        value = call.get(name)
        if value is None or value == "":
            continue
        if value.__class__ is not str:
            value = _text(value, name)
        elif len(value) > 1000:
            raise Refused(f"'{name}' is longer than 1000 characters")
        out[name] = value
    if "userId" not in out and "anonymousId" not in out:
        raise Refused("the call has neither 'userId' nor 'anonymousId' (Segment needs one)")
    if call_type == "track" and "event" not in out:
        raise Refused("a track call needs an 'event' name")
    for name in OBJECTS:
        value = call.get(name)
        if value is None:
            continue
        if value.__class__ is not dict:
            raise Refused(f"'{name}' must be an object (found {type(value).__name__})")
        out[name] = value
    for name in _TIME_FIELDS:
        value = call.get(name)
        if value is not None and value != "":
            out[name] = _time(value, name)
    out["receivedAt"] = received_at
    if "timestamp" not in out:
        out["timestamp"] = out.get("originalTimestamp") or received_at
    try:
        line: bytes = orjson.dumps(out)
    except TypeError as error:
        raise Refused(f"the call cannot be stored ({error})") from error
    if len(line) > max_bytes:
        raise Refused(f"the call is {len(line):,} bytes; the largest accepted is {max_bytes:,}")
    return line


def _refuse_unstorable(call: Any) -> None:
    """Refused when a text or key of the call holds a NUL character."""
    from journeyline.formats.strict_json import json_path, unstorable_places

    places = unstorable_places(call)
    if places:
        path, problem = places[0]
        raise Refused(f"{json_path(path) or 'a text'}: {problem}")


@dataclass
class Accepted:
    """What a request's calls came to: the lines to store, and the refused calls."""

    lines: list[bytes] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)


def read_calls(
    body: Any, kind: str | None, max_event_bytes: int, now: dt.datetime, *, has_nul: bool = True
) -> Accepted:
    """Validate a request body: a batch (`{"batch": [...]}`) or one call.

    `has_nul` says whether the raw body may hold a NUL character (the text `\\u0000`, the
    only way JSON writes one): when it may, each call is searched, and a call holding one
    is refused (no store keeps it alike); when the body has none, the search is skipped."""
    received = now.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    result = Accepted()
    calls = body.get("batch") if kind is None else [body]
    for index, call in enumerate(calls):
        try:
            if has_nul:
                _refuse_unstorable(call)
            result.lines.append(normalise(call, kind, received, max_event_bytes))
        except Refused as why:
            message_id = call.get("messageId") if isinstance(call, dict) else None
            result.refused.append({"index": index, "messageId": message_id, "error": str(why)})
    return result


class _Log:
    """One source's open log file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        numbers = [int(p.stem.split("-")[1]) for p in folder.glob("log-*.jsonl")]
        numbers += [int(p.stem.split("-")[1]) for p in folder.glob("part-*.parquet")]
        self.number = max(numbers, default=0) + 1
        self.handle = (folder / f"log-{self.number:06d}.jsonl").open("ab")
        self.written = 0

    def rotate(self) -> None:
        self.handle.close()
        self.number += 1
        self.handle = (self.folder / f"log-{self.number:06d}.jsonl").open("ab")
        self.written = 0


class Collectors:
    """Every collector source's log on this server, one writer thread for them all."""

    def __init__(self, folder: Path, *, compact_seconds: float = 60.0) -> None:
        self.folder = Path(folder)
        self._logs: dict[str, _Log] = {}
        self._lock = threading.Lock()
        self._compacting: dict[str, threading.Lock] = {}
        """Per source: held while its logs become parts (the background loop and a read may
        compact the same source at once)."""
        self._queue: queue.Queue[tuple[str, bytes, Any] | None] = queue.Queue()
        self._writer = threading.Thread(target=self._write_loop, daemon=True, name="collector")
        self._writer.start()
        self._stop = threading.Event()
        self.compact_seconds = compact_seconds
        self._compactor = threading.Thread(
            target=self._compact_loop, daemon=True, name="collector-compaction"
        )
        self._compactor.start()
        self.keys: dict[str, tuple[str, str]] = {}
        """Write key → (source id, workspace id), filled as keys are used."""
        self.buckets: dict[str, list[float]] = {}

    def folder_of(self, source_id: str) -> Path:
        return self.folder / source_id / "collector"

    # --- appending -------------------------------------------------------------------------

    async def append(self, source_id: str, lines: list[bytes]) -> None:
        """Append lines to a source's log; return once they are on disk (fsync'd)."""
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        payload = b"\n".join(lines) + b"\n"
        self._queue.put((source_id, payload, (loop, done)))
        await done

    def append_blocking(self, source_id: str, lines: list[bytes]) -> None:
        """`append` for a caller without an event loop (tests, scripts)."""
        event = threading.Event()
        errors: list[BaseException] = []
        payload = b"\n".join(lines) + b"\n"
        self._queue.put((source_id, payload, (event, errors)))
        event.wait()
        if errors:
            raise errors[0]

    def _write_loop(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            pending = [first]
            while True:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._queue.put(None)
                    break
                pending.append(item)
            error: BaseException | None = None
            try:
                with self._lock:
                    touched: dict[str, _Log] = {}
                    for source_id, payload, _ in pending:
                        log = self._log(source_id)
                        log.handle.write(payload)
                        log.written += len(payload)
                        touched[source_id] = log
                    for log in touched.values():
                        log.handle.flush()
                        os.fsync(log.handle.fileno())
            except BaseException as failure:
                error = failure
            for _, _, waiter in pending:
                _wake(waiter, error)

    def _log(self, source_id: str) -> _Log:
        log = self._logs.get(source_id)
        if log is None:
            log = self._logs[source_id] = _Log(self.folder_of(source_id))
        return log

    # --- compacting and reading ------------------------------------------------------------

    def compact(self, source_id: str) -> list[Path]:
        """Close the current log and turn every closed log into a Parquet part; the parts."""
        folder = self.folder_of(source_id)
        if not folder.is_dir():
            return []
        with self._lock:
            compacting = self._compacting.setdefault(source_id, threading.Lock())
        # One compaction of a source at a time: a second waits, then finds the parts made.
        with compacting:
            with self._lock:
                log = self._logs.get(source_id)
                if log is not None and log.written:
                    log.rotate()
                current = log.handle.name if log is not None else None
            for stale in folder.glob("part-*.tmp"):
                if f".{_TEMP_TAG}-" not in stale.name:  # left by a process that stopped
                    stale.unlink(missing_ok=True)
            for path in sorted(folder.glob("log-*.jsonl")):
                if str(path) == current:
                    continue
                part = path.with_name(
                    path.name.replace("log-", "part-").replace(".jsonl", ".parquet")
                )
                if not part.exists() and _size(path):
                    _to_parquet(path, part)
                path.unlink(missing_ok=True)
            return sorted(folder.glob("part-*.parquet"))

    def has_new(self, source_id: str, data: Path) -> bool:
        """Whether the source received events since `data` was written."""
        folder = self.folder_of(source_id)
        if not folder.is_dir():
            return False
        stamp = data.stat().st_mtime_ns if data.is_file() else -1
        for path in folder.iterdir():
            if path.name.startswith("log-") and path.stat().st_size:
                return True
            if path.name.startswith("part-") and path.stat().st_mtime_ns > stamp:
                return True
        return False

    def signature(self, source_id: str) -> str:
        """What the source has received, cheaply: its newest part and the parts' count, and
        `+log` while events wait in a log not yet compacted."""
        folder = self.folder_of(source_id)
        if not folder.is_dir():
            return "none"
        parts = [p.name for p in folder.glob("part-*.parquet")]
        waiting = any(_size(p) for p in folder.glob("log-*.jsonl"))
        newest = max(parts, default="-")
        return f"{newest}:{len(parts)}" + ("+log" if waiting else "")

    def snapshot(self, source_id: str) -> Path | None:
        """Every event received so far, compacted and merged into one Parquet file (or None)."""
        parts = self.compact(source_id)
        if not parts:
            return None
        merged = self.folder_of(source_id) / "merged.parquet"
        listed = "[" + ", ".join(_lit(str(p)) for p in parts) + "]"
        con = connect_duckdb()
        try:
            con.execute("SET preserve_insertion_order = true")
            con.execute(
                f"COPY (SELECT * FROM read_parquet({listed})) TO {_lit(str(merged))} "
                "(FORMAT parquet)"
            )
        finally:
            con.close()
        return merged

    def mark_read(self, source_id: str, data: Path) -> None:
        """After a read: the merged file is no longer needed."""
        (self.folder_of(source_id) / "merged.parquet").unlink(missing_ok=True)

    def forget(self, source_id: str) -> None:
        """A deleted source: close its log."""
        with self._lock:
            log = self._logs.pop(source_id, None)
            if log is not None:
                log.handle.close()
        for key, (sid, _) in list(self.keys.items()):
            if sid == source_id:
                self.keys.pop(key, None)

    def forget_key(self, key: str) -> None:
        """A rotated write key stops working at once."""
        self.keys.pop(key, None)

    def allow(self, key: str, events: int, per_second: int) -> float:
        """Rate limit per write key (a token bucket holding 5 s of events): 0 when allowed,
        else the seconds to wait."""
        now = time.monotonic()
        capacity = per_second * 5.0
        tokens, last = self.buckets.get(key, [capacity, now])
        tokens = min(capacity, tokens + (now - last) * per_second)
        if tokens < events:
            self.buckets[key] = [tokens, now]
            return max(1.0, (events - tokens) / per_second)
        self.buckets[key] = [tokens - events, now]
        return 0.0

    def _compact_loop(self) -> None:
        while not self._stop.wait(self.compact_seconds):
            for source_id in list(self._logs):
                try:
                    self.compact(source_id)
                except Exception:
                    continue

    def close(self) -> None:
        """Stop the threads and close the logs (everything acknowledged is already on disk)."""
        self._stop.set()
        self._queue.put(None)
        self._writer.join(timeout=10)
        with self._lock:
            for log in self._logs.values():
                log.handle.close()
            self._logs.clear()


def _wake(waiter: Any, error: BaseException | None) -> None:
    first, second = waiter
    if isinstance(first, threading.Event):
        if error is not None:
            second.append(error)
        first.set()
        return
    loop, future = first, second

    def resolve() -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(None)

    loop.call_soon_threadsafe(resolve)


def _size(path: Path) -> int:
    """A file's size, 0 when it was just removed (a log compacted meanwhile)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _to_parquet(log: Path, part: Path) -> None:
    """One closed log as a Parquet part (written beside it, then renamed into place). A line
    torn by a crash (never acknowledged) is skipped."""
    # A name of its own (this process and thread), renamed into place once whole.
    staged = part.with_name(f"{part.stem}.{_TEMP_TAG}-{threading.get_ident()}.tmp")
    try:
        con = connect_duckdb()
        try:
            con.execute("SET preserve_insertion_order = true")
            con.execute(
                f"COPY (SELECT * FROM read_json({_lit(str(log))}, format = 'newline_delimited', "
                f"columns = {_COLUMNS}, ignore_errors = true) WHERE type IS NOT NULL "
                # every stored line ends with receivedAt and timestamp: a torn one lacks them
                f"AND timestamp IS NOT NULL AND receivedAt IS NOT NULL) TO {_lit(str(staged))} "
                "(FORMAT parquet)"
            )
        finally:
            con.close()
        with staged.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(staged, part)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise


_TEMP_TAG = f"{os.getpid()}-{os.urandom(4).hex()}"
"""This process's mark in a part's temporary name (a leftover of another is a crash's)."""
