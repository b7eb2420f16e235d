"""Reading a live map document: its entries as the model's data, and the repair rules.

The repair rules turn a merged document whose references concurrency broke back into a
valid map; `read_map` applies them to its reading, `repair` to the document itself (the
server does, after every merge). docs/format.md ("The live document") states each rule.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

from pycrdt import Array, Doc, Map, Text
from pydantic import ValidationError

from journeyline.live.layout import (
    BACKSTORY,
    COLLECTIONS,
    KINDS,
    MAP,
    POSITION_KEY,
    ROOTS,
    STAGE_KEY,
    Kind,
)
from journeyline.model import JourneyMap
from journeyline.model.base import ID_PATTERN

REPAIR_ORIGIN = "repair"
"""The origin of the server's repair transactions."""

ID_RE = re.compile(ID_PATTERN)
ABSENT: Any = object()
_FIELDS: dict[str, frozenset[str]] = {name: frozenset(kind.fields) for name, kind in KINDS.items()}
SHAPES: dict[str, dict[str, str]] = {
    name: {field: kind.shape(field) for field in kind.fields} for name, kind in KINDS.items()
}
_REQUIRED_TEXT: dict[str, frozenset[str]] = {
    name: frozenset(kind.required_text()) for name, kind in KINDS.items()
}
DEFAULTS: dict[str, dict[str, Any]] = {name: kind.defaults() for name, kind in KINDS.items()}


# --- reading -------------------------------------------------------------------------------------


def roots_of(doc: Doc[Any]) -> dict[str, Map[Any]]:
    return {name: doc.get(name, type=Map) for name in ROOTS}


def plain(shared: Map[Any]) -> dict[str, Any]:
    """A shared map as plain Python data (texts as strings), converted in one pass by yrs's
    JSON writer (several times faster than pycrdt's item-by-item `to_py`)."""
    try:
        value = json.loads(str(shared))
    except ValueError:  # content JSON cannot carry (binary): the slow way
        value = shared.to_py()
    return value if isinstance(value, dict) else {}


def _raw(doc: Doc[Any]) -> dict[str, dict[str, Any]]:
    """The document as plain Python data: every root as a dict (texts as strings)."""
    out: dict[str, dict[str, Any]] = {}
    for name, root in roots_of(doc).items():
        out[name] = plain(root)
    return out


def read_fields(kind: Kind, raw: dict[str, Any], where: str, notes: list[str]) -> dict[str, Any]:
    """An entry's fields as the model takes them: empty optional text as null, ids de-duplicated."""
    fields = _FIELDS[kind.name]
    shapes = SHAPES[kind.name]
    required = _REQUIRED_TEXT[kind.name]
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in fields:
            if kind.name in COLLECTIONS and key in (POSITION_KEY, STAGE_KEY):
                continue
            notes.append(f"{where}/{key}: not a field of this element; left out")
            continue
        shape = shapes[key]
        if shape == "text":
            if value is None or value == "":
                if key in required:
                    out[key] = ""
            elif isinstance(value, str):
                out[key] = value
            else:
                notes.append(f"{where}/{key}: not text; left out")
        elif shape in ("list", "id_list"):
            if not isinstance(value, list):
                notes.append(f"{where}/{key}: not a list; left out")
                continue
            items = [item for item in value if isinstance(item, str)]
            out[key] = list(dict.fromkeys(items)) if shape == "id_list" else items
        elif shape == "text_map":
            if not isinstance(value, dict):
                notes.append(f"{where}/{key}: not a map of texts; left out")
                continue
            out[key] = {k: v for k, v in value.items() if isinstance(v, str) and v}
        else:
            out[key] = value
    for key in required:
        if kind.model.model_fields[key].is_required():
            out.setdefault(key, "")
    return out


def _sort_key(entry: tuple[str, dict[str, Any]]) -> tuple[str, str]:
    pos = entry[1].get(POSITION_KEY)
    return (pos if isinstance(pos, str) else "", entry[0])


def _entries(raw: dict[str, Any], collection: str, notes: list[str]) -> dict[str, dict[str, Any]]:
    """A collection's well-formed entries (a map per valid id)."""
    out: dict[str, dict[str, Any]] = {}
    for element_id, value in raw.items():
        if not isinstance(value, dict):
            notes.append(f"{collection}/{element_id}: not an element entry; left out")
        elif not ID_RE.match(element_id):
            notes.append(f"{collection}/{element_id}: not an allowed id; left out")
        else:
            out[element_id] = value
    return out


