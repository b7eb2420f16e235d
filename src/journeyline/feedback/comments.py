"""Free-text comments read from a file, one per row, under the import limits.

A plain text file (`.txt`, `.text`, `.md`) holds one comment per line; a CSV, TSV or XLSX
file (a survey export or any table) is read by the survey reader
(`journeyline.feedback.survey.read_survey`, with its layouts, encodings and limits) and
one column, `--text-col`, holds the comments. Rows are numbered from 1 in file order:
a text file's line, a table's response. Blank comments are counted, not returned.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from journeyline.errors import Diagnostic, InvalidInput, NotFound, UsageError
from journeyline.feedback.language import SUPPORTED
from journeyline.feedback.sentiment import (
    CommentSentiment,
    Progress,
    SentimentSummary,
    score_texts,
    sentiment_by_step,
    shipped_model,
    summarise,
)
from journeyline.feedback.themes import Themes, find_themes
from journeyline.formats.limits import ImportLimits, current_limits, exceeded

TEXT_SUFFIXES = (".txt", ".text", ".md")


@dataclass
class Comments:
    """The comments of one file, with each one's row."""

    file: str
    column: str | None
    texts: list[str]
    rows: list[int]
    blank: int = 0
    steps: list[str] = field(default_factory=list)
    """With `by`: each comment's value of that column (a step or touchpoint)."""


def read_comments(
    path: Path,
    *,
    text_col: str | None,
    by: str | None = None,
    encoding: str | None = None,
    limits: ImportLimits | None = None,
) -> Comments:
    """The comments in `path`: a text file's lines, or a table's `text_col` column."""
    if not path.is_file():
        raise NotFound(f"{path}: no such file")
    limits = limits or current_limits()
    if path.suffix.lower() in TEXT_SUFFIXES:  # one comment per line; no columns
        if by is not None:
            raise UsageError(f"{path}: --by needs a table (CSV or XLSX), not a text file")
        return _text_lines(path, encoding, limits)
    if text_col is None:
        raise UsageError(f"{path}: name the column that holds the comments with --text-col")
    from journeyline.feedback.survey import read_survey

    survey = read_survey(path, encoding=encoding, limits=limits)
    column = survey.column(text_col)
    group = survey.column(by) if by is not None else None
    comments = Comments(str(path), column.name, [], [])
    for index, answer in enumerate(column.answers):
        if not answer.strip():
            comments.blank += 1
            continue
        comments.texts.append(answer)
        comments.rows.append(index + 1)
        if group is not None:
            comments.steps.append(group.answers[index])
    if not comments.texts:
        diagnostic = Diagnostic(
            f"column '{column.name}' holds no comments: all {survey.responses:,} answers are blank",
            str(path),
            hint="name the column of free-text answers with --text-col",
        )
        raise InvalidInput(diagnostic.render(), [diagnostic])
    return comments


def _text_lines(path: Path, encoding: str | None, limits: ImportLimits) -> Comments:
    from journeyline.feedback.survey import _bad_line, _open_text, _undecodable

    codec, shown = _open_text(path, encoding)
    filename = str(path)
    comments = Comments(filename, None, [], [])
    number = 0
    with path.open("r", encoding=codec, newline=None) as handle:
        try:
            while line := handle.readline(limits.text_chars + 2):
                number += 1
                text = line.rstrip("\r\n")
                if len(text) > limits.text_chars:
                    raise exceeded(
                        "text_chars",
                        f"line {number:,} holds more than {limits.text_chars:,} characters",
                        f"{filename}:{number}",
                    )
                if not text.strip():
                    comments.blank += 1
                    continue
                if len(comments.texts) >= limits.cells:
                    raise exceeded(
                        "cells",
                        f"the file has more than {limits.cells:,} comments",
                        f"{filename}:{number}",
                    )
                comments.texts.append(text.strip().lstrip("\ufeff"))
                comments.rows.append(number)
        except UnicodeDecodeError as error:
            raise _undecodable(filename, shown, error, _bad_line(path, codec)) from None
    if not comments.texts:
        diagnostic = Diagnostic("the file is empty: no comments (one comment per line)", filename)
        raise InvalidInput(diagnostic.render(), [diagnostic])
    return comments


# --- a file's comments analysed (what the CLI and the API call) ----------------------------------


