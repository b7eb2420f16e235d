"""Uploaded files: persona avatars, step pictures and evidence attachments.

The bytes live in the data folder under their SHA-256 (`files/ab/abcdef…`: the same bytes
uploaded twice are kept once); the metadata (name, real type, size, pixels, who) in the
`files` table. A map refers to a file by its address, `/api/workspaces/{w}/files/{id}`
(`file_url`), in a persona's `avatar`, a step's `image` or an evidence's `attachments`;
an export folder carries the files under `files/` and refers to them by relative path.

Every upload is copied to disk in chunks under a size limit, its type read from its bytes
(`formats.media.sniff`), never from its name or the client's claim, and checked against
the use's allow-list and, for images, the pixel limit. Access follows the workspace's:
viewers read, editors upload and delete; a share link reads the files its map names.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import re
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Literal

from sqlalchemy import delete, func, select

from journeyline.errors import Diagnostic, InvalidInput, LimitExceeded, NotFound
from journeyline.formats import media
from journeyline.formats.media import rewrite_pictures
from journeyline.model import Workspace
from journeyline.store import sharing, workspaces
from journeyline.store.access import Actor, Role, require
from journeyline.store.database import Database
from journeyline.store.tables import StoredFileRecord, new_id

Use = Literal["image", "attachment"]
USES: dict[str, tuple[str, ...]] = {
    "image": media.IMAGE_TYPES,
    "attachment": media.ATTACHMENT_TYPES,
}
"""What each use accepts: an avatar or a step's picture takes images; evidence also PDF,
audio, video and plain text."""

FILE_URL = re.compile(
    r"/api/workspaces/(?P<workspace>[A-Za-z0-9_-]{1,40})/files/(?P<file>f_[A-Za-z0-9]{4,40})"
)
"""An uploaded file's address as a map holds it."""

_CHUNK = 1_048_576
_SAFE_NAME = re.compile(r"[^\w .'()+,-]+", re.UNICODE)


def file_url(workspace_id: str, file_id: str) -> str:
    """The address a map holds for an uploaded file."""
    return f"/api/workspaces/{workspace_id}/files/{file_id}"


def parse_file_url(value: str | None) -> tuple[str, str] | None:
    """(workspace id, file id) when `value` is an uploaded file's address, else None."""
    if not value:
        return None
    match = FILE_URL.fullmatch(value.strip())
    return (match["workspace"], match["file"]) if match else None


def display_name(name: str | None) -> str:
    """An uploaded file's name without folders or characters a header or a path could abuse."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _SAFE_NAME.sub("_", base).strip(" ._")
    return cleaned[-120:] or "file"


@dataclass(frozen=True)
class FileLimits:
    """How big an upload may be: images (`image_upload_bytes`, `image_max_pixels`) and
    attachments (`attachment_upload_bytes`)."""

    image_bytes: int = 10_485_760
    attachment_bytes: int = 209_715_200
    image_pixels: int = 40_000_000

    def bytes_for(self, use: Use) -> tuple[int, str]:
        """The byte limit for a use and the setting that sets it."""
        if use == "image":
            return self.image_bytes, "image_upload_bytes"
        return self.attachment_bytes, "attachment_upload_bytes"


@dataclass(frozen=True)
class StoredFile:
    """One uploaded file's metadata."""

    id: str
    workspace_id: str
    name: str
    media_type: str
    size: int
    sha256: str
    width: int | None
    height: int | None
    created_at: dt.datetime

    @property
    def url(self) -> str:
        """The address a map holds for it."""
        return file_url(self.workspace_id, self.id)

    @property
    def is_image(self) -> bool:
        """True for the image types a board and a render show inline."""
        return self.media_type in media.IMAGE_TYPES

    def to_dict(self) -> dict[str, Any]:
        """The API's shape: `{id, url, type, size, name, width, height, created_at}`."""
        return {
            "id": self.id,
            "url": self.url,
            "type": self.media_type,
            "size": self.size,
            "name": self.name,
            "width": self.width,
            "height": self.height,
            "created_at": self.created_at.isoformat() + "Z",
        }


