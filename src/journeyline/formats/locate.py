"""Parse YAML and JSON into plain data while remembering where every value came from.

A `Locator` answers "at which line and column is the value (or the key) at this path?",
so that a pydantic error's `loc` or an integrity `Problem.loc` becomes `file:line:column`.
YAML is composed into nodes (which carry marks) with PyYAML's C parser when available;
JSON is parsed by the json module and only re-scanned for positions when there are errors.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import yaml

from journeyline.errors import Diagnostic
from journeyline.formats import strict_json

Path_ = tuple[str | int, ...]
Position = tuple[int, int]
"""A 1-based (line, column)."""

MAX_ALIAS_EXPANSION = 100_000
"""Values an alias may repeat, in total, before a file counts as an alias bomb."""


class _SafeLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's safe loader (libyaml's parser when available) with a memo for tag resolution.

    Resolving a plain scalar's tag runs regular expressions in Python for every key and
    value; keys and short values repeat a lot, so their tags are remembered.
    """

    _memo: dict[tuple[type, str, tuple[bool, bool]], str] = {}  # noqa: RUF012 - a shared cache

    def resolve(self, kind: type, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode and isinstance(value, str) and len(value) <= 40:
            key = (kind, value, tuple(implicit))
            tag = self._memo.get(key)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(self._memo) < 50_000:
                    self._memo[key] = tag
            return tag
        return super().resolve(kind, value, implicit)


_SCALAR_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_MERGE_TAG = "tag:yaml.org,2002:merge"


class ParseFailure(Exception):
    """The text is not well-formed: the diagnostics say where (file, line, column)."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("; ".join(d.render() for d in diagnostics))
        self.diagnostics = diagnostics


class Locator(Protocol):
    """Positions of the values and keys in one parsed document."""

    def value_at(self, path: Path_) -> Position | None:
        """Where the value at exactly this path starts, or None when there is no such value."""

    def key_at(self, path: Path_) -> Position | None:
        """Where the mapping key of the entry at this path starts, or None."""


def locate(locator: Locator, path: Sequence[str | int], *, key: bool = False) -> Position | None:
    """The position of a path, falling back to the nearest enclosing value that exists."""
    parts = tuple(path)
    if key and parts:
        found = locator.key_at(parts)
        if found is not None:
            return found
    while True:
        found = locator.value_at(parts)
        if found is not None:
            return found
        if not parts:
            return None
        parts = parts[:-1]


# --- YAML -------------------------------------------------------------------------------------


@dataclass
class YamlLocator:
    """Finds positions by walking the composed node tree (only done for diagnostics)."""

    root: yaml.Node | None

    def _entry(self, path: Path_) -> tuple[yaml.Node | None, yaml.Node | None]:
        node, key_node = self.root, None
        for part in path:
            if node is None:
                return None, None
            if isinstance(node, yaml.MappingNode):
                key_node, node = _mapping_lookup(node, part)
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                key_node = None
                node = node.value[part] if 0 <= part < len(node.value) else None
            else:
                return None, None
        return key_node, node

    def value_at(self, path: Path_) -> Position | None:
        _, node = self._entry(path)
        return _mark(node) if node is not None else None

    def key_at(self, path: Path_) -> Position | None:
        key_node, _ = self._entry(path)
        return _mark(key_node) if key_node is not None else None


def _mapping_lookup(
    node: yaml.MappingNode, part: str | int
) -> tuple[yaml.Node | None, yaml.Node | None]:
    found: tuple[yaml.Node | None, yaml.Node | None] = (None, None)
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.tag == _MERGE_TAG:
            continue
        if isinstance(key_node, yaml.ScalarNode) and str(_scalar(key_node)) == str(part):
            found = (key_node, value_node)
    if found[1] is None:
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag == _MERGE_TAG:
                for merged in (
                    value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                ):
                    if isinstance(merged, yaml.MappingNode):
                        inner = _mapping_lookup(merged, part)
                        if inner[1] is not None:
                            return inner
    return found


def _mark(node: yaml.Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _scalar(node: yaml.ScalarNode) -> Any:
    """The Python value of a scalar; timestamps stay text (the model parses dates itself)."""
    tag = node.tag
    if tag == "tag:yaml.org,2002:str":
        return node.value
    if tag == "tag:yaml.org,2002:timestamp":
        return node.value
    constructor = _SCALAR_CONSTRUCTOR.yaml_constructors.get(tag)
    if constructor is None:
        return node.value
    return constructor(_SCALAR_CONSTRUCTOR, node)


@dataclass
class _Builder:
    """Turns composed YAML nodes into dicts, lists and scalars, collecting problems on the way."""

    filename: str
    problems: list[Diagnostic] = field(default_factory=list)
    expanded: int = 0
    seen: set[int] = field(default_factory=set)
    stack: set[int] = field(default_factory=set)

    def problem(self, node: yaml.Node, message: str, hint: str | None = None) -> None:
        line, column = _mark(node)
        self.problems.append(Diagnostic(message, self.filename, line, column, hint))

    def build(self, node: yaml.Node) -> Any:
        ident = id(node)
        if ident in self.stack:
            self.problem(
                node, "an alias refers to the value that contains it", "remove the recursive alias"
            )
            return None
        aliased = ident in self.seen and not isinstance(node, yaml.ScalarNode)
        self.seen.add(ident)
        if aliased:
            self.expanded += _count_nodes(node, MAX_ALIAS_EXPANSION + 1)
            if self.expanded > MAX_ALIAS_EXPANSION:
                self.problem(
                    node,
                    f"aliases expand to more than {MAX_ALIAS_EXPANSION:,} values",
                    "the file looks like an alias bomb; write the values out instead",
                )
                raise _Abort
        if isinstance(node, yaml.ScalarNode):
            value = _scalar(node)
            if isinstance(value, float) and not math.isfinite(value):
                self.problem(
                    node, f"'{node.value}' is not a finite number", "use an ordinary number"
                )
                return None
            if isinstance(value, bytes | set):
                self.problem(node, f"unsupported YAML type {node.tag}", "use plain text")
                return None
            return value
        self.stack.add(ident)
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item) for item in node.value]
            if isinstance(node, yaml.MappingNode):
                return self.build_mapping(node)
        finally:
            self.stack.discard(ident)
        return None  # pragma: no cover - compose yields no other node kinds

    def build_mapping(self, node: yaml.MappingNode) -> dict[str, Any]:
        result: dict[str, Any] = {}
        keys: dict[str, yaml.Node] = {}
        merges: list[yaml.Node] = []
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag == _MERGE_TAG:
                merges.append(value_node)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, "a key must be plain text, not a list or mapping", None)
                continue
            raw = _scalar(key_node)
            key = raw if isinstance(raw, str) else str(key_node.value)
            if key in keys:
                first_line, first_column = _mark(keys[key])
                self.problem(
                    key_node,
                    f"duplicate key '{key}'",
                    f"already set at line {first_line}, column {first_column}; keep one",
                )
                continue
            keys[key] = key_node
            result[key] = self.build(value_node)
        for merge in merges:
            sources = merge.value if isinstance(merge, yaml.SequenceNode) else [merge]
            for source in sources:
                data = self.build(source)
                if not isinstance(data, dict):
                    self.problem(source, "a '<<' merge needs a mapping", None)
                    continue
                for key, value in data.items():
                    result.setdefault(key, value)
        return result


class _Abort(Exception):
    """Stop building: the input is hostile or hopeless."""


def _count_nodes(node: yaml.Node, limit: int) -> int:
    count, todo = 0, [node]
    while todo and count < limit:
        current = todo.pop()
        count += 1
        if isinstance(current, yaml.SequenceNode):
            todo.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            for key_node, value_node in current.value:
                todo.append(key_node)
                todo.append(value_node)
    return count


def parse_yaml(text: str, filename: str) -> tuple[Any, YamlLocator]:
    """YAML text → plain data and a locator; raises ParseFailure on any problem."""
    try:
        root = yaml.compose(text, Loader=_SafeLoader)
    except yaml.MarkedYAMLError as error:
        raise ParseFailure([_yaml_error(error, filename)]) from None
    except yaml.YAMLError as error:
        raise ParseFailure([Diagnostic(f"not valid YAML: {error}", filename)]) from None
    builder = _Builder(filename)
    data: Any = None
    if root is not None:
        with contextlib.suppress(_Abort):
            data = builder.build(root)
    if builder.problems:
        raise ParseFailure(builder.problems)
    return data, YamlLocator(root)


def _yaml_error(error: yaml.MarkedYAMLError, filename: str) -> Diagnostic:
    mark = error.problem_mark or error.context_mark
    problem = (error.problem or "not valid YAML").strip()
    context = (error.context or "").strip()
    message = f"{context}: {problem}" if context and "while" not in context else problem
    if context.startswith("while"):
        message = f"{problem} ({context})"
    hint = _yaml_hint(problem)
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    return Diagnostic(f"invalid YAML: {message}", filename, line, column, hint)


def _yaml_hint(problem: str) -> str | None:
    if "mapping values are not allowed" in problem:
        return "a text value containing ': ' must be quoted"
    if "found character '\\t'" in problem or "'\\t'" in problem:
        return "indent with spaces, not tabs"
    if "could not find expected ':'" in problem:
        return "check the indentation of this and the line before"
    if "found undefined alias" in problem:
        return "define the anchor (&name) before using the alias (*name)"
    return None


# --- JSON -------------------------------------------------------------------------------------


def parse_json(text: str, filename: str) -> tuple[Any, JsonLocator]:
    """JSON text → plain data and a (lazy) locator; raises ParseFailure on malformed JSON.

    As strict as `strict_json.loads` about numbers (no NaN, Infinity or overflowing
    numbers), with each problem's line and column.
    """
    try:
        data = json.loads(
            text,
            parse_constant=strict_json.refuse_constant,
            parse_float=strict_json.finite_float,
            object_pairs_hook=_Pairs,
        )
    except json.JSONDecodeError as error:
        message = f"invalid JSON: {error.msg[0].lower()}{error.msg[1:]}"
        hint = _json_hint(error.msg)
        raise ParseFailure(
            [Diagnostic(message, filename, error.lineno, error.colno, hint)]
        ) from None
    except strict_json.NonFinite:
        locator = JsonLocator(text)
        problems = []
        for path, number in strict_json.non_finite_places(text)[:50]:
            line, column = locate(locator, path) or (None, None)
            message = f"'{number}' is not a finite number"
            problems.append(Diagnostic(message, filename, line, column, strict_json.FINITE_HINT))
        raise ParseFailure(problems) from None
    except ValueError:  # an integer of more than 4,300 digits
        raise ParseFailure([Diagnostic(strict_json.TOO_MANY_DIGITS, filename)]) from None
    except RecursionError:
        raise ParseFailure([Diagnostic("JSON nested too deeply", filename)]) from None
    locator = JsonLocator(text)
    duplicates = _duplicates(data, ())
    if duplicates:
        problems = []
        for path in duplicates[:50]:
            line, column = locate(locator, path, key=True) or (None, None)
            problems.append(
                Diagnostic(f"duplicate key '{path[-1]}'", filename, line, column, "keep one")
            )
        raise ParseFailure(problems)
    # Text is kept as written (a file may hold any character); the stores refuse what they
    # cannot keep when a file is imported (store.transfer.read_upload).
    return _plain(data), locator


class _Pairs(list[tuple[str, Any]]):
    """Keeps every key of a JSON object so that duplicates can be reported."""


def _duplicates(value: Any, path: Path_) -> list[Path_]:
    found: list[Path_] = []
    if isinstance(value, _Pairs):
        seen: set[str] = set()
        for key, item in value:
            if key in seen:
                found.append((*path, key))
            seen.add(key)
            found.extend(_duplicates(item, (*path, key)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found.extend(_duplicates(item, (*path, i)))
    return found


def _plain(value: Any) -> Any:
    if isinstance(value, _Pairs):
        return {key: _plain(item) for key, item in value}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _json_hint(message: str) -> str | None:
    if message.startswith("Expecting property name"):
        return "keys must be in double quotes; no trailing comma before '}'"
    if message.startswith("Expecting ',' delimiter"):
        return "a comma is missing between two values"
    if message.startswith("Expecting value"):
        return "a value is missing here (or there is a trailing comma)"
    if message.startswith("Invalid control character"):
        return "write line breaks inside text as \\n"
    return None


_TOKEN = re.compile(r'\s*(?:(")|([{}\[\],:])|(-?\d[\d.eE+\-]*|true|false|null|NaN|-?Infinity))')
_STRING_BODY = re.compile(r'(?:[^"\\]|\\.)*"', re.DOTALL)


@dataclass
class JsonLocator:
    """Positions in JSON text; the text is scanned (once) only when a position is asked for."""

    text: str
    _values: dict[Path_, int] | None = None
    _keys: dict[Path_, int] = field(default_factory=dict)
    _line_starts: list[int] = field(default_factory=list)

    def position_of(self, offset: int) -> Position:
        if not self._line_starts:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1

    def _index(self) -> dict[Path_, int]:
        if self._values is None:
            self._values = {}
            with contextlib.suppress(IndexError, ValueError):  # positions found so far still hold
                self._scan_value(0, ())
        return self._values

    def value_at(self, path: Path_) -> Position | None:
        offset = self._index().get(path)
        return self.position_of(offset) if offset is not None else None

    def key_at(self, path: Path_) -> Position | None:
        self._index()
        offset = self._keys.get(path)
        return self.position_of(offset) if offset is not None else None

    def _token(self, pos: int) -> tuple[str, int, int]:
        match = _TOKEN.match(self.text, pos)
        if match is None:
            raise ValueError(pos)
        start = match.end() - 1 if match.group(1) else match.start(match.lastindex or 0)
        if match.group(1):
            body = _STRING_BODY.match(self.text, match.end())
            if body is None:
                raise ValueError(pos)
            return '"', start, body.end()
        return match.group(match.lastindex or 0), start, match.end()

    def _scan_value(self, pos: int, path: Path_) -> int:
        token, start, end = self._token(pos)
        assert self._values is not None
        self._values[path] = start
        if token == "{":
            token, start, after = self._token(end)
            if token == "}":
                return after
            while True:
                key = json.loads(self.text[start:after])
                self._keys[(*path, key)] = start
                _, _, end = self._token(after)  # the ':'
                end = self._scan_value(end, (*path, key))
                token, _, end = self._token(end)
                if token == "}":
                    return end
                token, start, after = self._token(end)
        if token == "[":
            index = 0
            token, start, after = self._token(end)
            if token == "]":
                return after
            end = self._scan_value(end, (*path, index))
            while True:
                token, _, end = self._token(end)
                if token == "]":
                    return end
                index += 1
                end = self._scan_value(end, (*path, index))
        return end
