"""Granular edits inside a map or a workspace: add, change, move and remove one element by id.

These are pure functions on the model (no database); `maps` and `workspaces` run them
inside a revisioned write. Ids are stable: an edit cannot change an element's id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from journeyline.analysis.config import AnalysisConfig
from journeyline.errors import Diagnostic, InvalidInput, NotFound, UsageError
from journeyline.model import (
    Element,
    Evidence,
    JourneyMap,
    LaneDefinition,
    Opportunity,
    PainPoint,
    Persona,
    Problem,
    Segment,
    Stage,
    Step,
    Workspace,
    assign_ids,
    assign_map_ids,
    check_integrity,
    did_you_mean,
)
from journeyline.store.documents import invalid_from_validation


@dataclass(frozen=True)
class Kind:
    """A kind of element: its collection's attribute, its model, and its name in messages."""

    collection: str
    model: type[Element]
    label: str


MAP_KINDS: dict[str, Kind] = {
    "stages": Kind("stages", Stage, "stage"),
    "steps": Kind("steps", Step, "step"),
    "pain_points": Kind("pain_points", PainPoint, "pain point"),
    "opportunities": Kind("opportunities", Opportunity, "opportunity"),
    "evidence": Kind("evidence", Evidence, "evidence"),
}
"""The elements of a map the API edits one by one (steps live inside their stage)."""

WORKSPACE_KINDS: dict[str, Kind] = {
    "segments": Kind("segments", Segment, "segment"),
    "personas": Kind("personas", Persona, "persona"),
    "lanes": Kind("lanes", LaneDefinition, "custom lane"),
    "evidence": Kind("evidence", Evidence, "evidence"),
}
"""The elements of a workspace the API edits one by one."""

MAP_FIELDS_NOT_PATCHED = ("id", "stages", "pain_points", "opportunities", "evidence")
"""A map's own fields exclude its elements, which have their own endpoints."""


def _validate(model: type[Element], data: dict[str, Any], what: str) -> Element:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise invalid_from_validation(error, what) from None


def _no_id_change(current: Element, changes: dict[str, Any], label: str) -> None:
    if "id" in changes and changes["id"] != current.id:
        raise UsageError(
            f"the id of {label} '{current.id}' cannot change (ids are stable so references hold)",
            [Diagnostic("ids cannot change", hint="create a new element and delete the old one")],
        )


def _not_found(label: str, element_id: str, known: list[str]) -> NotFound:
    guess = did_you_mean(element_id, known)
    hint = f"did you mean '{guess}'?" if guess else None
    return NotFound(
        f"{label} '{element_id}' does not exist",
        [Diagnostic(f"unknown {label} '{element_id}'", hint=hint)],
    )


def _position(position: int | None, length: int) -> int:
    if position is None:
        return length
    if position < 0 or position > length:
        raise UsageError(f"position {position} is outside 0 … {length}")
    return position


# --- inside a map ----------------------------------------------------------------------------


def map_kind(name: str) -> Kind:
    """The map element kind called `name` (stages, steps, pain_points, opportunities, evidence)."""
    if name not in MAP_KINDS:
        raise NotFound(f"a map has no elements called '{name}' (known: {', '.join(MAP_KINDS)})")
    return MAP_KINDS[name]


def list_map_elements(journey: JourneyMap, kind: Kind) -> list[Element]:
    """The elements of one kind, in map order."""
    if kind.collection == "steps":
        return list(journey.steps())
    return list(getattr(journey, kind.collection))


def find_map_element(journey: JourneyMap, kind: Kind, element_id: str) -> Element:
    """The element of this kind with this id; NotFound (with a suggestion) otherwise."""
    for element in list_map_elements(journey, kind):
        if element.id == element_id:
            return element
    raise _not_found(kind.label, element_id, [e.id for e in list_map_elements(journey, kind)])


def _stage(journey: JourneyMap, stage_id: str) -> Stage:
    for stage in journey.stages:
        if stage.id == stage_id:
            return stage
    raise _not_found("stage", stage_id, [s.id for s in journey.stages])


