"""A workspace's uploaded files (avatars, step pictures, evidence attachments): upload,
list, serve, delete; and the files a share link's map names.

A served file never runs in the app's origin: `Content-Security-Policy: sandbox` with
nothing allowed, `X-Content-Type-Options: nosniff` (every response), its real type as
read from its bytes, and `Content-Disposition: attachment` for anything but an image.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Header, Query, Request, Response, UploadFile
from fastapi.responses import FileResponse

from journeyline.store.accounts import hash_secret
from journeyline.store.errors import ShareLinkLocked
from journeyline.store.files import Files, StoredFile, shared_file_key_valid
from journeyline.store.throttle import PasswordThrottle
from journeyline.web.api.common import CurrentActor
from journeyline.web.auth import client_address
from journeyline.web.requests import ApiRoute

router = APIRouter(tags=["files"], route_class=ApiRoute)

FILE_CSP = "default-src 'none'; sandbox; frame-ancestors 'self'"
"""A served file runs nothing and reaches nothing, even opened on its own (a PDF may be
framed by the app itself)."""


def files_of(request: Request) -> Files:
    """The app's file store."""
    files: Files = request.app.state.files
    return files


def _serve(files: Files, stored: StoredFile, if_none_match: str | None) -> Response:
    etag = f'"{stored.sha256}"'
    caching = {"ETag": etag, "Cache-Control": "private, max-age=31536000, immutable"}
    if if_none_match and etag in [t.strip() for t in if_none_match.split(",")]:
        return Response(status_code=304, headers=caching)
    disposition = "inline" if stored.is_image else "attachment"
    ascii_name = stored.name.encode("ascii", "replace").decode("ascii").replace('"', "_")
    headers = caching | {
        "Content-Security-Policy": FILE_CSP,
        "Content-Disposition": f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(stored.name)}",
        "Cross-Origin-Resource-Policy": "same-origin",
    }
    media_type = (
        "text/plain; charset=utf-8" if stored.media_type == "text/plain" else stored.media_type
    )
    return FileResponse(files.path_of(stored), media_type=media_type, headers=headers)


IfNoneMatch = Annotated[str | None, Header(alias="If-None-Match", include_in_schema=False)]


@router.post(
    "/api/workspaces/{workspace_id}/files", summary="Upload a file (multipart)", status_code=201
)
def upload_file(
    workspace_id: str,
    request: Request,
    actor: CurrentActor,
    file: Annotated[UploadFile, File(description="The file (its type is read from its bytes)")],
    use: Annotated[
        Literal["image", "attachment"],
        Form(
            description="image: an avatar or a step's picture (PNG, JPEG, GIF, WebP); "
            "attachment: evidence (also PDF, audio, video, plain text)"
        ),
    ] = "image",
) -> dict[str, Any]:
    """Editors. `{id, url, type, size, name, width, height}`: put `url` in a persona's
    `avatar`, a step's `image` or an evidence's `attachments`. A file of another type than
    the use accepts (whatever its name says), an SVG or HTML file, a truncated image or one
    of too many pixels gets 422; one over the size limit 413."""
    return files_of(request).upload(actor, workspace_id, file.filename, file.file, use).to_dict()


@router.get("/api/workspaces/{workspace_id}/files", summary="The workspace's uploaded files")
def list_files(workspace_id: str, request: Request, actor: CurrentActor) -> dict[str, Any]:
    """Newest first."""
    return {"files": [f.to_dict() for f in files_of(request).list(actor, workspace_id)]}


@router.get(
    "/api/workspaces/{workspace_id}/files/{file_id}",
    summary="An uploaded file's bytes",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "The file"}},
)
def get_file(
    workspace_id: str,
    file_id: str,
    request: Request,
    actor: CurrentActor,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """Members. Images inline; everything else as an attachment."""
    files = files_of(request)
    return _serve(files, files.get(actor, workspace_id, file_id), if_none_match)


@router.get(
    "/api/workspaces/{workspace_id}/files/{file_id}/about", summary="An uploaded file's metadata"
)
def about_file(
    workspace_id: str, file_id: str, request: Request, actor: CurrentActor
) -> dict[str, Any]:
    """`{id, url, type, size, name, width, height, created_at}`."""
    return files_of(request).get(actor, workspace_id, file_id).to_dict()


@router.delete(
    "/api/workspaces/{workspace_id}/files/{file_id}",
    summary="Delete an uploaded file",
    status_code=204,
    response_class=Response,
)
def delete_file(workspace_id: str, file_id: str, request: Request, actor: CurrentActor) -> Response:
    """Editors. Maps that still name it show no picture."""
    files_of(request).delete(actor, workspace_id, file_id)
    return Response(status_code=204)


@router.get(
    "/api/shared/{token}/files/{file_id}",
    summary="A file the shared map names (no sign-in)",
    tags=["sharing"],
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "The file"}},
)
def shared_file(
    token: str,
    file_id: str,
    request: Request,
    password: Annotated[
        str | None,
        Header(alias="X-Share-Password", description="The link's password, when it has one."),
    ] = None,
    if_none_match: IfNoneMatch = None,
    expires: Annotated[int | None, Query(description="With `key`: until when it works")] = None,
    key: Annotated[
        str | None,
        Query(
            max_length=64,
            description="The signature a password-protected link's view puts in its files' "
            "addresses, so a picture loads without the password header",
        ),
    ] = None,
) -> Response:
    """Only files the map (or its personas) refers to; 404 for any other. Wrong passwords
    count against the link as on `GET /api/shared/{token}`."""
    files = files_of(request)
    if key and expires is not None:
        secret = request.app.state.server_secret.key()
        if shared_file_key_valid(secret, token, file_id, expires, key):
            return _serve(files, files.shared(token, None, file_id, unlocked=True), if_none_match)
    if not password:
        return _serve(files, files.shared(token, None, file_id), if_none_match)
    throttle: PasswordThrottle = request.app.state.password_throttle
    link, address = hash_secret(token), client_address(request)
    throttle.check_share_link(link, address)
    try:
        stored = files.shared(token, password, file_id)
    except ShareLinkLocked:
        throttle.share_link_failed(link, address)
        raise
    return _serve(files, stored, if_none_match)
