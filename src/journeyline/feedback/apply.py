"""Survey scores written onto a map: metrics on the steps and stages, and their evidence.

What `journeyline feedback apply` does (as `events overlay` does for event data): each
linked question is scored over the responses about each element (`feedback.links`), and
the score is written onto the element as a metric (`NPS`, `CSAT` or `CES` with `n`, its
95 % `interval` and the `bounds` it can range over), with one evidence record of kind
`survey` per question and element, linked to the steps (or the stage) it supports.
Applying the same survey again replaces what it wrote before: nothing is duplicated.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from journeyline.errors import UsageError
from journeyline.feedback.links import SurveyLinks, Target, link_survey
from journeyline.feedback.questions import Question
from journeyline.feedback.scores import Score, score_answers
from journeyline.feedback.survey import read_survey
from journeyline.formats.limits import ImportLimits, applying
from journeyline.model import Evidence, EvidenceKind, JourneyMap, Metric, Stage, Step, slugify

LINE_KINDS = ("csat", "nps", "ces")
"""The kinds a customers' line can be drawn from, in the order `feedback apply` prefers them."""

NAMES = {"nps": "NPS", "csat": "CSAT", "ces": "CES"}
UNITS: dict[str, str | None] = {"nps": "points", "csat": "%", "ces": None}
BOUNDS: dict[str, tuple[float, float]] = {
    "nps": (-100.0, 100.0),
    "csat": (0.0, 100.0),
    "ces": (1.0, 7.0),
}
"""The range each score can take: NPS in points, CSAT in percent, CES on its 1–7 scale."""

_DIGITS = {"nps": 1, "csat": 1, "ces": 2}


@dataclass(frozen=True)
class AppliedScore:
    """One question's score written onto one element."""

    column: str
    question: str
    metric: str
    target: Target
    via: Literal["question", "step column"]
    score: Score
    evidence: str
    """The id of the evidence record written for it."""

    def to_dict(self) -> dict[str, object]:
        """JSON form of one entry of "applied"."""
        return {
            "column": self.column,
            "question": self.question,
            "metric": self.metric,
            "target": self.target.to_dict(),
            "via": self.via,
            **self.score.to_dict(),
            "evidence": self.evidence,
        }


@dataclass
class ApplyResult:
    """What `feedback apply` wrote, and what it left out and why."""

    links: SurveyLinks
    applied: list[AppliedScore]
    skipped: list[dict[str, object]] = field(default_factory=list)
    unmatched_values: list[dict[str, object]] = field(default_factory=list)
    """Values of the step column that name no element: their responses are not applied."""
    removed_metrics: int = 0
    removed_evidence: int = 0

    def to_dict(self) -> dict[str, object]:
        """The JSON contract of `journeyline feedback apply` (the CLI adds "output")."""
        return {
            "map": self.links.map,
            "survey": self.links.survey.file,
            "layout": self.links.survey.layout,
            "responses": self.links.survey.responses,
            "links": self.links.to_dict(),
            "applied": [a.to_dict() for a in self.applied],
            "skipped": self.skipped,
            "unmatched_values": self.unmatched_values,
            "replaced": {"metrics": self.removed_metrics, "evidence": self.removed_evidence},
        }


def metric_source(survey_file: str, column: str) -> str:
    """The `source` of a metric `feedback apply` writes: the survey's file name and the column."""
    return f"{_file_name(survey_file)}, question {column}"


def _file_name(survey_file: str) -> str:
    return Path(survey_file).name


def evidence_id(survey_file: str, column: str, target: Target) -> str:
    """A stable id for the evidence of one question on one element (same inputs, same id)."""
    name = _file_name(survey_file)
    digest = hashlib.sha1(f"{name}\0{column}\0{target.key}".encode()).hexdigest()[:8]
    return f"survey-{slugify(f'{Path(name).stem} {column}', max_length=32)}-{digest}"


def apply_survey(
    journey: JourneyMap, links: SurveyLinks, *, line: str | None = None
) -> tuple[JourneyMap, ApplyResult]:
    """The map with the survey's scores on its steps and stages, and what was written.

    `line` is the kind the customers' line is drawn from (written first among the scores of
    each step); by default the first of CSAT, NPS and CES the survey has. What an earlier
    apply of the same survey file wrote (metrics with its source, its `survey-…` evidence)
    is removed first, so applying twice gives the same map.
    """
    if line is not None and line not in LINE_KINDS:
        raise UsageError(f"--line {line!r}: choose one of {', '.join(LINE_KINDS)}")
    journey = journey.model_copy(deep=True)
    survey = links.survey
    result = ApplyResult(links, [])
    result.removed_metrics, result.removed_evidence = _remove_previous(journey, survey.file)
    by_column = {q.column.name: q for q in links.questions}
    written: list[tuple[AppliedScore, Question]] = []
    for link in links.links:
        question = by_column[link.column]
        if link.target is not None:
            answers = [s for s in question.scores if s is not None]
            written.append(
                (_applied(question, link.target, "question", answers, survey.file), question)
            )
        elif link.how == "step column" and links.step_column is not None:
            column = survey.column(links.step_column.column)
            named = {v.value: v.target for v in links.step_column.values if v.target is not None}
            grouped: dict[str, list[float]] = {}
            for where, score in zip(column.answers, question.scores, strict=True):
                if score is not None and where in named:
                    grouped.setdefault(where, []).append(score)
            by_target: dict[str, tuple[Target, list[float]]] = {}
            for value, scores in grouped.items():  # values naming one element are pooled
                target = named[value]
                by_target.setdefault(target.key, (target, []))[1].extend(scores)
            for target, answers in by_target.values():
                written.append(
                    (_applied(question, target, "step column", answers, survey.file), question)
                )
        else:
            result.skipped.append(
                {
                    "column": link.column,
                    "metric": link.metric,
                    "reason": "left out with --question COLUMN=-"
                    if link.how == "skipped"
                    else "no step, touchpoint or stage named: link it with --question COLUMN=STEP_ID "
                    "or give a step column with --step-col COLUMN",
                }
            )
    for name, kind in links.left_out:
        reason = "free text" if kind == "text" else "numeric with no known scale (set --metric)"
        result.skipped.append({"column": name, "metric": kind, "reason": reason})
    if links.step_column is not None:
        for unmatched in links.step_column.values:
            if unmatched.target is None and unmatched.how == "none":
                result.unmatched_values.append(
                    {
                        "column": links.step_column.column,
                        "value": unmatched.value,
                        "responses": unmatched.responses,
                        "reason": "names no step, touchpoint or stage: link it with "
                        f"--value '{unmatched.value}=STEP_ID'",
                    }
                )
    present = [k for k in LINE_KINDS if any(a.metric == k for a, _ in written)]
    order = [line] if line else []
    order += [k for k in present if k not in order]
    written.sort(key=lambda item: order.index(item[0].metric) if item[0].metric in order else 9)
    for applied, question in written:
        if applied.score.score is None:
            continue
        _write(journey, applied, question, survey.file)
        result.applied.append(applied)
    return journey, result


