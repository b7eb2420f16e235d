"""Every command of the CLI is documented in docs/cli.md, and its reference is its own `--help`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from journeyline.cli import app
from journeyline.cli.docs import (
    BLOCK,
    REGENERATE,
    command_paths,
    help_block,
    help_text,
    main,
    regenerate,
)
from tests.conftest import REPO_ROOT


def _command_paths(group: object, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths: list[tuple[str, ...]] = []
    commands = getattr(group, "commands", {})
    for name, command in commands.items():
        if getattr(command, "hidden", False):
            continue
        path = (*prefix, name)
        if getattr(command, "commands", None):
            paths.extend(_command_paths(command, path))
        else:
            paths.append(path)
    return paths


def test_every_command_has_a_section_in_docs_cli() -> None:
    docs = (REPO_ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^## (journeyline [^\n]+?)\s*$", docs, flags=re.MULTILINE))
    click_app = get_command(app)
    paths = _command_paths(click_app)
    assert paths, "the CLI has no commands"
    missing = [
        " ".join(("journeyline", *p))
        for p in paths
        if " ".join(("journeyline", *p)) not in headings
    ]
    assert not missing, f"undocumented commands in docs/cli.md: {missing}"


def _stale_commands(document: str, fresh: str) -> list[str]:
    """The commands whose generated block differs between two versions of docs/cli.md."""
    old = {m["command"]: m.group(0) for m in BLOCK.finditer(document)}
    new = {m["command"]: m.group(0) for m in BLOCK.finditer(fresh)}
    return sorted(name for name in new if old.get(name) != new[name])


def test_the_generated_help_in_docs_cli_is_up_to_date() -> None:
    document = (REPO_ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    fresh = regenerate(document)
    assert fresh == document, (
        f"docs/cli.md is out of date with the help of {_stale_commands(document, fresh)}: "
        f"run `{REGENERATE}` and commit docs/cli.md"
    )


def test_every_command_has_exactly_one_generated_block() -> None:
    document = (REPO_ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    blocks = [m["command"] for m in BLOCK.finditer(document)]
    expected = [" ".join(("journeyline", *p)) for p in command_paths()]
    assert sorted(blocks) == sorted(expected)


def test_a_block_is_what_the_command_prints_for_help() -> None:
    runner = CliRunner()
    for path in command_paths():
        result = runner.invoke(app, [*path, "--help"], terminal_width=80)
        assert result.exit_code == 0, path
        printed = "\n".join(line.rstrip() for line in result.output.splitlines()).strip()
        # The runner calls the program by another name than the console script.
        printed = re.sub(r"^Usage: \S+", "Usage: journeyline", printed)
        assert printed + "\n" == help_text(path), path


def test_regenerating_keeps_the_prose_refreshes_blocks_and_adds_missing_ones() -> None:
    document = (
        "# The `journeyline` command\n\nHand-written intro.\n\n"
        "## journeyline analyze\n\nWhat it looks for.\n\n"
        "<!-- [[[help journeyline analyze]]] -->\nstale help\n<!-- [[[end]]] -->\n\n"
        "| Option | Meaning |\n|---|---|\n| `--map` | hand-written row |\n\n"
        "## journeyline render\n\nDraw a map.\n"
    )
    fresh = regenerate(document)
    assert "stale help" not in fresh
    analyze = help_block(("analyze",))
    assert f"What it looks for.\n\n{analyze}\n\n| Option | Meaning |" in fresh
    assert "Hand-written intro." in fresh and "| `--map` | hand-written row |" in fresh
    # A section without a block gets one under its heading; a command with no section, a new one.
    assert f"## journeyline render\n\n{help_block(('render',))}\n\nDraw a map.\n" in fresh
    assert fresh.rstrip().endswith(help_block(("events", "report")))
    assert "\n## journeyline events report\n\n" in fresh
    assert regenerate(fresh) == fresh


def test_a_block_for_a_command_that_is_gone_is_refused() -> None:
    document = "## journeyline frobnicate\n\n<!-- [[[help journeyline frobnicate]]] -->\nx\n<!-- [[[end]]] -->\n"
    with pytest.raises(ValueError, match="journeyline frobnicate"):
        regenerate(document)


def test_check_says_out_of_date_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "cli.md"
    path.write_text("# CLI\n\n## journeyline analyze\n\nProse.\n", encoding="utf-8")
    assert main([str(path), "--check"]) == 1
    assert path.read_text(encoding="utf-8") == "# CLI\n\n## journeyline analyze\n\nProse.\n"
    assert main([str(path)]) == 0
    assert help_block(("analyze",)) in path.read_text(encoding="utf-8")
    assert main([str(path), "--check"]) == 0