def _assemble(raw: dict[str, dict[str, Any]], notes: list[str]) -> dict[str, Any]:
    """The map as the model's data, in order: stages by position, steps by position in stage."""
    collections = {name: _entries(raw.get(name) or {}, name, notes) for name in COLLECTIONS}
    data = read_fields(MAP, raw.get("map") or {}, "map", notes)
    data["backstory"] = read_fields(BACKSTORY, raw.get("backstory") or {}, "backstory", notes)
    steps_by_stage: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for step_id, entry in collections["steps"].items():
        stage_id = entry.get(STAGE_KEY)
        if isinstance(stage_id, str):
            steps_by_stage.setdefault(stage_id, []).append((step_id, entry))
    stages = []
    for stage_id, entry in sorted(collections["stages"].items(), key=_sort_key):
        stage = {
            "id": stage_id,
            **read_fields(KINDS["stages"], entry, f"stages/{stage_id}", notes),
        }
        stage["steps"] = [
            {"id": step_id, **read_fields(KINDS["steps"], step, f"steps/{step_id}", notes)}
            for step_id, step in sorted(steps_by_stage.get(stage_id, []), key=_sort_key)
        ]
        stages.append(stage)
    data["stages"] = stages
    for name in ("pain_points", "opportunities", "evidence"):
        data[name] = [
            {"id": element_id, **read_fields(KINDS[name], entry, f"{name}/{element_id}", notes)}
            for element_id, entry in sorted(collections[name].items(), key=_sort_key)
        ]
    return data


def _element_at(data: dict[str, Any], loc: tuple[Any, ...]) -> tuple[Any, str, int]:
    """The element dict an error location falls in, a readable path to it, and its depth."""
    if loc[:1] == ("backstory",):
        return data["backstory"], "backstory", 1
    if len(loc) >= 2 and loc[0] in ("stages", "pain_points", "opportunities", "evidence"):
        items = data.get(loc[0])
        if isinstance(items, list) and isinstance(loc[1], int) and loc[1] < len(items):
            element = items[loc[1]]
            if loc[0] == "stages" and len(loc) >= 4 and loc[2] == "steps":
                steps = element.get("steps", [])
                if isinstance(loc[3], int) and loc[3] < len(steps):
                    return steps[loc[3]], f"steps/{steps[loc[3]].get('id')}", 4
            return element, f"{loc[0]}/{element.get('id')}", 2
    return data, "map", 0


def _validated(data: dict[str, Any], notes: list[str]) -> JourneyMap:
    """The model's map; a field the model refuses is left out (its default) and noted."""
    for _ in range(100):
        try:
            return JourneyMap.model_validate(data)
        except ValidationError as error:
            progressed = False
            for problem in error.errors():
                loc = tuple(problem["loc"])
                element, where, depth = _element_at(data, loc)
                field = loc[depth] if len(loc) > depth else None
                if isinstance(field, str) and isinstance(element, dict) and field in element:
                    if field in ("id", "steps", "stages"):
                        continue
                    del element[field]
                    notes.append(f"{where}/{field}: {problem['msg']}; left out")
                    progressed = True
            if not progressed:
                break
    notes.append("map: the document could not be read; an empty map is shown")
    return JourneyMap(id=str(data.get("id") or ""), name=str(data.get("name") or ""))


# --- repair rules --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Fix:
    """One change a repair rule makes: delete an entry, set a plain key, drop list items."""

    rule: str
    collection: str
    element_id: str
    key: str | None = None
    value: Any = None
    drop: tuple[int, ...] = ()


def _kept_ids(items: Any, allowed: Callable[[str], bool]) -> tuple[int, ...]:
    """Indexes to drop from an id list: unknown ids and repeats (first occurrence kept)."""
    if not isinstance(items, list):
        return ()
    seen: set[str] = set()
    drop = []
    for index, item in enumerate(items):
        if not isinstance(item, str) or item in seen or not allowed(item):
            drop.append(index)
        else:
            seen.add(item)
    return tuple(drop)


def _map_personas(map_raw: dict[str, Any]) -> set[str]:
    personas = map_raw.get("personas")
    return {p for p in personas if isinstance(p, str)} if isinstance(personas, list) else set()


