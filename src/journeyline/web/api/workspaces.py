"""Workspaces, members and roles; segments, personas, custom lanes and workspace evidence;
importing files into workspaces and exporting them."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Body, File, Query, Request, Response, UploadFile
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field
from starlette.background import BackgroundTask

from journeyline.store import assembled, folders, importing, members, transfer, workspaces
from journeyline.web.api.common import (
    CurrentActor,
    Db,
    IfMatch,
    Limits,
    Position,
    Workers,
    add_element_routes,
    file_responses,
    with_etag,
)
from journeyline.web.api.files import files_of
from journeyline.web.auth import settings_of
from journeyline.web.requests import ApiRoute

router = APIRouter(prefix="/api/workspaces", tags=["workspaces"], route_class=ApiRoute)


class NewWorkspace(BaseModel):
    """A new workspace: a name, and optionally the template to start from."""

    name: str | None = Field(
        default=None, max_length=300, description="Name (default: the template's)."
    )
    description: str | None = Field(default=None, max_length=5000)
    template: str | None = Field(
        default=None, description="Template to start from (GET /api/templates)."
    )


class NewMember(BaseModel):
    """Who to add and with which role; an unknown address gets an account and a sign-in link."""

    email: str = Field(max_length=320)
    role: str = Field(description="owner, editor, commenter or viewer")
    name: str | None = Field(default=None, max_length=200)


class RoleChange(BaseModel):
    """The member's new role."""

    role: str = Field(description="owner, editor, commenter or viewer")


@router.get("", summary="Your workspaces")
def list_workspaces(actor: CurrentActor, db: Db) -> list[dict[str, Any]]:
    """Every workspace you are a member of, with your role."""
    return workspaces.list_workspaces(db, actor)


@router.post("", summary="Create a workspace (empty or from a template)", status_code=201)
def create_workspace(body: NewWorkspace, actor: CurrentActor, db: Db) -> dict[str, Any]:
    """You become its owner."""
    source = importing.load_known_template(body.template) if body.template else None
    return workspaces.create_workspace(
        db, actor, body.name, description=body.description, source=source
    )


@router.post("/import", summary="Create a workspace from an uploaded file", status_code=201)
def import_new(
    request: Request,
    actor: CurrentActor,
    db: Db,
    workers: Workers,
    limits: Limits,
    file: Annotated[UploadFile, File()],
) -> dict[str, Any]:
    """Any format the core reads (by extension); a bad file gets its file:line diagnostics.

    Read in a worker process under the import limits (413 past one) and the worker budget.
    A `.zip` of a workspace folder brings its files too (docs/api.md, *Uploaded files*)."""
    if folders.is_folder_archive(file.filename):
        return folders.import_folder_archive(
            db,
            files_of(request),
            actor,
            file.file,
            file.filename,
            limits=limits,
            max_bytes=request.app.state.settings.max_upload_bytes,
            run=workers.run,
        )
    imported = workers.run(transfer.read_upload, file.filename, file.file.read(), limits)
    # The validation gate, as for every import (`importing.import_into`): all maps are new.
    gated = [importing.gate_import(journey, None) for journey in imported.workspace.maps]
    created = workspaces.create_workspace(
        db, actor, imported.workspace.name or file.filename, source=imported.workspace
    )
    warnings = imported.warnings + [warning for warning in gated if warning is not None]
    return created | {"warnings": [w.to_dict() for w in warnings]}


@router.get("/{workspace_id}", summary="A workspace: its document and its maps")
def get_workspace(workspace_id: str, actor: CurrentActor, db: Db) -> JSONResponse:
    """Segments, personas, lanes, evidence and the list of maps; the ETag is the workspace revision."""
    result = workspaces.get_workspace(db, actor, workspace_id)
    return with_etag(result, result["revision"])


@router.patch(
    "/{workspace_id}", summary="Change the workspace's name, description or analysis thresholds"
)
def patch_workspace(
    workspace_id: str,
    actor: CurrentActor,
    db: Db,
    changes: Annotated[dict[str, Any], Body(examples=[{"name": "Acme CX"}])],
    if_match: IfMatch = None,
) -> JSONResponse:
    """Editors; If-Match with the workspace revision."""
    result = workspaces.update_workspace(db, actor, workspace_id, if_match, changes)
    return with_etag(result, result["revision"])


