"""docs/format.md documents every key of every object of the published JSON Schema."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from journeyline.formats.schema import document_schema

DOC = Path(__file__).parent.parent / "docs" / "format.md"


def _sections(text: str) -> dict[str, str]:
    parts = re.split(r"^### (\w+)\s*$", text, flags=re.MULTILINE)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def _objects(schema: dict[str, Any]) -> dict[str, list[str]]:
    objects = {"Workspace": list(schema["properties"])}
    for name, definition in schema["$defs"].items():
        if "properties" in definition:
            objects[name] = list(definition["properties"])
    return objects


def test_every_schema_property_is_documented() -> None:
    sections = _sections(DOC.read_text(encoding="utf-8"))
    missing = []
    for name, properties in _objects(document_schema()).items():
        section = sections.get(name)
        if section is None:
            missing.append(f"section '### {name}'")
            continue
        rows = set(re.findall(r"^\| `([a-z0-9_]+)` \|", section, flags=re.MULTILINE))
        missing.extend(f"{name}.{prop}" for prop in properties if prop not in rows)
    assert missing == [], f"not documented in docs/format.md: {', '.join(missing)}"


def test_documented_keys_exist() -> None:
    objects = _objects(document_schema())
    for name, section in _sections(DOC.read_text(encoding="utf-8")).items():
        rows = re.findall(r"^\| `([a-z0-9_]+)` \|", section, flags=re.MULTILINE)
        assert set(rows) <= set(objects.get(name, [])), (
            f"{name}: {set(rows) - set(objects.get(name, []))}"
        )


def test_editor_setup_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert "# yaml-language-server: $schema=" in text
    assert document_schema()["$id"] in text


def test_the_import_limits_tables_are_the_ones_the_code_declares() -> None:
    """docs/import-export.md and docs/api.md list every import limit with its default."""
    from journeyline.formats.limits import LIMITS

    rows = ["| limit | default | what it bounds |", "|-------|---------|----------------|"]
    rows += [f"| `{limit.name}` | `{limit.default}` | {limit.help} |" for limit in LIMITS]
    table = "<!-- limits-table -->\n" + "\n".join(rows) + "\n<!-- /limits-table -->"
    docs = Path(__file__).resolve().parent.parent / "docs"
    for page in ("import-export.md", "api.md"):
        assert table in (docs / page).read_text(encoding="utf-8"), (
            f"docs/{page}: regenerate the limits table"
        )
