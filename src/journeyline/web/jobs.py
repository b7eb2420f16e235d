"""Event analyses as jobs: queued, run off the request thread, each in a process of its own.

A job is started by a request and answered at once (202). At most `concurrent` jobs run
at a time, the others wait in line, and no more than `queued` wait: past that a start is
refused (503) rather than piling up work. Each job runs in a fresh process (forked from a
forkserver that has the analytics imported) under a deadline and a memory ceiling, as
the import workers do (`web.workers`): the process caps its address space and DuckDB's
memory, and the server kills it, with its process group, past the deadline. The process
reports its progress (a fraction and a message) through a pipe.

Each job's record — its state, progress, result or error — is one JSON file in
`DATA_DIR/event-jobs/`, written atomically at every change, so a result outlives the
request and the server; a job that was queued or running when the server stopped is
marked failed when it starts again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import multiprocessing
import os
import re
import resource
import secrets
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from journeyline.errors import (
    BudgetExceeded,
    Diagnostic,
    JourneylineError,
    NotFound,
    WorkersUnavailable,
)
from journeyline.events.connect import temp_root
from journeyline.events.spec import LogSpec
from journeyline.formats.atomic import write_atomically
from journeyline.model import JourneyMap
from journeyline.web.errors import envelope, status_for

PRELOAD = ["journeyline.events", "journeyline.events.analyses", "duckdb"]
"""Modules the jobs' forkserver imports once."""

JOB_ID = re.compile(r"^[a-z0-9]{16,40}$")

STATES = ("queued", "running", "done", "failed")


@dataclass(frozen=True)
class JobLimits:
    """How many jobs run and wait, and what one may use."""

    concurrent: int
    queued: int
    seconds: float
    memory_bytes: int


@dataclass(frozen=True)
class JobRequest:
    """What a job runs: an analysis of one source's log (and a map, for overlay and conformance)."""

    workspace_id: str
    analysis: str
    options: dict[str, Any]
    source: str
    path: str
    spec: LogSpec
    journey: JourneyMap | None
    map_id: str | None
    started_by: str


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _run_job(conn: Connection, request: JobRequest, memory_bytes: int) -> None:
    """The job process: run the analysis, sending ("progress", f, m) and then the outcome."""
    from journeyline.events.analyses import run_analysis

    os.setpgrp()  # killing the job kills what it started
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # DuckDB keeps to part of the ceiling (it spills to disk past it); the rest is Python's.
    os.environ["JOURNEYLINE_DUCKDB_MEMORY"] = f"{max(memory_bytes // 2 // 1_048_576, 64)}MB"
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))

    def progress(fraction: float, message: str) -> None:
        with contextlib.suppress(OSError):
            conn.send(("progress", fraction, message))

    try:
        run = run_analysis(
            request.analysis,
            request.path,
            request.spec,
            request.options,
            journey=request.journey,
            progress=progress,
            source_name=request.source,
        )
        reply: tuple[Any, ...] = ("ok", run.result, run.warnings)
    except JourneylineError as error:
        reply = ("error", error)
    except MemoryError:
        reply = ("memory",)
    except Exception as error:  # unexpected: recorded, never shown as a traceback
        reply = ("crash", f"{type(error).__name__}: {error}")
    with contextlib.suppress(OSError, MemoryError):
        conn.send(reply)


def _spilling_to(folder: str, runner: Callable[[Connection, Any, int], None], *args: Any) -> None:
    """A job process: DuckDB spills where the server's does (`events.connect`), then run."""
    from journeyline.events.connect import use_temp_root

    use_temp_root(folder)
    runner(*args)


def _error_record(error: JourneylineError) -> dict[str, Any]:
    """The error envelope's body for a failed job (its status as the API would answer it)."""
    body: dict[str, Any] = envelope(
        status_for(error), type(error).__name__, error.message, error.diagnostics
    )["error"]
    return body


