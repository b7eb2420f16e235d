"""Who a request acts for: an API token (`Authorization: Bearer jl_…`) or a session cookie.

Requests signed in by cookie that change something must carry the session's CSRF token
in the `X-CSRF-Token` header (double submit: the token is also in the readable
`journeyline_csrf` cookie); a cross-site page can send the cookie but cannot read it.
Requests with an API token need no CSRF token, as browsers never add one by themselves.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from urllib.parse import urlsplit

from fastapi import BackgroundTasks, Request, Response
from starlette.requests import HTTPConnection

from journeyline.store import accounts
from journeyline.store.access import Actor
from journeyline.store.database import Database
from journeyline.store.errors import NotSignedIn, PermissionDenied
from journeyline.web.settings import Settings
from journeyline.workshop.guests import GUEST_REFUSED, guest_may_use

SESSION_COOKIE = "journeyline_session"
CSRF_COOKIE = "journeyline_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def database(request: Request) -> Database:
    """The app's database (async: no worker thread needed to look it up)."""
    db: Database = request.app.state.db
    return db


def settings_of(request: HTTPConnection) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


class TokenUses:
    """Which API tokens' use is being recorded, so each is written once, after the response.

    A token's last use is recorded coarsely (accounts.look_up_token decides when); the
    write never delays the request that used it, and fifty requests with the same token
    arriving together make one write, not fifty.
    """

    def __init__(self, hold_seconds: float = 60.0) -> None:
        self._hold = hold_seconds
        self._pending: dict[str, float] = {}
        self._lock = threading.Lock()

    def claim(self, token_id: str) -> bool:
        """True when the caller should record this token's use now."""
        now = time.monotonic()
        with self._lock:
            since = self._pending.get(token_id)
            if since is not None and now - since < self._hold:
                return False
            if len(self._pending) > 10_000:
                self._pending.clear()
            self._pending[token_id] = now
            return True


async def current_actor(request: Request, background: BackgroundTasks) -> Actor:
    """The signed-in actor; NotSignedIn without valid credentials (PermissionDenied on CSRF failure).

    A workshop's guest is refused (PermissionDenied) outside the few routes a guest may use.
    """
    actor = await _signed_in(request, background)
    if actor.guest_of is not None and not guest_may_use(request.method, request.url.path):
        raise PermissionDenied(GUEST_REFUSED)
    return actor


async def _signed_in(request: Request, background: BackgroundTasks) -> Actor:
    """The actor of the request's API token or session cookie.

    The look-up is one indexed read, run on the event loop to spare every request a hop
    to a worker thread; the rare write (a token's last use) runs after the response.
    """
    db: Database = request.app.state.db
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise NotSignedIn("send an API token as 'Authorization: Bearer jl_…'")
        use = accounts.look_up_token(db, secret.strip())
        uses: TokenUses = request.app.state.token_uses
        if use.stale_token_id is not None and uses.claim(use.stale_token_id):
            background.add_task(accounts.record_token_use, db, use.stale_token_id)
        return use.actor
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise NotSignedIn("sign in first (session cookie or 'Authorization: Bearer' API token)")
    actor, csrf = accounts.session_actor(db, cookie)
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent or not accounts.same_secret(sent, csrf):
            raise PermissionDenied(
                f"missing or wrong CSRF token: send the value of the {CSRF_COOKIE} cookie in the {CSRF_HEADER} header"
            )
    return actor


CROSS_SITE_MESSAGE = (
    "sign-in refused: the request came from another site (open the sign-in link or the "
    "sign-in page of this server directly)"
)


def is_cross_site(request: HTTPConnection) -> bool:
    """True when a browser says the request was started by another site.

    Browsers that send `Sec-Fetch-Site` are believed (pages cannot forge it): anything but
    `same-origin`, or `none` (typed, or opened from outside a page), is another site.
    Older browsers are judged by `Origin`: another site's origin, or `null` (what a
    sandboxed frame or a page with no referrer sends), is refused. A request with neither
    header comes from a script or a tool, which cannot carry a victim's cookies. Refusing
    these for sign-in stops login CSRF: another site signing the browser in to an account
    of its choosing.
    """
    fetch_site = request.headers.get("sec-fetch-site", "").strip().lower()
    if fetch_site:
        return fetch_site not in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is None:
        return False
    if origin.strip().lower() == "null":
        return True
    allowed = {request.headers.get("host", "").lower()}
    public_url = settings_of(request).public_url
    if public_url:
        allowed.add(urlsplit(public_url).netloc.lower())
    return urlsplit(origin.strip()).netloc.lower() not in allowed


def refuse_cross_site(request: Request) -> None:
    """PermissionDenied for a sign-in another site started (see `is_cross_site`)."""
    if is_cross_site(request):
        raise PermissionDenied(CROSS_SITE_MESSAGE)


def client_address(request: Request) -> str | None:
    """The address the request came from (as the server sees it)."""
    return request.client.host if request.client else None


def _secure(request: Request, settings: Settings) -> bool:
    if settings.secure_cookies is not None:
        return settings.secure_cookies
    return request.url.scheme == "https"


def set_session_cookies(
    request: Request, response: Response, token: str, csrf_token: str, expires_at: dt.datetime
) -> None:
    """Put a new session in the browser: HttpOnly session cookie, readable CSRF cookie."""
    settings = settings_of(request)
    max_age = max(
        0, int((expires_at - dt.datetime.now(dt.UTC).replace(tzinfo=None)).total_seconds())
    )
    secure = _secure(request, settings)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )
    response.set_cookie(
        CSRF_COOKIE,
        csrf_token,
        max_age=max_age,
        httponly=False,
        samesite="strict",
        secure=secure,
        path="/",
    )


def clear_session_cookies(response: Response) -> None:
    """Remove the session cookies from the browser."""
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
