# ruff: noqa: F811 - pytest fixtures are imported from tests.api_support by name
"""A survey in the research repository through the API, on SQLite and PostgreSQL: upload a
real-shaped export, confirm or correct the detected kinds and the mapping, see the scores
with n and intervals, apply them to a map, and accept or reject the pain points the
comments' themes suggest (accepting creates the pain point with its quotes as evidence)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from journeyline.web import Settings
from tests.api_support import World, build_world, database, envelope_of  # noqa: F401
from tests.comments_support import generate_comments

SURVEYS = Path(__file__).parent / "fixtures" / "feedback"


@pytest.fixture
def world(database, tmp_path: Path) -> Iterator[World]:  # type: ignore[no-untyped-def]
    built = build_world(
        database, Settings(data_dir=str(tmp_path / "data"), secret_key="tests: a fixed secret")
    )
    yield built
    for client in built.clients.values():
        client.close()


def research(world: World) -> str:
    return f"/api/workspaces/{world.workspace}/research"


def upload(world: World, name: str, data: bytes) -> dict[str, Any]:
    response = world.client("editor").post(
        f"{research(world)}/import", files={"file": (name, data)}
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_upload_confirm_score_and_apply(world: World) -> None:
    source = upload(world, "plain.csv", (SURVEYS / "plain.csv").read_bytes())
    assert source["kind"] == "survey"
    detected = {q["column"]: q["metric"] for q in source["survey"]["questions"]}
    assert detected == {
        "touchpoint": "text",
        "nps": "nps",
        "csat": "csat",
        "ces": "ces",
        "comment": "text",
    }
    survey = f"{research(world)}/surveys/{source['id']}"
    client = world.client("editor")
    view = world.client("viewer").get(survey)
    assert view.status_code == 200, view.text
    assert view.json()["survey"]["responses"] == 12 and view.json()["text"] is None
    # confirm, correcting: csat is about the form step, the touchpoint column names stages
    confirmed = client.put(
        f"{survey}/mapping",
        json={
            "map": "trial-a",
            "questions": {"csat": "form-a", "nps": "-"},
            "step_col": "touchpoint",
            "values": {"Onboarding": "verify-a", "Support": "-"},
        },
    )
    assert confirmed.status_code == 200, confirmed.text
    body = confirmed.json()
    assert body["mapping"]["confirmed"] is True
    nps = next(q for q in body["questions"] if q["column"] == "nps")
    # 12 answers: 7 promoters (9–10), 3 detractors (0–6): (7 − 3) / 12 = 33.3 points
    assert nps["n"] == 12 and nps["score"] == pytest.approx(100 * 4 / 12, abs=0.05)
    assert nps["interval"][0] < nps["score"] < nps["interval"][1]
    links = {q["column"]: q for q in body["links"]["questions"]}
    assert links["csat"]["target"]["id"] == "form-a" and links["nps"]["how"] == "skipped"
    # the stored mapping is what the scores are computed under
    again = world.client("viewer").get(f"{survey}/scores").json()
    assert again["mapping"]["questions"] == {"csat": "form-a", "nps": "-"}
    applied = client.post(f"{survey}/apply", json={"map": "trial-a"})
    assert applied.status_code == 200, applied.text
    journey = client.get(f"/api/workspaces/{world.workspace}/maps/trial-a").json()["map"]
    form = journey["stages"][0]["steps"][0]
    csat = next(m for m in form["metrics"] if m["name"] == "CSAT")
    assert csat["n"] == 12 and csat["source"] == "plain.csv, question csat"
    assert any(e["kind"] == "survey" and "form-a" in e["links"] for e in journey["evidence"])


def test_bad_mappings_and_surveys_are_refused(world: World) -> None:
    source = upload(world, "plain.csv", (SURVEYS / "plain.csv").read_bytes())
    survey = f"{research(world)}/surveys/{source['id']}"
    client = world.client("editor")
    unknown = client.put(f"{survey}/mapping", json={"metrics": {"nope": "csat"}})
    assert unknown.status_code == 400 and "no column 'nope'" in envelope_of(unknown)["message"]
    kind = client.put(f"{survey}/mapping", json={"metrics": {"csat": "happiness"}})
    assert "not 'happiness'" in envelope_of(kind)["message"]
    element = client.put(
        f"{survey}/mapping", json={"map": "trial-a", "questions": {"csat": "nowhere"}}
    )
    assert element.status_code in (400, 404) and "nowhere" in envelope_of(element)["message"]
    off_scale = b"id,How satisfied are you? (1-5)\n1,4\n2,9\n3,5\n"
    refused = client.post(f"{research(world)}/import", files={"file": ("scale.csv", off_scale)})
    assert refused.status_code == 422, refused.text
    assert "scale.csv:3" in envelope_of(refused)["message"]
    latin = "id,comment\n1,Très bien\n".encode("cp1252")
    refused = client.post(f"{research(world)}/import", files={"file": ("latin.csv", latin)})
    assert "unknown encoding" in envelope_of(refused)["message"]
    assert [s["name"] for s in client.get(f"{research(world)}/sources").json()["sources"]] == [
        "plain.csv"
    ]


def comments_csv(count: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["Timestamp", "How likely are you to recommend us?", "What could we do better?"]
    )
    for number, text in enumerate(generate_comments(count, seed=11, foreign_share=0.0)):
        writer.writerow([f"2024/06/{1 + number % 28:02d} 1:00:00 PM GMT+1", number % 11, text])
    return out.getvalue().encode()


def test_themes_suggest_pain_points_accepted_or_rejected(world: World) -> None:
    source = upload(world, "verbatims.csv", comments_csv(240))
    survey = f"{research(world)}/surveys/{source['id']}"
    client = world.client("editor")
    started = client.post(f"{survey}/themes", json={})
    assert started.status_code == 202, started.text
    jobs = world.app.state.feedback_jobs
    done = jobs.wait(world.workspace, started.json()["id"], timeout=240)
    assert done["state"] == "done", done
    themes = client.get(f"{survey}/themes").json()
    suggestions = themes["result"]["pain_points"]
    assert len(suggestions) >= 2, themes["result"]["themes"]
    first, second = suggestions[0], suggestions[1]
    assert first["status"] == "suggested" and first["evidence"]
    accepted = client.post(
        f"{survey}/themes/suggestions/{first['id']}/accept",
        json={"map": "trial-a", "step": "card-a"},
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    rejected = client.post(f"{survey}/themes/suggestions/{second['id']}/reject", json={})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    twice = client.post(f"{survey}/themes/suggestions/{second['id']}/reject", json={})
    assert twice.status_code == 400 and "already rejected" in envelope_of(twice)["message"]
    journey = client.get(f"/api/workspaces/{world.workspace}/maps/trial-a").json()["map"]
    pain = next(p for p in journey["pain_points"] if p["id"] == accepted.json()["pain_point"])
    assert pain["step"] == "card-a" and pain["reach"] == first["reach"]
    quotes = [e for e in journey["evidence"] if pain["id"] in e["links"]]
    assert {q["quote"] for q in quotes} == {q["text"] for q in first["evidence"]}
    assert all(
        q["kind"] == "quote" and q["source"].startswith("verbatims.csv, row ") for q in quotes
    )
    listed = {
        p["id"]: p["status"] for p in client.get(f"{survey}/themes").json()["result"]["pain_points"]
    }
    assert listed[first["id"]] == "accepted" and listed[second["id"]] == "rejected"
    viewer = world.client("viewer").post(
        f"{survey}/themes/suggestions/{suggestions[-1]['id']}/reject", json={}
    )
    assert viewer.status_code == 403
