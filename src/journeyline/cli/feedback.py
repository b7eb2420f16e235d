"""`journeyline feedback score`: thin face over journeyline.feedback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from journeyline.cli.common import (
    FORMAT_OPTION,
    LIMIT_OPTION,
    OutputFormat,
    console,
    err_console,
    import_limits,
    map_option,
    print_json,
    print_warnings,
    reporting_errors,
)
from journeyline.feedback import (
    SCALES,
    Score,
    SurveyLinks,
    SurveyScores,
    apply_survey,
    link_survey_file,
    parse_links,
    parse_overrides,
    score_survey_file,
)
from journeyline.feedback.comments import (
    CommentsSentiment,
    CommentsThemes,
    sentiment_of_file,
    themes_of_file,
)

if TYPE_CHECKING:
    from journeyline.model import JourneyMap, Workspace

feedback_app = typer.Typer(
    name="feedback",
    help="Voice of the customer: score survey exports (NPS, CSAT, CES) with their uncertainty "
    "and put them on a map's steps; label free-text comments' sentiment and group them into themes.",
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


SURVEY_ARG = typer.Argument(
    ...,
    metavar="SURVEY",
    help="Survey export: .csv or .xlsx from Qualtrics, SurveyMonkey, Google Forms, "
    "Typeform, or a plain table (one row per response).",
)
MAP_ARG = typer.Argument(..., metavar="MAP", help="Map or workspace file (or folder).")
QUESTION_OPTION = typer.Option(
    None,
    "--question",
    metavar="COLUMN=STEP",
    help="Link a question to a step, stage or touchpoint (an id or name; stage:ID, "
    "touchpoint:NAME), or COLUMN=- to leave it out (repeatable). Overrides the suggestion.",
)
STEP_COL_OPTION = typer.Option(
    None,
    "--step-col",
    metavar="COLUMN",
    help="The column that names, per response, the step, touchpoint or stage it is about "
    "(suggested when left out).",
)
VALUE_OPTION = typer.Option(
    None,
    "--value",
    metavar="VALUE=STEP",
    help="Match a value of the step column to a step, stage or touchpoint, or VALUE=- to "
    "leave it out (repeatable).",
)
NO_SUGGEST_OPTION = typer.Option(
    False, "--no-suggest", help="Use only the links given with --question and --step-col."
)
NO_STEP_COL_OPTION = typer.Option(False, "--no-step-col", help="Do not look for a step column.")
METRIC_OPTION = typer.Option(
    None,
    "--metric",
    metavar="COLUMN=KIND",
    help="Set a column's kind instead of detecting it: nps, csat, ces, numeric or text "
    "(repeatable).",
)
ENCODING_OPTION = typer.Option(
    None, "--encoding", help="The CSV's encoding when it is not UTF-8 (e.g. cp1252, utf-16)."
)


def _links(
    map_file: Path,
    map_id: str | None,
    survey: Path,
    metric: list[str] | None,
    question: list[str] | None,
    step_col: str | None,
    value: list[str] | None,
    no_suggest: bool,
    no_step_col: bool,
    encoding: str | None,
    limit: list[str] | None,
) -> tuple[Workspace, JourneyMap, SurveyLinks]:
    """The map (its file's warnings printed) and the survey's questions linked to it."""
    from journeyline.formats import load_map

    workspace, journey, warnings = load_map(map_file, map_id)
    print_warnings(warnings)
    links = link_survey_file(
        journey,
        survey,
        overrides=parse_overrides(metric),
        questions=parse_links(question, "--question"),
        step_col=step_col,
        values=parse_links(value, "--value"),
        suggest=not no_suggest,
        use_step_col=not no_step_col,
        encoding=encoding,
        limits=import_limits(limit),
    )
    return workspace, journey, links


@feedback_app.command("link")
def link(
    map_file: Path = MAP_ARG,
    survey: Path = SURVEY_ARG,
    map_id: str | None = map_option(),
    question: list[str] | None = QUESTION_OPTION,
    step_col: str | None = STEP_COL_OPTION,
    value: list[str] | None = VALUE_OPTION,
    no_suggest: bool = NO_SUGGEST_OPTION,
    no_step_col: bool = NO_STEP_COL_OPTION,
    metric: list[str] | None = METRIC_OPTION,
    encoding: str | None = ENCODING_OPTION,
    limit: list[str] | None = LIMIT_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Show which step, touchpoint or stage each question (or a step column) is linked to, to confirm before `apply`."""
    with reporting_errors(fmt):
        _, _, links = _links(
            map_file,
            map_id,
            survey,
            metric,
            question,
            step_col,
            value,
            no_suggest,
            no_step_col,
            encoding,
            limit,
        )
    if fmt == OutputFormat.json:
        print_json(links.to_dict())
        return
    _print_links(links)
    console.print(
        "apply with: journeyline feedback apply MAP SURVEY -o OUT.yaml, correcting with "
        "--question COLUMN=STEP, --step-col COLUMN, --value VALUE=STEP",
        markup=False,
    )


@feedback_app.command("apply")
def apply(
    map_file: Path = MAP_ARG,
    survey: Path = SURVEY_ARG,
    output: Path = typer.Option(
        ..., "--output", "-o", help="Where to write the map with the survey's scores."
    ),
    map_id: str | None = map_option(),
    question: list[str] | None = QUESTION_OPTION,
    step_col: str | None = STEP_COL_OPTION,
    value: list[str] | None = VALUE_OPTION,
    no_suggest: bool = NO_SUGGEST_OPTION,
    no_step_col: bool = NO_STEP_COL_OPTION,
    line: str | None = typer.Option(
        None,
        "--line",
        metavar="KIND",
        help="Which score the customers' sentiment line is drawn from: csat, nps or ces "
        "(default: the first of these the survey has).",
    ),
    metric: list[str] | None = METRIC_OPTION,
    encoding: str | None = ENCODING_OPTION,
    limit: list[str] | None = LIMIT_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Write the survey's scores (with n and interval) and their evidence onto the map's steps, touchpoints and stages."""
    from journeyline.formats import save_workspace

    with reporting_errors(fmt):
        workspace, journey, links = _links(
            map_file,
            map_id,
            survey,
            metric,
            question,
            step_col,
            value,
            no_suggest,
            no_step_col,
            encoding,
            limit,
        )
        updated, result = apply_survey(journey, links, line=line)
        workspace.maps = [updated if m.id == journey.id else m for m in workspace.maps]
        print_warnings(save_workspace(workspace, output))
    if fmt == OutputFormat.json:
        print_json({**result.to_dict(), "output": str(output)})
        return
    _print_links(links)
    table = Table(show_lines=False)
    for heading in ("Column", "Metric", "Onto", "Via", "n", "Score", "95 % interval"):
        table.add_column(heading, justify="right" if heading in ("n", "Score") else "left")
    for applied in result.applied:
        onto = f"{applied.target.kind} {applied.target.name}"
        table.add_row(
            applied.column,
            applied.metric,
            onto,
            applied.via,
            *_cells(applied.metric, applied.score),
        )
    console.print(table)
    for skipped in result.skipped:
        console.print(f"not applied: {skipped['column']} ({skipped['reason']})", markup=False)
    console.print(f"wrote {output}: {len(result.applied)} scores with their evidence", markup=False)


def _target_text(target: object) -> str:
    from journeyline.feedback import Target

    if not isinstance(target, Target):
        return "–"
    return f"{target.kind} '{target.name}'" + (
        f" ({target.id})" if target.id != target.name else ""
    )


def _print_links(links: SurveyLinks) -> None:
    console.print(
        f"{links.survey.file}: {links.survey.layout} survey, {links.survey.responses:,} responses; "
        f"map '{links.map}'",
        markup=False,
    )
    table = Table(show_lines=False)
    for heading in ("Column", "Metric", "Linked to", "How"):
        table.add_column(heading)
    for q in links.links:
        name = q.column if q.question == q.column else f"{q.column}: {q.question}"
        onto = _target_text(q.target)
        if q.how == "step column" and links.step_column:
            onto = f"per {links.step_column.column}"
        table.add_row(name, q.metric, onto, q.how)
    console.print(table)
    column = links.step_column
    if column is None:
        return
    console.print(
        f"step column {column.column} ({column.how}): {column.matched_share:.0%} of the "
        "answered responses name an element",
        markup=False,
    )
    values = Table(show_lines=False)
    for heading in ("Value", "Responses", "Linked to", "How"):
        values.add_column(heading)
    for v in column.values:
        values.add_row(v.value, str(v.responses), _target_text(v.target), v.how)
    console.print(values)


TEXT_FILE_ARGUMENT = typer.Argument(
    ...,
    metavar="FILE",
    help="Comments: a .txt file (one comment per line), or a .csv or .xlsx table "
    "(a survey export) with a column of them.",
)
TEXT_COL_OPTION = typer.Option(
    None,
    "--text-col",
    metavar="COLUMN",
    help="The column that holds the comments (CSV and XLSX; a .txt file has one per line).",
)


@contextmanager
def _progress(label: str) -> Iterator[tuple[Callable[[int], None], Callable[[str], None]]]:
    """A progress bar on stderr (shown on a terminal only) and a callback to advance it."""
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    )
    with bar:
        task = bar.add_task(label, total=None)

        def advance(done: int) -> None:
            bar.update(task, advance=done)

        def stage(text: str) -> None:
            bar.update(task, description=text.capitalize(), total=None)

        yield advance, stage


@feedback_app.command("sentiment")
def sentiment(
    file: Path = TEXT_FILE_ARGUMENT,
    text_col: str | None = TEXT_COL_OPTION,
    by: str | None = typer.Option(
        None,
        "--by",
        metavar="COLUMN",
        help="Summarise the sentiment per value of this column too (a step or touchpoint column).",
    ),
    encoding: str | None = ENCODING_OPTION,
    limit: list[str] | None = LIMIT_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Label each comment positive, negative or neutral, with a score from -1 to 1."""
    with reporting_errors(fmt), _progress("Reading sentiment") as (advance, _):
        result = sentiment_of_file(
            file,
            text_col=text_col,
            by=by,
            encoding=encoding,
            limits=import_limits(limit),
            progress=advance,
        )
    print_warnings(result.warnings)
    if fmt == OutputFormat.json:
        print_json(result.to_dict())
        return
    _print_sentiment(result)


@feedback_app.command("themes")
def themes(
    file: Path = TEXT_FILE_ARGUMENT,
    text_col: str | None = TEXT_COL_OPTION,
    count: int | None = typer.Option(
        None, "--themes", metavar="N", help="How many themes (default: chosen by silhouette, 2–12)."
    ),
    quotes: int = typer.Option(3, "--quotes", metavar="N", help="Quotes per theme (1–20)."),
    negative_share: float = typer.Option(
        0.5,
        "--negative-share",
        metavar="SHARE",
        help="Share of negative comments from which a theme is suggested as a pain point.",
    ),
    encoding: str | None = ENCODING_OPTION,
    limit: list[str] | None = LIMIT_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Group similar comments into themes with quotes, and suggest pain points with their reach."""
    with reporting_errors(fmt), _progress("Reading sentiment") as (advance, stage):
        result = themes_of_file(
            file,
            text_col=text_col,
            k=count,
            quotes=quotes,
            negative_share=negative_share,
            encoding=encoding,
            limits=import_limits(limit),
            progress=advance,
            stage=stage,
        )
    print_warnings(result.sentiment.warnings)
    if fmt == OutputFormat.json:
        print_json(result.to_dict())
        return
    _print_themes(result)


def _print_sentiment(result: CommentsSentiment) -> None:
    data = result.to_dict()
    summary = data["summary"]
    console.print(
        f"{result.comments.file}: {len(result.sentiments):,} comments read by {result.model}: "
        f"{summary['positive']:,} positive, {summary['negative']:,} negative, "
        f"{summary['neutral']:,} neutral; mean score {summary['mean_score']}",
        markup=False,
    )
    table = Table()
    table.add_column("Row", justify="right")
    table.add_column("Label")
    table.add_column("Score", justify="right")
    table.add_column("Comment")
    for row, text, s in zip(
        result.comments.rows, result.comments.texts, result.sentiments, strict=True
    ):
        label = s.label if s.supported else f"unsupported language ({s.language})"
        shown = text if len(text) <= 80 else text[:79] + "…"
        table.add_row(str(row), label, f"{s.score:+.2f}", shown)
    console.print(table)
    groups = result.groups()
    if groups:
        by = Table(title=f"By {result.comments.column and 'group'}")
        for name in ("Group", "n", "Positive", "Negative", "Neutral", "Mean score"):
            by.add_column(name, justify="left" if name == "Group" else "right")
        for name, g in groups.items():
            by.add_row(
                name,
                str(g.n),
                str(g.positive),
                str(g.negative),
                str(g.neutral),
                "–" if g.mean_score is None else f"{g.mean_score:+.2f}",
            )
        console.print(by)


def _print_themes(result: CommentsThemes) -> None:
    found = result.themes
    console.print(
        f"{result.sentiment.comments.file}: {found.read:,} comments read, "
        f"{len(found.themes)} themes, {found.unthemed:,} in none",
        markup=False,
    )
    for theme in found.themes:
        s = theme.sentiment
        console.print(
            f"\n{theme.id}. {theme.label}  ({theme.size:,} comments, reach {theme.reach:.1%}; "
            f"{s.positive:,} positive, {s.negative:,} negative, {s.neutral:,} neutral)",
            markup=False,
        )
        for quote in theme.quotes:
            console.print(f"   row {quote.row}: \u201c{quote.text}\u201d", markup=False)
    if found.pain_points:
        console.print("\nSuggested pain points (accept or reject each):", markup=False)
        for pain in found.pain_points:
            console.print(
                f"  [{pain.status}] {pain.id}: {pain.name} (reach {pain.reach:.1%})", markup=False
            )
            console.print(f"      {pain.description}", markup=False)
            for quote in pain.evidence:
                console.print(
                    f"      evidence, row {quote.row}: \u201c{quote.text}\u201d", markup=False
                )


def register(app: typer.Typer) -> None:
    """Add the `feedback` group to the main command."""
    app.add_typer(feedback_app, name="feedback")
