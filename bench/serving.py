"""What the server benchmarks share: a free loopback port, and waiting for a started server."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

import httpx

from journeyline.model import Workspace


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(base_url: str, process: subprocess.Popen[bytes]) -> None:
    """Returns once GET /api/health answers 200; raises if the server exits or takes 30 s."""
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError("the server exited before it answered")
        try:
            if httpx.get(f"{base_url}/api/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the server did not come up within 30 s")


def workspace_with_editors(
    data_dir: Path, source: Workspace, clients: int
) -> tuple[str, list[str]]:
    """A SQLite workspace in `data_dir` holding `source`, and one editor's API token per client."""
    from journeyline.store import accounts, members, open_database, sqlite_url, workspaces

    db = open_database(sqlite_url(data_dir))
    with db.writing() as session:
        owner = accounts.actor_of(accounts.create_account(session, "owner@bench.local", "Owner"))
    workspace = workspaces.create_workspace(db, owner, source=source)["id"]
    tokens = []
    for n in range(clients):
        email = f"client{n}@bench.local"
        members.add_member(db, owner, workspace, email, "editor")
        with db.reading() as session:
            member = accounts.find_account(session, email)
            assert member is not None
            actor = accounts.actor_of(member)
        tokens.append(accounts.create_api_token(db, actor, "bench")[1])
    db.close()
    return workspace, tokens