def add_map_element(
    journey: JourneyMap,
    kind: Kind,
    data: dict[str, Any],
    *,
    stage: str | None = None,
    position: int | None = None,
) -> Element:
    """Add a new element (id derived from its name when missing) at `position` (default: last)."""
    element = _validate(kind.model, data, kind.label)
    if element.id and element.id in _map_ids(journey):
        raise InvalidInput(
            f"id '{element.id}' is already used in this map",
            [
                Diagnostic(
                    f"duplicate id '{element.id}'",
                    hint="choose another id, or leave it out to derive one",
                )
            ],
        )
    if kind.collection == "steps":
        if not stage:
            raise UsageError("say which stage the step goes into ('stage': stage id)")
        target: list[Any] = _stage(journey, stage).steps
    else:
        target = getattr(journey, kind.collection)
    target.insert(_position(position, len(target)), element)
    assign_map_ids(journey)
    return element


def update_map_element(
    journey: JourneyMap,
    kind: Kind,
    element_id: str,
    changes: dict[str, Any],
    *,
    stage: str | None = None,
    position: int | None = None,
) -> Element:
    """Change fields of an element; for a step, `stage`/`position` also move it."""
    current = find_map_element(journey, kind, element_id)
    _no_id_change(current, changes, kind.label)
    if kind.collection == "stages" and "steps" in changes:
        raise UsageError("change a stage's steps through its steps, one by one (…/steps/{id})")
    data = current.model_dump() | {key: value for key, value in changes.items() if key != "id"}
    updated = _validate(kind.model, data, f"{kind.label} '{element_id}'")
    if kind.collection == "steps":
        source = journey.stage_of(element_id)
        assert source is not None
        index = next(i for i, s in enumerate(source.steps) if s.id == element_id)
        target = _stage(journey, stage) if stage else source
        if target is source and position is None:
            source.steps[index] = updated  # type: ignore[call-overload]
        else:
            del source.steps[index]
            where = _position(position, len(target.steps))
            target.steps.insert(where, updated)  # type: ignore[arg-type]
        return updated
    items = getattr(journey, kind.collection)
    index = next(i for i, e in enumerate(items) if e.id == element_id)
    if position is None:
        items[index] = updated
    else:
        del items[index]
        items.insert(_position(position, len(items)), updated)
    return updated


def remove_map_element(journey: JourneyMap, kind: Kind, element_id: str) -> Element:
    """Remove an element (a stage goes with its steps); references to it make the edit invalid."""
    current = find_map_element(journey, kind, element_id)
    if kind.collection == "steps":
        source = journey.stage_of(element_id)
        assert source is not None
        source.steps = [s for s in source.steps if s.id != element_id]
    else:
        setattr(
            journey,
            kind.collection,
            [e for e in getattr(journey, kind.collection) if e.id != element_id],
        )
    return current


def patch_map_fields(journey: JourneyMap, changes: dict[str, Any]) -> JourneyMap:
    """The map with its own fields (name, scenario, lanes, backstory …) changed."""
    for key in changes:
        if key in MAP_FIELDS_NOT_PATCHED:
            raise UsageError(
                f"'{key}' cannot be changed here"
                + (
                    ""
                    if key == "id"
                    else f"; use …/{key} to edit them one by one, or PUT the whole map"
                )
            )
    data = journey.model_dump() | changes
    updated = _validate(JourneyMap, data, f"map '{journey.id}'")
    assert isinstance(updated, JourneyMap)
    return updated


def _map_ids(journey: JourneyMap) -> set[str]:
    ids: set[str] = set()
    for stage in journey.stages:
        ids.add(stage.id)
        ids.update(step.id for step in stage.steps)
    for collection in (journey.pain_points, journey.opportunities, journey.evidence):
        ids.update(item.id for item in collection)
    return ids - {""}


# --- inside a workspace ------------------------------------------------------------------------


def workspace_kind(name: str) -> Kind:
    """The workspace element kind called `name` (segments, personas, lanes, evidence)."""
    if name not in WORKSPACE_KINDS:
        raise NotFound(
            f"a workspace has no elements called '{name}' (known: {', '.join(WORKSPACE_KINDS)})"
        )
    return WORKSPACE_KINDS[name]


