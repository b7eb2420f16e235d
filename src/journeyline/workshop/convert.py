"""From a workshop's notes to the map: steps, lane texts, pain points, opportunities, back-story.

One conversion is one change of the map: the new elements, and one piece of evidence of
kind "workshop" linked to them that names the workshop, its date and who wrote the notes,
so the map keeps where each element came from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from journeyline.errors import Diagnostic, InvalidInput
from journeyline.model import (
    Evidence,
    EvidenceKind,
    Impact,
    JourneyMap,
    Opportunity,
    PainPoint,
    Stage,
    Step,
    StepKind,
    assign_map_ids,
)

TARGETS = (
    "step",
    "action",
    "thought",
    "feeling",
    "touchpoint",
    "pain_point",
    "opportunity",
    "backstory",
)
"""What notes can become."""

LANE_FIELDS = {
    "action": "does",
    "thought": "thinks",
    "feeling": "feels",
    "touchpoint": "touchpoint",
}
"""The step field each lane-text conversion writes."""

BACKSTORY_FIELDS = {
    "backstory_pain_point": "pain_points",
    "pain_point": "pain_points",
    "requirement": "requirements",
    "outcome": "outcomes",
    "highest_goal": "highest_goal",
}
"""Which part of the back-story a note of each kind fills (others: pain points)."""

NOTE_STEP_KINDS = {"action": "action", "question": "question", "decision": "decision"}


def impact_of(value: Any) -> Impact:
    """A pain point's impact from 1–5 (1–2 trivial, 3 workaround, 4–5 abandon) or its name."""
    if value is None:
        return Impact.workaround
    if isinstance(value, str) and value in Impact.__members__:
        return Impact(value)
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5:
        return Impact.trivial if value <= 2 else Impact.workaround if value == 3 else Impact.abandon
    message = f"impact: '{value}' is not 1 to 5 (or trivial, workaround, abandon)"
    raise InvalidInput(
        message, [Diagnostic(message, hint="1–2 trivial, 3 workaround, 4–5 abandon")]
    )


@dataclass(frozen=True)
class SourceNote:
    """A note as the conversion reads it."""

    id: str
    kind: str
    text: str
    authors: tuple[str, ...]
    stage: str | None
    step: str | None


@dataclass(frozen=True)
class Conversion:
    """What to make of the notes: one element per note, or (with `label`) one for the group."""

    target: str
    notes: tuple[SourceNote, ...]
    label: str | None = None
    stage: str | None = None
    step: str | None = None
    impact: Any = None
    step_kind: str | None = None


def _invalid(message: str, hint: str) -> InvalidInput:
    return InvalidInput(message, [Diagnostic(message, hint=hint)])


def _stage(journey: JourneyMap, stage_id: str | None) -> Stage:
    if stage_id is None:
        if not journey.stages:
            raise _invalid(
                "the map has no stage to put a step in", "add a stage first (Set the stage)"
            )
        return journey.stages[-1]
    for stage in journey.stages:
        if stage.id == stage_id:
            return stage
    raise _invalid(f"stage '{stage_id}' does not exist in this map", "pick a stage of the map")


def _step(journey: JourneyMap, step_id: str | None, what: str) -> Step:
    if step_id is None:
        raise _invalid(
            f"{what}: say which step (send 'step', or place the notes on a step)",
            'e.g. "step": "sign-up"',
        )
    found = journey.find_step(step_id)
    if found is None:
        raise _invalid(f"step '{step_id}' does not exist in this map", "pick a step of the map")
    return found


def _step_kind(value: str | None, note_kind: str) -> StepKind:
    name = value or NOTE_STEP_KINDS.get(note_kind, "action")
    if name not in StepKind.__members__:
        raise _invalid(f"step_kind: unknown kind '{name}'", "use action, question or decision")
    return StepKind(name)


def _append(old: str | None, text: str) -> str:
    return text if not old else f"{old}\n{text}"


def apply_conversion(
    journey: JourneyMap,
    conversion: Conversion,
    *,
    workshop: str,
    title: str,
    day: dt.date,
    author_names: dict[str, str],
) -> tuple[JourneyMap, list[str]]:
    """The map with the notes turned into elements, and the ids of the elements made or filled.

    Each element keeps its provenance: one Evidence of kind "workshop" links to them all.
    """
    target = conversion.target
    if target not in TARGETS:
        raise _invalid(f"cannot convert notes into '{target}'", f"use one of: {', '.join(TARGETS)}")
    if not conversion.notes:
        raise _invalid(
            "name the notes (or the group) to convert", 'send {"notes": [ids]} or {"group": id}'
        )
    # A group becomes one element named after its label; loose notes one element each.
    units: list[tuple[str, str | None, tuple[SourceNote, ...]]] = []
    if conversion.label is not None:
        texts = [n.text for n in conversion.notes]
        description = "\n".join(f"- {t}" for t in texts) if len(texts) > 1 else None
        units.append((conversion.label, description, conversion.notes))
    else:
        units = [(note.text, None, (note,)) for note in conversion.notes]
    made: list[str] = []
    new_elements: list[Any] = []
    for name, description, notes in units:
        first = notes[0]
        stage_id = conversion.stage or first.stage
        step_id = conversion.step or first.step
        if target == "step":
            stage = _stage(journey, stage_id)
            step = Step(
                name=name,
                description=description,
                kind=_step_kind(conversion.step_kind, first.kind),
            )
            stage.steps.append(step)
            new_elements.append(step)
        elif target in LANE_FIELDS:
            step = _step(journey, step_id, f"as {target}")
            field = LANE_FIELDS[target]
            text = name if description is None else f"{name}: " + "; ".join(n.text for n in notes)
            setattr(step, field, _append(getattr(step, field), text))
            made.append(step.id)
        elif target == "pain_point":
            if step_id is not None:
                _step(journey, step_id, "as pain_point")
            pain = PainPoint(
                name=name,
                description=description,
                step=step_id,
                impact=impact_of(conversion.impact),
            )
            journey.pain_points.append(pain)
            new_elements.append(pain)
        elif target == "opportunity":
            steps = [_step(journey, step_id, "as opportunity").id] if step_id else []
            idea = Opportunity(name=name, description=description, steps=steps)
            journey.opportunities.append(idea)
            new_elements.append(idea)
        else:  # backstory
            for note in notes:
                field = BACKSTORY_FIELDS.get(note.kind, "pain_points")
                if field == "highest_goal":
                    journey.backstory.highest_goal = _append(
                        journey.backstory.highest_goal, note.text
                    )
                else:
                    getattr(journey.backstory, field).append(note.text)
            made.append(journey.id)
    assign_map_ids(journey)
    made.extend(element.id for element in new_elements)
    made = list(dict.fromkeys(made))
    people = sorted(
        {author_names.get(a, "a participant") for n in conversion.notes for a in n.authors}
    )
    quote = "\n".join(n.text for n in conversion.notes)
    journey.evidence.append(
        Evidence(
            name=f"Workshop: {title}"[:300],
            kind=EvidenceKind.workshop,
            source=f"workshop {workshop}; notes by {', '.join(people)}"[:1000],
            quote=quote[:4000],
            summary=f"{len(conversion.notes)} note{'s' if len(conversion.notes) != 1 else ''} from the workshop "
            f"'{title}' on {day.isoformat()}, made into {target.replace('_', ' ')}",
            date=day,
            links=made,
        )
    )
    assign_map_ids(journey)
    return journey, made
