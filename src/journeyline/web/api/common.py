"""What every API route shares: the signed-in actor, the database, and JSON with an ETag."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import JSONResponse

from journeyline.formats.limits import ImportLimits
from journeyline.store.access import Actor
from journeyline.store.database import Database
from journeyline.store.revisions import etag
from journeyline.web.auth import current_actor, database
from journeyline.web.workers import WorkerPool

CurrentActor = Annotated[Actor, Depends(current_actor)]
"""The signed-in account (401 without credentials)."""

Db = Annotated[Database, Depends(database)]
"""The app's database."""


def worker_pool(request: Request) -> WorkerPool:
    """The app's worker processes (imports and renders run there, under a budget)."""
    pool: WorkerPool = request.app.state.workers
    return pool


Workers = Annotated[WorkerPool, Depends(worker_pool)]
"""The app's worker processes."""


def import_limits(request: Request) -> ImportLimits:
    """The import limits of the server's `import_limits` setting."""
    limits: ImportLimits = request.app.state.import_limits
    return limits


Limits = Annotated[ImportLimits, Depends(import_limits)]
"""The import limits uploads are read under."""

IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description='The revision this change is based on: the ETag of your last read, e.g. "3". '
        "Required on every write to a map or workspace document; a stale one gets 409.",
    ),
]

MAX_INTEGER = 2**31 - 1
"""The largest integer a path or query takes: what both stores hold in an integer column
(revision numbers are 32-bit on PostgreSQL)."""

Position = Annotated[
    int | None,
    Query(
        ge=0,
        le=MAX_INTEGER,
        description="Where to put the element in its list (0 = first; default: last).",
    ),
]

RevisionNumber = Annotated[
    int, Path(ge=1, le=MAX_INTEGER, description="A revision number (1 = the first).")
]


def file_responses(media_types: list[str], description: str) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI of a 200 that answers a file in one of `media_types` (JSON and YAML as
    any document: the file format's schema is published on its own)."""
    content = {
        media_type: {"schema": {} if media_type.endswith(("/json", "/yaml")) else BINARY}
        for media_type in media_types
    }
    return {200: {"description": description, "content": content}}


BINARY = {"type": "string", "format": "binary"}


def with_etag(content: Any, revision: int, status_code: int = 200) -> JSONResponse:
    """JSON with the revision as ETag, for the next If-Match."""
    return JSONResponse(content, status_code=status_code, headers={"ETag": etag(revision)})


def add_element_routes(
    router: APIRouter,
    base: str,
    kind: str,
    label: str,
    tags: list[str | Enum],
    endpoints: dict[str, Callable[..., Any]],
    summaries: dict[str, str],
) -> None:
    """The five routes of one kind of element: list and add at `base`, get/patch/delete by id.

    `endpoints` and `summaries` are keyed by "list", "add", "get", "patch" and "delete".
    """
    one = f"{base}/{{element_id}}"
    routes = (
        ("list", base, "GET", 200),
        ("add", base, "POST", 201),
        ("get", one, "GET", 200),
        ("patch", one, "PATCH", 200),
        ("delete", one, "DELETE", 200),
    )
    for action, path, method, status in routes:
        router.add_api_route(
            path,
            endpoints[action],
            methods=[method],
            tags=tags,
            status_code=status,
            name=f"{action}_{kind}",
            summary=summaries.get(action, f"One {label}"),
        )
