"""Journey maps and every element in them, each write guarded by If-Match; the revision log."""

from __future__ import annotations

import inspect
from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from journeyline.store import assembled, importing, maps, transfer
from journeyline.store.revisions import etag
from journeyline.web.api.common import (
    MAX_INTEGER,
    CurrentActor,
    Db,
    IfMatch,
    Position,
    RevisionNumber,
    add_element_routes,
    file_responses,
    with_etag,
)
from journeyline.web.requests import ApiRoute

router = APIRouter(
    prefix="/api/workspaces/{workspace_id}/maps", tags=["maps"], route_class=ApiRoute
)

MapBody = Annotated[
    dict[str, Any],
    Body(
        description="The map's keys as in the file format (name, personas, stages, pain_points …).",
        examples=[
            {
                "name": "Trial to paid",
                "stages": [{"name": "Sign up", "steps": [{"name": "Fill the form"}]}],
            }
        ],
    ),
]


@router.get("", summary="The workspace's maps")
def list_maps(workspace_id: str, actor: CurrentActor, db: Db) -> JSONResponse:
    """Id, name, revision and last change of each map."""
    return JSONResponse(maps.list_maps(db, actor, workspace_id))


@router.post("", summary="Create a map", status_code=201)
def create_map(workspace_id: str, data: MapBody, actor: CurrentActor, db: Db) -> JSONResponse:
    """Editors. Its personas and segment must exist in the workspace; ids are derived from names."""
    state = maps.create_map(db, actor, workspace_id, maps.parse_map(data))
    return with_etag(state.to_dict(), state.revision, status_code=201)


class NewMapFromTemplate(BaseModel):
    """Which template to start from, and optionally the new map's name."""

    template: str = Field(max_length=200, description="A template's name (GET /api/templates).")
    name: str | None = Field(
        default=None, max_length=300, description="The new map's name (default: the template's)."
    )


@router.post(
    "/from-template",
    summary="Create a map from a template (adding the personas and segments it needs)",
    status_code=201,
)
def create_map_from_template(
    workspace_id: str, body: NewMapFromTemplate, actor: CurrentActor, db: Db
) -> JSONResponse:
    """Editors. Personas, segments, custom lanes and evidence the workspace lacks (by id) are
    added to it; ones it has are used as they are. Answers like creating a map, plus
    `from_template`: what was added and what was reused, and the workspace's new revision."""
    made = importing.create_map_from_template(db, actor, workspace_id, body.template, body.name)
    return with_etag(made.to_dict(), made.state.revision, status_code=201)


@router.get("/{map_id}", summary="A map, whole; the ETag is its revision")
async def get_map(workspace_id: str, map_id: str, actor: CurrentActor, db: Db) -> Response:
    """Send the ETag back as If-Match with your next change. `map` is the document as
    written; `tallies` assembles it as every view shows it (`votes[id].total`: written votes
    plus dot votes cast in the app; `mine`, open `comments` and `evidence` links per element)."""
    # A cached revision is answered on the event loop; parsing one goes to a worker thread.
    state = assembled.cached_map_read(db, actor, workspace_id, map_id)
    if state is None:
        state = await run_in_threadpool(assembled.map_read, db, actor, workspace_id, map_id)
    return Response(
        state.json_body(), media_type="application/json", headers={"ETag": etag(state.revision)}
    )


@router.put("/{map_id}", summary="Replace the whole map")
def replace_map(
    workspace_id: str,
    map_id: str,
    data: MapBody,
    actor: CurrentActor,
    db: Db,
    if_match: IfMatch = None,
) -> JSONResponse:
    """Editors; If-Match. The map keeps the id in the address."""
    state = maps.replace_map(db, actor, workspace_id, map_id, if_match, maps.parse_map(data))
    return with_etag(state.to_dict(), state.revision)


@router.patch(
    "/{map_id}", summary="Change the map's own fields (name, scenario, goal, lanes, backstory …)"
)
def patch_map(
    workspace_id: str,
    map_id: str,
    actor: CurrentActor,
    db: Db,
    changes: Annotated[
        dict[str, Any], Body(examples=[{"scenario": "Upgrading before the trial ends"}])
    ],
    if_match: IfMatch = None,
) -> JSONResponse:
    """Editors; If-Match. Stages, steps, pain points, opportunities and evidence have their own endpoints."""
    state = maps.patch_map(db, actor, workspace_id, map_id, if_match, changes)
    return with_etag(state.to_dict(), state.revision)


@router.delete(
    "/{map_id}",
    summary="Delete a map with its revisions, comments, votes and share links",
    status_code=204,
)
def delete_map(
    workspace_id: str, map_id: str, actor: CurrentActor, db: Db, if_match: IfMatch = None
) -> Response:
    """Editors; If-Match."""
    maps.delete_map(db, actor, workspace_id, map_id, if_match)
    return Response(status_code=204)


