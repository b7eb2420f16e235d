"""What an uploaded file really is: its type from its first bytes (never the name or the
client's claim), an image's size from its header, and whether the file is whole.

Pure functions on a file on disk, read in small pieces: a 200 MB video is never held in
memory. `sniff` returns a `Sniffed` (media type, kind, width and height for images) or
raises InvalidInput saying what the file is and what is accepted instead.
"""

from __future__ import annotations

import base64
import codecs
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from journeyline.errors import Diagnostic, InvalidInput
from journeyline.model import Workspace

Kind = Literal["image", "document", "audio", "video", "text"]

IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")
"""What an avatar or a step's picture may be. SVG is refused: it can carry scripts."""

ATTACHMENT_TYPES = (
    *IMAGE_TYPES,
    "application/pdf",
    "audio/mpeg",
    "audio/mp4",
    "audio/wav",
    "audio/ogg",
    "audio/flac",
    "audio/aac",
    "audio/webm",
    "video/mp4",
    "video/quicktime",
    "video/webm",
    "video/x-matroska",
    "text/plain",
)
"""What evidence may carry: PDFs, images, the audio or video of an interview, plain text."""

EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    "audio/mpeg": ".mp3",
    "audio/mp4": ".m4a",
    "audio/wav": ".wav",
    "audio/ogg": ".ogg",
    "audio/flac": ".flac",
    "audio/aac": ".aac",
    "audio/webm": ".weba",
    "video/mp4": ".mp4",
    "video/quicktime": ".mov",
    "video/webm": ".webm",
    "video/x-matroska": ".mkv",
    "text/plain": ".txt",
}
"""The extension a file of each type is saved under in an export folder."""

