"""Spreadsheet cells read under the import limits: CSV records and XLSX cells, streamed.

Neither format is trusted for its size. A CSV is read record by record; an XLSX
workbook's parts are measured as they unpack (never by the sizes its zip directory
claims) and scanned for DTDs (the XML entity bomb) before any XML parser sees them, then
each sheet is streamed cell by cell: only the cells really in the file are counted and
kept, so a sheet that claims the range A1:XFD1048576 and holds two cells costs two
cells. Blank rows and columns are dropped (the layout ignores them anyway), and each
kept cell remembers where it was, so diagnostics still name the right line or cell.
"""

from __future__ import annotations

import contextlib
import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from journeyline.errors import Diagnostic, InvalidInput
from journeyline.formats.journey_grid import LANE_ROWS, META_ROWS, Cell
from journeyline.formats.limits import ImportLimits, exceeded

BUILT_IN_ROWS = len(META_ROWS) + 3 + len(LANE_ROWS)
"""Rows of the layout that are not lanes: the map, persona and scale, stage, goal and step rows."""

XlsxWhere = Callable[[int, int], tuple[str, int | None, int | None]]


@dataclass
class SheetGrid:
    """A sheet's non-blank cells as dense rows, with where each kept row and column was."""

    rows: list[list[Cell]]
    where: XlsxWhere
    """(kept row, kept column) → (file, line, column) as the file numbers them."""
    merge_starts: frozenset[tuple[int, int]] = frozenset()
    """(kept row, kept column) of each merged range's first cell (XLSX)."""


class CellBudget:
    """Counts the cells of one import against the limits, across every sheet read."""

    def __init__(self, limits: ImportLimits, filename: str) -> None:
        self.limits = limits
        self.filename = filename
        self.cells = 0

    def take(self, count: int, at: str) -> None:
        """Count `count` more cells (refused past the `cells` limit)."""
        self.cells += count
        if self.cells > self.limits.cells:
            raise exceeded("cells", f"the file has more than {self.limits.cells:,} cells", at)

    def check_text(self, value: Cell, at: str) -> None:
        """Refuse a cell whose text passes the `text_chars` limit."""
        if isinstance(value, str) and len(value) > self.limits.text_chars:
            raise exceeded("text_chars", f"a cell holds {len(value):,} characters", at)

    def check_column(self, column: int, at: str) -> None:
        """Refuse a value in a column past the last step column the `steps` limit allows."""
        if column > self.limits.steps + 1:
            raise exceeded(
                "steps",
                f"a value in column {column:,}: more step columns than the map may have",
                at,
            )

    def check_rows(self, rows: int, at: str) -> None:
        """Refuse more non-blank rows than the layout's rows and the `lanes` limit allow."""
        if rows > self.limits.lanes + BUILT_IN_ROWS:
            raise exceeded(
                "lanes",
                f"more than {self.limits.lanes + BUILT_IN_ROWS:,} rows: more lanes than a map may have",
                at,
            )


def _blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- CSV ---------------------------------------------------------------------------------------


def csv_grid(
    text: str,
    filename: str,
    delimiter: str,
    limits: ImportLimits,
    clean: Callable[[str], str],
) -> SheetGrid:
    """The CSV's records, read one at a time; blank records are left out, limits checked."""
    budget = CellBudget(limits, filename)
    csv.field_size_limit(limits.text_chars + 1)  # a longer field stops the reader at once
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[Cell]] = []
    lines: list[int] = []
    record_number = 0
    try:
        for record in reader:
            record_number += 1
            last = len(record)
            while last and not record[last - 1].strip():
                last -= 1
            if not last:
                continue
            at = f"{filename}:{reader.line_num}"
            budget.take(len(record), at)
            budget.check_column(last, at)
            for value in record[:last]:
                budget.check_text(value, at)
            rows.append([clean(value) for value in record[:last]])
            lines.append(record_number)
            budget.check_rows(len(rows), at)
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise exceeded(
                "text_chars",
                f"a cell holds more than {limits.text_chars:,} characters (or a quote is never closed)",
                f"{filename}:{reader.line_num}",
            ) from None
        diagnostic = Diagnostic(f"not readable as CSV: {error}", filename, reader.line_num)
        raise InvalidInput(diagnostic.render(), [diagnostic]) from None

    def where(r: int, c: int) -> tuple[str, int | None, int | None]:
        return filename, lines[r] if r < len(lines) else r + 1, c + 1

    return SheetGrid(rows, where)


# --- XLSX --------------------------------------------------------------------------------------

_DTD_MARKS = tuple(
    mark.encode(encoding)
    for mark in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("ascii", "utf-16-le", "utf-16-be")
)
_CHUNK = 1 << 20


