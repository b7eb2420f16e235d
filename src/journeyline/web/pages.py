"""The web app's pages: the built single-page app, its hashed assets, and the API docs, all offline.

Every page route of the app (`/`, `/sign-in`, `/w/…`, `/s/…`, and any other GET outside
the API that asks for HTML) answers with the app's index.html, never cached, under a
strict Content-Security-Policy; the app then routes in the browser. `/assets/*` are the
build's content-hashed files, cached for a year. `/docs` is Swagger UI served from the
package (the `fastapi-offline` distribution's copy), not from a CDN.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Match, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from journeyline.web.frontend import APP_DIR

DOCS_STATIC = Path(__file__).parent / "static" / "docs"
"""Our own part of the docs page (the script that starts Swagger UI)."""

APP_CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob: https:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
    )
)
"""The app's pages run only the app's own scripts and styles (React's `style` props go
through the CSSOM, which CSP allows); pictures may come from anywhere over HTTPS."""

DOCS_CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        # Swagger UI sets style attributes in the markup it renders.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
    )
)

PLAIN_PAGE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
"""For the small server-made pages (the one-time sign-in page): no scripts at all."""

IMMUTABLE = "public, max-age=31536000, immutable"

RESERVED_PREFIXES = ("/api", "/docs", "/openapi.json", "/signin", "/assets")
"""Paths the app never claims: what is not found there is a JSON 404."""

APP_ROUTES = ("/", "/sign-in", "/w/{rest:path}")
"""The app's own page routes: index.html whatever the request accepts (and `/s/{token}`,
the share page, whose framing depends on the link)."""


def app_csp(frame_ancestors: str = "'none'") -> str:
    """The app's policy, with the sites that may frame the page (`'none'` but for share
    pages that allow embedding)."""
    return APP_CSP.replace("frame-ancestors 'none'", f"frame-ancestors {frame_ancestors}")


_NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Journeyline</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto">
<h1>The Journeyline web app is not built</h1>
<p>This installation has no front-end build. In a checkout, run <code>make frontend</code>;
the REST API works meanwhile (see <a href="/docs">/docs</a>).</p>
</body></html>
"""

_DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – REST API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<link rel="icon" href="/docs/assets/favicon.png">
</head><body>
<div id="swagger-ui" data-openapi-url="{openapi_url}"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/app/swagger-init.js"></script>
</body></html>
"""


_PLAIN_STYLE = """
body { margin: 0; background: #f6f7f9; color: #1d2330;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 30rem; margin: 6rem auto; padding: 2rem 2.25rem; background: #fff;
  border: 1px solid #d9dde5; border-radius: 12px; box-shadow: 0 1px 3px rgb(29 35 48 / 8%); }
.brand { margin: 0 0 1.5rem; font-weight: 700; font-size: 1.05rem; }
.brand span { color: #2b59c3; }
h1 { font-size: 1.35rem; margin: 0 0 0.75rem; }
p { color: #4a5263; margin: 0 0 1rem; }
a { color: #2b59c3; }
button { font: inherit; font-weight: 600; padding: 0.6rem 1.4rem; border: 0; border-radius: 8px;
  background: #2b59c3; color: #fff; cursor: pointer; }
button:hover, button:focus-visible { background: #1f4699; outline: 3px solid #e6edfb; }
@media (max-width: 36rem) { main { margin: 2rem 1rem; padding: 1.5rem; } }
"""


def plain_document(title: str, body: str, referrer: str = "no-referrer") -> str:
    """A small server-made page in the app's look: `body` is HTML the caller has escaped."""
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title>"
        f'<meta name="referrer" content="{html.escape(referrer, quote=True)}">'
        f"<style>{_PLAIN_STYLE}</style></head>\n<body><main>"
        '<p class="brand"><span aria-hidden="true">◠</span> Journeyline</p>'
        f"{body}</main></body></html>\n"
    )


def plain_page(html: str, status_code: int = 200) -> HTMLResponse:
    """A small server-made HTML page: never cached, no scripts."""
    return HTMLResponse(
        html,
        status_code=status_code,
        headers={"Cache-Control": "no-store", "Content-Security-Policy": PLAIN_PAGE_CSP},
    )


def app_page(app_dir: Path = APP_DIR, *, frame_ancestors: str = "'none'") -> Response:
    """The app's index.html (read each time: the build may be replaced while serving)."""
    try:
        body = (app_dir / "index.html").read_bytes()
    except FileNotFoundError:
        return plain_page(_NOT_BUILT, status_code=503)
    return Response(
        body,
        media_type="text/html; charset=utf-8",
        headers={"Cache-Control": "no-store", "Content-Security-Policy": app_csp(frame_ancestors)},
    )


def _wants_page(scope: Scope) -> bool:
    """A browser navigation outside the reserved paths: GET or HEAD accepting HTML."""
    if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
        return False
    path: str = scope["path"]
    if any(path == p or path.startswith(p + "/") for p in RESERVED_PREFIXES):
        return False
    for name, value in scope["headers"]:
        if name == b"accept":
            return b"text/html" in value
    return False


class AppFallback(Route):
    """Matches any other page a browser asks for, so the app can show it (or its own 'not found')."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if not _wants_page(scope):
            return Match.NONE, {}
        return super().matches(scope)


class HashedAssets(StaticFiles):
    """The build's assets: their names carry a hash of their content, so they never change."""

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = IMMUTABLE
        return response


class DocsAssets(StaticFiles):
    """Swagger UI's files; cached for a day (their names carry no hash)."""

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = "public, max-age=86400"
        return response


def swagger_ui_dir() -> Path | None:
    """Where the installed `fastapi-offline` keeps Swagger UI (None when it is not installed)."""
    try:
        import fastapi_offline
    except ImportError:
        return None
    folder = Path(fastapi_offline.__file__).parent / "static"
    return folder if (folder / "swagger-ui-bundle.js").is_file() else None


def install_docs(app: FastAPI, openapi_url: str = "/openapi.json") -> None:
    """`/docs`: Swagger UI for the OpenAPI description, from files in the installed packages."""
    page = _DOCS_PAGE.replace("{title}", app.title).replace("{openapi_url}", openapi_url)
    swagger = swagger_ui_dir()

    async def docs(_: Request) -> Response:
        if swagger is None:
            return plain_page(
                "<!doctype html><title>API docs</title><p>Swagger UI is not installed "
                f'(pip install fastapi-offline); the description is at <a href="{openapi_url}">'
                f"{openapi_url}</a>.</p>",
                status_code=503,
            )
        return HTMLResponse(
            page, headers={"Cache-Control": "no-cache", "Content-Security-Policy": DOCS_CSP}
        )

    app.router.routes.append(Route("/docs", docs, methods=["GET"], include_in_schema=False))
    app.mount("/docs/app", DocsAssets(directory=DOCS_STATIC), name="docs-app")
    if swagger is not None:
        app.mount("/docs/assets", DocsAssets(directory=swagger), name="docs-assets")


def install_app(
    app: FastAPI,
    app_dir: Path = APP_DIR,
    *,
    share_framing: Callable[[str], str] = lambda token: "'none'",
) -> None:
    """The built app: `/assets/*`, the page routes, and the fallback for other pages (add last).

    `share_framing(token)`: the frame-ancestors of a share link's page."""
    if (app_dir / "assets").is_dir():
        app.mount("/assets", HashedAssets(directory=app_dir / "assets"), name="assets")

    async def page(_: Request) -> Response:
        return app_page(app_dir)

    def share_page(request: Request) -> Response:  # sync: the lookup runs on a worker thread
        token = str(request.path_params["rest"]).split("/", 1)[0]
        return app_page(app_dir, frame_ancestors=share_framing(token))

    for path in APP_ROUTES:
        app.router.routes.append(Route(path, page, methods=["GET"], include_in_schema=False))
    app.router.routes.append(
        Route("/s/{rest:path}", share_page, methods=["GET"], include_in_schema=False)
    )
    app.router.routes.append(
        AppFallback("/{path:path}", page, methods=["GET"], include_in_schema=False)
    )
