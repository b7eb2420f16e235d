# ruff: noqa: F811 - pytest fixtures are imported from tests.api_support by name
"""No endpoint leaks another workspace's data, and every role gets exactly what it may do.

The test walks every operation in the OpenAPI document with every role, with an
outsider, without credentials, and with a foreign workspace's ids.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from journeyline.store import collaboration, members, sharing
from tests.api_support import ROLES, World, database, world  # noqa: F401
from tests.files_support import png

RANK = {"viewer": 0, "commenter": 1, "editor": 2, "owner": 3}
ELEMENT_IDS = {
    "stages": "signup",
    "steps": "form",
    "pain_points": "slow",
    "opportunities": "wallets",
    "evidence": "quote",  # a map's evidence; the workspace's is 'survey'
    "segments": "smb",
    "personas": "priya",
    "lanes": "regulation",
}
FOREIGN_MARKERS = (
    "Trial to paid b",
    "Priya b",
    "Card form rejects cards b",
    "I gave up b",
    "Acme B",
    "Survey b",
)
PUBLIC = {("GET", "/api/health"), ("POST", "/api/auth/sign-in"), ("POST", "/api/auth/sign-in-link")}


def operations(world: World) -> list[tuple[str, str]]:
    spec = world.app.openapi()
    return [(method.upper(), path) for path, ops in spec["paths"].items() for method in ops]


def needed_role(method: str, path: str) -> str:
    """What the product promises: who may do what (independent of the code's own checks)."""
    if method == "GET":
        return "editor" if "/share-links" in path or path.endswith("/write-key") else "viewer"
    if "/members" in path or (method == "DELETE" and path == "/api/workspaces/{workspace_id}"):
        return "owner"
    if path.endswith("/comments") and method == "POST":
        return "commenter"
    if "/comments/{comment_id}" in path:
        return "editor"  # the comment is someone else's: only its author or an editor
    if "/votes/" in path:
        return "commenter"
    if path.endswith("/events/jobs"):
        return "viewer"  # running an analysis reads the data and changes nothing
    return "editor"


def element_id(path: str, tag: str) -> str:
    kind = path.split("/")[-2]
    if kind == "evidence" and "/maps/" not in path:
        return f"survey-{tag}"
    return f"{ELEMENT_IDS[kind]}-{tag}"


def _research(client: Any, base: str, tag: str) -> dict[str, Any]:
    """A research repository to walk: a source with two quotes (one linked), a source to
    delete, and a survey."""
    notes = b"We could not find the export button. Support took two days."
    ids: dict[str, Any] = {}
    for key, name in (("research_source", "notes.md"), ("doomed_source", "doomed.md")):
        made = client.post(f"{base}/research/import", files={"file": (name, notes)})
        assert made.status_code == 201, made.text
        ids[key] = made.json()["id"]
    for key, (start, stop) in (("quote", (0, 34)), ("doomed_quote", (35, 59))):
        quote = client.post(
            f"{base}/research/quotes",
            json={"source": ids["research_source"], "start": start, "stop": stop},
        )
        assert quote.status_code == 201, quote.text
        ids[key] = quote.json()["id"]
    linked = client.post(
        f"{base}/research/quotes/{ids['quote']}/links",
        json={"map": f"trial-{tag}", "element": f"slow-{tag}"},
    )
    assert linked.status_code == 201, linked.text
    ids["quote_link"] = str(linked.json()["links"][0]["id"])
    survey = b"id,touchpoint,csat,comment\n1,Sign up,4,Fine\n2,Sign up,5,Great\n"
    made = client.post(f"{base}/research/import", files={"file": ("survey.csv", survey)})
    assert made.status_code == 201, made.text
    ids["survey"] = made.json()["id"]
    return ids


def _research_body(method: str, path: str) -> dict[str, Any]:
    """A valid body for a research route (the walk checks access, not the work)."""
    if path.endswith("/validation"):
        return {"status": "hypothesis"}
    if path.endswith("/research/quotes"):
        return {"text": "Walked", "source_name": "walk"}
    if path.endswith("/links"):
        return {"map": "trial-a", "element": "form-a"}
    if path.endswith("/quotes/{quote_id}"):
        return {"tags": ["walked"]}
    if path.endswith("/apply"):
        return {"map": "trial-a"}
    if path.endswith("/themes"):
        return {"text_col": "no such column"}
    return {}


class Walk:
    """Fills in an operation's path and body for workspace A (or for B's ids)."""

    def __init__(self, world: World) -> None:
        self.world = world
        owner = world.actors["owner"]
        outsider = world.actors["outsider"]
        members.add_member(world.db, owner, world.workspace, "bystander@example.org", "viewer")
        self.bystander = next(
            m["account"]
            for m in members.list_members(world.db, owner, world.workspace)
            if m["email"] == "bystander@example.org"
        )
        self.ids = {
            "a": {
                "comment": collaboration.add_comment(
                    world.db, owner, world.workspace, "trial-a", "Owner's note"
                )["id"],
                "link": sharing.create_share_link(
                    world.db, owner, world.workspace, "trial-a", key=b"walk"
                )[0]["id"],
            },
            "b": {
                "comment": collaboration.add_comment(
                    world.db, outsider, world.foreign_workspace, "trial-b", "I gave up b"
                )["id"],
                "link": sharing.create_share_link(
                    world.db, outsider, world.foreign_workspace, "trial-b", key=b"walk"
                )[0]["id"],
            },
        }

        for tag, who, workspace in (
            ("a", "owner", world.workspace),
            ("b", "outsider", world.foreign_workspace),
        ):
            client = world.client(who)
            base = f"/api/workspaces/{workspace}"
            csv = b"user_id,event,timestamp\nu1,visit,2024-01-01 10:00:00\nu1,buy,2024-01-01 10:05:00\n"
            made = client.post(f"{base}/event-sources/upload", files={"file": ("walk.csv", csv)})
            assert made.status_code in (200, 201), made.text
            self.ids[tag]["source"] = made.json()["id"]
            job = client.post(
                f"{base}/events/jobs", json={"analysis": "reach", "source": made.json()["id"]}
            )
            assert job.status_code == 202, job.text
            self.ids[tag]["job"] = job.json()["id"]
            picture = client.post(f"{base}/files", files={"file": ("walk.png", png(), "image/png")})
            assert picture.status_code == 201, picture.text
            self.ids[tag]["file"] = picture.json()["id"]
            self.ids[tag] |= _research(client, base, tag)

    def url(self, path: str, *, workspace: str, tag: str, method: str = "GET") -> str:
        values = {
            "workspace_id": workspace,
            "map_id": f"trial-{tag}",
            "number": "1",
            "comment_id": self.ids[tag]["comment"],
            "link_id": self.ids[tag]["link"],
            "account_id": self.bystander
            if tag == "a"
            else self.world.actors["outsider"].account_id,
            "target": f"wallets-{tag}",
            "fmt": "svg",
            "source_id": self.ids[tag]["source"],
            "job_id": self.ids[tag]["job"],
            "file_id": self.ids[tag]["file"],
        }
        if "{element_id}" in path:
            values["element_id"] = element_id(path, tag)
        if "/research/" in path:
            ids = self.ids[tag]
            values["source_id"] = ids["survey"] if "/surveys/" in path else ids["doomed_source"]
            doomed = method == "DELETE" and path.endswith("/quotes/{quote_id}")
            values["quote_id"] = ids["doomed_quote"] if doomed else ids["quote"]
            values["link_id"] = ids["quote_link"]
            values["suggestion_id"] = "walked"
            values["verdict"] = "reject"
        url = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)
        if path.endswith("/steps") or path.endswith("/steps/{element_id}"):
            url += f"?stage=signup-{tag}"
        if path.endswith("/diff"):
            url += "?from=1"
        return url

    def request_kwargs(self, method: str, path: str) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"headers": {"If-Match": '"999"'}}
        if path.endswith("/event-sources/upload"):
            kwargs["files"] = {
                "file": ("events.csv", b"user,event,time\nu1,a,2024-01-01\n", "text/csv")
            }
            return kwargs
        if path.endswith("/files") and method == "POST":
            kwargs["files"] = {"file": ("walk.png", png(), "image/png")}
            return kwargs
        if path.endswith("/import"):
            document = {
                "journeyline": 1,
                "name": "Imported",
                "maps": [{"id": "imported-x", "name": "Imported"}],
            }
            kwargs["files"] = {
                "file": ("imported.json", json.dumps(document).encode(), "application/json")
            }
            return kwargs
        if method in ("GET", "DELETE") or path.endswith("/restore") or "/votes/" in path:
            return kwargs
        body: dict[str, Any] = {"name": "Walked"}
        if "/members" in path:
            body = (
                {"email": "new@example.org", "role": "viewer"}
                if method == "POST"
                else {"role": "viewer"}
            )
        elif "/comments" in path:
            body = {"body": "Walked"} if method == "POST" else {"resolved": True}
        elif path.endswith("/event-sources"):
            body = {"kind": "collector", "name": "Walked"}
        elif path.endswith("/events/jobs"):
            body = {"analysis": "reach", "source": self.ids["a"]["source"]}
        elif "/share-links" in path or path.endswith("/label"):
            body = {"label": "walk"}
        elif "/research/" in path or path.endswith("/validation"):
            body = _research_body(method, path)
        elif path.endswith("/from-template"):
            body = {"template": "saas-trial"}
        elif path.endswith("/evidence") or path.endswith("/evidence/{element_id}"):
            body = {"quote": "Walked"}
        elif path == "/api/workspaces/{workspace_id}/maps/{map_id}" and method == "PATCH":
            body = {"scenario": "Walked"}
        kwargs["json"] = body
        return kwargs