class EventJobs:
    """The queue, the running jobs, and their records on disk."""

    runner: Callable[[Connection, Any, int], None] = staticmethod(_run_job)
    """What a job's process runs (a subclass runs other long work the same way)."""

    def __init__(self, folder: Path, limits: JobLimits) -> None:
        self.folder = folder
        self.limits = limits
        self._lock = threading.Lock()
        self._waiting = 0
        self._running: dict[str, Any] = {}
        self._stopped = False
        self._pool = ThreadPoolExecutor(
            max_workers=max(1, limits.concurrent), thread_name_prefix="event-job"
        )
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(PRELOAD)
        self._fail_leftovers()

    # --- records -----------------------------------------------------------------------

    def _file(self, job_id: str) -> Path:
        return self.folder / f"{job_id}.json"

    def _write(self, record: dict[str, Any]) -> None:
        write_atomically({self._file(record["id"]): json.dumps(record, ensure_ascii=False)})

    def _read(self, job_id: str) -> dict[str, Any] | None:
        if not JOB_ID.match(job_id):
            return None
        try:
            data: dict[str, Any] = json.loads(self._file(job_id).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data

    def _fail_leftovers(self) -> None:
        if not self.folder.is_dir():
            return
        for path in self.folder.glob("*.json"):
            record = self._read(path.stem)
            if record and record["state"] in ("queued", "running"):
                record.update(
                    state="failed",
                    finished=_now(),
                    error=_error_record(
                        WorkersUnavailable(
                            "the server stopped before this job finished; start it again"
                        )
                    ),
                )
                self._write(record)

    def get(self, workspace_id: str, job_id: str) -> dict[str, Any]:
        """A job of the workspace; NotFound for another workspace's or an unknown id."""
        record = self._read(job_id)
        if record is None or record["workspace"] != workspace_id:
            raise NotFound(
                f"event job '{job_id}' does not exist in this workspace",
                [Diagnostic(f"no job '{job_id}'", hint="list them with GET …/events/jobs")],
            )
        return record

    def recent(self, workspace_id: str, limit: int = 50) -> list[dict[str, Any]]:
        """The workspace's jobs, newest first, without their results."""
        if not self.folder.is_dir():
            return []
        found = []
        paths = sorted(self.folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for path in paths:
            record = self._read(path.stem)
            if record and record["workspace"] == workspace_id:
                found.append({k: v for k, v in record.items() if k != "result"})
                if len(found) >= limit:
                    break
        return found

    # --- running -----------------------------------------------------------------------

    def start(self, request: JobRequest) -> dict[str, Any]:
        """Queue a job; its record (state `queued`). WorkersUnavailable when the line is full."""
        with self._lock:
            if self._stopped:
                raise WorkersUnavailable("the server is stopping; try again in a moment")
            if self._waiting >= self.limits.concurrent + self.limits.queued:
                raise WorkersUnavailable(
                    f"{self._waiting} event analyses are running or waiting (the server's "
                    "event_jobs and event_job_queue settings); try again when one has finished"
                )
            self._waiting += 1
        record: dict[str, Any] = {
            "id": secrets.token_hex(10),
            "workspace": request.workspace_id,
            "analysis": request.analysis,
            "source": request.source,
            "map": request.map_id,
            "options": request.options,
            "state": "queued",
            "progress": {"fraction": 0.0, "message": "waiting for a free slot"},
            "created": _now(),
            "started": None,
            "finished": None,
            "started_by": request.started_by,
            "warnings": [],
            "result": None,
            "error": None,
        }
        try:
            self._write(record)
            self._pool.submit(self._supervise, record, request)
        except BaseException:
            with self._lock:
                self._waiting -= 1
            raise
        return record

    def _supervise(self, record: dict[str, Any], request: JobRequest) -> None:
        try:
            self._execute(record, request)
        except JourneylineError as error:
            record.update(state="failed", finished=_now(), error=_error_record(error))
        except Exception as error:  # recorded: a job never fails silently
            record.update(
                state="failed",
                finished=_now(),
                error=_error_record(
                    JourneylineError(f"the analysis failed unexpectedly ({error})")
                ),
            )
        finally:
            with self._lock:
                self._waiting -= 1
                self._running.pop(record["id"], None)
            with contextlib.suppress(JourneylineError):
                self._write(record)

    def _execute(self, record: dict[str, Any], request: JobRequest) -> None:
        if self._stopped:
            raise WorkersUnavailable("the server stopped before this job started")
        record.update(
            state="running", started=_now(), progress={"fraction": 0.0, "message": "starting"}
        )
        self._write(record)
        parent, child = self._context.Pipe(duplex=False)
        process = self._context.Process(
            target=_spilling_to,
            args=(str(temp_root()), self.runner, child, request, self.limits.memory_bytes),
            daemon=True,
            name="journeyline-event-job",
        )
        process.start()
        child.close()
        with self._lock:
            self._running[record["id"]] = process
        deadline = time.monotonic() + self.limits.seconds
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not parent.poll(min(left, 1.0)):
                    if left <= 0:
                        raise BudgetExceeded(
                            f"the analysis took longer than {self.limits.seconds:g} s and was "
                            "stopped (the server's event_job_seconds setting)"
                        )
                    if not process.is_alive() and not parent.poll(0):
                        raise self._memory_error()
                    continue
                try:
                    message = parent.recv()
                except (EOFError, OSError):
                    if self._stopped:
                        raise WorkersUnavailable("the server stopped during this job") from None
                    raise self._memory_error() from None
                if message[0] == "progress":
                    record["progress"] = {"fraction": float(message[1]), "message": message[2]}
                    self._write(record)
                    continue
                break
        finally:
            _kill(process)
            parent.close()
        status = message[0]
        if status == "ok":
            record.update(
                state="done",
                finished=_now(),
                progress={"fraction": 1.0, "message": "done"},
                result=message[1],
                warnings=message[2],
            )
            return
        if status == "error":
            raise message[1]
        if status == "memory":
            raise self._memory_error()
        raise JourneylineError(f"the analysis failed unexpectedly ({message[1]})")

    def _memory_error(self) -> BudgetExceeded:
        return BudgetExceeded(
            f"the analysis needed more than {self.limits.memory_bytes // 1_048_576:,} MB and was "
            "stopped (the server's event_job_memory_mb setting)"
        )

    def wait(self, workspace_id: str, job_id: str, timeout: float) -> dict[str, Any]:
        """The job's record once it is done or failed (tests and scripts); at most `timeout` s."""
        end = time.monotonic() + timeout
        while True:
            record = self.get(workspace_id, job_id)
            if record["state"] in ("done", "failed") or time.monotonic() > end:
                return record
            time.sleep(0.05)

    def stop(self) -> None:
        """Kill running jobs (their records say the server stopped) and take no more."""
        with self._lock:
            self._stopped = True
            running = list(self._running.values())
        for process in running:
            _kill(process)
        self._pool.shutdown(wait=False, cancel_futures=True)


def _kill(process: Any) -> None:
    pid = process.pid
    if pid is not None and process.is_alive():
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.join(timeout=5)


JobsFactory = Callable[[], EventJobs]
