"""Health, the file formats the server can import and export, and the templates."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from journeyline.formats import formats
from journeyline.web.api.common import CurrentActor, Db
from journeyline.web.requests import ApiRoute

router = APIRouter(prefix="/api", tags=["system"], route_class=ApiRoute)


@router.get("/health", summary="Is the server up and its database reachable? (no sign-in needed)")
def health(db: Db) -> JSONResponse:
    """Answers without authentication; says whether the database answers and its schema revision."""
    revision = db.schema_revision()
    status = "ok" if revision else "degraded"
    return JSONResponse(
        {"status": status, "database": db.url.get_backend_name(), "schema": revision},
        status_code=200 if revision else 503,
    )


@router.get("/formats", summary="File formats for import and export")
def list_formats(_: CurrentActor) -> list[dict[str, Any]]:
    """Each format with its extensions and whether the server can import and export it."""
    return [
        {
            "name": f.name,
            "extensions": list(f.extensions),
            "description": f.description,
            "import": f.read is not None,
            "export": f.write is not None,
        }
        for f in formats()
    ]


@router.get("/templates", summary="Ready-made maps to start a workspace from")
def list_templates(_: CurrentActor) -> list[dict[str, Any]]:
    """The shipped templates (name, title, type, size)."""
    from journeyline.templates import list_templates as templates

    return [t.to_dict() for t in templates()]