@router.delete(
    "/{workspace_id}", summary="Delete the workspace and everything in it", status_code=204
)
def delete_workspace(workspace_id: str, request: Request, actor: CurrentActor) -> Response:
    """Owners only. Its uploaded files' bytes leave the data folder too (unless another
    workspace holds the same bytes), and so do its event sources' stored events and its
    research repository's survey files."""
    sources = request.app.state.event_sources
    source_ids = [source.id for source in sources.list(actor, workspace_id)]
    files_of(request).delete_workspace(actor, workspace_id)
    sources.forget_stored(source_ids)
    request.app.state.research_files.forget_workspace(workspace_id)
    return Response(status_code=204)


@router.get(
    "/{workspace_id}/revisions", summary="The workspace document's revision log, newest first"
)
def list_revisions(workspace_id: str, actor: CurrentActor, db: Db) -> JSONResponse:
    """Changes to segments, personas, lanes, evidence and the workspace's fields (maps have their own)."""
    return JSONResponse(workspaces.list_workspace_revisions(db, actor, workspace_id))


@router.post("/{workspace_id}/import", summary="Import a file's maps, personas and segments")
def import_into(
    workspace_id: str,
    request: Request,
    actor: CurrentActor,
    db: Db,
    workers: Workers,
    limits: Limits,
    file: Annotated[UploadFile, File()],
    replace: Annotated[
        bool, Query(description="Store maps whose id exists as a new revision.")
    ] = False,
) -> dict[str, Any]:
    """New ids are added; an existing map id is refused (409) unless replace=true.

    Read in a worker process under the import limits (413 past one) and the worker budget.
    A `.zip` of a workspace folder brings its files too (docs/api.md, *Uploaded files*)."""
    if folders.is_folder_archive(file.filename):
        return folders.import_folder_archive(
            db,
            files_of(request),
            actor,
            file.file,
            file.filename,
            limits=limits,
            max_bytes=request.app.state.settings.max_upload_bytes,
            workspace_id=workspace_id,
            replace_maps=replace,
            run=workers.run,
        )
    imported = workers.run(transfer.read_upload, file.filename, file.file.read(), limits)
    report = importing.import_into(db, actor, workspace_id, imported.workspace, replace=replace)
    return report | {"warnings": [w.to_dict() for w in imported.warnings] + report["warnings"]}


@router.get(
    "/{workspace_id}/export",
    summary="Export the whole workspace as a file",
    responses=file_responses(transfer.export_media_types(), "The file, as an attachment"),
)
def export_workspace(
    workspace_id: str,
    request: Request,
    actor: CurrentActor,
    db: Db,
    format: Annotated[
        str, Query(description="yaml, json, csv, xlsx, mermaid, markdown …")
    ] = "yaml",
) -> Response:
    """Download the workspace in any format the core writes; `folder`: a zip of the workspace
    folder with its uploaded files under `files/`."""
    workspace = assembled.assembled_workspace(db, actor, workspace_id)
    if format == "folder":
        archive = folders.export_folder_archive(files_of(request), workspace, workspace_id)
        return FileResponse(
            archive.path,
            media_type="application/zip",
            filename=archive.filename,
            background=BackgroundTask(archive.remove),
        )
    exported = transfer.write_export(
        workspace, format, workspace.id or workspace.name or "workspace"
    )
    return Response(
        exported.content,
        media_type=exported.media_type,
        headers={"Content-Disposition": f'attachment; filename="{exported.filename}"'},
    )


# --- members ----------------------------------------------------------------------------------


@router.get("/{workspace_id}/members", summary="Members and their roles", tags=["members"])
def list_members(workspace_id: str, actor: CurrentActor, db: Db) -> list[dict[str, Any]]:
    """Everyone in the workspace can see who else is."""
    return members.list_members(db, actor, workspace_id)


@router.post(
    "/{workspace_id}/members", summary="Add a member (owners)", status_code=201, tags=["members"]
)
def add_member(
    workspace_id: str, body: NewMember, request: Request, actor: CurrentActor, db: Db
) -> dict[str, Any]:
    """A new address gets an account and a one-time sign-in link (in `sign_in_link`) to pass on."""
    settings = settings_of(request)
    invitation = members.add_member(
        db,
        actor,
        workspace_id,
        body.email,
        body.role,
        name=body.name,
        link_lifetime=dt.timedelta(days=settings.invite_link_days),
    )
    link = (
        f"{settings.base_url}/signin/{invitation.sign_in_token}"
        if invitation.sign_in_token
        else None
    )
    return invitation.member | {"sign_in_link": link}


