"""`create_app(settings)`: the web app assembled explicitly — database, routes, middleware, errors.

Nothing registers itself on import: every router is listed here, in order.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from anyio import to_thread
from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from journeyline import __version__
from journeyline.errors import InvalidInput, UsageError
from journeyline.events.collector import Collectors
from journeyline.events.connect import use_temp_root
from journeyline.events.lanes import MeasuredLanes
from journeyline.events.sources import EventSources, SourceLimits
from journeyline.formats.limits import ImportLimits
from journeyline.live.rooms import LiveSettings, Rooms
from journeyline.store import sharing
from journeyline.store.database import Database, open_database
from journeyline.store.files import FileLimits, Files
from journeyline.store.throttle import PasswordThrottle
from journeyline.web.api import (
    collaboration,
    collect,
    event_sources,
    events,
    files,
    insight,
    live,
    maps,
    measured,
    notifications,
    research,
    research_surveys,
    session,
    shared,
    system,
    workshops,
    workspaces,
)
from journeyline.web.auth import TokenUses
from journeyline.web.errors import install_error_handlers
from journeyline.web.jobs import EventJobs, JobLimits
from journeyline.web.limits import BodyLimit
from journeyline.web.mail import Mailer
from journeyline.web.pages import install_app, install_docs
from journeyline.web.protocol import HttpProtocol
from journeyline.web.research_jobs import FeedbackJobs
from journeyline.web.server_secret import ServerSecret
from journeyline.web.settings import Settings
from journeyline.web.workers import Budget, WorkerPool
from journeyline.workshop.channel import WorkshopHub

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]


def frame_options(headers: list[tuple[bytes, bytes]]) -> bytes | None:
    """X-Frame-Options matching the response's CSP `frame-ancestors`: DENY unless a page
    allows framing (share pages may); SAMEORIGIN for `'self'` alone; none when other sites
    may frame it (X-Frame-Options cannot name them; the CSP does, and browsers follow it)."""
    for name, value in headers:
        if name.lower() != b"content-security-policy":
            continue
        for directive in value.decode("latin-1").split(";"):
            words = directive.split()
            if words and words[0].lower() == "frame-ancestors":
                sources = [w.lower() for w in words[1:]]
                if sources == ["'none'"]:
                    return b"DENY"
                return b"SAMEORIGIN" if sources == ["'self'"] else None
    return b"DENY"


DESCRIPTION = """The Journeyline REST API: workspaces, members and roles, maps and every element in them,
comments, votes, revisions, share links, import/export, rendering and analysis.

Sign in with a session cookie (`POST /api/auth/sign-in`; writes then need the
`X-CSRF-Token` header) or a personal API token (`Authorization: Bearer jl_…`).
Every write to a map or workspace sends `If-Match` with the revision it is based on
(the `ETag` of the last read); a stale one is refused with 409 and the changes since.
Every error has the same JSON shape: `{"error": {"status", "type", "message",
"diagnostics", "details"}}`.
"""


class SecurityHeaders:
    """Adds headers that stop browsers from sniffing types or framing the app (but the share
    pages that allow it: `frame_options`), and a
    `Server-Timing: app;dur=MS` header: the time the server spent before answering."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                spent = (time.perf_counter() - started) * 1000
                timing = (b"server-timing", f"app;dur={spent:.1f}".encode())
                headers = [*message.get("headers", []), *SECURITY_HEADERS, timing]
                framing = frame_options(headers)
                if framing is not None:
                    headers.append((b"x-frame-options", framing))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def live_settings(settings: Settings) -> LiveSettings:
    """The live rooms' settings, from the server's."""
    return LiveSettings(
        max_message_bytes=settings.live_max_message_bytes,
        max_document_bytes=settings.live_max_document_bytes,
        updates_per_second=settings.live_updates_per_second,
        quiet_seconds=settings.live_quiet_seconds,
        burst_seconds=settings.live_burst_seconds,
        compact_every=settings.live_compact_every,
        head_seconds=settings.live_head_seconds,
        close_seconds=settings.live_close_seconds,
    )


