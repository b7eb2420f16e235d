"""The CLI reference in docs/cli.md, generated from the commands' own `--help`.

Each command's section in docs/cli.md holds one generated block, the command's `--help`
text (usage, help text, arguments and options) between two markers::

    <!-- [[[help journeyline analyze]]] -->
    ```text
    Usage: journeyline analyze [OPTIONS] {file}
    …
    ```
    <!-- [[[end]]] -->

Everything outside the markers is hand-written and kept as it is. A command with no
block gets one under its `## journeyline NAME` heading, or a new section at the end.
Regenerate after changing a command (`--check` only says whether the file is current,
as sqlite-utils's `cog --check` does in CI)::

    python -m journeyline.cli.docs            # rewrites docs/cli.md
    python -m journeyline.cli.docs --check    # exit 1 when docs/cli.md is out of date
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from typer.main import get_command

from journeyline.cli import app

REGENERATE = "python -m journeyline.cli.docs"
"""The one command that rewrites the generated blocks of docs/cli.md."""

HELP_WIDTH = 80
"""Width the help is wrapped at in the docs, whatever the terminal: the output is stable."""

BLOCK = re.compile(
    r"^<!-- \[\[\[help (?P<command>journeyline[^\]]*)\]\]\] -->\n.*?^<!-- \[\[\[end\]\]\] -->$",
    flags=re.MULTILINE | re.DOTALL,
)


def _root() -> Any:
    """The click command behind the Typer app (Typer ships its own click: typed loosely)."""
    return get_command(app)


def _subcommands(command: Any) -> dict[str, Any]:
    """A group's visible commands in the order `--help` lists them; {} for a command."""
    commands: dict[str, Any] = getattr(command, "commands", None) or {}
    return {name: sub for name, sub in commands.items() if not getattr(sub, "hidden", False)}


def command_paths(command: Any = None, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every visible command and group under the root, as name paths: ("events", "funnel")."""
    paths: list[tuple[str, ...]] = []
    for name, sub in _subcommands(_root() if command is None else command).items():
        paths.append((*prefix, name))
        paths.extend(command_paths(sub, (*prefix, name)))
    return paths


def help_text(path: Sequence[str]) -> str:
    """What `journeyline PATH… --help` prints, wrapped at HELP_WIDTH columns."""
    command = _root()
    context = command.context_class(
        command, info_name="journeyline", terminal_width=HELP_WIDTH, max_content_width=HELP_WIDTH
    )
    for name in path:
        sub = _subcommands(command).get(name)
        if sub is None:
            raise KeyError(f"journeyline {' '.join(path)}: no such command")
        command = sub
        context = command.context_class(command, info_name=name, parent=context)
    lines = [line.rstrip() for line in command.get_help(context).splitlines()]
    return "\n".join(lines).strip("\n") + "\n"


def help_block(path: Sequence[str]) -> str:
    """The generated block of one command: markers around its `--help` in a text fence."""
    name = " ".join(("journeyline", *path))
    return f"<!-- [[[help {name}]]] -->\n```text\n{help_text(path)}```\n<!-- [[[end]]] -->"


def regenerate(document: str) -> str:
    """docs/cli.md with every command's block refreshed and missing ones added; prose kept."""
    blocks = {" ".join(("journeyline", *p)): p for p in command_paths()}
    stale = [m["command"] for m in BLOCK.finditer(document) if m["command"] not in blocks]
    if stale:
        raise ValueError(
            f"docs/cli.md has help blocks for commands that do not exist: {', '.join(stale)}; "
            "remove their sections"
        )
    text = BLOCK.sub(lambda m: help_block(blocks[m["command"]]), document)
    present = {m["command"] for m in BLOCK.finditer(text)}
    for name, path in blocks.items():
        if name in present:
            continue
        heading = re.search(rf"^## {re.escape(name)}[ \t]*\n", text, flags=re.MULTILINE)
        if heading:
            at = heading.end()
            text = f"{text[:at]}\n{help_block(path)}\n{text[at:]}"
        else:
            text = f"{text.rstrip()}\n\n## {name}\n\n{help_block(path)}\n"
    return text


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite docs/cli.md's generated blocks, or with --check say whether they are current."""
    parser = argparse.ArgumentParser(
        prog=REGENERATE, description="Regenerate the CLI reference blocks of docs/cli.md."
    )
    parser.add_argument(
        "path", nargs="?", type=Path, default=Path("docs/cli.md"), help="default: docs/cli.md"
    )
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 when the file is out of date"
    )
    args = parser.parse_args(argv)
    path: Path = args.path
    try:
        current = path.read_text(encoding="utf-8")
        fresh = regenerate(current)
    except (OSError, ValueError) as error:
        print(f"{path}: {error}", file=sys.stderr)
        return 2
    if fresh == current:
        print(f"{path}: up to date")
        return 0
    if args.check:
        print(f"{path}: out of date with the commands' help; run `{REGENERATE}`", file=sys.stderr)
        return 1
    path.write_text(fresh, encoding="utf-8")
    print(f"{path}: regenerated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
