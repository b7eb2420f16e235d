"""Every event analysis through the API gives the JSON `journeyline events … --format json` prints."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from journeyline import events as an
from journeyline.cli import app as cli
from journeyline.web import Settings
from tests.api_support import World, build_world, envelope_of
from tests.api_support import database as database
from tests.events_support import journeys, register_sources

runner = CliRunner()

PATHS = {
    "u1": [("home", 0), ("search", 0), ("search", 0), ("product", 4), ("cart", 10), ("buy", 12)],
    "u2": [("home", 0), ("product", 3), ("cart", 4), ("home", 200), ("cart", 201)],
    "u3": [("home", 0), ("search", 2), ("product", 5), ("help", 5), ("product", 7)],
    "u4": [("promo", 0), ("home", 1), ("help", 2)],
}
CHANNEL = {"u1": "web", "u2": "app", "u3": "web", "u4": "email"}

SHOP = {
    "name": "Shop",
    "stages": [
        {
            "name": "Browse",
            "steps": [
                {"name": "Land", "events": [{"event": "home"}]},
                {"name": "Look", "events": [{"event": "product"}]},
            ],
        },
        {"name": "Buy", "steps": [{"name": "Cart", "events": [{"event": "cart"}]}]},
    ],
}

# (analysis, API options, CLI arguments): the same request in both faces.
CASES: list[tuple[str, dict[str, Any], list[str]]] = [
    ("reach", {}, []),
    ("transitions", {"collapse_loops": True, "top": 5}, ["--collapse-loops", "--top", "5"]),
    ("variants", {"collapse": True, "top": 3}, ["--collapse", "--top", "3"]),
    (
        "funnel",
        {"steps": "home,product|search,cart", "window": "1h", "breakdown": "channel"},
        ["--steps", "home,product|search,cart", "--window", "1h", "--breakdown", "channel"],
    ),
    (
        "funnel",
        {"steps": "home,cart", "first_only": True, "exclude": ["help"]},
        ["--steps", "home,cart", "--first-only", "--exclude", "help"],
    ),
    (
        "funnel",
        {"steps": "home,cart", "mode": "unordered"},
        ["--steps", "home,cart", "--mode", "unordered"],
    ),
    ("dwell", {}, []),
    ("breakdown", {"by": "channel", "limit": 2}, ["--by", "channel", "--limit", "2"]),
    ("loops", {}, []),
    (
        "attribution",
        {"conversion": "cart", "touchpoint": "channel"},
        ["--conversion", "cart", "--touchpoint-col", "channel"],
    ),
    (
        "paths",
        {"around": "product", "depth": 2, "top": 2},
        ["--around", "product", "--depth", "2", "--top", "2"],
    ),
    ("discover", {"coverage": 0.9}, ["--coverage", "0.9"]),
    ("overlay", {}, []),
    ("conformance", {}, []),
]


@pytest.fixture
def shop(database: Any, tmp_path: Path) -> Any:
    world = build_world(database, Settings(data_dir=str(tmp_path / "data")))
    log = journeys(tmp_path / "events.csv", PATHS, channel=CHANNEL)
    register_sources(world.app, {(world.workspace, "shop"): (log, an.LogSpec())})
    owner = world.client("owner")
    created = owner.post(f"/api/workspaces/{world.workspace}/maps", json=SHOP)
    assert created.status_code == 201, created.text
    map_file = tmp_path / "shop.yaml"
    map_file.write_text(yaml.safe_dump({"journeyline": 1, "name": "Shop", "maps": [SHOP]}))
    yield world, log, map_file, created.json()["id"]
    for client in world.clients.values():
        client.close()


def jobs_url(world: World) -> str:
    return f"/api/workspaces/{world.workspace}/events/jobs"


def finished(world: World, who: str, location: str, timeout: float = 300) -> dict[str, Any]:
    """Poll the job until it is done or failed (bounded)."""
    end = time.monotonic() + timeout
    while True:
        response = world.client(who).get(location)
        assert response.status_code == 200, response.text
        job = response.json()
        assert 0 <= job["progress"]["fraction"] <= 1 and job["progress"]["message"]
        if job["state"] in ("done", "failed") or time.monotonic() > end:
            return dict(job)
        time.sleep(0.1)


def cli_json(analysis: str, log: Path, map_file: Path, args: list[str], out: Path) -> Any:
    files = [str(map_file), str(log)] if analysis in ("overlay", "conformance") else [str(log)]
    extra = ["-o", str(out)] if analysis in ("overlay", "discover") else []
    props = ["--prop", "channel"] if analysis in ("breakdown",) else []
    result = runner.invoke(cli, ["events", analysis, *files, *args, *extra, *props, "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    data.pop("output", None)
    return data


def with_source(data: Any, name: str) -> Any:
    """The CLI names the log by its path, the API by the source's id."""
    if isinstance(data, dict):
        return {
            k: (name if k == "source" and isinstance(v, str) else with_source(v, name))
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [with_source(v, name) for v in data]
    return data


def test_every_analysis_matches_the_cli(shop: Any, tmp_path: Path) -> None:
    world, log, map_file, map_id = shop
    started = []
    for analysis, options, _ in CASES:
        body: dict[str, Any] = {"analysis": analysis, "source": "shop", "options": options}
        if analysis in ("overlay", "conformance"):
            body["map_id"] = map_id
        response = world.client("viewer").post(jobs_url(world), json=body)
        assert response.status_code == 202, response.text
        assert response.headers["Location"] == f"{jobs_url(world)}/{response.json()['id']}"
        assert response.json()["state"] in ("queued", "running")
        started.append(response.headers["Location"])
    for (analysis, _, args), location in zip(CASES, started, strict=True):
        job = finished(world, "viewer", location)
        assert job["state"] == "done", job["error"]
        assert job["progress"] == {"fraction": 1.0, "message": "done"}
        expected = cli_json(analysis, log, map_file, args, tmp_path / f"{analysis}.yaml")
        got = job["result"]
        if analysis == "discover":
            assert got.pop("map")["stages"], "the drafted map comes with the result"
            # The draft is named after the log: its file for the CLI, the source for the API.
            assert got["overlay"]["map"] == "Current state: shop"
            expected["overlay"]["map"] = got["overlay"]["map"]
        assert got == with_source(expected, "shop"), analysis
    listed = world.client("owner").get(jobs_url(world)).json()["jobs"]
    assert len(listed) == len(CASES) and all("result" not in j for j in listed)


def test_paths_job_draws_a_sankey(shop: Any) -> None:
    world, *_ = shop
    body = {"analysis": "paths", "source": "shop", "options": {"around": "cart"}}
    location = world.client("viewer").post(jobs_url(world), json=body).headers["Location"]
    job = finished(world, "viewer", location)
    svg = world.client("viewer").get(f"{location}/paths.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.count("jl-paths-node-") == len(job["result"]["nodes"])
    assert "sandbox" in svg.headers["content-security-policy"]
    other = world.client("viewer").post(
        jobs_url(world), json={"analysis": "reach", "source": "shop"}
    )
    reach = finished(world, "viewer", other.headers["Location"])
    refused = world.client("viewer").get(f"{other.headers['Location']}/paths.svg")
    assert reach["state"] == "done" and refused.status_code == 400
    assert "only a done paths job" in envelope_of(refused)["message"]


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"analysis": "funnel", "source": "shop", "options": {}}, 422, "needs the option 'steps'"),
        (
            {"analysis": "funnel", "source": "shop", "options": {"steps": "a,b", "windw": "1d"}},
            422,
            "did you mean 'window'",
        ),
        ({"analysis": "paths", "source": "shop", "options": {"around": "x", "depth": 99}}, 422, "at most 10"),
        ({"analysis": "reach", "source": "shop", "options": {"top": 1}}, 422, "reach has no option"),
        ({"analysis": "funnel", "source": "shop", "options": {"steps": "a"}}, 422, "at least two steps"),
        ({"analysis": "funnel", "source": "shop", "options": {"steps": 3}}, 422, "must be a text"),
        ({"analysis": "nope", "source": "shop"}, 422, "analysis"),
        ({"analysis": "reach", "source": "elsewhere"}, 404, "event source 'elsewhere'"),
        ({"analysis": "conformance", "source": "shop"}, 400, "needs a map"),
        ({"analysis": "overlay", "source": "shop", "map_id": "gone"}, 404, "gone"),
        ({"analysis": "reach", "source": "shop", "extra": 1}, 422, "extra"),
    ],
)  # fmt: skip
def test_bad_requests_get_the_envelope(
    shop: Any, body: dict[str, Any], status: int, says: str
) -> None:
    world, *_ = shop
    response = world.client("viewer").post(jobs_url(world), json=body)
    assert response.status_code == status, response.text
    error = envelope_of(response)
    assert says in json.dumps(error), error


