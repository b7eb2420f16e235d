"""The `journeyline` command: thin faces over the library, one module per group of commands.

Commands are registered explicitly here (nothing registers itself on import).
"""

from __future__ import annotations

import typer

from journeyline import __version__
from journeyline.cli import analysis, demo, events, feedback, files, render, serve, templates

app = typer.Typer(
    name="journeyline",
    help="Customer journey maps as files: author, validate, analyse, render and ground them in data.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"journeyline {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Customer journey maps as files: author, validate, analyse, render and ground them in data."""


def _register() -> None:
    for group in (files, templates, analysis, render, feedback, events, serve, demo):
        group.register(app)


_register()


def main() -> None:
    """Entry point of the console script."""
    app()
