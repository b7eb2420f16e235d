"""docs/analysis.md quotes every finding's definition verbatim and documents every setting."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest

from journeyline.analysis import (
    DETECTORS,
    KINDS,
    AnalysisConfig,
    build_summary,
    compare_maps,
    escape_markdown,
    score_opportunity,
)
from tests.conftest import REPO_ROOT

DOCS = (REPO_ROOT / "docs" / "analysis.md").read_text(encoding="utf-8")
DOCUMENTED: list[Callable[..., Any]] = [
    *(d.detect for d in DETECTORS),
    score_opportunity,
    compare_maps,
    build_summary,
    escape_markdown,
]


def _blockquote(function: Callable[..., Any]) -> str:
    doc = inspect.cleandoc(function.__doc__ or "")
    return "\n".join(f"> {line}" if line else ">" for line in doc.splitlines())


def test_every_kind_has_a_detector() -> None:
    assert [d.kind for d in DETECTORS] == list(KINDS)


@pytest.mark.parametrize("function", DOCUMENTED, ids=lambda f: f.__name__)
def test_definition_is_quoted_verbatim(function: Callable[..., Any]) -> None:
    assert function.__doc__, f"{function.__name__} has no docstring"
    assert _blockquote(function) in DOCS, (
        f"docs/analysis.md does not quote the docstring of {function.__name__} verbatim"
    )


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_a_section(kind: str) -> None:
    assert f"\n### `{kind}`\n" in DOCS


@pytest.mark.parametrize("setting", AnalysisConfig.settings(), ids=lambda s: s.key)
def test_every_setting_is_defined_in_a_docstring_with_its_default(setting: Any) -> None:
    mention = f"`{setting.key}` (default {setting.default:g})"
    assert any(mention in " ".join((f.__doc__ or "").split()) for f in DOCUMENTED), (
        f"no definition mentions {mention}"
    )
    assert f"| `{setting.key}` | {setting.default:g} |" in DOCS, (
        f"{setting.key} missing from the table"
    )


def test_severity_rules_are_documented() -> None:
    assert "## Findings" in DOCS and "### Severity" in DOCS
    for function in (d.detect for d in DETECTORS):
        assert "Severity" in (function.__doc__ or ""), (
            f"{function.__name__} states no severity rule"
        )
