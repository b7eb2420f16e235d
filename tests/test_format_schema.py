"""The published JSON Schema accepts every valid document and rejects bad ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest

from journeyline.formats import load_workspace
from journeyline.formats.document import parse, syntax_for, workspace_to_data
from journeyline.formats.locate import parse_json, parse_yaml
from journeyline.formats.schema import SCHEMA_ID, document_schema

FIXTURES = Path(__file__).parent / "format_fixtures"
FIXTURE_FILES = sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".yaml", ".yml", ".json"))


def _raw(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    parser = parse_json if syntax_for(path) == "json" else parse_yaml
    return parser(text, str(path))[0]


def test_schema_is_valid_draft_2020_12() -> None:
    schema = document_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == SCHEMA_ID
    assert schema["properties"]["journeyline"]["const"] == 1
    assert next(iter(schema["properties"])) == "journeyline"
    assert schema["additionalProperties"] is False
    for name, definition in schema["$defs"].items():
        if definition.get("type") == "object":
            assert definition["additionalProperties"] is False, name
    step = schema["$defs"]["Step"]["properties"]
    assert step["channel"]["description"].startswith("Through what")


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.name)
def test_schema_accepts_every_fixture(path: Path) -> None:
    jsonschema.validate(_raw(path), document_schema())


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.name)
def test_schema_accepts_what_we_write(path: Path) -> None:
    jsonschema.validate(workspace_to_data(load_workspace(path).workspace), document_schema())


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["maps"][0]["stages"][0]["steps"][0].update(chanel="web"),
        lambda d: d["maps"][0]["stages"][0]["steps"][0].update(kind="actoin"),
        lambda d: d.update(journeyline=2),
        lambda d: d.pop("journeyline"),
        lambda d: d["maps"][0].update(stages="none"),
        lambda d: d["personas"][0].update(id="not an id"),
    ],
)
def test_schema_rejects_bad_documents(change: Any) -> None:
    data = _raw(FIXTURES / "full.yaml")
    change(data)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, document_schema())


def test_parse_strips_the_version_the_schema_requires() -> None:
    data, _, problems = parse("journeyline: 1\nname: x\n", "x.yaml", "yaml")
    assert data == {"name": "x"} and problems == []