def _stored(row: StoredFileRecord) -> StoredFile:
    return StoredFile(
        row.id,
        row.workspace_id,
        row.name,
        row.media_type,
        row.size,
        row.sha256,
        row.width,
        row.height,
        row.created_at,
    )


def _not_found(file_id: str) -> NotFound:
    return NotFound(
        f"file '{file_id}' does not exist in this workspace",
        [Diagnostic(f"file '{file_id}' does not exist", hint="upload it again")],
    )


class Files:
    """The uploaded files of every workspace on a server: one folder, one table."""

    def __init__(self, db: Database, folder: Path, limits: FileLimits | None = None) -> None:
        self.db = db
        self.folder = folder
        self.limits = limits or FileLimits()

    def blob_path(self, sha256: str) -> Path:
        """Where the bytes with this SHA-256 are kept."""
        return self.folder / sha256[:2] / sha256

    def _save(self, stream: BinaryIO, limit: int, setting: str, name: str) -> tuple[Path, str, int]:
        """The stream copied to a temporary file in chunks: (path, SHA-256, size); past
        `limit` bytes nothing is kept and LimitExceeded names the setting."""
        incoming = self.folder / "incoming"
        incoming.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=incoming)
        digest = hashlib.sha256()
        written = 0
        try:
            with os.fdopen(handle, "wb") as out:
                while chunk := stream.read(_CHUNK):
                    written += len(chunk)
                    if written > limit:
                        raise LimitExceeded(
                            f"{name} is larger than {limit:,} bytes, the largest this server "
                            f"accepts here (its {setting} setting)",
                            [
                                Diagnostic(
                                    "the file is too large", file=name, hint="upload a smaller file"
                                )
                            ],
                            limit=setting,
                            allowed=limit,
                        )
                    digest.update(chunk)
                    out.write(chunk)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return Path(temp), digest.hexdigest(), written

    def check(self, path: Path, name: str, use: Use) -> media.Sniffed:
        """The file's real type, refused unless `use` accepts it (and images: within the
        pixel limit)."""
        sniffed = media.sniff(path, name)
        media.check_allowed(
            sniffed, USES[use], name, "an image" if use == "image" else "an attachment"
        )
        if sniffed.kind == "image":
            media.check_pixels(sniffed, self.limits.image_pixels, name)
        return sniffed

    def upload(
        self, actor: Actor, workspace_id: str, filename: str | None, stream: BinaryIO, use: Use
    ) -> StoredFile:
        """Store an upload for `use` (editors and up); its metadata."""
        if use not in USES:
            raise InvalidInput(
                f"unknown use '{use}' (uses: image, attachment)",
                [Diagnostic(f"unknown use '{use}'", hint="send use=image or use=attachment")],
            )
        with self.db.reading() as session:
            require(session, actor, workspace_id, Role.editor)
        name = display_name(filename)
        limit, setting = self.limits.bytes_for(use)
        temp, sha256, size = self._save(stream, limit, setting, name)
        try:
            if size == 0:
                raise InvalidInput(f"{name}: the file is empty", [Diagnostic("empty", file=name)])
            sniffed = self.check(temp, name, use)
            if sniffed.kind == "image" and size > self.limits.image_bytes:
                raise LimitExceeded(
                    f"{name} is larger than {self.limits.image_bytes:,} bytes, the largest image "
                    "this server accepts (its image_upload_bytes setting)",
                    limit="image_upload_bytes",
                    allowed=self.limits.image_bytes,
                )
            target = self.blob_path(sha256)
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                temp.unlink()
            else:
                os.replace(temp, target)
        finally:
            temp.unlink(missing_ok=True)
        return self._insert(actor, workspace_id, name, sniffed, size, sha256)

    def _insert(
        self,
        actor: Actor | None,
        workspace_id: str,
        name: str,
        sniffed: media.Sniffed,
        size: int,
        sha256: str,
    ) -> StoredFile:
        row = StoredFileRecord(
            id=new_id("f"),
            workspace_id=workspace_id,
            sha256=sha256,
            name=name,
            media_type=sniffed.media_type,
            size=size,
            width=sniffed.width,
            height=sniffed.height,
            created_by=actor.account_id if actor else None,
        )
        with self.db.writing() as session:
            session.add(row)
            session.flush()
            return _stored(row)

    def stored(self, workspace_id: str, file_id: str) -> StoredFile:
        """A file's metadata, with no access check (the caller made it)."""
        with self.db.reading() as session:
            row = session.get(StoredFileRecord, file_id)
            if row is None or row.workspace_id != workspace_id:
                raise _not_found(file_id)
            return _stored(row)

    def get(self, actor: Actor, workspace_id: str, file_id: str) -> StoredFile:
        """One file's metadata (viewers and up)."""
        with self.db.reading() as session:
            require(session, actor, workspace_id, Role.viewer)
        return self.stored(workspace_id, file_id)

    def list(self, actor: Actor, workspace_id: str) -> list[StoredFile]:
        """The workspace's files, newest first (viewers and up)."""
        with self.db.reading() as session:
            require(session, actor, workspace_id, Role.viewer)
            rows = session.scalars(
                select(StoredFileRecord)
                .where(StoredFileRecord.workspace_id == workspace_id)
                .order_by(StoredFileRecord.created_at.desc(), StoredFileRecord.id)
            ).all()
            return [_stored(row) for row in rows]

    def delete(self, actor: Actor, workspace_id: str, file_id: str) -> None:
        """Forget a file (editors and up); its bytes go when no other file row holds them.
        Maps that still name it show no picture (and say so in the panel)."""
        with self.db.writing() as session:
            require(session, actor, workspace_id, Role.editor)
            row = session.get(StoredFileRecord, file_id)
            if row is None or row.workspace_id != workspace_id:
                raise _not_found(file_id)
            sha256 = row.sha256
            session.execute(delete(StoredFileRecord).where(StoredFileRecord.id == file_id))
            others = session.scalar(
                select(func.count())
                .select_from(StoredFileRecord)
                .where(StoredFileRecord.sha256 == sha256)
            )
        if not others:
            self.blob_path(sha256).unlink(missing_ok=True)

    def delete_workspace(self, actor: Actor, workspace_id: str) -> None:
        """Delete a workspace (owners only) and the bytes of its uploaded files that no
        other workspace's file holds (`workspaces.delete_workspace` does the rest)."""
        for sha256 in workspaces.delete_workspace(self.db, actor, workspace_id):
            self.blob_path(sha256).unlink(missing_ok=True)

    def shared(
        self, token: str, password: str | None, file_id: str, *, unlocked: bool = False
    ) -> StoredFile:
        """A file a share link may show: one its map (or the personas it names) refers to,
        in the map's own workspace; NotFound for anything else. `unlocked`: the address
        was signed for a visitor who gave the link's password (`shared_file_key`)."""
        shown = sharing.open_share_link(self.db, token, password, unlocked=unlocked)
        if file_id not in referenced_files(shown.to_dict(), shown.workspace_id):
            raise _not_found(file_id)
        return self.stored(shown.workspace_id, file_id)

    def path_of(self, stored: StoredFile) -> Path:
        """Where a file's bytes are (NotFound when they were lost from the data folder)."""
        path = self.blob_path(stored.sha256)
        if not path.is_file():
            raise NotFound(
                f"the bytes of file '{stored.id}' ({stored.name}) are missing from the data "
                "folder (restore the folder's files/ from a backup, or upload it again)"
            )
        return path

    def import_file(
        self, actor: Actor, workspace_id: str, path: Path, name: str, use: Use
    ) -> StoredFile:
        """A file from an imported folder, checked like an upload (editors and up)."""
        with self.db.reading() as session:
            require(session, actor, workspace_id, Role.editor)
        limit, setting = self.limits.bytes_for(use)
        with path.open("rb") as stream:
            temp, sha256, size = self._save(stream, limit, setting, name)
        try:
            sniffed = self.check(temp, name, use)
            target = self.blob_path(sha256)
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                os.replace(temp, target)
        finally:
            temp.unlink(missing_ok=True)
        return self._insert(actor, workspace_id, name, sniffed, size, sha256)

    def image_data_uri(self, workspace_id: str, reference: str) -> str | None:
        """An uploaded image of this workspace as a data URI (for a render that must reach
        no network); None for anything else (another workspace's, a missing one, no image)."""
        parsed = parse_file_url(reference)
        if parsed is None or parsed[0] != workspace_id:
            return None
        try:
            stored = self.stored(workspace_id, parsed[1])
            path = self.path_of(stored)
        except NotFound:
            return None
        if not stored.is_image or stored.size > self.limits.image_bytes:
            return None
        encoded = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"data:{stored.media_type};base64,{encoded}"

    def embed_images(self, workspace: Workspace, workspace_id: str) -> Workspace:
        """A copy of `workspace` whose uploaded pictures (avatars, step images) are data URIs,
        so a drawing of it carries them and reaches no network."""
        cache: dict[str, str | None] = {}

        def embed(value: str) -> str | None:
            if value not in cache:
                cache[value] = self.image_data_uri(workspace_id, value)
            return cache[value] or value

        return rewrite_pictures(workspace, embed)


