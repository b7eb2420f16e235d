"""Every command of the CLI is documented in docs/cli.md."""

from __future__ import annotations

import re

from typer.main import get_command

from journeyline.cli import app
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
