"""Errors of the shared, stored workspaces: who may do what, and edits that crossed.

Like every domain error they carry no HTTP status; `journeyline.web.errors` maps them.
"""

from __future__ import annotations

from typing import Any

from journeyline.errors import Diagnostic, JourneylineError


class NotSignedIn(JourneylineError):
    """The request carries no valid session, API token or share link."""


class PermissionDenied(JourneylineError):
    """The account is a member of the workspace but its role does not allow this."""


class Conflict(JourneylineError):
    """The change cannot be made in the current state (a taken id, an existing account …)."""

    def __init__(
        self,
        message: str,
        diagnostics: list[Diagnostic] | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message, diagnostics)
        self.details = details or {}


class StaleRevision(Conflict):
    """A write was based on an older revision than the stored one: nothing was overwritten.

    `details` holds the current revision and the changes made since the writer's revision.
    """


class PreconditionRequired(JourneylineError):
    """A write to a versioned document did not say which revision it was based on."""


class ShareLinkLocked(JourneylineError):
    """A share link has a password and the request gave none, or the wrong one."""


class TooManyAttempts(JourneylineError):
    """Too many failed sign-ins for one account or from one address: wait before trying again.

    `retry_after` is how many seconds until the next attempt is accepted.
    """

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.details = {"retry_after_seconds": retry_after}
