"""Which steps become columns: the map's own steps, one persona's, or AS-IS merged with TO-BE."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

from journeyline.model import JourneyMap, Stage, Step

Status = Literal["", "added", "removed"]


@dataclass(slots=True)
class StepColumn:
    """A step as a column: its stage, the step drawn, and its counterpart on the TO-BE map."""

    stage_index: int
    stage: Stage
    step: Step
    status: Status = ""
    to_be: Step | None = None


def _concerns(step: Step, persona_id: str | None) -> bool:
    return persona_id is None or not step.personas or persona_id in step.personas


def plain_columns(
    journey: JourneyMap, persona_id: str | None
) -> tuple[list[Stage], list[StepColumn]]:
    """Every stage, and every step that concerns the persona (all steps without one)."""
    columns = [
        StepColumn(i, stage, step)
        for i, stage in enumerate(journey.stages)
        for step in stage.steps
        if _concerns(step, persona_id)
    ]
    return list(journey.stages), columns


def _stage_key(stage: Stage) -> str:
    return stage.name.strip().lower()


def _merge_stages(as_is: list[Stage], to_be: list[Stage]) -> list[tuple[Stage, Stage | None]]:
    """AS-IS stages in order, matched to TO-BE stages by id or name; new ones where they fall."""
    by_id = {s.id: s for s in to_be if s.id}
    by_name = {_stage_key(s): s for s in to_be}
    pairs: list[tuple[Stage, Stage | None]] = []
    used: set[int] = set()
    for stage in as_is:
        match = by_id.get(stage.id) if stage.id else None
        match = match or by_name.get(_stage_key(stage))
        if match is not None and id(match) not in used:
            used.add(id(match))
            pairs.append((stage, match))
        else:
            pairs.append((stage, None))
    # Insert TO-BE-only stages after the stage that precedes them on the TO-BE map.
    for position, stage in enumerate(to_be):
        if id(stage) in used:
            continue
        anchor = to_be[position - 1] if position else None
        where = next(
            (i + 1 for i, (_, m) in enumerate(pairs) if anchor is not None and m is anchor), 0
        )
        if anchor is None:
            where = 0
        pairs.insert(where, (stage, stage))
        used.add(id(stage))
    return pairs


def compared_columns(
    as_is: JourneyMap, to_be: JourneyMap, persona_id: str | None
) -> tuple[list[Stage], list[StepColumn]]:
    """AS-IS and TO-BE steps in one sequence: kept steps once, removed and added ones marked.

    Steps match by id, else by name (case-insensitive); the order inside a stage follows
    a longest-matching-subsequence merge, so added steps appear where the TO-BE map has them.
    """
    as_is_stage_ids = {id(s) for s in as_is.stages}
    stages: list[Stage] = []
    columns: list[StepColumn] = []
    for index, (stage, match) in enumerate(_merge_stages(list(as_is.stages), list(to_be.stages))):
        stages.append(stage)
        is_new = id(stage) not in as_is_stage_ids
        old = [] if is_new else [s for s in stage.steps if _concerns(s, persona_id)]
        new = [s for s in match.steps if _concerns(s, persona_id)] if match is not None else []
        old_ids = {s.id: s for s in old}
        old_names = {s.name.strip().lower(): s for s in old}

        def key(
            step: Step, old_ids: dict[str, Step] = old_ids, old_names: dict[str, Step] = old_names
        ) -> str:
            if step.id in old_ids:
                return step.id
            named = old_names.get(step.name.strip().lower())
            return named.id if named is not None else "\0new:" + step.id

        a = [s.id for s in old]
        b = [key(s) for s in new]
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
            None, a, b, autojunk=False
        ).get_opcodes():
            if tag == "equal":
                columns.extend(
                    StepColumn(index, stage, old[i], "", new[j])
                    for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
                )
                continue
            columns.extend(StepColumn(index, stage, old[i], "removed") for i in range(i1, i2))
            columns.extend(StepColumn(index, stage, new[j], "added", new[j]) for j in range(j1, j2))
    return stages, columns