def test_a_failing_analysis_is_a_failed_job_with_the_envelope(shop: Any) -> None:
    world, *_ = shop
    body = {"analysis": "breakdown", "source": "shop", "options": {"by": "plan"}}
    location = world.client("viewer").post(jobs_url(world), json=body).headers["Location"]
    job = finished(world, "viewer", location)
    assert job["state"] == "failed" and job["result"] is None
    assert job["error"]["status"] == 422 and "plan" in job["error"]["message"]
    assert set(job["error"]) == {"status", "type", "message", "diagnostics", "details"}


def test_roles_and_outsiders(shop: Any) -> None:
    world, *_ = shop
    body = {"analysis": "reach", "source": "shop"}
    outsider = world.client("outsider").post(jobs_url(world), json=body)
    assert outsider.status_code == 404
    assert "does not exist" in envelope_of(outsider)["message"]
    anonymous = world.client("anonymous").post(jobs_url(world), json=body)
    assert anonymous.status_code == 401
    location = world.client("viewer").post(jobs_url(world), json=body).headers["Location"]
    assert world.client("outsider").get(location).status_code == 404
    foreign = location.replace(world.workspace, world.foreign_workspace)
    assert world.client("outsider").get(foreign).status_code == 404  # not in their workspace
    assert world.client("viewer").get(f"{jobs_url(world)}/nonexistent0000000").status_code == 404
    listed = world.client("viewer").get(f"/api/workspaces/{world.workspace}/events/analyses")
    names = [a["name"] for a in listed.json()["analyses"]]
    assert names == list(an.analyses.ANALYSES) and len(names) == 12


