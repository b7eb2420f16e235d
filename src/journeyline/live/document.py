"""A map as one shared document (pycrdt): build it, read it, repair it, edit it, check updates.

The layout (which shared type holds which field) is journeyline.live.layout; the server's
rooms, the REST API and revisions use the functions here, the board (Yjs) reads the same
layout. Text fields are Y.Text edited by minimal diffs, elements are entries keyed by id
and ordered by fractional positions, and a delete removes the entry, so it wins over any
concurrent edit inside it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from difflib import SequenceMatcher
from typing import Any

from pycrdt import Array, Doc, Map, Text

from journeyline.errors import Diagnostic, InvalidInput
from journeyline.live.checks import RefusedUpdate, UpdateChecker, check_update
from journeyline.live.layout import (
    BACKSTORY,
    COLLECTIONS,
    KINDS,
    LAYOUT,
    LAYOUT_VERSION,
    MAP,
    POSITION_KEY,
    STAGE_KEY,
    Kind,
)
from journeyline.live.positions import is_key, keys_between
from journeyline.live.reading import (
    ABSENT,
    DEFAULTS,
    REPAIR_ORIGIN,
    SHAPES,
    RepairWatch,
    pending_repairs,
    plain,
    read_map,
    repair,
    repair_touched,
    roots_of,
)
from journeyline.model import Element, JourneyMap, Lane, assign_map_ids

__all__ = [
    "LAYOUT",
    "REPAIR_ORIGIN",
    "RefusedUpdate",
    "RepairWatch",
    "UpdateChecker",
    "apply_map",
    "check_update",
    "new_doc",
    "pending_repairs",
    "read_map",
    "repair",
    "repair_touched",
]


# --- writing -------------------------------------------------------------------------------------


def _elements(journey: JourneyMap) -> Iterator[Element]:
    for stage in journey.stages:
        yield stage
        yield from stage.steps
    yield from journey.pain_points
    yield from journey.opportunities
    yield from journey.evidence


def _unique_ids(journey: JourneyMap) -> JourneyMap:
    """The map with every id filled in (a copy when some were missing); InvalidInput when two
    elements share an id."""
    if not all(element.id for element in _elements(journey)):
        journey = assign_map_ids(journey.model_copy(deep=True))
    seen: dict[str, str] = {}
    problems = []
    elements: list[tuple[str, str]] = []
    for stage in journey.stages:
        elements.append(("stage", stage.id))
        elements.extend(("step", step.id) for step in stage.steps)
    elements.extend(("pain point", p.id) for p in journey.pain_points)
    elements.extend(("opportunity", o.id) for o in journey.opportunities)
    elements.extend(("evidence", e.id) for e in journey.evidence)
    for what, element_id in elements:
        if element_id in seen:
            problems.append(
                Diagnostic(
                    f"duplicate id '{element_id}' ({what})",
                    hint=f"already used by a {seen[element_id]}; ids must be unique in a map",
                )
            )
        else:
            seen[element_id] = what
    if problems:
        raise InvalidInput("the map has duplicate ids; nothing was changed", problems)
    return journey


def _lane_ids(journey_data: dict[str, Any]) -> list[str]:
    """The map's custom lanes (not built-in): each step gets an empty Y.Text for each."""
    builtin = {lane.value for lane in Lane}
    return [lane for lane in journey_data.get("lanes") or [] if lane not in builtin]


def _prelim(kind: Kind, values: dict[str, Any], extra_lanes: Iterable[str] = ()) -> Map[Any]:
    """A new entry: every text, list and lane map created at once (so concurrent first
    edits merge), plain fields only where they differ from the default."""
    defaults = DEFAULTS[kind.name]
    content: dict[str, Any] = {}
    for field, shape in SHAPES[kind.name].items():
        value = values.get(field)
        if shape == "text":
            content[field] = Text(value or "")
        elif shape in ("list", "id_list"):
            content[field] = Array(list(value or []))
        elif shape == "text_map":
            lanes = dict.fromkeys(extra_lanes, "")
            lanes.update(value or {})
            content[field] = Map({k: Text(v) for k, v in lanes.items()})
        elif field in values and values[field] != defaults.get(field, ABSENT):
            content[field] = value
    return Map(content)


def _root_fill(kind: Kind, root: Map[Any], values: dict[str, Any]) -> None:
    entry = _prelim(kind, values)
    for key, value in (entry.prelim or {}).items():
        root[key] = value


