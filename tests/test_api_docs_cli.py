"""docs/api.md lists every endpoint and setting; `journeyline setup` prepares a first run."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from journeyline.cli import app as cli
from journeyline.store import open_database, sqlite_url
from journeyline.web import SETTINGS, Settings, create_app
from journeyline.web.settings import settings_table

DOCS = Path(__file__).resolve().parent.parent / "docs" / "api.md"


def test_every_endpoint_and_setting_is_documented(tmp_path: Path) -> None:
    text = DOCS.read_text(encoding="utf-8")
    app = create_app(Settings(data_dir=str(tmp_path)))
    missing = [path for path in app.openapi()["paths"] if path not in text]
    assert not missing, f"endpoints missing from docs/api.md: {missing}"
    undocumented = [s.name for s in SETTINGS if f"`{s.name}`" not in text]
    assert not undocumented, f"settings missing from docs/api.md: {undocumented}"


def test_the_settings_table_is_the_one_the_code_writes() -> None:
    text = DOCS.read_text(encoding="utf-8")
    section = re.search(
        r"<!-- generated: settings -->\n(.*?)<!-- end generated: settings -->", text, re.DOTALL
    )
    assert section is not None, "docs/api.md has no generated settings section"
    assert section.group(1) == settings_table(), (
        "docs/api.md's settings table is out of date: run python scripts/generate_docs.py"
    )
    for setting in SETTINGS:
        assert f"| `{setting.name}` | {setting.type_name} |" in section.group(1)


def test_setup_prepares_the_first_run_and_prints_a_sign_in_link(tmp_path: Path) -> None:
    runner = CliRunner()
    data = tmp_path / "data"
    first = runner.invoke(
        cli, ["setup", "--data-dir", str(data), "--email", "lead@example.org", "--format", "json"]
    )
    assert first.exit_code == 0, first.output
    result = json.loads(first.output)
    assert result["created_owner"] is True and result["owner"] == "lead@example.org"
    assert result["workspace"] and result["url"] == "http://127.0.0.1:8000"
    assert re.fullmatch(r"http://127\.0\.0\.1:8000/signin/[\w-]{20,}", result["sign_in_link"])
    assert (data / "journeyline.db").is_file()
    second = json.loads(
        runner.invoke(cli, ["setup", "--data-dir", str(data), "--format", "json"]).output
    )
    assert second["created_owner"] is False and second["workspace"] is None
    assert (
        second["owner"] == "lead@example.org" and second["sign_in_link"] != result["sign_in_link"]
    )
    text = runner.invoke(cli, ["setup", "--data-dir", str(data)])
    assert "One-time sign-in link for lead@example.org" in text.output

    db = open_database(sqlite_url(data))
    browser = TestClient(create_app(Settings(data_dir=str(data)), database=db))
    token = result["sign_in_link"].rsplit("/", 1)[1]
    assert browser.post(f"/signin/{token}", follow_redirects=False).status_code == 303
    workspaces = browser.get("/api/workspaces").json()
    assert [w["id"] for w in workspaces] == [result["workspace"]]
    assert workspaces[0]["role"] == "owner" and workspaces[0]["maps"] >= 5
    assert browser.post(f"/signin/{token}", follow_redirects=False).status_code == 401  # once only
    db.close()


def test_serve_refuses_two_databases() -> None:
    result = CliRunner().invoke(
        cli, ["serve", "--data-dir", "x", "--database-url", "sqlite:///y.db"]
    )
    assert result.exit_code == 2
    assert "not both" in result.output
