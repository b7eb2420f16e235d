"""Workspace folders: `journeyline.yaml` plus one document per segment, persona and map.

    my-workspace/
      journeyline.yaml        workspace id, name, description, lanes, evidence, analysis
      segments/<id>.yaml      journeyline: 1 + segments: [...]
      personas/<id>.yaml      journeyline: 1 + personas: [...]
      journeys/<id>.yaml      journeyline: 1 + maps: [...]

Every file is a document in the one schema; loading merges them (files sorted by name)
and every diagnostic names the file it is about.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from journeyline.errors import Diagnostic, InvalidInput
from journeyline.formats.atomic import write_atomically
from journeyline.formats.diagnose import capped, problem_diagnostics
from journeyline.formats.document import (
    data_to_yaml,
    parse,
    read_text,
    syntax_for,
    validate_data,
    workspace_to_data,
)
from journeyline.formats.locate import Locator
from journeyline.formats.registry import Loaded
from journeyline.model import Problem, Workspace, assign_ids, check_integrity

MANIFEST_NAMES = ("journeyline.yaml", "journeyline.yml", "journeyline.json")
SUBFOLDERS: dict[str, str] = {"segments": "segments", "personas": "personas", "maps": "journeys"}
"""Collection → the subfolder holding one file per item."""

DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json")
_COLLECTIONS = ("segments", "personas", "lanes", "maps", "evidence")
_WORKSPACE_ONLY = ("id", "name", "description", "analysis")


@dataclass
class _Part:
    """One parsed file of the folder."""

    path: Path
    locator: Locator
    workspace: Workspace


def is_workspace_folder(path: Path) -> bool:
    """True when the folder holds a `journeyline.yaml` (or .yml/.json) manifest."""
    return any((path / name).is_file() for name in MANIFEST_NAMES)


def folder_files(root: Path) -> tuple[Path, list[Path]]:
    """The manifest and the item files, sorted by name within each subfolder."""
    manifest = next((root / n for n in MANIFEST_NAMES if (root / n).is_file()), None)
    if manifest is None:
        message = f"{root} is not a workspace folder: it has no journeyline.yaml"
        raise InvalidInput(
            message,
            [
                Diagnostic(
                    "not a workspace folder: no journeyline.yaml",
                    str(root),
                    hint="create one with 'journeyline: 1'",
                )
            ],
        )
    items: list[Path] = []
    for sub in SUBFOLDERS.values():
        folder = root / sub
        if folder.is_dir():
            items.extend(
                sorted(
                    p
                    for p in folder.iterdir()
                    if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES
                )
            )
    return manifest, items


def enclosing_workspace(path: Path) -> Path | None:
    """The workspace folder a document file sits in (`ROOT/journeys/x.yaml` …), or None."""
    if path.suffix.lower() not in DOCUMENT_SUFFIXES or path.parent.name not in SUBFOLDERS.values():
        return None
    root = path.parent.parent
    return root if is_workspace_folder(root) else None


def load_folder(root: Path, *, journey_file: Path | None = None) -> Loaded:
    """Read every document of a workspace folder, merge them, and check the whole.

    With `journey_file` (a file in the folder's `journeys/`), only that file's maps are
    read, in the context of the workspace's manifest, segments and personas: a map file
    of a workspace folder can be validated, analysed or rendered on its own.
    """
    manifest, items = folder_files(root)
    elsewhere: set[str] = set()  # ids of the maps in the journey files left unread
    if journey_file is not None:
        journeys = root / SUBFOLDERS["maps"]
        kept = [p for p in items if p.parent != journeys or p.resolve() == journey_file.resolve()]
        # The folder writes each map to `<id>.yaml`: a TO-BE map's `based_on` may name one.
        elsewhere = {p.stem for p in items if p not in kept}
        items = kept
    parts: list[_Part] = []
    problems: list[Diagnostic] = []
    warnings: list[Diagnostic] = []
    for path in [manifest, *items]:
        name = str(path)
        try:
            data, locator, early = parse(read_text(path), name, syntax_for(path))
            workspace = validate_data(data, locator, name, early)
        except InvalidInput as error:
            problems.extend(error.diagnostics)
            continue
        if path is not manifest:
            for key in _WORKSPACE_ONLY:
                if key in data:
                    line, column = locator.key_at((key,)) or (None, None)
                    warnings.append(
                        Diagnostic(
                            f"'{key}' is ignored here",
                            name,
                            line,
                            column,
                            f"set the workspace's '{key}' in {manifest.name}",
                            "warning",
                        )
                    )
        parts.append(_Part(path, locator, workspace))
    if problems:
        raise _folder_invalid(root, problems)
    merged, origins = _merge(parts)
    assign_ids(merged)
    for problem in check_integrity(merged):
        if problem.loc[-1:] == ("based_on",) and _based_on(merged, problem) in elsewhere:
            continue
        loc = tuple(problem.loc)
        part, local = parts[0], loc
        origin = (
            origins.get((loc[0], loc[1])) if len(loc) >= 2 and isinstance(loc[1], int) else None
        )
        if origin is not None:
            index, local_index = origin
            part, local = parts[index], (loc[0], local_index, *loc[2:])
        located = problem_diagnostics([replace(problem, loc=local)], part.locator, str(part.path))[
            0
        ]
        (problems if problem.severity == "error" else warnings).append(located)
    if problems:
        raise _folder_invalid(root, problems + warnings)
    return Loaded(merged, warnings)


def _based_on(workspace: Workspace, problem: Problem) -> str | None:
    """The map id a `based_on` problem is about."""
    index = problem.loc[1]
    return workspace.maps[index].based_on if isinstance(index, int) else None


def _merge(parts: list[_Part]) -> tuple[Workspace, dict[tuple[str | int, int], tuple[int, int]]]:
    """One workspace from all parts, and where each merged item came from (file, index)."""
    head = parts[0].workspace
    merged = Workspace(
        id=head.id, name=head.name, description=head.description, analysis=dict(head.analysis)
    )
    origins: dict[tuple[str | int, int], tuple[int, int]] = {}
    for index, part in enumerate(parts):
        for key in _COLLECTIONS:
            target: list[Any] = getattr(merged, key)
            for local_index, item in enumerate(getattr(part.workspace, key)):
                if (
                    key != "maps"
                    and item.id
                    and any(item.id == other.id and item == other for other in target)
                ):
                    continue  # the same item written in two files (e.g. a persona beside its map)
                origins[(key, len(target))] = (index, local_index)
                target.append(item)
    return merged, origins


def _folder_invalid(root: Path, diagnostics: list[Diagnostic]) -> InvalidInput:
    errors = sum(1 for d in diagnostics if d.severity == "error")
    by_file: dict[str | None, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        by_file.setdefault(diagnostic.file, []).append(diagnostic)
    kept = [d for name, group in by_file.items() for d in capped(group, name or str(root))]
    return InvalidInput(f"{root}: {errors} problem{'s' if errors != 1 else ''} found", kept)


def folder_documents(workspace: Workspace, root: Path) -> dict[Path, str]:
    """The text of every file the folder form of a workspace consists of."""
    head = Workspace(
        id=workspace.id,
        name=workspace.name,
        description=workspace.description,
        lanes=workspace.lanes,
        evidence=workspace.evidence,
        analysis=workspace.analysis,
    )
    files: dict[Path, str] = {root / MANIFEST_NAMES[0]: data_to_yaml(workspace_to_data(head))}
    for key, sub in SUBFOLDERS.items():
        for item in getattr(workspace, key):
            files[root / sub / f"{item.id}.yaml"] = data_to_yaml(
                workspace_to_data(Workspace(**{key: [item]}))
            )
    return files


def save_folder(workspace: Workspace, root: Path) -> list[Diagnostic]:
    """Write the folder form; stale item documents of removed elements are deleted.

    Only files that hold a Journeyline document are ever deleted; anything else in the
    subfolders (notes, images, broken files) is left alone.
    """
    if root.exists() and not root.is_dir():
        message = f"{root} is a file, not a folder"
        raise InvalidInput(message, [Diagnostic("exists and is not a folder", str(root))])
    files = folder_documents(workspace, root)
    stale: list[Path] = []
    for sub in SUBFOLDERS.values():
        folder = root / sub
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            candidate = (
                path.is_file() and path.suffix.lower() in DOCUMENT_SUFFIXES and path not in files
            )
            if candidate and _is_document(path):
                stale.append(path)
    changed = {path: text for path, text in files.items() if not _holds(path, text)}
    write_atomically(changed, stale)
    return []


def _holds(path: Path, text: str) -> bool:
    """True when the file already has exactly this text (unchanged files are not rewritten)."""
    try:
        return path.read_bytes() == text.encode("utf-8")
    except OSError:
        return False


def _is_document(path: Path) -> bool:
    """True when a file parses as a mapping with the `journeyline` version key."""
    try:
        data = yaml.load(
            path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        )
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return False
    return isinstance(data, dict) and "journeyline" in data
