"""The one table that turns domain errors into HTTP responses, and the one JSON error envelope.

Every error the API returns has this shape (a test pins it):

    {"error": {"status": 409, "type": "StaleRevision", "message": "…",
               "diagnostics": [{"file", "line", "column", "severity", "message", "hint"}],
               "details": {…}}}
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from journeyline.errors import (
    Diagnostic,
    InvalidInput,
    JourneylineError,
    LimitExceeded,
    NonFiniteNumber,
    NotFound,
    UsageError,
    WorkersUnavailable,
)
from journeyline.render.browser import BrowserUnavailable
from journeyline.store.documents import invalid_from_validation
from journeyline.store.errors import (
    Conflict,
    NotSignedIn,
    PermissionDenied,
    PreconditionRequired,
    ShareLinkLocked,
    StaleRevision,
    TooManyAttempts,
)

logger = logging.getLogger("journeyline.web")

HTTP_STATUS: dict[type[JourneylineError], int] = {
    NotSignedIn: 401,
    ShareLinkLocked: 401,
    PermissionDenied: 403,
    NotFound: 404,
    StaleRevision: 409,
    Conflict: 409,
    LimitExceeded: 413,
    NonFiniteNumber: 400,
    InvalidInput: 422,
    PreconditionRequired: 428,
    TooManyAttempts: 429,
    BrowserUnavailable: 503,
    WorkersUnavailable: 503,
    UsageError: 400,
    JourneylineError: 400,
}
"""Domain error → HTTP status, looked up along the error's class hierarchy."""

HTTP_NAMES = {
    400: "BadRequest",
    401: "NotSignedIn",
    403: "PermissionDenied",
    404: "NotFound",
    405: "MethodNotAllowed",
    409: "Conflict",
    413: "TooLarge",
    415: "UnsupportedMediaType",
    422: "InvalidInput",
    428: "PreconditionRequired",
    429: "TooManyRequests",
    500: "InternalError",
    503: "Unavailable",
}


ERROR_DESCRIPTIONS: dict[int | str, str] = {
    400: "Bad request: unreadable, or a number that is not finite (error envelope)",
    401: "Not signed in, or a wrong share-link password (error envelope)",
    403: "Your role does not allow this (error envelope)",
    404: "Not found, or not visible to you (error envelope)",
    409: "Stale If-Match or a conflict, with the changes since (error envelope)",
    413: "The body is larger than this server accepts (error envelope)",
    422: "Invalid input, with diagnostics saying what and where (error envelope)",
    428: "If-Match is required on this write (error envelope)",
    429: "Too many attempts; see Retry-After (error envelope)",
    503: "Unavailable here: drawing PNG or PDF needs Chromium on the server (error envelope)",
}
"""What each error status means, as the OpenAPI document declares it."""


class DiagnosticModel(BaseModel):
    """One problem in the input, with where it is."""

    file: str | None = Field(description="The input: a file name, or body, path or query.")
    line: int | None
    column: int | None
    severity: str = Field(description="error or warning")
    message: str
    hint: str | None = Field(description="How to fix it, when known.")


class ErrorBody(BaseModel):
    """What went wrong."""

    status: int = Field(description="The HTTP status, again.")
    type: str = Field(description="The kind of error, e.g. StaleRevision or InvalidInput.")
    message: str = Field(description="What is wrong, in a sentence.")
    diagnostics: list[DiagnosticModel] = Field(description="Each problem and where it is.")
    details: dict[str, Any] = Field(description="Facts for programs, e.g. current_revision.")


class ErrorEnvelope(BaseModel):
    """The one JSON error envelope of the API (the schema of every error response)."""

    error: ErrorBody


def status_for(error: JourneylineError) -> int:
    """The HTTP status of a domain error."""
    for cls in type(error).__mro__:
        if cls in HTTP_STATUS:
            return HTTP_STATUS[cls]
    return 400


def envelope(
    status: int,
    kind: str,
    message: str,
    diagnostics: list[Diagnostic] | None = None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSON error envelope."""
    return {
        "error": {
            "status": status,
            "type": kind,
            "message": message,
            "diagnostics": [d.to_dict() for d in diagnostics or []],
            "details": details or {},
        }
    }


def error_response(
    status: int,
    kind: str,
    message: str,
    diagnostics: list[Diagnostic] | None = None,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """An error as a JSON response."""
    return JSONResponse(
        envelope(status, kind, message, diagnostics, details), status_code=status, headers=headers
    )


def domain_error_response(error: JourneylineError) -> JSONResponse:
    """A domain error as a JSON response."""
    status = status_for(error)
    details = getattr(error, "details", None)
    headers = {}
    if isinstance(error, StaleRevision) and details and details.get("current_revision") is not None:
        headers["ETag"] = f'"{details["current_revision"]}"'
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(error, TooManyAttempts):
        headers["Retry-After"] = str(error.retry_after)
    return error_response(
        status, type(error).__name__, error.message, error.diagnostics, details, headers
    )


def _validation_diagnostics(error: RequestValidationError) -> list[Diagnostic]:
    diagnostics = []
    for item in error.errors():
        loc = [str(part) for part in item.get("loc", ())]
        where = ".".join(loc[1:] if loc and loc[0] in ("body", "query", "path", "header") else loc)
        source = loc[0] if loc else "request"
        diagnostics.append(
            Diagnostic(f"{where or source}: {item.get('msg', 'invalid')}", file=source)
        )
    return diagnostics


class BodyTooLarge(Exception):
    """Raised inside `receive` when a streamed body passes the limit (see web/limits.py)."""


class ServerErrors:
    """ASGI middleware: an unexpected exception becomes the 500 envelope *here*.

    Starlette's outermost error middleware answers 500 and then re-raises, and the server
    drops a keep-alive connection whose app raised; caught here, the connection stays up.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except BodyTooLarge:
            raise  # answered 413 by the body limit around this
        except Exception as error:
            if started:
                raise  # half an answer went out: only closing the connection is honest
            logger.exception("unexpected error", exc_info=error)
            response = error_response(
                500, "InternalError", "something went wrong on the server; it has been logged"
            )
            await response(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    """Make every error, expected or not, leave as the JSON envelope (never a traceback)."""
    app.add_middleware(ServerErrors)

    @app.exception_handler(JourneylineError)
    async def _domain(_: Request, error: JourneylineError) -> JSONResponse:
        return domain_error_response(error)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, error: RequestValidationError) -> JSONResponse:
        diagnostics = _validation_diagnostics(error)
        count = len(diagnostics)
        return error_response(
            422,
            "InvalidInput",
            f"the request has {count} problem{'s' if count != 1 else ''}",
            diagnostics,
        )

    @app.exception_handler(ValidationError)
    async def _model(_: Request, error: ValidationError) -> JSONResponse:
        # A value the model refuses that no earlier check caught: still the input's fault.
        return domain_error_response(invalid_from_validation(error, "the input"))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, error: StarletteHTTPException) -> JSONResponse:
        message = (
            error.detail
            if isinstance(error.detail, str)
            else HTTP_NAMES.get(error.status_code, "error")
        )
        if error.status_code == 404:
            message = "there is nothing at this address (see /docs for the API)"
        return error_response(
            error.status_code,
            HTTP_NAMES.get(error.status_code, "HTTPError"),
            message,
            headers=dict(error.headers or {}),
        )

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, error: Exception) -> JSONResponse:
        logger.exception("unexpected error", exc_info=error)
        return error_response(
            500, "InternalError", "something went wrong on the server; it has been logged"
        )
