"""The committed front-end build is complete and was built from the sources as they are now."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from journeyline.web.frontend import APP_DIR, build_info, source_files, sources_hash

FRONTEND = Path(__file__).resolve().parent.parent / "frontend"


@pytest.fixture
def frontend_dir() -> Path:
    if not (FRONTEND / "package.json").is_file():
        pytest.skip("no frontend/ sources here (an installed package): nothing to compare")
    return FRONTEND


def test_the_committed_build_matches_the_sources(frontend_dir: Path) -> None:
    info = build_info()
    assert info is not None, (
        f"there is no front-end build at {APP_DIR}: run `make frontend` and commit the build"
    )
    now = sources_hash(frontend_dir)
    assert info.get("sources_sha256") == now, (
        "the committed front-end build is stale: run `make frontend` and commit "
        "src/journeyline/web/static/app "
        f"(build-info.json says {str(info.get('sources_sha256'))[:12]} from {info.get('files')} files; "
        f"the sources in frontend/ hash to {now[:12]} from {len(source_files(frontend_dir))} files)"
    )


def test_the_build_has_every_file_its_page_loads() -> None:
    index = APP_DIR / "index.html"
    assert index.is_file(), "the front-end build has no index.html: run `make frontend`"
    html = index.read_text(encoding="utf-8")
    referenced = re.findall(r'(?:src|href)="(/assets/[^"]+)"', html)
    assert any(name.endswith(".js") for name in referenced), html
    missing = [name for name in referenced if not (APP_DIR / name.lstrip("/")).is_file()]
    assert not missing, f"index.html loads files the build does not have: {missing}"
    # Nothing is fetched from another host at run time.
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html), html


def test_the_hash_is_that_of_stamp_mjs(tmp_path: Path) -> None:
    """Pinned on a small tree, so a change in either implementation shows up here."""
    (tmp_path / "src" / "board").mkdir(parents=True)
    for name in ("index.html", "package.json", "package-lock.json", "tsconfig.json"):
        (tmp_path / name).write_text(name, encoding="utf-8")
    (tmp_path / "vite.config.ts").write_text("export default {}\n", encoding="utf-8")
    (tmp_path / "src" / "main.tsx").write_bytes(b"main\n")
    (tmp_path / "src" / "board" / "Board.tsx").write_bytes("«board»\n".encode())
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "ignored.js").write_text("not a source", encoding="utf-8")
    assert source_files(tmp_path) == [
        "index.html",
        "package-lock.json",
        "package.json",
        "src/board/Board.tsx",
        "src/main.tsx",
        "tsconfig.json",
        "vite.config.ts",
    ]
    # Computed with `node scripts/stamp.mjs` on the same tree.
    assert sources_hash(tmp_path) == PINNED


PINNED = "db3ab94cb8776a9fb1e66e574a3d770ce979b1c13c579990e6c81522b75f8b27"
