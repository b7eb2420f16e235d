"""Turn pydantic validation errors and integrity problems into diagnostics people can act on.

Every message says what is wrong and where, in the product's words:
`unknown key 'chanel' in step 'Sign up' (did you mean 'channel'?)`.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from collections.abc import Iterable, Sequence
from enum import Enum
from typing import Any

from pydantic import BaseModel, ValidationError

from journeyline.errors import Diagnostic
from journeyline.formats.locate import Locator, Path_, locate
from journeyline.model import (
    Backstory,
    Branch,
    EventMatcher,
    Evidence,
    JourneyMap,
    LaneDefinition,
    Measured,
    Metric,
    Opportunity,
    PainPoint,
    Persona,
    Problem,
    Segment,
    SentimentScale,
    Stage,
    Step,
    Workspace,
    did_you_mean,
)

MAX_DIAGNOSTICS = 50
"""At most this many problems are reported per file; the rest are counted."""

VERSION_KEY = "journeyline"

_KINDS: dict[type[BaseModel], str] = {
    JourneyMap: "map",
    Stage: "stage",
    Step: "step",
    PainPoint: "pain point",
    Opportunity: "opportunity",
    Evidence: "evidence",
    Persona: "persona",
    Segment: "segment",
    LaneDefinition: "lane",
    Metric: "metric",
    Branch: "branch",
    EventMatcher: "event matcher",
    Measured: "measured figures",
    SentimentScale: "scale",
    Backstory: "back-story",
}

_NONE = type(None)


def kind_of(model: type[BaseModel]) -> str:
    """The product's word for a model class: Step → 'step', PainPoint → 'pain point'."""
    return _KINDS.get(model) or re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).lower()


def _members(annotation: Any) -> list[Any]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return [arg for arg in typing.get_args(annotation) if arg is not _NONE]
    return [annotation]


def _step_into(annotation: Any, part: str | int) -> Any:
    """The type found one level down: a model's field, a list's item or a dict's value."""
    for member in _members(annotation):
        origin = typing.get_origin(member)
        if isinstance(member, type) and issubclass(member, BaseModel) and isinstance(part, str):
            info = member.model_fields.get(part)
            if info is not None:
                return info.annotation
            if member is Workspace and part == VERSION_KEY:
                return int
        if origin is list and isinstance(part, int):
            return typing.get_args(member)[0]
        if origin is dict:
            return typing.get_args(member)[1]
    return None


def type_at(path: Sequence[str | int]) -> Any:
    """The annotation of the value at a document path (None when the path leaves the model)."""
    annotation: Any = Workspace
    for part in path:
        annotation = _step_into(annotation, part)
        if annotation is None:
            return None
    return annotation


def model_at(path: Sequence[str | int]) -> type[BaseModel] | None:
    """The model class of the object at a path, if it is one."""
    for member in _members(type_at(path)):
        if isinstance(member, type) and issubclass(member, BaseModel):
            return member
    return None


def _is_dict(annotation: Any) -> bool:
    return any(typing.get_origin(m) is dict for m in _members(annotation))


def expected(annotation: Any) -> str:
    """What a value of this type looks like, in words."""
    names: list[str] = []
    for member in _members(annotation):
        origin = typing.get_origin(member)
        if member is str:
            names.append("text")
        elif member is bool:
            names.append("true or false")
        elif member is int:
            names.append("a whole number")
        elif member is float:
            names.append("a number")
        elif member is dt.datetime:
            names.append("a date and time (e.g. 2024-05-01T09:30:00)")
        elif member is dt.date:
            names.append("a date (YYYY-MM-DD)")
        elif origin is list:
            names.append("a list")
        elif origin is dict:
            names.append("a mapping (key: value)")
        elif origin is typing.Literal:
            names.append("one of " + ", ".join(str(a) for a in typing.get_args(member)))
        elif isinstance(member, type) and issubclass(member, Enum):
            names.append("one of " + ", ".join(str(e.value) for e in member))
        elif isinstance(member, type) and issubclass(member, BaseModel):
            names.append(f"a mapping (the keys of a {kind_of(member)})")
        else:
            names.append(str(member))
    return " or ".join(names) or "a value"