@router.patch(
    "/{workspace_id}/members/{account_id}",
    summary="Change a member's role (owners)",
    tags=["members"],
)
def change_role(
    workspace_id: str, account_id: str, body: RoleChange, actor: CurrentActor, db: Db
) -> dict[str, Any]:
    """The last owner cannot step down."""
    return members.change_role(db, actor, workspace_id, account_id, body.role)


@router.delete(
    "/{workspace_id}/members/{account_id}",
    summary="Remove a member (owners), or leave",
    status_code=204,
    tags=["members"],
)
def remove_member(workspace_id: str, account_id: str, actor: CurrentActor, db: Db) -> Response:
    """Anyone may remove themselves; owners may remove anyone; the last owner stays."""
    members.remove_member(db, actor, workspace_id, account_id)
    return Response(status_code=204)


# --- segments, personas, lanes, evidence ------------------------------------------------------


KIND_EXAMPLES: dict[str, dict[str, Any]] = {
    "segments": {"name": "SMB", "description": "Teams of 5–50"},
    "personas": {"name": "Priya the Product Lead", "role": "Product lead"},
    "lanes": {"name": "Regulations"},
    "evidence": {"kind": "quote", "quote": "I gave up at the card form."},
}


def _element_routes(kind: str) -> None:
    """List, add, read, change and remove one kind of workspace element."""
    label = {
        "segments": "segment",
        "personas": "persona",
        "lanes": "custom lane",
        "evidence": "evidence",
    }[kind]
    tags: list[str | Enum] = ["workspace elements"]

    def list_elements(workspace_id: str, actor: CurrentActor, db: Db) -> JSONResponse:
        revision, items = workspaces.list_workspace_elements(db, actor, workspace_id, kind)
        return with_etag(
            {"revision": revision, "items": [i.model_dump(mode="json") for i in items]}, revision
        )

    def add_element(
        workspace_id: str,
        actor: CurrentActor,
        db: Db,
        if_match: IfMatch = None,
        position: Position = None,
        data: dict[str, Any] = Body(examples=[KIND_EXAMPLES[kind]]),
    ) -> JSONResponse:
        edit = workspaces.add_workspace_element(
            db, actor, workspace_id, kind, if_match, data, position
        )
        return with_etag(edit.to_dict(), edit.revision, status_code=201)

    def get_element(
        workspace_id: str, element_id: str, actor: CurrentActor, db: Db
    ) -> JSONResponse:
        revision, element = workspaces.get_workspace_element(
            db, actor, workspace_id, kind, element_id
        )
        return with_etag(
            {"revision": revision, "element": element.model_dump(mode="json")}, revision
        )

    def patch_element(
        workspace_id: str,
        element_id: str,
        actor: CurrentActor,
        db: Db,
        if_match: IfMatch = None,
        position: Position = None,
        changes: dict[str, Any] = Body(examples=[KIND_EXAMPLES[kind]]),
    ) -> JSONResponse:
        edit = workspaces.update_workspace_element(
            db, actor, workspace_id, kind, element_id, if_match, changes, position
        )
        return with_etag(edit.to_dict(), edit.revision)

    def delete_element(
        workspace_id: str, element_id: str, actor: CurrentActor, db: Db, if_match: IfMatch = None
    ) -> JSONResponse:
        edit = workspaces.remove_workspace_element(
            db, actor, workspace_id, kind, element_id, if_match
        )
        return with_etag(edit.to_dict(), edit.revision)

    add_element_routes(
        router,
        f"/{{workspace_id}}/{kind}",
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
            "list": f"The workspace's {kind}, in order (ETag: workspace revision)",
            "add": (
                f"Add a {label} (editors; If-Match: workspace revision; "
                "id derived from the name when left out)"
            ),
            "patch": f"Change a {label}: only the fields sent change; ids cannot (editors; If-Match)",
            "delete": f"Remove a {label}; refused (422) while a map refers to it (editors; If-Match)",
        },
    )


for _kind in ("segments", "personas", "lanes", "evidence"):
    _element_routes(_kind)


__all__ = ["router"]
