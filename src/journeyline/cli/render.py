"""`journeyline render`: draw a journey map as HTML, SVG, PNG or PDF (one library call)."""

from __future__ import annotations

from pathlib import Path

import typer

from journeyline.cli.common import LIMIT_OPTION, console, import_limits, reporting_errors, warn
from journeyline.errors import InvalidInput
from journeyline.model import JourneyMap, MapType, Workspace, did_you_mean


def _load(path: Path, limits: list[str] | None = None) -> Workspace:
    from journeyline.formats import load_workspace

    loaded = load_workspace(path, limits=import_limits(limits))
    for warning in loaded.warnings:
        warn(warning.render().removeprefix("warning: "))
    return loaded.workspace


def _pick_map(workspace: Workspace, map_id: str | None, path: Path) -> JourneyMap:
    if not workspace.maps:
        raise InvalidInput(f"{path}: holds no journey maps")
    if map_id is None:
        if len(workspace.maps) == 1:
            return workspace.maps[0]
        ids = ", ".join(m.id for m in workspace.maps)
        raise InvalidInput(
            f"{path}: holds {len(workspace.maps)} maps; choose one with --map ({ids})"
        )
    journey = workspace.journey(map_id)
    if journey is None:
        hint = did_you_mean(map_id, [m.id for m in workspace.maps])
        raise InvalidInput(
            f"{path}: no map with id {map_id!r}"
            + (f" (did you mean {hint!r}?)" if hint else "")
            + f"; maps: {', '.join(m.id for m in workspace.maps)}"
        )
    return journey


def _pick_to_be(workspace: Workspace, as_is: JourneyMap, path: Path) -> JourneyMap:
    """The TO-BE map: the one based on the AS-IS map, else the only one, else the future-state one."""
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
        file: Path = typer.Argument(..., help="A workspace file (.yaml, .json …) or folder."),
        out: Path = typer.Option(
            ..., "--out", "-o", help="Output file: .html, .svg, .png or .pdf."
        ),
        map_id: str | None = typer.Option(
            None, "--map", "-m", help="Id of the map (needed when the file holds several)."
        ),
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
            workspace = _load(file, limits)
            journey = _pick_map(workspace, map_id, file)
            to_be = None
            if compare is not None:
                to_be = _pick_to_be(_load(compare, limits), journey, compare)
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
