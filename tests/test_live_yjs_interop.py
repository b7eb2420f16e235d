"""A real Yjs client (the library the board uses) reads and edits a document pycrdt wrote.

Runs tests/live_interop/yjs_client.mjs under Node with the front-end's `yjs` and
`fractional-indexing` (frontend/node_modules, or JOURNEYLINE_YJS_NODE_PATH pointing at a
node_modules that has them): the layout's types as Yjs sees them, the position algorithm
against the npm package, and the board's edits coming back through check_update.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
from pathlib import Path

from pycrdt import Map

from journeyline.live import LAYOUT, check_update, new_doc, read_map
from journeyline.live.layout import ROOTS
from journeyline.live.reading import plain
from tests.conftest import require
from tests.test_live_document import small_map

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(__file__).parent / "live_interop" / "yjs_client.mjs"


def node_modules() -> Path | None:
    for candidate in (
        os.environ.get("JOURNEYLINE_YJS_NODE_PATH"),
        ROOT / "frontend" / "node_modules",
    ):
        if (
            candidate
            and (Path(candidate) / "yjs").is_dir()
            and (Path(candidate) / "fractional-indexing").is_dir()
        ):
            return Path(candidate)
    return None


def run_yjs_client(update: bytes, workdir: Path) -> dict[str, object]:
    node = shutil.which("node")
    modules = node_modules()
    require(node is not None, "needs Node (node on PATH)")
    require(modules is not None, "needs yjs and fractional-indexing in frontend/node_modules")
    assert node is not None and modules is not None
    # ESM resolves packages from the script's folder upwards: run a copy beside a link.
    (workdir / "node_modules").symlink_to(modules, target_is_directory=True)
    script = workdir / "yjs_client.mjs"
    script.write_text(SCRIPT.read_text(encoding="utf-8"), encoding="utf-8")
    done = subprocess.run(
        [node, str(script)],
        input=json.dumps({"update": base64.b64encode(update).decode(), "layout": LAYOUT}),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_yjs_reads_the_document_and_its_edits_come_back(tmp_path: Path) -> None:
    server = new_doc(small_map())
    result = run_yjs_client(server.get_update(), tmp_path)
    assert result["problems"] == []
    assert result["positionMismatches"] == []  # Python's keys are the npm package's
    assert result["read"] == {
        "stages": ["discover", "start"],
        "steps": {"discover": ["search", "compare"], "start": ["signup"]},
    }
    update = base64.b64decode(str(result["update"]))
    check_update(server, update)
    server.apply_update(update)
    assert {name: plain(server.get(name, type=Map)) for name in ROOTS} == result["json"]
    journey = read_map(server)
    search = journey.find_step("search")
    assert search is not None
    assert search.feels == "Very Curious 😀 and keen" and search.emotion == 3
    assert [s.id for s in journey.stages[0].steps] == [
        "signup",
        "search",
        "compare",
        "ask-friend-x7q",
    ]
    assert journey.find_step("ask-friend-x7q").name == "Ask a friend 🤝"  # type: ignore[union-attr]
    assert journey.stages[1].steps == [] and journey.pain_points == []
