"""The server's secret: the key share-link tokens are derived from.

The `secret_key` setting when it is set; otherwise 32 random bytes made on first use and
kept in `data_dir/secret-key` (readable by the server's user only), so restarts keep the
links working. Every server process on one database needs the same secret.
"""

from __future__ import annotations

import os
import secrets
import threading
from pathlib import Path

from journeyline.web.settings import Settings

SECRET_FILE = "secret-key"

_lock = threading.Lock()


class ServerSecret:
    """The key, read or made once, on first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._key: bytes | None = None

    def key(self) -> bytes:
        """The key (made and saved on the first call when no `secret_key` is set)."""
        if self._key is None:
            with _lock:
                if self._key is None:
                    self._key = self._load()
        return self._key

    def _load(self) -> bytes:
        if self.settings.secret_key:
            return self.settings.secret_key.encode("utf-8")
        path = Path(self.settings.data_dir) / SECRET_FILE
        try:
            return path.read_text(encoding="ascii").strip().encode("ascii")
        except FileNotFoundError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True)
        made = secrets.token_hex(32)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            return path.read_text(encoding="ascii").strip().encode("ascii")
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(made + "\n")
        return made.encode("ascii")
