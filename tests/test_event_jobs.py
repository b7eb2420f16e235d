"""The event-job runner: a bounded line, a deadline, records that outlive the server."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from journeyline import events as an
from journeyline.errors import WorkersUnavailable
from journeyline.web.jobs import EventJobs, JobLimits, JobRequest
from tests.events_support import journeys

PATHS = {"u1": [("home", 0), ("cart", 1)], "u2": [("home", 0), ("help", 2)]}


def request(
    path: Path, analysis: str = "reach", options: dict[str, Any] | None = None
) -> JobRequest:
    return JobRequest(
        "w1", analysis, options or {}, "shop", str(path), an.LogSpec(), None, None, "a1"
    )


def limits(**kw: Any) -> JobLimits:
    return JobLimits(
        **{"concurrent": 1, "queued": 0, "seconds": 300, "memory_bytes": 2 << 30, **kw}
    )


def test_a_job_runs_in_a_process_and_its_record_outlives_the_runner(tmp_path: Path) -> None:
    log = journeys(tmp_path / "e.csv", PATHS)
    jobs = EventJobs(tmp_path / "jobs", limits())
    record = jobs.start(request(log))
    done = jobs.wait("w1", record["id"], timeout=300)
    assert done["state"] == "done" and done["result"]["events"][0]["event"] == "home"
    jobs.stop()
    again = EventJobs(tmp_path / "jobs", limits())  # a restarted server
    assert again.get("w1", record["id"])["result"] == done["result"]
    with pytest.raises(Exception, match="does not exist"):
        again.get("w2", record["id"])  # another workspace's id reveals nothing
    again.stop()


def test_the_line_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    def held(self: EventJobs, record: dict[str, Any], req: JobRequest) -> None:
        release.wait(60)
        record.update(state="done", result={})

    monkeypatch.setattr(EventJobs, "_execute", held)
    jobs = EventJobs(tmp_path / "jobs", limits(concurrent=1, queued=1))
    first = jobs.start(request(tmp_path / "x.csv"))
    second = jobs.start(request(tmp_path / "x.csv"))  # waits in line
    with pytest.raises(WorkersUnavailable, match="event_job_queue"):
        jobs.start(request(tmp_path / "x.csv"))
    release.set()
    assert jobs.wait("w1", first["id"], 60)["state"] == "done"
    assert jobs.wait("w1", second["id"], 60)["state"] == "done"
    jobs.start(request(tmp_path / "x.csv"))  # room again
    jobs.stop()


def test_a_job_past_its_deadline_is_stopped(tmp_path: Path) -> None:
    log = journeys(tmp_path / "e.csv", PATHS)
    jobs = EventJobs(tmp_path / "jobs", limits(seconds=0.001))
    record = jobs.wait("w1", jobs.start(request(log))["id"], timeout=120)
    assert record["state"] == "failed"
    assert "event_job_seconds" in record["error"]["message"] and record["error"]["status"] == 422
    jobs.stop()


def test_jobs_left_running_by_a_stopped_server_are_failed_on_start(tmp_path: Path) -> None:
    folder = tmp_path / "jobs"
    folder.mkdir()
    stale = {"id": "a" * 20, "workspace": "w1", "state": "running", "progress": {}}
    (folder / f"{'a' * 20}.json").write_text(json.dumps(stale))
    jobs = EventJobs(folder, limits())
    record = jobs.get("w1", "a" * 20)
    assert record["state"] == "failed" and "server stopped" in record["error"]["message"]
    jobs.stop()
