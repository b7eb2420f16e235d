"""Every setting of the web app in one place: name, default, help; read from flags and the environment.

An environment variable `JOURNEYLINE_<NAME>` (upper case) sets a setting; a command-line
flag beats the environment; the default applies otherwise.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from journeyline.errors import UsageError
from journeyline.store.database import sqlite_url


@dataclass(frozen=True)
class Setting:
    """One setting: its name, default and a line of help."""

    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("host", "127.0.0.1", "Address the server listens on."),
    Setting("port", 8000, "Port the server listens on."),
    Setting(
        "data_dir",
        "journeyline-data",
        "Folder for the SQLite database (used when no database_url is set).",
    ),
    Setting(
        "database_url",
        None,
        "Database URL: sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST/DB.",
    ),
    Setting(
        "public_url",
        None,
        "URL people reach the server at, used in printed links (default: http://HOST:PORT).",
    ),
    Setting("max_body_bytes", 1_048_576, "Largest request body accepted, in bytes (larger: 413)."),
    Setting(
        "max_upload_bytes",
        10_485_760,
        "Largest uploaded import file accepted, in bytes (larger: 413).",
    ),
    Setting("session_days", 14, "How long a browser session lasts after signing in, in days."),
    Setting("sign_in_link_hours", 24, "How long a one-time sign-in link stays valid, in hours."),
    Setting(
        "invite_link_days",
        7,
        "How long the sign-in link of an invited member stays valid, in days.",
    ),
    Setting(
        "sign_in_attempts",
        10,
        "Failed password sign-ins allowed per account and per client address in the window (then 429).",
    ),
    Setting(
        "sign_in_window_minutes",
        15,
        "The window in which failed password sign-ins are counted, in minutes.",
    ),
    Setting("worker_threads", 40, "Threads that run requests' database work at the same time."),
    # Imports and renders: limits on what an upload can make, and the worker processes.
    Setting(
        "import_limits",
        None,
        "Import limits changed for uploads: NAME=VALUE,… (e.g. steps=10000; see docs/import-export.md).",
    ),
    Setting("worker_processes", 2, "Worker processes that read uploads and draw maps."),
    Setting("worker_seconds", 60, "Longest one import or render may take, in seconds (then 422)."),
    Setting("worker_memory_mb", 1024, "Memory ceiling of a worker process, in MB (past it: 422)."),
    Setting(
        "secure_cookies",
        None,
        "Mark cookies Secure: true, false, or unset to decide per request (Secure over HTTPS).",
    ),
)
"""The settings, in the order `journeyline serve --help` and docs/api.md list them."""


@dataclass(frozen=True)
class Settings:
    """The web app's settings (see SETTINGS for what each means)."""

    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: str = "journeyline-data"
    database_url: str | None = None
    public_url: str | None = None
    max_body_bytes: int = 1_048_576
    max_upload_bytes: int = 10_485_760
    session_days: int = 14
    sign_in_link_hours: int = 24
    invite_link_days: int = 7
    sign_in_attempts: int = 10
    sign_in_window_minutes: int = 15
    worker_threads: int = 40
    import_limits: str | None = None
    worker_processes: int = 2
    worker_seconds: int = 60
    worker_memory_mb: int = 1024
    secure_cookies: bool | None = None

    @property
    def resolved_database_url(self) -> str:
        """The database URL in use: `database_url`, or SQLite in `data_dir`."""
        return self.database_url or sqlite_url(Path(self.data_dir))

    @property
    def base_url(self) -> str:
        """The URL printed in links."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = self.host if self.host not in ("0.0.0.0", "::") else "127.0.0.1"
        return f"http://{host}:{self.port}"

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with the given settings changed (None leaves a setting as it is)."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then `JOURNEYLINE_*` environment variables, then `overrides` (flags)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        types = {f.name: f.type for f in fields(cls)}
        for setting in SETTINGS:
            raw = env.get(f"JOURNEYLINE_{setting.name.upper()}")
            if raw is not None and raw != "":
                values[setting.name] = _convert(setting.name, raw, str(types[setting.name]))
        return cls(**values).with_overrides(**overrides)


def _convert(name: str, raw: str, type_name: str) -> Any:
    if "bool" in type_name:
        lowered = raw.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise UsageError(f"JOURNEYLINE_{name.upper()} must be true or false, not {raw!r}")
    if "int" in type_name:
        try:
            return int(raw)
        except ValueError:
            raise UsageError(
                f"JOURNEYLINE_{name.upper()} must be a whole number, not {raw!r}"
            ) from None
    return raw
