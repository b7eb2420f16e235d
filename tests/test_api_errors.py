# ruff: noqa: F811 - pytest fixtures are imported from tests.api_support by name
"""One JSON error envelope for the whole API: this test pins its shape."""

from __future__ import annotations

from typing import Any

from journeyline.errors import InvalidInput, JourneylineError, NotFound, UsageError
from journeyline.store.errors import (
    Conflict,
    NotSignedIn,
    PermissionDenied,
    PreconditionRequired,
    StaleRevision,
)
from journeyline.web.errors import envelope, status_for
from tests.api_support import World, database, envelope_of, world  # noqa: F401

DIAGNOSTIC_KEYS = {"file", "line", "column", "severity", "message", "hint"}


def check_shape(response: Any, status: int, kind: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    error = envelope_of(response)
    assert error["type"] == kind
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], dict)
    for diagnostic in error["diagnostics"]:
        assert set(diagnostic) == DIAGNOSTIC_KEYS
    return error


def test_the_envelope_is_the_same_for_every_error(world: World) -> None:
    ws = f"/api/workspaces/{world.workspace}"
    check_shape(world.client("anonymous").get("/api/workspaces"), 401, "NotSignedIn")
    check_shape(world.client("viewer").delete(ws), 403, "PermissionDenied")
    check_shape(world.client("outsider").get(ws), 404, "NotFound")
    check_shape(world.client("owner").get("/api/no/such/thing"), 404, "NotFound")
    check_shape(world.client("owner").put("/api/health"), 405, "MethodNotAllowed")
    stale = check_shape(
        world.client("owner").patch(
            f"{ws}/maps/trial-a", json={"goal": "x"}, headers={"If-Match": '"7"'}
        ),
        409,
        "StaleRevision",
    )
    assert set(stale["details"]) == {"current_revision", "your_revision", "changes"}
    check_shape(
        world.client("owner").patch(f"{ws}/maps/trial-a", json={"goal": "x"}),
        428,
        "PreconditionRequired",
    )
    invalid = check_shape(
        world.client("owner").post(f"{ws}/members", json={"role": "viewer"}), 422, "InvalidInput"
    )
    assert invalid["diagnostics"][0]["message"] == "email: Field required"
    check_shape(
        world.client("owner").post(
            f"{ws}/maps", content=b"{not json", headers={"content-type": "application/json"}
        ),
        422,
        "InvalidInput",
    )
    domain = check_shape(
        world.client("owner").patch(
            f"{ws}/maps/trial-a/steps/form-a", json={"emotion": "very"}, headers={"If-Match": '"1"'}
        ),
        422,
        "InvalidInput",
    )
    assert domain["diagnostics"][0]["message"].startswith("emotion:")
    check_shape(
        world.client("owner").patch(
            f"{ws}/maps/trial-a", json={"goal": "x"}, headers={"If-Match": "soon"}
        ),
        400,
        "UsageError",
    )


def test_the_envelope_pinned() -> None:
    assert envelope(409, "StaleRevision", "m", details={"current_revision": 2}) == {
        "error": {
            "status": 409,
            "type": "StaleRevision",
            "message": "m",
            "diagnostics": [],
            "details": {"current_revision": 2},
        }
    }


def test_one_table_maps_domain_errors_to_statuses() -> None:
    assert status_for(NotSignedIn("x")) == 401
    assert status_for(PermissionDenied("x")) == 403
    assert status_for(NotFound("x")) == 404
    assert status_for(StaleRevision("x")) == 409
    assert status_for(Conflict("x")) == 409
    assert status_for(InvalidInput("x")) == 422
    assert status_for(PreconditionRequired("x")) == 428
    assert status_for(UsageError("x")) == 400

    class Unlisted(JourneylineError):
        pass

    assert status_for(Unlisted("x")) == 400


def test_security_headers_on_every_response(world: World) -> None:
    for response in (
        world.client("anonymous").get("/api/health"),
        world.client("anonymous").get("/api/workspaces"),
    ):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"


def test_openapi_is_served(world: World) -> None:
    spec = world.client("anonymous").get("/openapi.json").json()
    assert spec["info"]["title"] == "Journeyline"
    assert "/api/workspaces/{workspace_id}/maps/{map_id}/steps/{element_id}" in spec["paths"]
    assert world.client("anonymous").get("/docs").status_code == 200
