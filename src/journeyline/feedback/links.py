"""Which step, touchpoint or stage of a map each survey question (or response) is about.

Two ways, which can be combined:

- a **question link**: every answer to one question concerns one element (`--question
  Q2=delivery`); suggested when the question's text names a step, a touchpoint or a stage;
- a **step column**: a column that says, per response, where the customer was ("Which step
  were you at?", a `touchpoint` column); each of its values is matched to a step, a
  touchpoint or a stage, and the other questions are scored per element.

`link_survey` makes the suggestions and applies the user's corrections; the result says
which links were chosen and which suggested, so the CLI and the web app can show them for
confirmation before `feedback apply` writes anything.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from journeyline.errors import UsageError
from journeyline.feedback.questions import SCALES, Question, detect_questions
from journeyline.feedback.survey import Survey, SurveyColumn
from journeyline.model import JourneyMap

TargetKind = Literal["step", "touchpoint", "stage"]

SKIP = "-"
"""`--question COLUMN=-`: leave a question out (no link, not scored per step column)."""

_KIND_ORDER: dict[str, int] = {"step": 0, "touchpoint": 1, "stage": 2}
_WORD = re.compile(r"\w+")
_MIN_COLUMN_SHARE = 0.5
_FUZZY = 0.85
_MAX_SUGGESTED_VALUES = 200
"""A column with more distinct answers than this is free text, not a step column."""


@dataclass(frozen=True)
class Target:
    """A step, a touchpoint (the steps at it) or a stage of the map."""

    kind: TargetKind
    id: str
    """The step's or stage's id; for a touchpoint, its name as the steps write it."""
    name: str
    steps: tuple[str, ...] = ()
    """Ids of the steps it covers (a step: itself; a touchpoint: the steps at it; a stage: none,
    scores go onto the stage)."""

    @property
    def key(self) -> str:
        """`kind:id`, unique within the map."""
        return f"{self.kind}:{self.id}"

    def to_dict(self) -> dict[str, object]:
        """JSON form: kind, id, name and the steps it covers."""
        return {"kind": self.kind, "id": self.id, "name": self.name, "steps": list(self.steps)}


@dataclass(frozen=True)
class QuestionLink:
    """One scored question and the element its answers are about (None: per step column or none)."""

    column: str
    question: str
    metric: str
    target: Target | None
    how: Literal["chosen", "suggested", "step column", "skipped", "none"]
    """chosen by the user, suggested from the question's text, scored per step column,
    skipped by the user, or none (no link: the question is not applied)."""

    def to_dict(self) -> dict[str, object]:
        """JSON form of one entry of "questions"."""
        return {
            "column": self.column,
            "question": self.question,
            "metric": self.metric,
            "target": self.target.to_dict() if self.target else None,
            "how": self.how,
        }


@dataclass(frozen=True)
class ValueLink:
    """One value of the step column, how many responses give it, and the element it names."""

    value: str
    responses: int
    target: Target | None
    how: Literal["chosen", "suggested", "none"]

    def to_dict(self) -> dict[str, object]:
        """JSON form of one entry of "step_column.values"."""
        return {
            "value": self.value,
            "responses": self.responses,
            "target": self.target.to_dict() if self.target else None,
            "how": self.how,
        }


@dataclass(frozen=True)
class StepColumn:
    """The column that says where each response was, and its values matched to the map."""

    column: str
    question: str
    how: Literal["chosen", "suggested"]
    values: list[ValueLink]

    @property
    def matched_share(self) -> float:
        """Share of the answered responses whose value names an element."""
        total = sum(v.responses for v in self.values)
        matched = sum(v.responses for v in self.values if v.target is not None)
        return matched / total if total else 0.0

    def target_of(self, value: str) -> Target | None:
        """The element a value of the column names (None when it names none)."""
        for link in self.values:
            if link.value == value:
                return link.target
        return None

    def to_dict(self) -> dict[str, object]:
        """JSON form of "step_column"."""
        return {
            "column": self.column,
            "question": self.question,
            "how": self.how,
            "matched_share": round(self.matched_share, 4),
            "values": [v.to_dict() for v in self.values],
        }


@dataclass(frozen=True)
class SurveyLinks:
    """Every scored question of a survey with its link, and the step column if there is one."""

    map: str
    survey: Survey
    questions: list[Question]
    links: list[QuestionLink]
    step_column: StepColumn | None = None
    left_out: list[tuple[str, str]] = field(default_factory=list)
    """(column, kind) of the questions not applied: free text, numeric with no known scale."""

    def to_dict(self) -> dict[str, object]:
        """The JSON contract of `journeyline feedback link`."""
        return {
            "map": self.map,
            "survey": self.survey.file,
            "layout": self.survey.layout,
            "responses": self.survey.responses,
            "questions": [link.to_dict() for link in self.links],
            "step_column": self.step_column.to_dict() if self.step_column else None,
            "left_out": [{"column": c, "metric": k} for c, k in self.left_out],
        }


def parse_links(assignments: Sequence[str] | None, option: str) -> dict[str, str]:
    """`NAME=TARGET` strings (`--question Q2=delivery`, `--value "Check out=checkout"`) as a dict."""
    parsed: dict[str, str] = {}
    for assignment in assignments or []:
        name, sep, target = assignment.rpartition("=")
        if not sep or not name.strip() or not target.strip():
            raise UsageError(
                f"{option} {assignment!r} is not NAME=TARGET (e.g. {option} Q2=checkout, "
                f"or {option} Q2={SKIP} to leave it out)"
            )
        parsed[name.strip()] = target.strip()
    return parsed


def map_targets(journey: JourneyMap) -> list[Target]:
    """Every step, touchpoint and stage of the map a survey can be linked to."""
    targets: list[Target] = []
    touchpoints: dict[str, tuple[str, list[str]]] = {}
    for stage in journey.stages:
        targets.append(Target("stage", stage.id, stage.name))
        for step in stage.steps:
            targets.append(Target("step", step.id, step.name, (step.id,)))
            if step.touchpoint and step.touchpoint.strip():
                name = step.touchpoint.strip()
                touchpoints.setdefault(name.casefold(), (name, []))[1].append(step.id)
    for name, ids in touchpoints.values():
        targets.append(Target("touchpoint", name, name, tuple(ids)))
    return targets


def resolve_target(journey: JourneyMap, text: str, where: str) -> Target:
    """The element `text` names: `step:ID`, `stage:ID`, `touchpoint:NAME`, or a bare step or
    stage id, step name, touchpoint or stage name (compared case-folded); a did-you-mean otherwise."""
    targets = map_targets(journey)
    kind, sep, rest = text.partition(":")
    wanted: str = text
    kinds: tuple[str, ...] = ("step", "stage", "touchpoint")
    if sep and kind.strip().casefold() in _KIND_ORDER:
        kinds, wanted = (kind.strip().casefold(),), rest.strip()
    for exact in (True, False):
        for k in kinds:
            for target in targets:
                if target.kind != k:
                    continue
                if exact and target.id == wanted:
                    return target
                if not exact and wanted.casefold() in (target.id.casefold(), _fold(target.name)):
                    return target
    names = [t.id for t in targets if t.kind in kinds and t.kind != "touchpoint"]
    names += [f"touchpoint:{t.id}" for t in targets if t.kind == "touchpoint" and t.kind in kinds]
    guess = difflib.get_close_matches(text, names, 1, 0.6)
    hint = f" (did you mean '{guess[0]}'?)" if guess else ""
    shown = ", ".join(names[:30]) + (" …" if len(names) > 30 else "")
    noun = kinds[0] if len(kinds) == 1 else "step, stage or touchpoint"
    raise UsageError(
        f"{where}: no {noun} '{wanted}' in map '{journey.id}'{hint}; the map has: {shown or 'no steps'}"
    )


def link_survey(
    journey: JourneyMap,
    survey: Survey,
    *,
    overrides: dict[str, str] | None = None,
    questions: dict[str, str] | None = None,
    step_col: str | None = None,
    values: dict[str, str] | None = None,
    suggest: bool = True,
    use_step_col: bool = True,
) -> SurveyLinks:
    """Link each scored question of `survey` to an element of `journey`.

    `questions` (column → target, `-` to leave out) and `step_col` are the user's choices;
    `values` (step-column value → target) corrects or adds matches of that column's values.
    With `suggest`, questions without a choice are linked when their text names exactly one
    element (the longest name wins; a step before a touchpoint before a stage), and without
    `step_col` the column whose values name elements for most responses (at least half) is
    taken as the step column. Unknown columns and unknown elements are usage errors.
    """
    chosen_questions: dict[str, str] = {}
    for name, target in (questions or {}).items():
        chosen_questions[_column(survey, name, "--question").name] = target
    step_column_name = _column(survey, step_col, "--step-col").name if step_col else None
    exclude = (step_column_name,) if step_column_name else ()
    detected = detect_questions(survey, overrides, exclude=exclude)
    scored = [q for q in detected if q.metric in SCALES]
    left_out = [(q.column.name, q.metric) for q in detected if q.metric not in SCALES]
    scored_names = {q.column.name for q in scored}
    for name in chosen_questions:
        if name not in scored_names:
            kind = next((q.metric for q in detected if q.column.name == name), "bookkeeping")
            raise UsageError(
                f"--question {name}: column '{name}' is not a scored question ({kind}); "
                f"scored questions: {', '.join(sorted(scored_names)) or 'none'} "
                f"(set its kind with --metric '{name}=csat' if it is one)"
            )
    targets = map_targets(journey)
    links: list[QuestionLink] = []
    for question in scored:
        name = question.column.name
        text = chosen_questions.get(name)
        if text == SKIP:
            links.append(_link(question, None, "skipped"))
        elif text is not None:
            links.append(
                _link(question, resolve_target(journey, text, f"--question {name}"), "chosen")
            )
        elif suggest and (found := suggest_target(f"{question.column.question}", targets)):
            links.append(_link(question, found, "suggested"))
        else:
            links.append(_link(question, None, "none"))
    step_column: StepColumn | None = None
    if step_column_name is not None:
        step_column = _step_column(journey, survey, step_column_name, "chosen", values, targets)
    elif use_step_col and suggest:
        step_column = _suggest_step_column(
            journey,
            survey,
            [q.column.name for q in detected if q.metric == "text"],
            values,
            targets,
        )
    elif values:
        raise UsageError("--value needs a step column: name it with --step-col COLUMN")
    if step_column is not None:
        if step_column.column in scored_names:
            raise UsageError(
                f"--step-col {step_column.column}: the column is a scored question ({step_column.column})"
            )
        links = [
            _link(q, None, "step column") if link.how == "none" else link
            for q, link in zip(scored, links, strict=True)
        ]
        left_out = [(c, k) for c, k in left_out if c != step_column.column]
    return SurveyLinks(journey.id, survey, scored, links, step_column, left_out)


def _column(survey: Survey, name: str, option: str) -> SurveyColumn:
    try:
        return survey.column(name)
    except UsageError as error:
        raise UsageError(f"{option} {name}: {error}") from None


def _link(question: Question, target: Target | None, how: str) -> QuestionLink:
    return QuestionLink(
        question.column.name,
        question.column.question,
        question.metric,
        target,
        how,  # type: ignore[arg-type]
    )


def _fold(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def suggest_target(text: str, targets: Iterable[Target]) -> Target | None:
    """The element a question's text names: a target whose name's words appear in the text in a
    row (case-folded); the longest such name wins, a step before a touchpoint before a stage;
    None when nothing matches or two different elements tie."""
    words = _WORD.findall(text.casefold())
    padded = " " + " ".join(words) + " "
    best: list[tuple[int, int, Target]] = []
    for target in targets:
        name = _fold(target.name)
        if not name or f" {name} " not in padded:
            continue
        best.append((-len(name.split()), _KIND_ORDER[target.kind], target))
    if not best:
        return None
    best.sort(key=lambda b: (b[0], b[1]))
    top = best[0]
    ties = [b for b in best if b[0] == top[0] and b[1] == top[1]]
    if len({b[2].key for b in ties}) > 1:
        return None
    return top[2]


def _match_value(value: str, targets: Sequence[Target]) -> Target | None:
    """The element a step-column value names: by id or name, case-folded; else a close name."""
    folded = _fold(value)
    if not folded:
        return None
    ordered = sorted(targets, key=lambda t: _KIND_ORDER[t.kind])
    for target in ordered:
        if folded in (_fold(target.id), _fold(target.name)):
            return target
    names = {_fold(t.name): t for t in reversed(ordered)}
    close = difflib.get_close_matches(folded, list(names), 1, _FUZZY)
    return names[close[0]] if close else None


def _step_column(
    journey: JourneyMap,
    survey: Survey,
    name: str,
    how: Literal["chosen", "suggested"],
    values: dict[str, str] | None,
    targets: Sequence[Target],
) -> StepColumn:
    column = survey.column(name)
    counts = Counter(column.answers)  # in the order of each value's first response
    counts.pop("", None)
    chosen = dict(values or {})
    for value in chosen:
        if value not in counts:
            seen = ", ".join(f"'{v}'" for v in list(counts)[:20]) or "none"
            raise UsageError(
                f"--value {value}: no response of column '{column.name}' gives '{value}'; "
                f"its values: {seen}"
            )
    links: list[ValueLink] = []
    for value, responses in counts.items():
        if value in chosen:
            if chosen[value] == SKIP:
                links.append(ValueLink(value, responses, None, "chosen"))
            else:
                target = resolve_target(journey, chosen[value], f"--value {value}")
                links.append(ValueLink(value, responses, target, "chosen"))
            continue
        found = _match_value(value, targets)
        links.append(ValueLink(value, responses, found, "suggested" if found else "none"))
    return StepColumn(column.name, column.question, how, links)


def _suggest_step_column(
    journey: JourneyMap,
    survey: Survey,
    candidates: list[str],
    values: dict[str, str] | None,
    targets: Sequence[Target],
) -> StepColumn | None:
    best: StepColumn | None = None
    for name in candidates:
        if len(set(survey.column(name).answers)) > _MAX_SUGGESTED_VALUES + 1:
            continue
        found = _step_column(journey, survey, name, "suggested", None, targets)
        if found.matched_share < _MIN_COLUMN_SHARE:
            continue
        if best is None or found.matched_share > best.matched_share:
            best = found
    if best is not None and values:
        best = _step_column(journey, survey, best.column, "suggested", values, targets)
    elif best is None and values:
        raise UsageError(
            "--value: no column of the survey names the map's steps; name it with --step-col COLUMN"
        )
    return best
