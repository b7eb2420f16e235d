"""The built web app (React + Vite, built into `static/app/`) and whether it matches its sources.

`frontend/scripts/stamp.mjs` writes `build-info.json` beside the build with a SHA-256 of
every source the build reads; `sources_hash` computes the same hash in Python, so a test
can tell when the committed build is older than the sources (`make frontend` rebuilds it).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

APP_DIR = Path(__file__).parent / "static" / "app"
"""Where the built app lives in the package: index.html, assets/, build-info.json."""

BUILD_INFO = "build-info.json"

SOURCE_INPUTS = (
    "index.html",
    "package.json",
    "package-lock.json",
    "tsconfig.json",
    "vite.config.ts",
    "src",
)
"""What the build reads, relative to frontend/ (the same list as stamp.mjs)."""


def source_files(frontend_dir: Path) -> list[str]:
    """The build's source files as sorted paths relative to `frontend_dir`, with `/` separators."""
    files: list[str] = []
    for name in SOURCE_INPUTS:
        path = frontend_dir / name
        if path.is_dir():
            files.extend(
                p.relative_to(frontend_dir).as_posix() for p in path.rglob("*") if not p.is_dir()
            )
        else:
            files.append(name)  # a missing input fails loudly when read, as in stamp.mjs
    # stamp.mjs sorts by UTF-16 code units; for the names a front-end uses that is the
    # same order as Python's code points.
    return sorted(files)


def sources_hash(frontend_dir: Path) -> str:
    """SHA-256 over each source file as `path NUL bytes NUL`, in sorted path order (as stamp.mjs)."""
    digest = hashlib.sha256()
    for name in source_files(frontend_dir):
        digest.update(name.encode("utf-8") + b"\0")
        digest.update((frontend_dir / name).read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def build_info(app_dir: Path = APP_DIR) -> dict[str, object] | None:
    """The committed build's `build-info.json`, or None when there is no build."""
    path = app_dir / BUILD_INFO
    if not path.is_file():
        return None
    info: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return info