_HEAD = 4096
_TAIL = 4096
_MARKUP = (b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<svg", b"<?xml", b"<iframe")


@dataclass(frozen=True)
class Sniffed:
    """A file's type as its content shows it; images also their size in pixels."""

    media_type: str
    kind: Kind
    width: int | None = None
    height: int | None = None


def _refused(name: str, what: str, hint: str) -> InvalidInput:
    message = f"{name}: {what}"
    return InvalidInput(message, [Diagnostic(what, file=name, hint=hint)])


def _read_at(f: BinaryIO, offset: int, size: int) -> bytes:
    f.seek(offset)
    return f.read(size)


def sniff(path: Path, name: str) -> Sniffed:
    """The type of the file at `path` from its bytes; `name` (the uploaded name) only names
    it in errors. A file that is truncated, of no accepted type, or markup is refused."""
    size = path.stat().st_size
    if size == 0:
        raise _refused(name, "the file is empty", "choose the file again")
    with path.open("rb") as f:
        head = f.read(_HEAD)
        tail = _read_at(f, max(0, size - _TAIL), _TAIL)
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return _png(head, tail, name)
        if head.startswith(b"\xff\xd8\xff"):
            return _jpeg(f, size, tail, name)
        if head[:6] in (b"GIF87a", b"GIF89a"):
            return _gif(head, tail, name)
        if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            return _webp(head, size, name)
        if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
            return Sniffed("audio/wav", "audio")
        if head.startswith(b"%PDF-"):
            if b"%%EOF" not in tail:
                raise _refused(
                    name, "the PDF is cut short (no %%EOF at its end)", "upload it again"
                )
            return Sniffed("application/pdf", "document")
        if head[4:8] == b"ftyp":
            return _iso_media(head)
        if head.startswith(b"\x1a\x45\xdf\xa3"):
            return Sniffed("video/webm" if b"webm" in head[:64] else "video/x-matroska", "video")
        if head.startswith(b"OggS"):
            return Sniffed("audio/ogg", "audio")
        if head.startswith(b"fLaC"):
            return Sniffed("audio/flac", "audio")
        if head.startswith(b"ID3") or (
            len(head) > 1 and head[0] == 0xFF and head[1] in (0xFB, 0xF3, 0xF2, 0xFA)
        ):
            return Sniffed("audio/mpeg", "audio")
        if len(head) > 1 and head[0] == 0xFF and head[1] in (0xF1, 0xF9):
            return Sniffed("audio/aac", "audio")
        return _text(f, head, name)


def check_allowed(sniffed: Sniffed, allowed: tuple[str, ...], name: str, use: str) -> None:
    """InvalidInput unless the file's real type is one `use` accepts (the list is named)."""
    if sniffed.media_type in allowed:
        return
    accepted = _accepted_words(allowed)
    raise _refused(
        name,
        f"a file of type {sniffed.media_type} cannot be used as {use} (accepted: {accepted})",
        f"upload {accepted}",
    )


def _accepted_words(allowed: tuple[str, ...]) -> str:
    if allowed == IMAGE_TYPES:
        return "PNG, JPEG, GIF or WebP images"
    return "PDF, PNG, JPEG, GIF or WebP images, MP3, M4A, WAV, Ogg, FLAC or AAC audio, MP4, MOV, WebM or MKV video, plain text"


def check_pixels(sniffed: Sniffed, max_pixels: int, name: str) -> None:
    """InvalidInput when an image would decode to more than `max_pixels` pixels (a
    decompression bomb: a small file that unpacks to gigabytes)."""
    if sniffed.width is None or sniffed.height is None:
        return
    pixels = sniffed.width * sniffed.height
    if pixels > max_pixels:
        raise _refused(
            name,
            f"the image is {sniffed.width}×{sniffed.height} pixels, more than the "
            f"{max_pixels:,} this server accepts (its image_max_pixels setting)",
            "scale the image down and upload it again",
        )


def _dimensions(name: str, width: int, height: int, media: str) -> Sniffed:
    if width <= 0 or height <= 0:
        raise _refused(name, f"the image says it is {width}×{height} pixels", "upload a real image")
    return Sniffed(media, "image", width, height)


def _png(head: bytes, tail: bytes, name: str) -> Sniffed:
    if len(head) < 24 or head[12:16] != b"IHDR":
        raise _refused(name, "the PNG has no header (IHDR)", "upload it again")
    width, height = struct.unpack(">II", head[16:24])
    if not tail.endswith(b"IEND\xaeB`\x82"):
        raise _refused(name, "the PNG is cut short (it does not end with IEND)", "upload it again")
    return _dimensions(name, width, height, "image/png")


def _jpeg(f: BinaryIO, size: int, tail: bytes, name: str) -> Sniffed:
    if b"\xff\xd9" not in tail:
        raise _refused(name, "the JPEG is cut short (no end-of-image marker)", "upload it again")
    offset = 2
    # Walk the segments to the first start-of-frame marker (SOF0…SOF15 but DHT, JPG, DAC).
    for _ in range(10_000):
        marker = _read_at(f, offset, 4)
        if len(marker) < 4 or marker[0] != 0xFF:
            break
        code = marker[1]
        if code == 0xFF:
            offset += 1
            continue
        length = struct.unpack(">H", marker[2:4])[0]
        if 0xC0 <= code <= 0xCF and code not in (0xC4, 0xC8, 0xCC):
            frame = _read_at(f, offset + 5, 4)
            if len(frame) < 4:
                break
            height, width = struct.unpack(">HH", frame)
            return _dimensions(name, width, height, "image/jpeg")
        if length < 2:
            break
        offset += 2 + length
        if offset >= size:
            break
    raise _refused(name, "the JPEG has no readable frame header", "upload it again")


def _gif(head: bytes, tail: bytes, name: str) -> Sniffed:
    if len(head) < 10:
        raise _refused(name, "the GIF has no header", "upload it again")
    width, height = struct.unpack("<HH", head[6:10])
    if not tail.endswith(b";"):
        raise _refused(name, "the GIF is cut short (no trailer)", "upload it again")
    return _dimensions(name, width, height, "image/gif")


def _webp(head: bytes, size: int, name: str) -> Sniffed:
    declared = struct.unpack("<I", head[4:8])[0] + 8
    if declared > size:
        raise _refused(
            name, f"the WebP is cut short ({size} of {declared} bytes)", "upload it again"
        )
    chunk = head[12:16]
    if chunk == b"VP8X" and len(head) >= 30:
        width = 1 + int.from_bytes(head[24:27], "little")
        height = 1 + int.from_bytes(head[27:30], "little")
    elif chunk == b"VP8L" and len(head) >= 25:
        bits = int.from_bytes(head[21:25], "little")
        width, height = 1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF)
    elif chunk == b"VP8 " and len(head) >= 30 and head[23:26] == b"\x9d\x01\x2a":
        width = struct.unpack("<H", head[26:28])[0] & 0x3FFF
        height = struct.unpack("<H", head[28:30])[0] & 0x3FFF
    else:
        raise _refused(name, "the WebP has no readable header", "upload it again")
    return _dimensions(name, width, height, "image/webp")


