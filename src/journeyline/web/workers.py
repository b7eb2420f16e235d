"""Worker processes that read uploads and draw maps, each job under a deadline and a memory ceiling.

Parsing an uploaded file and rendering a map run here, never on the server's event loop
or in one of its threads: a pathological file can then use up only its worker. Each
worker caps its own address space (`RLIMIT_AS`; a job past it fails with MemoryError
and the worker is replaced) and the server kills a worker whose job passes the deadline
(with its process group, so a Chromium it started goes too). Workers are started from a
forkserver that has the readers and the renderer imported already, and each is reused
for `jobs_per_worker` jobs, so a normal import pays no process start.

`stop()` (on SIGTERM) kills every worker at once: a request waiting on one is answered
503 at once, so the server stops within seconds even mid-import.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import resource
import signal
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from journeyline.errors import BudgetExceeded, JourneylineError, WorkersUnavailable

T = TypeVar("T")

PRELOAD = [
    "journeyline.web.workers",
    "journeyline.formats",
    "journeyline.store.transfer",
    "journeyline.render",
    "openpyxl",
]
"""Modules the forkserver imports once, so that each worker starts with them loaded."""


IDLE_SECONDS = 600
"""A worker left without a job this long exits (a pool that is no longer used frees them)."""

START_SECONDS = 60
"""How long a new worker may take to start (a busy machine forks slowly); not a job's time."""


@dataclass(frozen=True)
class Budget:
    """What one job may use: wall-clock seconds and bytes of address space."""

    seconds: float
    memory_bytes: int


def _ceiling(limit: int | None) -> None:
    """Set the soft address-space limit (None: as high as the hard limit allows)."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = hard
    if limit is not None:
        soft = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _serve(conn: Connection, memory_bytes: int) -> None:
    """A worker's loop: run each job it is sent and send back ("ok", result) or ("error", e)."""
    os.setpgrp()  # its own process group: killing it kills what it started (Chromium)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the server's to handle
    try:
        conn.send(("ready", None))
    except (EOFError, OSError):
        return
    while True:
        try:
            if not conn.poll(IDLE_SECONDS):
                return  # idle too long: the pool starts a fresh one when it needs one
            fn, args, kwargs, capped = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        _ceiling(memory_bytes if capped else None)
        retire = False
        try:
            reply: tuple[str, Any] = ("ok", fn(*args, **kwargs))
        except JourneylineError as error:
            reply = ("error", error)
        except MemoryError:
            retire = True
            reply = ("memory", None)
        except RecursionError:
            reply = ("error", BudgetExceeded("the input is nested too deeply to read"))
        except Exception as error:  # an unexpected failure: the server logs and answers 500
            reply = ("crash", f"{type(error).__name__}: {error}")
        _ceiling(None)
        try:
            conn.send(reply)
        except (EOFError, OSError, MemoryError):
            return
        if retire:
            return


class _Worker:
    """One worker process and the server's end of its pipe."""

    def __init__(self, context: Any, memory_bytes: int) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(child, memory_bytes), daemon=True, name="journeyline-worker"
        )
        self.process.start()
        child.close()
        self.jobs = 0
        self.ready = False

    def wait_ready(self) -> bool:
        """Wait for a new worker's first word; False when it did not start in time."""
        if not self.ready:
            try:
                self.ready = bool(self.conn.poll(START_SECONDS)) and self.conn.recv()[0] == "ready"
            except (EOFError, OSError):
                self.ready = False
        return self.ready

    def signal_kill(self) -> None:
        """Send SIGKILL to the worker and everything it started (its process group)."""
        pid = self.process.pid
        if pid is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def kill(self) -> None:
        """Kill the worker, wait for it, and close the pipe."""
        self.signal_kill()
        self.process.join(timeout=5)
        self.conn.close()


