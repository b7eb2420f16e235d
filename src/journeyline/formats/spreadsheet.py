"""CSV and XLSX journey maps in the classic spreadsheet template (stages as columns, lanes as rows).

The layout itself lives in `journey_grid`; this module reads and writes the cells.
CSV holds the grid only. XLSX adds a "Persona" sheet (the factsheet, one column per
persona) and a "Map" sheet (the scope and back-story), merges each stage's header
cells, makes headers bold, wraps text, freezes the labels and colours emotion cells
(the score stays written in the cell: colour is never the only signal).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from journeyline.errors import Diagnostic, InvalidInput, JourneylineError
from journeyline.formats.atomic import write_atomically
from journeyline.formats.journey_grid import (
    LANE_ROWS,
    Cell,
    GridIn,
    GridOut,
    cell_text,
    map_to_rows,
    normalize_label,
    personas_from_actors,
    rows_to_map,
)
from journeyline.formats.limits import current_limits
from journeyline.formats.registry import FileFormat, Loaded
from journeyline.formats.sheets import (
    CellBudget,
    SheetGrid,
    check_archive,
    csv_grid,
    not_a_workbook,
    sheet_grid,
)
from journeyline.model import (
    JourneyMap,
    Level,
    MapStatus,
    MapType,
    Persona,
    Workspace,
    assign_ids,
)

_GRID_KEYS = frozenset(
    {"map", "persona", "scale", "stage", "goal", "step"} | {key for key, _ in LANE_ROWS}
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""Text starting with these runs as a formula in spreadsheet programs: CSV cells get a "'" first."""


def _guard(text: str) -> str:
    return "'" + text if text.lstrip("'").startswith(_FORMULA_START) else text


def _unguard(text: str) -> str:
    return (
        text[1:] if text.startswith("'") and text.lstrip("'").startswith(_FORMULA_START) else text
    )


def _workspace(grid: GridIn, extra_personas: Sequence[Persona] = ()) -> Workspace:
    """A workspace around the read map, its personas and custom lanes, with ids filled in."""
    personas = list(grid.personas)
    by_name = {p.name: i for i, p in enumerate(personas)}
    for persona in extra_personas:
        if persona.name in by_name:
            personas[by_name[persona.name]] = persona
        else:
            personas.append(persona)
    workspace = Workspace(personas=personas, lanes=grid.lanes, maps=[grid.journey])
    assign_ids(workspace)
    grid.journey.personas = [p.id for p in personas]
    for step in grid.journey.steps():
        step.personas = personas_from_actors(workspace, step)
    return workspace


# ---------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------


def export_csv(
    source: Workspace | JourneyMap, map_id: str | None = None, file: str | None = None
) -> tuple[str, list[Diagnostic]]:
    """The map as CSV text (comma-separated, CRLF), with warnings for what CSV drops."""
    workspace, journey = _source(source, map_id)
    warnings: list[Diagnostic] = []
    grid = map_to_rows(workspace, journey, file, keeps_scope=False)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in grid.rows:
        writer.writerow(
            ["" if v is None else _guard(v) if isinstance(v, str) else str(v) for v in row]
        )
    return buffer.getvalue(), [*warnings, *grid.warnings]


def to_csv(source: Workspace | JourneyMap, map_id: str | None = None) -> str:
    """The map as CSV text."""
    return export_csv(source, map_id)[0]


def write_csv(workspace: Workspace, path: Path) -> list[Diagnostic]:
    """Write the workspace's map as CSV (UTF-8 with a BOM, so that Excel reads it as UTF-8)."""
    text, warnings = export_csv(workspace, file=str(path))
    write_atomically({path: "\ufeff" + text})
    return warnings


def read_csv(path: Path) -> Loaded:
    """Read a CSV file in the template layout (any of , ; or tab as delimiter)."""
    data = _read_bytes(path)
    warnings: list[Diagnostic] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
                encoding = "Windows-1252"
            except UnicodeDecodeError:
                text = data.decode("latin-1")
                encoding = "Latin-1"
            warnings.append(
                Diagnostic(
                    f"the file is not UTF-8; read as {encoding}",
                    str(path),
                    hint="save the CSV as UTF-8 to be sure of accented letters",
                    severity="warning",
                )
            )
    loaded = parse_csv(text, filename=str(path))
    return Loaded(loaded.workspace, [*warnings, *loaded.warnings])


