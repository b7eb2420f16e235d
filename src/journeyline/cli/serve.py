"""`journeyline serve` and `journeyline setup`: run the web app; prepare its first run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from journeyline.cli.common import (
    FORMAT_OPTION,
    OutputFormat,
    console,
    print_json,
    reporting_errors,
)

if TYPE_CHECKING:
    from journeyline.web.settings import Settings

DATA_DIR_HELP = (
    "Folder for the SQLite database (default: ./journeyline-data, or JOURNEYLINE_DATA_DIR)."
)
DATABASE_URL_HELP = "Database URL instead of --data-dir, e.g. postgresql+psycopg://user:pw@host/db."


def _settings(
    host: str | None, port: int | None, data_dir: Path | None, database_url: str | None
) -> Settings:
    from journeyline.errors import UsageError
    from journeyline.web.settings import Settings

    if data_dir is not None and database_url is not None:
        raise UsageError("give --data-dir or --database-url, not both")
    return Settings.from_env(
        host=host,
        port=port,
        data_dir=str(data_dir) if data_dir is not None else None,
        database_url=database_url,
    )


def _first_run(settings: Settings, email: str | None, demo: bool, fmt: OutputFormat) -> None:
    from journeyline.store.bootstrap import first_run
    from journeyline.store.database import open_database

    if settings.database_url is None:
        Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
    db = open_database(settings.resolved_database_url)
    try:
        done = first_run(
            db,
            email=email,
            demo=demo,
            link_lifetime=dt.timedelta(hours=settings.sign_in_link_hours),
        )
    finally:
        db.close()
    link = f"{settings.base_url}/signin/{done.sign_in_token}"
    if fmt == OutputFormat.json:
        print_json(
            {
                "url": settings.base_url,
                "owner": done.owner_email,
                "created_owner": done.created_owner,
                "workspace": done.workspace_id,
                "sign_in_link": link,
                "expires_in_hours": settings.sign_in_link_hours,
            }
        )
        return
    if done.created_owner:
        console.print(f"Created the owner account {done.owner_email}", markup=False)
    if done.workspace_id:
        console.print(
            f"Created the demo workspace {done.workspace_id} from the templates", markup=False
        )
    console.print(f"Journeyline: {settings.base_url}", markup=False)
    console.print(
        f"One-time sign-in link for {done.owner_email} (valid {settings.sign_in_link_hours} h, works once):",
        markup=False,
    )
    console.print(f"  {link}", markup=False, soft_wrap=True)


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
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Prepare the first run: data dir, database, owner account, demo workspace, one-time sign-in link.

    Run again, it creates nothing and prints a fresh sign-in link.
    """
    with reporting_errors(fmt):
        _first_run(_settings(host, port, data_dir, database_url), email, demo, fmt)


def serve(
    host: str | None = typer.Option(
        None, "--host", help="Address to listen on (default 127.0.0.1)."
    ),
    port: int | None = typer.Option(None, "--port", help="Port to listen on (default 8000)."),
    data_dir: Path | None = typer.Option(None, "--data-dir", help=DATA_DIR_HELP),
    database_url: str | None = typer.Option(None, "--database-url", help=DATABASE_URL_HELP),
    demo: bool = typer.Option(
        False, "--demo", help="First run setup before serving: owner, demo workspace, sign-in link."
    ),
    email: str | None = typer.Option(
        None, "--email", help="With --demo: the owner's e-mail address."
    ),
) -> None:
    """Run the web app and REST API (OpenAPI at /docs); migrations are applied on start."""
    import uvicorn

    from journeyline.web import create_app

    with reporting_errors():
        settings = _settings(host, port, data_dir, database_url)
        if settings.database_url is None:
            Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
        if demo:
            _first_run(settings, email, True, OutputFormat.text)
        app = create_app(settings)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info", proxy_headers=False)


def register(app: typer.Typer) -> None:
    """Add `serve` and `setup` to the CLI."""
    app.command("serve")(serve)
    app.command("setup")(setup)
