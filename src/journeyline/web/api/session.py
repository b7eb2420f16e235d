"""Signing in and out, one-time sign-in links, the signed-in account and its API tokens."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from pydantic import BaseModel, Field

from journeyline.store import accounts
from journeyline.store.accounts import SignedIn
from journeyline.store.errors import NotSignedIn
from journeyline.store.throttle import PasswordThrottle
from journeyline.web.api.common import CurrentActor, Db
from journeyline.web.auth import (
    CROSS_SITE_MESSAGE,
    SESSION_COOKIE,
    clear_session_cookies,
    client_address,
    is_cross_site,
    refuse_cross_site,
    set_session_cookies,
    settings_of,
)
from journeyline.web.pages import plain_document, plain_page
from journeyline.web.requests import ApiRoute

router = APIRouter(tags=["accounts"], route_class=ApiRoute)


class PasswordSignIn(BaseModel):
    """E-mail address and password."""

    email: str = Field(max_length=320)
    password: str = Field(max_length=1000)


class LinkSignIn(BaseModel):
    """The secret of a one-time sign-in link."""

    token: str = Field(max_length=200)


class NewPassword(BaseModel):
    """A new password (at least 10 characters) and the current one, once there is one."""

    password: str = Field(max_length=1000)
    current_password: str | None = Field(default=None, max_length=1000)


class NewToken(BaseModel):
    """What the API token is for."""

    name: str = Field(max_length=200)


def _me(signed_in: SignedIn) -> dict[str, Any]:
    actor = signed_in.actor
    return {
        "account": {"id": actor.account_id, "name": actor.name, "email": actor.email},
        "csrf_token": signed_in.csrf_token,
        "expires_at": signed_in.expires_at.isoformat() + "Z",
    }


def _lifetime(request: Request) -> dt.timedelta:
    return dt.timedelta(days=settings_of(request).session_days)


def _signed_in_response(request: Request, signed_in: SignedIn) -> JSONResponse:
    response = JSONResponse(_me(signed_in))
    set_session_cookies(
        request, response, signed_in.token, signed_in.csrf_token, signed_in.expires_at
    )
    return response


@router.post(
    "/api/auth/sign-in",
    summary="Sign in with e-mail and password (sets the session cookie)",
    responses={429: {"description": "Too many failed sign-ins (error envelope, Retry-After)"}},
)
def sign_in(body: PasswordSignIn, request: Request, db: Db) -> JSONResponse:
    """Starts a browser session; the response carries the CSRF token for later writes.

    Failed attempts are limited per account from one client address (`sign_in_attempts`
    in `sign_in_window_minutes`), and an account guessed at from many addresses slows
    down those addresses (`sign_in_account_attempts`); past a limit the answer is 429
    with Retry-After. The right password from an address with no failures always works.
    A sign-in another site starts (Origin, Sec-Fetch-Site) is refused with 403.
    """
    refuse_cross_site(request)
    throttle: PasswordThrottle = request.app.state.password_throttle
    address = client_address(request)
    throttle.check_sign_in(body.email, address)
    try:
        signed_in = accounts.sign_in_with_password(
            db, body.email, body.password, _lifetime(request)
        )
    except NotSignedIn:
        throttle.sign_in_failed(body.email, address)
        raise
    throttle.sign_in_succeeded(body.email, address)
    return _signed_in_response(request, signed_in)


@router.post("/api/auth/sign-in-link", summary="Sign in with a one-time sign-in link's token")
def sign_in_with_link(body: LinkSignIn, request: Request, db: Db) -> JSONResponse:
    """Spends the link (it works once) and starts a browser session (403 when another
    site sent the request)."""
    refuse_cross_site(request)
    signed_in = accounts.use_sign_in_link(db, body.token, _lifetime(request))
    return _signed_in_response(request, signed_in)


@router.post("/api/auth/sign-out", summary="End this browser session", status_code=204)
def sign_out(request: Request, _: CurrentActor, db: Db) -> Response:
    """The session cookie stops working at once."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        accounts.end_session(db, cookie)
    response = Response(status_code=204)
    clear_session_cookies(response)
    return response


