"""What a share link shows, without signing in: one map, and nothing else."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header
from pydantic import BaseModel, Field

from journeyline.store import sharing
from journeyline.web.api.common import Db

router = APIRouter(prefix="/api/shared", tags=["sharing"])

SharePassword = Annotated[
    str | None,
    Header(alias="X-Share-Password", description="The link's password, when it has one."),
]


class Unlock(BaseModel):
    """The password of a share link."""

    password: str = Field(max_length=200)


@router.get("/{token}", summary="The map behind a share link (read-only, no sign-in)")
def shared_map(token: str, db: Db, password: SharePassword = None) -> dict[str, Any]:
    """The map with the personas and segment it names; 404 when revoked or expired, 401 without its password."""
    return sharing.open_share_link(db, token, password).to_dict()


@router.post("/{token}", summary="The map behind a password-protected share link")
def unlock_shared_map(token: str, body: Unlock, db: Db) -> dict[str, Any]:
    """The same as GET, with the password in the body."""
    return sharing.open_share_link(db, token, body.password).to_dict()
