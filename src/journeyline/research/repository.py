"""Uploads into a workspace's research repository, and the survey files kept on disk.

An upload is copied to a temporary file in chunks (refused past `max_bytes`), read whole
(text files into their text and cues, survey exports through detection), and only then
stored: a file that cannot be read leaves nothing behind, in the database or on disk.
A survey export is kept as `FOLDER/WORKSPACE/SOURCE/NAME`, so scores and evidence name
the file as the person uploaded it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any, BinaryIO

from journeyline.errors import Diagnostic, InvalidInput, LimitExceeded, UsageError
from journeyline.formats.limits import ImportLimits
from journeyline.research.documents import kind_of, read_research_bytes
from journeyline.research.surveys import survey_facts
from journeyline.store import research as store
from journeyline.store.access import Actor, Role, require
from journeyline.store.database import Database
from journeyline.store.tables import new_id

_CHUNK = 1 << 20
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def safe_name(filename: str | None) -> str:
    """The upload's base name, stripped of folders and characters a path must not hold."""
    base = PurePath((filename or "").replace("\\", "/")).name
    cleaned = _UNSAFE.sub("-", base).strip(" .-")[:200]
    return cleaned or "upload"


@dataclass
class ResearchFiles:
    """The research uploads of every workspace on a server: one folder, the database."""

    db: Database
    folder: Path
    max_bytes: int

    def _save(self, stream: BinaryIO, target: Path, shown: str) -> int:
        written = 0
        with target.open("wb") as out:
            while chunk := stream.read(_CHUNK):
                written += len(chunk)
                if written > self.max_bytes:
                    raise LimitExceeded(
                        f"{shown} is larger than {self.max_bytes:,} bytes, the largest research "
                        "file this server reads (its max_upload_bytes setting)",
                        [Diagnostic("file too large", shown, hint="split it, or ask an admin")],
                        limit="max_upload_bytes",
                        allowed=self.max_bytes,
                    )
                out.write(chunk)
        if written == 0:
            diagnostic = Diagnostic("the file is empty", shown)
            raise InvalidInput(diagnostic.render(), [diagnostic])
        return written

    def forget_workspace(self, workspace_id: str) -> None:
        """Remove a deleted workspace's stored survey files (its records are gone already)."""
        shutil.rmtree(self.folder / workspace_id, ignore_errors=True)

    def upload(
        self,
        actor: Actor,
        workspace_id: str,
        filename: str | None,
        stream: BinaryIO,
        *,
        name: str | None = None,
        collected_on: dt.date | None = None,
        encoding: str | None = None,
        limits: ImportLimits | None = None,
    ) -> dict[str, Any]:
        """Read and store one research file; its source record (with text or survey facts)."""
        with self.db.reading() as session:
            require(session, actor, workspace_id, Role.editor)
        shown = safe_name(filename)
        kind = kind_of(shown)
        self.folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self.folder, prefix=".upload-") as scratch:
            temporary = Path(scratch) / shown
            size = self._save(stream, temporary, shown)
            if kind != "survey":
                document = read_research_bytes(
                    temporary.read_bytes(), shown, encoding=encoding, limits=limits
                )
                return store.add_text_source(
                    self.db,
                    actor,
                    workspace_id,
                    shown,
                    document,
                    name=name,
                    collected_on=collected_on,
                    size=size,
                )
            facts = survey_facts(temporary, shown, limits=limits, encoding=encoding)
            source_id = new_id("rs")
            target = self.folder / workspace_id / source_id / shown
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(temporary), target)
        try:
            return store.add_survey_source(
                self.db,
                actor,
                workspace_id,
                source_id,
                shown,
                facts,
                name=name,
                collected_on=collected_on,
                size=size,
            )
        except BaseException:
            shutil.rmtree(target.parent, ignore_errors=True)
            raise

    def survey_path(self, workspace_id: str, source_id: str, filename: str) -> Path:
        """Where a survey source's file is kept."""
        path = self.folder / workspace_id / source_id / safe_name(filename)
        if not path.is_file():
            raise UsageError(
                f"the file of survey '{source_id}' is missing from the server; upload it again",
                [Diagnostic("survey file missing", filename)],
            )
        return path

    def delete(self, actor: Actor, workspace_id: str, source_id: str) -> None:
        """Delete a source (its quotes' evidence leaves the maps) and its file."""
        store.delete_source(self.db, actor, workspace_id, source_id)
        with contextlib.suppress(OSError):
            shutil.rmtree(self.folder / workspace_id / source_id)
