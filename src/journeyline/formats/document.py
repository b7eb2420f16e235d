"""The Journeyline file format: one YAML/JSON document schema for workspaces and map files.

A document is `journeyline: 1` followed by the workspace's keys in model order
(id, name, description, segments, personas, lanes, maps, evidence, analysis). Values
equal to their default are left out so that files stay small and diffs stay readable.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import ValidationError

from journeyline.errors import Diagnostic, InvalidInput
from journeyline.formats.diagnose import (
    VERSION_KEY,
    capped,
    found,
    problem_diagnostics,
    validation_diagnostics,
)
from journeyline.formats.limits import check_document
from journeyline.formats.locate import Locator, ParseFailure, parse_json, parse_yaml
from journeyline.formats.registry import Loaded
from journeyline.model import Workspace, assign_ids, check_integrity

FORMAT_VERSION = 1
"""The version of the document schema this Journeyline reads and writes."""

MAX_FILE_BYTES = 64 * 1024 * 1024
"""Files larger than this are refused before they are read (64 MiB)."""

Syntax = Literal["yaml", "json"]

EMPTY_HINT = "start from a template: journeyline new FILE --template NAME"


# --- reading ----------------------------------------------------------------------------------


def syntax_for(path: Path) -> Syntax:
    """JSON for `.json` files, YAML for everything else."""
    return "json" if path.suffix.lower() == ".json" else "yaml"


def read_text(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """A file's text, refusing huge, binary and non-UTF-8 files with a located message."""
    name = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InvalidInput(f"{name}: no such file", [Diagnostic("no such file", name)]) from None
    except OSError as error:
        raise InvalidInput(
            f"{name}: {error.strerror}", [Diagnostic(f"cannot read: {error.strerror}", name)]
        ) from None
    if size > max_bytes:
        message = f"file is too large ({size / 1048576:.1f} MiB; the limit is {max_bytes / 1048576:.0f} MiB)"
        raise InvalidInput(
            message, [Diagnostic(message, name, hint="split the workspace into a folder")]
        )
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise InvalidInput(
            f"{name}: is a folder", [Diagnostic("is a folder, not a file", name)]
        ) from None
    except OSError as error:
        raise InvalidInput(
            f"{name}: {error.strerror}", [Diagnostic(f"cannot read: {error.strerror}", name)]
        ) from None
    return decode(raw, name)