def find_workspace_element(workspace: Workspace, kind: Kind, element_id: str) -> Element:
    """The workspace element of this kind with this id; NotFound otherwise."""
    items: list[Element] = getattr(workspace, kind.collection)
    for element in items:
        if element.id == element_id:
            return element
    raise _not_found(kind.label, element_id, [e.id for e in items])


def add_workspace_element(
    workspace: Workspace, kind: Kind, data: dict[str, Any], position: int | None
) -> Element:
    """Add a segment, persona, custom lane or piece of evidence to the workspace."""
    element = _validate(kind.model, data, kind.label)
    taken = {e.id for name in WORKSPACE_KINDS for e in getattr(workspace, name)} | {
        m.id for m in workspace.maps
    }
    if element.id and element.id in taken:
        raise InvalidInput(
            f"id '{element.id}' is already used in this workspace",
            [
                Diagnostic(
                    f"duplicate id '{element.id}'",
                    hint="choose another id, or leave it out to derive one",
                )
            ],
        )
    items = getattr(workspace, kind.collection)
    items.insert(_position(position, len(items)), element)
    assign_ids(workspace)
    return element


def update_workspace_element(
    workspace: Workspace, kind: Kind, element_id: str, changes: dict[str, Any], position: int | None
) -> Element:
    """Change fields of a workspace element (and move it when `position` is given)."""
    current = find_workspace_element(workspace, kind, element_id)
    _no_id_change(current, changes, kind.label)
    data = current.model_dump() | {key: value for key, value in changes.items() if key != "id"}
    updated = _validate(kind.model, data, f"{kind.label} '{element_id}'")
    items = getattr(workspace, kind.collection)
    index = next(i for i, e in enumerate(items) if e.id == element_id)
    if position is None:
        items[index] = updated
    else:
        del items[index]
        items.insert(_position(position, len(items)), updated)
    return updated


def remove_workspace_element(workspace: Workspace, kind: Kind, element_id: str) -> Element:
    """Remove a workspace element; maps that still refer to it make the edit invalid."""
    current = find_workspace_element(workspace, kind, element_id)
    setattr(
        workspace,
        kind.collection,
        [e for e in getattr(workspace, kind.collection) if e.id != element_id],
    )
    return current


# --- integrity -----------------------------------------------------------------------------------


def describe_location(workspace: Workspace, loc: tuple[str | int, ...]) -> str:
    """A location with list indexes replaced by element ids: `maps/trial/pain_points/slow/step`."""
    parts: list[str] = []
    node: Any = workspace
    for part in loc:
        if isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node):
            node = node[part]
            element_id = getattr(node, "id", None)
            parts.append(element_id if element_id else str(part))
            continue
        parts.append(str(part))
        node = getattr(node, str(part), None) if not isinstance(node, dict) else node.get(part)
    return "/".join(parts)


def integrity_errors(workspace: Workspace, *, maps_only: bool = False) -> list[Diagnostic]:
    """The workspace's broken references and duplicate ids as diagnostics (warnings left out).

    With `maps_only`, only problems inside its maps: for checking one map against a
    workspace loaded without its other maps.
    """
    problems: list[Problem] = [
        p
        for p in check_integrity(workspace)
        if p.severity == "error" and (not maps_only or p.loc[:1] == ("maps",))
    ]
    return [
        Diagnostic(f"{describe_location(workspace, p.loc)}: {p.message}", hint=p.hint)
        for p in problems
    ]


def ensure_analysis_settings(settings: Any) -> None:
    """InvalidInput (422) for analysis settings the analyses cannot use, as `--set` refuses
    them: unknown names (with a did-you-mean), values that are not numbers, out of range."""
    if isinstance(settings, Mapping):
        AnalysisConfig.from_overrides(settings, source="analysis")


def ensure_integrity(workspace: Workspace, what: str, *, maps_only: bool = False) -> None:
    """InvalidInput listing every broken reference, so nothing invalid is ever stored."""
    errors = integrity_errors(workspace, maps_only=maps_only)
    if errors:
        count = len(errors)
        raise InvalidInput(
            f"{what} would leave {count} broken reference{'s' if count != 1 else ''}; nothing was changed",
            errors,
        )
