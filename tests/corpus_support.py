"""The bad-input corpus: hostile and broken files and bodies, made on the spot (never stored).

Shared by the corpus test (tests/test_robustness_corpus.py) and bench/bench_robustness.py.
Each case is what an attacker or an unlucky user would send: bombs of every kind,
spreadsheets far larger than they look, malformed and truncated files, wrong encodings,
huge, deep and non-finite JSON bodies.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Journey" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
_SHEET_OPEN = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def workbook(sheet_parts: Iterator[bytes] | bytes) -> bytes:
    """A minimal XLSX workbook whose one sheet ("Journey") is the given XML, streamed in."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            if isinstance(sheet_parts, bytes):
                sheet.write(sheet_parts)
            else:
                for part in sheet_parts:
                    sheet.write(part)
    return buffer.getvalue()


def xlsx_far_corners() -> bytes:
    """One cell at A1 and one at XFD1048576: 1.5 KB that claims 17 billion cells."""
    return workbook(
        (
            _SHEET_OPEN + '<dimension ref="A1:XFD1048576"/><sheetData>'
            '<row r="1"><c r="A1" t="inlineStr"><is><t>Step</t></is></c></row>'
            '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
            "</sheetData></worksheet>"
        ).encode()
    )


def xlsx_zip_bomb(unpacked_mb: int = 192) -> bytes:
    """A classic zip bomb: a sheet of `unpacked_mb` MB of rows that deflates to under 1 MB."""
    row = b'<row><c t="inlineStr"><is><t>Step</t></is></c></row>'
    block = row * (1_048_576 // len(row))

    def parts() -> Iterator[bytes]:
        yield (_SHEET_OPEN + "<sheetData>").encode()
        for _ in range(unpacked_mb):
            yield block
        yield b"</sheetData></worksheet>"

    return workbook(parts())


def xlsx_entity_bomb() -> bytes:
    """The "billion laughs": ten levels of entities, each ten of the one below."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    ]
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE worksheet ['
        + "".join(entities)
        + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    return workbook(sheet.encode())


def xlsx_many_cells(cells: int = 1_200_000) -> bytes:
    """More real (blank, styled) cells than the cell budget, in few rows."""
    per_row = 4_000

    def parts() -> Iterator[bytes]:
        yield (_SHEET_OPEN + "<sheetData>").encode()
        for r in range(1, cells // per_row + 2):
            yield f'<row r="{r}">'.encode() + b'<c s="0"/>' * per_row + b"</row>"
        yield b"</sheetData></worksheet>"

    return workbook(parts())


def csv_wide(columns: int = 1_000_000) -> bytes:
    """A 2 MB CSV of one million step columns."""
    return b"Step" + b",x" * columns + b"\r\n"


def csv_tall(rows: int = 200_000) -> bytes:
    """A CSV of 200,000 labelled rows: each would be a custom lane."""
    lines = [b"Stage,Start", b"Step,Begin"] + [f"Row {i},x".encode() for i in range(rows)]
    return b"\r\n".join(lines) + b"\r\n"


def csv_huge_cell(chars: int = 2_000_000) -> bytes:
    """One cell of two million characters."""
    return b"Step,Begin\r\nNotes," + b"y" * chars + b"\r\n"


def yaml_steps(steps: int) -> bytes:
    """A document with one map of `steps` steps (written out, not aliased)."""
    lines = ["journeyline: 1", "maps:", "  - name: Huge", "    stages:", "      - name: All", "        steps:"]
    lines += [f"          - name: Step {i}" for i in range(steps)]
    return ("\n".join(lines) + "\n").encode()


def yaml_alias_bomb() -> bytes:
    """The YAML billion laughs: nine levels of aliases, each nine of the one below."""
    lines = ["journeyline: 1", 'a0: &a0 ["lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    lines.append("maps: [*a9]")
    return ("\n".join(lines) + "\n").encode()


def json_deep(depth: int = 100_000) -> bytes:
    """A JSON document nested `depth` lists deep."""
    return b'{"journeyline": 1, "maps": ' + b"[" * depth + b"]" * depth + b"}"


@dataclass(frozen=True)
class UploadCase:
    """A file sent to `POST /api/workspaces/import` (and the import into a workspace)."""

    name: str
    filename: str
    make: Callable[[], bytes]


def _truncated_xlsx() -> bytes:
    whole = xlsx_far_corners()
    return whole[: len(whole) // 2]


UPLOADS: tuple[UploadCase, ...] = (
    UploadCase("xlsx A1 and XFD1048576", "corners.xlsx", xlsx_far_corners),
    UploadCase("xlsx zip bomb (192 MB of XML)", "bomb.xlsx", xlsx_zip_bomb),
    UploadCase("xlsx XML entity bomb", "laughs.xlsx", xlsx_entity_bomb),
    UploadCase("xlsx 1.2M blank cells", "cells.xlsx", xlsx_many_cells),
    UploadCase("xlsx truncated", "truncated.xlsx", _truncated_xlsx),
    UploadCase("xlsx that is not a zip", "random.xlsx", lambda: b"PK\x03\x04" + b"\x00garbage" * 50),
    UploadCase("csv 1,000,000 columns", "wide.csv", csv_wide),
    UploadCase("csv 200,000 rows", "tall.csv", csv_tall),
    UploadCase("csv 2M-character cell", "cell.csv", csv_huge_cell),
    UploadCase("csv in UTF-16 without a BOM", "utf16.csv", lambda: "Step,Été\r\n".encode("utf-16-le")),
    UploadCase("csv of binary bytes", "binary.csv", lambda: bytes(range(256)) * 40),
    UploadCase("yaml 6,000 steps", "steps.yaml", lambda: yaml_steps(6_000)),
    UploadCase("yaml alias bomb", "aliases.yaml", yaml_alias_bomb),
    UploadCase("yaml malformed", "broken.yaml", lambda: b"journeyline: 1\nmaps: [\n  - {name: x\n"),
    UploadCase("yaml in Latin-1", "latin1.yaml", lambda: "journeyline: 1\nname: Caf\xe9\n".encode("latin-1")),
    UploadCase("json 100,000 levels deep", "deep.json", json_deep),
    UploadCase("json NaN", "nan.json", lambda: b'{"journeyline": 1, "maps": [{"name": "m", "scale": {"min": NaN}}]}'),
    UploadCase("json 1e400", "big.json", lambda: b'{"journeyline": 1, "maps": [{"name": "m", "scale": {"max": 1e400}}]}'),
    UploadCase("mermaid garbage", "junk.mmd", lambda: b"\x00\xff" * 4000),
    UploadCase("no extension", "noextension", lambda: b"journeyline: 1\n"),
    UploadCase("unknown extension", "file.exe", lambda: b"MZ" + b"\x00" * 100),
)
"""Every file of the corpus; each must be answered 4xx."""


@dataclass(frozen=True)
class BodyCase:
    """A raw JSON body sent to a map or workspace write."""

    name: str
    target: str
    """'map' (PUT the map), 'step' (POST a step) or 'workspace' (PATCH the workspace)."""
    make: Callable[[], bytes]


BODIES: tuple[BodyCase, ...] = (
    BodyCase("body over 1 MB", "map", lambda: b'{"name": "' + b"x" * 2_000_000 + b'"}'),
    BodyCase("body 100,000 levels deep", "map", lambda: b'{"name": "m", "stages": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
    BodyCase("body not JSON", "map", lambda: b"{not json"),
    BodyCase("body in UTF-16", "map", lambda: '{"name": "m"}'.encode("utf-16")),
    BodyCase("body NaN emotion", "step", lambda: b'{"name": "s", "emotion": NaN}'),
    BodyCase("body Infinity emotion", "step", lambda: b'{"name": "s", "emotion": Infinity}'),
    BodyCase("body 1e400 emotion", "step", lambda: b'{"name": "s", "emotion": 1e400}'),
    BodyCase("body lone surrogate", "step", lambda: b'{"name": "\\ud800"}'),
    BodyCase("body NaN analysis setting", "workspace", lambda: b'{"analysis": {"min_drop": NaN}}'),
)
"""Every raw body of the corpus; each must be answered 4xx (the non-finite and surrogate
cases are refused by the JSON validation of issue 9 part 3/4)."""
