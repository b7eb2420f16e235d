"""Refuse oversized request bodies with 413 before any route reads them.

Import endpoints (paths ending in `/import`) may take `max_upload_bytes`; event-source
uploads (`…/event-sources/upload`) `max_event_upload_bytes`; the collector (`/api/collect/…`)
`max_collect_bytes`; file uploads (`POST …/files`) `max_file_bytes`; every other request `max_body_bytes`. A declared Content-Length over the limit is refused at once; a
body streamed without one is counted as it arrives and refused when it passes the limit.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from journeyline.web.errors import BodyTooLarge, envelope


class BodyLimit:
    """ASGI middleware enforcing the body size limits."""

    def __init__(
        self,
        app: ASGIApp,
        max_body_bytes: int,
        max_upload_bytes: int,
        max_event_upload_bytes: int | None = None,
        max_collect_bytes: int | None = None,
        max_file_bytes: int | None = None,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes
        self.max_event_upload_bytes = max_event_upload_bytes or max_upload_bytes
        self.max_collect_bytes = max_collect_bytes or max_body_bytes
        self.max_file_bytes = max_file_bytes or max_upload_bytes

    def limit_for(self, path: str) -> int:
        """The largest body accepted for a path."""
        path = path.rstrip("/")
        if path.endswith("/import"):
            return self.max_upload_bytes
        if path.endswith("/event-sources/upload"):
            # multipart framing around the file: a little over the file's own limit
            return self.max_event_upload_bytes + 65_536
        if path.startswith("/api/workspaces/") and path.endswith("/files"):
            # the file store refuses a file past its use's limit as it is saved
            return self.max_file_bytes + 65_536
        if path.startswith("/api/collect/"):
            return self.max_collect_bytes
        return self.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > limit:
                    await _refuse(send, limit)
                    return
        received = 0
        exceeded = False
        replaced = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            # The app may turn the exception into its own error (e.g. 400 "cannot parse
            # the body"); once the limit is passed, the answer is 413 whatever it says.
            nonlocal replaced
            if exceeded:
                if not replaced:
                    replaced = True
                    await _refuse(send, limit)
                return
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except BodyTooLarge:
            if not replaced:
                await _refuse(send, limit)


async def _refuse(send: Send, limit: int) -> None:
    body: dict[str, Any] = envelope(
        413,
        "TooLarge",
        f"the request body is larger than this server accepts ({limit} bytes)",
        details={"limit_bytes": limit},
    )
    payload = json.dumps(body).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
