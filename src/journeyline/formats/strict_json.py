"""The one strict JSON reader: every channel that parses JSON uses it or its parts.

Python's `json.loads` accepts `NaN`, `Infinity` and `-Infinity`, and turns a number too
large for a float (`1e400`) into infinity; a map holding one cannot be analysed, drawn or
even answered as JSON again. `loads` (request bodies) refuses them, saying where they are,
and refuses text no store can keep the same way: the NUL character and lone UTF-16
surrogates (`"\\ud800"`). JSON map files (`formats.locate.parse_json`) use the same number
hooks with line and column; the store refuses unstorable text on import
(`refuse_unstorable_text`).
"""

from __future__ import annotations

import json
import math
from typing import Any

from journeyline.errors import Diagnostic, InvalidInput, NonFiniteNumber

Path_ = tuple[str | int, ...]


class _NotFinite:
    """Stands where a non-finite number was, so the second pass can say where."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class NonFinite(ValueError):
    """Raised while parsing at the first non-finite number; `non_finite_places` finds them all."""


def refuse_constant(name: str) -> float:
    """`parse_constant` for json.loads: NaN, Infinity and -Infinity are refused."""
    raise NonFinite(name)


def finite_float(text: str) -> float:
    """`parse_float` for json.loads: a number too large for a float (1e400) is refused."""
    value = float(text)
    if not math.isfinite(value):
        raise NonFinite(text)
    return value


def json_path(path: Path_) -> str:
    """A path in a JSON document as people write it: `stages[0].steps[2].emotion`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
            continue
        if not part.isprintable():
            part = json.dumps(part)  # a key holding control characters, shown escaped
        text += f".{part}" if text else part
    return text


def loads(text: str | bytes, *, source: str = "JSON") -> Any:
    """Parse JSON text strictly; raise NonFiniteNumber or InvalidInput naming the place.

    `source` names the input in messages ("body", a file name). Malformed JSON is an
    InvalidInput with its line and column; a non-finite or overflowing number is a
    NonFiniteNumber with the path of every one; NUL characters and lone surrogates in
    any key or text are an InvalidInput with their paths.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig" if text.startswith(b"\xef\xbb\xbf") else "utf-8")
        except UnicodeDecodeError as error:
            raise InvalidInput(
                f"{source}: not UTF-8 text (byte {error.start})",
                [Diagnostic(f"not UTF-8 text at byte {error.start}", file=source)],
            ) from None
    try:
        data = json.loads(text, parse_constant=refuse_constant, parse_float=finite_float)
    except NonFinite:
        raise _non_finite_error(text, source) from None
    except json.JSONDecodeError as error:
        message = f"invalid JSON: {error.msg[0].lower()}{error.msg[1:]}"
        raise InvalidInput(
            f"{source}: {message} (line {error.lineno}, column {error.colno})",
            [Diagnostic(message, source, error.lineno, error.colno)],
        ) from None
    except RecursionError:
        raise InvalidInput(
            f"{source}: JSON nested too deeply", [Diagnostic("JSON nested too deeply", source)]
        ) from None
    except ValueError:  # an integer of more than 4,300 digits
        raise InvalidInput(
            f"{source}: {TOO_MANY_DIGITS}", [Diagnostic(TOO_MANY_DIGITS, source)]
        ) from None
    refuse_unstorable_text(data, source)
    return data


def non_finite_places(text: str) -> list[tuple[Path_, str]]:
    """Where valid JSON text holds a non-finite number, with the number as written."""
    data = json.loads(
        text,
        parse_constant=_NotFinite,
        parse_float=lambda t: _NotFinite(t) if not math.isfinite(float(t)) else float(t),
    )
    return [(path, value.text) for path, value in _walk(data, ()) if isinstance(value, _NotFinite)]


def _non_finite_error(text: str, source: str) -> NonFiniteNumber:
    places = non_finite_places(text)
    diagnostics = [
        Diagnostic(
            f"{json_path(path) or 'the document'}: '{number}' is not a finite number",
            file=source,
            hint=FINITE_HINT,
        )
        for path, number in places[:50]
    ]
    first = json_path(places[0][0]) if places else ""
    where = f" at {first}" if first else ""
    return NonFiniteNumber(
        f"{source}: '{places[0][1] if places else 'NaN'}'{where} is not a finite number",
        diagnostics,
    )


TOO_MANY_DIGITS = "a number has more than 4,300 digits"
FINITE_HINT = "use an ordinary number (JSON has no NaN or Infinity)"


def _walk(value: Any, path: Path_) -> list[tuple[Path_, Any]]:
    """Every leaf and key of parsed JSON with its path (keys as `(path, key)` pairs)."""
    found: list[tuple[Path_, Any]] = []
    stack: list[tuple[Path_, Any]] = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, dict):
            for key, inner in item.items():
                found.append(((*where, key), key))
                stack.append(((*where, key), inner))
        elif isinstance(item, list):
            stack.extend(((*where, index), inner) for index, inner in enumerate(item))
        else:
            found.append((where, item))
    found.reverse()
    return found


def text_problem(text: str) -> str | None:
    """Why a text cannot be stored, or None: a NUL character or a lone surrogate."""
    if "\x00" in text:
        return "contains the NUL character (\\u0000), which text cannot hold"
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:
            return (
                f"contains a lone surrogate (\\u{ord(text[error.start]):04x}), "
                "which is not a character"
            )
    return None


def unstorable_places(data: Any) -> list[tuple[Path_, str]]:
    """Every text (or key) in parsed data that no store can keep, with the reason."""
    found = []
    for path, value in _walk(data, ()):
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                found.append((path, problem))
    return found


def refuse_unstorable_text(data: Any, source: str) -> None:
    """Raise InvalidInput naming every text (or key) in `data` that no store can keep."""
    places = unstorable_places(data)
    if places:
        diagnostics = [
            Diagnostic(f"{json_path(path) or 'the text'}: {problem}", file=source)
            for path, problem in places[:50]
        ]
        raise InvalidInput(f"{source}: {diagnostics[0].message}", diagnostics)
