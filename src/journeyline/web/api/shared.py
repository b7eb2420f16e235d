"""What a share link shows, without signing in: one map, and nothing else."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from pydantic import BaseModel, Field

from journeyline.store import sharing
from journeyline.store.access import Actor
from journeyline.store.accounts import hash_secret
from journeyline.store.errors import ShareLinkLocked
from journeyline.store.files import shared_file_urls
from journeyline.store.throttle import PasswordThrottle
from journeyline.web.api.common import Db
from journeyline.web.auth import client_address
from journeyline.web.requests import ApiRoute

router = APIRouter(prefix="/api/shared", tags=["sharing"], route_class=ApiRoute)

SharePassword = Annotated[
    str | None,
    Header(alias="X-Share-Password", description="The link's password, when it has one."),
]


class Unlock(BaseModel):
    """The password of a share link."""

    password: str = Field(max_length=200)


def _open(request: Request, db: Db, token: str, password: str | None) -> dict[str, Any]:
    """The shared map; wrong passwords are counted per (link, client address), like failed
    sign-ins (429 with Retry-After past the limit), so guessing one link's password locks
    neither the other links nor other visitors out."""
    if not password:
        shared = _measured(request, sharing.open_share_link(db, token, password))
        return shared_file_urls(token, shared.to_dict())
    throttle: PasswordThrottle = request.app.state.password_throttle
    link, address = hash_secret(token), client_address(request)
    throttle.check_share_link(link, address)
    try:
        shared = sharing.open_share_link(db, token, password)
    except ShareLinkLocked:
        throttle.share_link_failed(link, address)
        raise
    # The visitor gave the password: the pictures' addresses are signed to load without it.
    secret = request.app.state.server_secret.key()
    return shared_file_urls(token, _measured(request, shared).to_dict(), secret=secret)


def _measured(request: Request, shared: sharing.SharedMap) -> sharing.SharedMap:
    """The shared map with its Measured lane's last figures on its steps, and the lane itself
    (`measured`: the board's lane JSON, for the share page's Measured lane)."""
    lanes = request.app.state.measured_lanes
    journey = shared.journey
    shared.journey, shared.measured = lanes.drawn(shared.workspace_id, journey)
    if shared.measured is not None:
        # Stale (new events, another source, changed matchers): measured again in the
        # background as the link's maker; `refreshing` tells the page to read it again.
        refreshing = bool(shared.measured["stale"]) and bool(shared.shared_by)
        if refreshing:
            maker = Actor(account_id=shared.shared_by, name="share link")
            lanes.refresh(maker, shared.workspace_id, journey)
        shared.measured["refreshing"] = refreshing
    return shared


LIMITED: dict[int | str, dict[str, Any]] = {
    429: {"description": "Too many wrong passwords (error envelope, Retry-After)"}
}


@router.get(
    "/{token}", summary="The map behind a share link (read-only, no sign-in)", responses=LIMITED
)
def shared_map(
    token: str, request: Request, db: Db, password: SharePassword = None
) -> dict[str, Any]:
    """The map with the personas, segment and custom lanes it names, and its Measured lane
    as last measured (`measured`, or null); 404 when revoked or expired, 401 without its
    password."""
    return _open(request, db, token, password)


@router.post(
    "/{token}", summary="The map behind a password-protected share link", responses=LIMITED
)
def unlock_shared_map(token: str, body: Unlock, request: Request, db: Db) -> dict[str, Any]:
    """The same as GET, with the password in the body."""
    return _open(request, db, token, body.password)