def test_every_operation_with_every_role(world: World) -> None:
    walk = Walk(world)
    ops = operations(world)
    # Workshops have roles of their own (facilitator, scribe, guests): tests/test_api_workshops.py
    # walks their operations with every role, an outsider and a guest.
    scoped = [
        (m, p)
        for m, p in ops
        if p.startswith("/api/workspaces/{workspace_id}") and "/workshops" not in p
    ]
    assert len(scoped) > 60, "the walk should cover the whole workspace API"
    for method, path in scoped:
        url = walk.url(path, workspace=world.workspace, tag="a", method=method)
        kwargs = walk.request_kwargs(method, path)
        need = needed_role(method, path)
        anonymous = world.client("anonymous").request(method, url, **kwargs)
        assert anonymous.status_code == 401, (method, path, anonymous.text)
        outsider = world.client("outsider").request(method, url, **kwargs)
        assert outsider.status_code == 404, (method, path, outsider.text)
        for role in ROLES:
            if RANK[role] < RANK[need]:
                response = world.client(role).request(method, url, **kwargs)
                assert response.status_code == 403, (role, method, path, response.text)
    # Allowed: the access check passes (writes with a stale If-Match then stop at 409).
    ordered = sorted(
        scoped,
        key=lambda op: (op == ("DELETE", "/api/workspaces/{workspace_id}"), op[0] == "DELETE"),
    )
    for method, path in ordered:
        url = walk.url(path, workspace=world.workspace, tag="a", method=method)
        kwargs = walk.request_kwargs(method, path)
        response = world.client(needed_role(method, path)).request(method, url, **kwargs)
        assert response.status_code not in (401, 403, 404) and response.status_code < 500, (
            method,
            path,
            response.text,
        )
        if "If-Match" in str(
            world.app.openapi()["paths"][path][method.lower()].get("parameters", [])
        ):
            assert response.status_code == 409, (method, path, response.text)


