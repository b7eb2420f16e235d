"""What HTTP asks of every response, so no route has to repeat it.

- `HEAD` works wherever `GET` does: it runs the GET and sends its status and headers
  (Content-Length included) without the body.
- A 405 carries `Allow` with every method the path answers (the routes of one path are
  separate routes, so the router alone names only the first one's).
- API answers hold private data (maps, members, tokens): unless a route said otherwise,
  they carry `Cache-Control: no-store`, so no browser or proxy cache keeps a copy.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_PREFIX = "/api/"
NO_STORE = (b"cache-control", b"no-store")


def allowed_methods(routes: list[BaseRoute], scope: Scope) -> list[str]:
    """Every method some route answers for this request's path (HEAD with GET), sorted."""
    methods: set[str] = set()
    for route in routes:
        route_methods = getattr(route, "methods", None)
        if route_methods and route.matches(scope)[0] != Match.NONE:
            methods |= set(route_methods)
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


class HttpProtocol:
    """ASGI middleware: HEAD as GET without the body, Allow on 405, no-store on the API."""

    def __init__(self, app: ASGIApp, routes: list[BaseRoute]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        path: str = scope.get("path", "")
        asked = scope
        if head:
            scope = {**scope, "method": "GET"}

        async def answer(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                if message["status"] == 405:
                    allow = ", ".join(allowed_methods(self.routes, asked))
                    headers = [(n, v) for n, v in headers if n.lower() != b"allow"]
                    headers.append((b"allow", allow.encode("latin-1")))
                if path.startswith(API_PREFIX) and b"cache-control" not in names:
                    headers.append(NO_STORE)
                message = {**message, "headers": headers}
            elif head and message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # the rest of the body, unsent: only its end is passed on
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        await self.app(scope, receive, answer)
