"""Survey exports read into columns of answers: CSV and XLSX, in the layouts the tools export.

The layouts (docs/feedback.md says where each was seen):

- **Qualtrics**: three header rows, the export tags (`Q1`, `StartDate` …), the question
  text, then `{"ImportId":"QID1"}` per column.
- **SurveyMonkey**: two header rows, the question, then the answer option or "Response";
  the first columns are `Respondent ID`, `Collector ID`, `Start Date` ….
- **Google Forms**: one header row starting with `Timestamp`, one column per question.
- **Typeform**: one header row starting with `#`, then the questions, `Start Date (UTC)`,
  `Submit Date (UTC)`, `Network ID`.
- **plain**: one header row, one row per response.

A CSV is read record by record and an XLSX sheet cell by cell (openpyxl's read-only
parser, after the archive check), both under the import limits (`current_limits()`):
cells counted, each cell's text bounded. The tools' own bookkeeping columns (dates, ids,
IP addresses) are kept apart from the questions.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from journeyline.errors import Diagnostic, InvalidInput, NotFound, UsageError
from journeyline.formats.limits import ImportLimits, current_limits, exceeded

LAYOUTS = ("qualtrics", "surveymonkey", "google_forms", "typeform", "plain")
"""The survey layouts `read_survey` recognises, in the order it tries them."""

META_COLUMNS: dict[str, frozenset[str]] = {
    "qualtrics": frozenset(
        {
            "startdate",
            "enddate",
            "status",
            "ipaddress",
            "progress",
            "duration (in seconds)",
            "finished",
            "recordeddate",
            "responseid",
            "recipientlastname",
            "recipientfirstname",
            "recipientemail",
            "externalreference",
            "externaldatareference",
            "locationlatitude",
            "locationlongitude",
            "distributionchannel",
            "userlanguage",
            "q_ballotboxstuffing",
            "q_recaptchascore",
            "q_relevantidduplicate",
            "q_relevantidduplicatescore",
            "q_relevantidfraudscore",
            "q_relevantidlaststartdate",
        }
    ),
    "surveymonkey": frozenset(
        {
            "respondent id",
            "collector id",
            "start date",
            "end date",
            "ip address",
            "email address",
            "first name",
            "last name",
            "custom data 1",
            "custom data",
        }
    ),
    "google_forms": frozenset({"timestamp", "email address", "score"}),
    "typeform": frozenset(
        {
            "#",
            "start date (utc)",
            "submit date (utc)",
            "stage date (utc)",
            "network id",
            "response type",
            "tags",
        }
    ),
    "plain": frozenset(
        {
            "id",
            "response id",
            "response_id",
            "respondent id",
            "respondent_id",
            "timestamp",
            "date",
            "submitted at",
            "submitted_at",
            "created at",
            "created_at",
        }
    ),
}
"""Bookkeeping columns of each layout (compared case-folded): not questions."""


@dataclass
class SurveyColumn:
    """One column of a survey: its name, the question it asks, and one answer per response."""

    name: str
    """The column's name as `--metric` and `--by` use it (Qualtrics: the export tag)."""
    question: str
    """The question's text (the name itself when the layout has no separate text)."""
    position: int
    """Where the column is in the file, from 1."""
    answers: list[str]
    """One answer per response, stripped; "" when blank."""
    meta: bool = False
    """A bookkeeping column of the tool (dates, ids), not a question."""


