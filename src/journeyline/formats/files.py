"""Load and save a workspace by path: a document file, any registered format, or a folder."""

from __future__ import annotations

from pathlib import Path

from journeyline.errors import Diagnostic, InvalidInput, NotFound
from journeyline.formats.atomic import write_atomically
from journeyline.formats.diagnose import capped
from journeyline.formats.document import dumps, read_document, syntax_for
from journeyline.formats.folder import enclosing_workspace, load_folder, save_folder
from journeyline.formats.limits import ImportLimits, applying, check_workspace
from journeyline.formats.registry import Loaded, format_for
from journeyline.model import JourneyMap, Problem, Workspace, assign_ids, check_integrity


def load_workspace(path: str | Path, *, limits: ImportLimits | None = None) -> Loaded:
    """Read a workspace from a file (by extension, through the registry) or a folder.

    A document inside a workspace folder (`ROOT/journeys/x.yaml`) is read with the
    folder's personas, segments and manifest, so its references resolve.

    Ids are filled in and references checked; errors raise InvalidInput whose
    diagnostics name file, line and column; warnings come back in `Loaded.warnings`.
    Everything is read under the import `limits` (default: those in force), and a file
    that passes one is refused with LimitExceeded.
    """
    with applying(limits):
        return _load(Path(path))


def _load(path: Path) -> Loaded:
    if path.is_dir():
        loaded = load_folder(path)
        check_workspace(loaded.workspace, str(path))
        return loaded
    if not path.exists():
        raise NotFound(
            f"{path}: no such file or folder", [Diagnostic("no such file or folder", str(path))]
        )
    root = enclosing_workspace(path)
    if root is not None:
        loaded = load_folder(root, journey_file=path)
        check_workspace(loaded.workspace, str(path))
        return loaded
    file_format = format_for(path, reading=True)
    assert file_format.read is not None
    loaded = file_format.read(path)
    if file_format.read is read_document:
        return loaded  # already checked, with line and column, limits included
    check_workspace(loaded.workspace, str(path))
    assign_ids(loaded.workspace)
    problems = [_unlocated(str(path), p) for p in check_integrity(loaded.workspace)]
    errors = [d for d in problems if d.severity == "error"]
    if errors:
        raise InvalidInput(f"{path}: {len(errors)} problems found", capped(problems, str(path)))
    return Loaded(loaded.workspace, [*loaded.warnings, *problems])


def load_map(
    path: str | Path,
    map_id: str | None = None,
    *,
    option: str = "--map",
    limits: ImportLimits | None = None,
) -> tuple[Workspace, JourneyMap, list[Diagnostic]]:
    """Open one map from a file or folder: the workspace, the map, and the reader's warnings.

    The map is `map_id`'s, or the only one; `Workspace.pick_map` says what is wrong
    otherwise (an unknown id with a did-you-mean, no map, several maps and no id),
    naming the file. Every command that works on one map opens it here, under the
    import `limits` (default: those in force).
    """
    loaded = load_workspace(path, limits=limits)
    journey = loaded.workspace.pick_map(map_id, file=str(path), option=option)
    return loaded.workspace, journey, loaded.warnings


def _unlocated(file: str, problem: Problem) -> Diagnostic:
    """A problem in a file without line numbers: the path into the document says where."""
    where = ".".join(str(part) for part in problem.loc)
    text = f"{problem.message} (at {where})" if where else problem.message
    return Diagnostic(text, file, hint=problem.hint, severity=problem.severity)


def _needs_ids(workspace: Workspace) -> bool:
    top = [
        *workspace.segments,
        *workspace.personas,
        *workspace.lanes,
        *workspace.maps,
        *workspace.evidence,
    ]
    if any(not item.id for item in top):
        return True
    for journey in workspace.maps:
        inner = [
            *journey.stages,
            *journey.steps(),
            *journey.pain_points,
            *journey.opportunities,
            *journey.evidence,
        ]
        if any(not item.id for item in inner) or any(not e.name for e in journey.evidence):
            return True
    return any(not e.name for e in workspace.evidence)


def save_workspace(workspace: Workspace, path: str | Path) -> list[Diagnostic]:
    """Write a workspace: a folder when the path is a folder or has no suffix, else by extension.

    Missing ids are filled in (on a copy) and references checked first: a workspace that
    would not load again is refused with InvalidInput. Writing is atomic: on any error
    nothing is written. Returns the writer's warnings (what the format could not hold).
    """
    path = Path(path)
    folder = path.is_dir() or not path.suffix
    file_format = None if folder else format_for(path, reading=False)  # UsageError before any work
    if _needs_ids(workspace):
        workspace = assign_ids(workspace.model_copy(deep=True))
    errors = [_unlocated(str(path), p) for p in check_integrity(workspace) if p.severity == "error"]
    if errors:
        raise InvalidInput(
            f"{path}: not saved, {len(errors)} problems found", capped(errors, str(path))
        )
    if file_format is None:
        return save_folder(workspace, path)
    assert file_format.write is not None
    return file_format.write(workspace, path)


def write_document(workspace: Workspace, path: Path) -> list[Diagnostic]:
    """The registry's writer for .yaml, .yml and .json: the whole workspace, atomically."""
    write_atomically({path: dumps(workspace, syntax_for(path))})
    return []
