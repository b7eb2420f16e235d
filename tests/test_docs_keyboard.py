"""docs/web-app.md's Keyboard table is the board's own list of keys (the `?` dialog)."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def board_shortcuts() -> list[tuple[str, str]]:
    """The `SHORTCUTS` rows of BoardPage.tsx, as the `?` dialog shows them."""
    source = (ROOT / "frontend/src/board/BoardPage.tsx").read_text(encoding="utf-8")
    block = source[source.index("const SHORTCUTS") :]
    block = block[: block.index("];")]
    rows = re.findall(r'\[\s*("(?:[^"\\]|\\.)*")\s*,\s*("(?:[^"\\]|\\.)*")\s*\]', block)
    return [(json.loads(keys), json.loads(what)) for keys, what in rows]


def documented_keys() -> list[tuple[str, str]]:
    text = (ROOT / "docs/web-app.md").read_text(encoding="utf-8")
    section = text[text.index("### Keyboard") :]
    section = section[: section.index("\n## ")]
    rows = re.findall(r"^\| (.+?) \| (.+?) \|$", section, flags=re.M)
    return [(k, w) for k, w in rows if k not in ("keys", "---")]


def test_the_keyboard_table_is_the_boards_list() -> None:
    shortcuts = board_shortcuts()
    assert len(shortcuts) >= 10
    assert any(keys == "Enter" and "into the panel" in what for keys, what in shortcuts)
    assert documented_keys() == shortcuts
