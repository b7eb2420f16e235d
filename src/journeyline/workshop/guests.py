"""What a workshop's guest may ask the server for, by address.

A guest has an account made for one workshop, a member of no workspace; the access check
(`store.access.require`) refuses it everywhere but the workshop's map. This is the outer
fence, checked when a request is signed in: a guest's requests may only go to the
workshop routes, a map's read, live document, comments and votes, and their own session.
Which workshop and which map are then checked by the routes themselves.
"""

from __future__ import annotations

import re

_ALLOWED: tuple[tuple[frozenset[str], re.Pattern[str]], ...] = (
    (
        frozenset({"GET", "POST", "PATCH", "PUT", "DELETE"}),
        re.compile(r"^/api/workshops/join/[^/]+$"),
    ),
    (
        frozenset({"GET", "POST", "PATCH", "PUT", "DELETE"}),
        re.compile(r"^/api/workspaces/[^/]+/workshops/[^/]+(/.*)?$"),
    ),
    (frozenset({"GET", "HEAD"}), re.compile(r"^/api/workspaces/[^/]+/maps/[^/]+$")),
    (frozenset({"GET", "HEAD"}), re.compile(r"^/api/workspaces/[^/]+/maps/[^/]+/live$")),
    (
        frozenset({"GET", "POST", "PATCH", "PUT", "DELETE"}),
        re.compile(r"^/api/workspaces/[^/]+/maps/[^/]+/(comments|votes)(/[^/]+)?$"),
    ),
    (frozenset({"GET", "HEAD"}), re.compile(r"^/api/me$")),
    (frozenset({"POST"}), re.compile(r"^/api/auth/sign-out$")),
)

GUEST_REFUSED = (
    "a workshop guest can use only that workshop and its map "
    "(ask the facilitator to invite you to the workspace for more)"
)


def guest_may_use(method: str, path: str) -> bool:
    """True when a guest's request to `path` may go on to the route's own checks."""
    clean = path.rstrip("/") or "/"
    return any(method.upper() in methods and pattern.match(clean) for methods, pattern in _ALLOWED)
