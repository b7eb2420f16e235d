"""Your notifications: being @mentioned in a comment, with a link to it, read or unread."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from journeyline.store import notifications
from journeyline.store.collaboration import MentionHook
from journeyline.web.api.common import CurrentActor, Db
from journeyline.web.mail import Mailer
from journeyline.web.requests import ApiRoute

router = APIRouter(prefix="/api/notifications", tags=["notifications"], route_class=ApiRoute)


def mention_hook(request: Request) -> MentionHook:
    """What the app does once a comment mentioning people is stored: e-mail them."""
    mailer: Mailer = request.app.state.mailer
    return mailer.send_mentions


class MarkRead(BaseModel):
    """Which notifications to mark (all of yours when `ids` is left out), read or unread."""

    ids: list[Annotated[str, Field(max_length=40)]] | None = Field(
        default=None, max_length=500, description="Notification ids; all when left out."
    )
    read: bool = Field(default=True, description="false marks them unread again.")


@router.get("", summary="Your notifications, newest first, and how many are unread")
def list_notifications(
    actor: CurrentActor,
    db: Db,
    unread: Annotated[bool, Query(description="Only the unread ones.")] = False,
    limit: Annotated[int, Query(ge=1, le=notifications.MAX_LISTED)] = 50,
) -> dict[str, Any]:
    """`unread`: the count the bell shows; `items[].path`: the comment in the app."""
    return notifications.list_notifications(db, actor, unread_only=unread, limit=limit)


@router.post("/read", summary="Mark notifications read (or unread)")
def mark_read(body: MarkRead, actor: CurrentActor, db: Db) -> dict[str, Any]:
    """Only your own; an id that is not yours is a 404 naming it."""
    changed = notifications.mark_read(db, actor, body.ids, read=body.read)
    unread = notifications.list_notifications(db, actor, unread_only=True, limit=1)["unread"]
    return changed | {"unread": unread}
