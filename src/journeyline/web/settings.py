"""Every setting of the web app, each declared once: name, type, default, a line of help.

The declaration is the `Settings` dataclass below: one field per setting, its type the
annotation, its default and help given by `setting(...)`. Everything else is derived from
it: `SETTINGS` (the list), the environment variables `JOURNEYLINE_<NAME>`, the option
`journeyline serve --setting NAME VALUE`, and the settings table in docs/api.md
(`settings_table()`, written by `python scripts/generate_docs.py`). Adding a setting is
adding one field.

Precedence, weakest first: the default < the environment < the command line.
"""

from __future__ import annotations

import dataclasses
import os
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from journeyline.errors import UsageError
from journeyline.model import did_you_mean
from journeyline.store.database import sqlite_url

ENV_PREFIX = "JOURNEYLINE_"


def setting(
    default: Any,
    help: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    choices: tuple[str, ...] | None = None,
    unset: str = "unset",
) -> Any:
    """Declare one setting (a field of `Settings`): its default, help and allowed values
    (a range for numbers, `choices` for a text).

    `unset` is what the docs show for a default of None (e.g. what applies instead).
    """
    return field(
        default=default,
        metadata={
            "help": help,
            "minimum": minimum,
            "maximum": maximum,
            "choices": choices,
            "unset": unset,
        },
    )


