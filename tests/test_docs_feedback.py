"""docs/feedback.md quotes every score's definition verbatim, from the function that computes it."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest

from journeyline.feedback import METRICS, csat_score, mean_score, nps_score, wilson_interval
from tests.conftest import REPO_ROOT

DOCS = (REPO_ROOT / "docs" / "feedback.md").read_text(encoding="utf-8")
DEFINED: list[Callable[..., Any]] = [nps_score, csat_score, mean_score, wilson_interval]


def _blockquote(function: Callable[..., Any]) -> str:
    doc = inspect.cleandoc(function.__doc__ or "")
    return "\n".join(f"> {line}" if line else ">" for line in doc.splitlines())


@pytest.mark.parametrize("function", DEFINED, ids=lambda f: f.__name__)
def test_definition_is_quoted_verbatim(function: Callable[..., Any]) -> None:
    assert function.__doc__, f"{function.__name__} has no docstring"
    assert _blockquote(function) in DOCS, (
        f"docs/feedback.md does not quote the docstring of {function.__name__} verbatim"
    )


@pytest.mark.parametrize("metric", METRICS)
def test_every_kind_is_documented(metric: str) -> None:
    assert f"| `{metric}` |" in DOCS


def test_readme_lists_the_page() -> None:
    assert "docs/feedback.md" in (REPO_ROOT / "README.md").read_text(encoding="utf-8")
