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
from xml.etree.ElementTree import ParseError, iterparse

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
    """The events of an XES file (plain or gzipped) as a pyarrow Table of strings."""
    import pyarrow as pa

    columns: dict[str, list[str | None]] = {}
    n = 0
    trace_attrs: dict[str, str] = {}
    event_attrs: dict[str, str] | None = None
    depth_stack: list[str] = []
    try:
        with _open(path) as handle:
            for action, element in iterparse(handle, events=("start", "end")):
                tag = _local(element.tag)
                if action == "start":
                    depth_stack.append(tag)
                    if tag == "trace":
                        trace_attrs = {}
                    elif tag == "event":
                        event_attrs = {}
                    continue
                depth_stack.pop()
                parent = depth_stack[-1] if depth_stack else ""
                if tag in _VALUE_TAGS:
                    key = element.get("key")
                    value = element.get("value")
                    if key is not None and value is not None:
                        if parent == "event" and event_attrs is not None:
                            event_attrs[key] = value
                        elif parent == "trace":
                            trace_attrs[f"case:{key}"] = value
                    continue
                if tag == "event" and event_attrs is not None:
                    if parent == "trace" or parent == "log":
                        row = {**trace_attrs, **event_attrs}
                        for key in row.keys() - columns.keys():
                            columns[key] = [None] * n
                        for key, values in columns.items():
                            values.append(row.get(key))
                        n += 1
                    event_attrs = None
                    element.clear()
                elif tag == "trace":
                    element.clear()
    except (ParseError, OSError, EOFError) as error:
        raise InvalidInput(f"{path}: not a readable XES file ({error})") from error
    if n == 0:
        raise InvalidInput(f"{path}: the XES file holds no events")
    arrays = {k: pa.array(v, type=pa.string()) for k, v in columns.items()}
    return pa.table({"__seq": pa.array(range(n), type=pa.int64()), **arrays})
