"""Import limits: declared once, checked while reading, the same on the CLI and the API;
and the worker processes that read uploads under a deadline and a memory ceiling."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from journeyline.cli import app as cli
from journeyline.errors import BudgetExceeded, InvalidInput, LimitExceeded, UsageError
from journeyline.formats import load_workspace
from journeyline.formats.limits import DEFAULT_LIMITS, LIMITS, ImportLimits, applying
from journeyline.formats.spreadsheet import parse_csv, parse_xlsx
from journeyline.store import Database
from journeyline.web import Settings
from journeyline.web.workers import Budget, WorkerPool
from tests.api_support import build_world, database, envelope_of  # noqa: F401
from tests.corpus_support import (
    csv_tall,
    csv_wide,
    workbook,
    xlsx_entity_bomb,
    xlsx_far_corners,
    xlsx_zip_bomb,
    yaml_steps,
)


def test_every_limit_is_declared_once_with_a_default_and_help() -> None:
    assert [limit.name for limit in LIMITS] == list(DEFAULT_LIMITS.to_dict())
    assert all(limit.help and limit.default >= 1 for limit in LIMITS)
    assert DEFAULT_LIMITS.steps == 5_000 and DEFAULT_LIMITS.lanes == 200
    assert DEFAULT_LIMITS.maps == 500 and DEFAULT_LIMITS.text_chars == 100_000


def test_limits_parse_like_the_flag_and_the_setting() -> None:
    limits = ImportLimits.parse(["steps=10_000", "cells=5,maps=2"])
    assert (limits.steps, limits.cells, limits.maps) == (10_000, 5, 2)
    assert limits.lanes == DEFAULT_LIMITS.lanes
    with pytest.raises(UsageError, match=r"unknown import limit 'step' \(did you mean 'steps'\?\)"):
        ImportLimits.parse(["step=3"])
    with pytest.raises(UsageError, match="must be a whole number"):
        ImportLimits.parse(["steps=many"])
    with pytest.raises(UsageError, match="at least 1"):
        ImportLimits.parse(["steps=0"])


def test_a_wide_csv_is_refused_on_its_first_record() -> None:
    with pytest.raises(LimitExceeded) as caught:
        parse_csv(csv_wide().decode(), "wide.csv")
    assert caught.value.limit == "cells"
    assert caught.value.diagnostics[0].file == "wide.csv:1"
    with applying(ImportLimits(cells=10_000_000)), pytest.raises(LimitExceeded) as caught:
        parse_csv(csv_wide().decode(), "wide.csv")
    assert caught.value.limit == "steps"  # past the cells, the step columns


def test_a_tall_csv_is_refused_at_the_row_past_the_lanes() -> None:
    with pytest.raises(LimitExceeded) as caught:
        parse_csv(csv_tall().decode(), "tall.csv")
    error = caught.value
    assert error.limit == "lanes" and error.allowed == 200
    assert error.diagnostics[0].file == "tall.csv:219"
    assert "--limit lanes=N" in (error.diagnostics[0].hint or "")


def test_a_tall_csv_reads_when_the_limit_is_raised() -> None:
    with applying(ImportLimits(lanes=30_000)):
        loaded = parse_csv(csv_tall(20_000).decode(), "tall.csv")
    assert len(loaded.workspace.lanes) == 20_000


def test_blank_records_are_skipped_but_lines_still_name_the_place() -> None:
    text = "Stage,A\n\n\n,,,\nStep,s1\nEmotion,lots\n"
    loaded = parse_csv(text, "gaps.csv")
    (warning,) = [w for w in loaded.warnings if "emotion" in w.message]
    assert (warning.file, warning.line, warning.column) == ("gaps.csv", 6, 2)


def test_an_xlsx_claiming_the_whole_sheet_costs_its_two_cells() -> None:
    with pytest.raises(LimitExceeded) as caught:
        parse_xlsx(xlsx_far_corners(), "corners.xlsx")
    assert caught.value.limit == "steps"
    assert caught.value.diagnostics[0].file == "corners.xlsx:Journey!XFD1048576"


def test_an_xlsx_cell_a_million_rows_down_reads_and_is_located() -> None:
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<dimension ref="A1:B1048576"/><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Step</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>Sign up</t></is></c></row>'
        '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>Emotion</t></is></c>'
        '<c r="B1048576" t="inlineStr"><is><t>lots</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    loaded = parse_xlsx(workbook(sheet.encode()), "far.xlsx")
    assert [s.name for s in loaded.workspace.maps[0].steps()] == ["Sign up"]
    assert any(w.file == "far.xlsx:Journey!B1048576" for w in loaded.warnings)


def test_merged_stage_headers_still_read_in_streaming_mode() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Journey"
    for row in (["Stage", "Try", None, "Try", None], ["Step", "a", "b", "c", "d"]):
        sheet.append(row)
    sheet.merge_cells("B1:C1")
    sheet.merge_cells("D1:E1")
    buffer = io.BytesIO()
    book.save(buffer)
    journey = parse_xlsx(buffer.getvalue(), "merged.xlsx").workspace.maps[0]
    assert [[s.name for s in stage.steps] for stage in journey.stages] == [["a", "b"], ["c", "d"]]


def test_zip_and_entity_bombs_are_refused_before_any_xml_is_parsed() -> None:
    with pytest.raises(LimitExceeded) as caught:
        parse_xlsx(xlsx_zip_bomb(8), "bomb.xlsx")
    assert caught.value.limit in ("cells", "lanes")  # 8 MB unpacked: under unpacked_bytes
    with applying(ImportLimits(unpacked_bytes=1_000_000)), pytest.raises(LimitExceeded) as caught:
        parse_xlsx(xlsx_zip_bomb(8), "bomb.xlsx")
    assert caught.value.limit == "unpacked_bytes"
    with pytest.raises(InvalidInput, match="declares a DTD or entities") as refused:
        parse_xlsx(xlsx_entity_bomb(), "laughs.xlsx")
    assert not isinstance(refused.value, LimitExceeded)


def test_a_zip_whose_directory_lies_about_sizes_is_measured_as_it_unpacks() -> None:
    honest = xlsx_zip_bomb(8)
    with zipfile.ZipFile(io.BytesIO(honest)) as archive:
        claimed = sum(info.file_size for info in archive.infolist())
    assert claimed > 8_000_000
    # Python's zip reader stops at the claimed size, so a lie ends in a CRC error: refused.
    lying = bytearray(honest)
    marker = b"xl/worksheets/sheet1.xml"
    central = lying.rfind(marker)
    size_at = central - 46 + 24  # the central directory entry's uncompressed size
    lying[size_at : size_at + 4] = (1000).to_bytes(4, "little")
    with pytest.raises(InvalidInput):
        parse_xlsx(bytes(lying), "lying.xlsx")


def test_documents_obey_the_same_limits(tmp_path: Path) -> None:
    path = tmp_path / "steps.yaml"
    path.write_bytes(yaml_steps(12))
    with pytest.raises(LimitExceeded) as caught:
        load_workspace(path, limits=ImportLimits(steps=10))
    assert caught.value.limit == "steps"
    assert "map 'Huge' has 12 steps" in caught.value.message
    assert len(load_workspace(path).workspace.maps[0].steps()) == 12
    long_text = tmp_path / "long.yaml"
    long_text.write_text("journeyline: 1\nname: " + "x" * 200 + "\n")
    with pytest.raises(LimitExceeded, match=r"200 characters \(at name\)"):
        load_workspace(long_text, limits=ImportLimits(text_chars=100))


def test_the_cli_refuses_with_exit_1_and_raises_with_limit(tmp_path: Path) -> None:
    path = tmp_path / "tall.csv"
    path.write_bytes(csv_tall(300))
    runner = CliRunner()
    refused = runner.invoke(cli, ["validate", str(path)])
    assert refused.exit_code == 1
    assert "import limit 'lanes' is 200" in refused.output
    assert "--limit lanes=N" in refused.output
    raised = runner.invoke(cli, ["validate", str(path), "--limit", "lanes=400"])
    assert raised.exit_code == 0, raised.output
    converted = runner.invoke(
        cli, ["convert", str(path), str(tmp_path / "out.yaml"), "--limit", "lanes=400"]
    )
    assert converted.exit_code == 0, converted.output
    wrong = runner.invoke(cli, ["analyze", str(path), "--limit", "lane=400"])
    assert wrong.exit_code == 2 and "did you mean 'lanes'?" in wrong.output


def test_the_api_answers_413_naming_the_limit_and_takes_the_setting(
    database: Database,  # noqa: F811
) -> None:
    world = build_world(database, Settings(import_limits="lanes=20"))
    owner = world.client("owner")

    def csv_with_lanes(count: int) -> bytes:
        return b"Step,a\r\n" + b"".join(f"Lane {i},x\r\n".encode() for i in range(count))

    refused = owner.post("/api/workspaces/import", files={"file": ("many.csv", csv_with_lanes(25))})
    assert refused.status_code == 413
    error = envelope_of(refused)
    assert error["type"] == "LimitExceeded"
    assert error["details"] == {"limit": "lanes", "allowed": 20}
    assert error["diagnostics"][0]["file"].startswith("many.csv")
    assert "journeyline-upload" not in refused.text
    accepted = owner.post(
        f"/api/workspaces/{world.workspace}/import",
        files={"file": ("few.csv", csv_with_lanes(2))},
    )
    assert accepted.status_code == 200, accepted.text


# --- worker processes ---------------------------------------------------------------------------


def _sleep(seconds: float) -> str:
    import time

    time.sleep(seconds)
    return "woke"


def _allocate(megabytes: int) -> int:
    block = bytearray(megabytes * 1_048_576)
    return len(block)


def _refuse() -> None:
    raise LimitExceeded("too many", limit="steps", allowed=3)


@pytest.fixture
def pool() -> Iterator[WorkerPool]:
    workers = WorkerPool(1, Budget(seconds=3, memory_bytes=700 * 1_048_576))
    yield workers
    workers.stop()


def test_a_job_past_its_deadline_is_stopped_and_the_pool_goes_on(pool: WorkerPool) -> None:
    assert pool.run(_sleep, 0.01) == "woke"
    with pytest.raises(BudgetExceeded, match="longer than 3 s"):
        pool.run(_sleep, 30)
    assert pool.run(_sleep, 0.01) == "woke"


def test_a_job_past_the_memory_ceiling_fails_and_the_pool_goes_on(pool: WorkerPool) -> None:
    assert pool.run(_allocate, 10) == 10 * 1_048_576
    with pytest.raises(BudgetExceeded, match="more than 700 MB"):
        pool.run(_allocate, 2_000)
    assert pool.run(_allocate, 10) == 10 * 1_048_576


def test_errors_cross_from_the_worker_whole(pool: WorkerPool) -> None:
    with pytest.raises(LimitExceeded) as caught:
        pool.run(_refuse)
    assert (caught.value.limit, caught.value.allowed, caught.value.message) == (
        "steps",
        3,
        "too many",
    )