def _applied(
    question: Question,
    target: Target,
    via: Literal["question", "step column"],
    answers: list[float],
    file: str,
) -> AppliedScore:
    return AppliedScore(
        question.column.name,
        question.column.question,
        question.metric,
        target,
        via,
        score_answers(question.metric, answers),
        evidence_id(file, question.column.name, target),
    )


def _remove_previous(journey: JourneyMap, survey_file: str) -> tuple[int, int]:
    prefix = f"{_file_name(survey_file)}, question "
    removed = 0
    holders: list[Stage | Step] = [*journey.stages, *journey.steps()]
    for holder in holders:
        kept = [m for m in holder.metrics if not (m.source or "").startswith(prefix)]
        removed += len(holder.metrics) - len(kept)
        if len(kept) != len(holder.metrics):
            holder.metrics = kept
    source = _file_name(survey_file)
    evidence = [
        e
        for e in journey.evidence
        if not (e.kind == EvidenceKind.survey and e.source == source and e.id.startswith("survey-"))
    ]
    dropped = len(journey.evidence) - len(evidence)
    journey.evidence = evidence
    return removed, dropped


def _figure(metric: str, value: float) -> float:
    return round(value, _DIGITS[metric])


def _write(journey: JourneyMap, applied: AppliedScore, question: Question, file: str) -> None:
    score = applied.score
    assert score.score is not None
    kind = applied.metric
    metric = Metric(
        name=NAMES[kind],
        value=_figure(kind, score.score),
        unit=UNITS[kind],
        source=metric_source(file, applied.column),
        n=score.n,
        interval=[_figure(kind, score.interval[0]), _figure(kind, score.interval[1])]
        if score.interval
        else None,
        bounds=list(BOUNDS[kind]),
    )
    target = applied.target
    if target.kind == "stage":
        stage = next(s for s in journey.stages if s.id == target.id)
        stage.metrics = [*stage.metrics, metric]
        links = [stage.id]
    else:
        for step_id in target.steps:
            step = journey.find_step(step_id)
            assert step is not None
            step.metrics = [*step.metrics, metric.model_copy()]
        links = list(target.steps)
    journey.evidence = [
        *journey.evidence,
        Evidence(
            id=applied.evidence,
            name=f"{NAMES[kind]} {score_text(kind, score)} at {target.name}",
            kind=EvidenceKind.survey,
            source=_file_name(file),
            summary=f"{question.column.question}: {score_sentence(kind, score)}",
            links=links,
        ),
    ]


def score_text(kind: str, score: Score) -> str:
    """A score as the evidence names it: 'NPS 20 points', 'CSAT 80 %', 'CES 5.25'."""
    assert score.score is not None
    value = f"{_figure(kind, score.score):g}"
    unit = UNITS[kind]
    return f"{value} {unit}" if unit else value


def score_sentence(kind: str, score: Score) -> str:
    """'CSAT 80 % (95 % interval 49–94.3 %, n = 10)'."""
    text = f"{NAMES[kind]} {score_text(kind, score)}"
    unit = f" {UNITS[kind]}" if UNITS[kind] else ""
    if score.interval:
        low, high = (f"{_figure(kind, v):g}" for v in score.interval)
        text += f" (95 % interval {low}–{high}{unit}, n = {score.n})"
    else:
        text += f" (n = {score.n})"
    return text


def link_survey_file(
    journey: JourneyMap,
    path: Path,
    *,
    overrides: dict[str, str] | None = None,
    questions: dict[str, str] | None = None,
    step_col: str | None = None,
    values: dict[str, str] | None = None,
    suggest: bool = True,
    use_step_col: bool = True,
    encoding: str | None = None,
    limits: ImportLimits | None = None,
) -> SurveyLinks:
    """Read a survey export and link it to the map: the one call behind `feedback link`."""
    with applying(limits):
        survey = read_survey(path, encoding=encoding)
        return link_survey(
            journey,
            survey,
            overrides=overrides,
            questions=questions,
            step_col=step_col,
            values=values,
            suggest=suggest,
            use_step_col=use_step_col,
        )
