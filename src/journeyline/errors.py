"""Domain errors. They carry no exit codes or HTTP statuses: the CLI and the API map them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in an input, with where it is: `file:line:column: message (hint)`."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    hint: str | None = None
    severity: str = "error"

    def render(self) -> str:
        """`file:line:column: message (hint)`, leaving out the parts that are unknown."""
        where = ""
        if self.file:
            where = self.file
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        prefix = "warning: " if self.severity == "warning" else ""
        text = f"{where}{prefix}{self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    def to_dict(self) -> dict[str, object]:
        """JSON-friendly form used by `--format json` and the API's error envelope."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "message": self.message,
            "hint": self.hint,
        }


class JourneylineError(Exception):
    """Base of every error a user can act on."""

    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.diagnostics = diagnostics or []


class InvalidInput(JourneylineError):
    """An input file or value is malformed, has wrong types, or breaks the model's rules."""


class NonFiniteNumber(InvalidInput):
    """A number that is not finite (NaN, Infinity) or too large for one, where JSON is read."""


class NotFound(JourneylineError):
    """A named thing (file, template, map, persona) does not exist."""


class UsageError(JourneylineError):
    """The request itself is wrong: a bad option, an unsupported format."""
