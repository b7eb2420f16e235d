"""Survey scores with their uncertainty: NPS, CSAT and CES, each with n and a 95 % interval.

Each definition is written once, in the docstring of the function that computes it;
docs/feedback.md quotes them (a test checks the quotes).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from journeyline.feedback.questions import SCALES, Question, detect_questions
from journeyline.feedback.survey import Survey, read_survey
from journeyline.formats.limits import ImportLimits, applying

Z95 = 1.959963984540054
"""The standard normal quantile of a two-sided 95 % interval."""

BLANK_GROUP = "(blank)"
"""The group of responses whose `--by` column is blank."""


@dataclass(frozen=True)
class Score:
    """A score, how many answers it rests on, and its 95 % interval (None when undefined)."""

    n: int
    score: float | None
    interval: tuple[float, float] | None

    def to_dict(self) -> dict[str, object]:
        """The JSON form: n, score and interval as `feedback score` prints them."""
        return {
            "n": self.n,
            "score": self.score,
            "interval": list(self.interval) if self.interval else None,
        }


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion: with p = successes / n, the bounds are
    (p + z²/2n ± z·sqrt(p(1 − p)/n + z²/4n²)) / (1 + z²/n), z = 1.96 for 95 %. It stays
    inside 0…1 and behaves at 0 % and 100 %, where the plain normal interval collapses.
    None when n is 0.
    """
    if n <= 0:
        return None
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def nps_score(answers: Sequence[float]) -> Score:
    """Net Promoter Score, in points from −100 to 100: the share of promoters (answers 9–10
    on the 0–10 "how likely are you to recommend" scale) minus the share of detractors
    (0–6), times 100; passives (7–8) count in n only. Its 95 % interval is the standard
    normal approximation, NPS ± 1.96·se with se = sqrt((p_p + p_d − (p_p − p_d)²)/n)
    (p_p, p_d the shares of promoters and detractors), times 100 and kept within −100…100.
    Score and interval are None when no one answered.
    """
    n = len(answers)
    if not n:
        return Score(0, None, None)
    promoters = sum(1 for a in answers if a >= 9)
    detractors = sum(1 for a in answers if a <= 6)
    p_p, p_d = promoters / n, detractors / n
    nps = p_p - p_d
    se = math.sqrt(max(0.0, p_p + p_d - nps * nps) / n)
    low, high = max(-1.0, nps - Z95 * se), min(1.0, nps + Z95 * se)
    return Score(n, 100 * nps, (100 * low, 100 * high))


def csat_score(answers: Sequence[float]) -> Score:
    """Customer satisfaction (CSAT), in percent: the share of answers of 4 or 5 ("satisfied",
    "very satisfied") on the 1–5 scale, times 100. Its 95 % interval is the Wilson score
    interval of that share, times 100. Score and interval are None when no one answered.
    """
    n = len(answers)
    if not n:
        return Score(0, None, None)
    satisfied = sum(1 for a in answers if a >= 4)
    interval = wilson_interval(satisfied, n)
    assert interval is not None
    return Score(n, 100 * satisfied / n, (100 * interval[0], 100 * interval[1]))


def mean_score(answers: Sequence[float]) -> Score:
    """Customer effort (CES) and any other numeric question: the mean answer, on the
    question's own scale (CES: 1–7, higher is easier). Its 95 % interval is
    mean ± 1.96·sd/√n, sd the sample standard deviation (n − 1 in the denominator).
    The interval is None with fewer than two answers; the score None with none.
    """
    n = len(answers)
    if not n:
        return Score(0, None, None)
    mean = math.fsum(answers) / n
    if n < 2:
        return Score(n, mean, None)
    variance = math.fsum((a - mean) ** 2 for a in answers) / (n - 1)
    half = Z95 * math.sqrt(variance) / math.sqrt(n)
    return Score(n, mean, (mean - half, mean + half))


def score_answers(metric: str, answers: Sequence[float]) -> Score:
    """The score of `metric` ("nps", "csat", "ces" or "numeric") over numeric answers."""
    if metric == "nps":
        return nps_score(answers)
    if metric == "csat":
        return csat_score(answers)
    return mean_score(answers)


@dataclass(frozen=True)
class QuestionScore:
    """One question's score overall and, with `by`, per group of responses."""

    column: str
    question: str
    metric: str
    overall: Score
    groups: dict[str, Score] = field(default_factory=dict)
    detected: bool = True

    def to_dict(self) -> dict[str, object]:
        """The JSON form of one entry of `feedback score`'s "questions"."""
        data: dict[str, object] = {"column": self.column, "metric": self.metric}
        data.update(self.overall.to_dict())
        data["question"] = self.question
        data["detected"] = self.detected
        if self.metric in SCALES:
            data["scale"] = list(SCALES[self.metric])
        if self.groups:
            data["groups"] = [
                {"group": name, **score.to_dict()} for name, score in self.groups.items()
            ]
        return data


@dataclass(frozen=True)
class SurveyScores:
    """Every question of a survey scored: what `feedback score` prints."""

    file: str
    layout: str
    responses: int
    questions: list[QuestionScore]
    by: str | None = None

    def to_dict(self) -> dict[str, object]:
        """The JSON contract of `journeyline feedback score`: {"questions": [...]} only."""
        return {"questions": [q.to_dict() for q in self.questions]}


def score_question(question: Question, groups: Sequence[str] | None = None) -> QuestionScore:
    """One question's score (text questions: n answers, no score), overall and per group."""
    column = question.column
    if question.metric == "text":
        overall = Score(sum(1 for a in column.answers if a), None, None)
        by_group: dict[str, Score] = {}
        if groups is not None:
            counts: dict[str, int] = {}
            for group, answer in zip(groups, column.answers, strict=True):
                counts[group] = counts.get(group, 0) + (1 if answer else 0)
            by_group = {g: Score(c, None, None) for g, c in counts.items()}
        return QuestionScore(column.name, column.question, "text", overall, by_group)
    answers = [s for s in question.scores if s is not None]
    overall = score_answers(question.metric, answers)
    by_group = {}
    if groups is not None:
        split: dict[str, list[float]] = {}
        for group, score in zip(groups, question.scores, strict=True):
            bucket = split.setdefault(group, [])
            if score is not None:
                bucket.append(score)
        by_group = {g: score_answers(question.metric, a) for g, a in split.items()}
    return QuestionScore(
        column.name, column.question, question.metric, overall, by_group, question.detected
    )


def score_survey(
    survey: Survey, overrides: dict[str, str] | None = None, by: str | None = None
) -> SurveyScores:
    """Detect each question's kind (or take `overrides`) and score it, per `by` group too."""
    groups: list[str] | None = None
    by_name: str | None = None
    if by is not None:
        by_column = survey.column(by)
        by_name = by_column.name
        groups = [a or BLANK_GROUP for a in by_column.answers]
    exclude = (by_name,) if by_name else ()
    questions = detect_questions(survey, overrides, exclude=exclude)
    return SurveyScores(
        survey.file,
        survey.layout,
        survey.responses,
        [score_question(q, groups) for q in questions],
        by_name,
    )


def score_survey_file(
    path: Path,
    *,
    overrides: dict[str, str] | None = None,
    by: str | None = None,
    encoding: str | None = None,
    limits: ImportLimits | None = None,
) -> SurveyScores:
    """Read a survey export and score it: the one call behind `journeyline feedback score`."""
    with applying(limits):
        survey = read_survey(path, encoding=encoding)
        return score_survey(survey, overrides, by)
