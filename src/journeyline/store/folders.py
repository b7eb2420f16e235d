"""A workspace as a folder with its uploaded files, zipped for the network, and back.

Export: the folder form (docs/format.md, *Workspace folders*) with every uploaded file the
workspace names copied to `files/<id>-<name>` and the YAML pointing at it by that path,
relative to the workspace folder. Import: the zip is unpacked under bounds (entries,
bytes, no path leaving the folder), the documents read under the import limits, each
relative path that names a file in the folder uploaded again (under the same type and
size checks as an upload), and the maps pointed at the new addresses.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from journeyline.errors import Diagnostic, InvalidInput, JourneylineError, LimitExceeded, NotFound
from journeyline.formats.folder import MANIFEST_NAMES, is_workspace_folder, load_folder, save_folder
from journeyline.formats.limits import ImportLimits, applying, check_workspace
from journeyline.formats.media import EXTENSIONS, rewrite_files
from journeyline.model import Workspace
from journeyline.store import importing, workspaces
from journeyline.store.access import Actor, Role, require
from journeyline.store.database import Database
from journeyline.store.files import Files, Use, display_name, parse_file_url
from journeyline.store.transfer import Imported

FILES_FOLDER = "files"
"""The folder of an exported workspace that holds its uploaded files."""

_CHUNK = 1_048_576
_ASCII_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


@dataclass
class Archive:
    """A zip written to a temporary file, to be sent and then removed."""

    path: Path
    filename: str
    warnings: list[Diagnostic]

    def remove(self) -> None:
        """Delete the temporary folder holding the zip."""
        shutil.rmtree(self.path.parent, ignore_errors=True)


def _slug(text: str, fallback: str) -> str:
    return _ASCII_NAME.sub("-", text).strip("-.")[:60] or fallback


def export_folder_archive(files: Files, workspace: Workspace, workspace_id: str) -> Archive:
    """The workspace as a zipped folder, its uploaded files under `files/`.

    A reference to a file that is gone (deleted, or of another workspace) is kept as it
    is and named in the warnings."""
    stem = _slug(workspace.id or workspace.name, "workspace")
    temp = Path(tempfile.mkdtemp(prefix="journeyline-folder-"))
    try:
        root = temp / stem
        (root / FILES_FOLDER).mkdir(parents=True)
        written: dict[str, str] = {}
        warnings: list[Diagnostic] = []

        def export(value: str, _use: Use) -> str | None:
            parsed = parse_file_url(value)
            if parsed is None:
                return None
            if value in written:
                return written[value]
            try:
                if parsed[0] != workspace_id:
                    raise NotFound(f"file of another workspace: {value}")
                stored = files.stored(workspace_id, parsed[1])
                source = files.path_of(stored)
            except NotFound:
                warnings.append(
                    Diagnostic(
                        f"'{value}' names no file of this workspace; kept as it is",
                        hint="upload the file again and choose it",
                        severity="warning",
                    )
                )
                return None
            base = _slug(Path(stored.name).stem, "file")
            relative = f"{FILES_FOLDER}/{stored.id}-{base}{EXTENSIONS.get(stored.media_type, '')}"
            shutil.copyfile(source, root / relative)
            written[value] = relative
            return relative

        save_folder(rewrite_files(workspace, export), root)
        archive = temp / f"{stem}.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    stored_type = (
                        zipfile.ZIP_STORED
                        if path.parent.name == FILES_FOLDER
                        else zipfile.ZIP_DEFLATED
                    )
                    out.write(path, f"{stem}/{path.relative_to(root).as_posix()}", stored_type)
        return Archive(archive, archive.name, warnings)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


def _bad_archive(name: str, what: str) -> InvalidInput:
    diagnostic = Diagnostic(what, name, hint="export the folder again and upload that zip")
    return InvalidInput(f"{name}: {what}", [diagnostic])


def unpack_folder_archive(
    stream: BinaryIO, name: str, into: Path, limits: ImportLimits, max_bytes: int
) -> Path:
    """Unpack an uploaded zip of a workspace folder into `into`; the workspace folder (the
    one holding `journeyline.yaml`). At most `limits.items` entries and
    `limits.unpacked_bytes` bytes unpacked (counted as they come out, whatever the zip's
    directory claims); an entry whose path is absolute or climbs out (`..`) is refused."""
    upload = into / "upload.zip"
    with upload.open("wb") as out:
        received = 0
        while chunk := stream.read(_CHUNK):
            received += len(chunk)
            if received > max_bytes:
                raise LimitExceeded(
                    f"{name} is larger than {max_bytes:,} bytes (the server's max_upload_bytes)",
                    limit="max_upload_bytes",
                    allowed=max_bytes,
                )
            out.write(chunk)
    unpacked = into / "unpacked"
    unpacked.mkdir()
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError) as error:
        raise _bad_archive(name, f"not a zip archive ({error})") from None
    total = 0
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.items:
            raise _bad_archive(
                name, f"the archive has {len(infos):,} entries (at most {limits.items:,})"
            )
        for info in infos:
            member = PurePosixPath(info.filename.replace("\\", "/"))
            if member.is_absolute() or ".." in member.parts or ":" in info.filename:
                raise _bad_archive(name, f"entry '{info.filename}' points outside the folder")
            if info.is_dir():
                continue
            target = unpacked.joinpath(*member.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with archive.open(info) as part, target.open("wb") as out:
                    while chunk := part.read(_CHUNK):
                        total += len(chunk)
                        if total > limits.unpacked_bytes:
                            raise LimitExceeded(
                                f"{name} unpacks to more than {limits.unpacked_bytes:,} bytes "
                                "(a zip bomb?; the import limit unpacked_bytes)",
                                limit="unpacked_bytes",
                                allowed=limits.unpacked_bytes,
                            )
                        out.write(chunk)
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as error:
                raise _bad_archive(name, f"entry '{info.filename}': {error}") from None
    upload.unlink()
    candidates = sorted(
        (p.parent for n in MANIFEST_NAMES for p in unpacked.rglob(n)), key=lambda p: len(p.parts)
    )
    if not candidates or not is_workspace_folder(candidates[0]):
        raise _bad_archive(name, "the archive holds no workspace folder (no journeyline.yaml)")
    return candidates[0]


def read_unpacked_folder(root: str, shown: str, limits: ImportLimits | None) -> Imported:
    """The workspace of an unpacked folder, read under the import limits; diagnostics name
    the files as `shown/…` (the upload), not the temporary folder (for a worker process)."""
    temp = str(Path(root))

    def rename(d: Diagnostic) -> Diagnostic:
        return (
            replace(d, file=shown + d.file[len(temp) :])
            if d.file and d.file.startswith(temp)
            else d
        )

    try:
        with applying(limits):
            loaded = load_folder(Path(root))
            check_workspace(loaded.workspace, root)
    except JourneylineError as error:
        error.diagnostics = [rename(d) for d in error.diagnostics]
        error.message = error.message.replace(temp, shown)
        raise
    return Imported(loaded.workspace, [rename(w) for w in loaded.warnings])


def is_folder_path(value: str) -> bool:
    """True for a relative path (`files/face.png`), not a URL, data URI or absolute path."""
    text = value.strip()
    return (
        bool(text)
        and not _SCHEME.match(text)
        and not text.startswith(("/", "\\"))
        and "\n" not in text
    )


def upload_folder_files(
    files: Files, actor: Actor, workspace_id: str, workspace: Workspace, root: Path, shown: str
) -> Workspace:
    """`workspace` with each relative path that names a file inside `root` replaced by the
    address of that file uploaded again (checked as an upload is; a file of a type its use
    does not take refuses the import, naming it)."""
    base = root.resolve()
    done: dict[tuple[str, str], str] = {}

    def bring(value: str, use: Use) -> str | None:
        if not is_folder_path(value):
            return None
        path = (base / value.strip()).resolve()
        if not path.is_relative_to(base) or not path.is_file():
            return None
        key = (str(path), use)
        if key not in done:
            name = f"{shown}/{path.relative_to(base).as_posix()}"
            try:
                stored = files.import_file(actor, workspace_id, path, path.name, use)
            except InvalidInput as error:
                error.message = f"{name}: {error.message}"
                raise
            done[key] = stored.url
        return done[key]

    return rewrite_files(workspace, bring)


Reader = Callable[..., Imported]
"""How the documents are read: `read_unpacked_folder` itself, or the web app's worker pool
running it (`WorkerPool.run`)."""


def _read_here(function: Callable[..., Imported], *args: object) -> Imported:
    return function(*args)


def import_folder_archive(
    db: Database,
    files: Files,
    actor: Actor,
    stream: BinaryIO,
    filename: str | None,
    *,
    limits: ImportLimits,
    max_bytes: int,
    workspace_id: str | None = None,
    replace_maps: bool = False,
    run: Callable[..., Imported] = _read_here,
) -> dict[str, Any]:
    """Import a zipped workspace folder with its files: into `workspace_id` (editors; as
    `importing.import_into`), or as a new workspace the actor owns (None). Nothing is kept
    of a new workspace whose import fails."""
    name = display_name(filename)
    shown = name[:-4] if name.lower().endswith(".zip") else name
    with tempfile.TemporaryDirectory(prefix="journeyline-folder-import-") as temp:
        root = unpack_folder_archive(stream, name, Path(temp), limits, max_bytes)
        imported = run(read_unpacked_folder, str(root), shown, limits)
        warnings = [w.to_dict() for w in imported.warnings]
        if workspace_id is not None:
            with db.reading() as session:
                require(session, actor, workspace_id, Role.editor)
            incoming = upload_folder_files(
                files, actor, workspace_id, imported.workspace, root, shown
            )
            report = importing.import_into(db, actor, workspace_id, incoming, replace=replace_maps)
            return report | {"warnings": warnings + report["warnings"]}
        source = imported.workspace
        created = workspaces.create_workspace(
            db, actor, source.name or shown, description=source.description
        )
        try:
            incoming = upload_folder_files(files, actor, created["id"], source, root, shown)
            report = importing.import_into(db, actor, created["id"], incoming)
            warnings += report["warnings"]
        except BaseException:
            files.delete_workspace(actor, created["id"])
            raise
    summary = next(w for w in workspaces.list_workspaces(db, actor) if w["id"] == created["id"])
    return summary | {"warnings": warnings}


def is_folder_archive(filename: str | None) -> bool:
    """True for an upload named `….zip`: a zipped workspace folder."""
    return (filename or "").lower().endswith(".zip")