def test_a_job_over_an_uploaded_source(database: Any, tmp_path: Path) -> None:
    """The real sources: a CSV uploaded to the workspace (converted to Parquet) is analysed."""
    world = build_world(database, Settings(data_dir=str(tmp_path / "data")))
    log = journeys(tmp_path / "events.csv", PATHS, channel=CHANNEL)
    uploaded = world.client("editor").post(
        f"/api/workspaces/{world.workspace}/event-sources/upload",
        files={"file": ("events.csv", log.read_bytes())},
    )
    assert uploaded.status_code in (200, 201, 202), uploaded.text
    source = uploaded.json()
    source_id = source["id"] if "id" in source else source["source"]["id"]
    body = {"analysis": "paths", "source": source_id, "options": {"around": "product"}}
    response = world.client("viewer").post(jobs_url(world), json=body)
    assert response.status_code == 202, response.text
    job = finished(world, "viewer", response.headers["Location"])
    assert job["state"] == "done", job["error"]
    expected = cli_json("paths", log, log, ["--around", "product"], tmp_path / "x")
    assert job["result"] == with_source(expected, source_id)
    for client in world.clients.values():
        client.close()


def test_a_drafted_map_is_added_to_the_workspace_and_compared_with_its_data(shop: Any) -> None:
    """What "Draft a map from data" does: the discover job's `map` is created as it is (POST
    …/maps), its steps keep their events, and conformance over the same source runs on it."""
    world, *_ = shop
    body = {"analysis": "discover", "source": "shop", "options": {"name": "Shop, observed"}}
    location = world.client("editor").post(jobs_url(world), json=body).headers["Location"]
    drafted = finished(world, "editor", location)
    assert drafted["state"] == "done", drafted["error"]
    created = world.client("editor").post(
        f"/api/workspaces/{world.workspace}/maps", json=drafted["result"]["map"]
    )
    assert created.status_code == 201, created.text
    stored = created.json()["map"]
    assert stored["name"] == "Shop, observed"
    steps = [st for s in stored["stages"] for st in s["steps"]]
    assert steps and all(st["events"] for st in steps)
    compare = {"analysis": "conformance", "source": "shop", "map_id": created.json()["id"]}
    location = world.client("viewer").post(jobs_url(world), json=compare).headers["Location"]
    job = finished(world, "viewer", location)
    assert job["state"] == "done", job["error"]
    assert job["result"]["map"] == "Shop, observed"
    assert job["result"]["steps"] == [st["name"] for st in steps]