def check_archive(data: bytes, filename: str, limits: ImportLimits) -> None:
    """Refuse a workbook whose parts unpack past `unpacked_bytes` or hold a DTD.

    Each part is unpacked in chunks and its real bytes counted, whatever sizes the zip's
    directory claims; XLSX parts never declare a DTD, so one that does (the XML entity
    bomb) is refused before an XML parser reads it.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise not_a_workbook(filename, str(error)) from None
    total = 0
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.items:
            raise exceeded("items", f"the workbook has {len(infos):,} parts", filename)
        claimed = sum(info.file_size for info in infos)
        if claimed > limits.unpacked_bytes:
            raise exceeded(
                "unpacked_bytes",
                f"the workbook unpacks to {claimed:,} bytes (a zip bomb?)",
                filename,
            )
        cells = 0
        for info in infos:
            if info.is_dir():
                continue
            tail = b""
            sheet = info.filename.startswith("xl/worksheets/")
            try:
                with archive.open(info) as part:
                    while chunk := part.read(_CHUNK):
                        total += len(chunk)
                        if total > limits.unpacked_bytes:
                            raise exceeded(
                                "unpacked_bytes",
                                f"the workbook unpacks to more than {limits.unpacked_bytes:,} bytes (a zip bomb?)",
                                filename,
                            )
                        window = tail + chunk
                        if any(mark in window for mark in _DTD_MARKS):
                            message = (
                                f"part '{info.filename}' declares a DTD or entities, which a "
                                "workbook never does (an XML entity bomb?); refused"
                            )
                            diagnostic = Diagnostic(
                                message,
                                filename,
                                hint="save it again from your spreadsheet program",
                            )
                            raise InvalidInput(diagnostic.render(), [diagnostic])
                        if sheet:
                            cells += _count_cells(window) - _count_cells(tail)
                            if cells > limits.cells:
                                raise exceeded(
                                    "cells",
                                    f"the workbook has more than {limits.cells:,} cells",
                                    f"{filename}:{info.filename}",
                                )
                        tail = chunk[-32:]
            except (
                zipfile.BadZipFile,
                zipfile.LargeZipFile,
                OSError,
                EOFError,
                ValueError,
            ) as error:
                raise not_a_workbook(filename, f"part '{info.filename}': {error}") from None
            except NotImplementedError as error:  # an unsupported compression method
                raise not_a_workbook(filename, str(error)) from None


_CELL_TAGS = (b"<c ", b"<c>", b"<c/>")


def _count_cells(xml: bytes) -> int:
    """Cell elements in a piece of sheet XML, counted fast: text cannot hold a raw '<',
    so each tag is a cell (an over-count, in a comment, only makes the check stricter)."""
    return sum(xml.count(tag) for tag in _CELL_TAGS)


def not_a_workbook(filename: str, reason: str) -> InvalidInput:
    """The error for bytes that are not a readable XLSX workbook."""
    diagnostic = Diagnostic(
        f"not an XLSX workbook ({reason})",
        filename,
        hint="save it from your spreadsheet program as .xlsx",
    )
    return InvalidInput(diagnostic.render(), [diagnostic])


def _ref(filename: str, sheet: str, row: int, column: int) -> str:
    from openpyxl.utils import get_column_letter

    name = f"'{sheet}'" if not sheet.isalnum() else sheet
    return f"{filename}:{name}!{get_column_letter(min(max(column, 1), 18278))}{row}"


@contextlib.contextmanager
def sheet_parser(sheet: Any) -> Iterator[Any]:
    """openpyxl's streaming parser over a read-only sheet's XML (values, not formulas):
    `parser.parse()` yields (row number, cells) for the rows really in the file."""
    from openpyxl.worksheet._reader import WorkSheetParser

    book = sheet.parent
    with sheet._get_source() as source:
        yield WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )


def sheet_grid(sheet: Any, filename: str, budget: CellBudget) -> SheetGrid:
    """A read-only sheet's real cells, streamed; merged ranges filled over kept cells.

    `sheet` is an openpyxl read-only worksheet; its claimed dimension is never used.
    """
    from openpyxl.worksheet.cell_range import CellRange

    title = sheet.title
    cells: dict[int, dict[int, Cell]] = {}
    with sheet_parser(sheet) as parser:
        for row_number, row in parser.parse():
            if not row:
                continue
            budget.take(len(row), _ref(filename, title, row_number, row[0]["column"]))
            for cell in row:
                value = cell["value"]
                if _blank(value):
                    continue
                at = _ref(filename, title, cell["row"], cell["column"])
                budget.check_column(cell["column"], at)
                budget.check_text(value, at)
                cells.setdefault(cell["row"], {})[cell["column"]] = value
            budget.check_rows(len(cells), _ref(filename, title, row_number, 1))
        merged = list(parser.merged_cells.mergeCell) if parser.merged_cells else []
    budget.take(len(merged), f"{filename}:{title}")
    kept_rows = sorted(cells)
    kept_columns = sorted({1, *(c for row in cells.values() for c in row)})
    row_index = {r: i for i, r in enumerate(kept_rows)}
    column_index = {c: i for i, c in enumerate(kept_columns)}
    rows: list[list[Cell]] = []
    for r in kept_rows:
        dense: list[Cell] = [None] * (column_index[max(cells[r])] + 1)
        for c, value in cells[r].items():
            dense[column_index[c]] = value
        rows.append(dense)
    starts: set[tuple[int, int]] = set()
    for merge in merged:
        span = CellRange(merge.ref)
        top = cells.get(span.min_row, {}).get(span.min_col)
        if span.min_row in row_index and span.min_col in column_index:
            starts.add((row_index[span.min_row], column_index[span.min_col]))
        if top is None:
            continue
        covered_rows = [r for r in _between(kept_rows, span.min_row, span.max_row)]
        covered_columns = [c for c in _between(kept_columns, span.min_col, span.max_col)]
        budget.take(len(covered_rows) * len(covered_columns), f"{filename}:{title}!{merge.ref}")
        for r in covered_rows:
            dense = rows[row_index[r]]
            for c in covered_columns:
                i = column_index[c]
                if i >= len(dense):
                    dense.extend([None] * (i + 1 - len(dense)))
                dense[i] = top

    def where(r: int, c: int) -> tuple[str, int | None, int | None]:
        row = kept_rows[r] if r < len(kept_rows) else r + 1
        column = kept_columns[c] if c < len(kept_columns) else c + 1
        return _ref(filename, title, row, column), None, None

    return SheetGrid(rows, where, frozenset(starts))


def _between(kept: Sequence[int], low: int, high: int) -> Iterable[int]:
    """The kept numbers from low to high (kept is sorted)."""
    import bisect

    start = bisect.bisect_left(kept, low)
    end = bisect.bisect_right(kept, high)
    return kept[start:end]