@dataclass(frozen=True)
class Settings:
    """The web app's settings; each field is one setting (see the module docstring)."""

    host: str = setting("127.0.0.1", "Address the server listens on (`--host`).")
    port: int = setting(8000, "Port the server listens on (`--port`).", minimum=0, maximum=65535)
    data_dir: str = setting(
        "journeyline-data",
        "Folder of the SQLite database, used when no `database_url` is set (`--data-dir`).",
    )
    database_url: str | None = setting(
        None,
        "`sqlite:///PATH` or `postgresql+psycopg://USER:PW@HOST/DB` (`--database-url`).",
        unset="SQLite in `data_dir`",
    )
    public_url: str | None = setting(
        None, "URL people reach the server at, used in printed links.", unset="`http://HOST:PORT`"
    )
    max_body_bytes: int = setting(
        1_048_576, "Largest request body accepted, in bytes; larger gets 413.", minimum=1
    )
    max_upload_bytes: int = setting(
        10_485_760, "Largest import upload (`…/import`), in bytes; larger gets 413.", minimum=1
    )
    session_days: int = setting(
        14, "How long a browser session lasts after signing in, in days.", minimum=1
    )
    sign_in_link_hours: int = setting(
        24,
        "How long a one-time sign-in link from `journeyline setup` stays valid, in hours.",
        minimum=1,
    )
    invite_link_days: int = setting(
        7, "How long an invited member's sign-in link stays valid, in days.", minimum=1
    )
    sign_in_attempts: int = setting(
        10,
        "Failed passwords for one account from one client address in the window; then 429 "
        "for that pair until the window ends (share-link passwords: per link and address). "
        "0 turns the limits off.",
        minimum=0,
    )
    sign_in_window_minutes: int = setting(
        15, "The window in which failed passwords are counted, in minutes.", minimum=1
    )
    sign_in_account_attempts: int = setting(
        20,
        "Failed passwords for one account from all addresses in the window after which an "
        "address that failed for it waits 1 s, 2 s, 4 s … (at most the window); an address "
        "with no failures is never held back. 0 turns this off.",
        minimum=0,
    )
    worker_threads: int = setting(
        40,
        "Threads running requests' database work at once; more requests wait in line.",
        minimum=1,
    )
    sqlite_synchronous: str = setting(
        "FULL",
        "SQLite: `FULL` syncs the write-ahead log to disk at every commit, so an acknowledged "
        "edit survives a power cut; `NORMAL` syncs only at checkpoints (an edit acknowledged "
        "just before a power cut may be lost; a crash of the server alone loses nothing).",
        choices=("FULL", "NORMAL"),
    )
    # Imports and renders: limits on what an upload can make, and the worker processes.
    import_limits: str | None = setting(
        None,
        "Import limits changed for uploads: `NAME=VALUE,…` (e.g. `steps=10000`; the limits and "
        "their defaults are in docs/import-export.md).",
        unset="the defaults",
    )
    worker_processes: int = setting(
        2, "Worker processes that read uploads and draw maps.", minimum=1, maximum=64
    )
    worker_seconds: int = setting(
        60, "Longest one import or render may take, in seconds (then 422).", minimum=1
    )
    worker_memory_mb: int = setting(
        1024, "Memory ceiling of a worker process, in MB (past it: 422).", minimum=64
    )
    # Live co-editing (the WebSocket at …/maps/{map_id}/live).
    live_max_message_bytes: int = setting(
        2_097_152,
        "Largest live message (one WebSocket frame) accepted, in bytes; larger closes the "
        "connection with 4413.",
        minimum=1024,
    )
    live_max_document_bytes: int = setting(
        16_777_216,
        "Largest a map's shared document may grow, in bytes (its encoded state); an update "
        "that would pass it is refused (close 4413).",
        minimum=65_536,
    )
    live_updates_per_second: float = setting(
        60.0,
        "Document updates one live connection may send per second on average (bursts of "
        "three seconds' worth pass); more closes it with 4429. Awareness messages may come "
        "twice as often.",
        minimum=1,
    )
    live_quiet_seconds: float = setting(
        30.0,
        "A revision is cut from live editing once the map has had no edit for this long.",
        minimum=0.1,
    )
    live_burst_seconds: float = setting(
        300.0,
        "During continuous live editing, a revision is cut at least this often.",
        minimum=1,
    )
    live_compact_every: int = setting(
        500,
        "Updates logged for a map before they are folded into a new snapshot of its document.",
        minimum=1,
    )
    live_head_seconds: float = setting(
        1.0,
        "How often (at most) a live map's JSON (what REST reads, lists and exports) is "
        "rewritten from its shared document while it is being edited.",
        minimum=0,
    )
    live_close_seconds: float = setting(
        10.0,
        "How long a live map stays open in the server after its last connection closes.",
        minimum=0,
    )
    # Event analyses (`/api/workspaces/{id}/events/jobs`): jobs in processes of their own.
    event_jobs: int = setting(
        2, "Event analyses that run at once; more wait in line.", minimum=1, maximum=64
    )
    event_job_queue: int = setting(
        16,
        "Event analyses that may wait for a free slot; past that a start gets 503.",
        minimum=0,
    )
    event_job_seconds: int = setting(
        900, "Longest one event analysis may run, in seconds (then it fails).", minimum=1
    )
    event_job_memory_mb: int = setting(
        3072,
        "Memory ceiling of one event analysis' process, in MB (DuckDB keeps to half of it, "
        "spilling to disk past that).",
        minimum=256,
    )
    # Event sources and the collector.
    event_upload_bytes: int = setting(
        1_073_741_824,
        "Largest event file an event source may read (an upload to `…/event-sources/upload`, "
        "a download, a table as CSV), in bytes; larger gets 413.",
        minimum=1,
    )
    collector_batch_bytes: int = setting(
        512_000,
        "Largest body the collector (`/api/collect/v1/…`) accepts, in bytes (Segment: 500 KB).",
        minimum=1024,
    )
    collector_event_bytes: int = setting(
        32_768,
        "Largest one collected event may be, in bytes (Segment: 32 KB); a larger one is "
        "refused, its batch-mates kept.",
        minimum=256,
    )
    collector_events_per_second: int = setting(
        100_000,
        "Events one write key may send per second, on average over a few seconds "
        "(then 429 with Retry-After).",
        minimum=1,
    )
    collector_compact_seconds: float = setting(
        60.0,
        "How often collected events are compacted into Parquet partitions in the background, "
        "in seconds (a read compacts what is new at once).",
        minimum=0.1,
    )
    secure_cookies: bool | None = setting(
        None,
        "Mark cookies Secure: `true` or `false`.",
        unset="Secure when the request came over HTTPS",
    )

    secret_key: str | None = setting(
        None,
        "Server secret that share links are derived from (HMAC of a link's id), so an editor "
        "can copy a link again while the database keeps only its hash. Every server process "
        "on one database needs the same one; changing it breaks the links made before.",
        unset="made once and kept in `data_dir/secret-key`",
    )
    share_frame_ancestors: str = setting(
        "'none'",
        "Sites that may embed share pages in a frame: a CSP `frame-ancestors` source list "
        "(e.g. `https://wiki.example.org`), used for links that set none of their own.",
    )
    # E-mail: mentions are also sent by e-mail when `smtp_host` is set.
    smtp_host: str | None = setting(
        None, "SMTP server that sends notification e-mails.", unset="no e-mail"
    )
    smtp_port: int = setting(587, "Port of the SMTP server.", minimum=1, maximum=65535)
    smtp_tls: str = setting(
        "starttls",
        "`starttls` (upgrade the connection), `ssl` (TLS from the start, usually port 465) "
        "or `none` (plain, for a relay on the same machine).",
        choices=("starttls", "ssl", "none"),
    )
    smtp_user: str | None = setting(
        None, "User name for the SMTP server.", unset="no authentication"
    )
    smtp_password: str | None = setting(None, "Password for the SMTP server.", unset="none")
    smtp_from: str | None = setting(
        None, "Sender address of notification e-mails.", unset="`journeyline@` the server's host"
    )

    def __post_init__(self) -> None:
        for declared in SETTINGS:
            declared.check(getattr(self, declared.name))

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
        return dataclasses.replace(self, **{k: v for k, v in overrides.items() if v is not None})

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        command_line: Iterable[tuple[str, str]] = (),
        **overrides: Any,
    ) -> Settings:
        """Defaults, then `JOURNEYLINE_*` variables, then `command_line` (NAME, VALUE) pairs
        as `--setting` gives them, then `overrides` (typed values, e.g. from `--port`).

        The environment is read here and nowhere else (`os.environ` unless `environ` is given).
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for declared in SETTINGS:
            raw = env.get(declared.env_var)
            if raw is not None and raw != "":
                values[declared.name] = declared.parse(raw, source=declared.env_var)
        for name, raw in command_line:
            declared = find_setting(name)
            values[declared.name] = declared.parse(raw, source=f"--setting {declared.name}")
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


@dataclass(frozen=True)
class Setting:
    """One setting as declared: name, type, default, help and range (derived from `Settings`)."""

    name: str
    type: type
    optional: bool
    default: Any
    help: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] | None = None
    unset: str = "unset"

    @property
    def env_var(self) -> str:
        """The environment variable that sets it."""
        return ENV_PREFIX + self.name.upper()

    @property
    def type_name(self) -> str:
        """The type as the docs and error messages say it."""
        words = {bool: "true/false", int: "integer", float: "number", str: "text"}
        return words.get(self.type, self.type.__name__)

    def parse(self, raw: str, *, source: str) -> Any:
        """The value of a text (from the environment or the command line), type-checked.

        An empty text leaves an optional setting unset.
        """
        text = raw.strip()
        if self.optional and text == "":
            return None
        if self.type is bool:
            lowered = text.lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off"):
                return False
            raise UsageError(f"{source} must be true or false, not {raw!r}")
        if self.type is int:
            try:
                return int(text)
            except ValueError:
                raise UsageError(f"{source} must be a whole number, not {raw!r}") from None
        if self.type is float:
            try:
                value = float(text)
            except ValueError:
                raise UsageError(f"{source} must be a number, not {raw!r}") from None
            if value != value or value in (float("inf"), float("-inf")):
                raise UsageError(f"{source} must be a finite number, not {raw!r}")
            return value
        if self.choices is not None:
            for choice in self.choices:
                if text.lower() == choice.lower():
                    return choice
        return raw

    def check(self, value: Any) -> None:
        """UsageError when a value is of the wrong type or outside the setting's range."""
        if value is None and self.optional:
            return
        wanted: tuple[type, ...] = (self.type,)
        if self.type is float:
            wanted = (int, float)
        if not isinstance(value, wanted) or (self.type is not bool and isinstance(value, bool)):
            raise UsageError(f"setting {self.name} must be of type {self.type_name}, not {value!r}")
        if self.choices is not None and value not in self.choices:
            raise UsageError(
                f"setting {self.name} must be one of {', '.join(self.choices)}, not {value!r}"
            )
        if self.type is str:
            return
        number = typing.cast(float, value)  # a range is only declared for numbers
        if self.minimum is not None and number < self.minimum:
            raise UsageError(f"setting {self.name} must be at least {self.minimum:g}, not {value}")
        if self.maximum is not None and number > self.maximum:
            raise UsageError(f"setting {self.name} must be at most {self.maximum:g}, not {value}")

    @property
    def shown_default(self) -> str:
        """The default as docs/api.md shows it."""
        if self.default is None:
            return self.unset
        if isinstance(self.default, bool):
            return f"`{str(self.default).lower()}`"
        return f"`{self.default}`"