def _ordered_elements(
    data: dict[str, Any],
) -> dict[str, list[tuple[str, dict[str, Any], str | None]]]:
    """Per collection: (id, fields, stage id for steps) in the map's order."""
    out: dict[str, list[tuple[str, dict[str, Any], str | None]]] = {
        name: [] for name in COLLECTIONS
    }
    for stage in data["stages"]:
        out["stages"].append((stage["id"], stage, None))
        for step in stage["steps"]:
            out["steps"].append((step["id"], step, stage["id"]))
    for name in ("pain_points", "opportunities", "evidence"):
        out[name] = [(item["id"], item, None) for item in data[name]]
    return out


def new_doc(journey: JourneyMap) -> Doc[Any]:
    """A new live document holding the map (layout 1)."""
    journey = _unique_ids(journey)
    data = journey.model_dump(mode="json")
    doc: Doc[Any] = Doc()
    roots = roots_of(doc)
    lanes = _lane_ids(data)
    with doc.transaction(origin="new"):
        roots["meta"]["layout"] = LAYOUT_VERSION
        _root_fill(MAP, roots["map"], data)
        _root_fill(BACKSTORY, roots["backstory"], data["backstory"])
        for name, elements in _ordered_elements(data).items():
            kind = KINDS[name]
            groups: dict[str | None, list[str]] = {}
            for element_id, _, group in elements:
                groups.setdefault(group, []).append(element_id)
            pos: dict[str, str] = {}
            for ids in groups.values():
                pos.update(zip(ids, keys_between(None, None, len(ids)), strict=True))
            root = roots[name]
            for element_id, values, group in elements:
                entry = _prelim(kind, values, lanes if name == "steps" else ())
                assert entry.prelim is not None
                entry.prelim[POSITION_KEY] = pos[element_id]
                if group is not None:
                    entry.prelim[STAGE_KEY] = group
                root[element_id] = entry
    return doc


def set_text(text: Text, new: str) -> None:
    """Edit a Y.Text into `new` by a minimal diff: common prefix and suffix kept.

    pycrdt indexes text by UTF-8 bytes, so the code-point diff is converted to bytes.
    """
    old = str(text)
    if old == new:
        return
    limit = min(len(old), len(new))
    prefix = 0
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    start = len(old[:prefix].encode("utf-8"))
    removed = len(old[prefix : len(old) - suffix].encode("utf-8"))
    if removed:
        del text[start : start + removed]
    inserted = new[prefix : len(new) - suffix]
    if inserted:
        text.insert(start, inserted)


def set_list(array: Array[Any], new: list[Any]) -> None:
    """Edit a Y.Array into `new` keeping the items both share (a minimal sequence diff)."""
    old = list(array)
    if old == new:
        return
    try:
        opcodes = SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes()
    except TypeError:  # unhashable garbage in the array: start it over
        array.clear()
        array.extend(list(new))
        return
    for tag, i1, i2, j1, j2 in reversed(opcodes):
        if tag in ("replace", "delete"):
            del array[i1:i2]
        if tag in ("replace", "insert"):
            for offset, item in enumerate(new[j1:j2]):
                array.insert(i1 + offset, item)


