"""AS-IS against TO-BE: which steps go, which pain points are resolved, how much sentiment lifts."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from statistics import fmean
from typing import Any, TypeVar

from journeyline.analysis.structure import normalized_name
from journeyline.errors import Diagnostic, InvalidInput
from journeyline.model import JourneyMap, MapType, PainPoint, Stage, Step, Workspace

STEP_FIELDS: tuple[str, ...] = (
    "name",
    "stage",
    "kind",
    "description",
    "touchpoint",
    "channel",
    "zone",
    "does",
    "thinks",
    "feels",
    "emotion",
    "emotions",
    "personas",
    "actors",
    "moment_of_truth",
    "branches",
)
"""The fields of a step whose change `compare` reports."""

T = TypeVar("T")


def match_by_id_then_name(
    before: Sequence[T], after: Sequence[T], key: Callable[[T], tuple[str, str]]
) -> tuple[list[tuple[T, T]], list[T], list[T]]:
    """Pair elements of two lists: by id first, then by normalised name among those left.

    `key` gives (id, name). Returns (pairs in `after` order, unmatched before, unmatched after).
    """
    by_id: dict[str, int] = {}
    for index, item in enumerate(before):
        by_id.setdefault(key(item)[0], index)
    used: set[int] = set()
    partner: dict[int, int] = {}
    for j, item in enumerate(after):
        i = by_id.get(key(item)[0])
        if i is not None and i not in used:
            used.add(i)
            partner[j] = i
    by_name: dict[str, deque[int]] = {}
    for index, item in enumerate(before):
        if index not in used:
            by_name.setdefault(normalized_name(key(item)[1]), deque()).append(index)
    for j, item in enumerate(after):
        if j in partner:
            continue
        queue = by_name.get(normalized_name(key(item)[1]))
        if queue:
            i = queue.popleft()
            used.add(i)
            partner[j] = i
    pairs = [(before[partner[j]], item) for j, item in enumerate(after) if j in partner]
    removed = [item for i, item in enumerate(before) if i not in used]
    added = [item for j, item in enumerate(after) if j not in partner]
    return pairs, removed, added


@dataclass(frozen=True)
class StageComparison:
    """One stage before and after: step counts and mean sentiment (normalised and on each scale)."""

    id: str
    name: str
    steps_before: int | None
    steps_after: int | None
    sentiment_before: float | None
    sentiment_after: float | None
    score_before: float | None
    score_after: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "steps_before": self.steps_before,
            "steps_after": self.steps_after,
            "sentiment_before": _round(self.sentiment_before),
            "sentiment_after": _round(self.sentiment_after),
            "id": self.id,
            "score_before": _round(self.score_before),
            "score_after": _round(self.score_after),
        }


@dataclass(frozen=True)
class Comparison:
    """The difference between an AS-IS map and its TO-BE."""

    asis: JourneyMap
    tobe: JourneyMap
    steps_added: list[tuple[Stage, Step]] = field(default_factory=list)
    steps_removed: list[tuple[Stage, Step]] = field(default_factory=list)
    steps_changed: list[tuple[Stage, Step, Step, list[str]]] = field(default_factory=list)
    pains_resolved: list[PainPoint] = field(default_factory=list)
    pains_new: list[PainPoint] = field(default_factory=list)
    pains_kept: list[tuple[PainPoint, PainPoint]] = field(default_factory=list)
    stages: list[StageComparison] = field(default_factory=list)
    sentiment_before: float | None = None
    sentiment_after: float | None = None
    score_before: float | None = None
    score_after: float | None = None

    @property
    def lift(self) -> float | None:
        """Mean sentiment after minus before, on the normalised scale -1 … +1."""
        if self.sentiment_before is None or self.sentiment_after is None:
            return None
        return self.sentiment_after - self.sentiment_before

    @property
    def lift_score(self) -> float | None:
        """The lift in points of the TO-BE map's scale (None when the two scales differ)."""
        if self.lift is None or self.asis.scale != self.tobe.scale:
            return None
        return self.lift * self.tobe.scale.span / 2

    def to_dict(self) -> dict[str, Any]:
        """JSON form used by `journeyline compare --format json`."""

        def step(stage: Stage, item: Step) -> dict[str, Any]:
            return {"id": item.id, "name": item.name, "stage": stage.name}

        def pain(item: PainPoint) -> dict[str, Any]:
            return {
                "id": item.id,
                "name": item.name,
                "impact": item.impact.value,
                "step": item.step,
            }

        return {
            "asis": {"id": self.asis.id, "name": self.asis.name},
            "tobe": {"id": self.tobe.id, "name": self.tobe.name},
            "steps": {
                "added": [step(s, t) for s, t in self.steps_added],
                "removed": [step(s, t) for s, t in self.steps_removed],
                "changed": [
                    {**step(s, after), "asis_id": before.id, "fields": fields}
                    for s, before, after, fields in self.steps_changed
                ],
                "before": sum(len(s.steps) for s in self.asis.stages),
                "after": sum(len(s.steps) for s in self.tobe.stages),
            },
            "pain_points": {
                "resolved": [pain(p) for p in self.pains_resolved],
                "new": [pain(p) for p in self.pains_new],
                "kept": [pain(after) for _, after in self.pains_kept],
            },
            "stages": [s.to_dict() for s in self.stages],
            "sentiment": {
                "before": _round(self.sentiment_before),
                "after": _round(self.sentiment_after),
                "lift": _round(self.lift),
                "score_before": _round(self.score_before),
                "score_after": _round(self.score_after),
                "lift_score": _round(self.lift_score),
                "scale_before": [self.asis.scale.min, self.asis.scale.max],
                "scale_after": [self.tobe.scale.min, self.tobe.scale.max],
            },
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _scores(journey: JourneyMap) -> dict[str, list[float]]:
    """Raw scores per step id, over every persona's line (one line when the map has no personas)."""
    scores: dict[str, list[float]] = {}
    personas: list[str | None] = list(journey.personas) or [None]
    for persona in personas:
        for _, step, score in journey.sentiment_line(persona):
            scores.setdefault(step.id, []).append(score)
    return scores


def _mean(values: list[float]) -> float | None:
    return fmean(values) if values else None


def _changed_fields(
    stage_before: Stage, before: Step, stage_after: Stage, after: Step
) -> list[str]:
    changed: list[str] = []
    for name in STEP_FIELDS:
        if name == "stage":
            if normalized_name(stage_before.name) != normalized_name(stage_after.name):
                changed.append(name)
        elif name == "branches":
            if [b.model_dump() for b in before.branches] != [
                b.model_dump() for b in after.branches
            ]:
                changed.append(name)
        elif getattr(before, name) != getattr(after, name):
            changed.append(name)
    return changed


def compare_maps(asis: JourneyMap, tobe: JourneyMap) -> Comparison:
    """Compare a current-state map with a future-state one.

    Steps, stages and pain points are matched by id first, then by normalised name
    (accents, case and punctuation ignored) among those left. A step is *changed* when any
    of STEP_FIELDS differs (`stage` when it moved to a stage of another name). A pain point
    in the AS-IS with no match in the TO-BE is *resolved*; one only in the TO-BE is *new*.
    Mean sentiment takes every scored step of every persona; it is given normalised to
    -1 … +1 (so maps on different scales compare) and on each map's own scale. The *lift*
    is the TO-BE's mean minus the AS-IS's.
    """
    before_steps = list(asis.iter_steps())
    after_steps = list(tobe.iter_steps())
    pairs, removed, added = match_by_id_then_name(
        before_steps, after_steps, lambda item: (item[1].id, item[1].name)
    )
    changed = []
    for (stage_b, step_b), (stage_a, step_a) in pairs:
        fields = _changed_fields(stage_b, step_b, stage_a, step_a)
        if fields:
            changed.append((stage_a, step_b, step_a, fields))
    pain_pairs, resolved, new = match_by_id_then_name(
        asis.pain_points, tobe.pain_points, lambda p: (p.id, p.name)
    )

    scores_before, scores_after = _scores(asis), _scores(tobe)
    stage_pairs, _, _ = match_by_id_then_name(asis.stages, tobe.stages, lambda s: (s.id, s.name))
    partner_of_before = {id(b): a for b, a in stage_pairs}
    partner_of_after = {id(a): b for b, a in stage_pairs}
    position_before = {id(s): i for i, s in enumerate(asis.stages)}
    ordered: list[tuple[Stage | None, Stage | None]] = []
    next_before = 0
    for stage in tobe.stages:
        partner = partner_of_after.get(id(stage))
        if partner is not None:
            upto = position_before[id(partner)]
            for earlier in asis.stages[next_before:upto]:
                if id(earlier) not in partner_of_before:
                    ordered.append((earlier, None))
            next_before = max(next_before, upto + 1)
        ordered.append((partner, stage))
    for earlier in asis.stages[next_before:]:
        if id(earlier) not in partner_of_before:
            ordered.append((earlier, None))

    def stage_scores(stage: Stage | None, scores: dict[str, list[float]]) -> list[float]:
        if stage is None:
            return []
        return [value for step in stage.steps for value in scores.get(step.id, [])]

    stages: list[StageComparison] = []
    for before, after in ordered:
        raw_before = stage_scores(before, scores_before)
        raw_after = stage_scores(after, scores_after)
        shown = after if after is not None else before
        assert shown is not None
        mean_before, mean_after = _mean(raw_before), _mean(raw_after)
        stages.append(
            StageComparison(
                id=shown.id,
                name=shown.name,
                steps_before=len(before.steps) if before is not None else None,
                steps_after=len(after.steps) if after is not None else None,
                sentiment_before=asis.scale.normalize(mean_before)
                if mean_before is not None
                else None,
                sentiment_after=tobe.scale.normalize(mean_after)
                if mean_after is not None
                else None,
                score_before=mean_before,
                score_after=mean_after,
            )
        )
    all_before = [v for values in scores_before.values() for v in values]
    all_after = [v for values in scores_after.values() for v in values]
    mean_before, mean_after = _mean(all_before), _mean(all_after)
    return Comparison(
        asis=asis,
        tobe=tobe,
        steps_added=list(added),
        steps_removed=list(removed),
        steps_changed=changed,
        pains_resolved=list(resolved),
        pains_new=list(new),
        pains_kept=list(pain_pairs),
        stages=stages,
        sentiment_before=asis.scale.normalize(mean_before) if mean_before is not None else None,
        sentiment_after=tobe.scale.normalize(mean_after) if mean_after is not None else None,
        score_before=mean_before,
        score_after=mean_after,
    )


def pick_pair(
    asis_workspace: Workspace,
    tobe_workspace: Workspace,
    asis_id: str | None = None,
    tobe_id: str | None = None,
    *,
    asis_file: str | None = None,
    tobe_file: str | None = None,
    tobe_option: str | None = "--tobe-map",
) -> tuple[JourneyMap, JourneyMap]:
    """The AS-IS map and its TO-BE, from two workspaces (the same one when both are in one file).

    The maps the ids name (`Workspace.pick_map`), else: with the AS-IS known, the TO-BE
    is the map `based_on` it, else the only other map, else the only other future-state
    map; with neither known, the TO-BE is the only map or the only future-state map, and
    the AS-IS is the one the TO-BE is `based_on`, else the only other current-state map.
    `tobe_option` is the flag that names the TO-BE, if the caller has one, for the errors.
    """
    asis = None
    if asis_id is not None:
        asis = asis_workspace.pick_map(asis_id, file=asis_file, option="--asis-map")
    if tobe_id is not None:
        tobe = tobe_workspace.pick_map(tobe_id, file=tobe_file, option=tobe_option or "--map")
    elif asis is not None:
        tobe = _tobe_of(asis, tobe_workspace, tobe_file, tobe_option)
    else:
        future = [m for m in tobe_workspace.maps if m.type == MapType.future_state]
        only = future[0].id if len(tobe_workspace.maps) > 1 and len(future) == 1 else None
        tobe = tobe_workspace.pick_map(only, file=tobe_file, option=tobe_option or "--map")
    if asis is None:
        based = asis_workspace.journey(tobe.based_on) if tobe.based_on else None
        others = [
            m for m in asis_workspace.maps if m is not tobe and m.type != MapType.future_state
        ]
        chosen = based or (others[0] if len(others) == 1 else None)
        asis = chosen or asis_workspace.pick_map(None, file=asis_file, option="--asis-map")
    return asis, tobe


def _tobe_of(
    asis: JourneyMap, workspace: Workspace, file: str | None, option: str | None
) -> JourneyMap:
    """The TO-BE of a known AS-IS map in a workspace (see `pick_pair`)."""
    others = [m for m in workspace.pick_maps(file=file) if m is not asis]
    if not others:
        diagnostic = Diagnostic(f"holds no map but '{asis.id}' to compare it with", file)
        raise InvalidInput(diagnostic.render(), [diagnostic])
    based = [m for m in others if m.based_on == asis.id]
    future = [m for m in others if m.type == MapType.future_state]
    for candidates in (based[:1], others, future):
        if len(candidates) == 1:
            return candidates[0]
    ids = ", ".join(m.id for m in others)
    hint = f"give it `based_on: {asis.id}`" + (f" or choose one with {option}" if option else "")
    message = f"cannot tell which map is the TO-BE of '{asis.id}': {ids}"
    diagnostic = Diagnostic(message, file, hint=hint)
    raise InvalidInput(diagnostic.render(), [diagnostic])
