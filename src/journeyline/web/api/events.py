"""Event analyses over a workspace's event sources, run as jobs (`web.jobs`).

`POST …/events/jobs` checks the request (the analysis, its options, the source, the map)
and queues it: 202 with the job and its address in `Location`. `GET …/events/jobs/{id}`
shows its state and progress, and once done its `result`: the JSON that `journeyline
events ANALYSIS --format json` prints for the same log and options.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal, Protocol

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from journeyline.errors import Diagnostic, UsageError
from journeyline.events.analyses import ANALYSES, prepare
from journeyline.events.sources import EventSources
from journeyline.events.spec import LogSpec
from journeyline.store.access import Actor, Role, require
from journeyline.store.assembled import assembled_map
from journeyline.store.database import Database
from journeyline.web.api.common import CurrentActor, Db, file_responses
from journeyline.web.jobs import EventJobs, JobRequest
from journeyline.web.requests import ApiRoute

router = APIRouter(
    prefix="/api/workspaces/{workspace_id}/events", tags=["events"], route_class=ApiRoute
)


@dataclass(frozen=True)
class ResolvedSource:
    """An event source as an analysis reads it: the file (Parquet or CSV) and how."""

    id: str
    path: str
    spec: LogSpec


class SourceLookup(Protocol):
    """Finds a workspace's event source for an actor (NotFound when there is none)."""

    def __call__(
        self, db: Database, actor: Actor, workspace_id: str, source_id: str
    ) -> ResolvedSource: ...


def stored_sources(sources: EventSources) -> SourceLookup:
    """The lookup over the workspace's stored event sources (`events.sources`): the one flat
    Parquet file a source reads as, and the spec it was read with. A collector source's
    new events are compacted first, so the job sees every acknowledged event."""

    def lookup(db: Database, actor: Actor, workspace_id: str, source_id: str) -> ResolvedSource:
        target = sources.read_target(actor, workspace_id, source_id)
        return ResolvedSource(source_id, str(target.path), target.log_spec())

    return lookup


AnalysisName = Literal[
    "reach",
    "transitions",
    "variants",
    "funnel",
    "dwell",
    "breakdown",
    "loops",
    "attribution",
    "paths",
    "overlay",
    "conformance",
    "discover",
]


class EventJobBody(BaseModel):
    """What to analyse: an analysis, a source, its options (and a map, for overlay and conformance)."""

    model_config = ConfigDict(extra="forbid")

    analysis: AnalysisName = Field(description="The analysis, as `journeyline events NAME`.")
    source: str = Field(min_length=1, max_length=200, description="The event source's id.")
    options: dict[str, Any] = Field(
        default_factory=dict,
        description="The analysis' options: the CLI's, with `_` for `-` (see GET …/events/analyses).",
    )
    map_id: str | None = Field(
        default=None, max_length=200, description="The map (overlay and conformance)."
    )


JobId = Annotated[str, Path(max_length=40, description="The job's id.")]


def event_jobs(request: Request) -> EventJobs:
    """The app's job runner."""
    jobs: EventJobs = request.app.state.event_jobs
    return jobs


def start_event_job(
    db: Database,
    jobs: EventJobs,
    lookup: SourceLookup,
    actor: Actor,
    workspace_id: str,
    body: EventJobBody,
) -> dict[str, Any]:
    """Check the request (role, source, map, options) and queue the job; its record."""
    with db.reading() as session:
        require(session, actor, workspace_id, Role.viewer)
    if ANALYSES[body.analysis].needs_map and not body.map_id:
        raise UsageError(
            f"{body.analysis} needs a map",
            [
                Diagnostic(
                    "no map_id", "map_id", hint="give the id of a map whose steps declare events"
                )
            ],
        )
    journey = assembled_map(db, actor, workspace_id, body.map_id) if body.map_id else None
    source = lookup(db, actor, workspace_id, body.source)
    options = prepare(body.analysis, body.options, journey)
    return jobs.start(
        JobRequest(
            workspace_id=workspace_id,
            analysis=body.analysis,
            options=options,
            source=source.id,
            path=source.path,
            spec=source.spec,
            journey=journey,
            map_id=body.map_id,
            started_by=actor.account_id,
        )
    )