def parse_csv(text: str, filename: str = "<csv>") -> Loaded:
    """Parse CSV text in the template layout into a workspace with one map.

    Records are read one at a time under the import limits (`current_limits()`).
    """
    text = text.removeprefix("\ufeff")
    delimiter = _sniff(text)
    sheet = csv_grid(text, filename, delimiter, current_limits(), _unguard)
    if not any(cell_text(v) for row in sheet.rows for v in row):
        diagnostic = Diagnostic(
            "the file is empty", filename, 1, 1, hint="export a journey map to see the layout"
        )
        raise InvalidInput(diagnostic.render(), [diagnostic])
    grid = rows_to_map(sheet.rows, sheet.where, default_name=_stem(filename))
    return Loaded(_workspace(grid), grid.warnings)


def _sniff(text: str) -> str:
    """The delimiter that splits the first records into the most rows of one width."""
    sample = text[:65536]
    best, best_score = ",", -1
    for delimiter in (",", ";", "\t"):
        widths: list[int] = []
        try:
            for i, record in enumerate(
                csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
            ):
                if i >= 30:
                    break
                if record:
                    widths.append(len(record))
        except csv.Error:
            continue
        if not widths:
            continue
        mode = max(set(widths), key=widths.count)
        score = widths.count(mode) * (mode - 1)
        if score > best_score:
            best, best_score = delimiter, score
    return best


# ---------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------

JOURNEY_SHEET = "Journey"
PERSONA_SHEET = "Persona"
MAP_SHEET = "Map"

_PERSONA_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("Name", "name", "text"),
    ("Role", "role", "text"),
    ("Quote", "quote", "text"),
    ("Bio", "bio", "text"),
    ("Demographics", "demographics", "pairs"),
    ("Goals", "goals", "list"),
    ("Challenges", "challenges", "list"),
    ("Values", "values", "list"),
    ("Fears", "fears", "list"),
    ("Needs", "needs", "list"),
    ("Motivations", "motivations", "list"),
    ("Preferred channels", "preferred_channels", "list"),
    ("Tech-savviness", "tech_savviness", "level"),
    ("Marketing message", "marketing_message", "text"),
    ("Elevator pitch", "elevator_pitch", "text"),
    ("Avatar", "avatar", "text"),
)
_MAP_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("Scenario", "scenario", "text"),
    ("Goal", "goal", "text"),
    ("Type", "type", "map_type"),
    ("Timeframe", "timeframe", "text"),
    ("Depth", "depth", "depth"),
    ("Status", "status", "status"),
    ("Owner", "owner", "text"),
    ("Review date", "review_date", "date"),
    ("Tags", "tags", "list"),
    ("Back-story: pain points", "backstory.pain_points", "list"),
    ("Back-story: requirements", "backstory.requirements", "list"),
    ("Back-story: desired outcomes", "backstory.outcomes", "list"),
    ("Back-story: highest goal", "backstory.highest_goal", "text"),
    ("Back-story: story", "backstory.story", "text"),
    ("Custom lanes", "custom_lanes", "list"),
)


def export_xlsx(
    source: Workspace | JourneyMap, map_id: str | None = None, file: str | None = None
) -> tuple[bytes, list[Diagnostic]]:
    """The map as an XLSX workbook (bytes), with warnings for what it drops."""
    from openpyxl import Workbook

    workspace, journey = _source(source, map_id)
    warnings: list[Diagnostic] = []
    grid = map_to_rows(workspace, journey, file, keeps_scope=True)
    warnings.extend(grid.warnings)
    cleaned: list[str] = []
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = JOURNEY_SHEET
    _fill_journey_sheet(sheet, grid, cleaned)
    personas = workspace.personas_of(journey)
    if personas:
        persona_sheet = book.create_sheet(PERSONA_SHEET)
        rows: list[list[Cell]] = [[label] for label, _, _ in _PERSONA_FIELDS]
        for persona in personas:
            for row, (_, attr, kind) in zip(rows, _PERSONA_FIELDS, strict=True):
                row.append(_field_out(getattr(persona, attr), kind))
        _fill_label_sheet(persona_sheet, rows, cleaned)
        with_segment = [p.name for p in personas if p.segment]
        if with_segment:
            warnings.append(
                _warning(file, "persona segments not written: " + ", ".join(with_segment))
            )
    map_sheet = book.create_sheet(MAP_SHEET)
    custom = [grid.rows[r][0] for key, r in grid.label_rows.items() if key not in _GRID_KEYS]
    map_rows: list[list[Cell]] = [
        [label, _field_out(custom if attr == "custom_lanes" else _get(journey, attr), kind)]
        for label, attr, kind in _MAP_FIELDS
    ]
    _fill_label_sheet(map_sheet, map_rows, cleaned)
    if cleaned:
        warnings.append(
            _warning(
                file,
                f"control characters removed from {len(cleaned)} "
                + ("cell" if len(cleaned) == 1 else "cells")
                + " (XLSX cannot hold them)",
            )
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), warnings