def referenced_files(document: Any, workspace_id: str) -> set[str]:
    """Ids of this workspace's uploaded files that a JSON-like document names anywhere."""
    found: set[str] = set()
    for value in _strings(document):
        parsed = parse_file_url(value)
        if parsed and parsed[0] == workspace_id:
            found.add(parsed[1])
    return found


SIGNED_HOURS = 12
"""How long a file address signed for a password-protected share link works."""


def shared_file_key(secret: bytes, token: str, file_id: str, expires: int) -> str:
    """The signature that lets a visitor who gave a share link's password load one of its
    files (an `<img>` cannot send the password header) until `expires` (Unix seconds)."""
    message = f"shared-file\n{token}\n{file_id}\n{expires}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:40]


def shared_file_key_valid(secret: bytes, token: str, file_id: str, expires: int, key: str) -> bool:
    """True when `key` signs this file of this link and has not expired."""
    if expires < time.time():
        return False
    return hmac.compare_digest(shared_file_key(secret, token, file_id, expires), key)


def shared_file_urls(
    token: str, view: dict[str, Any], *, secret: bytes | None = None
) -> dict[str, Any]:
    """A share link's view with its files' addresses made ones the link opens
    (`/api/shared/{token}/files/{id}`), so the view names no workspace. With `secret`
    (the visitor gave the link's password) each is signed to work without it for
    `SIGNED_HOURS` (rounded to the hour, so the addresses stay the same for a while)."""
    expires = (int(time.time()) // 3600 + SIGNED_HOURS + 1) * 3600

    def address(file_id: str) -> str:
        url = f"/api/shared/{token}/files/{file_id}"
        if secret is None:
            return url
        return f"{url}?expires={expires}&key={shared_file_key(secret, token, file_id, expires)}"

    def change(value: Any) -> Any:
        if isinstance(value, str):
            parsed = parse_file_url(value)
            return address(parsed[1]) if parsed else value
        if isinstance(value, dict):
            return {key: change(item) for key, item in value.items()}
        if isinstance(value, list):
            return [change(item) for item in value]
        return value

    return {key: change(item) for key, item in view.items()}


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
