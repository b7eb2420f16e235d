"""Two `journeyline serve` processes on one PostgreSQL share live documents: a client on
each sees the other's edits (LISTEN/NOTIFY fan-out of committed updates)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pycrdt
import pytest

from journeyline.store import accounts, members, workspaces
from journeyline.store.database import open_database
from tests.api_support import (
    create_schema,
    drop_schema,
    postgres_url,
    sample_workspace,
    schema_connect_args,
)
from tests.live_client import YClient, free_port
from tests.test_live_durability import server

pytestmark = pytest.mark.postgres


def test_two_server_processes_share_a_live_map(tmp_path: Path) -> None:
    url = postgres_url()
    schema = create_schema(url)
    try:
        db = open_database(url, connect_args=schema_connect_args(schema))
        with db.writing() as session:
            ann = accounts.actor_of(accounts.create_account(session, "ann@example.org", "Ann"))
            accounts.create_account(session, "bob@example.org", "Bob")
        workspace = workspaces.create_workspace(db, ann, source=sample_workspace("a"))["id"]
        members.add_member(db, ann, workspace, "bob@example.org", "editor")
        with db.reading() as session:
            found = accounts.find_account(session, "bob@example.org")
            assert found is not None
            bob = accounts.actor_of(found)
        tokens = [accounts.create_api_token(db, who, "t")[1] for who in (ann, bob)]
        db.close()
        joiner = "&" if "?" in url else "?"
        scoped = (
            f"{url}{joiner}options={quote(f'-csearch_path={schema}')}&application_name={schema}"
        )
        ports = [free_port(), free_port()]
        with (
            server(tmp_path, ports[0], database_url=scoped),
            server(tmp_path, ports[1], database_url=scoped),
        ):
            clients = [
                YClient(
                    f"ws://127.0.0.1:{port}/api/workspaces/{workspace}/maps/trial-a/live",
                    {"Authorization": f"Bearer {token}"},
                )
                for port, token in zip(ports, tokens, strict=True)
            ]
            for c in clients:
                c.sync()

            def name(c: YClient) -> str:
                return str(c.doc.get("steps", type=pycrdt.Map)["form-a"]["name"])

            first, second = clients
            text_ = first.doc.get("steps", type=pycrdt.Map)["form-a"]["name"]
            text_.insert(len(str(text_)), " (Ann)")
            assert second.pump(lambda: name(second) == "Fill the form (Ann)")
            other = second.doc.get("steps", type=pycrdt.Map)["form-a"]["name"]
            other.insert(0, "Bob: ")
            assert first.pump(lambda: name(first) == "Bob: Fill the form (Ann)")
            first.wait_saved()
            second.wait_saved()
            for c in clients:
                c.close()
    finally:
        drop_schema(url, schema)
