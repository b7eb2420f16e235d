"""Fixtures for the API and store tests: a database on each backend, a world of accounts and roles.

The same tests run on SQLite and on PostgreSQL. PostgreSQL is reached through
JOURNEYLINE_TEST_DATABASE_URL (scripts/postgres-test.sh starts a throwaway server and
prints it); each test gets its own schema. Without that URL the PostgreSQL runs are
skipped locally, and fail in CI (CI=true), where the server must be there.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from journeyline.model import Workspace
from journeyline.store import accounts, members, workspaces
from journeyline.store.access import Actor
from journeyline.store.database import Database, open_database
from journeyline.web import Settings, create_app

POSTGRES_ENV = "JOURNEYLINE_TEST_DATABASE_URL"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
ROLES = ("owner", "editor", "commenter", "viewer")


def postgres_url() -> str:
    """The test server's URL, or skip (fail in CI) when there is none."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        message = (
            f"PostgreSQL tests need {POSTGRES_ENV} (run: eval $(bash scripts/postgres-test.sh))"
        )
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    return url


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A fresh, migrated database on SQLite (a temporary file) or PostgreSQL (a temporary schema)."""
    if request.param == "sqlite":
        db = open_database(f"sqlite:///{tmp_path / 'journeyline.db'}")
        yield db
        db.close()
        return
    url = postgres_url()
    schema = create_schema(url)
    db = open_database(url, connect_args=schema_connect_args(schema))
    try:
        yield db
    finally:
        db.close()
        drop_schema(url, schema)


def create_schema(url: str) -> str:
    """A new empty schema on the test server; returns its name."""
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    finally:
        admin.dispose()
    return schema


def schema_connect_args(schema: str) -> dict[str, str]:
    """Connection arguments that put a session in `schema`, named after it (see drop_schema)."""
    return {"options": f"-csearch_path={schema}", "application_name": schema}


def drop_schema(url: str, schema: str) -> None:
    """Drop a test schema, first ending any session still in it.

    A server under test can leave work behind in a thread after it stops (a revision being
    cut as the last client leaves); that session's locks would deadlock the DROP. Sessions
    opened with `schema_connect_args` carry the schema as their application name, so they
    can be found and ended first. Retries a few times if a lock still gets in the way.
    """
    admin = create_engine(
        url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    try:
        for attempt in range(6):
            try:
                with admin.connect() as connection:
                    connection.execute(
                        text(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                            " WHERE application_name = :name AND pid <> pg_backend_pid()"
                        ),
                        {"name": schema},
                    )
                    connection.execute(text("SET lock_timeout = '10s'"))
                    connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                return
            except OperationalError:
                if attempt == 5:
                    raise
                time.sleep(0.2 * (attempt + 1))
    finally:
        admin.dispose()


def sample_workspace(tag: str = "a") -> Workspace:
    """A small but complete workspace; `tag` makes its ids and texts distinct per workspace."""
    return Workspace.model_validate(
        {
            "id": f"acme-{tag}",
            "name": f"Acme {tag.upper()}",
            "segments": [{"id": f"smb-{tag}", "name": "SMB"}],
            "personas": [{"id": f"priya-{tag}", "name": f"Priya {tag}", "segment": f"smb-{tag}"}],
            "lanes": [{"id": f"regulation-{tag}", "name": "Regulation"}],
            "evidence": [
                {
                    "id": f"survey-{tag}",
                    "kind": "survey",
                    "summary": f"Survey {tag}",
                    "links": [f"priya-{tag}"],
                }
            ],
            "maps": [
                {
                    "id": f"trial-{tag}",
                    "name": f"Trial to paid {tag}",
                    "personas": [f"priya-{tag}"],
                    "segment": f"smb-{tag}",
                    "stages": [
                        {
                            "id": f"signup-{tag}",
                            "name": "Sign up",
                            "steps": [
                                {
                                    "id": f"form-{tag}",
                                    "name": "Fill the form",
                                    "emotion": -2,
                                    "channel": "web",
                                },
                                {"id": f"verify-{tag}", "name": "Verify e-mail", "emotion": 1},
                            ],
                        },
                        {
                            "id": f"pay-{tag}",
                            "name": "Pay",
                            "steps": [
                                {
                                    "id": f"card-{tag}",
                                    "name": "Enter card",
                                    "emotion": -4,
                                    "moment_of_truth": True,
                                }
                            ],
                        },
                    ],
                    "pain_points": [
                        {
                            "id": f"slow-{tag}",
                            "name": f"Card form rejects cards {tag}",
                            "step": f"card-{tag}",
                            "impact": "abandon",
                        }
                    ],
                    "opportunities": [
                        {
                            "id": f"wallets-{tag}",
                            "name": "Accept wallets",
                            "pain_points": [f"slow-{tag}"],
                            "effort": "m",
                            "impact": "high",
                        }
                    ],
                    "evidence": [
                        {
                            "id": f"quote-{tag}",
                            "kind": "quote",
                            "quote": f"I gave up {tag}",
                            "links": [f"card-{tag}"],
                        }
                    ],
                },
                {
                    "id": f"future-{tag}",
                    "name": f"Future {tag}",
                    "type": "future_state",
                    "based_on": f"trial-{tag}",
                    "stages": [
                        {
                            "id": f"fsignup-{tag}",
                            "name": "Sign up",
                            "steps": [
                                {"id": f"fform-{tag}", "name": "One-click sign up", "emotion": 2}
                            ],
                        }
                    ],
                },
            ],
        }
    )


@dataclass
class World:
    """Workspace A with one account per role, and workspace B of an outsider, behind one app."""

    db: Database
    app: Any
    workspace: str
    foreign_workspace: str
    actors: dict[str, Actor] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    clients: dict[str, TestClient] = field(default_factory=dict)

    def client(self, who: str) -> TestClient:
        """A client signed in (by API token) as `who`: a role, 'outsider', or 'anonymous'."""
        return self.clients[who]

    def etag(self, who: str, path: str) -> str:
        """The current ETag of a map or workspace."""
        response = self.client(who).get(path)
        assert response.status_code == 200, response.text
        return response.headers["ETag"]


def build_world(db: Database, settings: Settings | None = None) -> World:
    """Accounts for every role in workspace A; an outsider owning workspace B."""
    actors: dict[str, Actor] = {}
    with db.writing() as session:
        for who in (*ROLES, "outsider"):
            account = accounts.create_account(session, f"{who}@example.org", who.title())
            actors[who] = accounts.actor_of(account)
    mine = workspaces.create_workspace(db, actors["owner"], source=sample_workspace("a"))
    theirs = workspaces.create_workspace(db, actors["outsider"], source=sample_workspace("b"))
    for role in ROLES[1:]:
        members.add_member(db, actors["owner"], mine["id"], f"{role}@example.org", role)
    app = create_app(settings or Settings(secret_key="tests: a fixed server secret"), database=db)
    world = World(
        db=db, app=app, workspace=mine["id"], foreign_workspace=theirs["id"], actors=actors
    )
    for who, actor in actors.items():
        _, secret = accounts.create_api_token(db, actor, "tests")
        world.tokens[who] = secret
        world.clients[who] = TestClient(
            app, headers={"Authorization": f"Bearer {secret}"}, raise_server_exceptions=False
        )
    world.clients["anonymous"] = TestClient(app, raise_server_exceptions=False)
    return world


@pytest.fixture
def world(database: Database) -> Iterator[World]:
    """The world on each backend."""
    built = build_world(database)
    yield built
    for client in built.clients.values():
        client.close()


def envelope_of(response: Any) -> dict[str, Any]:
    """The error envelope of a response, checked for its shape."""
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"status", "type", "message", "diagnostics", "details"}, error
    assert error["status"] == response.status_code
    return dict(error)
