"""The API under generated requests: schemathesis over every operation, as the owner.

Every operation of the OpenAPI document gets valid and invalid requests (bounded:
`JOURNEYLINE_FUZZ_EXAMPLES` per operation and mode, 4 by default, so the run fits in
`make test`); no response may be a server error or differ from what the document declares
(status, content type, schema). Afterwards every map still reads, analyses and renders.
`bench/bench_fuzz.py` is the long run (≥ 20,000 cases).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from journeyline.store.database import open_database
from tests.api_support import build_world
from tests.fuzz_support import fuzz

SHARDS = 4
"""The operations are split in this many tests, so that `-n 2` shares them."""

EXAMPLES = int(os.environ.get("JOURNEYLINE_FUZZ_EXAMPLES", "4"))


@pytest.mark.parametrize("shard", range(SHARDS))
def test_no_generated_request_gets_a_server_error_or_an_undeclared_answer(
    shard: int, tmp_path: Path
) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'journeyline.db'}")
    world = build_world(db)
    try:
        report = fuzz(world, max_examples=EXAMPLES, shard=(shard, SHARDS))
        assert report.operations >= 20 and report.cases >= report.operations, report.summary()
        assert report.server_errors == 0, report.summary()
        assert not report.failures, report.summary()
        # Nothing the fuzz sent poisoned what remains: each map reads, analyses and renders.
        owner = world.client("owner")
        listed = owner.get(f"/api/workspaces/{world.workspace}/maps")
        if listed.status_code == 404:  # the fuzz may have deleted the workspace: fine
            return
        assert listed.status_code == 200, listed.text
        for item in listed.json():
            base = f"/api/workspaces/{world.workspace}/maps/{item['id']}"
            for path in (base, f"{base}/analysis", f"{base}/render.svg"):
                response = owner.get(path)
                assert response.status_code == 200, (path, response.text)
    finally:
        for client in world.clients.values():
            client.close()
        db.close()
