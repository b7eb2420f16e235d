"""What every API route shares: the signed-in actor, the database, and JSON with an ETag."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Header, Query
from fastapi.responses import JSONResponse

from journeyline.store.access import Actor
from journeyline.store.database import Database
from journeyline.store.maps import etag
from journeyline.web.auth import current_actor, database

CurrentActor = Annotated[Actor, Depends(current_actor)]
"""The signed-in account (401 without credentials)."""

Db = Annotated[Database, Depends(database)]
"""The app's database."""

IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description='The revision this change is based on: the ETag of your last read, e.g. "3". '
        "Required on every write to a map or workspace document; a stale one gets 409.",
    ),
]

Position = Annotated[
    int | None,
    Query(ge=0, description="Where to put the element in its list (0 = first; default: last)."),
]

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "Bad request (error envelope)"},
    401: {"description": "Not signed in (error envelope)"},
    403: {"description": "Your role does not allow this (error envelope)"},
    404: {"description": "Not found, or not visible to you (error envelope)"},
    422: {"description": "Invalid input, with diagnostics (error envelope)"},
}


def with_etag(content: Any, revision: int, status_code: int = 200) -> JSONResponse:
    """JSON with the revision as ETag, for the next If-Match."""
    return JSONResponse(content, status_code=status_code, headers={"ETag": etag(revision)})
