"""`journeyline feedback score`: thin face over journeyline.feedback."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from journeyline.cli.common import (
    FORMAT_OPTION,
    LIMIT_OPTION,
    OutputFormat,
    console,
    import_limits,
    print_json,
    reporting_errors,
)
from journeyline.feedback import SCALES, Score, SurveyScores, parse_overrides, score_survey_file

feedback_app = typer.Typer(
    name="feedback",
    help="Voice of the customer: score survey exports (NPS, CSAT, CES) with their uncertainty.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

UNITS = {"nps": " pts", "csat": " %", "ces": "", "numeric": ""}
"""How each kind's score reads in text output (NPS in points, CSAT in percent)."""


@feedback_app.command("score")
def score(
    survey: Path = typer.Argument(
        ...,
        metavar="SURVEY",
        help="Survey export: .csv or .xlsx from Qualtrics, SurveyMonkey, Google Forms, "
        "Typeform, or a plain table (one row per response).",
    ),
    metric: list[str] | None = typer.Option(
        None,
        "--metric",
        metavar="COLUMN=KIND",
        help="Set a column's kind instead of detecting it: nps, csat, ces, numeric or text "
        "(repeatable).",
    ),
    by: str | None = typer.Option(
        None,
        "--by",
        metavar="COLUMN",
        help="Score per value of this column too (a touchpoint, step or segment column).",
    ),
    encoding: str | None = typer.Option(
        None, "--encoding", help="The CSV's encoding when it is not UTF-8 (e.g. cp1252, utf-16)."
    ),
    limit: list[str] | None = LIMIT_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Score each question of a survey export: NPS, CSAT, CES or mean, with n and a 95 % interval."""
    with reporting_errors(fmt):
        result = score_survey_file(
            survey,
            overrides=parse_overrides(metric),
            by=by,
            encoding=encoding,
            limits=import_limits(limit),
        )
    if fmt == OutputFormat.json:
        print_json(result.to_dict())
        return
    _print_scores(result)


def _figure(metric: str, value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.1f}" if metric in ("nps", "csat") else f"{value:.2f}"


def _cells(metric: str, score: Score) -> tuple[str, str, str]:
    if score.score is None:
        return str(score.n), "–", "–"
    unit = UNITS.get(metric, "")
    interval = (
        f"{_figure(metric, score.interval[0])} – {_figure(metric, score.interval[1])}"
        if score.interval
        else "–"
    )
    return str(score.n), _figure(metric, score.score) + unit, interval


def _print_scores(result: SurveyScores) -> None:
    console.print(
        f"{result.file}: {result.layout} survey, {result.responses:,} responses, "
        f"{len(result.questions)} questions",
        markup=False,
    )
    table = Table(show_lines=False)
    table.add_column("Column")
    if result.by:
        table.add_column(result.by)
    table.add_column("Metric")
    table.add_column("n", justify="right")
    table.add_column("Score", justify="right")
    table.add_column("95 % interval", justify="right")
    for question in result.questions:
        label = question.metric + ("" if question.detected else " (set)")
        if question.metric in SCALES:
            low, high = SCALES[question.metric]
            label += f" {low}–{high}"
        name = question.column
        if question.question != question.column:
            name += f": {question.question}"
        lead = [name] + (["all"] if result.by else [])
        table.add_row(*lead, label, *_cells(question.metric, question.overall))
        for group, group_score in question.groups.items():
            table.add_row("", group, "", *_cells(question.metric, group_score))
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add the `feedback` group to the main command."""
    app.add_typer(feedback_app, name="feedback")