def allowed_values(annotation: Any) -> list[str]:
    """The allowed values of an enum or Literal type (empty for other types)."""
    for member in _members(annotation):
        if typing.get_origin(member) is typing.Literal:
            return [str(a) for a in typing.get_args(member)]
        if isinstance(member, type) and issubclass(member, Enum):
            return [str(e.value) for e in member]
    return []


def found(value: Any) -> str:
    """A value as a person would describe it."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {value:g}" if isinstance(value, float) else f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "…"
        return f"the text '{shown}'"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _child(value: Any, part: str | int) -> tuple[bool, Any]:
    """(True, the child) when a dict has the key or a list the index; else (False, None)."""
    if isinstance(value, dict):
        return part in value, value.get(part)
    if isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
        return True, value[part]
    return False, None


def _get(data: Any, path: Sequence[str | int]) -> Any:
    for part in path:
        exists, data = _child(data, part)
        if not exists:
            return None
    return data


def owner(data: Any, path: Sequence[str | int]) -> str:
    """The object at a path in words: "step 'Sign up'", "stage 2 of map 'Trial'", "the top level"."""
    if not path:
        return "the top level"
    model = model_at(path)
    kind = kind_of(model) if model else str(path[-1])
    item = _get(data, path)
    if isinstance(item, dict):
        for key in ("name", "id", "label", "event"):
            label = item.get(key)
            if isinstance(label, str) and label:
                return f"{kind} '{label}'"
    if isinstance(path[-1], int):
        parent = _container(path[:-2])
        return f"{kind} {path[-1] + 1}" + (
            f" of {owner(data, parent)}" if parent is not None else ""
        )
    return f"{kind} of {owner(data, path[:-1])}" if model else kind


def _container(path: Sequence[str | int]) -> tuple[str | int, ...] | None:
    """The nearest enclosing object path (skipping list indexes), or None at the top."""
    return tuple(path) if path else None


def resolve(data: Any, loc: Sequence[str | int]) -> tuple[str | int, ...]:
    """The part of a pydantic `loc` that names values in the data (drops union-member tags)."""
    path: list[str | int] = []
    current = data
    for part in loc:
        exists, child = _child(current, part)
        if exists:
            current = child
            path.append(part)
    return tuple(path)


def subject(data: Any, path: Sequence[str | int]) -> str:
    """The spot a path names, in words: "'emotion' of step 'Sign up'", "item 2 of 'personas'"."""
    if not path:
        return "the top level"
    last, parent = path[-1], tuple(path[:-1])
    if isinstance(last, int):
        return (
            f"item {last + 1} of '{parent[-1]}'" + _of(data, parent[:-1])
            if parent
            else "the top level"
        )
    if _is_dict(type_at(parent)) and parent:
        return f"'{parent[-1]}' entry '{last}'" + _of(data, parent[:-1])
    return f"'{last}'" + _of(data, parent)


def _of(data: Any, path: Sequence[str | int]) -> str:
    return "" if not path else f" of {owner(data, path)}"


def _suggest(word: str, choices: Sequence[str], listing: str = "allowed") -> str:
    guess = did_you_mean(word, choices)
    if guess:
        return f"did you mean '{guess}'?"
    shown = ", ".join(choices[:12]) + (" …" if len(choices) > 12 else "")
    return f"{listing}: {shown}"


def explain(
    error: dict[str, Any], data: Any
) -> tuple[tuple[str | int, ...], bool, str, str | None]:
    """One pydantic error → (path, at_key, message, hint)."""
    kind = error["type"]
    path = resolve(data, error["loc"])
    value = error.get("input")
    if kind == "extra_forbidden":
        key = str(path[-1]) if path else str(error["loc"][-1])
        model = model_at(path[:-1]) if path else Workspace
        names = list(model.model_fields) if model else []
        if not path[:-1]:
            names = [VERSION_KEY, *names]
        return (
            path,
            True,
            f"unknown key '{key}' in {owner(data, path[:-1])}",
            _suggest(key, names, "allowed keys"),
        )
    if kind == "missing":
        field = str(error["loc"][-1])
        where = owner(data, path)
        return path, False, f"missing key '{field}' in {where}", f"add '{field}: …'"
    annotation = type_at(path)
    if kind in ("enum", "literal_error"):
        choices = allowed_values(annotation)
        shown = ", ".join(choices)
        hint = (
            f"did you mean '{did_you_mean(str(value), choices)}'?"
            if did_you_mean(str(value), choices)
            else None
        )
        shown_value = value if isinstance(value, str) else found(value)
        if path and isinstance(path[-1], str) and not _is_dict(type_at(path[:-1])):
            message = (
                f"invalid {path[-1]} '{shown_value}' in {owner(data, path[:-1])}; allowed: {shown}"
            )
        else:
            message = f"invalid value '{shown_value}' for {subject(data, path)}; allowed: {shown}"
        return path, False, message, hint
    if kind == "value_error":
        detail = str(error.get("ctx", {}).get("error", error["msg"]))
        return path, False, f"{subject(data, path)}: {detail}", None
    if kind in _CONSTRAINTS:
        detail = error["msg"].replace("Input should be", "should be")
        return path, False, f"{subject(data, path)} {detail}, found {found(value)}", None
    # Anything else is a value of the wrong type.
    hint = _type_hint(annotation, value)
    detail = ""
    if kind.startswith(("date", "datetime")) and error.get("ctx", {}).get("error"):
        detail = f" ({error['ctx']['error']})"
    message = (
        f"{subject(data, path)} should be {expected(annotation)}, found {found(value)}{detail}"
    )
    return path, False, message, hint


_CONSTRAINTS = {
    "greater_than",
    "greater_than_equal",
    "less_than",
    "less_than_equal",
    "too_short",
    "too_long",
    "string_pattern_mismatch",
    "multiple_of",
}


def _type_hint(annotation: Any, value: Any) -> str | None:
    members = _members(annotation)
    if str in members and isinstance(value, bool | int | float):
        shown = "true" if value is True else "false" if value is False else str(value)
        return f"put it in quotes to make it text: '{shown}'"
    if any(typing.get_origin(m) is list for m in members) and isinstance(value, str | int | float):
        return "write a list, one item per line starting with '- '"
    if any(isinstance(m, type) and issubclass(m, BaseModel) for m in members) and isinstance(
        value, str
    ):
        return f"write keys, e.g. 'name: {value}'"
    return None


def validation_diagnostics(
    error: ValidationError, data: Any, locator: Locator, filename: str
) -> list[Diagnostic]:
    """Every pydantic error of one file as a located diagnostic (one per place)."""
    diagnostics: list[Diagnostic] = []
    seen: set[tuple[tuple[str | int, ...], str]] = set()
    for item in error.errors(include_url=False):
        path, at_key, message, hint = explain(dict(item), data)
        marker = (path, item["type"] if item["type"] in ("extra_forbidden", "missing") else "value")
        if marker in seen:
            continue  # a union reports one error per member; one message says it all
        seen.add(marker)
        line, column = locate(locator, path, key=at_key) or (None, None)
        diagnostics.append(Diagnostic(message, filename, line, column, hint))
    return diagnostics


def problem_diagnostics(
    problems: Iterable[Problem], locator: Locator, filename: str, path_prefix: Path_ = ()
) -> list[Diagnostic]:
    """Integrity problems as located diagnostics (dict entries point at their key)."""
    diagnostics: list[Diagnostic] = []
    for problem in problems:
        loc = path_prefix + tuple(problem.loc)
        at_key = bool(loc) and isinstance(loc[-1], str) and _is_dict(type_at(problem.loc[:-1]))
        line, column = locate(locator, loc, key=at_key) or (None, None)
        diagnostics.append(
            Diagnostic(problem.message, filename, line, column, problem.hint, problem.severity)
        )
    return diagnostics


def capped(diagnostics: list[Diagnostic], filename: str) -> list[Diagnostic]:
    """At most MAX_DIAGNOSTICS, sorted by place, with a last line saying how many were left out."""
    ordered = sorted(diagnostics, key=lambda d: (d.file or "", d.line or 0, d.column or 0))
    if len(ordered) <= MAX_DIAGNOSTICS:
        return ordered
    left = len(ordered) - MAX_DIAGNOSTICS
    return [
        *ordered[:MAX_DIAGNOSTICS],
        Diagnostic(f"… and {left} more problems", filename, hint="fix the ones above first"),
    ]