def to_xlsx(source: Workspace | JourneyMap, map_id: str | None = None) -> bytes:
    """The map as XLSX bytes."""
    return export_xlsx(source, map_id)[0]


def write_xlsx(workspace: Workspace, path: Path) -> list[Diagnostic]:
    """Write the workspace's map as an XLSX workbook, atomically."""
    data, warnings = export_xlsx(workspace, file=str(path))
    _write_bytes_atomically(path, data)
    return warnings


def read_xlsx(path: Path) -> Loaded:
    """Read an XLSX workbook in the template layout (and its Persona and Map sheets)."""
    return parse_xlsx(_read_bytes(path), filename=str(path))


def parse_xlsx(data: bytes, filename: str = "<xlsx>") -> Loaded:
    """Parse XLSX bytes in the template layout into a workspace with one map.

    The archive is checked first (unpacked size, no DTDs), then each sheet is streamed
    (openpyxl's read-only mode) and only its real cells are counted, under the import
    limits (`current_limits()`).
    """
    from openpyxl import load_workbook

    limits = current_limits()
    check_archive(data, filename, limits)
    budget = CellBudget(limits, filename)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except MemoryError:
        raise
    except Exception as error:  # malformed zip or XML (ParseError, IndexError …): the file's fault
        raise not_a_workbook(filename, str(error) or type(error).__name__) from None
    try:
        return _read_book(book, filename, budget)
    except (JourneylineError, MemoryError):
        raise
    except Exception as error:  # malformed sheet XML met while streaming: the file's fault
        raise not_a_workbook(filename, str(error) or type(error).__name__) from None
    finally:
        book.close()


def _read_book(book: Any, filename: str, budget: CellBudget) -> Loaded:
    if not book.sheetnames:
        raise not_a_workbook(filename, "it has no sheets")
    sheet = book[JOURNEY_SHEET] if JOURNEY_SHEET in book.sheetnames else book.worksheets[0]
    warnings: list[Diagnostic] = []
    scope: dict[str, object] = {}
    if MAP_SHEET in book.sheetnames:
        scope = _read_scope(sheet_grid(book[MAP_SHEET], filename, budget), warnings)
    lanes = scope.pop("custom_lanes", [])
    known = (
        frozenset(normalize_label(str(n)) for n in lanes)
        if isinstance(lanes, list)
        else frozenset()
    )
    journey_grid = sheet_grid(sheet, filename, budget)
    grid = rows_to_map(
        journey_grid.rows,
        journey_grid.where,
        default_name=_stem(filename),
        merge_starts=journey_grid.merge_starts,
        known_lanes=known,
    )
    for attr, value in scope.items():
        target: Any = grid.journey
        parts = attr.split(".")
        for part in parts[:-1]:
            target = getattr(target, part)
        setattr(target, parts[-1], value)
    personas: list[Persona] = []
    if PERSONA_SHEET in book.sheetnames:
        personas = _read_personas(sheet_grid(book[PERSONA_SHEET], filename, budget), warnings)
    return Loaded(_workspace(grid, personas), [*grid.warnings, *warnings])


