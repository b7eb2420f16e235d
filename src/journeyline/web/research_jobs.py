"""Feedback themes as jobs: the queue, processes, budgets and records of `web.jobs`, running
the comments' sentiment and themes (`research.surveys.themes_job`) instead of an event
analysis. A job's record lives in `DATA_DIR/feedback-jobs/`."""

from __future__ import annotations

import contextlib
import os
import resource
import signal
from multiprocessing.connection import Connection
from typing import Any

from journeyline.errors import JourneylineError
from journeyline.events.spec import LogSpec
from journeyline.web.jobs import EventJobs, JobRequest


def _run_feedback_job(conn: Connection, request: JobRequest, memory_bytes: int) -> None:
    """The job process: the themes of the file's comments, with progress, then the outcome."""
    from journeyline.research.surveys import themes_job

    os.setpgrp()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))

    def progress(fraction: float, message: str) -> None:
        with contextlib.suppress(OSError):
            conn.send(("progress", fraction, message))

    try:
        result = themes_job(request.path, request.options, progress)
        reply: tuple[Any, ...] = ("ok", result, result.get("warnings", []))
    except JourneylineError as error:
        reply = ("error", error)
    except MemoryError:
        reply = ("memory",)
    except Exception as error:  # unexpected: recorded, never shown as a traceback
        reply = ("crash", f"{type(error).__name__}: {error}")
    with contextlib.suppress(OSError, MemoryError):
        conn.send(reply)


class FeedbackJobs(EventJobs):
    """Themes of a survey's or feedback file's comments, run as jobs."""

    runner = staticmethod(_run_feedback_job)


def themes_request(
    workspace_id: str, source_id: str, path: str, options: dict[str, Any], started_by: str
) -> JobRequest:
    """A themes job for one research source's file."""
    return JobRequest(
        workspace_id=workspace_id,
        analysis="themes",
        options=options,
        source=source_id,
        path=path,
        spec=LogSpec(),
        journey=None,
        map_id=None,
        started_by=started_by,
    )