@dataclass
class Survey:
    """A survey export read: its layout and its columns, with where each response was."""

    file: str
    layout: str
    columns: list[SurveyColumn]
    lines: list[int]
    """Each response's line (CSV) or row (XLSX) in the file."""
    sheet: str | None = None
    """The XLSX sheet read (None for a CSV)."""
    warnings: list[Diagnostic] = field(default_factory=list)

    @property
    def responses(self) -> int:
        """How many responses (rows of answers) the survey holds."""
        return len(self.lines)

    def where(self, response: int, column: SurveyColumn) -> tuple[str, int | None, int | None]:
        """(file, line, column) of one answer, as diagnostics name it."""
        line = self.lines[response]
        if self.sheet is None:
            return self.file, line, column.position
        from openpyxl.utils import get_column_letter

        sheet = self.sheet if self.sheet.isalnum() else f"'{self.sheet}'"
        return f"{self.file}:{sheet}!{get_column_letter(column.position)}{line}", None, None

    def column(self, name: str) -> SurveyColumn:
        """The column named `name` (or asking that question); a did-you-mean when none is."""
        for column in self.columns:
            if column.name == name:
                return column
        folded = name.casefold()
        for column in self.columns:
            if column.name.casefold() == folded or column.question.casefold() == folded:
                return column
        import difflib

        names = [c.name for c in self.columns]
        guess = difflib.get_close_matches(name, names, 1, 0.6)
        hint = f" (did you mean '{guess[0]}'?)" if guess else ""
        shown = ", ".join(f"'{n}'" for n in names[:20]) + (" …" if len(names) > 20 else "")
        raise UsageError(f"{self.file}: no column '{name}'{hint}; columns: {shown}")


def read_survey(
    path: Path, *, encoding: str | None = None, limits: ImportLimits | None = None
) -> Survey:
    """Read a survey export (.csv, .tsv, .txt or .xlsx) and recognise its layout."""
    if not path.is_file():
        raise NotFound(f"{path}: no such survey file")
    limits = limits or current_limits()
    suffix = path.suffix.lower()
    rows: Iterable[Row]
    sheet: str | None
    if suffix in (".xlsx", ".xlsm"):
        rows, sheet = _xlsx_rows(path, limits)
    elif suffix in (".csv", ".tsv", ".txt", ""):
        rows, sheet = _csv_rows(path, encoding, limits), None
    else:
        raise UsageError(f"{path}: cannot read '{suffix}' surveys; read .csv, .tsv or .xlsx")
    return _survey(str(path), rows, sheet)


# --- reading rows ------------------------------------------------------------------------------

Row = tuple[int, list[str]]
"""A record: its line (or sheet row) and its cells as text."""


def _open_text(path: Path, encoding: str | None) -> tuple[str, str]:
    """The encoding to read with (a BOM decides; UTF-8 otherwise) and its name for messages."""
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise UsageError(
                f"unknown encoding '{encoding}' (e.g. utf-8, utf-16, cp1252)"
            ) from None
        return encoding, encoding
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "UTF-16"
    return "utf-8-sig", "UTF-8"


def _csv_rows(path: Path, encoding: str | None, limits: ImportLimits) -> Iterator[Row]:
    """The CSV's non-blank records, one at a time, under the cells and text limits."""
    codec, shown = _open_text(path, encoding)
    filename = str(path)
    csv.field_size_limit(limits.text_chars + 1)
    cells = 0
    with path.open("r", encoding=codec, newline="") as handle:
        try:
            sample = handle.read(8192)
        except UnicodeDecodeError as error:
            raise _undecodable(filename, shown, error, _bad_line(path, codec)) from None
        handle.seek(0)
        delimiter = _delimiter(sample)
        reader = csv.reader(_bounded_lines(handle, filename, limits), delimiter=delimiter)
        line = 0
        try:
            for record in reader:
                line += 1
                cells += len(record)
                if cells > limits.cells:
                    raise exceeded(
                        "cells",
                        f"the survey has more than {limits.cells:,} cells",
                        f"{filename}:{reader.line_num}",
                    )
                if not "".join(record).isspace() and any(record):  # not a blank record
                    yield reader.line_num, record
        except UnicodeDecodeError as error:
            raise _undecodable(filename, shown, error, _bad_line(path, codec)) from None
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise exceeded(
                    "text_chars",
                    f"a cell holds more than {limits.text_chars:,} characters (or a quote is never closed)",
                    f"{filename}:{reader.line_num}",
                ) from None
            diagnostic = Diagnostic(f"not readable as CSV: {error}", filename, reader.line_num)
            raise InvalidInput(diagnostic.render(), [diagnostic]) from None


