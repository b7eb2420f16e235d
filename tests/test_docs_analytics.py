"""docs/analytics.md quotes the event analyses' definitions verbatim (conformance so far)."""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from journeyline.events.conformance import KINDS, ConformanceResult, conformance, ordered_steps
from journeyline.events.coverage import coverage, similarity, suggest
from journeyline.events.measured import measure_lane
from journeyline.events.paths import paths
from tests.conftest import REPO_ROOT

DOCS = (REPO_ROOT / "docs" / "analytics.md").read_text(encoding="utf-8")
CLI_DOCS = (REPO_ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
DOCUMENTED: list[Callable[..., Any]] = [
    conformance,
    ordered_steps,
    paths,
    measure_lane,
    suggest,
    similarity,
    coverage,
]


def _blockquote(function: Callable[..., Any]) -> str:
    doc = inspect.cleandoc(function.__doc__ or "")
    return "\n".join(f"> {line}" if line else ">" for line in doc.splitlines())


@pytest.mark.parametrize("function", DOCUMENTED, ids=lambda f: f.__name__)
def test_definition_is_quoted_verbatim(function: Callable[..., Any]) -> None:
    assert function.__doc__, f"{function.__name__} has no docstring"
    assert _blockquote(function) in DOCS, (
        f"docs/analytics.md does not quote the docstring of {function.__name__} verbatim"
    )


def _json_example_after(text: str, heading: str) -> dict[str, Any]:
    start = text.index(heading)
    block = re.search(r"```json\n(.*?)\n```", text[start:], re.S)
    assert block, f"no JSON example after {heading!r}"
    data: dict[str, Any] = json.loads(block.group(1))
    return data


@pytest.mark.parametrize(
    ("text", "heading"),
    [(DOCS, "### Observed against mapped"), (CLI_DOCS, "## journeyline events conformance")],
    ids=["analytics.md", "cli.md"],
)
def test_the_conformance_json_shape_is_documented(text: str, heading: str) -> None:
    data = _json_example_after(text, heading)
    assert list(data) == list(ConformanceResult.__dataclass_fields__)
    assert list(data["kinds"]) == list(KINDS)
    assert {d["kind"] for d in data["deviations"]} <= set(KINDS)
    assert all(list(d) == ["kind", "steps", "event", "units", "share"] for d in data["deviations"])


def test_the_cli_example_is_what_the_known_log_gives(tmp_path: Path) -> None:
    from tests.events_support import journeys
    from tests.test_events_conformance import PATHS, answer

    example = _json_example_after(CLI_DOCS, "## journeyline events conformance")
    data = answer(journeys(tmp_path / "events.csv", PATHS))
    assert {**example, "log": None} == {**data, "log": None}
    assert {k: v for k, v in example["log"].items() if k != "source"} == {
        k: v for k, v in data["log"].items() if k != "source"
    }
