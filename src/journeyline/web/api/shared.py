"""What a share link shows, without signing in: one map, and nothing else."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from pydantic import BaseModel, Field

from journeyline.store import sharing
from journeyline.store.accounts import hash_secret
from journeyline.store.errors import ShareLinkLocked
from journeyline.web.api.common import Db
from journeyline.web.requests import ApiRoute
from journeyline.web.throttle import SignInThrottle

router = APIRouter(prefix="/api/shared", tags=["sharing"], route_class=ApiRoute)

SharePassword = Annotated[
    str | None,
    Header(alias="X-Share-Password", description="The link's password, when it has one."),
]


class Unlock(BaseModel):
    """The password of a share link."""

    password: str = Field(max_length=200)


def _open(request: Request, db: Db, token: str, password: str | None) -> dict[str, Any]:
    """The shared map; wrong passwords count against the link and the client address like
    failed sign-ins (429 with Retry-After past the limit)."""
    if not password:
        return sharing.open_share_link(db, token, password).to_dict()
    throttle: SignInThrottle = request.app.state.sign_in_throttle
    address = request.client.host if request.client else "unknown"
    keys = (f"share-link:{hash_secret(token)}", f"share-address:{address}")
    throttle.check(keys)
    try:
        shared = sharing.open_share_link(db, token, password)
    except ShareLinkLocked:
        throttle.failed(keys)
        raise
    return shared.to_dict()


LIMITED: dict[int | str, dict[str, Any]] = {
    429: {"description": "Too many wrong passwords (error envelope, Retry-After)"}
}


@router.get(
    "/{token}", summary="The map behind a share link (read-only, no sign-in)", responses=LIMITED
)
def shared_map(
    token: str, request: Request, db: Db, password: SharePassword = None
) -> dict[str, Any]:
    """The map with the personas, segment and custom lanes it names; 404 when revoked or
    expired, 401 without its password."""
    return _open(request, db, token, password)


@router.post(
    "/{token}", summary="The map behind a password-protected share link", responses=LIMITED
)
def unlock_shared_map(token: str, body: Unlock, request: Request, db: Db) -> dict[str, Any]:
    """The same as GET, with the password in the body."""
    return _open(request, db, token, body.password)
