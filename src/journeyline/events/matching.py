"""Which events count as a step: map matchers and funnel step expressions turned into SQL.

A map step lists `EventMatcher`s (exact name, glob or regular expression, plus property
filters). A funnel step on the command line is written `a|b` (either event), with
`name[prop=value]` filters, globs (`checkout_*`), `/regex/`, and a leading `?` for an
optional step. Globs and regular expressions match the whole event name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from journeyline.errors import InvalidInput
from journeyline.events.engine import Dialect
from journeyline.model import EventMatcher

if TYPE_CHECKING:
    from journeyline.events.readers import EventLog


def glob_to_regex(pattern: str) -> str:
    """An anchored regular expression for a glob: `*` any text, `?` one character, `[ab]` a class."""
    out = ["^"]
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "*":
            out.append(".*")
        elif c == "?":
            out.append(".")
        elif c == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1 : end]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = end
        else:
            out.append(_escape(c))
        i += 1
    out.append("$")
    return "".join(out)


def _escape(c: str) -> str:
    # Character classes instead of backslashes: the same in RE2 (DuckDB) and Java (Spark).
    if c in ".^$+(){}|":
        return f"[{c}]"
    if c == "\\":
        return "\\\\"
    return c


def name_sql(d: Dialect, matcher: EventMatcher, name_col: str = "name") -> str:
    """SQL that is true for the event names this matcher selects (its property filters aside)."""
    if matcher.match == "exact":
        return f"{name_col} = {d.lit(matcher.event)}"
    if matcher.match == "glob":
        return d.regex(name_col, glob_to_regex(matcher.event))
    try:
        re.compile(matcher.event)
    except re.error as error:
        raise InvalidInput(f"regular expression '{matcher.event}' is invalid ({error})") from error
    return d.regex(name_col, f"^(?:{matcher.event})$")


def matcher_sql(log: EventLog, matcher: EventMatcher) -> str:
    """SQL over `ev` that is true for the events this matcher selects.

    The name pattern is evaluated once, by the engine, against the small table of event
    names; the events table is then filtered on the matching integer ids.
    """
    d = log.engine.dialect
    ids = log.event_ids(name_sql(d, matcher))
    cond = f"event IN ({', '.join(str(i) for i in ids)})" if ids else "1 = 0"
    for prop, value in sorted(matcher.where.items()):
        if prop not in log.props:
            raise InvalidInput(f"property '{prop}' was not read from the log; add --prop {prop}")
        cond += f" AND {log.props[prop]} = {d.lit(value)}"
    return f"({cond})"


def matched_event_ids(log: EventLog, matchers: list[EventMatcher]) -> list[int] | None:
    """The event ids the matchers select, or None when one filters on a property too (then
    the ids alone do not say which events match)."""
    if any(m.where for m in matchers):
        return None
    d = log.engine.dialect
    return sorted({i for m in matchers for i in log.event_ids(name_sql(d, m))})


def matchers_sql(log: EventLog, matchers: list[EventMatcher]) -> str:
    """SQL true for events that any of the matchers selects (false when there are none)."""
    if not matchers:
        return "(1 = 0)"
    return "(" + " OR ".join(matcher_sql(log, m) for m in matchers) + ")"


@dataclass
class StepSpec:
    """One funnel step: the events that count, its label, and whether it may be skipped."""

    label: str
    matchers: list[EventMatcher] = field(default_factory=list)
    optional: bool = False


_FILTER = re.compile(r"\[([^\]=]+)=([^\]]*)\]")


def parse_alternative(text: str) -> EventMatcher:
    """`name`, `name[prop=value]`, `glob*`, or `/regex/` as an EventMatcher."""
    text = text.strip()
    where: dict[str, str] = {}
    head = text
    bracket = _FILTER.search(text)
    if bracket and not text.startswith("/"):
        head = text[: bracket.start()]
        rest = text[bracket.start() :]
        consumed = 0
        for m in _FILTER.finditer(rest):
            if m.start() != consumed:
                raise InvalidInput(
                    f"funnel step '{text}': write filters as name[prop=value][prop=value]"
                )
            where[m.group(1).strip()] = m.group(2).strip()
            consumed = m.end()
        if consumed != len(rest):
            raise InvalidInput(
                f"funnel step '{text}': write filters as name[prop=value][prop=value]"
            )
    head = head.strip()
    if not head:
        raise InvalidInput(f"funnel step '{text}' names no event")
    if len(head) > 1 and head.startswith("/") and head.endswith("/"):
        return EventMatcher(event=head[1:-1], match="regex", where=where)
    if any(c in head for c in "*?"):
        return EventMatcher(event=head, match="glob", where=where)
    return EventMatcher(event=head, where=where)


def split_outside(text: str, sep: str) -> list[str]:
    """Split on `sep`, except inside `/regex/` and `[prop=value]`."""
    parts: list[str] = []
    current: list[str] = []
    in_regex, depth = False, 0
    for c in text:
        if c == "/" and depth == 0 and (in_regex or not "".join(current).strip()):
            in_regex = not in_regex
        elif c == "[" and not in_regex:
            depth += 1
        elif c == "]" and not in_regex and depth:
            depth -= 1
        if c == sep and not in_regex and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(c)
    parts.append("".join(current))
    return parts


def parse_steps(text: str) -> list[StepSpec]:
    """Funnel steps from `a,b|c,?d`: commas separate steps, `|` separates alternatives."""
    steps: list[StepSpec] = []
    for raw in split_outside(text, ","):
        part = raw.strip()
        if not part:
            raise InvalidInput(
                f"funnel steps '{text}' have an empty step; separate steps with single commas"
            )
        optional = part.startswith("?")
        if optional:
            part = part[1:].strip()
        matchers = [parse_alternative(a) for a in split_outside(part, "|")]
        steps.append(StepSpec(label=part, matchers=matchers, optional=optional))
    if len(steps) < 2:
        raise InvalidInput(
            "a funnel needs at least two steps, e.g. --steps 'view,cart|wishlist,purchase'"
        )
    if steps[0].optional:
        raise InvalidInput("the first funnel step cannot be optional")
    if steps[-1].optional:
        raise InvalidInput("the last funnel step cannot be optional")
    return steps


def needed_props(matchers: list[EventMatcher]) -> list[str]:
    """Property columns the matchers filter on."""
    return list(dict.fromkeys(p for m in matchers for p in m.where))