def _text_value(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _sync_fields(
    kind: Kind,
    entry: Map[Any],
    current: dict[str, Any],
    values: dict[str, Any],
    extra_lanes: Iterable[str] = (),
) -> None:
    """Make one entry hold `values`, touching only the fields that differ."""
    defaults = DEFAULTS[kind.name]
    shapes = SHAPES[kind.name]
    for key in current:
        if key not in shapes and not (
            kind.name in COLLECTIONS and key in (POSITION_KEY, STAGE_KEY)
        ):
            del entry[key]
    for field, shape in shapes.items():
        new = values.get(field)
        old = current.get(field, ABSENT)
        if shape == "text":
            if old is not ABSENT and _text_value(old) == (new or "") and isinstance(old, str):
                continue
            shared = entry.get(field)
            if isinstance(shared, Text):
                set_text(shared, new or "")
            else:
                entry[field] = Text(new or "")
        elif shape in ("list", "id_list"):
            wanted = list(new or [])
            if old == wanted:
                continue
            shared = entry.get(field)
            if isinstance(shared, Array):
                set_list(shared, wanted)
            else:
                entry[field] = Array(wanted)
        elif shape == "text_map":
            wanted_lanes = dict.fromkeys(extra_lanes, "")
            wanted_lanes.update(new or {})
            if old == wanted_lanes:
                continue
            shared = entry.get(field)
            if not isinstance(shared, Map):
                entry[field] = Map({k: Text(v) for k, v in wanted_lanes.items()})
                continue
            for lane in list(shared.keys()):
                if lane not in wanted_lanes:
                    del shared[lane]
            for lane, text in wanted_lanes.items():
                cell = shared.get(lane)
                if isinstance(cell, Text):
                    set_text(cell, text)
                else:
                    shared[lane] = Text(text)
        else:
            default = defaults.get(field, ABSENT)
            if field not in values:
                if old is not ABSENT:
                    del entry[field]
                continue
            if (default if old is ABSENT else old) == new:
                continue
            if new == default:
                del entry[field]
            else:
                entry[field] = new


def _longest_increasing(positions: list[str | None]) -> set[int]:
    """Indexes of a longest strictly increasing run of keys (None and invalid keys skipped)."""
    tails: list[int] = []
    previous: dict[int, int | None] = {}
    for index, pos in enumerate(positions):
        if pos is None:
            continue
        lo, hi = 0, len(tails)
        while lo < hi:
            mid = (lo + hi) // 2
            tail = positions[tails[mid]]
            assert tail is not None
            if tail < pos:
                lo = mid + 1
            else:
                hi = mid
        previous[index] = tails[lo - 1] if lo > 0 else None
        if lo == len(tails):
            tails.append(index)
        else:
            tails[lo] = index
    kept: set[int] = set()
    cursor: int | None = tails[-1] if tails else None
    while cursor is not None:
        kept.add(cursor)
        cursor = previous[cursor]
    return kept


def _place(order: list[str], current: dict[str, Any], group: str | None) -> dict[str, str]:
    """Positions for elements in `order` (one stage's steps, or a whole collection):
    existing ones kept where they are still in order, moved and new ones generated between
    their kept neighbours. A step that comes from another stage gets a new position."""
    existing: list[str | None] = []
    for element_id in order:
        entry = current.get(element_id)
        pos = entry.get(POSITION_KEY) if isinstance(entry, dict) else None
        if group is not None and isinstance(entry, dict) and entry.get(STAGE_KEY) != group:
            pos = None
        existing.append(pos if is_key(pos) else None)
    kept = _longest_increasing(existing)
    result: dict[str, str] = {}
    index = 0
    while index < len(order):
        if index in kept:
            pos = existing[index]
            assert pos is not None
            result[order[index]] = pos
            index += 1
            continue
        run_end = index
        while run_end < len(order) and run_end not in kept:
            run_end += 1
        before = result[order[index - 1]] if index > 0 else None
        after = existing[run_end] if run_end < len(order) else None
        for offset, key in enumerate(keys_between(before, after, run_end - index)):
            result[order[index + offset]] = key
        index = run_end
    return result


def apply_map(doc: Doc[Any], new: JourneyMap, *, origin: Any = "rest") -> None:
    """Make the document hold `new` in one transaction that changes only what differs.

    Texts are edited by diffs, positions kept while the order holds, a moved step changes
    its `stage` and `pos`, a removed element is deleted. This is how a REST or CLI edit
    becomes a live transaction. InvalidInput when `new` has duplicate ids.

    The diff is two-way (document -> `new`): edit a map read from this document in the same
    step (read_map, change, apply_map, with no await between), or anything typed live since
    `new` was read is reverted; a REST client's stale copy is refused by If-Match first.
    """
    journey = _unique_ids(new)
    data = journey.model_dump(mode="json")
    roots = roots_of(doc)
    lanes = _lane_ids(data)
    with doc.transaction(origin=origin):
        if roots["meta"].get("layout") != LAYOUT_VERSION:
            roots["meta"]["layout"] = LAYOUT_VERSION
        _sync_fields(MAP, roots["map"], plain(roots["map"]), data)
        _sync_fields(BACKSTORY, roots["backstory"], plain(roots["backstory"]), data["backstory"])
        for name, elements in _ordered_elements(data).items():
            kind = KINDS[name]
            root = roots[name]
            current: dict[str, Any] = plain(root)
            wanted = {element_id for element_id, _, _ in elements}
            for element_id in list(current):
                if element_id not in wanted:
                    del root[element_id]
            groups: dict[str | None, list[str]] = {}
            for element_id, _, group in elements:
                groups.setdefault(group, []).append(element_id)
            pos: dict[str, str] = {}
            for group_id, ids in groups.items():
                pos.update(_place(ids, current, group_id))
            extra = lanes if name == "steps" else ()
            for element_id, values, group in elements:
                old = current.get(element_id)
                entry = root.get(element_id) if isinstance(old, dict) else None
                if not isinstance(entry, Map):
                    prelim = _prelim(kind, values, extra)
                    assert prelim.prelim is not None
                    prelim.prelim[POSITION_KEY] = pos[element_id]
                    if group is not None:
                        prelim.prelim[STAGE_KEY] = group
                    root[element_id] = prelim
                    continue
                assert isinstance(old, dict)
                _sync_fields(kind, entry, old, values, extra)
                if old.get(POSITION_KEY) != pos[element_id]:
                    entry[POSITION_KEY] = pos[element_id]
                if group is not None and old.get(STAGE_KEY) != group:
                    entry[STAGE_KEY] = group
