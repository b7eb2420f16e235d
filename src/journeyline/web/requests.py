"""How every API route reads its request, and which errors its OpenAPI operation declares.

Bodies are parsed by `strict_json.loads` (no NaN, Infinity or overflowing numbers; no NUL
characters or lone surrogates), not by FastAPI's `json.loads`, and the texts in the
address (path and query) are held to the same rule, so SQLite and PostgreSQL never
disagree about what can be stored. Each router is made with `route_class=ApiRoute`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from journeyline.errors import Diagnostic, InvalidInput
from journeyline.formats import strict_json
from journeyline.web.errors import ERROR_DESCRIPTIONS, ErrorEnvelope

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


def declared_errors(endpoint: Callable[..., Any], methods: Sequence[str], path: str) -> list[int]:
    """The error statuses an operation can answer, from what it takes.

    Every operation: 400 (bad request), 401 (not signed in), 403 (role), 404 (not found or
    not visible), 422 (invalid input) and 429 (too many requests). One that takes a body
    also 413 (too large); one that takes `If-Match` also 409 (stale) and 428 (If-Match
    missing); one that draws with the browser (render, export) also 503.
    """
    statuses = [400, 401, 403, 404, 422, 429]
    parameters = inspect.signature(endpoint).parameters
    if set(methods) & {"POST", "PUT", "PATCH", "DELETE"}:
        statuses.append(413)
    if "if_match" in parameters:
        statuses += [409, 428]
    if "/render" in path or path.endswith("/export"):
        statuses.append(503)
    return sorted(statuses)


class ApiRoute(APIRoute):
    """An API route that parses JSON strictly, refuses unstorable text in its address, and
    declares in OpenAPI every error it can answer, with the error envelope's schema."""

    def __init__(
        self,
        path: str,
        endpoint: Callable[..., Any],
        *,
        responses: dict[int | str, dict[str, Any]] | None = None,
        methods: set[str] | list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        declared: dict[int | str, dict[str, Any]] = {
            status: {"model": ErrorEnvelope, "description": ERROR_DESCRIPTIONS[status]}
            for status in declared_errors(endpoint, sorted(methods or ["GET"]), path)
        }
        for status, response in (responses or {}).items():
            declared[status] = {**declared.get(status, {}), **response}
            if int(status) >= 400:
                declared[status].setdefault("model", ErrorEnvelope)
        super().__init__(path, endpoint, responses=declared, methods=methods, **kwargs)

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()

        async def strict_handler(request: Request) -> Response:
            refuse_unstorable_address(request)
            if is_json(request):
                body = await request.body()
                if body:
                    # FastAPI reads the body with request.json(), which keeps what it parsed.
                    request._json = strict_json.loads(body, source="body")
            return await handler(request)

        return strict_handler


def is_json(request: Request) -> bool:
    """Whether FastAPI would parse the body as JSON (application/json or */*+json)."""
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";", 1)[0].strip().lower()
    if not media.startswith("application/"):
        return False
    subtype = media.removeprefix("application/")
    return subtype == "json" or subtype.endswith("+json")


def refuse_unstorable_address(request: Request) -> None:
    """422 for a path or query text holding a NUL character (no store keeps it alike)."""
    diagnostics = []
    for name, value in request.path_params.items():
        problem = strict_json.text_problem(str(value))
        if problem:
            diagnostics.append(Diagnostic(f"{name}: {problem}", file="path"))
    for name, value in request.query_params.multi_items():
        problem = strict_json.text_problem(name) or strict_json.text_problem(value)
        if problem:
            shown = name if name.isprintable() else repr(name)
            diagnostics.append(Diagnostic(f"{shown}: {problem}", file="query"))
    if diagnostics:
        count = len(diagnostics)
        raise InvalidInput(
            f"the request has {count} problem{'s' if count != 1 else ''}", diagnostics
        )
