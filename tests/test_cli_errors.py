"""Errors reach the user as `file:line:column: message`, exactly as written."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from journeyline.cli import app


def test_locations_are_not_turned_into_emoji(tmp_path: Path) -> None:
    # Rich would render ':100:' as an emoji code; a location must stay as digits.
    lines = ["journeyline: 1", "maps:", "- name: Trial", "  stages:", "  - name: Try", "    steps:"]
    lines += [f"    - name: Step {i}" for i in range(92)]
    lines += ["    - name: Last", "      chanel: web"]
    path = tmp_path / "t.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert len(lines) == 100

    result = CliRunner().invoke(app, ["validate", str(path)])

    assert result.exit_code == 1
    assert f"{path}:100:7: unknown key 'chanel'" in result.output
    assert "did you mean 'channel'?" in result.output
