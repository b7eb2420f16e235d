"""What the server benchmarks share: a free loopback port, and waiting for a started server."""

from __future__ import annotations

import socket
import subprocess
import time

import httpx


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
