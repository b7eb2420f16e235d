"""The front-end's model (frontend/src/model.generated.ts) is generated from the JSON Schema.

`frontend/scripts/model-types.mjs` writes the TypeScript types and defaults from what
`journeyline schema` prints; the file is committed, so a change to the model that is not
carried into it fails here (run `make frontend` and commit the result).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from journeyline.formats.schema import document_schema
from journeyline.model import DEFAULT_LANES
from journeyline.model.journey import Lane
from tests.conftest import require

FRONTEND = Path(__file__).resolve().parent.parent / "frontend"
GENERATOR = FRONTEND / "scripts" / "model-types.mjs"
GENERATED = FRONTEND / "src" / "model.generated.ts"


@pytest.fixture
def committed() -> str:
    if not GENERATOR.is_file():
        pytest.skip("no frontend/ sources here (an installed package): nothing to compare")
    return GENERATED.read_text(encoding="utf-8")


def _generate(schema: dict[str, object]) -> str:
    node = shutil.which("node")
    require(node is not None, "needs Node (node on PATH) to run frontend/scripts/model-types.mjs")
    assert node is not None
    done = subprocess.run(
        [node, str(GENERATOR)],
        input=json.dumps(schema),
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_committed_model_is_generated_from_the_current_schema(committed: str) -> None:
    generated = _generate(document_schema())
    assert generated == committed, (
        "frontend/src/model.generated.ts is not what the current schema generates: "
        "run `make frontend` (or `journeyline schema | node frontend/scripts/model-types.mjs "
        "--out frontend/src/model.generated.ts`) and commit the result"
    )


def test_a_change_to_the_schema_changes_the_generated_model(committed: str) -> None:
    """The comparison above can fail: a field added to the model shows up in the output."""
    schema = document_schema()
    schema["$defs"]["Step"]["properties"]["mood"] = {"type": "string", "default": "calm"}
    generated = _generate(schema)
    assert generated != committed
    assert "  mood: string;" in generated
    assert '    mood: "calm",' in generated


def test_the_generator_refuses_a_field_it_cannot_default(committed: str) -> None:
    schema = document_schema()
    schema["$defs"]["Step"]["properties"]["count"] = {"type": "integer"}
    node = shutil.which("node")
    require(node is not None, "needs Node (node on PATH) to run frontend/scripts/model-types.mjs")
    assert node is not None
    done = subprocess.run(
        [node, str(GENERATOR)],
        input=json.dumps(schema),
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        timeout=60,
    )
    assert done.returncode != 0
    assert "Step.count: no default in the schema" in done.stderr


def test_the_lanes_come_from_the_model(committed: str) -> None:
    """Readable without Node: the built-in lanes and a map's default lanes are the model's."""
    built_in = re.search(r"export const LANE_VALUES = \[(.*?)\] as const;", committed)
    assert built_in is not None
    assert json.loads(f"[{built_in.group(1)}]") == [lane.value for lane in Lane]
    default_map = committed[committed.index("export function defaultJourneyMap()") :]
    lanes = re.search(r"^    lanes: (\[.*?\]),$", default_map, re.M)
    assert lanes is not None
    assert json.loads(lanes.group(1)) == list(DEFAULT_LANES)
