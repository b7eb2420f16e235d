"""`journeyline templates` and `journeyline new`: list the shipped templates, start a map from one."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from journeyline.cli.common import (
    FORMAT_OPTION,
    OutputFormat,
    console,
    print_json,
    reporting_errors,
)
from journeyline.templates import create_from_template, list_templates


def templates_command(fmt: OutputFormat = FORMAT_OPTION) -> None:
    """List the templates a new map can start from."""
    with reporting_errors(fmt):
        infos = list_templates()
    if fmt == OutputFormat.json:
        print_json({"templates": [info.to_dict() for info in infos]})
        return
    table = Table(title="Journey map templates", title_justify="left")
    table.add_column("name", no_wrap=True)
    table.add_column("type", no_wrap=True)
    table.add_column("title", min_width=16, ratio=1)
    table.add_column("personas", justify="right", no_wrap=True)
    table.add_column("stages", justify="right", no_wrap=True)
    table.add_column("steps", justify="right", no_wrap=True)
    table.add_column("description", min_width=24, ratio=2)
    for info in infos:
        table.add_row(
            info.name,
            info.type.value,
            info.title,
            str(info.personas),
            str(info.stages),
            str(info.steps),
            info.description,
        )
    console.print(table)
    console.print("Start a map from one: journeyline new FILE --template NAME", markup=False)


def new_command(
    file: Path = typer.Argument(
        ...,
        help="Where to write the new map: a .yaml, .json or other supported file, or a folder.",
    ),
    template: str = typer.Option(
        ..., "--template", "-t", help="Name of the template (see `journeyline templates`)."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite FILE if it already exists."),
    name: str | None = typer.Option(None, "--name", help="Name of the new map."),
    owner: str | None = typer.Option(None, "--owner", help="Who keeps the new map up to date."),
) -> None:
    """Start a new map from a template and write it to FILE."""
    with reporting_errors():
        workspace = create_from_template(
            template, file, overwrite=force, map_name=name, owner=owner
        )
    journey = workspace.maps[0]
    console.print(
        f"Wrote {file} from template '{template}': '{journey.name}' "
        f"({len(journey.stages)} stages, {len(journey.steps())} steps).",
        markup=False,
    )


def register(app: typer.Typer) -> None:
    """Add the `templates` and `new` commands to the `journeyline` command."""
    app.command("templates")(templates_command)
    app.command("new")(new_command)