_PAGE = plain_document(
    "Sign in to Journeyline",
    "<h1>Sign in to Journeyline</h1>"
    "<p>This link signs you in once. Press the button to continue to your workspace.</p>"
    '<form method="post" action="/signin/{token}"><button type="submit">Sign in</button></form>',
    referrer="same-origin",
)


_SPENT = plain_document(
    "Sign-in link not valid",
    "<h1>This sign-in link does not work any more</h1>"
    "<p>{message}.</p>"
    "<p>A sign-in link works once. Ask the person who manages Journeyline for a new one, or "
    '<a href="/sign-in">sign in with your password</a> if you have set one.</p>',
)


_CROSS_SITE = plain_document(
    "Sign-in refused",
    "<h1>Sign-in refused</h1>"
    "<p>{message}.</p>"
    "<p>The link has not been used: open it again from the message it came in.</p>",
)


@router.get("/signin/{token}", response_class=HTMLResponse, include_in_schema=False)
def sign_in_page(token: str) -> HTMLResponse:
    """A page with one button, so link previews and scanners do not spend the link.

    Its referrer policy is `same-origin` (not the app's `no-referrer`), so its form post
    carries the page's real `Origin` instead of `null`, which older browsers are judged by.
    """
    return plain_page(_PAGE.replace("{token}", html.escape(token, quote=True)))


@router.post("/signin/{token}", include_in_schema=False)
def sign_in_from_page(token: str, request: Request, db: Db) -> Response:
    """Spends the link, sets the session cookies and goes to the app's start page.

    A used or expired link answers 401 with a page saying what to do (a browser shows it);
    a post another site made (login CSRF) answers 403 and leaves the link unspent.
    """
    if is_cross_site(request):
        message = html.escape(CROSS_SITE_MESSAGE[:1].upper() + CROSS_SITE_MESSAGE[1:])
        return plain_page(_CROSS_SITE.replace("{message}", message), status_code=403)
    try:
        signed_in = accounts.use_sign_in_link(db, token, _lifetime(request))
    except NotSignedIn as error:
        message = html.escape(error.message[:1].upper() + error.message[1:])
        return plain_page(_SPENT.replace("{message}", message), status_code=401)
    response = RedirectResponse("/", status_code=303)
    set_session_cookies(
        request, response, signed_in.token, signed_in.csrf_token, signed_in.expires_at
    )
    return response


@router.get("/api/me", summary="The signed-in account")
def me(actor: CurrentActor) -> dict[str, Any]:
    """Id, name and e-mail address of the account the request acts for."""
    return {"id": actor.account_id, "name": actor.name, "email": actor.email}


@router.post("/api/me/password", summary="Set or change your password", status_code=204)
def change_password(body: NewPassword, actor: CurrentActor, db: Db) -> Response:
    """At least 10 characters; the current password is needed once one is set."""
    accounts.set_password(db, actor, body.password, body.current_password)
    return Response(status_code=204)


@router.get("/api/me/tokens", summary="Your personal API tokens (without their secrets)")
def list_tokens(actor: CurrentActor, db: Db) -> list[dict[str, object]]:
    """Name, creation and last use of each token."""
    return [t.to_dict() for t in accounts.list_api_tokens(db, actor)]


@router.post("/api/me/tokens", summary="Create a personal API token for scripts", status_code=201)
def create_token(body: NewToken, actor: CurrentActor, db: Db) -> dict[str, object]:
    """The secret is in `token` and is shown only this once; send it as `Authorization: Bearer …`."""
    info, secret = accounts.create_api_token(db, actor, body.name)
    return info.to_dict() | {"token": secret}


@router.delete(
    "/api/me/tokens/{token_id}", summary="Revoke one of your API tokens", status_code=204
)
def revoke_token(token_id: str, actor: CurrentActor, db: Db) -> Response:
    """The token stops working at once."""
    accounts.revoke_api_token(db, actor, token_id)
    return Response(status_code=204)
