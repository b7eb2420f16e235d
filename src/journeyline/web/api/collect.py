"""The collector: Segment's HTTP Tracking API (`/v1/batch`, `/v1/track` …) under /api/collect.

Authentication is Segment's: HTTP Basic with the source's write key as the user name and an
empty password (a `writeKey` field in the body is taken too, as Segment's batch accepts).
The answer is Segment's `{"success": true}`, plus which calls were refused and why:
`{"success": false, "accepted": 98, "refused": [{"index": 3, "messageId": …, "error": …}]}`.
A refused call never rejects its batch-mates; the response comes only once the accepted
calls are on disk.

Speed: a POST to one of these addresses is answered by `CollectorFastPath`, an ASGI layer
outside the app's middleware and routing, which reads the body (within the collector's
size limit), parses it once with orjson and checks each call (`events.collector`). The
FastAPI routes below answer the same way (`answer_collect`): they document the endpoints
in OpenAPI and take whatever the fast path passes on.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from journeyline.events.collector import Collectors, read_calls
from journeyline.events.sources import EventSources
from journeyline.web.errors import envelope
from journeyline.web.requests import ApiRoute

router = APIRouter(prefix="/api/collect", tags=["collector"], route_class=ApiRoute)

logger = logging.getLogger("journeyline.collector")

MAX_BATCH = 10_000
"""Calls one batch may hold (Segment's own limit is the 500 KB body)."""

ENDPOINTS: dict[str, str | None] = {
    "/api/collect/v1/batch": None,
    **{f"/api/collect/v1/{call}": call for call in ("track", "page", "screen", "identify")},
    **{f"/api/collect/v1/{call}": call for call in ("group", "alias")},
}
"""Each collector address and the call type it implies (None: a batch names its own)."""


@dataclass
class Answer:
    """A collector response: status, JSON body and extra headers."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def _error(status: int, kind: str, message: str, **details: Any) -> Answer:
    headers = {}
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="journeyline collector"'
    if "retry_after_seconds" in details:
        headers["Retry-After"] = str(details["retry_after_seconds"])
    body = envelope(status, kind, message, details=details or None)
    return Answer(status, orjson.dumps(body), headers)


def _write_key(authorization: str, body: Any) -> str | None:
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "basic" and value:
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[0] or None
    if isinstance(body, dict) and isinstance(body.get("writeKey"), str):
        return str(body["writeKey"]) or None
    return None


async def answer_collect(
    sources: EventSources, settings: Any, authorization: str, raw: bytes, kind: str | None
) -> Answer:
    """One collector request: authenticate the write key, check the rate, validate each call,
    append the accepted ones durably; the answer (after the fsync of its lines)."""
    collectors: Collectors = sources.collectors
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        return _error(400, "InvalidInput", f"the body is not JSON ({error})")
    if not isinstance(body, dict):
        return _error(400, "InvalidInput", "the body must be a JSON object")
    key = _write_key(authorization, body)
    if key is None:
        return _error(
            401,
            "NotSignedIn",
            "send the source's write key as Segment does: HTTP Basic, the key as user name, "
            "an empty password",
        )
    found = collectors.keys.get(key)
    if found is None:
        found = await run_in_threadpool(sources.source_for_key, key)
        if found is None:
            return _error(401, "NotSignedIn", "unknown write key (see the source's write key)")
        collectors.keys[key] = found
    if kind is None:
        batch = body.get("batch")
        if not isinstance(batch, list):
            return _error(400, "InvalidInput", "a batch needs a 'batch' list of calls")
        if len(batch) > MAX_BATCH:
            return _error(
                413, "TooLarge", f"a batch may hold at most {MAX_BATCH} calls", limit=MAX_BATCH
            )
        count = len(batch)
    else:
        count = 1
    wait = collectors.allow(key, count, settings.collector_events_per_second)
    if wait:
        return _error(
            429,
            "TooManyRequests",
            f"this write key sent more than {settings.collector_events_per_second} events a "
            "second; wait and send again",
            retry_after_seconds=int(wait + 0.999),
        )
    accepted = read_calls(
        body,
        kind,
        settings.collector_event_bytes,
        dt.datetime.now(dt.UTC),
        has_nul=b"\\u0000" in raw,
    )
    if accepted.lines:
        await collectors.append(found[0], accepted.lines)
    if kind is not None and accepted.refused:
        return _error(400, "InvalidInput", accepted.refused[0]["error"], refused=accepted.refused)
    answer: dict[str, Any] = {"success": not accepted.refused}
    if kind is None or accepted.refused:
        answer["accepted"] = len(accepted.lines)
        answer["refused"] = accepted.refused
    return Answer(200, orjson.dumps(answer))


class CollectorFastPath:
    """ASGI layer answering POSTs to the collector's addresses itself, before the app's
    middleware and routing: the body read within `collector_batch_bytes`, then
    `answer_collect`. Every other request goes on to the app."""

    def __init__(
        self, app: ASGIApp, *, state: Any, headers: list[tuple[bytes, bytes]] | None = None
    ) -> None:
        self.app = app
        self.state = state
        self.headers = list(headers or [])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path not in ENDPOINTS:
            await self.app(scope, receive, send)
            return
        settings = self.state.settings
        limit: int = settings.collector_batch_bytes
        authorization = ""
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > limit:
                    await self._send(send, _too_large(limit), close=True)
                    return
            elif name == b"authorization":
                authorization = value.decode("latin-1")
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._send(send, _too_large(limit), close=True)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        raw = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        try:
            answer = await answer_collect(
                self.state.event_sources, settings, authorization, raw, ENDPOINTS[path]
            )
        except Exception as error:  # logged; the sender gets the envelope, never a traceback
            logger.exception("the collector failed", exc_info=error)
            answer = _error(
                500, "InternalError", "something went wrong on the server; it has been logged"
            )
        await self._send(send, answer)

    async def _send(self, send: Send, answer: Answer, *, close: bool = False) -> None:
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(answer.body)).encode()),
            (b"cache-control", b"no-store"),
            *self.headers,
            *((k.lower().encode(), v.encode("latin-1")) for k, v in answer.headers.items()),
        ]
        if close:
            headers.append((b"connection", b"close"))
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send({"type": "http.response.body", "body": answer.body})


def _too_large(limit: int) -> Answer:
    return _error(
        413,
        "TooLarge",
        f"the request body is larger than this server accepts ({limit} bytes)",
        limit_bytes=limit,
    )


async def _collect(request: Request, kind: str | None) -> Response:
    answer = await answer_collect(
        request.app.state.event_sources,
        request.app.state.settings,
        request.headers.get("authorization", ""),
        await request.body(),
        kind,
    )
    return Response(
        answer.body, answer.status, headers=answer.headers, media_type="application/json"
    )


@router.post("/v1/batch", summary="Segment batch: many calls at once")
async def collect_batch(request: Request) -> Response:
    """`{"batch": [{"type": "track", …}, …]}`; each call is checked on its own."""
    return await _collect(request, None)


@router.post("/v1/track", summary="Segment track call")
async def collect_track(request: Request) -> Response:
    """`{"userId" | "anonymousId", "event", "properties", "timestamp", …}`"""
    return await _collect(request, "track")


@router.post("/v1/page", summary="Segment page call")
async def collect_page(request: Request) -> Response:
    """Named in the analyses as a Segment page export is (docs/analytics.md)."""
    return await _collect(request, "page")


@router.post("/v1/screen", summary="Segment screen call")
async def collect_screen(request: Request) -> Response:
    """Named in the analyses as a Segment screen export is."""
    return await _collect(request, "screen")


@router.post("/v1/identify", summary="Segment identify call")
async def collect_identify(request: Request) -> Response:
    """No event: links an anonymousId to its userId, so one person's path is one unit."""
    return await _collect(request, "identify")


@router.post("/v1/group", summary="Segment group call")
async def collect_group(request: Request) -> Response:
    """Kept; not an event."""
    return await _collect(request, "group")


@router.post("/v1/alias", summary="Segment alias call")
async def collect_alias(request: Request) -> Response:
    """Kept; not an event."""
    return await _collect(request, "alias")