def _linkable(
    ids: Iterable[Collection[str]], outside_ids: Collection[str], map_raw: dict[str, Any]
) -> set[str]:
    """What evidence may link to: any element, the workspace's personas and segments, the
    map's personas, the map itself and its segment."""
    linkable = set().union(*(set(e) for e in ids)) | set(outside_ids) | _map_personas(map_raw)
    for key in ("id", "segment"):
        if isinstance(map_raw.get(key), str):
            linkable.add(map_raw[key])
    return linkable


def _pain_fixes(pain_id: str, pain: dict[str, Any], step_ids: Collection[str]) -> list[_Fix]:
    target = pain.get("step")
    if isinstance(target, str) and target and target not in step_ids:
        return [_Fix("pain-point-step", "pain_points", pain_id, "step", None)]
    return []


def _opportunity_fixes(
    opp_id: str, opportunity: dict[str, Any], pain_ids: Collection[str], step_ids: Collection[str]
) -> list[_Fix]:
    fixes = []
    for key, known in (("pain_points", pain_ids), ("steps", step_ids)):
        drop = _kept_ids(opportunity.get(key), known.__contains__)
        if drop:
            fixes.append(_Fix("opportunity-links", "opportunities", opp_id, key, drop=drop))
    return fixes


def _step_fixes(
    step_id: str, step: dict[str, Any], step_ids: Collection[str], map_personas: Collection[str]
) -> list[_Fix]:
    """A step's own references (its stage is checked apart: a step without one is deleted)."""
    fixes = []
    branches = step.get("branches")
    if isinstance(branches, list) and any(
        isinstance(b, dict) and isinstance(b.get("to"), str) and b["to"] and b["to"] not in step_ids
        for b in branches
    ):
        fixed = [
            {**b, "to": None}
            if isinstance(b, dict) and isinstance(b.get("to"), str) and b["to"] not in step_ids
            else b
            for b in branches
        ]
        fixes.append(_Fix("branch-target", "steps", step_id, "branches", fixed))
    drop = _kept_ids(step.get("personas"), map_personas.__contains__)
    if drop:
        fixes.append(_Fix("step-personas", "steps", step_id, "personas", drop=drop))
    emotions = step.get("emotions")
    if isinstance(emotions, dict) and any(k not in map_personas for k in emotions):
        kept = {k: v for k, v in emotions.items() if k in map_personas}
        fixes.append(_Fix("step-personas", "steps", step_id, "emotions", kept))
    return fixes


def _evidence_fixes(evidence_id: str, evidence: dict[str, Any], linkable: set[str]) -> list[_Fix]:
    drop = _kept_ids(evidence.get("links"), linkable.__contains__)
    if drop:
        return [_Fix("evidence-links", "evidence", evidence_id, "links", drop=drop)]
    return []


def _plan_repairs(raw: dict[str, dict[str, Any]], outside_ids: Collection[str]) -> list[_Fix]:
    """The fixes the repair rules make to a merged document (docs/format.md lists the rules)."""
    fixes: list[_Fix] = []
    entries = {name: _entries(raw.get(name) or {}, name, []) for name in COLLECTIONS}
    seen: set[str] = set()
    for name in COLLECTIONS:
        for element_id in list(entries[name]):
            if element_id in seen:
                fixes.append(_Fix("duplicate-id", name, element_id))
                del entries[name][element_id]
            seen.add(element_id)
    for step_id, step in list(entries["steps"].items()):
        stage = step.get(STAGE_KEY)
        if not isinstance(stage, str) or stage not in entries["stages"]:
            fixes.append(_Fix("step-without-stage", "steps", step_id))
            del entries["steps"][step_id]
    step_ids = set(entries["steps"])
    pain_ids = set(entries["pain_points"])
    map_raw = raw.get("map") or {}
    map_personas = _map_personas(map_raw)
    for pain_id, pain in entries["pain_points"].items():
        fixes += _pain_fixes(pain_id, pain, step_ids)
    for opp_id, opportunity in entries["opportunities"].items():
        fixes += _opportunity_fixes(opp_id, opportunity, pain_ids, step_ids)
    for step_id, step in entries["steps"].items():
        fixes += _step_fixes(step_id, step, step_ids, map_personas)
    linkable = _linkable(entries.values(), outside_ids, map_raw)
    for evidence_id, evidence in entries["evidence"].items():
        fixes += _evidence_fixes(evidence_id, evidence, linkable)
    return fixes


