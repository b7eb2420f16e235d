"""The Measured lane of a map, and what the step panel's matcher editor needs: a source's
event names and properties, suggestions, and coverage (`events.lanes`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from journeyline.events.lanes import LaneRequest, MeasuredLanes
from journeyline.store.assembled import assembled_map
from journeyline.web.api.common import CurrentActor, Db
from journeyline.web.requests import ApiRoute

router = APIRouter(prefix="/api/workspaces/{workspace_id}", tags=["measured"], route_class=ApiRoute)

SourceQuery = Annotated[
    str | None,
    Query(max_length=200, description="An event source's id (default: the map's measured_source)."),
]


def measured_lanes(request: Request) -> MeasuredLanes:
    """The app's Measured lanes."""
    lanes: MeasuredLanes = request.app.state.measured_lanes
    return lanes


@router.get(
    "/event-sources/{source_id}/event-names",
    summary="A source's event names and properties (for matchers)",
)
def event_names(
    workspace_id: str, source_id: str, request: Request, actor: CurrentActor
) -> dict[str, Any]:
    """Each event name with its events and units (most units first), and each property with
    its 20 commonest values (most events first)."""
    return measured_lanes(request).catalogue(actor, workspace_id, source_id)


@router.get("/maps/{map_id}/measured", summary="The map's Measured lane: figures per step")
def measured(
    workspace_id: str,
    map_id: str,
    request: Request,
    actor: CurrentActor,
    db: Db,
    source: SourceQuery = None,
    date_from: Annotated[
        str | None,
        Query(alias="from", max_length=40, description="First day (2024-03-01 or ISO time, UTC)."),
    ] = None,
    date_to: Annotated[
        str | None,
        Query(
            alias="to", max_length=40, description="Last day, included (or an ISO time, excluded)."
        ),
    ] = None,
    breakdown: Annotated[
        str | None, Query(max_length=200, description="Split each step by this property.")
    ] = None,
    breakdown_limit: Annotated[int, Query(ge=1, le=20, description="Values shown by name.")] = 6,
) -> dict[str, Any]:
    """Per step: units and share of entrants, conversion from the previous step and to the
    next, drop-off with the top next events, median time to the next step, weekly units;
    `stale` when these are the last figures while the changed source is measured again."""
    journey = assembled_map(db, actor, workspace_id, map_id)
    lane = LaneRequest(
        date_from=date_from or None,
        date_to=date_to or None,
        breakdown=breakdown or None,
        breakdown_limit=breakdown_limit,
    )
    return measured_lanes(request).lane(actor, workspace_id, journey, lane, source_id=source)


@router.get(
    "/maps/{map_id}/measured/suggestions",
    summary="Events whose names resemble each step's or touchpoint's",
)
def suggestions(
    workspace_id: str,
    map_id: str,
    request: Request,
    actor: CurrentActor,
    db: Db,
    source: SourceQuery = None,
) -> dict[str, Any]:
    """For each step, up to three events with a similarity score (0–1), their units, and
    whether the step's name or its touchpoint resembles them."""
    journey = assembled_map(db, actor, workspace_id, map_id)
    return measured_lanes(request).suggestions(actor, workspace_id, journey, source)


@router.get(
    "/maps/{map_id}/measured/coverage",
    summary="Steps with no matcher, and frequent events no step claims",
)
def coverage(
    workspace_id: str,
    map_id: str,
    request: Request,
    actor: CurrentActor,
    db: Db,
    source: SourceQuery = None,
) -> dict[str, Any]:
    """`steps_without_matchers`, `steps_matching_nothing`, `unclaimed_events` (done by at
    least 1 % of units) and `claimed_event_share`."""
    journey = assembled_map(db, actor, workspace_id, map_id)
    return measured_lanes(request).coverage(actor, workspace_id, journey, source)
