"""`journeyline serve --demo` (what `make run` runs): first run setup, then a link to open."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from journeyline.cli import app as cli
from journeyline.store import open_database, sqlite_url
from journeyline.web import Settings, create_app

MAKEFILE = Path(__file__).resolve().parent.parent / "Makefile"


@pytest.fixture
def no_listening(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Uvicorn 'starts' without opening a socket; the apps it was given are collected."""
    served: list[Any] = []

    async def startup(self: uvicorn.Server, sockets: Any = None) -> None:
        self.started = True

    def run(self: uvicorn.Server, sockets: Any = None) -> None:
        served.append(self.config.app)
        asyncio.run(self.startup())

    monkeypatch.setattr(uvicorn.Server, "startup", startup)
    monkeypatch.setattr(uvicorn.Server, "run", run)
    # Process-wide collector settings are for a real server process, not the test runner.
    monkeypatch.setattr("journeyline.cli.serve.settle_garbage_collector", lambda: None)
    return served


def test_serve_demo_sets_up_once_and_always_prints_a_fresh_link(
    tmp_path: Path, no_listening: list[Any]
) -> None:
    data = tmp_path / "journeyline-data"
    runner = CliRunner()
    first = runner.invoke(cli, ["serve", "--demo", "--data-dir", str(data), "--port", "8123"])
    assert first.exit_code == 0, first.output
    assert "Created the owner account owner@localhost" in first.output
    assert "Created the demo workspace" in first.output
    assert "Journeyline is running at http://127.0.0.1:8123" in first.output
    assert "Open this link in your browser to sign in as owner@localhost" in first.output
    links = re.findall(r"http://127\.0\.0\.1:8123/signin/[\w-]{20,}", first.output)
    assert len(links) == 1

    second = runner.invoke(cli, ["serve", "--demo", "--data-dir", str(data), "--port", "8123"])
    assert second.exit_code == 0, second.output
    assert "Created" not in second.output  # nothing new
    again = re.findall(r"http://127\.0\.0\.1:8123/signin/[\w-]{20,}", second.output)
    assert len(again) == 1 and again != links
    assert len(no_listening) == 2

    db = open_database(sqlite_url(data))
    browser = TestClient(create_app(Settings(data_dir=str(data)), database=db))
    signed_in = browser.post(again[0].removeprefix("http://127.0.0.1:8123"), follow_redirects=False)
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/"
    assert len(browser.get("/api/workspaces").json()) == 1  # one demo workspace, not two
    assert '<div id="root">' in browser.get("/").text  # the app's page
    db.close()


def test_serve_without_demo_prints_no_link(tmp_path: Path, no_listening: list[Any]) -> None:
    result = CliRunner().invoke(cli, ["serve", "--data-dir", str(tmp_path / "d"), "--port", "8124"])
    assert result.exit_code == 0, result.output
    assert "/signin/" not in result.output and no_listening


def test_make_run_is_the_web_app_and_needs_no_node() -> None:
    text = MAKEFILE.read_text(encoding="utf-8")
    run = re.search(r"^run:.*\n((?:\t.*\n)+)", text, re.MULTILINE)
    assert run is not None
    assert "journeyline serve --demo --data-dir" in run.group(1)
    # Neither rebuilds the front-end (its build is committed); `make test` runs its unit
    # tests (Vitest, so it needs Node), `make run` nothing of Node at all.
    for target in ("run", "test"):
        prerequisites = re.search(rf"^{target}:(.*)$", text, re.MULTILINE)
        assert prerequisites is not None and "frontend" not in prerequisites.group(1).split(), (
            target
        )
    test = re.search(r"^test:(.*)$", text, re.MULTILINE)
    assert test is not None and "test-frontend" in test.group(1).split()
    run_prerequisites = re.search(r"^run:(.*)$", text, re.MULTILINE)
    assert run_prerequisites is not None and "test-frontend" not in run_prerequisites.group(1)
    assert re.search(r"^frontend:", text, re.MULTILINE)


def test_serve_takes_any_setting_by_name_type_checked(
    tmp_path: Path, no_listening: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOURNEYLINE_MAX_BODY_BYTES", "5000")
    monkeypatch.setenv("JOURNEYLINE_SESSION_DAYS", "3")
    runner = CliRunner()
    data = str(tmp_path / "d")
    args = ["serve", "--data-dir", data, "--port", "8125"]
    result = runner.invoke(
        cli, [*args, "--setting", "max_body_bytes", "2000", "--setting", "secure-cookies", "true"]
    )
    assert result.exit_code == 0, result.output
    settings = no_listening[-1].state.settings
    assert (settings.max_body_bytes, settings.secure_cookies) == (2000, True)  # beats the env
    assert (settings.session_days, settings.port) == (3, 8125)  # env, flag

    mistyped = runner.invoke(cli, [*args, "--setting", "max_body_byte", "1"])
    assert mistyped.exit_code == 2
    assert "unknown setting 'max_body_byte' (did you mean 'max_body_bytes'?)" in mistyped.output
    wrong_type = runner.invoke(cli, [*args, "--setting", "session_days", "two"])
    assert wrong_type.exit_code == 2
    assert "--setting session_days must be a whole number, not 'two'" in wrong_type.output
    out_of_range = runner.invoke(cli, [*args, "--setting", "worker_threads", "0"])
    assert out_of_range.exit_code == 2
    assert "setting worker_threads must be at least 1, not 0" in out_of_range.output
    twice = runner.invoke(cli, [*args, "--setting", "port", "9000"])
    assert twice.exit_code == 2 and "give --port or --setting port, not both" in twice.output
    assert len(no_listening) == 1