def _plan_touched(
    doc: Doc[Any], touched: dict[str, set[str]], outside_ids: Collection[str]
) -> list[_Fix] | None:
    """The fixes for the elements in `touched` only, in a document that had none pending
    before they changed (nothing was deleted, the map's personas did not change); None when
    they call for the whole plan: a duplicated id or a step without a stage (a deletion,
    whose references elsewhere only the whole plan follows).

    Equal to `_plan_repairs` under that premise: a rule breaks only at an element whose
    references changed, or at a referrer of something deleted."""
    roots = roots_of(doc)
    ids = {name: set(roots[name].keys()) for name in COLLECTIONS}
    elements: dict[str, dict[str, dict[str, Any]]] = {}
    for name in COLLECTIONS:
        found: dict[str, dict[str, Any]] = {}
        for element_id in touched.get(name, ()):
            if element_id not in ids[name]:
                continue  # deleted again since: whoever deleted it made the plan a whole one
            if any(element_id in ids[other] for other in COLLECTIONS if other != name):
                return None
            entry = roots[name].get(element_id)
            if isinstance(entry, Map) and ID_RE.match(element_id):
                found[element_id] = plain(entry)
        elements[name] = found
    for step in elements["steps"].values():
        stage = step.get(STAGE_KEY)
        if not isinstance(stage, str) or stage not in ids["stages"]:
            return None
    if not any(elements[name] for name in ("steps", "pain_points", "opportunities", "evidence")):
        return []
    map_raw = plain(roots["map"]) if elements["steps"] or elements["evidence"] else {}
    fixes: list[_Fix] = []
    for pain_id, pain in elements["pain_points"].items():
        fixes += _pain_fixes(pain_id, pain, ids["steps"])
    for opp_id, opportunity in elements["opportunities"].items():
        fixes += _opportunity_fixes(opp_id, opportunity, ids["pain_points"], ids["steps"])
    personas = _map_personas(map_raw)
    for step_id, step in elements["steps"].items():
        fixes += _step_fixes(step_id, step, ids["steps"], personas)
    if elements["evidence"]:
        linkable = _linkable(ids.values(), outside_ids, map_raw)
        for evidence_id, evidence in elements["evidence"].items():
            fixes += _evidence_fixes(evidence_id, evidence, linkable)
    return fixes


REFERENCE_KEYS: dict[str, frozenset[str]] = {
    "stages": frozenset(),
    "steps": frozenset({STAGE_KEY, "branches", "personas", "emotions"}),
    "pain_points": frozenset({"step"}),
    "opportunities": frozenset({"pain_points", "steps"}),
    "evidence": frozenset({"links"}),
}
"""The fields of each kind of element that hold references (what the repair rules read)."""

MAP_REFERENCE_KEYS = frozenset({"personas", "id", "segment"})
"""The map's own fields that elements' references depend on."""


class RepairWatch:
    """What changes to a document may have broken references since the last `take`: the
    elements whose references changed (or that were added), or `whole` when the plan must
    look at everything (an element was deleted, the map's personas, id or segment changed).
    Typing into text never needs a repair: no reference is held in text."""

    def __init__(self, doc: Doc[Any]) -> None:
        self.touched: dict[str, set[str]] = {name: set() for name in COLLECTIONS}
        self.whole = False
        roots = roots_of(doc)
        self._subscriptions = [
            (roots[name], roots[name].observe_deep(self._watcher(name)))
            for name in (*COLLECTIONS, "map")
        ]

    def _watcher(self, name: str) -> Callable[[list[Any]], None]:
        if name == "map":

            def map_changed(events: list[Any]) -> None:
                for event in events:
                    path = event.path
                    if path:
                        if str(path[0]) in MAP_REFERENCE_KEYS:
                            self.whole = True
                    elif any(str(key) in MAP_REFERENCE_KEYS for key in event.keys):
                        self.whole = True

            return map_changed
        touched = self.touched[name]
        refs = REFERENCE_KEYS[name]

        def changed(events: list[Any]) -> None:
            for event in events:
                path = event.path
                if not path:
                    for key, change in event.keys.items():
                        if change.get("action") == "delete":
                            self.whole = True
                        else:
                            touched.add(str(key))
                elif len(path) == 1:
                    if refs and any(str(key) in refs for key in event.keys):
                        touched.add(str(path[0]))
                elif str(path[1]) in refs:
                    touched.add(str(path[0]))

        return changed

    @property
    def due(self) -> bool:
        return self.whole or any(self.touched.values())

    def take(self) -> tuple[dict[str, set[str]], bool]:
        """What changed since the last take, and forget it."""
        touched = {name: set(ids) for name, ids in self.touched.items()}
        whole = self.whole
        for ids in self.touched.values():
            ids.clear()
        self.whole = False
        return touched, whole

    def stop(self) -> None:
        for root, subscription in self._subscriptions:
            with contextlib.suppress(Exception):
                root.unobserve(subscription)
        self._subscriptions = []


