"""Ids and references: fill in missing ids, and check that ids are unique and references hold.

Id scopes:
- segments, personas, maps and custom lanes are unique across the workspace;
- inside a map, stages, steps, pain points, opportunities and evidence share one
  namespace, so a piece of evidence or a comment can point at any of them unambiguously.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from journeyline.model.base import ID_PATTERN, Element, did_you_mean, slugify
from journeyline.model.journey import DEFAULT_LANES, JourneyMap, Lane
from journeyline.model.workspace import Workspace

Location = tuple[str | int, ...]
"""A path into the document, e.g. ('maps', 0, 'stages', 1, 'steps', 2, 'id')."""

_ID_RE = re.compile(ID_PATTERN)


@dataclass(frozen=True)
class Problem:
    """Something wrong with a workspace, with the place in the document where it is."""

    loc: Location
    message: str
    hint: str | None = None
    severity: Literal["error", "warning"] = "error"

    def render(self) -> str:
        """The message with its hint in parentheses."""
        return f"{self.message} ({self.hint})" if self.hint else self.message


@dataclass
class _Namespace:
    """Ids already taken in one scope, with where each was defined."""

    taken: dict[str, Location] = field(default_factory=dict)

    def unique(self, base: str) -> str:
        candidate, n = base, 2
        while candidate in self.taken:
            candidate = f"{base}-{n}"
            n += 1
        return candidate


def _derive(element: Element, name: str, fallback: str, space: _Namespace, loc: Location) -> None:
    if not element.id:
        element.id = space.unique(slugify(name, fallback=fallback))
    space.taken.setdefault(element.id, loc)


def assign_ids(workspace: Workspace) -> Workspace:
    """Give every element without an id one derived from its name, unique in its scope.

    Explicit ids are kept as written (duplicates are reported by :func:`check_integrity`);
    derived ids avoid every explicit one, so the result does not depend on order of edits.
    """
    top = _Namespace()
    for collection in (workspace.segments, workspace.personas, workspace.maps, workspace.lanes):
        for item in collection:
            if item.id:
                top.taken.setdefault(item.id, ())
    for evidence in workspace.evidence:
        if evidence.id:
            top.taken.setdefault(evidence.id, ())
    named: tuple[tuple[str, Sequence[Element]], ...] = (
        ("segments", workspace.segments),
        ("personas", workspace.personas),
        ("maps", workspace.maps),
        ("lanes", workspace.lanes),
    )
    for group, elements in named:
        for i, element in enumerate(elements):
            _derive(element, getattr(element, "name", ""), group.rstrip("s"), top, (group, i))
    for i, evidence in enumerate(workspace.evidence):
        _derive(evidence, _evidence_title(evidence), "evidence", top, ("evidence", i))
        if not evidence.name:
            evidence.name = _evidence_title(evidence)
    for journey in workspace.maps:
        assign_map_ids(journey)
    return workspace


def _evidence_title(evidence: Element) -> str:
    name = getattr(evidence, "name", "") or ""
    if name:
        return str(name)
    for attr in ("summary", "quote", "source"):
        value = getattr(evidence, attr, None)
        if value:
            text = str(value)
            return text if len(text) <= 60 else text[:57].rstrip() + "…"
    return "evidence"


def _map_elements(journey: JourneyMap) -> Iterable[tuple[Element, str, str]]:
    for stage in journey.stages:
        yield stage, stage.name, "stage"
        for step in stage.steps:
            yield step, step.name, "step"
    for pain in journey.pain_points:
        yield pain, pain.name, "pain"
    for opportunity in journey.opportunities:
        yield opportunity, opportunity.name, "opportunity"
    for evidence in journey.evidence:
        yield evidence, _evidence_title(evidence), "evidence"


def assign_map_ids(journey: JourneyMap) -> JourneyMap:
    """Fill in missing ids inside one map (stages, steps, pain points, opportunities, evidence)."""
    space = _Namespace()
    for element, _, _ in _map_elements(journey):
        if element.id:
            space.taken.setdefault(element.id, ())
    for element, name, fallback in _map_elements(journey):
        _derive(element, name, fallback, space, ())
    for evidence in journey.evidence:
        if not evidence.name:
            evidence.name = _evidence_title(evidence)
    return journey


def _unknown(kind: str, ref: str, choices: Sequence[str]) -> tuple[str, str]:
    guess = did_you_mean(ref, choices)
    message = f"{kind} '{ref}' does not exist"
    if guess:
        return message, f"did you mean '{guess}'?"
    if choices:
        shown = ", ".join(sorted(choices)[:8]) + (" …" if len(choices) > 8 else "")
        return message, f"known: {shown}"
    return message, f"define the {kind} first or remove the reference"


def check_integrity(workspace: Workspace) -> list[Problem]:
    """Ids well-formed and unique in their scope; every reference points at something that exists.

    Also warns about emotion scores off the map's scale and unknown lanes.
    """
    problems: list[Problem] = []

    def check_id(element: Element, loc: Location, space: dict[str, Location], what: str) -> None:
        if not element.id:
            problems.append(Problem((*loc, "id"), f"{what} has no id", "add an 'id' or a 'name'"))
            return
        if not _ID_RE.match(element.id):
            problems.append(
                Problem(
                    (*loc, "id"),
                    f"id '{element.id}' is not allowed",
                    f"use letters, digits, '-', '_' or '.'; e.g. '{slugify(element.id)}'",
                )
            )
        if element.id in space:
            first = space[element.id]
            problems.append(
                Problem(
                    (*loc, "id"),
                    f"duplicate id '{element.id}' ({what})",
                    f"already used at {_describe(first)}; ids must be unique",
                )
            )
        else:
            space[element.id] = loc

    top: dict[str, Location] = {}
    for key, collection in (
        ("segments", workspace.segments),
        ("personas", workspace.personas),
        ("maps", workspace.maps),
        ("lanes", workspace.lanes),
        ("evidence", workspace.evidence),
    ):
        for i, item in enumerate(collection):
            check_id(item, (key, i), top, key.rstrip("s"))

    segment_ids = [s.id for s in workspace.segments]
    persona_ids = [p.id for p in workspace.personas]
    map_ids = [m.id for m in workspace.maps]
    lane_ids = [lane.id for lane in workspace.lanes]
    known_lanes = [lane.value for lane in Lane] + lane_ids

    for i, persona in enumerate(workspace.personas):
        if persona.segment and persona.segment not in segment_ids:
            msg, hint = _unknown("segment", persona.segment, segment_ids)
            problems.append(Problem(("personas", i, "segment"), msg, hint))

    top_targets = set(segment_ids) | set(persona_ids) | set(map_ids)
    for i, evidence in enumerate(workspace.evidence):
        for j, link in enumerate(evidence.links):
            if link not in top_targets:
                msg, hint = _unknown("element", link, sorted(top_targets))
                problems.append(Problem(("evidence", i, "links", j), msg, hint))

    for m, journey in enumerate(workspace.maps):
        base: Location = ("maps", m)
        space: dict[str, Location] = {}
        for s, stage in enumerate(journey.stages):
            check_id(stage, (*base, "stages", s), space, "stage")
            for t, step in enumerate(stage.steps):
                check_id(step, (*base, "stages", s, "steps", t), space, "step")
        for p, pain in enumerate(journey.pain_points):
            check_id(pain, (*base, "pain_points", p), space, "pain point")
        for o, opportunity in enumerate(journey.opportunities):
            check_id(opportunity, (*base, "opportunities", o), space, "opportunity")
        for e, evidence in enumerate(journey.evidence):
            check_id(evidence, (*base, "evidence", e), space, "evidence")

        step_ids = [step.id for step in journey.steps()]
        pain_ids = [p.id for p in journey.pain_points]
        for k, pid in enumerate(journey.personas):
            if pid not in persona_ids:
                msg, hint = _unknown("persona", pid, persona_ids)
                problems.append(Problem((*base, "personas", k), msg, hint))
        if journey.segment and journey.segment not in segment_ids:
            msg, hint = _unknown("segment", journey.segment, segment_ids)
            problems.append(Problem((*base, "segment"), msg, hint))
        if journey.based_on and journey.based_on not in map_ids:
            # A future-state map may live in another file than its current state: warn only.
            msg, hint = _unknown("map", journey.based_on, map_ids)
            problems.append(Problem((*base, "based_on"), msg, hint, severity="warning"))
        for k, lane in enumerate(journey.lanes):
            if lane not in known_lanes:
                msg, hint = _unknown("lane", lane, known_lanes)
                problems.append(Problem((*base, "lanes", k), msg, hint))
        for s, stage in enumerate(journey.stages):
            for t, step in enumerate(stage.steps):
                loc = (*base, "stages", s, "steps", t)
                for b, branch in enumerate(step.branches):
                    if branch.to and branch.to not in step_ids:
                        msg, hint = _unknown("step", branch.to, step_ids)
                        problems.append(Problem((*loc, "branches", b, "to"), msg, hint))
                for k, pid in enumerate(step.personas):
                    if pid not in journey.personas:
                        msg, hint = _unknown("persona of this map", pid, journey.personas)
                        problems.append(Problem((*loc, "personas", k), msg, hint))
                for pid in step.emotions:
                    if pid not in journey.personas:
                        msg, hint = _unknown("persona of this map", pid, journey.personas)
                        problems.append(Problem((*loc, "emotions", pid), msg, hint))
                for lane_key in step.lanes:
                    if lane_key not in lane_ids:
                        msg, hint = _unknown("custom lane", lane_key, lane_ids)
                        problems.append(Problem((*loc, "lanes", lane_key), msg, hint))
                scores: list[tuple[Location, float | None]] = [
                    (("emotion",), step.emotion),
                    *((("emotions", pid), score) for pid, score in step.emotions.items()),
                ]
                for score_loc, value in scores:
                    if value is not None and not journey.scale.contains(value):
                        problems.append(
                            Problem(
                                loc + score_loc,
                                f"emotion score {value:g} of step '{step.name}' is outside the map's scale "
                                f"{journey.scale.min:g} … {journey.scale.max:g}",
                                "change the score or the map's 'scale'",
                                severity="warning",
                            )
                        )
        for p, pain in enumerate(journey.pain_points):
            if pain.step and pain.step not in step_ids:
                msg, hint = _unknown("step", pain.step, step_ids)
                problems.append(Problem((*base, "pain_points", p, "step"), msg, hint))
        for o, opportunity in enumerate(journey.opportunities):
            for k, ref in enumerate(opportunity.pain_points):
                if ref not in pain_ids:
                    msg, hint = _unknown("pain point", ref, pain_ids)
                    problems.append(
                        Problem((*base, "opportunities", o, "pain_points", k), msg, hint)
                    )
            for k, ref in enumerate(opportunity.steps):
                if ref not in step_ids:
                    msg, hint = _unknown("step", ref, step_ids)
                    problems.append(Problem((*base, "opportunities", o, "steps", k), msg, hint))
        linkable = set(space) | set(persona_ids) | set(segment_ids) | {journey.id}
        for e, evidence in enumerate(journey.evidence):
            for k, link in enumerate(evidence.links):
                if link not in linkable:
                    msg, hint = _unknown("element", link, sorted(linkable))
                    problems.append(Problem((*base, "evidence", e, "links", k), msg, hint))
    return problems


def _describe(loc: Location) -> str:
    return ".".join(str(part) for part in loc) or "the top level"


__all__ = [
    "DEFAULT_LANES",
    "Location",
    "Problem",
    "assign_ids",
    "assign_map_ids",
    "check_integrity",
    "did_you_mean",
]