def _bounded_lines(handle: TextIO, filename: str, limits: ImportLimits) -> Iterator[str]:
    """The file's lines, none longer than `line_chars(limits)`: a single line of a gigabyte
    (of commas, say) is refused before it is held in memory whole."""
    bound = line_chars(limits)
    number = 0
    while line := handle.readline(bound + 1):
        number += 1
        if len(line) > bound:
            raise exceeded(
                "text_chars",
                f"line {number:,} holds more than {bound:,} characters "
                "(four cells' worth of text plus a character per cell)",
                f"{filename}:{number}",
            )
        yield line


def line_chars(limits: ImportLimits) -> int:
    """The longest line a survey CSV may have: 4 × `text_chars` + `cells` characters."""
    return 4 * limits.text_chars + limits.cells


def _bad_line(path: Path, codec: str) -> int | None:
    """The first line that does not decode (UTF-8 and single-byte encodings), or None."""
    if codec.lower().replace("-", "").startswith("utf16"):
        return None
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode(codec)
            except UnicodeDecodeError:
                return number
    return None


def _undecodable(
    filename: str, encoding: str, error: UnicodeDecodeError, line: int | None
) -> InvalidInput:
    byte = error.object[error.start : error.start + 1].hex() if error.object else "?"
    diagnostic = Diagnostic(
        f"not {encoding} text (byte 0x{byte}): unknown encoding",
        filename,
        line,
        hint="save the export as UTF-8 CSV, or name its encoding with --encoding (e.g. cp1252)",
    )
    return InvalidInput(diagnostic.render(), [diagnostic])


def _delimiter(sample: str) -> str:
    """The first line's most frequent separator among comma, semicolon and tab."""
    first = sample.lstrip("\ufeff").splitlines()[0] if sample.strip() else ""
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _xlsx_rows(path: Path, limits: ImportLimits) -> tuple[list[Row], str]:
    """The first sheet's non-blank rows, streamed cell by cell after the archive check."""
    from openpyxl import load_workbook

    from journeyline.formats.sheets import check_archive, not_a_workbook, sheet_parser

    filename = str(path)
    size = path.stat().st_size
    if size > limits.unpacked_bytes:  # a zip is never larger than what it unpacks to
        raise exceeded("unpacked_bytes", f"the workbook is {size:,} bytes", filename)
    data = path.read_bytes()
    check_archive(data, filename, limits)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except MemoryError:
        raise
    except Exception as error:  # malformed zip or XML: the file's fault
        raise not_a_workbook(filename, str(error) or type(error).__name__) from None
    try:
        if not book.worksheets:
            raise not_a_workbook(filename, "it has no sheets")
        sheet = book.worksheets[0]
        rows: list[Row] = []
        cells = 0
        with sheet_parser(sheet) as parser:
            for row_number, row in parser.parse():
                cells += len(row)
                if cells > limits.cells:
                    raise exceeded(
                        "cells",
                        f"the survey has more than {limits.cells:,} cells",
                        f"{filename}:{sheet.title}!{row_number}",
                    )
                values: dict[int, str] = {}
                for cell in row:
                    text = _cell_text(cell["value"])
                    if len(text) > limits.text_chars:
                        raise exceeded(
                            "text_chars",
                            f"a cell holds {len(text):,} characters",
                            f"{filename}:{sheet.title}!{row_number}",
                        )
                    if text.strip():
                        values[cell["column"]] = text
                if values:
                    dense = [""] * max(values)
                    for column, text in values.items():
                        dense[column - 1] = text
                    rows.append((row_number, dense))
        return rows, sheet.title
    except (InvalidInput, MemoryError):
        raise
    except Exception as error:  # malformed sheet XML met while streaming
        raise not_a_workbook(filename, str(error) or type(error).__name__) from None
    finally:
        book.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


# --- recognising the layout --------------------------------------------------------------------


def _clean(text: str) -> str:
    return text.replace("\ufeff", "").strip()


