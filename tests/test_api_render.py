# ruff: noqa: F811 - pytest fixtures are imported from tests.api_support by name
"""Rendering a stored map to PNG and PDF over the API (through Debian's Chromium)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.api_support import World, database, world  # noqa: F401
from tests.conftest import require

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    "fmt, magic, media_type",
    [("png", b"\x89PNG", "image/png"), ("pdf", b"%PDF", "application/pdf")],
)
def test_render_png_and_pdf(world: World, fmt: str, magic: bytes, media_type: str) -> None:
    require(
        Path("/usr/bin/chromium").exists(),
        "needs Debian's chromium (scripts/system-deps.sh installs it)",
    )
    response = world.client("viewer").get(
        f"/api/workspaces/{world.workspace}/maps/trial-a/render.{fmt}"
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == media_type
    assert response.content.startswith(magic)