def read_event_job(
    db: Database, jobs: EventJobs, actor: Actor, workspace_id: str, job_id: str
) -> dict[str, Any]:
    """A job of the workspace, for a member of it."""
    with db.reading() as session:
        require(session, actor, workspace_id, Role.viewer)
    return jobs.get(workspace_id, job_id)


def _location(workspace_id: str, job_id: str) -> str:
    return f"/api/workspaces/{workspace_id}/events/jobs/{job_id}"


@router.get("/analyses", summary="The event analyses and their options")
def list_analyses(workspace_id: str, actor: CurrentActor, db: Db) -> dict[str, Any]:
    """Each analysis with its options (name, type, default, help) and whether it needs a map."""
    with db.reading() as session:
        require(session, actor, workspace_id, Role.viewer)
    kinds = {str: "string", int: "integer", float: "number", bool: "boolean", list: "array"}
    return {
        "analyses": [
            {
                "name": a.name,
                "summary": a.summary,
                "needs_map": a.needs_map,
                "options": [
                    {
                        "name": key,
                        "type": kinds[o.kind],
                        "default": o.default,
                        "required": o.required,
                        "help": o.help,
                    }
                    for key, o in a.options.items()
                ],
            }
            for a in ANALYSES.values()
        ]
    }


@router.post(
    "/jobs",
    status_code=202,
    summary="Start an event analysis (a job)",
    responses={503: {"description": "Too many analyses running or waiting"}},
)
def start_job(
    workspace_id: str, body: EventJobBody, request: Request, actor: CurrentActor, db: Db
) -> JSONResponse:
    """Queued at once: 202 with the job; poll `Location` for its progress and result."""
    record = start_event_job(
        db, event_jobs(request), request.app.state.event_source_lookup, actor, workspace_id, body
    )
    return JSONResponse(
        record, status_code=202, headers={"Location": _location(workspace_id, record["id"])}
    )


@router.get("/jobs", summary="The workspace's recent event analyses")
def list_jobs(workspace_id: str, request: Request, actor: CurrentActor, db: Db) -> dict[str, Any]:
    """Newest first, without their results."""
    with db.reading() as session:
        require(session, actor, workspace_id, Role.viewer)
    return {"jobs": event_jobs(request).recent(workspace_id)}


@router.get("/jobs/{job_id}", summary="An event analysis: state, progress, result")
def get_job(
    workspace_id: str, job_id: JobId, request: Request, actor: CurrentActor, db: Db
) -> dict[str, Any]:
    """`state` is queued, running, done or failed; `progress` has a `fraction` (0 … 1) and a
    `message`; `result` (when done) is the analysis' JSON, `error` (when failed) the error
    envelope's body."""
    return read_event_job(db, event_jobs(request), actor, workspace_id, job_id)


@router.get(
    "/jobs/{job_id}/paths.svg",
    summary="A finished paths analysis drawn as a Sankey (SVG)",
    response_class=Response,
    responses=file_responses(["image/svg+xml"], "The Sankey"),
)
def paths_svg(
    workspace_id: str, job_id: JobId, request: Request, actor: CurrentActor, db: Db
) -> Response:
    """The nodes and links of a done `paths` job, drawn by the server's SVG writer."""
    from journeyline.render.sankey import render_sankey_svg
    from journeyline.web.api.insight import RENDER_CSP

    record = read_event_job(db, event_jobs(request), actor, workspace_id, job_id)
    if record["analysis"] != "paths" or record["state"] != "done":
        raise UsageError(
            f"job '{job_id}' is a {record['state']} {record['analysis']} job; only a done paths "
            "job has a Sankey"
        )
    return Response(
        render_sankey_svg(record["result"]),
        media_type="image/svg+xml",
        headers={"Content-Security-Policy": RENDER_CSP},
    )
