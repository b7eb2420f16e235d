"""Imports and exports over the network: uploaded bytes in, file bytes out, through the format registry.

The core's readers and writers work on paths, so an upload is written to a private
temporary folder under its own (sanitised) name; diagnostics then name the uploaded
file, not the temporary path, so `boots.yaml:14:7: …` reaches the user as written.
"""

from __future__ import annotations

import mimetypes
import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from journeyline.errors import Diagnostic, JourneylineError, UsageError
from journeyline.formats import FileFormat, format_for, formats, strict_json
from journeyline.formats.document import read_document
from journeyline.formats.limits import ImportLimits, applying, check_workspace
from journeyline.model import Workspace

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


def safe_filename(name: str | None) -> str:
    """The last part of an uploaded file's name, without characters a path could abuse."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _SAFE_NAME.sub("_", base).strip(" .")
    if not cleaned or "." not in cleaned:
        raise UsageError(
            f"the uploaded file needs a name with an extension such as .yaml, .json, .csv, .xlsx or .mmd (got {name!r})"
        )
    return cleaned[:120]


def _rename(diagnostics: list[Diagnostic], temp: str, shown: str) -> list[Diagnostic]:
    """Diagnostics naming the uploaded file where they named its temporary copy (a cell
    reference after the name, `boots.xlsx:Journey!C4`, is kept)."""
    return [
        replace(d, file=shown + d.file[len(temp) :]) if d.file and d.file.startswith(temp) else d
        for d in diagnostics
    ]


@dataclass
class Imported:
    """An uploaded file read into a workspace, with the reader's warnings."""

    workspace: Workspace
    warnings: list[Diagnostic]


def read_upload(
    filename: str | None, content: bytes, limits: ImportLimits | None = None
) -> Imported:
    """Read uploaded bytes with the format its extension names; errors name the uploaded file.

    The file is read under the import `limits` (default: those in force).
    """
    name = safe_filename(filename)
    file_format = format_for(Path(name), reading=True)
    assert file_format.read is not None
    with tempfile.TemporaryDirectory(prefix="journeyline-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            with applying(limits):
                loaded = file_format.read(path)
                if file_format.read is not read_document:
                    check_workspace(loaded.workspace, str(path))
        except JourneylineError as error:
            error.diagnostics = _rename(error.diagnostics, str(path), name)
            error.message = error.message.replace(str(path), name)
            raise
    # NUL characters and lone surrogates: PostgreSQL refuses them and SQLite keeps them,
    # so no store takes them from any format.
    strict_json.refuse_unstorable_text(loaded.workspace.model_dump(mode="json"), name)
    return Imported(loaded.workspace, _rename(loaded.warnings, str(path), name))


def export_format(name: str) -> tuple[FileFormat, str]:
    """The writable format called `name` (a format name or an extension) and its extension."""
    wanted = name.strip().lower().lstrip(".")
    for file_format in formats():
        extensions = [ext.lstrip(".") for ext in file_format.extensions]
        if file_format.write is not None and (
            file_format.name.lower() == wanted or wanted in extensions
        ):
            extension = next(
                (e for e in file_format.extensions if e.lstrip(".") == wanted),
                file_format.extensions[0],
            )
            return file_format, extension
    known = sorted({f.name for f in formats() if f.write is not None})
    raise UsageError(f"cannot export as '{name}' (formats: {', '.join(known)})")


@dataclass
class Exported:
    """A file to send: its name, bytes, media type, and what the format could not hold."""

    filename: str
    content: bytes
    media_type: str
    warnings: list[Diagnostic]


def write_export(workspace: Workspace, format_name: str, stem: str) -> Exported:
    """The workspace written in a format, as bytes."""
    file_format, extension = export_format(format_name)
    assert file_format.write is not None
    filename = _SAFE_NAME.sub("-", stem).strip("-. ") or "journeyline"
    filename = filename[:80] + (extension if extension.startswith(".") else "." + extension)
    with tempfile.TemporaryDirectory(prefix="journeyline-export-") as folder:
        path = Path(folder) / filename
        warnings = file_format.write(workspace, path)
        if path.is_dir():
            raise UsageError(
                f"the {file_format.name} format writes a folder; choose a single-file format"
            )
        content = path.read_bytes()
    return Exported(
        filename, content, media_type_of(extension), _rename(warnings, folder, filename)
    )


def media_type_of(extension: str) -> str:
    """The media type an export with this extension is sent as."""
    extension = extension if extension.startswith(".") else "." + extension
    if extension in (".yaml", ".yml"):
        return "application/yaml"
    if extension in (".mmd", ".mermaid", ".md"):
        return "text/markdown" if extension == ".md" else "text/plain"
    return mimetypes.guess_type("export" + extension)[0] or "application/octet-stream"


def export_media_types() -> list[str]:
    """Every media type an export can be sent as (for the OpenAPI document)."""
    found = {
        media_type_of(extension)
        for file_format in formats()
        if file_format.write is not None
        for extension in file_format.extensions
    }
    return sorted(found)