class WorkerPool:
    """A small pool of reusable worker processes; `run` sends one job to a free worker."""

    def __init__(self, processes: int, budget: Budget, *, jobs_per_worker: int = 200) -> None:
        self.budget = budget
        self.jobs_per_worker = jobs_per_worker
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(PRELOAD)
        self._slots = threading.BoundedSemaphore(max(1, processes))
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._busy: set[_Worker] = set()
        self._lock = threading.Lock()
        self._stopped = False
        # An app that is dropped without its shutdown (tests) still stops its workers.
        weakref.finalize(self, _kill_all, self._idle, self._busy)

    def run(self, fn: Callable[..., T], *args: Any, capped: bool = True, **kwargs: Any) -> T:
        """`fn(*args, **kwargs)` in a worker, under the budget; its errors are raised here.

        `capped=False` lifts the memory ceiling for the job (PNG/PDF: Chromium reserves
        far more address space than it uses); the deadline still holds.
        """
        deadline = time.monotonic() + self.budget.seconds
        while not self._slots.acquire(timeout=0.5):
            if self._stopped:
                raise WorkersUnavailable("the server is stopping; try again in a moment")
            if time.monotonic() > deadline:
                raise WorkersUnavailable("every worker is busy; try again in a moment")
        try:
            worker = self._take()
            if not worker.wait_ready():
                self._discard(worker)
                raise WorkersUnavailable("a worker process did not start; try again in a moment")
            deadline = time.monotonic() + self.budget.seconds  # the job's own time starts now
            try:
                worker.conn.send((fn, args, kwargs, capped))
                ready = worker.conn.poll(max(0.0, deadline - time.monotonic()))
                if not ready:
                    self._discard(worker)
                    raise BudgetExceeded(
                        f"the job took longer than {self.budget.seconds:g} s and was stopped "
                        "(the server's worker_seconds setting)"
                    )
                status, payload = worker.conn.recv()
            except (EOFError, OSError, BrokenPipeError):
                self._discard(worker)
                if self._stopped:
                    raise WorkersUnavailable(
                        "the server is stopping; try again in a moment"
                    ) from None
                raise self._memory_error() from None
            except BaseException:
                self._discard(worker)
                raise
            worker.jobs += 1
            if status == "memory":
                self._discard(worker)
                raise self._memory_error()
            self._give_back(worker)
            if status == "ok":
                result: T = payload
                return result
            if status == "error":
                raise payload
            raise RuntimeError(f"a worker job failed: {payload}")
        finally:
            self._slots.release()

    def _memory_error(self) -> BudgetExceeded:
        return BudgetExceeded(
            f"the job needed more than {self.budget.memory_bytes // 1_048_576:,} MB and was "
            "stopped (the server's worker_memory_mb setting)"
        )

    def _take(self) -> _Worker:
        with self._lock:
            if self._stopped:
                raise WorkersUnavailable("the server is stopping; try again in a moment")
            while True:
                try:
                    worker = self._idle.get_nowait()
                except queue.Empty:
                    try:
                        worker = _Worker(self._context, self.budget.memory_bytes)
                    except OSError as error:
                        raise WorkersUnavailable(
                            f"cannot start a worker process ({error})"
                        ) from None
                    break
                if worker.process.is_alive():
                    break
                worker.kill()
            self._busy.add(worker)
            return worker

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            self._busy.discard(worker)
            if self._stopped or worker.jobs >= self.jobs_per_worker:
                worker.kill()
            else:
                self._idle.put(worker)

    def _discard(self, worker: _Worker) -> None:
        with self._lock:
            self._busy.discard(worker)
        worker.kill()

    def warm_up(self) -> None:
        """Start the forkserver and one worker now, so the first import pays no start."""
        with contextlib.suppress(JourneylineError):
            self.run(_nothing)

    def stop(self) -> None:
        """Kill every worker now; jobs under way end with WorkersUnavailable (503)."""
        with self._lock:
            self._stopped = True
            busy = [*self._busy]
            idle = []
            while True:
                try:
                    idle.append(self._idle.get_nowait())
                except queue.Empty:
                    break
        for worker in busy:
            worker.signal_kill()  # its waiting request sees the pipe close and answers 503
        for worker in idle:
            worker.kill()


def _kill_all(idle: queue.LifoQueue[_Worker], busy: set[_Worker]) -> None:
    """Kill a dropped pool's workers."""
    for worker in [*busy]:
        worker.signal_kill()
    while True:
        try:
            idle.get_nowait().signal_kill()
        except queue.Empty:
            return


def _nothing() -> None:
    """The job `warm_up` sends."""
