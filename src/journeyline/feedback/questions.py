"""Each survey question's kind (NPS, CSAT, CES, other numeric, free text) and its answers as scores.

Answers may be numbers ("9", "9.0"), numbers with their label ("10 - Extremely likely",
"0 - Not at all likely") or the label alone ("Very satisfied", "Strongly agree"). The
question's text and its answers decide the kind; the caller may override it per column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from journeyline.errors import Diagnostic, InvalidInput, UsageError
from journeyline.feedback.survey import Survey, SurveyColumn

METRICS = ("nps", "csat", "ces", "numeric", "text")
"""The kinds of question, as `--metric COLUMN=KIND` and the JSON output name them."""

SCALES: dict[str, tuple[int, int]] = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
"""The answer scale of each scored kind: whole numbers from low to high."""

_LABELS: dict[str, dict[str, int]] = {
    "satisfaction": {
        "very dissatisfied": 1,
        "extremely dissatisfied": 1,
        "dissatisfied": 2,
        "somewhat dissatisfied": 2,
        "neither satisfied nor dissatisfied": 3,
        "neutral": 3,
        "satisfied": 4,
        "somewhat satisfied": 4,
        "very satisfied": 5,
        "extremely satisfied": 5,
    },
    "agreement": {
        "strongly disagree": 1,
        "disagree": 2,
        "neither agree nor disagree": 3,
        "neutral": 3,
        "agree": 4,
        "strongly agree": 5,
    },
    "agreement7": {
        "strongly disagree": 1,
        "disagree": 2,
        "somewhat disagree": 3,
        "neither agree nor disagree": 4,
        "neutral": 4,
        "somewhat agree": 5,
        "agree": 6,
        "strongly agree": 7,
    },
    "ease": {
        "very difficult": 1,
        "difficult": 2,
        "somewhat difficult": 3,
        "neither easy nor difficult": 4,
        "neutral": 4,
        "somewhat easy": 5,
        "easy": 6,
        "very easy": 7,
    },
    "likelihood": {"not at all likely": 0, "extremely likely": 10},
}
"""Answers written as words, per family of scale: the label → its score."""

_NUMBER = re.compile(r"^\s*([+-]?\d+(?:[.,]\d+)?)\s*(?:(?:[-–—:=.)]|\s)\s*(\D.*)?)?$")

_NPS_TEXT = re.compile(r"recommend|\bnps\b|net promoter", re.IGNORECASE)
_CES_TEXT = re.compile(r"effort|\beasy\b|\beasier\b|\bease\b|\bces\b|difficult", re.IGNORECASE)
_CSAT_TEXT = re.compile(r"satisf|\bcsat\b", re.IGNORECASE)


@dataclass(frozen=True)
class Question:
    """One question of a survey with its kind and its answers read as scores."""

    column: SurveyColumn
    metric: str
    scores: list[float | None]
    """One per response: the answer as a number (None when blank; all None for text)."""
    detected: bool = True
    """False when the caller chose the kind (`--metric`)."""


def parse_overrides(assignments: list[str] | None) -> dict[str, str]:
    """`COLUMN=KIND` strings (`--metric Q1=nps`) as column → kind."""
    overrides: dict[str, str] = {}
    for assignment in assignments or []:
        column, sep, kind = assignment.rpartition("=")
        kind = kind.strip().lower()
        if not sep or not column.strip():
            raise UsageError(f"--metric {assignment!r} is not COLUMN=KIND (e.g. Q1=nps)")
        if kind not in METRICS:
            raise UsageError(
                f"--metric {assignment!r}: unknown kind '{kind}'; kinds: {', '.join(METRICS)}"
            )
        overrides[column.strip()] = kind
    return overrides


def _families(label: str) -> list[str]:
    return [family for family, labels in _LABELS.items() if label in labels]


def detect_questions(
    survey: Survey, overrides: dict[str, str] | None = None, *, exclude: tuple[str, ...] = ()
) -> list[Question]:
    """The survey's questions with their kinds, in column order (bookkeeping columns and
    `exclude`d ones left out); refuses a survey where no question has an answer, and
    answers off their scale."""
    overrides = dict(overrides or {})
    chosen: dict[str, str] = {}
    for name, kind in overrides.items():
        chosen[survey.column(name).name] = kind
    questions: list[Question] = []
    for column in survey.columns:
        if column.name in exclude or (column.meta and column.name not in chosen):
            continue
        questions.append(_question(survey, column, chosen.get(column.name)))
    if not any(any(q.column.answers) for q in questions):
        diagnostic = Diagnostic(
            f"no recognisable question: the {survey.layout} survey has "
            f"{survey.responses:,} responses but no column of answers besides the tool's own "
            "(ids, dates)",
            survey.file,
            hint="check the export holds the answers, or name a column with --metric COLUMN=KIND",
        )
        raise InvalidInput(diagnostic.render(), [diagnostic])
    return questions


def _question(survey: Survey, column: SurveyColumn, override: str | None) -> Question:
    text = f"{column.name} {column.question}"
    # Each distinct answer is read once, in the order of its first response (so the first
    # distinct answer that fails is the first response that fails); the scores are then
    # looked up per response.
    distinct = dict.fromkeys(column.answers)
    distinct.pop("", None)
    read: dict[str, float | None] = {"": None}
    families: dict[str, int] = {}  # label family → first response that used it
    unread: str | None = None
    for answer in distinct:
        value, family = _read_any(answer)
        if value is None and family is None:
            if unread is None:
                unread = answer
                if override is None:
                    break  # a word that is no score: the column is free text
            read[answer] = None
            continue
        if family and family not in families:
            families[family] = column.answers.index(answer)
        read[answer] = value
    if override == "text" or (override is None and unread is not None):
        return Question(column, "text", [None] * len(column.answers), override is None)
    if unread is not None:
        _refuse(survey, column, column.answers.index(unread), f"'{unread}' is not a score")
    family = _family(survey, column, families, text)
    if family:
        _relabel(read, family)
    scores = list(map(read.__getitem__, column.answers))
    metric = override or _kind(text, family, scores)
    if metric == "numeric" and not distinct:
        metric = "text"  # nobody answered and the question names no score: nothing to read
    if metric in SCALES:
        _check_scale(survey, column, read, metric, override is not None)
    return Question(column, metric, scores, override is None)


def _read_any(answer: str) -> tuple[float | None, str | None]:
    match = _NUMBER.match(answer)
    if match:
        return float(match.group(1).replace(",", ".")), None
    label = " ".join(answer.casefold().split())
    families = _families(label)
    if not families:
        return None, None
    return 0.0, "|".join(families)


def _family(survey: Survey, column: SurveyColumn, used: dict[str, int], text: str) -> str | None:
    """The one label family every worded answer fits (ambiguous labels such as 'neutral'
    fit several); answers from two families are mixed scales."""
    if not used:
        return None
    candidates: set[str] | None = None
    for options in used:
        names = set(options.split("|"))
        narrowed = names if candidates is None else candidates & names
        if not narrowed:
            first = min(used.values())
            later = used[options]
            _refuse(
                survey,
                column,
                later,
                f"mixed scales in one column: '{column.answers[later]}' is not on the scale "
                f"of '{column.answers[first]}'",
            )
        candidates = narrowed
    assert candidates
    for preferred in ("likelihood", "satisfaction", "ease"):
        if preferred in candidates:
            return preferred
    if "agreement" in candidates and "agreement7" in candidates:
        return "agreement7" if _CES_TEXT.search(text) else "agreement"
    return sorted(candidates)[0]


def _relabel(read: dict[str, float | None], family: str) -> None:
    """The worded answers of `read` (answer → score) given their scores on `family`."""
    labels = _LABELS[family]
    for answer, score in read.items():
        if score is not None and not _NUMBER.match(answer):
            read[answer] = float(labels[" ".join(answer.casefold().split())])


def _kind(text: str, family: str | None, scores: list[float | None]) -> str:
    if family == "likelihood" or _NPS_TEXT.search(text):
        return "nps"
    if family in ("ease", "agreement7") or (family != "satisfaction" and _CES_TEXT.search(text)):
        return "ces"
    if family == "satisfaction" or _CSAT_TEXT.search(text):
        return "csat"
    return "numeric"


def _check_scale(
    survey: Survey, column: SurveyColumn, read: dict[str, float | None], metric: str, chosen: bool
) -> None:
    """Refuse the first response whose score is off the metric's scale (`read`: each distinct
    answer's score, in the order of its first response)."""
    low, high = SCALES[metric]
    for answer, score in read.items():
        if score is None:
            continue
        if score < low or score > high or not score.is_integer():
            how = "chosen with --metric" if chosen else "detected from the question"
            _refuse(
                survey,
                column,
                column.answers.index(answer),
                f"score {answer!r} is outside the {metric.upper()} scale "
                f"({low}–{high} whole numbers; {metric} {how})",
                hint=f"if the column is on another scale, read it with --metric '{column.name}=numeric'",
            )


def _refuse(
    survey: Survey, column: SurveyColumn, response: int, message: str, hint: str | None = None
) -> None:
    file, line, position = survey.where(response, column)
    diagnostic = Diagnostic(f"column '{column.name}': {message}", file, line, position, hint=hint)
    raise InvalidInput(diagnostic.render(), [diagnostic])