@router.get(
    "/{map_id}/export",
    summary="Export one map (with the personas it names) as a file",
    responses=file_responses(transfer.export_media_types(), "The file, as an attachment"),
)
def export_map(
    workspace_id: str,
    map_id: str,
    request: Request,
    actor: CurrentActor,
    db: Db,
    format: Annotated[
        str, Query(description="yaml, json, csv, xlsx, mermaid, markdown …")
    ] = "yaml",
) -> Response:
    """Any format the core writes, of the assembled map (an opportunity's `votes` in the file
    is its shown total: written votes plus dot votes cast in the app)."""
    workspace = assembled.assembled_context(db, actor, workspace_id, map_id)
    lanes = request.app.state.measured_lanes
    workspace.maps[0] = lanes.with_snapshot(workspace_id, workspace.maps[0])
    exported = transfer.write_export(workspace, format, map_id)
    return Response(
        exported.content,
        media_type=exported.media_type,
        headers={"Content-Disposition": f'attachment; filename="{exported.filename}"'},
    )


# --- revisions ----------------------------------------------------------------------------------


@router.get(
    "/{map_id}/revisions", summary="The map's revision log, newest first", tags=["revisions"]
)
def list_revisions(
    workspace_id: str,
    map_id: str,
    actor: CurrentActor,
    db: Db,
    author: Annotated[
        str | None, Query(max_length=200, description="Only this person's entries (by name).")
    ] = None,
    labelled: Annotated[bool, Query(description="Only the versions people named.")] = False,
) -> list[dict[str, Any]]:
    """Number, time, author, a one-line summary in words and the version's name (or null)."""
    return maps.list_revisions(db, actor, workspace_id, map_id, author=author, labelled=labelled)


class RevisionLabel(BaseModel):
    """A name for one version of the map; null or blank removes it."""

    label: str | None = Field(max_length=1000, examples=["After the May workshop"])


@router.put(
    "/{map_id}/revisions/{number}/label",
    summary="Name one version of the map",
    tags=["revisions"],
)
def label_revision(
    workspace_id: str,
    map_id: str,
    number: RevisionNumber,
    data: RevisionLabel,
    actor: CurrentActor,
    db: Db,
) -> dict[str, Any]:
    """Editors name a version ("After the May workshop"); the map itself does not change."""
    return maps.label_revision(db, actor, workspace_id, map_id, number, data.label)


@router.get(
    "/{map_id}/revisions/{number}", summary="The map as it was at one revision", tags=["revisions"]
)
def get_revision(
    workspace_id: str, map_id: str, number: RevisionNumber, actor: CurrentActor, db: Db
) -> dict[str, Any]:
    """The whole map at that revision."""
    return maps.get_revision(db, actor, workspace_id, map_id, number).to_dict()


@router.get("/{map_id}/diff", summary="What changed between two revisions", tags=["revisions"])
def diff(
    workspace_id: str,
    map_id: str,
    actor: CurrentActor,
    db: Db,
    from_revision: Annotated[
        int, Query(alias="from", ge=1, le=MAX_INTEGER, description="The older revision.")
    ],
    to_revision: Annotated[
        int | None,
        Query(alias="to", ge=1, le=MAX_INTEGER, description="The newer one (default: now)."),
    ] = None,
) -> dict[str, Any]:
    """Element by element: added, removed, changed and moved, each with a path of ids and a
    `description` in words ("Renamed step 'Sign up' to 'Create account'")."""
    changes = maps.worded_diff(db, actor, workspace_id, map_id, from_revision, to_revision)
    return {"from": from_revision, "to": to_revision, "changes": changes}


@router.post(
    "/{map_id}/revisions/{number}/restore",
    summary="Make an earlier revision current again",
    tags=["revisions"],
)
def restore(
    workspace_id: str,
    map_id: str,
    number: RevisionNumber,
    actor: CurrentActor,
    db: Db,
    if_match: IfMatch = None,
) -> JSONResponse:
    """Editors; If-Match. The restore is a new revision: nothing in the log is lost."""
    state = maps.restore_revision(db, actor, workspace_id, map_id, number, if_match)
    return with_etag(state.to_dict(), state.revision)


# --- elements -----------------------------------------------------------------------------------

StageQuery = Annotated[
    str | None,
    Query(
        description="Id of the stage the step goes into (required when adding a step; moves it when changing)."
    ),
]

