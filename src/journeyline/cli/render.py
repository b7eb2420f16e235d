"""`journeyline render`: draw a journey map as HTML, SVG, PNG or PDF (one library call)."""

from __future__ import annotations

from pathlib import Path

import typer

from journeyline.analysis import pick_pair
from journeyline.cli.common import (
    LIMIT_OPTION,
    console,
    import_limits,
    map_option,
    print_warnings,
    reporting_errors,
)
from journeyline.formats import load_map, load_workspace
from journeyline.formats.folder import enclosing_workspace
from journeyline.formats.media import embed_folder_pictures


def register(app: typer.Typer) -> None:
    """Add `journeyline render` to the app."""

    @app.command("render")
    def render(
        file: Path = typer.Argument(
            ..., metavar="FILE", help="A workspace file (.yaml, .json …) or folder."
        ),
        out: Path = typer.Option(
            ..., "--out", "-o", help="Output file: .html, .svg, .png or .pdf."
        ),
        map_id: str | None = map_option(),
        lanes: str | None = typer.Option(
            None,
            "--lanes",
            help="Comma-separated lanes to show, in order (default: the map's lanes).",
        ),
        persona: str | None = typer.Option(
            None, "--persona", help="Draw the map through one persona's eyes (name or id)."
        ),
        compare: Path | None = typer.Option(
            None,
            "--compare",
            help="A TO-BE map file: draw AS-IS and TO-BE lines and mark removed and added steps.",
        ),
        paper: str = typer.Option(
            "fit",
            "--paper",
            help="PDF pages: A4, A3 (landscape, split with repeated headers) or fit (one page).",
        ),
        width: float | None = typer.Option(
            None,
            "--width",
            help="Target width of the map in pixels (step columns stretch or shrink).",
        ),
        no_analysis: bool = typer.Option(
            False,
            "--no-analysis",
            help="Do not annotate the sentiment line with analysis findings.",
        ),
        limits: list[str] | None = LIMIT_OPTION,
    ) -> None:
        """Draw a journey map as HTML, SVG, PNG or PDF."""
        from journeyline.render import render_to_file

        with reporting_errors():
            workspace, journey, warnings = load_map(file, map_id, limits=import_limits(limits))
            print_warnings(warnings)
            # Pictures given as paths in the folder (an exported workspace's files/) go in
            # as data URIs: the drawing carries them wherever it is opened.
            base = file if file.is_dir() else (enclosing_workspace(file) or file.parent)
            index = next((i for i, m in enumerate(workspace.maps) if m is journey), None)
            workspace = embed_folder_pictures(workspace, base)
            journey = workspace.maps[index] if index is not None else journey
            to_be = None
            if compare is not None:
                other = workspace
                if compare.resolve() != file.resolve():
                    loaded = load_workspace(compare, limits=import_limits(limits))
                    print_warnings(loaded.warnings)
                    other = loaded.workspace
                _, to_be = pick_pair(
                    workspace,
                    other,
                    journey.id,
                    asis_file=str(file),
                    tobe_file=str(compare),
                    tobe_option=None,
                )
            lane_list = (
                [lane.strip() for lane in lanes.split(",") if lane.strip()] if lanes else None
            )
            written = render_to_file(
                workspace,
                journey,
                out,
                lanes=lane_list,
                persona=persona,
                compare_with=to_be,
                paper=paper,
                findings=[] if no_analysis else None,
                width=width,
            )
            steps = sum(len(stage.steps) for stage in journey.stages)
            console.print(
                f"Wrote {written} ({len(journey.stages)} stages, {steps} steps)", markup=False
            )
