"""A survey export in the repository: what was detected, the mapping a person confirmed
(question kinds, question → step/touchpoint/stage, a step column and its values, a
segment column), and the scores, links and themes computed from the file under it.

The mapping is the CLI's options as data: `metrics` is `--metric COLUMN=KIND`,
`questions` `--question COLUMN=TARGET`, `step_col` `--step-col`, `values` `--value`,
`by` `--by`; so the web app's numbers are the CLI's for the same choices.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from journeyline.errors import Diagnostic, UsageError
from journeyline.feedback.apply import apply_survey
from journeyline.feedback.links import SurveyLinks, link_survey
from journeyline.feedback.questions import METRICS, detect_questions
from journeyline.feedback.scores import score_survey
from journeyline.feedback.survey import Survey, read_survey
from journeyline.formats.limits import ImportLimits, applying
from journeyline.model import JourneyMap

MAPPING_KEYS = ("metrics", "map", "questions", "step_col", "values", "by")


def empty_mapping() -> dict[str, Any]:
    """A mapping nobody has confirmed yet: every choice left to detection."""
    return {
        "metrics": {},
        "map": None,
        "questions": {},
        "step_col": None,
        "values": {},
        "by": None,
        "confirmed": False,
    }


def read(path: Path, limits: ImportLimits | None = None, encoding: str | None = None) -> Survey:
    """The survey file read under the import limits."""
    with applying(limits):
        return read_survey(path, encoding=encoding)


def survey_facts(
    path: Path, filename: str, *, limits: ImportLimits | None = None, encoding: str | None = None
) -> dict[str, Any]:
    """What an upload's detection found: the layout, the responses, and each question with
    the kind detected (a person confirms or corrects it), how many answered, and a few
    sample answers. Refuses, naming the column and row, a survey with no recognisable
    question or answers off their scale."""
    with applying(limits):
        survey = read_survey(path, encoding=encoding)
        questions = detect_questions(survey)
    return {
        "file": filename,
        "encoding": encoding,
        "layout": survey.layout,
        "sheet": survey.sheet,
        "responses": survey.responses,
        "columns": [
            {"name": c.name, "question": c.question, "bookkeeping": bool(c.meta)}
            for c in survey.columns
        ],
        "questions": [
            {
                "column": q.column.name,
                "question": q.column.question,
                "metric": q.metric,
                "detected": q.detected,
                "answered": sum(1 for a in q.column.answers if a.strip()),
                "samples": _samples(q.column.answers),
            }
            for q in questions
        ],
        "mapping": empty_mapping(),
    }


def _samples(answers: list[str], count: int = 3) -> list[str]:
    seen: dict[str, None] = {}
    for answer in answers:
        text = " ".join(answer.split())
        if text:
            seen.setdefault(text[:120], None)
        if len(seen) >= count:
            break
    return list(seen)


def clean_mapping(raw: dict[str, Any], survey: Survey) -> dict[str, Any]:
    """A mapping as a person sent it, checked against the survey's columns and kinds."""
    mapping = empty_mapping()
    names = {c.name for c in survey.columns}
    for column, kind in (raw.get("metrics") or {}).items():
        survey.column(column)
        if kind not in METRICS:
            raise UsageError(
                f"metrics.{column}: a question's kind is one of {', '.join(METRICS)}, not {kind!r}",
                [Diagnostic(f"unknown kind {kind!r}", f"metrics.{column}")],
            )
        mapping["metrics"][survey.column(column).name] = kind
    for key in ("step_col", "by"):
        value = raw.get(key)
        if value:
            mapping[key] = survey.column(str(value)).name
    for key in ("questions", "values"):
        chosen = raw.get(key) or {}
        if not isinstance(chosen, dict):
            raise UsageError(
                f"{key} is an object of column → target", [Diagnostic("not an object", key)]
            )
        mapping[key] = {str(k): str(v) for k, v in chosen.items()}
    if raw.get("map"):
        mapping["map"] = str(raw["map"])
    unknown = set(mapping["questions"]) - names
    if unknown:
        survey.column(sorted(unknown)[0])  # raises, naming it and the columns
    mapping["confirmed"] = bool(raw.get("confirmed", True))
    return mapping


def links_for(journey: JourneyMap, survey: Survey, mapping: dict[str, Any]) -> SurveyLinks:
    """The survey's questions linked to the map under the mapping (suggestions fill the rest)."""
    return link_survey(
        journey,
        survey,
        overrides=mapping.get("metrics") or None,
        questions=mapping.get("questions") or None,
        step_col=mapping.get("step_col"),
        values=mapping.get("values") or None,
    )


def scores_for(
    survey: Survey, mapping: dict[str, Any], journey: JourneyMap | None = None
) -> dict[str, Any]:
    """Scores with n and 95 % intervals per question (and per `by` group), and with a map,
    per linked step, touchpoint or stage: what `journeyline feedback score` and `link` print."""
    scores = score_survey(survey, mapping.get("metrics") or None, mapping.get("by"))
    result: dict[str, Any] = scores.to_dict()
    if journey is not None:
        links = links_for(journey, survey, mapping)
        applied, summary = apply_survey(journey, links)
        result["links"] = links.to_dict()
        result["targets"] = summary.to_dict()
        del applied
    return result


def apply_to(
    journey: JourneyMap, survey: Survey, mapping: dict[str, Any], line: str | None = None
) -> tuple[JourneyMap, dict[str, Any]]:
    """The map with the survey's scores and their evidence written onto its steps."""
    links = links_for(journey, survey, mapping)
    updated, result = apply_survey(journey, links, line=line)
    return updated, result.to_dict()


Progress = Callable[[float, str], None]


def themes_job(path: str, options: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """The themes of a file's comments (run in a job's process): sentiment per comment,
    the themes with their quotes, and the pain points they suggest."""
    from journeyline.feedback.comments import themes_of_file

    done = [0]
    total = max(int(options.get("rows") or 0), 1)

    def advance(count: int) -> None:
        done[0] += count
        progress(min(0.8 * done[0] / total, 0.8), f"read the sentiment of {done[0]:,} comments")

    def stage(text: str) -> None:
        progress(0.85, text)

    result = themes_of_file(
        Path(path),
        text_col=options.get("text_col"),
        k=options.get("k"),
        encoding=options.get("encoding"),
        progress=advance,
        stage=stage,
    )
    return result.to_dict()
