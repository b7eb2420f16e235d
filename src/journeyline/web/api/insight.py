"""Analyses of a stored map: findings, ranked opportunities, AS-IS vs TO-BE, stakeholder summary."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse, Response

from journeyline.errors import UsageError
from journeyline.store import insight
from journeyline.web.api.common import CurrentActor, Db, Workers, file_responses
from journeyline.web.api.files import files_of
from journeyline.web.requests import ApiRoute

router = APIRouter(
    prefix="/api/workspaces/{workspace_id}/maps/{map_id}", tags=["analysis"], route_class=ApiRoute
)


@router.get("/analysis", summary="Findings: sentiment drops, troughs, gaps, unsupported claims …")
def analyze(workspace_id: str, map_id: str, actor: CurrentActor, db: Db) -> dict[str, Any]:
    """Every finding in journey order, with the workspace's analysis thresholds applied."""
    return insight.analyze(db, actor, workspace_id, map_id)


@router.get("/priorities", summary="Opportunities ranked by impact, reach, effort and votes")
def priorities(
    workspace_id: str,
    map_id: str,
    actor: CurrentActor,
    db: Db,
    include_done: Annotated[
        bool, Query(description="Also rank opportunities that are done.")
    ] = False,
) -> dict[str, Any]:
    """The team's online dot votes count together with the votes written in the map."""
    return insight.priorities(db, actor, workspace_id, map_id, include_done=include_done)


@router.get("/compare", summary="This map (TO-BE) against a current-state map (AS-IS)")
def compare(
    workspace_id: str,
    map_id: str,
    actor: CurrentActor,
    db: Db,
    asis: Annotated[
        str | None, Query(description="The AS-IS map (default: this map's based_on).")
    ] = None,
) -> dict[str, Any]:
    """Steps removed, pain points resolved, sentiment lift."""
    return insight.compare(db, actor, workspace_id, map_id, asis)


@router.get(
    "/summary",
    summary="The stakeholder summary (JSON or Markdown)",
    responses=file_responses(
        ["application/json", "text/markdown"], "The summary, as JSON or Markdown"
    ),
)
def summary(
    workspace_id: str,
    map_id: str,
    actor: CurrentActor,
    db: Db,
    format: Annotated[Literal["json", "markdown"], Query()] = "json",
) -> Response:
    """Highest-impact pain points, opportunities, teams to tell, and the action plan."""
    result = insight.summary(db, actor, workspace_id, map_id)
    if format == "markdown":
        return PlainTextResponse(result.to_markdown(), media_type="text/markdown; charset=utf-8")
    from fastapi.responses import JSONResponse

    return JSONResponse(result.to_dict())


RENDER_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data: https:"
"""A rendered SVG opened on its own runs nothing and reaches nothing: no script, no form,
no same-origin access (sandbox); only its inline styles and its pictures."""


@router.get(
    "/render.{fmt}",
    summary="The map drawn as SVG, PNG or PDF",
    response_class=Response,
    responses=file_responses(
        sorted(insight.MEDIA_TYPES.values()), "The drawing (PNG and PDF need Chromium)"
    ),
)
def render(
    workspace_id: str,
    map_id: str,
    fmt: str,
    request: Request,
    actor: CurrentActor,
    db: Db,
    workers: Workers,
    paper: Annotated[
        Literal["fit", "A4", "A3"],
        Query(description="PDF pages: the whole map on one page (fit) or landscape A4/A3 pages."),
    ] = "fit",
    persona: Annotated[
        str | None, Query(description="Draw this persona's sentiment line (multi-persona maps).")
    ] = None,
) -> Response:
    """Stages as columns, lanes as rows, the sentiment line across the steps."""
    if fmt not in ("svg", "png", "pdf"):
        raise UsageError(f"cannot render as '{fmt}' (svg, png or pdf)")
    workspace, journey = insight.render_source(db, actor, workspace_id, map_id, fmt)
    # Uploaded pictures go in as data URIs: the drawing reaches no network.
    workspace = files_of(request).embed_images(workspace, workspace_id)
    journey = workspace.journey(journey.id or "") or workspace.maps[0]
    journey = request.app.state.measured_lanes.with_snapshot(workspace_id, journey)
    # Drawn in a worker under the budget; PNG and PDF start Chromium, which reserves far
    # more address space than it uses, so only their deadline holds.
    content, media_type = workers.run(
        insight.draw, workspace, journey, fmt, paper=paper, persona=persona, capped=fmt == "svg"
    )
    headers = {"Content-Security-Policy": RENDER_CSP} if fmt == "svg" else None
    return Response(content, media_type=media_type, headers=headers)
