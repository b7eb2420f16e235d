"""The paths view: the commonest paths into and out of a step or event, as a Sankey's nodes and links.

One SQL pass over the normalised `ev` table (the same text on every engine) counts the
units at each (position, event) and each (position, event, next event) around the
anchor; names are then kept or merged into "Other" in Python, over that small result.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any

from journeyline.errors import InvalidInput
from journeyline.events.matching import StepSpec, matchers_sql, parse_steps
from journeyline.events.metrics import END, OTHER, START, share
from journeyline.events.readers import EventLog

MAX_DEPTH = 10
"""The deepest a paths view goes on either side of the anchor."""

MAX_TOP = 50
"""The most events a paths view names at one position."""


@dataclass
class PathNode:
    """Units at one position around the anchor, under one name (an event, Other, [start], [end])."""

    id: int
    position: int
    name: str
    units: int
    share: float


@dataclass
class PathLink:
    """Units that go from one node to the next position's node."""

    source: int
    target: int
    units: int
    share: float


@dataclass
class PathsResult:
    """The Sankey of paths around an anchor: nodes by position, links between them."""

    log: dict[str, object]
    anchor: str
    depth: int
    top: int
    collapsed: bool
    units: int
    share: float
    nodes: list[PathNode]
    links: list[PathLink]

    def to_dict(self) -> dict[str, Any]:
        """JSON form: {"log", "anchor", "depth", "top", "collapsed", "units", "share",
        "nodes": [{"id", "position", "name", "units", "share"}],
        "links": [{"source", "target", "units", "share"}]}."""
        return asdict(self)


def parse_anchor(text: str) -> StepSpec:
    """The anchor of a paths view: an event as a funnel step is written (`a|b`, `name[prop=value]`)."""
    if not text.strip():
        raise InvalidInput("the paths view needs an anchor event, e.g. --around checkout")
    return parse_steps(f"{text},{text}")[0]


def _base(log: EventLog, collapse: bool) -> str:
    """The events to walk: `ev`, or with `collapse` its runs of repeats as one event each."""
    props = "".join(f", {c}" for c in log.props.values())
    if not collapse:
        return f"SELECT unit, pos, event, next_event{props} FROM ev"
    kept = (
        f"SELECT unit, pos, event{props} FROM (SELECT unit, pos, event{props}, "
        "LAG(event) OVER (PARTITION BY unit ORDER BY pos) AS prev FROM ev) r "
        "WHERE prev IS NULL OR prev <> event"
    )
    return (
        "SELECT unit, row_number() OVER (PARTITION BY unit ORDER BY pos) AS pos, event, "
        f"LEAD(event) OVER (PARTITION BY unit ORDER BY pos) AS next_event{props} FROM ({kept}) k"
    )


def paths(
    log: EventLog,
    anchor: StepSpec,
    *,
    depth: int = 3,
    top: int = 5,
    collapse: bool = False,
) -> PathsResult:
    """Paths into and out of an anchor (a step or event), as a Sankey.

    For each unit that does the anchor, its first anchor event sits at position 0, the
    `depth` events before it at −depth … −1 (paths into it) and the `depth` events after
    it at 1 … depth (paths out of it). A journey that begins less than `depth` events
    before the anchor has `[start]` just before its first event, and one that ends less
    than `depth` events after it has `[end]` just after its last; nothing lies beyond
    them. At each position the `top` events that most units have there keep their names
    (ties by name) and the rest are merged into one `Other` node. A node is a position
    and a name with the units there; a link joins a unit's nodes at consecutive
    positions, and its units are the units that take it. With `collapse`, a run of
    repeats counts as one event (a, a, b is a, b). Units that never do the anchor are
    left out: `units` counts those that do, and every share is of them.
    """
    if not 1 <= depth <= MAX_DEPTH:
        raise InvalidInput(f"the depth of a paths view is 1 … {MAX_DEPTH} (got {depth})")
    if not 1 <= top <= MAX_TOP:
        raise InvalidInput(f"the events named per position are 1 … {MAX_TOP} (got {top})")
    cond = matchers_sql(log, anchor.matchers)
    rows = log.engine.fetch(
        f"WITH b AS ({_base(log, collapse)}), "
        f"a AS (SELECT unit, MIN(CASE WHEN {cond} THEN pos END) AS apos FROM b GROUP BY unit), "
        "w AS (SELECT b.pos - a.apos AS off, b.event, b.next_event, "
        "CASE WHEN b.pos = 1 THEN 1 ELSE 0 END AS first FROM b JOIN a ON b.unit = a.unit "
        f"WHERE a.apos IS NOT NULL AND b.pos BETWEEN a.apos - {depth} AND a.apos + {depth}) "
        "SELECT off, event, next_event, first, COUNT(*) FROM w "
        "GROUP BY off, event, next_event, first"
    )
    at: dict[tuple[int, int], int] = defaultdict(int)
    for off, event, _, _, n in rows:
        at[int(off), int(event)] += int(n)
    units = sum(n for (off, _), n in at.items() if off == 0)
    named: dict[int, set[int]] = defaultdict(set)
    by_position: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for (off, event), n in at.items():
        by_position[off].append((event, n))
    for off, events in by_position.items():
        events.sort(key=lambda e: (-e[1], log.name(e[0])))
        named[off] = {e for e, _ in events[:top]}

    def label(off: int, event: int | None) -> str:
        if off == 0:
            return anchor.label
        if event is None:
            return END
        return log.name(event) if event in named[off] else OTHER

    node_units: dict[tuple[int, str], int] = defaultdict(int)
    link_units: dict[tuple[int, str, str], int] = defaultdict(int)
    for off, event, nxt, first, n in rows:
        off, n = int(off), int(n)
        here = label(off, int(event))
        node_units[off, here] += n
        if first and off > -depth:
            node_units[off - 1, START] += n
            link_units[off - 1, START, here] += n
        if off < depth:
            there = label(off + 1, None if nxt is None else int(nxt))
            link_units[off, here, there] += n
            if there == END:
                node_units[off + 1, END] += n

    def order(key: tuple[int, str]) -> tuple[int, int, int, str]:
        off, name = key
        special = 1 if name == OTHER else 2 if name in (START, END) else 0
        return (off, special, -node_units[key], name)

    nodes = [
        PathNode(i, off, name, node_units[off, name], share(node_units[off, name], units))
        for i, (off, name) in enumerate(sorted(node_units, key=order))
    ]
    ids = {(n.position, n.name): n.id for n in nodes}
    links = [
        PathLink(ids[off, a], ids[off + 1, b], n, share(n, units))
        for (off, a, b), n in link_units.items()
    ]
    links.sort(key=lambda k: (k.source, -k.units, k.target))
    return PathsResult(
        log=log.summary(),
        anchor=anchor.label,
        depth=depth,
        top=top,
        collapsed=collapse,
        units=units,
        share=share(units, log.total_units),
        nodes=nodes,
        links=links,
    )
