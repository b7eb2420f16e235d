"""`journeyline analyze`, `priorities`, `compare` and `summary` through the CLI runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from journeyline.cli import app
from journeyline.formats import save_workspace
from journeyline.model import JourneyMap, Workspace
from journeyline.templates import template_path
from tests.test_analysis_builders import clean_map, line

runner = CliRunner()


def _write(tmp_path: Path, *maps: JourneyMap, name: str = "ws.yaml", **fields: object) -> Path:
    path = tmp_path / name
    save_workspace(Workspace(name="Test", maps=list(maps), **fields), path)  # type: ignore[arg-type]
    return path


def _invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_analyze_text_labels_severities(tmp_path: Path) -> None:
    path = _write(tmp_path, line(clean_map(), 1, 2, -1, -4, 2))
    code, out, _ = _invoke("analyze", path, "--today", "2025-01-01")
    assert code == 0
    assert "Trial (trial): 3 findings (1 high, 2 medium)" in out
    assert "HIGH   trough" in out and "MEDIUM rapid_drop" in out
    assert "Sign up › Create an account" in out


def test_analyze_json_shape_and_fail_on(tmp_path: Path) -> None:
    path = _write(tmp_path, line(clean_map(), 1, 2, -1, 1, 2))
    code, out, _ = _invoke("analyze", path, "--format", "json", "--today", "2025-01-01")
    assert code == 0
    data = json.loads(out)
    assert list(data) == ["findings"]
    [finding] = data["findings"]
    assert list(finding)[:6] == ["kind", "severity", "stage", "step", "message", "suggestion"]
    assert (finding["kind"], finding["step_id"]) == ("rapid_drop", "create")
    assert "map" not in finding
    assert _invoke("analyze", path, "--fail-on", "medium", "--today", "2025-01-01")[0] == 1
    assert _invoke("analyze", path, "--fail-on", "high", "--today", "2025-01-01")[0] == 0


def test_analyze_clean_map_says_so(tmp_path: Path) -> None:
    path = _write(tmp_path, clean_map())
    code, out, _ = _invoke("analyze", path, "--today", "2025-01-01", "--fail-on", "info")
    assert code == 0 and "No findings" in out


def test_analyze_several_maps_carries_map_ids(tmp_path: Path) -> None:
    other = line(clean_map(), 1, 2, -1, 1, 2)
    other.id = "other"
    path = _write(tmp_path, clean_map(), other)
    data = json.loads(_invoke("analyze", path, "-f", "json", "--today", "2025-01-01")[1])
    assert [f["map"] for f in data["findings"]] == ["other"]
    only = json.loads(
        _invoke("analyze", path, "-f", "json", "--map", "trial", "--today", "2025-01-01")[1]
    )
    assert only == {"findings": []}


def test_analyze_set_and_workspace_settings(tmp_path: Path) -> None:
    path = _write(
        tmp_path, line(clean_map(), 1, 2, -1, 1, 2), analysis={"rapid_drop.min_drop": 0.8}
    )
    assert json.loads(_invoke("analyze", path, "-f", "json", "--today", "2025-01-01")[1]) == {
        "findings": []
    }
    out = _invoke(
        "analyze", path, "-f", "json", "--today", "2025-01-01", "--set", "rapid_drop.min_drop=0.5"
    )[1]
    assert [f["kind"] for f in json.loads(out)["findings"]] == ["rapid_drop"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--set", "rapid_drp.min_drop=0.2"], "did you mean 'rapid_drop.min_drop'?"),
        (["--set", "rapid_drop.min_drop"], "is not key=value"),
        (["--set", "rapid_drop.min_drop=lots"], "must be a number"),
        (["--today", "yesterday"], "YYYY-MM-DD"),
        (["--map", "trail"], "did you mean 'trial'?"),
    ],
)
def test_analyze_bad_input_is_a_clear_error(tmp_path: Path, args: list[str], message: str) -> None:
    path = _write(tmp_path, clean_map())
    code, out, err = _invoke("analyze", path, *args)
    assert code == 1
    assert message in err and "Traceback" not in err + out


def test_analyze_missing_file_and_bad_file(tmp_path: Path) -> None:
    code, _, err = _invoke("analyze", tmp_path / "nope.yaml")
    assert code == 1 and "no such file" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("journeyline: 1\nmaps:\n  - name: X\n    stages: 3\n", encoding="utf-8")
    code, _, err = _invoke("analyze", bad)
    assert code == 1 and "bad.yaml" in err


def test_analyze_a_template_finds_its_deliberate_flaws() -> None:
    code, out, _ = _invoke(
        "analyze", template_path("saas-trial"), "-f", "json", "--today", "2025-06-01"
    )
    kinds = {(f["kind"], f["step_id"] or f["stage_id"]) for f in json.loads(out)["findings"]}
    assert ("missing_channel", "step-make-the-case") in kinds
    assert ("negative_moment_of_truth", "step-import-docs") in kinds
    assert ("unsupported", "stage-evaluate") in kinds
    assert code == 0


def test_priorities_json_and_text(tmp_path: Path) -> None:
    path = template_path("saas-trial")
    code, out, _ = _invoke("priorities", path, "--format", "json")
    assert code == 0
    rows = json.loads(out)["opportunities"]
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    assert list(rows[0])[:11] == [
        "rank",
        "id",
        "name",
        "score",
        "impact",
        "reach",
        "votes",
        "effort",
        "owner",
        "status",
        "pain_points",
    ]
    assert rows == sorted(rows, key=lambda r: -r["score"])
    weighted = json.loads(_invoke("priorities", path, "-f", "json", "--set", "votes=50")[1])[
        "opportunities"
    ]
    assert [r["id"] for r in weighted] != [r["id"] for r in rows]
    for row in weighted:  # the parts shown explain the score
        expected = (row["impact"] * (0.5 + row["reach"]) + 50 * row["votes_share"]) / row[
            "effort_weight"
        ]
        assert row["score"] == pytest.approx(expected, abs=0.01)
    code, out, _ = _invoke("priorities", path)
    assert code == 0 and "score = (impact" in out


def test_priorities_bad_weight(tmp_path: Path) -> None:
    code, _, err = _invoke("priorities", template_path("saas-trial"), "--set", "vote=2")
    assert code == 1 and "did you mean 'priority.votes'?" in err


def _pair(tmp_path: Path) -> tuple[Path, Path]:
    asis = line(clean_map(), 1, 2, -3, 1, 2)
    tobe = line(clean_map(), 2, 2, 2, 2, 3)
    tobe.id, tobe.type, tobe.based_on = "trial-tobe", "future_state", "trial"
    tobe.stages[0].steps.pop(0)
    return _write(tmp_path, asis, name="asis.yaml"), _write(tmp_path, tobe, name="tobe.yaml")


def test_compare_two_files(tmp_path: Path) -> None:
    asis, tobe = _pair(tmp_path)
    code, out, _ = _invoke("compare", asis, tobe, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert [s["id"] for s in data["steps"]["removed"]] == ["search"]
    assert data["sentiment"]["lift"] > 0
    code, out, _ = _invoke("compare", asis, tobe)
    assert code == 0 and "removed: Search the web" in out and "lift" in out


def test_compare_one_file_uses_based_on(tmp_path: Path) -> None:
    asis = line(clean_map(), 1, 2, -3, 1, 2)
    tobe = line(clean_map(), 2, 2, 2, 2, 3)
    tobe.id, tobe.type, tobe.based_on = "trial-tobe", "future_state", "trial"
    extra = clean_map()
    extra.id = "unrelated"
    path = _write(tmp_path, extra, asis, tobe)
    data = json.loads(_invoke("compare", path, path, "-f", "json")[1])
    assert (data["asis"]["id"], data["tobe"]["id"]) == ("trial", "trial-tobe")
    tobe.based_on = None
    path = _write(tmp_path, extra, asis, tobe, name="no-base.yaml")
    code, _, err = _invoke("compare", path, path)
    assert code == 1 and "choose one with --asis-map" in err
    assert _invoke("compare", path, path, "--asis-map", "unrelated")[0] == 0


def test_summary_stdout_and_file(tmp_path: Path) -> None:
    path = template_path("saas-trial")
    code, out, _ = _invoke("summary", path, "--today", "2026-01-01")
    assert code == 0 and out.startswith("# Stakeholder summary:") and "## Action plan" in out
    target = tmp_path / "out" / "summary.md"
    code, out, _ = _invoke("summary", path, "-o", target, "--today", "2026-01-01")
    assert code == 0 and "Wrote the summary" in out
    assert target.read_text(encoding="utf-8").startswith("# Stakeholder summary:")
    data = json.loads(_invoke("summary", path, "--format", "json")[1])
    assert {"scope", "pain_points", "low_points", "opportunities", "teams", "plan"} <= set(data)


def test_summary_needs_map_when_several(tmp_path: Path) -> None:
    other = clean_map()
    other.id = "other"
    path = _write(tmp_path, clean_map(), other)
    code, _, err = _invoke("summary", path)
    assert code == 1 and "choose one with --map" in err
    assert _invoke("summary", path, "--map", "other")[0] == 0


def test_load_warnings_go_to_stderr(tmp_path: Path) -> None:
    path = tmp_path / "warn.yaml"
    path.write_text(
        "journeyline: 1\nmaps:\n  - id: m\n    name: M\n    stages:\n      - name: S\n"
        "        steps:\n          - name: A\n            emotion: 9\n",
        encoding="utf-8",
    )
    code, out, err = _invoke("analyze", path, "--today", "2025-01-01")
    assert code == 0
    assert "outside the map's scale" in err and "outside" not in out
