"""Commands about files: `validate`, `schema` and `convert`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import typer

from journeyline.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    FORMAT_OPTION,
    LIMIT_OPTION,
    OutputFormat,
    console,
    exit_code_for,
    import_limits,
    map_option,
    print_json,
    print_warnings,
    reporting_errors,
)
from journeyline.errors import Diagnostic, JourneylineError, UsageError
from journeyline.formats import format_for, load_map, load_workspace, save_workspace
from journeyline.formats.atomic import write_atomically
from journeyline.formats.limits import ImportLimits
from journeyline.formats.schema import document_schema
from journeyline.model import Workspace


@dataclass
class FileReport:
    """The outcome of validating one file or folder."""

    path: str
    errors: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    maps: int = 0
    stages: int = 0
    steps: int = 0
    exit_code: int = EXIT_OK

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "ok": self.ok,
            "errors": [d.to_dict() for d in self.errors],
            "warnings": [d.to_dict() for d in self.warnings],
            "maps": self.maps,
            "stages": self.stages,
            "steps": self.steps,
        }


def validate_path(path: Path, limits: ImportLimits | None = None) -> FileReport:
    """Load one file or folder (under the import `limits`) and report its errors, warnings and size."""
    report = FileReport(str(path))
    try:
        loaded = load_workspace(path, limits=limits)
    except JourneylineError as error:
        report.errors = error.diagnostics or [Diagnostic(error.message, str(path))]
        report.warnings = [d for d in report.errors if d.severity == "warning"]
        report.errors = [d for d in report.errors if d.severity != "warning"]
        report.exit_code = exit_code_for(error)
        return report
    report.warnings = loaded.warnings
    _count(report, loaded.workspace)
    return report


def _count(report: FileReport, workspace: Workspace) -> None:
    report.maps = len(workspace.maps)
    report.stages = sum(len(m.stages) for m in workspace.maps)
    report.steps = sum(len(s.steps) for m in workspace.maps for s in m.stages)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def validate(
    paths: list[Path] = typer.Argument(
        ..., help="Files (.yaml, .yml, .json, …) or workspace folders."
    ),
    fmt: OutputFormat = FORMAT_OPTION,
    limits: list[str] | None = LIMIT_OPTION,
) -> None:
    """Check files against the schema and their references; exit 1 if any has errors."""
    with reporting_errors(fmt):
        in_force = import_limits(limits)
    reports = [validate_path(path, in_force) for path in paths]
    if fmt == OutputFormat.json:
        print_json({"files": [report.to_dict() for report in reports]})
    else:
        for report in reports:
            if report.ok:
                sizes = ", ".join(
                    [
                        _plural(report.maps, "map"),
                        _plural(report.stages, "stage"),
                        _plural(report.steps, "step"),
                    ]
                )
                console.print(f"{report.path}: ok — {sizes}", markup=False)
            for diagnostic in [*report.errors, *report.warnings]:
                console.print(diagnostic.render(), markup=False)
    code = max((report.exit_code for report in reports), default=EXIT_OK)
    if code == EXIT_OK and any(not report.ok for report in reports):
        code = EXIT_INVALID
    raise typer.Exit(code)


def schema(
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the schema to this file."
    ),
) -> None:
    """Print the JSON Schema (draft 2020-12) of the Journeyline document format."""
    text = json.dumps(document_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        typer.echo(text, nl=False)
        return
    with reporting_errors():
        write_atomically({output: text})
    console.print(f"wrote {output}", markup=False)


def convert(
    source: Path = typer.Argument(..., metavar="IN", help="File or folder to read."),
    target: Path = typer.Argument(..., metavar="OUT", help="File or folder to write."),
    map_id: str | None = map_option(
        "Write only this map, with the personas, segment and lanes it names "
        "(needed when OUT holds one map and IN several)."
    ),
    fmt: OutputFormat = FORMAT_OPTION,
    limits: list[str] | None = LIMIT_OPTION,
) -> None:
    """Read IN with the format its extension names and write OUT with the format of its extension."""
    with reporting_errors(fmt):
        if target.exists() and source.exists() and target.resolve() == source.resolve():
            raise UsageError(
                f"{target}: refusing to overwrite the input; choose another output path"
            )
        folder_out = target.is_dir() or not target.suffix
        out_format = None if folder_out else format_for(target, reading=False)
        writer = "folder" if out_format is None else out_format.name
        limited = import_limits(limits)
        if map_id is not None:
            whole, journey, read = load_map(source, map_id, limits=limited)
            workspace = whole.scoped_to(journey)
        elif out_format is not None and out_format.one_map:
            workspace, _, read = load_map(
                source, limits=limited
            )  # IN must hold one map, or say --map
        else:
            loaded = load_workspace(source, limits=limited)
            workspace, read = loaded.workspace, loaded.warnings
        reader = "folder" if source.is_dir() else format_for(source, reading=True).name
        written = save_workspace(workspace, target)
    warnings = [*read, *written]
    if fmt == OutputFormat.json:
        print_json(
            {
                "input": str(source),
                "output": str(target),
                "reader": reader,
                "writer": writer,
                "maps": len(workspace.maps),
                "warnings": [d.to_dict() for d in warnings],
            }
        )
        return
    print_warnings(warnings)
    console.print(f"converted {source} ({reader}) → {target} ({writer})", markup=False)


def register(app: typer.Typer) -> None:
    """Add the file commands to the application."""
    app.command("validate")(validate)
    app.command("schema")(schema)
    app.command("convert")(convert)
