"""Every DuckDB connection Journeyline opens, with where it spills.

DuckDB spills to `temp_directory` past its memory limit, by default `.tmp` relative to
the process's working directory: wherever the server or the CLI was started from, shared
by every process started there. Every connection is opened here instead, spilling to one
folder of ours:

- `JOURNEYLINE_DUCKDB_TEMP` when set (any process: the CLI, the server, its jobs);
- else the folder the server chose (`use_temp_root`: `DATA_DIR/duckdb-tmp`; the server's
  job processes are handed it too);
- else `journeyline-duckdb` in the system's temporary folder.

The folder is made before DuckDB is told of it (so DuckDB never removes it: several
connections share it; DuckDB names its files after the process and the database).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

TEMP_ENV = "JOURNEYLINE_DUCKDB_TEMP"

_root: Path | None = None


def use_temp_root(folder: Path | str | None) -> None:
    """Spill to `folder` from now on in this process (None: back to the default)."""
    global _root
    _root = Path(folder) if folder is not None else None


def temp_root() -> Path:
    """The folder DuckDB spills to (see the module's text), made if missing."""
    text = os.environ.get(TEMP_ENV, "").strip()
    if text:
        folder = Path(text)
    elif _root is not None:
        folder = _root
    else:
        folder = Path(tempfile.gettempdir()) / "journeyline-duckdb"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def set_temp_directory(con: Any) -> Any:
    """Point a DuckDB connection's spilling at `temp_root()`; the connection."""
    con.execute(f"SET temp_directory = {_lit(str(temp_root()))}")
    return con


def connect_duckdb() -> Any:
    """A new in-memory DuckDB database that spills to `temp_root()`."""
    import duckdb

    return set_temp_directory(duckdb.connect(":memory:"))
