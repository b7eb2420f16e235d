"""`journeyline serve` and `journeyline setup`: run the web app; prepare its first run."""

from __future__ import annotations

import datetime as dt
import gc
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperCommand

from journeyline.cli.common import (
    FORMAT_OPTION,
    OutputFormat,
    console,
    print_json,
    reporting_errors,
)

if TYPE_CHECKING:
    from journeyline.store.bootstrap import FirstRun
    from journeyline.store.database import Database
    from journeyline.web.settings import Settings

DATA_DIR_HELP = (
    "Folder for the SQLite database (default: ./journeyline-data, or JOURNEYLINE_DATA_DIR)."
)
DATABASE_URL_HELP = "Database URL instead of --data-dir, e.g. postgresql+psycopg://user:pw@host/db."
SETTING_HELP = (
    "Set any setting by name, e.g. --setting max_body_bytes 2000000 (repeatable; the "
    "settings, their types and defaults are listed in docs/api.md). Beats JOURNEYLINE_<NAME>."
)
SETTING_OPTION: Any = typer.Option([], "--setting", metavar="NAME VALUE", help=SETTING_HELP)


class SettingsCommand(TyperCommand):
    """A command whose `--setting` option takes two values (NAME VALUE), any number of times."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if param.name == "setting":
                param.nargs = 2  # Typer has no list-of-pairs option; click does.


def _settings(
    host: str | None,
    port: int | None,
    data_dir: Path | None,
    database_url: str | None,
    pairs: list[tuple[str, str]],
) -> Settings:
    """The settings: defaults < environment < `--setting NAME VALUE` < the named flags."""
    from journeyline.errors import UsageError
    from journeyline.web.settings import Settings, find_setting

    if data_dir is not None and database_url is not None:
        raise UsageError("give --data-dir or --database-url, not both")
    flags: dict[str, Any] = {
        "host": host,
        "port": port,
        "data_dir": str(data_dir) if data_dir is not None else None,
        "database_url": database_url,
    }
    for name, _ in pairs:
        declared = find_setting(name)
        if flags.get(declared.name) is not None:
            flag = "--" + declared.name.replace("_", "-")
            raise UsageError(f"give {flag} or --setting {declared.name}, not both")
    return Settings.from_env(command_line=pairs, **flags)


def _open(settings: Settings) -> Database:
    """The database (the data dir made first when it is SQLite's), migrated."""
    from journeyline.store.database import open_database

    if settings.database_url is None:
        Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
    return open_database(settings.resolved_database_url, synchronous=settings.sqlite_synchronous)


def _prepare(db: Database, settings: Settings, email: str | None, demo: bool) -> FirstRun:
    from journeyline.store.bootstrap import first_run

    return first_run(
        db, email=email, demo=demo, link_lifetime=dt.timedelta(hours=settings.sign_in_link_hours)
    )


def _link(settings: Settings, done: FirstRun) -> str:
    return f"{settings.base_url}/signin/{done.sign_in_token}"


def _print_created(done: FirstRun) -> None:
    if done.created_owner:
        console.print(f"Created the owner account {done.owner_email}", markup=False)
    if done.workspace_id:
        console.print(
            f"Created the demo workspace {done.workspace_id} from the templates", markup=False
        )


def _print_link(settings: Settings, done: FirstRun, *, serving: bool) -> None:
    hours = settings.sign_in_link_hours
    if serving:
        console.print(f"Journeyline is running at {settings.base_url}", markup=False)
        console.print(
            f"Open this link in your browser to sign in as {done.owner_email} "
            f"(one-time sign-in link: it works once, for {hours} h):",
            markup=False,
        )
    else:
        console.print(f"Journeyline: {settings.base_url}", markup=False)
        console.print(
            f"One-time sign-in link for {done.owner_email} (valid {hours} h, works once); "
            "open it in your browser while `journeyline serve` runs:",
            markup=False,
        )
    console.print()
    console.print(f"    {_link(settings, done)}", markup=False, soft_wrap=True)
    console.print()
    if serving:
        console.print(
            "Stop the server with Ctrl+C. Run the same command again for a new link.", markup=False
        )


def setup(
    data_dir: Path | None = typer.Option(None, "--data-dir", help=DATA_DIR_HELP),
    database_url: str | None = typer.Option(None, "--database-url", help=DATABASE_URL_HELP),
    email: str | None = typer.Option(
        None, "--email", help="The owner's e-mail address (default: owner@localhost)."
    ),
    demo: bool = typer.Option(
        True, "--demo/--no-demo", help="Create the demo workspace from the templates."
    ),
    host: str | None = typer.Option(None, "--host", help="Host the printed URL names."),
    port: int | None = typer.Option(None, "--port", help="Port the printed URL names."),
    setting: list[tuple] = SETTING_OPTION,  # type: ignore[type-arg]
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Prepare the first run: data dir, database, owner account, demo workspace, one-time sign-in link.

    Run again, it creates nothing and prints a fresh sign-in link.
    """
    with reporting_errors(fmt):
        settings = _settings(host, port, data_dir, database_url, setting)
        db = _open(settings)
        try:
            done = _prepare(db, settings, email, demo)
        finally:
            db.close()
    if fmt == OutputFormat.json:
        print_json(
            {
                "url": settings.base_url,
                "owner": done.owner_email,
                "created_owner": done.created_owner,
                "workspace": done.workspace_id,
                "sign_in_link": _link(settings, done),
                "expires_in_hours": settings.sign_in_link_hours,
            }
        )
        return
    _print_created(done)
    _print_link(settings, done, serving=False)


def _check_port_free(host: str, port: int) -> None:
    """UsageError when something already listens on the port (often: Journeyline itself)."""
    from journeyline.errors import UsageError

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise UsageError(
                f"cannot listen on {host}:{port} ({error.strerror or error}): is Journeyline "
                f"already running there? Stop it, or choose another port with --port"
            ) from None


GRACEFUL_SECONDS = 5
"""On SIGTERM, requests under way get this long to finish before their connections close."""

GC_THRESHOLDS = (20_000, 20, 20)
"""Collect the youngest objects every 20 000 allocations instead of every 700."""


def settle_garbage_collector() -> None:
    """Keep the collector's pauses short while serving.

    Everything loaded at start (modules, the app, the models' schemas) is moved out of the
    collector's sight (`gc.freeze`), so a full collection looks only at what requests made;
    collecting young objects less often spares most of the rest. Without this, a full
    collection stopped every request for about 100 ms every few seconds under load.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def serve(
    host: str | None = typer.Option(
        None, "--host", help="Address to listen on (default 127.0.0.1)."
    ),
    port: int | None = typer.Option(None, "--port", help="Port to listen on (default 8000)."),
    data_dir: Path | None = typer.Option(None, "--data-dir", help=DATA_DIR_HELP),
    database_url: str | None = typer.Option(None, "--database-url", help=DATABASE_URL_HELP),
    demo: bool = typer.Option(
        False,
        "--demo",
        help="First run setup before serving (owner, demo workspace), and print a sign-in link.",
    ),
    email: str | None = typer.Option(
        None, "--email", help="With --demo: the owner's e-mail address."
    ),
    setting: list[tuple] = SETTING_OPTION,  # type: ignore[type-arg]
) -> None:
    """Run the web app and REST API (OpenAPI at /docs); migrations are applied on start."""
    import uvicorn

    from journeyline.web import create_app

    with reporting_errors():
        settings = _settings(host, port, data_dir, database_url, setting)
        _check_port_free(settings.host, settings.port)
        db = _open(settings)
        done = None
        if demo:
            done = _prepare(db, settings, email, True)
            _print_created(done)
        app = create_app(settings, database=db)

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[Any] | None = None) -> None:
            await super().startup(sockets)
            if done is not None and self.started:
                _print_link(settings, done, serving=True)

        def handle_exit(self, sig: int, frame: Any) -> None:
            # SIGTERM or Ctrl+C: stop the worker processes at once, so a request waiting
            # on an import or a render is answered (503) and the server can stop.
            app.state.workers.stop()
            super().handle_exit(sig, frame)

    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level="info",
        proxy_headers=False,
        timeout_graceful_shutdown=GRACEFUL_SECONDS,
        # Frames up to twice the live limit are read and refused with 4413 and a reason;
        # larger ones are cut off by the WebSocket layer itself (1009), never buffered.
        ws="websockets-sansio",
        ws_max_size=2 * settings.live_max_message_bytes,
    )
    settle_garbage_collector()
    try:
        Server(config).run()
    finally:
        db.close()


def register(app: typer.Typer) -> None:
    """Add `serve` and `setup` to the CLI."""
    app.command("serve", cls=SettingsCommand)(serve)
    app.command("setup", cls=SettingsCommand)(setup)