def _declared() -> tuple[Setting, ...]:
    hints = typing.get_type_hints(Settings)
    found = []
    for f in dataclasses.fields(Settings):
        hint = hints[f.name]
        members = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
        concrete = [m for m in members if m is not type(None)]
        if len(concrete) != 1 or concrete[0] not in (str, int, float, bool):
            raise TypeError(f"setting {f.name}: type {hint} is not str, int, float or bool")
        found.append(
            Setting(
                name=f.name,
                type=concrete[0],
                optional=len(concrete) != len(members),
                default=f.default,
                help=f.metadata["help"],
                minimum=f.metadata["minimum"],
                maximum=f.metadata["maximum"],
                choices=f.metadata["choices"],
                unset=f.metadata["unset"],
            )
        )
    return tuple(found)


SETTINGS: tuple[Setting, ...] = _declared()
"""The settings, in the order `journeyline serve --help` and docs/api.md list them."""

_BY_NAME = {s.name: s for s in SETTINGS}


def find_setting(name: str) -> Setting:
    """The setting of that name (a dash may stand for the underscore); UsageError with a
    did-you-mean otherwise."""
    key = name.strip().lower().replace("-", "_")
    found = _BY_NAME.get(key)
    if found is not None:
        return found
    guess = did_you_mean(key, list(_BY_NAME))
    hint = f" (did you mean '{guess}'?)" if guess else f"; known: {', '.join(_BY_NAME)}"
    raise UsageError(f"unknown setting '{name}'{hint}")


def settings_table() -> str:
    """The settings table of docs/api.md, written from the declaration."""
    rows = [
        "| name | type | default | environment variable | meaning |",
        "|------|------|---------|----------------------|---------|",
    ]
    for s in SETTINGS:
        meaning = s.help
        if s.choices is not None:
            meaning += " One of " + ", ".join(f"`{c}`" for c in s.choices) + "."
        if s.minimum is not None and s.maximum is not None:
            meaning += f" From {s.minimum:g} to {s.maximum:g}."
        elif s.minimum is not None:
            meaning += f" At least {s.minimum:g}."
        elif s.maximum is not None:
            meaning += f" At most {s.maximum:g}."
        rows.append(
            f"| `{s.name}` | {s.type_name} | {s.shown_default} | `{s.env_var}` | {meaning} |"
        )
    return "\n".join(rows) + "\n"
