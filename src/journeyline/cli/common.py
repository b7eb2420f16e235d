"""What every command shares: output in text or JSON, and errors mapped to exit codes.

Exit codes: 0 ok; 1 invalid input, or findings at/above `--fail-on`; 2 usage error.
The table below is the one place where domain errors become exit codes.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Any, NoReturn

import typer
from rich.console import Console

from journeyline.errors import Diagnostic, InvalidInput, JourneylineError, NotFound, UsageError
from journeyline.formats.limits import ImportLimits

console = Console(highlight=False, soft_wrap=True, emoji=False)
err_console = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2

EXIT_CODES: dict[type[JourneylineError], int] = {
    InvalidInput: EXIT_INVALID,
    NotFound: EXIT_INVALID,
    UsageError: EXIT_USAGE,
    JourneylineError: EXIT_INVALID,
}


class OutputFormat(StrEnum):
    """How a reporting command prints its result."""

    text = "text"
    json = "json"


FORMAT_OPTION = typer.Option(
    OutputFormat.text, "--format", "-f", help="Print text for people or JSON for scripts."
)

LIMIT_OPTION = typer.Option(
    None,
    "--limit",
    metavar="NAME=VALUE",
    help="Raise an import limit for the files read, e.g. steps=10000 (repeatable; "
    "limits: maps, steps, stages, lanes, items, text_chars, cells, unpacked_bytes).",
)


def import_limits(values: list[str] | None) -> ImportLimits | None:
    """The import limits that `--limit NAME=VALUE` options ask for (None: the defaults)."""
    return ImportLimits.parse(values) if values else None


def map_option(help: str = "Id of the map (needed when the file holds several).") -> Any:
    """The `--map ID` option of every command that works on a map of a file.

    The choice itself is `Workspace.pick_map`'s (through `formats.load_map`), so a
    wrong id or a missing `--map` reads the same in every command.
    """
    return typer.Option(None, "--map", "-m", metavar="ID", help=help)


def exit_code_for(error: JourneylineError) -> int:
    """Look the error's class up along its hierarchy in EXIT_CODES."""
    for cls in type(error).__mro__:
        if cls in EXIT_CODES:
            return EXIT_CODES[cls]
    return EXIT_INVALID


def print_json(data: Any) -> None:
    """Write JSON to stdout (UTF-8, stable key order as given)."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def fail(error: JourneylineError, fmt: OutputFormat = OutputFormat.text) -> NoReturn:
    """Report an error (diagnostics one per line, or a JSON error object) and exit."""
    code = exit_code_for(error)
    if fmt == OutputFormat.json:
        print_json(
            {
                "error": {
                    "type": type(error).__name__,
                    "message": error.message,
                    "diagnostics": [d.to_dict() for d in error.diagnostics],
                }
            }
        )
    else:
        if error.diagnostics:
            for diagnostic in error.diagnostics:
                err_console.print(diagnostic.render(), markup=False)
            if error.message and len(error.diagnostics) > 1:
                err_console.print(error.message, markup=False)
        else:
            err_console.print(f"error: {error.message}", markup=False)
    raise typer.Exit(code)


@contextmanager
def reporting_errors(fmt: OutputFormat = OutputFormat.text) -> Iterator[None]:
    """Turn domain errors raised inside the block into a message and an exit code."""
    try:
        yield
    except JourneylineError as error:
        fail(error, fmt)


def warn(message: str) -> None:
    """Print a warning that names no place to stderr: `warning: message`."""
    err_console.print(f"warning: {message}", markup=False)


def print_warnings(warnings: Iterable[Diagnostic]) -> None:
    """Print each warning once to stderr, as `file:line:column: warning: message (hint)`.

    The diagnostic says "warning:" itself, so nothing is prefixed; the same warning
    reached twice (a file read for two roles) is printed once.
    """
    for diagnostic in dict.fromkeys(warnings):
        err_console.print(diagnostic.render(), markup=False)


Register = Callable[[typer.Typer], None]