ELEMENT_EXAMPLES: dict[str, dict[str, Any]] = {
    "stages": {"name": "Onboarding", "goal": "Get value on day one"},
    "steps": {"name": "Sign up", "channel": "web", "emotion": -1, "feels": "Wary of the long form"},
    "pain_points": {
        "name": "The card form rejects valid cards",
        "step": "pay",
        "impact": "abandon",
    },
    "opportunities": {"name": "Accept wallets", "pain_points": ["card-form"], "effort": "m"},
    "evidence": {"kind": "quote", "quote": "I gave up at the card form.", "links": ["pay"]},
}
LABELS = {
    "stages": "stage",
    "steps": "step",
    "pain_points": "pain point",
    "opportunities": "opportunity",
    "evidence": "piece of evidence",
}


def _element_routes(kind: str) -> None:
    """List, add, read, change and remove one kind of map element."""
    label = LABELS[kind]
    tags: list[str | Enum] = ["map elements"]
    is_step = kind == "steps"

    async def list_elements(
        workspace_id: str, map_id: str, actor: CurrentActor, db: Db
    ) -> JSONResponse:
        # As get_map: a cached revision is answered on the event loop.
        cached = maps.cached_map(db, actor, workspace_id, map_id)
        if cached is not None:
            state, items = cached, maps.elements_of(cached, kind)
        else:
            state, items = await run_in_threadpool(
                maps.list_elements, db, actor, workspace_id, map_id, kind
            )
        content = {"revision": state.revision, "items": maps.element_data(state, kind, items)}
        if is_step:
            content["stages"] = {s.id: [step.id for step in s.steps] for s in state.journey.stages}
        return with_etag(content, state.revision)

    def add_element(
        workspace_id: str,
        map_id: str,
        actor: CurrentActor,
        db: Db,
        if_match: IfMatch = None,
        position: Position = None,
        stage: StageQuery = None,
        data: dict[str, Any] = Body(examples=[ELEMENT_EXAMPLES[kind]]),
    ) -> JSONResponse:
        edit = maps.add_element(
            db, actor, workspace_id, map_id, kind, if_match, data, stage=stage, position=position
        )
        return with_etag(edit.to_dict(), edit.state.revision, status_code=201)

    def get_element(
        workspace_id: str, map_id: str, element_id: str, actor: CurrentActor, db: Db
    ) -> JSONResponse:
        state, element = maps.get_element(db, actor, workspace_id, map_id, kind, element_id)
        content: dict[str, Any] = {
            "revision": state.revision,
            "element": element.model_dump(mode="json"),
        }
        if is_step:
            holder = state.journey.stage_of(element_id)
            content["stage"] = holder.id if holder else None
        return with_etag(content, state.revision)

    def patch_element(
        workspace_id: str,
        map_id: str,
        element_id: str,
        actor: CurrentActor,
        db: Db,
        if_match: IfMatch = None,
        position: Position = None,
        stage: StageQuery = None,
        changes: dict[str, Any] = Body(examples=[ELEMENT_EXAMPLES[kind]]),
    ) -> JSONResponse:
        edit = maps.update_element(
            db,
            actor,
            workspace_id,
            map_id,
            kind,
            element_id,
            if_match,
            changes,
            stage=stage,
            position=position,
        )
        return with_etag(edit.to_dict(), edit.state.revision)

    def delete_element(
        workspace_id: str,
        map_id: str,
        element_id: str,
        actor: CurrentActor,
        db: Db,
        if_match: IfMatch = None,
    ) -> JSONResponse:
        edit = maps.remove_element(db, actor, workspace_id, map_id, kind, element_id, if_match)
        return with_etag(edit.to_dict(), edit.state.revision)

    if not is_step:
        # Only steps live in a stage: the others' endpoints take no `stage` parameter.
        for endpoint in (add_element, patch_element):
            signature = inspect.signature(endpoint)
            params = [p for p in signature.parameters.values() if p.name != "stage"]
            endpoint.__signature__ = signature.replace(parameters=params)  # type: ignore[union-attr]

    moved = " and `stage`/`position` move it" if is_step else "; `position` moves it"
    add_element_routes(
        router,
        f"/{{map_id}}/{kind}",
        kind,
        label,
        tags,
        {
            "list": list_elements,
            "add": add_element,
            "get": get_element,
            "patch": patch_element,
            "delete": delete_element,
        },
        {
            "list": f"The map's {kind.replace('_', ' ')}, in order (ETag: map revision)",
            "add": f"Add a {label} (editors; If-Match: map revision)",
            "patch": f"Change a {label}: only the fields sent change{moved} (editors; If-Match)",
            "delete": f"Remove a {label}; refused (422) while something refers to it (editors; If-Match)",
        },
    )


for _kind in ("stages", "steps", "pain_points", "opportunities", "evidence"):
    _element_routes(_kind)
