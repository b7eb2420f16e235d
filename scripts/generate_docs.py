"""Rewrite the generated sections of the docs from the code: `python scripts/generate_docs.py`.

A generated section sits between `<!-- generated: NAME -->` and `<!-- end generated: NAME -->`;
tests/test_api_docs_cli.py fails when one is out of step with the code. `--check` only reports.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

from journeyline.web.settings import settings_table

DOCS = Path(__file__).resolve().parent.parent / "docs"

SECTIONS: dict[str, tuple[str, Callable[[], str]]] = {
    "settings": ("api.md", settings_table),
}
"""Each generated section: the docs page it is in, and the function that writes it."""


def section_pattern(name: str) -> re.Pattern[str]:
    """The generated section NAME, markers included."""
    return re.compile(
        rf"(<!-- generated: {re.escape(name)} -->\n)(.*?)(<!-- end generated: {re.escape(name)} -->)",
        re.DOTALL,
    )


def main(argv: list[str]) -> int:
    stale = []
    for name, (page, write) in SECTIONS.items():
        path = DOCS / page
        text = path.read_text(encoding="utf-8")
        found = section_pattern(name).search(text)
        if found is None:
            print(f"{path}: no generated section '{name}'", file=sys.stderr)
            return 1
        updated = text[: found.start(2)] + write() + text[found.end(2) :]
        if updated != text:
            stale.append(f"{path} ({name})")
            if "--check" not in argv:
                path.write_text(updated, encoding="utf-8")
    verb = "out of date" if "--check" in argv else "rewritten"
    for entry in stale:
        print(f"{verb}: {entry}")
    return 1 if stale and "--check" in argv else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
