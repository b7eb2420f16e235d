"""The import/export hook: every file format, built-in or plug-in, registers a `FileFormat`.

`journeyline convert IN OUT` and the loaders pick the format by the file's extension.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from journeyline.errors import Diagnostic, UsageError
from journeyline.model import Workspace


@dataclass
class Loaded:
    """What a reader returns: the workspace and any warnings about what it had to interpret."""

    workspace: Workspace
    warnings: list[Diagnostic] = field(default_factory=list)


Reader = Callable[[Path], Loaded]
"""Reads a file; raises `InvalidInput` with diagnostics (file:line:column) when it cannot."""

Writer = Callable[[Workspace, Path], list[Diagnostic]]
"""Writes a workspace to a file; returns warnings about anything the format cannot hold."""


@dataclass(frozen=True)
class FileFormat:
    """One file format: its name, the extensions it owns, and what it can read and write."""

    name: str
    extensions: tuple[str, ...]
    description: str
    read: Reader | None = None
    write: Writer | None = None
    one_map: bool = False
    """The format holds a single map (Mermaid, CSV, XLSX): a workspace with several says which."""


_FORMATS: dict[str, FileFormat] = {}


def register_format(file_format: FileFormat) -> None:
    """Add a format (or replace one with the same name)."""
    _FORMATS[file_format.name] = file_format


def formats() -> list[FileFormat]:
    """Every registered format, in registration order."""
    return list(_FORMATS.values())


def format_for(path: Path, *, reading: bool) -> FileFormat:
    """The format that owns a path's extension and can read (or write) it."""
    name = path.name.lower()
    candidates = [f for f in _FORMATS.values() if any(name.endswith(ext) for ext in f.extensions)]
    usable = [f for f in candidates if (f.read if reading else f.write) is not None]
    if usable:
        return max(usable, key=lambda f: max(len(e) for e in f.extensions if name.endswith(e)))
    verb = "read" if reading else "write"
    known = sorted(
        {ext for f in _FORMATS.values() if (f.read if reading else f.write) for ext in f.extensions}
    )
    if candidates:
        raise UsageError(
            f"{path}: Journeyline cannot {verb} {candidates[0].name} files (it can {verb}: {', '.join(known)})"
        )
    raise UsageError(
        f"{path}: unknown file type '{path.suffix or path.name}' (Journeyline can {verb}: {', '.join(known)})"
    )