def _fill_journey_sheet(sheet: Any, grid: GridOut, cleaned: list[str]) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    centred = Alignment(wrap_text=True, vertical="top", horizontal="center")
    header_fill = PatternFill("solid", fgColor="DDE3EA")
    edge = Side(style="thin", color="9AA5B1")
    header_keys = {"stage", "goal", "step"}
    header_rows = {grid.label_rows[k] for k in header_keys}
    emotion_row = grid.label_rows["emotion"]
    for r, row in enumerate(grid.rows):
        for c, value in enumerate(row):
            cell = sheet.cell(row=r + 1, column=c + 1)
            _set(cell, value, cleaned)
            cell.alignment = wrap
            if c == 0 or r in header_rows:
                cell.font = bold
            if r in header_rows and c > 0:
                cell.fill = header_fill
                cell.border = Border(left=edge, right=edge, top=edge, bottom=edge)
            if r == emotion_row and isinstance(value, int | float) and not isinstance(value, bool):
                cell.fill = PatternFill("solid", fgColor=_emotion_colour(float(value), grid))
                cell.alignment = centred
    for key in ("stage", "goal"):
        r = grid.label_rows[key] + 1
        for first, last in grid.stage_spans:
            sheet.cell(row=r, column=first + 1).alignment = centred
            if last > first:
                sheet.merge_cells(
                    start_row=r, start_column=first + 1, end_row=r, end_column=last + 1
                )
    sheet.column_dimensions["A"].width = 18
    for c in range(2, len(grid.rows[0]) + 1):
        sheet.column_dimensions[get_column_letter(c)].width = 28
    sheet.freeze_panes = sheet.cell(row=grid.label_rows["step"] + 2, column=2)


def _emotion_colour(score: float, grid: GridOut) -> str:
    """Red (lowest) through yellow (neutral) to green (highest), as RRGGBB."""
    t = max(-1.0, min(1.0, grid.scale.normalize(score)))
    low, mid, high = (0xF8, 0x69, 0x6B), (0xFF, 0xEB, 0x84), (0x63, 0xBE, 0x7B)
    a, b, f = (low, mid, t + 1) if t < 0 else (mid, high, t)
    return "".join(f"{round(x + (y - x) * f):02X}" for x, y in zip(a, b, strict=True))


def _fill_label_sheet(sheet: Any, rows: list[list[Cell]], cleaned: list[str]) -> None:
    from openpyxl.styles import Alignment, Font

    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cell = sheet.cell(row=r + 1, column=c + 1)
            _set(cell, value, cleaned)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if c == 0:
                cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 26
    for c in range(2, max(len(row) for row in rows) + 1):
        from openpyxl.utils import get_column_letter

        sheet.column_dimensions[get_column_letter(c)].width = 48
    sheet.freeze_panes = "B1"


def _set(cell: Any, value: Cell, cleaned: list[str]) -> None:
    """Write a value; text always stays text (never a formula)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        safe = ILLEGAL_CHARACTERS_RE.sub("", value)
        if safe != value:
            cleaned.append(value)
        cell.value = safe
        cell.data_type = "s"
    else:
        cell.value = value


def _label_rows(
    sheet: SheetGrid, fields: Sequence[tuple[str, str, str]], warnings: list[Diagnostic]
) -> dict[str, tuple[int, list[Cell]]]:
    known = {normalize_label(label): (attr, kind) for label, attr, kind in fields}
    found: dict[str, tuple[int, list[Cell]]] = {}
    for r, values in enumerate(sheet.rows):
        label = cell_text(values[0]) if values else None
        if label is None:
            continue
        entry = known.get(normalize_label(label))
        if entry is None:
            warnings.append(
                Diagnostic(
                    f"row '{label}' is not a known field; ignored",
                    sheet.where(r, 0)[0],
                    severity="warning",
                )
            )
            continue
        found[entry[0]] = (r, list(values))
    return found


def _read_personas(sheet: SheetGrid, warnings: list[Diagnostic]) -> list[Persona]:
    rows = _label_rows(sheet, _PERSONA_FIELDS, warnings)
    where = sheet.where
    width = max((len(values) for _, values in rows.values()), default=1)
    kinds = {attr: kind for _, attr, kind in _PERSONA_FIELDS}
    personas: list[Persona] = []
    for c in range(1, width):
        data: dict[str, object] = {}
        for attr, (r, values) in rows.items():
            value = values[c] if c < len(values) else None
            parsed = _field_in(
                value,
                kinds[attr],
                _reporter(warnings, where(r, c)[0]),
            )
            if parsed is not None:
                data[attr] = parsed
        if not data:
            continue
        if "name" not in data:
            warnings.append(
                Diagnostic(
                    "persona column has no name; ignored", where(0, c)[0], severity="warning"
                )
            )
            continue
        personas.append(Persona.model_validate(data))
    return personas


def _read_scope(sheet: SheetGrid, warnings: list[Diagnostic]) -> dict[str, object]:
    """The Map sheet's fields, by attribute path ('goal', 'backstory.story' …)."""
    rows = _label_rows(sheet, _MAP_FIELDS, warnings)
    kinds = {attr: kind for _, attr, kind in _MAP_FIELDS}
    scope: dict[str, object] = {}
    for attr, (r, values) in rows.items():
        value = values[1] if len(values) > 1 else None
        parsed = _field_in(value, kinds[attr], _reporter(warnings, sheet.where(r, 1)[0]))
        if parsed is not None:
            scope[attr] = parsed
    return scope


