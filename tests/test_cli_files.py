"""`journeyline validate`, `schema` and `convert`, run in-process through Typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from journeyline.cli import app
from journeyline.formats import load_workspace

FIXTURES = Path(__file__).parent / "format_fixtures"
runner = CliRunner()

BAD = "journeyline: 1\nmaps:\n  - name: M\n    stages:\n      - name: S\n        steps:\n          - name: Sign up\n            chanel: web\n"


def test_validate_ok_counts_maps_stages_steps() -> None:
    result = runner.invoke(
        app, ["validate", str(FIXTURES / "full.yaml"), str(FIXTURES / "map.json")]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{FIXTURES / 'full.yaml'}: ok — 1 map, 2 stages, 3 steps",
        f"{FIXTURES / 'map.json'}: ok — 1 map, 2 stages, 3 steps",
    ]


def test_validate_reports_diagnostics_and_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(FIXTURES / "map.json"), str(bad)])
    assert result.exit_code == 1
    assert (
        f"{bad}:8:13: unknown key 'chanel' in step 'Sign up' (did you mean 'channel'?)"
        in result.stdout
    )
    assert "Traceback" not in result.output


def test_validate_json_shape(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD, encoding="utf-8")
    warn = tmp_path / "warn.yaml"
    warn.write_text(BAD.replace("chanel: web", "emotion: 7"), encoding="utf-8")
    result = runner.invoke(app, ["validate", "--format", "json", str(bad), str(warn)])
    assert result.exit_code == 1
    files = json.loads(result.stdout)["files"]
    assert [f["ok"] for f in files] == [False, True]
    assert files[0]["errors"][0] == {
        "file": str(bad),
        "line": 8,
        "column": 13,
        "severity": "error",
        "message": "unknown key 'chanel' in step 'Sign up'",
        "hint": "did you mean 'channel'?",
    }
    assert files[1]["errors"] == []
    assert files[1]["warnings"][0]["line"] == 8
    assert set(files[0]) >= {"path", "ok", "errors", "warnings"}


def test_validate_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    assert runner.invoke(app, ["convert", str(FIXTURES / "full.yaml"), str(folder)]).exit_code == 0
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"{folder}: ok — 1 map, 2 stages, 3 steps"


def test_validate_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path / "none.yaml")])
    assert result.exit_code == 1
    assert "no such file or folder" in result.stdout


def test_schema_prints_and_writes(tmp_path: Path) -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    printed = json.loads(result.stdout)
    assert printed["$id"] == "https://journeyline.dev/schema/journeyline-1.json"
    out = tmp_path / "schema.json"
    assert runner.invoke(app, ["schema", "-o", str(out)]).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8")) == printed


def test_convert_yaml_to_json_and_back(tmp_path: Path) -> None:
    json_path = tmp_path / "w.json"
    result = runner.invoke(app, ["convert", str(FIXTURES / "full.yaml"), str(json_path)])
    assert result.exit_code == 0, result.output
    assert "converted" in result.stdout
    yaml_path = tmp_path / "w.yaml"
    assert runner.invoke(app, ["convert", str(json_path), str(yaml_path)]).exit_code == 0
    original = load_workspace(FIXTURES / "full.yaml").workspace.model_dump()
    assert load_workspace(yaml_path).workspace.model_dump() == original


def test_convert_json_report(tmp_path: Path) -> None:
    out = tmp_path / "w.yml"
    result = runner.invoke(
        app, ["convert", "--format", "json", str(FIXTURES / "map.json"), str(out)]
    )
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["reader"] == "json" and report["writer"] == "yaml" and report["warnings"] == []


def test_convert_unknown_extension_lists_known_ones(tmp_path: Path) -> None:
    result = runner.invoke(app, ["convert", str(FIXTURES / "full.yaml"), str(tmp_path / "w.toml")])
    assert result.exit_code == 2
    assert "unknown file type '.toml'" in result.stderr
    assert ".json" in result.stderr and ".yaml" in result.stderr
    assert not (tmp_path / "w.toml").exists()


def test_convert_refuses_to_overwrite_input(tmp_path: Path) -> None:
    source = tmp_path / "w.yaml"
    source.write_text((FIXTURES / "full.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    before = source.read_bytes()
    result = runner.invoke(app, ["convert", str(source), str(source)])
    assert result.exit_code == 2
    assert "refusing to overwrite the input" in result.stderr
    assert source.read_bytes() == before


def test_convert_bad_input_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD, encoding="utf-8")
    result = runner.invoke(app, ["convert", str(bad), str(tmp_path / "out.json")])
    assert result.exit_code == 1
    assert "did you mean 'channel'?" in result.stderr
    assert not (tmp_path / "out.json").exists()
