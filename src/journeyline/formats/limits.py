"""Limits on what one import can make, declared once for the CLI and the web API.

A file that would make a map of a million steps, a lane per row of a 200,000-row CSV or
a workbook that unpacks to gigabytes is refused while it is read, before the model is
built, with a message that names the limit and how to raise it. The CLI raises a limit
with `--limit NAME=VALUE`; the server with its `import_limits` setting
(`JOURNEYLINE_IMPORT_LIMITS="NAME=VALUE,…"`). Readers find the limits in force with
`current_limits()`; `applying(limits)` sets them around a read.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, fields, replace
from typing import Any

from journeyline.errors import Diagnostic, LimitExceeded, UsageError


def _limit(default: int, help: str) -> Any:
    """A limit's field: its default, and its line of help (docs, `--limit`, the settings)."""
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class ImportLimits:
    """The limits in force for one import: each field is one limit, declared once here."""

    maps: int = _limit(500, "Journey maps one import may hold.")
    steps: int = _limit(5_000, "Steps in one journey map (a spreadsheet's step columns).")
    stages: int = _limit(1_000, "Stages in one journey map.")
    lanes: int = _limit(
        200, "Lanes of one map, and custom lanes of a workspace (a spreadsheet's rows)."
    )
    items: int = _limit(
        10_000, "Entries in any other list: personas, pain points, opportunities, evidence, tags …"
    )
    text_chars: int = _limit(100_000, "Characters in one text field or spreadsheet cell.")
    cells: int = _limit(
        200_000, "Spreadsheet cells read, counting the cells really in the file (blank or not)."
    )
    unpacked_bytes: int = _limit(
        100_000_000, "Bytes the parts of an XLSX workbook (a zip archive) may unpack to, together."
    )

    @classmethod
    def parse(cls, assignments: Iterable[str], *, base: ImportLimits | None = None) -> ImportLimits:
        """Limits from `NAME=VALUE` strings (each may hold several, comma-separated) over `base`.

        Unknown names get a did-you-mean; values must be whole numbers of at least 1.
        """
        values: dict[str, int] = {}
        names = [limit.name for limit in LIMITS]
        for assignment in assignments:
            for part in assignment.split(","):
                if not part.strip():
                    continue
                name, sep, raw = part.partition("=")
                name = name.strip().replace("-", "_")
                if not sep:
                    raise UsageError(f"limit {part.strip()!r} is not NAME=VALUE (e.g. steps=10000)")
                if name not in names:
                    guess = difflib.get_close_matches(name, names, 1, 0.6)
                    hint = f" (did you mean '{guess[0]}'?)" if guess else ""
                    raise UsageError(
                        f"unknown import limit '{name}'{hint}; limits: {', '.join(names)}"
                    )
                try:
                    value = int(raw.strip().replace("_", ""))
                except ValueError:
                    raise UsageError(
                        f"import limit '{name}' must be a whole number, not {raw.strip()!r}"
                    ) from None
                if value < 1:
                    raise UsageError(f"import limit '{name}' must be at least 1, not {value}")
                values[name] = value
        return replace(base or cls(), **values)

    def to_dict(self) -> dict[str, int]:
        """Name → value, in declaration order."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Limit:
    """One limit as the docs and `--help` list it: name (as `--limit NAME=VALUE` spells it),
    default and a line of help."""

    name: str
    default: int
    help: str


LIMITS: tuple[Limit, ...] = tuple(
    Limit(f.name, int(f.default), f.metadata["help"])  # type: ignore[arg-type]
    for f in fields(ImportLimits)
)
"""Every import limit, in declaration order."""


DEFAULT_LIMITS = ImportLimits()

_CURRENT: ContextVar[ImportLimits] = ContextVar("journeyline_import_limits", default=DEFAULT_LIMITS)


def current_limits() -> ImportLimits:
    """The limits in force for the read under way (the defaults outside `applying`)."""
    return _CURRENT.get()


@contextmanager
def applying(limits: ImportLimits | None) -> Iterator[ImportLimits]:
    """Put `limits` in force for the reads inside the block (None keeps those in force)."""
    if limits is None:
        yield _CURRENT.get()
        return
    token = _CURRENT.set(limits)
    try:
        yield limits
    finally:
        _CURRENT.reset(token)


RAISE_HINT = "raise it with --limit {name}=N on the command line, or the server's import_limits setting (JOURNEYLINE_IMPORT_LIMITS={name}=N)"
"""How to raise a limit, as every refusal says it."""


def exceeded(
    name: str,
    what: str,
    file: str | None = None,
    line: int | None = None,
    column: int | None = None,
) -> LimitExceeded:
    """The error for a limit passed: `what` says what passed it ('the map has more than …')."""
    allowed = getattr(current_limits(), name)
    message = f"{what} (import limit '{name}' is {allowed:,})"
    diagnostic = Diagnostic(message, file, line, column, hint=RAISE_HINT.format(name=name))
    return LimitExceeded(diagnostic.render(), [diagnostic], limit=name, allowed=allowed)


# --- checking plain document data --------------------------------------------------------------

_KEYED_LISTS = {"maps": "maps", "stages": "stages", "steps": "steps"}


def check_document(data: Any, filename: str, limits: ImportLimits | None = None) -> None:
    """Refuse document data (parsed YAML/JSON, before validation) that passes a limit.

    Counts maps, stages and steps of each map, lanes, every other list's entries and
    every text's characters; the path into the document says where.
    """
    limits = limits or current_limits()
    with applying(limits):
        if isinstance(data, Mapping):
            maps = data.get("maps")
            if isinstance(maps, list) and len(maps) > limits.maps:
                raise exceeded("maps", f"the file holds {len(maps):,} maps", filename)
            for index, journey in enumerate(maps if isinstance(maps, list) else []):
                if isinstance(journey, Mapping):
                    _check_map(journey, f"maps.{index}", filename, limits)
        _walk(data, "", filename, limits)


def _check_map(journey: Mapping[str, Any], where: str, filename: str, limits: ImportLimits) -> None:
    stages = journey.get("stages")
    if not isinstance(stages, list):
        return
    name = journey.get("name") if isinstance(journey.get("name"), str) else where
    if len(stages) > limits.stages:
        raise exceeded(
            "stages", f"map '{name}' has {len(stages):,} stages (at {where}.stages)", filename
        )
    steps = sum(
        len(stage["steps"])
        for stage in stages
        if isinstance(stage, Mapping) and isinstance(stage.get("steps"), list)
    )
    if steps > limits.steps:
        raise exceeded("steps", f"map '{name}' has {steps:,} steps (at {where})", filename)


def _walk(value: Any, where: str, filename: str, limits: ImportLimits) -> None:
    """Every list's length and every text's length, iteratively (deep documents are fine)."""
    stack: list[tuple[Any, str]] = [(value, where)]
    while stack:
        item, at = stack.pop()
        if isinstance(item, str):
            if len(item) > limits.text_chars:
                raise exceeded(
                    "text_chars", f"a text of {len(item):,} characters (at {at})", filename
                )
        elif isinstance(item, Mapping):
            key = at.rsplit(".", 1)[-1]
            if key == "lanes" and len(item) > limits.lanes:
                raise exceeded("lanes", f"{len(item):,} lanes (at {at})", filename)
            for k, v in item.items():
                if isinstance(k, str) and len(k) > limits.text_chars:
                    raise exceeded(
                        "text_chars", f"a key of {len(k):,} characters (at {at})", filename
                    )
                stack.append((v, f"{at}.{k}" if at else str(k)))
        elif isinstance(item, list):
            key = at.rsplit(".", 1)[-1]
            if key == "lanes":
                if len(item) > limits.lanes:
                    raise exceeded("lanes", f"{len(item):,} lanes (at {at})", filename)
            elif key not in _KEYED_LISTS and len(item) > limits.items:
                raise exceeded("items", f"a list of {len(item):,} entries (at {at})", filename)
            stack.extend((v, f"{at}.{i}") for i, v in enumerate(item))


def check_workspace(workspace: Any, filename: str, limits: ImportLimits | None = None) -> None:
    """Refuse a read workspace that passes a limit: the same checks on its document form.

    Every reader's result goes through this, so a plug-in format obeys the limits too.
    """
    check_document(workspace.model_dump(mode="python", exclude_defaults=True), filename, limits)