def create_app(settings: Settings | None = None, *, database: Database | None = None) -> FastAPI:
    """The web app for `settings`; opens (and migrates) the database unless one is given."""
    settings = settings or Settings()
    db = (
        database
        if database is not None
        else open_database(settings.resolved_database_url, synchronous=settings.sqlite_synchronous)
    )
    owns_database = database is None

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # Synchronous routes (the database work) run on this many worker threads.
        to_thread.current_default_thread_limiter().total_tokens = settings.worker_threads
        # SQLite: no request waits while the write-ahead log is copied into the database.
        db.checkpoint_in_background()
        threading.Thread(target=workers.warm_up, daemon=True, name="warm-up").start()
        await rooms.start()
        await live_grants.start()
        rooms.grant_listeners.append(live_grants.changed)
        db.live_rooms = rooms
        await workshop_hub.start()
        yield
        await workshop_hub.stop()
        db.live_rooms = None
        await live_grants.stop()
        await rooms.stop()
        workers.stop()
        mailer.stop()
        jobs.stop()
        app.state.feedback_jobs.stop()
        collectors.close()
        if owns_database:
            db.close()

    app = FastAPI(
        title="Journeyline",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served from the package by install_docs, not from a CDN
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    app.state.import_limits = ImportLimits.parse([settings.import_limits or ""])
    workers = WorkerPool(
        settings.worker_processes,
        Budget(settings.worker_seconds, settings.worker_memory_mb * 1_048_576),
    )
    app.state.workers = workers
    # DuckDB spills under the data dir, not `.tmp` wherever the server was started.
    use_temp_root(Path(settings.data_dir) / "duckdb-tmp")
    jobs = EventJobs(
        Path(settings.data_dir) / "event-jobs",
        JobLimits(
            concurrent=settings.event_jobs,
            queued=settings.event_job_queue,
            seconds=settings.event_job_seconds,
            memory_bytes=settings.event_job_memory_mb * 1_048_576,
        ),
    )
    app.state.event_jobs = jobs
    app.state.feedback_jobs = FeedbackJobs(Path(settings.data_dir) / "feedback-jobs", jobs.limits)
    app.state.db = db
    rooms = Rooms(db, live_settings(settings))
    app.state.live = rooms
    live_grants = live.Grants(db)
    app.state.live_grants = live_grants
    workshop_hub = WorkshopHub(db, settings.public_url)
    app.state.workshops = workshop_hub
    app.state.token_uses = TokenUses()
    mailer = Mailer(settings)
    server_secret = ServerSecret(settings)
    app.state.server_secret = server_secret
    try:
        default_framing = sharing.frame_ancestors_sources(
            settings.share_frame_ancestors, where="setting share_frame_ancestors"
        )
    except InvalidInput as error:
        raise UsageError(error.message) from None

    def share_framing(token: str) -> str:
        return sharing.share_link_framing(db, token) or default_framing

    app.state.mailer = mailer
    backend = db.engine.url.get_backend_name()
    app.state.event_sources = EventSources(
        db,
        Path(settings.data_dir) / "event-sources",
        SourceLimits(settings.event_upload_bytes),
        postgres_url=(
            db.engine.url.render_as_string(hide_password=False) if backend == "postgresql" else None
        ),
    )
    collectors = Collectors(
        Path(settings.data_dir) / "event-sources",
        compact_seconds=settings.collector_compact_seconds,
    )
    app.state.event_sources.collectors = collectors
    app.state.files = Files(
        db,
        Path(settings.data_dir) / "files",
        FileLimits(
            settings.image_upload_bytes,
            settings.attachment_upload_bytes,
            settings.image_max_pixels,
        ),
    )
    app.state.measured_lanes = MeasuredLanes(
        app.state.event_sources, Path(settings.data_dir) / "measured"
    )
    app.state.event_source_lookup = events.stored_sources(app.state.event_sources)
    from journeyline.research.repository import ResearchFiles

    app.state.research_files = ResearchFiles(
        db, Path(settings.data_dir) / "research", settings.max_upload_bytes
    )
    app.state.password_throttle = PasswordThrottle(
        db,
        attempts=settings.sign_in_attempts,
        window=dt.timedelta(minutes=settings.sign_in_window_minutes),
        account_attempts=settings.sign_in_account_attempts,
    )
    # The busiest routes first: a request is matched against the routers in this order.
    routers = (
        live.router,
        collect.router,
        workshops.channel,
        workshops.router,
        workshops.guests,
        maps.router,
        collaboration.router,
        workspaces.router,
        insight.router,
        event_sources.router,
        events.router,
        files.router,
        measured.router,
        shared.router,
        notifications.router,
        research.gate,
        research_surveys.router,
        research.router,
        session.router,
        system.router,
    )
    for router in routers:
        app.include_router(router)
    install_docs(app)
    # Last: the app's pages, and for any other page a browser asks for, the app itself.
    install_app(app, share_framing=share_framing)
    install_error_handlers(app)
    app.add_middleware(
        BodyLimit,
        max_body_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_upload_bytes,
        max_event_upload_bytes=settings.event_upload_bytes,
        max_collect_bytes=settings.collector_batch_bytes,
        max_file_bytes=max(settings.image_upload_bytes, settings.attachment_upload_bytes),
    )
    every_route = [*(r for router in routers for r in router.routes), *app.router.routes]
    app.add_middleware(HttpProtocol, routes=every_route)
    app.add_middleware(SecurityHeaders)
    # Outermost: the collector's POSTs are answered before the middleware above (speed).
    app.add_middleware(collect.CollectorFastPath, state=app.state, headers=SECURITY_HEADERS)
    return app
