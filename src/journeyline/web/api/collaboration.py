"""Comments, dot votes and share links on a map."""

from __future__ import annotations

import datetime as dt
import html
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from journeyline.store import collaboration, sharing
from journeyline.web.api.common import CurrentActor, Db
from journeyline.web.api.notifications import mention_hook
from journeyline.web.auth import settings_of
from journeyline.web.requests import ApiRoute
from journeyline.web.server_secret import ServerSecret

router = APIRouter(prefix="/api/workspaces/{workspace_id}/maps/{map_id}", route_class=ApiRoute)


class NewComment(BaseModel):
    """A comment on the map, or on one element (`target`: its id)."""

    body: str = Field(max_length=10_000)
    target: str | None = Field(
        default=None, max_length=200, description="Id of the element commented on."
    )


class CommentChange(BaseModel):
    """New text (author only) and/or resolved state (author or editor)."""

    body: str | None = Field(default=None, max_length=10_000)
    resolved: bool | None = None


class NewShareLink(BaseModel):
    """A read-only link: optional label, expiry and password."""

    label: str = Field(default="", max_length=200)
    expires_at: dt.datetime | None = Field(
        default=None, description="When the link stops working (ISO 8601)."
    )
    expires_in_days: float | None = Field(
        default=None, gt=0, le=3650, description="Or: days from now."
    )
    password: str | None = Field(
        default=None, max_length=200, description="Visitors must give it (6+ characters)."
    )
    frame_ancestors: str | None = Field(
        default=None,
        max_length=500,
        description="Sites that may embed the link's page (a CSP frame-ancestors source list, "
        "e.g. `https://wiki.example.org`); left out: the server's `share_frame_ancestors`.",
    )


class ShareLinkChange(BaseModel):
    """A new label, or who may embed the link (null: back to the server's setting)."""

    label: str | None = Field(default=None, max_length=200)
    frame_ancestors: str | None = Field(default=None, max_length=500)


@router.get("/comments", summary="The map's comments, oldest first", tags=["comments"])
def list_comments(
    workspace_id: str,
    map_id: str,
    actor: CurrentActor,
    db: Db,
    target: Annotated[str | None, Query(description="Only comments on this element.")] = None,
) -> JSONResponse:
    """Everyone in the workspace can read them."""
    return JSONResponse(collaboration.list_comments(db, actor, workspace_id, map_id, target))


@router.post(
    "/comments",
    summary="Comment on the map or one of its elements",
    status_code=201,
    tags=["comments"],
)
def add_comment(
    workspace_id: str,
    map_id: str,
    body: NewComment,
    request: Request,
    actor: CurrentActor,
    db: Db,
) -> dict[str, Any]:
    """Commenters and above. `@name` (a member's name or e-mail address) notifies that
    member, in the app and, when the server has SMTP set up, by e-mail; `mentioned` lists
    who was notified (a name that is no member's stays plain text)."""
    return collaboration.add_comment(
        db,
        actor,
        workspace_id,
        map_id,
        body.body,
        body.target,
        on_mention=mention_hook(request),
    )


@router.patch("/comments/{comment_id}", summary="Edit or resolve a comment", tags=["comments"])
def change_comment(
    workspace_id: str,
    map_id: str,
    comment_id: str,
    body: CommentChange,
    request: Request,
    actor: CurrentActor,
    db: Db,
) -> dict[str, Any]:
    """The author edits the text (newly @mentioned members are notified); the author or an
    editor resolves it (`resolved: true`) or reopens it (`resolved: false`)."""
    return collaboration.update_comment(
        db,
        actor,
        workspace_id,
        map_id,
        comment_id,
        body=body.body,
        resolved=body.resolved,
        on_mention=mention_hook(request),
    )


@router.delete(
    "/comments/{comment_id}", summary="Delete a comment", status_code=204, tags=["comments"]
)
def delete_comment(
    workspace_id: str, map_id: str, comment_id: str, actor: CurrentActor, db: Db
) -> Response:
    """Its author or an editor."""
    collaboration.delete_comment(db, actor, workspace_id, map_id, comment_id)
    return Response(status_code=204)


@router.get("/votes", summary="Dot votes per element, most first", tags=["votes"])
def list_votes(workspace_id: str, map_id: str, actor: CurrentActor, db: Db) -> JSONResponse:
    """With `mine`: whether you voted for it."""
    return JSONResponse(collaboration.list_votes(db, actor, workspace_id, map_id))


