"""`journeyline render`: draw a journey map as HTML, SVG, PNG or PDF (one library call)."""

from __future__ import annotations

from pathlib import Path

import typer

from journeyline.cli.common import console, map_option, print_warnings, reporting_errors
from journeyline.errors import InvalidInput
from journeyline.formats import load_map, load_workspace
from journeyline.model import JourneyMap, MapType, Workspace


def _pick_to_be(workspace: Workspace, as_is: JourneyMap, path: Path) -> JourneyMap:
    """The TO-BE map: the one based on the AS-IS map, else the only one, else the future-state one."""
    workspace.pick_maps(file=str(path))  # NotFound when the file holds no map
    based = [m for m in workspace.maps if m.based_on == as_is.id and m is not as_is]
    if based:
        return based[0]
    others = [m for m in workspace.maps if m.id != as_is.id] or list(workspace.maps)
    if len(others) == 1:
        return others[0]
    future = [m for m in others if m.type == MapType.future_state]
    if len(future) == 1:
        return future[0]
    raise InvalidInput(
        f"{path}: cannot tell which map is the TO-BE map of {as_is.id!r}; give it `based_on: {as_is.id}`"
    )


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
    ) -> None:
        """Draw a journey map as HTML, SVG, PNG or PDF."""
        from journeyline.render import render_to_file

        with reporting_errors():
            workspace, journey, warnings = load_map(file, map_id)
            print_warnings(warnings)
            to_be = None
            if compare is not None:
                other = workspace
                if compare.resolve() != file.resolve():
                    loaded = load_workspace(compare)
                    print_warnings(loaded.warnings)
                    other = loaded.workspace
                to_be = _pick_to_be(other, journey, compare)
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
