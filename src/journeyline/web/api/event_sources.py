"""A workspace's event sources: upload a file, read a server path, URL or PostgreSQL table
(admins), or receive events from the collector; list, refresh, rename and delete them."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from journeyline.errors import InvalidInput
from journeyline.events.sources import EventSources, field_problem
from journeyline.web.api.common import CurrentActor
from journeyline.web.requests import ApiRoute

router = APIRouter(
    prefix="/api/workspaces/{workspace_id}/event-sources",
    tags=["event sources"],
    route_class=ApiRoute,
)


def event_sources(request: Request) -> EventSources:
    """The app's event sources."""
    sources: EventSources = request.app.state.event_sources
    return sources


EventSourcesDep = Annotated[EventSources, Depends(event_sources)]
"""The app's event sources (`journeyline.events.sources.EventSources`)."""


class Options(BaseModel):
    """How to read the events: the CLI's --preset, --unit-col, --event-col, --time-col …"""

    model_config = ConfigDict(extra="forbid")
    preset: str | None = Field(
        None, description="generic, segment, mixpanel, amplitude, ga4 or xes (default: detected)"
    )
    unit_col: str | None = Field(None, description="The unit column (who), e.g. properties.user")
    event_col: str | None = Field(None, description="The event column (what)")
    time_col: str | None = Field(None, description="The timestamp column (when)")
    time_unit: str | None = Field(None, description="auto, s, ms, us or ns for numeric times")
    session_col: str | None = Field(None, description="A session id column")


class NewSource(BaseModel):
    """A source that reads what the server reaches (admins), or a collector."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["path", "url", "postgres", "collector"]
    location: str | None = Field(
        None,
        max_length=4000,
        description="path: an absolute server path; url: an http(s) URL of Parquet, CSV or "
        "JSON; postgres: TABLE or SCHEMA.TABLE in the server's PostgreSQL",
    )
    name: str | None = Field(None, max_length=300)
    options: Options | None = None


class SourceChange(BaseModel):
    """What a PATCH may change."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(..., max_length=300)


def _options(raw: Options | None) -> dict[str, Any]:
    return raw.model_dump(exclude_none=True) if raw else {}


@router.get("", summary="The workspace's event sources")
def list_sources(
    workspace_id: str, actor: CurrentActor, sources: EventSourcesDep
) -> dict[str, Any]:
    """Each with its date range, units, events, the preset it was read with and when it was
    refreshed."""
    return {"sources": [s.to_dict() for s in sources.list(actor, workspace_id)]}


@router.post("/upload", summary="Upload an event file as a new source", status_code=201)
def upload_source(
    workspace_id: str,
    actor: CurrentActor,
    sources: EventSourcesDep,
    file: Annotated[UploadFile, File(description="CSV, Parquet, JSON (lines), zip or XES")],
    name: Annotated[str | None, Form(max_length=300)] = None,
    options: Annotated[
        str | None,
        Form(description='Reading options as JSON, e.g. {"preset": "mixpanel"}'),
    ] = None,
) -> dict[str, Any]:
    """The file is saved to disk in chunks and converted once to Parquet; a file that cannot
    be read is refused with what is wrong and where, and nothing is kept."""
    parsed: dict[str, Any] = {}
    if options:
        try:
            loaded = json.loads(options)
        except ValueError as error:
            raise InvalidInput(
                f"the options field is not JSON ({error})", [field_problem("options", "not JSON")]
            ) from error
        if not isinstance(loaded, dict):
            raise InvalidInput(
                "the options field must be a JSON object",
                [field_problem("options", "not an object")],
            )
        parsed = loaded
    source = sources.create_upload(
        actor, workspace_id, file.filename, file.file, name=name, options=parsed
    )
    return source.to_dict()


@router.post(
    "",
    summary="A source from a server path, URL or table (admins), or a collector",
    status_code=201,
)
def create_source(
    workspace_id: str, body: NewSource, actor: CurrentActor, sources: EventSourcesDep
) -> dict[str, Any]:
    """path, url and postgres read what the server reaches, so only server admins may add
    them; a collector receives events sent with its write key (editors)."""
    if body.kind == "collector":
        source = sources.create_collector(actor, workspace_id, body.name or "Collected events")
        result = source.to_dict()
        result["collector"]["write_key"] = sources.write_key(actor, workspace_id, source.id)
        return result
    source = sources.create_location(
        actor,
        workspace_id,
        kind=body.kind,
        location=body.location or "",
        name=body.name,
        options=_options(body.options),
    )
    return source.to_dict()


@router.get("/{source_id}", summary="One event source")
def get_source(
    workspace_id: str, source_id: str, actor: CurrentActor, sources: EventSourcesDep
) -> dict[str, Any]:
    """What its last refresh found."""
    return sources.get(actor, workspace_id, source_id).to_dict()


@router.patch("/{source_id}", summary="Rename an event source")
def rename_source(
    workspace_id: str,
    source_id: str,
    body: SourceChange,
    actor: CurrentActor,
    sources: EventSourcesDep,
) -> dict[str, Any]:
    """Editors and up."""
    return sources.rename(actor, workspace_id, source_id, body.name).to_dict()


@router.post("/{source_id}/refresh", summary="Read an event source again")
def refresh_source(
    workspace_id: str, source_id: str, actor: CurrentActor, sources: EventSourcesDep
) -> dict[str, Any]:
    """A path, URL or table is read from where it is; a collector compacts what it received.
    A failed refresh keeps the previous events and says why."""
    return sources.refresh(actor, workspace_id, source_id).to_dict()


@router.delete("/{source_id}", summary="Delete an event source and its events", status_code=204)
def delete_source(
    workspace_id: str, source_id: str, actor: CurrentActor, sources: EventSourcesDep
) -> Response:
    """Editors and up; the stored events are removed too."""
    sources.delete(actor, workspace_id, source_id)
    return Response(status_code=204)


@router.get("/{source_id}/write-key", summary="A collector's write key and endpoint")
def get_write_key(
    workspace_id: str,
    source_id: str,
    request: Request,
    actor: CurrentActor,
    sources: EventSourcesDep,
) -> dict[str, Any]:
    """Editors and up. Send it as Segment does: HTTP Basic, the key as user name, no password."""
    key = sources.write_key(actor, workspace_id, source_id)
    return _key_answer(request, key)


@router.post("/{source_id}/write-key", summary="Replace a collector's write key")
def rotate_write_key(
    workspace_id: str,
    source_id: str,
    request: Request,
    actor: CurrentActor,
    sources: EventSourcesDep,
) -> dict[str, Any]:
    """The old key stops working at once."""
    key = sources.write_key(actor, workspace_id, source_id, rotate=True)
    return _key_answer(request, key)


def _key_answer(request: Request, key: str) -> dict[str, Any]:
    base = request.app.state.settings.public_url or str(request.base_url)
    return {
        "write_key": key,
        "endpoint": base.rstrip("/") + "/api/collect/v1/batch",
        "api_host": base.rstrip("/") + "/api/collect",
    }