@dataclass
class CommentsSentiment:
    """A file's comments with their sentiment, the languages met and the warnings."""

    comments: Comments
    sentiments: list[CommentSentiment]
    model: str
    warnings: list[Diagnostic] = field(default_factory=list)

    def languages(self) -> dict[str, int]:
        """How many comments are in each language (und: undetermined, read as English)."""
        counts: dict[str, int] = {}
        for sentiment in self.sentiments:
            counts[sentiment.language] = counts.get(sentiment.language, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: -item[1]))

    def groups(self) -> dict[str, SentimentSummary]:
        """Sentiment per value of the `by` column (a step or touchpoint), if one was named."""
        if not self.comments.steps:
            return {}
        return sentiment_by_step(
            {self.comments.column or "": self.sentiments}, step_values=self.comments.steps
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "model": self.model,
            "rows": [
                {"row": row, "label": s.label, "score": s.score}
                | ({} if s.supported else {"language": s.language, "supported": False})
                for row, s in zip(self.comments.rows, self.sentiments, strict=True)
            ],
            "summary": summarise(self.sentiments).to_dict(),
            "languages": self.languages(),
            "blank": self.comments.blank,
            "warnings": [w.render() for w in self.warnings],
        }
        if self.comments.steps:
            data["groups"] = [
                {"group": name} | summary.to_dict() for name, summary in self.groups().items()
            ]
        return data


def _language_warning(comments: Comments, sentiments: list[CommentSentiment]) -> list[Diagnostic]:
    others: dict[str, int] = {}
    for sentiment in sentiments:
        if not sentiment.supported:
            others[sentiment.language] = others.get(sentiment.language, 0) + 1
    if not others:
        return []
    total = sum(others.values())
    listed = ", ".join(
        f"{code} {count:,}" for code, count in sorted(others.items(), key=lambda i: -i[1])
    )
    return [
        Diagnostic(
            f"{total:,} of {len(sentiments):,} comments ({total / len(sentiments):.1%}) are in "
            f"languages the model does not read ({listed}): labelled neutral with score 0, "
            'marked "supported": false, and left out of the summaries and themes',
            comments.file,
            severity="warning",
            hint=f"supported: {', '.join(SUPPORTED)}",
        )
    ]


def sentiment_of_file(
    path: Path,
    *,
    text_col: str | None,
    by: str | None = None,
    encoding: str | None = None,
    limits: ImportLimits | None = None,
    progress: Progress | None = None,
) -> CommentsSentiment:
    """Read a file's comments and label each one's sentiment."""
    comments = read_comments(path, text_col=text_col, by=by, encoding=encoding, limits=limits)
    sentiments = score_texts(comments.texts, progress=progress)
    return CommentsSentiment(
        comments, sentiments, shipped_model().name, _language_warning(comments, sentiments)
    )


@dataclass
class CommentsThemes:
    """A file's comments grouped into themes, with the suggested pain points."""

    sentiment: CommentsSentiment
    themes: Themes

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.sentiment.model,
            "comments": self.themes.comments,
            "read": self.themes.read,
            "unthemed": self.themes.unthemed,
            "themes": [theme.to_dict() for theme in self.themes.themes],
            "pain_points": [p.to_dict() for p in self.themes.pain_points],
            "languages": self.sentiment.languages(),
            "warnings": [w.render() for w in self.sentiment.warnings],
        }


def themes_of_file(
    path: Path,
    *,
    text_col: str | None,
    k: int | None = None,
    quotes: int = 3,
    negative_share: float = 0.5,
    encoding: str | None = None,
    limits: ImportLimits | None = None,
    progress: Progress | None = None,
    stage: Callable[[str], None] | None = None,
) -> CommentsThemes:
    """Read a file's comments, label their sentiment and group them into themes."""
    if k is not None and not 1 <= k <= 100:
        raise UsageError(f"--themes must be from 1 to 100, not {k}")
    if quotes < 1 or quotes > 20:
        raise UsageError(f"--quotes must be from 1 to 20, not {quotes}")
    if not 0 < negative_share <= 1:
        raise UsageError(f"--negative-share must be above 0 and at most 1, not {negative_share}")
    sentiment = sentiment_of_file(
        path, text_col=text_col, encoding=encoding, limits=limits, progress=progress
    )
    themes = find_themes(
        sentiment.comments.texts,
        sentiment.sentiments,
        rows=sentiment.comments.rows,
        k=k,
        quotes=quotes,
        negative_share=negative_share,
        progress=stage,
    )
    return CommentsThemes(sentiment, themes)