def _fix_raw(raw: dict[str, dict[str, Any]], fixes: Iterable[_Fix]) -> None:
    for fix in fixes:
        entries = raw.get(fix.collection) or {}
        if fix.key is None:
            entries.pop(fix.element_id, None)
            continue
        entry = entries.get(fix.element_id)
        if not isinstance(entry, dict):
            continue
        if fix.drop:
            items = entry.get(fix.key)
            if isinstance(items, list):
                dropped = set(fix.drop)
                entry[fix.key] = [item for i, item in enumerate(items) if i not in dropped]
        else:
            entry[fix.key] = fix.value


def read_map(doc: Doc[Any], *, outside_ids: Collection[str] = ()) -> JourneyMap:
    """The map the document holds, as repaired (the repair rules applied to the reading).

    Never raises: an entry or value the model refuses is left out and noted in the map's
    `_unreadable` list. `outside_ids` are the workspace's persona and segment ids, which
    evidence may link to.
    """
    raw = _raw(doc)
    _fix_raw(raw, _plan_repairs(raw, outside_ids))
    notes: list[str] = []
    journey = _validated(_assemble(raw, notes), notes)
    journey._unreadable = notes
    return journey


def pending_repairs(doc: Doc[Any], *, outside_ids: Collection[str] = ()) -> list[str]:
    """What :func:`repair` would change, one line per fix: `<rule>: <collection>/<id>[/<key>]`."""
    return [
        f"{fix.rule}: {fix.collection}/{fix.element_id}" + (f"/{fix.key}" if fix.key else "")
        for fix in _plan_repairs(_raw(doc), outside_ids)
    ]


def repair(doc: Doc[Any], *, outside_ids: Collection[str] = ()) -> bool:
    """Apply the repair rules to a merged document as one transaction (origin "repair").

    True when something changed. Run by the server after every merge so every client sees
    the same repair; `outside_ids` as in :func:`read_map`.
    """
    return _apply_fixes(doc, _plan_repairs(_raw(doc), outside_ids))


def repair_touched(
    doc: Doc[Any],
    touched: dict[str, set[str]],
    *,
    whole: bool = False,
    outside_ids: Collection[str] = (),
) -> bool:
    """:func:`repair`, looking only at what changed (a :class:`RepairWatch`'s `take`) in a
    document that needed no repair before: the elements in `touched`, or everything when
    `whole` (or when a fix deletes something, whose referrers only the whole plan follows).
    A keystroke costs nothing; an added or relinked element costs a look at that element."""
    fixes = None if whole else _plan_touched(doc, touched, outside_ids)
    if fixes is None:
        fixes = _plan_repairs(_raw(doc), outside_ids)
    return _apply_fixes(doc, fixes)


def _apply_fixes(doc: Doc[Any], fixes: list[_Fix]) -> bool:
    if not fixes:
        return False
    roots = roots_of(doc)
    with doc.transaction(origin=REPAIR_ORIGIN):
        for fix in fixes:
            root = roots[fix.collection]
            if fix.key is None:
                if fix.element_id in root:
                    del root[fix.element_id]
                continue
            entry = root.get(fix.element_id)
            if not isinstance(entry, Map):
                continue
            if fix.drop:
                items = entry.get(fix.key)
                if isinstance(items, Array):
                    for index in sorted(fix.drop, reverse=True):
                        del items[index]
                elif isinstance(items, list):  # a plain list written as one value
                    dropped = set(fix.drop)
                    entry[fix.key] = [v for i, v in enumerate(items) if i not in dropped]
            elif fix.value is None and fix.key == "step":
                entry[fix.key] = None
            else:
                entry[fix.key] = fix.value
    return True


def is_shared(value: Any) -> bool:
    return isinstance(value, Text | Array | Map)
