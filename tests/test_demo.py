"""The demo workspace that `make run` builds: every template, rendered and analysed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from typer.testing import CliRunner

from journeyline.cli import app
from journeyline.demo import build_demo, merge_templates
from journeyline.formats import load_workspace
from journeyline.templates import list_templates


def test_demo_writes_workspace_maps_and_index(tmp_path: Path) -> None:
    result = build_demo(tmp_path / "demo", today=dt.date(2026, 11, 22))

    loaded = load_workspace(result.workspace_dir).workspace
    merged, origin = merge_templates()
    assert sorted(m.id for m in loaded.maps) == sorted(m.id for m in merged.maps)
    assert set(origin.values()) == {info.name for info in list_templates()}

    index = result.index.read_text(encoding="utf-8")
    for summary in result.maps:
        assert summary.html.is_file()
        page = summary.html.read_text(encoding="utf-8")
        assert "<svg" in page
        assert f'href="maps/{summary.map_id}.html"' in index
    # The stale template's review date has passed on this day, and the demo says so.
    assert any(f.kind == "stale" for m in result.maps for f in m.findings)


def test_demo_escapes_what_users_typed(tmp_path: Path, monkeypatch) -> None:
    import journeyline.demo as demo

    original = demo.merge_templates

    def with_payload(names: list[str] | None = None):
        workspace, origin = original(names)
        workspace.maps[0].name = "<script>alert(1)</script>"
        return workspace, origin

    monkeypatch.setattr(demo, "merge_templates", with_payload)
    result = build_demo(tmp_path / "demo")
    index = result.index.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in index
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index


def test_demo_command_is_idempotent_and_reports_json(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "demo"
    first = runner.invoke(app, ["demo", str(out), "--format", "json"])
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert len(report["maps"]) == len(merge_templates()[0].maps)
    before = {p: p.read_bytes() for p in sorted((out / "workspace").rglob("*.yaml"))}

    second = runner.invoke(app, ["demo", str(out)])
    assert second.exit_code == 0, second.output
    assert "most pressing" in second.stdout
    after = {p: p.read_bytes() for p in sorted((out / "workspace").rglob("*.yaml"))}
    assert before == after