def test_no_operation_reveals_a_foreign_workspace(world: World) -> None:
    walk = Walk(world)
    owner = world.client("owner")
    for method, path in operations(world):
        if not path.startswith("/api/workspaces/{workspace_id}") or "/workshops" in path:
            continue  # workshops: tests/test_api_workshops.py
        kwargs = walk.request_kwargs(method, path)
        # B's workspace id, with B's ids inside it.
        theirs = owner.request(
            method, walk.url(path, workspace=world.foreign_workspace, tag="b"), **kwargs
        )
        assert theirs.status_code == 404, (method, path, theirs.text)
        # Our workspace id with B's ids: found nowhere.
        mixed = owner.request(method, walk.url(path, workspace=world.workspace, tag="b"), **kwargs)
        body = mixed.text
        for marker in FOREIGN_MARKERS:
            assert marker not in body and marker not in theirs.text, (method, path, marker)
        names_an_object = any(
            f"{{{name}}}" in path
            for name in ("map_id", "comment_id", "link_id", "element_id", "file_id")
        )
        if names_an_object and not path.endswith("/votes/{target}"):
            # Not found; or (for B's ids sent as data) refused as unknown: never served.
            assert mixed.status_code in (404, 422), (method, path, body)


def test_workspace_list_shows_only_your_workspaces(world: World) -> None:
    mine = world.client("viewer").get("/api/workspaces").json()
    assert [w["id"] for w in mine] == [world.workspace]
    assert mine[0]["role"] == "viewer"
    theirs = world.client("outsider").get("/api/workspaces").json()
    assert [w["id"] for w in theirs] == [world.foreign_workspace]


def test_account_endpoints_need_sign_in(world: World) -> None:
    for method, path in operations(world):
        if (
            path.startswith("/api/workspaces/{workspace_id}")
            or path.startswith("/api/shared")
            or path.startswith("/api/workshops/join/")  # a guest's way in: the link is the key
            or (method, path) in PUBLIC
        ):
            continue
        url = path.replace("{token_id}", "t_none")
        response = world.client("anonymous").request(method, url, json={})
        assert response.status_code == 401, (method, path, response.text)


@pytest.mark.parametrize("who", ["anonymous", "viewer"])
def test_health_answers_without_sign_in(world: World, who: str) -> None:
    response = world.client(who).get("/api/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    from alembic.script import ScriptDirectory

    from journeyline.store.database import MIGRATIONS_DIR

    assert response.json()["schema"] == ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