def _get(obj: Any, attr: str) -> Any:
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


def _field_out(value: Any, kind: str) -> Cell:
    if value is None or value == [] or value == {}:
        return None
    if kind == "list":
        return "\n".join(" ".join(str(item).split()) for item in value)
    if kind == "pairs":
        return "\n".join(f"{k}: {' '.join(str(v).split())}" for k, v in value.items())
    if kind == "date":
        return value if isinstance(value, dt.date) else str(value)
    if hasattr(value, "value"):
        return str(value.value)
    return str(value)


_CHOICES: dict[str, tuple[str, ...]] = {
    "map_type": tuple(t.value for t in MapType),
    "status": tuple(s.value for s in MapStatus),
    "level": tuple(level.value for level in Level),
    "depth": ("high_level", "detailed"),
}
_SYNONYMS = {
    "as_is": "current_state",
    "to_be": "future_state",
    "current": "current_state",
    "future": "future_state",
}


def _field_in(value: Cell, kind: str, report: Callable[[str], None]) -> object | None:
    if kind == "date" and isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    text = cell_text(value)
    if text is None:
        return None
    if kind == "text":
        return text
    if kind == "list":
        return [line.strip() for line in text.splitlines() if line.strip()]
    if kind == "pairs":
        pairs: dict[str, str] = {}
        for line in text.splitlines():
            if line.strip():
                key, sep, rest = line.partition(":")
                if not sep:
                    report(f"'{line.strip()}' is not 'label: value'; read with an empty value")
                pairs[key.strip()] = rest.strip()
        return pairs
    if kind == "date":
        try:
            return dt.date.fromisoformat(text.strip()[:10])
        except ValueError:
            report(f"'{text}' is not a date; ignored (write it as YYYY-MM-DD)")
            return None
    word = "_".join(text.strip().lower().replace("-", " ").split())
    word = _SYNONYMS.get(word, word)
    if word in _CHOICES[kind]:
        return word
    report(f"'{text}' is not one of {', '.join(_CHOICES[kind])}; ignored")
    return None


# ---------------------------------------------------------------------------
# Shared
# ---------------------------------------------------------------------------


def _source(source: Workspace | JourneyMap, map_id: str | None) -> tuple[Workspace, JourneyMap]:
    """The workspace and the one map a spreadsheet holds (`Workspace.pick_map` chooses)."""
    if isinstance(source, JourneyMap):
        return Workspace(maps=[source]), source
    return source, source.pick_map(map_id)


def _reporter(warnings: list[Diagnostic], ref: str) -> Callable[[str], None]:
    """A reporter that adds a warning at one cell reference."""

    def report(message: str) -> None:
        warnings.append(Diagnostic(message, ref, severity="warning"))

    return report


def _warning(file: str | None, message: str) -> Diagnostic:
    return Diagnostic(message, file, severity="warning")


def _stem(filename: str) -> str:
    return "" if filename.startswith("<") else Path(filename).stem or ""


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        diagnostic = Diagnostic(f"cannot read the file ({error.strerror or error})", str(path))
        raise InvalidInput(diagnostic.render(), [diagnostic]) from None


def _write_bytes_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(name, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(name)
        diagnostic = Diagnostic(f"cannot write: {error.strerror or error}", str(path))
        raise InvalidInput(diagnostic.render(), [diagnostic]) from None


CSV_FORMAT = FileFormat(
    name="csv",
    extensions=(".csv",),
    description="Spreadsheet template as CSV: stages as columns, lanes as rows",
    read=read_csv,
    write=write_csv,
    one_map=True,
)

XLSX_FORMAT = FileFormat(
    name="xlsx",
    extensions=(".xlsx",),
    description="Spreadsheet template as an Excel workbook, with Persona and Map sheets",
    read=read_xlsx,
    write=write_xlsx,
    one_map=True,
)