def _iso_media(head: bytes) -> Sniffed:
    brand = head[8:12]
    if brand in (b"M4A ", b"M4B ", b"M4P "):
        return Sniffed("audio/mp4", "audio")
    if brand == b"qt  ":
        return Sniffed("video/quicktime", "video")
    return Sniffed("video/mp4", "video")


def _text(f: BinaryIO, head: bytes, name: str) -> Sniffed:
    """Plain UTF-8 text with no NUL and not markup; anything else is of no accepted type."""
    probe = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if any(probe.startswith(tag) for tag in _MARKUP) or b"<svg" in head.lower():
        what = "an SVG image" if b"<svg" in head.lower() else "HTML or XML markup"
        raise _refused(
            name,
            f"the file is {what}, which can carry scripts and is never accepted",
            "upload a PNG, JPEG, GIF or WebP image (export the drawing as PNG), or a PDF",
        )
    decoder = codecs.getincrementaldecoder("utf-8")()
    f.seek(0)
    try:
        while chunk := f.read(65_536):
            if b"\x00" in chunk:
                raise ValueError("NUL")
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except ValueError:
        raise _refused(
            name,
            "the file is of no type accepted here (its content is neither an image, a PDF, "
            "audio, video nor UTF-8 text)",
            "upload a PNG, JPEG, GIF or WebP image, a PDF, audio or video, or plain text",
        ) from None
    return Sniffed("text/plain", "text")


def rewrite_pictures(workspace: Workspace, change: Callable[[str], str | None]) -> Workspace:
    """A copy of `workspace` with every picture (avatars, step images) passed through
    `change` (None keeps the value)."""
    copy = workspace.model_copy(deep=True)
    for persona in copy.personas:
        if persona.avatar:
            persona.avatar = change(persona.avatar) or persona.avatar
    for journey in copy.maps:
        for _, step in journey.iter_steps():
            if step.image:
                step.image = change(step.image) or step.image
    return copy


def rewrite_files(
    workspace: Workspace, change: Callable[[str, Literal["image", "attachment"]], str | None]
) -> Workspace:
    """A copy of `workspace` with every file reference (pictures and evidence attachments)
    passed through `change(value, use)` (None keeps the value)."""
    copy = rewrite_pictures(workspace, lambda value: change(value, "image"))
    for evidence in [*copy.evidence, *(e for m in copy.maps for e in m.evidence)]:
        evidence.attachments = [change(a, "attachment") or a for a in evidence.attachments]
    return copy


_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def folder_image_data_uri(value: str, base: Path, max_bytes: int = 10_485_760) -> str | None:
    """A picture given as a path relative to `base` (`files/face.png`) as a data URI, when
    it names a PNG, JPEG, GIF or WebP inside `base`; None otherwise (a URL, a path that
    leaves the folder, a missing or unreadable file, another type)."""
    text = value.strip()
    if not text or _SCHEME.match(text) or text.startswith(("/", "\\")):
        return None
    root = base.resolve()
    path = (root / text).resolve()
    if not path.is_relative_to(root) or not path.is_file() or path.stat().st_size > max_bytes:
        return None
    try:
        sniffed = sniff(path, text)
    except InvalidInput:
        return None
    if sniffed.media_type not in IMAGE_TYPES:
        return None
    return f"data:{sniffed.media_type};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def embed_folder_pictures(workspace: Workspace, base: Path) -> Workspace:
    """A copy of `workspace` whose pictures given as paths inside `base` are data URIs, so a
    drawing of it carries them wherever it is opened."""
    return rewrite_pictures(workspace, lambda value: folder_image_data_uri(value, base))
