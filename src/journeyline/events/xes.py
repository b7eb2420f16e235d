"""Read XES (eXtensible Event Stream, IEEE 1849), the process-mining standard, into columns.

Trace attributes become `case:<key>` columns and event attributes keep their keys, the
layout pm4py uses when it flattens a log, so the `xes` preset fits both XES and its CSV.
Every value is kept as text; `__seq` numbers the events in file order.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

from journeyline.errors import InvalidInput

_VALUE_TAGS = {"string", "date", "int", "float", "boolean", "id"}
_CACHE_VERSION = "1"


def cache_dir() -> Path:
    """Where parsed XES logs are kept: `JOURNEYLINE_CACHE_DIR`, else `$XDG_CACHE_HOME/journeyline`
    (by default `~/.cache/journeyline`)."""
    explicit = os.environ.get("JOURNEYLINE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "journeyline"


def xes_as_parquet(path: Path) -> Path:
    """The XES file parsed once into Parquet (the columns `read_xes` gives), then reused.

    Cached under `cache_dir()/xes`, keyed by the file's absolute path, modification time
    and size, so an edited log is parsed again. When the cache cannot be written, a
    fresh temporary file is used instead.
    """
    import pyarrow.parquet as pq

    stat = path.stat()
    key = f"{path.resolve()}|{stat.st_mtime_ns}|{stat.st_size}|{_CACHE_VERSION}"
    name = hashlib.sha256(key.encode()).hexdigest()[:24] + ".parquet"
    folder = cache_dir() / "xes"
    target = folder / name
    if target.is_file():
        return target
    table = read_xes(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        os.close(handle)
    except OSError:
        handle, tmp = tempfile.mkstemp(prefix="journeyline-xes-", suffix=".parquet")
        os.close(handle)
        pq.write_table(table, tmp)
        return Path(tmp)
    pq.write_table(table, tmp)
    os.replace(tmp, target)  # atomic: a concurrent reader sees the old state or the whole file
    return target


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _open(path: Path) -> IO[bytes]:
    with path.open("rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return gzip.GzipFile(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def read_xes(path: Path) -> Any:
    """The events of an XES file (plain or gzipped) as a pyarrow Table of strings.

    Parsed as a stream with expat (the parser under `xml.etree`), calling back per tag
    without building elements: about twice as fast as `iterparse`. An attribute is
    kept when it sits directly in an event (its key) or a trace (`case:<key>`); nested
    attributes are skipped. Columns come in the order their keys first appear.
    """
    import pyarrow as pa

    rows: list[dict[str, str]] = []
    stack: list[str] = []  # local names of the open elements
    pending: list[tuple[str | None, str | None]] = []  # key and value of open attributes
    trace_attrs: dict[str, str] = {}
    event_attrs: dict[str, str] | None = None
    local_of: dict[str, str] = {}

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal trace_attrs, event_attrs
        name = local_of.get(tag)
        if name is None:
            name = local_of[tag] = _local(tag)
        stack.append(name)
        if name in _VALUE_TAGS:
            pending.append((attrs.get("key"), attrs.get("value")))
        elif name == "event":
            event_attrs = {}
        elif name == "trace":
            trace_attrs = {}

    def end(_tag: str) -> None:
        nonlocal event_attrs
        name = stack.pop()
        parent = stack[-1] if stack else ""
        if name in _VALUE_TAGS:
            key, value = pending.pop()
            if key is not None and value is not None:
                if parent == "event":
                    if event_attrs is not None:
                        event_attrs[key] = value
                elif parent == "trace":
                    trace_attrs[f"case:{key}"] = value
        elif name == "event" and event_attrs is not None:
            if parent == "trace" or parent == "log":
                rows.append({**trace_attrs, **event_attrs})
            event_attrs = None

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        with _open(path) as handle:
            parser.ParseFile(handle)
    except (expat.ExpatError, OSError, EOFError) as error:
        raise InvalidInput(f"{path}: not a readable XES file ({error})") from error
    if not rows:
        raise InvalidInput(f"{path}: the XES file holds no events")
    keys = list(dict.fromkeys(key for row in rows for key in row))
    arrays = {key: pa.array([row.get(key) for row in rows], type=pa.string()) for key in keys}
    return pa.table({"__seq": pa.array(range(len(rows)), type=pa.int64()), **arrays})
