"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
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


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On an xdist worker with `--dist loadgroup`, every test marked `xdist_group` must carry
    its group in its node id (that is how xdist keeps a group on one worker). A pytest or xdist
    upgrade once made the grouping silently stop (pytest-dev/pytest-xdist#1386): the browser
    modules that share one server and one scenario were split across workers and failed in
    ways that looked like app bugs. Say so at collection instead."""
    if not hasattr(config, "workerinput") or not config.getvalue("loadgroup"):
        return
    lost = [i.nodeid for i in items if i.get_closest_marker("xdist_group") and "@" not in i.nodeid]
    if lost:
        message = (
            f"--dist loadgroup is not grouping: {len(lost)} tests marked xdist_group have no "
            f"group in their node id (first: {lost[0]}); pytest and pytest-xdist disagree "
            "(see pytest-dev/pytest-xdist#1386; pyproject.toml pins pytest below 9.2)"
        )
        print(message, file=sys.stderr, flush=True)
        raise pytest.UsageError(message)


@pytest.fixture(scope="session")
def shared_events() -> Path:
    """The real event logs in ../shared/data/events (absent in a user's own clone)."""
    require(
        SHARED_EVENTS.is_dir(),
        f"needs the shared event logs at {SHARED_EVENTS} (present in the team's checkout and CI)",
    )
    return SHARED_EVENTS


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashing() -> Iterator[None]:
    """Argon2 at its lowest cost for in-process tests.

    The app hashes with argon2-cffi's defaults (64 MiB and 3 passes: about 0.1 s of CPU per
    sign-in, far more on a busy machine); the suite checks what sign-in does, not how hard a
    hash is to crack, and at full cost argon2 alone took minutes of it. Servers the tests
    start as separate processes keep the real parameters.
    """
    from argon2 import PasswordHasher

    from journeyline.store import accounts

    real = accounts._hasher
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    accounts._dummy_hash.cache_clear()
    yield
    accounts._hasher = real
    accounts._dummy_hash.cache_clear()
