"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_EVENTS = REPO_ROOT.parent / "shared" / "data" / "events"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition: bool, reason: str) -> None:
    """Skip when a test's outside requirement is missing; in CI, fail instead of skipping."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI must run this test)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_events() -> Path:
    """The real event logs in ../shared/data/events (absent in a user's own clone)."""
    require(
        SHARED_EVENTS.is_dir(),
        f"needs the shared event logs at {SHARED_EVENTS} (present in the team's checkout and CI)",
    )
    return SHARED_EVENTS
