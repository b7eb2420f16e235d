"""Domain errors. They carry no exit codes or HTTP statuses: the CLI and the API map them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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

    def __reduce__(self) -> tuple[Any, ...]:
        # Errors cross from worker processes to the server: rebuild any subclass, whatever
        # its __init__ takes, from its message and attributes.
        return (_rebuild, (type(self), self.message, dict(self.__dict__)))


def _rebuild(cls: type[JourneylineError], message: str, state: dict[str, Any]) -> JourneylineError:
    """An error unpickled: its class, message and attributes as they were."""
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class InvalidInput(JourneylineError):
    """An input file or value is malformed, has wrong types, or breaks the model's rules."""


class NonFiniteNumber(InvalidInput):
    """A number that is not finite (NaN, Infinity) or too large for one, where JSON is read."""


class NotFound(JourneylineError):
    """A named thing (file, template, map, persona) does not exist."""


class UsageError(JourneylineError):
    """The request itself is wrong: a bad option, an unsupported format."""


class LimitExceeded(InvalidInput):
    """An input would make more than an import limit allows (steps, lanes, cells, bytes …).

    `limit` is the limit's name (as `--limit NAME=VALUE` spells it), `allowed` its value.
    """

    def __init__(
        self,
        message: str,
        diagnostics: list[Diagnostic] | None = None,
        *,
        limit: str,
        allowed: int,
    ) -> None:
        super().__init__(message, diagnostics)
        self.limit = limit
        self.allowed = allowed
        self.details = {"limit": limit, "allowed": allowed}


class BudgetExceeded(InvalidInput):
    """Reading a file (or drawing a map) needed more time or memory than the server grants
    one job (its `worker_seconds` and `worker_memory_mb` settings)."""


class WorkersUnavailable(JourneylineError):
    """The server is stopping (or its worker processes cannot start): try again shortly."""