def _import_id(text: str) -> str | None:
    """The ImportId of a Qualtrics third-row cell (`{"ImportId":"QID1"}`), or None."""
    text = text.strip()
    if not text.startswith("{"):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if isinstance(value, dict) and isinstance(value.get("ImportId"), str):
        return str(value["ImportId"])
    return None


def _survey(filename: str, records: Iterable[Row], sheet: str | None) -> Survey:
    iterator = iter(records)
    first = next(iterator, None)
    if first is None:
        diagnostic = Diagnostic("the survey is empty: no header row, no responses", filename)
        raise InvalidInput(diagnostic.render(), [diagnostic])
    header = [_clean(h) for h in first[1]]
    folded = [h.casefold() for h in header]
    second = next(iterator, None)
    questions = list(header)
    names = list(header)
    body_start: list[Row] = [second] if second is not None else []
    if second is not None and sum(1 for v in second[1] if _import_id(v)) >= max(
        1, len([h for h in header if h]) // 2
    ):
        layout = "qualtrics"  # a two-row legacy header: ImportIds straight under the tags
        body_start = []
    elif folded[:2] == ["respondent id", "collector id"]:
        layout = "surveymonkey"
    elif folded and folded[0] == "timestamp":
        layout = "google_forms"
    elif folded and folded[0] == "#" and any("submit date" in h for h in folded):
        layout = "typeform"
    else:
        layout = "plain"
    if layout == "plain" and second is not None:
        third = next(iterator, None)
        if third is not None and sum(1 for v in third[1] if _import_id(v)) >= max(
            1, len([h for h in header if h]) // 2
        ):
            layout = "qualtrics"
            questions = [_clean(v) for v in second[1]]
            body_start = []
        elif third is not None:
            body_start.append(third)
    if layout == "surveymonkey" and second is not None:
        names, questions = _surveymonkey_header(header, second[1])
        body_start = []
    body = _chain(body_start, iterator)
    width = max(len(names), len(questions))
    meta = META_COLUMNS[layout]
    columns: list[SurveyColumn] = []
    seen: dict[str, int] = {}
    for index in range(width):
        name = names[index] if index < len(names) else ""
        question = _clean(questions[index]) if index < len(questions) else ""
        name = name or question or f"column {index + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        columns.append(
            SurveyColumn(
                name=name,
                question=question or name,
                position=index + 1,
                answers=[],
                meta=name.casefold() in meta,
            )
        )
    lines: list[int] = []
    stores = [column.answers for column in columns]
    width = len(columns)
    for line, record in body:
        if len(record) > width:  # cells past the header: a column of their own if any is filled
            last = next((i for i in range(len(record) - 1, width - 1, -1) if record[i].strip()), -1)
            for index in range(width, last + 1):
                name = f"column {index + 1}"
                columns.append(SurveyColumn(name, name, index + 1, [""] * len(lines)))
                stores.append(columns[-1].answers)
            width = len(columns)
        lines.append(line)
        # The records are not kept: only their cells (strings, which the collector skips).
        for store, value in zip(stores, record, strict=False):
            store.append(value.strip())
        if len(record) < width:
            for store in stores[len(record) :]:
                store.append("")
    return Survey(filename, layout, columns, lines, sheet)


def _surveymonkey_header(first: list[str], second: list[str]) -> tuple[list[str], list[str]]:
    """Names and questions from SurveyMonkey's two rows: a question spans the blank cells
    after it; each column is named "question - option" unless its option is "Response"."""
    names: list[str] = []
    questions: list[str] = []
    current = ""
    for index in range(max(len(first), len(second))):
        top = _clean(first[index]) if index < len(first) else ""
        option = _clean(second[index]) if index < len(second) else ""
        if top:
            current = top
        questions.append(current)
        if not option or option.casefold() in ("response", "open-ended response") or not current:
            names.append(current or option)
        else:
            names.append(f"{current} - {option}")
    return names, questions


def _chain(first: list[Row], rest: Iterator[Row]) -> Iterator[Row]:
    yield from first
    yield from rest
