"""`journeyline demo` (`make demo`): the demo workspace as files, every map rendered and analysed."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from journeyline.cli.common import (
    FORMAT_OPTION,
    OutputFormat,
    console,
    err_console,
    print_json,
    reporting_errors,
)


def demo(
    out_dir: Path = typer.Argument(Path("demo"), help="Folder to write the demo into."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Write every template as one workspace, render each map to HTML and analyse it."""
    from journeyline.demo import build_demo
    from journeyline.templates import list_templates

    with reporting_errors(fmt):
        total = len(list_templates())
        with Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=err_console,
            transient=True,
            disable=fmt == OutputFormat.json,
        ) as progress:
            task = progress.add_task("Rendering maps", total=total)

            def advance(name: str) -> None:
                progress.update(task, description=f"Rendering {name}", advance=1)

            result = build_demo(out_dir, on_progress=advance)

    if fmt == OutputFormat.json:
        print_json(
            {
                "workspace": str(result.workspace_dir),
                "index": str(result.index),
                "maps": [
                    {
                        "id": m.map_id,
                        "name": m.name,
                        "type": m.type,
                        "template": m.template,
                        "stages": m.stages,
                        "steps": m.steps,
                        "html": str(m.html),
                        "findings": m.counts(),
                    }
                    for m in result.maps
                ],
            }
        )
        return

    console.print("[bold]Demo workspace: what the analysis found[/bold]")
    rank = {"high": 0, "medium": 1, "low": 2, "info": 3}
    for m in result.maps:
        counts = m.counts()
        console.print()
        console.print(
            f"{m.name} ({m.type.replace('_', ' ')}, {m.stages} stages, {m.steps} steps)",
            markup=False,
            style="bold",
        )
        console.print(
            "  " + " · ".join(f"{counts[s]} {s}" for s in ("high", "medium", "low", "info")),
            markup=False,
        )
        top = min(m.findings, key=lambda f: rank.get(f.severity, 9), default=None)
        if top is not None:
            where = top.step or top.stage
            at = f" at '{where}'" if where else ""
            console.print(f"  most pressing: {top.kind}{at}: {top.message}", markup=False)
    console.print()
    console.print(f"Workspace files: {result.workspace_dir}", markup=False)
    console.print(f"Open the maps:   {result.index.resolve().as_uri()}", markup=False)


def register(app: typer.Typer) -> None:
    """Add `demo` to the CLI."""
    app.command("demo")(demo)
