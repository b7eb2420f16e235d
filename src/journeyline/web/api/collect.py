"""The collector: Segment's HTTP Tracking API (`/v1/batch`, `/v1/track` …) under /api/collect.

Authentication is Segment's: HTTP Basic with the source's write key as the user name and an
empty password (a `writeKey` field in the body is taken too, as Segment's batch accepts).
The answer is Segment's `{"success": true}`, plus which calls were refused and why:
`{"success": false, "accepted": 98, "refused": [{"index": 3, "messageId": …, "error": …}]}`.
A refused call never rejects its batch-mates; the response comes only once the accepted
calls are on disk."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from journeyline.events.collector import Collectors, read_calls
from journeyline.events.sources import EventSources
from journeyline.web.errors import envelope
from journeyline.web.requests import ApiRoute

router = APIRouter(prefix="/api/collect", tags=["collector"], route_class=ApiRoute)

MAX_BATCH = 10_000
"""Calls one batch may hold (Segment's own limit is the 500 KB body)."""


def _error(status: int, kind: str, message: str, **details: Any) -> JSONResponse:
    headers = {}
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="journeyline collector"'
    if "retry_after_seconds" in details:
        headers["Retry-After"] = str(details["retry_after_seconds"])
    return JSONResponse(
        envelope(status, kind, message, details=details or None), status, headers=headers
    )


def _write_key(request: Request, body: Any) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "basic" and value:
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[0] or None
    if isinstance(body, dict) and isinstance(body.get("writeKey"), str):
        return str(body["writeKey"]) or None
    return None


async def _collect(request: Request, kind: str | None) -> Response:
    sources: EventSources = request.app.state.event_sources
    collectors: Collectors = sources.collectors
    settings = request.app.state.settings
    raw = await request.body()
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        return _error(400, "InvalidInput", f"the body is not JSON ({error})")
    if not isinstance(body, dict):
        return _error(400, "InvalidInput", "the body must be a JSON object")
    key = _write_key(request, body)
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
    accepted = read_calls(body, kind, settings.collector_event_bytes, dt.datetime.now(dt.UTC))
    if accepted.lines:
        await collectors.append(found[0], accepted.lines)
    answer: dict[str, Any] = {"success": not accepted.refused}
    if kind is None or accepted.refused:
        answer["accepted"] = len(accepted.lines)
        answer["refused"] = accepted.refused
    if kind is not None and accepted.refused:
        return _error(400, "InvalidInput", accepted.refused[0]["error"], refused=accepted.refused)
    return Response(orjson.dumps(answer), media_type="application/json")


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