def decode(raw: bytes, name: str) -> str:
    """UTF-8 text (a BOM is dropped); binary or wrongly encoded bytes are errors naming the spot."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    nul = raw.find(b"\x00", 0, 8192)
    if nul >= 0:
        line, column = _byte_position(raw, nul)
        message = "this is a binary file, not a Journeyline YAML or JSON document"
        raise InvalidInput(
            message, [Diagnostic(message, name, line, column, "NUL byte found here")]
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _byte_position(raw, error.start)
        message = f"not UTF-8 text: byte 0x{raw[error.start]:02x} at offset {error.start} cannot be decoded"
        raise InvalidInput(
            message, [Diagnostic(message, name, line, column, "save the file as UTF-8")]
        ) from None


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    line = raw.count(b"\n", 0, offset) + 1
    start = raw.rfind(b"\n", 0, offset) + 1
    column = len(raw[start:offset].decode("utf-8", errors="replace")) + 1
    return line, column


def parse(
    text: str, filename: str, syntax: Syntax
) -> tuple[dict[str, Any], Locator, list[Diagnostic]]:
    """Text → the document's data (version removed), its locator, and version problems.

    Data that passes an import limit (`current_limits()`) is refused here, before the
    model is built.

    A missing version is reported together with the document's other problems; a version
    this Journeyline cannot read stops reading at once.
    """
    if not text.strip():
        raise InvalidInput(
            f"{filename}: file is empty", [Diagnostic("file is empty", filename, hint=EMPTY_HINT)]
        )
    try:
        data, locator = (
            parse_json(text, filename) if syntax == "json" else parse_yaml(text, filename)
        )
    except ParseFailure as failure:
        raise _invalid(filename, failure.diagnostics) from None
    if data is None:
        raise InvalidInput(
            f"{filename}: file is empty",
            [Diagnostic("file holds no document", filename, 1, 1, EMPTY_HINT)],
        )
    if not isinstance(data, dict):
        message = (
            f"the top level must be a mapping (journeyline: 1, name, maps …), found {found(data)}"
        )
        raise _invalid(filename, [Diagnostic(message, filename, 1, 1, "see docs/format.md")])
    version = data.pop(VERSION_KEY, None)
    check_document(data, filename)
    if version is None:
        message = f"missing '{VERSION_KEY}: {FORMAT_VERSION}' at the top of the document"
        hint = f"add the line '{VERSION_KEY}: {FORMAT_VERSION}' first"
        return data, locator, [Diagnostic(message, filename, 1, 1, hint)]
    if version != FORMAT_VERSION or isinstance(version, bool):
        line, column = locator.value_at((VERSION_KEY,)) or (1, 1)
        if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
            message = f"this is a version {version} document; this Journeyline reads version {FORMAT_VERSION}"
            hint = "upgrade Journeyline to read it"
        else:
            message = f"unknown document version {found(version)}"
            hint = f"the only version is {FORMAT_VERSION}: write '{VERSION_KEY}: {FORMAT_VERSION}'"
        raise _invalid(filename, [Diagnostic(message, filename, line, column, hint)])
    return data, locator, []


def validate_data(
    data: dict[str, Any], locator: Locator, filename: str, problems: list[Diagnostic] | None = None
) -> Workspace:
    """Data → Workspace; type errors (and earlier `problems`) raise InvalidInput, all located."""
    found_problems = list(problems or [])
    try:
        workspace = Workspace.model_validate(data)
    except ValidationError as error:
        found_problems.extend(validation_diagnostics(error, data, locator, filename))
        raise _invalid(filename, found_problems) from None
    if found_problems:
        raise _invalid(filename, found_problems)
    return workspace


def finish(workspace: Workspace, locator: Locator, filename: str) -> Loaded:
    """Fill in ids, check references; errors raise, warnings come back in Loaded."""
    assign_ids(workspace)
    diagnostics = problem_diagnostics(check_integrity(workspace), locator, filename)
    errors = [d for d in diagnostics if d.severity == "error"]
    if errors:
        raise _invalid(filename, diagnostics)
    return Loaded(workspace, capped(diagnostics, filename))


def loads(text: str, filename: str, syntax: Syntax) -> Loaded:
    """Read a document from text: parse, validate, assign ids and check references."""
    data, locator, problems = parse(text, filename, syntax)
    workspace = validate_data(data, locator, filename, problems)
    return finish(workspace, locator, filename)


def read_document(path: Path) -> Loaded:
    """Read a YAML or JSON document file (the registry's reader for .yaml, .yml and .json)."""
    return loads(read_text(path), str(path), syntax_for(path))


def _invalid(filename: str, diagnostics: list[Diagnostic]) -> InvalidInput:
    errors = [d for d in diagnostics if d.severity == "error"]
    count = len(errors)
    message = f"{filename}: {count} problem{'s' if count != 1 else ''} found"
    return InvalidInput(message, capped(diagnostics, filename))


# --- writing ----------------------------------------------------------------------------------


def workspace_to_data(workspace: Workspace) -> dict[str, Any]:
    """The document form: `journeyline: 1` first, then non-default values in model order."""
    body = workspace.model_dump(mode="json", exclude_defaults=True)
    return {VERSION_KEY: FORMAT_VERSION, **_whole_numbers(body)}


def _whole_numbers(value: Any) -> Any:
    """Write 3.0 as 3: the model reads it back as the same float, and files read as typed."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, dict):
        return {key: _whole_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_whole_numbers(item) for item in value]
    return value


class _PyDumper(yaml.SafeDumper):
    """Safe YAML output with multi-line text as block scalars (pure-Python emitter)."""


class _CDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """The same output through libyaml's emitter, about ten times faster."""


_FOLDED_BREAKS = frozenset("\r\x85\u2028\u2029\ufeff")
"""Characters a YAML reader folds or drops outside double quotes; they force escaping."""

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
"""Characters outside the Basic Multilingual Plane (emoji, many CJK extensions)."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if not _FOLDED_BREAKS.isdisjoint(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_PyDumper.add_representer(str, _represent_str)
_CDumper.add_representer(str, _represent_str)


def data_to_yaml(data: Any) -> str:
    """Plain data → YAML text: Unicode kept, keys in the given order, block style.

    libyaml's emitter writes the same text as PyYAML's, except that it escapes characters
    outside the Basic Multilingual Plane (emoji) even with allow_unicode; documents that
    hold such characters go through the pure-Python emitter so they stay readable.
    """
    astral = _ASTRAL.search(json.dumps(data, ensure_ascii=False)) is not None
    text: str = yaml.dump(
        data,
        Dumper=_PyDumper if astral else _CDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        indent=2,
        width=4096,
    )
    return text


def data_to_json(data: Any) -> str:
    """Plain data → JSON text: two-space indent, Unicode kept, trailing newline."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def dump_yaml(workspace: Workspace) -> str:
    """A workspace as a YAML document."""
    return data_to_yaml(workspace_to_data(workspace))


def dump_json(workspace: Workspace) -> str:
    """A workspace as a JSON document."""
    return data_to_json(workspace_to_data(workspace))


def dumps(workspace: Workspace, syntax: Syntax) -> str:
    """A workspace as a YAML or JSON document."""
    return dump_json(workspace) if syntax == "json" else dump_yaml(workspace)