@router.put("/votes/{target}", summary="Put your dot on an element", tags=["votes"])
def vote(
    workspace_id: str, map_id: str, target: str, actor: CurrentActor, db: Db
) -> dict[str, Any]:
    """Commenters and above; voting twice for the same element counts once."""
    return collaboration.cast_vote(db, actor, workspace_id, map_id, target)


@router.delete("/votes/{target}", summary="Take your dot off an element", tags=["votes"])
def unvote(
    workspace_id: str, map_id: str, target: str, actor: CurrentActor, db: Db
) -> dict[str, Any]:
    """Commenters and above."""
    return collaboration.withdraw_vote(db, actor, workspace_id, map_id, target)


def _key(request: Request) -> bytes:
    secret: ServerSecret = request.app.state.server_secret
    return secret.key()


def _with_urls(info: dict[str, Any], token: str | None, request: Request) -> dict[str, Any]:
    """A link's description with its token, addresses and embed snippet (None when the
    token is not known)."""
    if token is None:
        return info | {"token": None, "url": None, "api_url": None, "embed_html": None}
    base = settings_of(request).base_url
    url = f"{base}/s/{token}"
    title = html.escape(f"Journey map: {info['label'] or info['map']}", quote=True)
    embed = (
        f'<iframe src="{html.escape(url, quote=True)}?embed=1" title="{title}" '
        'width="100%" height="640" style="border:0" loading="lazy" '
        'referrerpolicy="no-referrer"></iframe>'
    )
    return info | {
        "token": token,
        "url": url,
        "api_url": f"{base}/api/shared/{token}",
        "embed_html": embed,
    }


@router.get(
    "/share-links", summary="The map's share links (without their secrets)", tags=["sharing"]
)
def list_share_links(
    workspace_id: str, map_id: str, actor: CurrentActor, db: Db
) -> list[dict[str, Any]]:
    """Editors and owners."""
    return sharing.list_share_links(db, actor, workspace_id, map_id)


@router.post(
    "/share-links",
    summary="Create a read-only share link to this map",
    status_code=201,
    tags=["sharing"],
)
def create_share_link(
    workspace_id: str,
    map_id: str,
    body: NewShareLink,
    request: Request,
    actor: CurrentActor,
    db: Db,
) -> dict[str, Any]:
    """Editors. The link (`url`, the page a stakeholder opens; `api_url`, the map as JSON;
    `embed_html`, an iframe of the read-only page) and its token; an editor can copy it
    again later (`GET …/share-links/{link_id}`)."""
    expires_at = body.expires_at
    if expires_at is None and body.expires_in_days is not None:
        expires_at = dt.datetime.now(dt.UTC) + dt.timedelta(days=body.expires_in_days)
    info, token = sharing.create_share_link(
        db,
        actor,
        workspace_id,
        map_id,
        label=body.label,
        expires_at=expires_at,
        password=body.password,
        key=_key(request),
        frame_ancestors=body.frame_ancestors,
    )
    return _with_urls(info | {"copyable": True, "copy_note": None}, token, request)


@router.get("/share-links/{link_id}", summary="A share link again, to copy it", tags=["sharing"])
def copy_share_link(
    workspace_id: str, map_id: str, link_id: str, request: Request, actor: CurrentActor, db: Db
) -> dict[str, Any]:
    """Editors. With its `url`, `token` and `embed_html` while it is active; `copyable`
    false and `copy_note` saying why for a link made before links could be copied again
    (its secret was never kept) or one that is revoked or expired."""
    info, token = sharing.copy_share_link(
        db, actor, workspace_id, map_id, link_id, key=_key(request)
    )
    return _with_urls(info, token, request)


@router.patch(
    "/share-links/{link_id}", summary="Change a share link's label or embedding", tags=["sharing"]
)
def change_share_link(
    workspace_id: str,
    map_id: str,
    link_id: str,
    body: ShareLinkChange,
    actor: CurrentActor,
    db: Db,
) -> dict[str, Any]:
    """Editors. `frame_ancestors: null` goes back to the server's `share_frame_ancestors`."""
    return sharing.change_share_link(
        db,
        actor,
        workspace_id,
        map_id,
        link_id,
        label=body.label,
        frame_ancestors=body.frame_ancestors,
        clear_frame_ancestors="frame_ancestors" in body.model_fields_set
        and body.frame_ancestors is None,
    )


@router.delete("/share-links/{link_id}", summary="Revoke a share link", tags=["sharing"])
def revoke_share_link(
    workspace_id: str, map_id: str, link_id: str, actor: CurrentActor, db: Db
) -> dict[str, Any]:
    """Editors; the link stops working at once."""
    return sharing.revoke_share_link(db, actor, workspace_id, map_id, link_id)
