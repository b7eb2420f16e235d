"""Research files read into text a person can highlight: notes (plain text), Markdown,
Word documents (DOCX) and transcripts (WebVTT and SubRip) with their speakers and times.

Every reader is bounded: the file's bytes, the text's characters, a DOCX's parts and what
they unpack to (counted as they unpack, whatever the zip's directory claims), the number of
transcript cues. A DOCX part that declares a DTD (the XML entity bomb) is refused before
an XML parser reads it. A bad file is refused whole, with what is wrong and where.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any
from xml.etree import ElementTree

from journeyline.errors import Diagnostic, InvalidInput, UsageError
from journeyline.formats.limits import ImportLimits, current_limits, exceeded

TEXT_KINDS: dict[str, str] = {
    ".txt": "notes",
    ".text": "notes",
    ".md": "markdown",
    ".markdown": "markdown",
    ".docx": "docx",
    ".vtt": "transcript",
    ".srt": "transcript",
}
"""The research files read as text, by suffix, and the kind of source each becomes."""

SURVEY_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm")
"""The files read as survey exports or feedback tables (`journeyline.feedback.survey`)."""

SOURCE_KINDS = ("notes", "markdown", "docx", "transcript", "survey")
"""Every kind of research source."""

MAX_TEXT_CHARS = 2_000_000
"""The most characters one research document may hold (about 400 pages)."""

MAX_CUES = 50_000
"""The most cues one transcript may hold (a cue every 2 s for more than a day)."""

_DTD_MARKS = (b"<!DOCTYPE", b"<!ENTITY", b"<!doctype", b"<!entity")
_CHUNK = 1 << 16
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(frozen=True)
class Cue:
    """One cue of a transcript: when, who, and where its words are in the document's text."""

    start: float
    end: float
    speaker: str | None
    offset: int
    length: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": clock(self.start),
            "end": clock(self.end),
            "speaker": self.speaker,
            "offset": self.offset,
            "length": self.length,
        }


@dataclass
class ResearchDocument:
    """A research file as text; a transcript's cues point into `text`."""

    kind: str
    text: str
    cues: list[Cue] = field(default_factory=list)

    @property
    def speakers(self) -> list[str]:
        """The transcript's speakers, in the order they first speak."""
        seen: dict[str, None] = {}
        for cue in self.cues:
            if cue.speaker:
                seen.setdefault(cue.speaker, None)
        return list(seen)


def clock(seconds: float) -> str:
    """`HH:MM:SS.mmm`, as transcripts write times."""
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def kind_of(filename: str) -> str:
    """The source kind a file becomes, by its suffix; UsageError lists what is read."""
    suffix = PurePath(filename).suffix.lower()
    if suffix in TEXT_KINDS:
        return TEXT_KINDS[suffix]
    if suffix in SURVEY_SUFFIXES:
        return "survey"
    known = ", ".join([*TEXT_KINDS, *SURVEY_SUFFIXES])
    raise UsageError(
        f"{filename}: cannot read '{suffix or 'no suffix'}' research files; read {known}",
        [Diagnostic(f"unknown file type '{suffix or 'none'}'", filename, hint=f"upload {known}")],
    )


def read_research_bytes(
    data: bytes,
    filename: str,
    *,
    encoding: str | None = None,
    limits: ImportLimits | None = None,
    max_chars: int = MAX_TEXT_CHARS,
) -> ResearchDocument:
    """Read an interview, notes file, Word document or transcript into its text."""
    limits = limits or current_limits()
    kind = kind_of(filename)
    if kind == "survey":
        raise UsageError(f"{filename}: a survey export is read by the survey reader, not as text")
    if kind == "docx":
        text = docx_text(data, filename, limits, max_chars)
        return ResearchDocument(kind, text)
    text = decode_text(data, filename, encoding)
    if len(text) > max_chars:
        raise _too_long(filename, len(text), max_chars)
    if kind == "transcript":
        suffix = PurePath(filename).suffix.lower()
        return read_transcript(text, filename, vtt=suffix == ".vtt")
    return ResearchDocument(kind, text.replace("\r\n", "\n").replace("\r", "\n"))


def _too_long(filename: str, chars: int, max_chars: int) -> InvalidInput:
    diagnostic = Diagnostic(
        f"the document holds {chars:,} characters, more than the {max_chars:,} one research "
        "document may hold",
        filename,
        hint="split it into several files",
    )
    return InvalidInput(diagnostic.render(), [diagnostic])


def decode_text(data: bytes, filename: str, encoding: str | None) -> str:
    """The file's text: in `encoding` when named, else by its BOM, else UTF-8. A byte that
    does not decode is refused with its line and column; a NUL byte (a binary file) too."""
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise UsageError(
                f"unknown encoding '{encoding}' (e.g. utf-8, utf-16, cp1252)",
                [Diagnostic(f"unknown encoding '{encoding}'", filename)],
            ) from None
        codec = encoding
    elif data.startswith(codecs.BOM_UTF8):
        codec = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        codec = "utf-16"
    else:
        codec = "utf-8"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        byte = data[error.start : error.start + 1].hex()
        diagnostic = Diagnostic(
            f"not {codec.upper().replace('-SIG', '')} text (byte 0x{byte}): unknown encoding",
            filename,
            line,
            column,
            hint="save the file as UTF-8, or name its encoding (e.g. cp1252, utf-16)",
        )
        raise InvalidInput(diagnostic.render(), [diagnostic]) from None
    if "\x00" in text:
        before_text = text[: text.index("\x00")]
        diagnostic = Diagnostic(
            "holds a NUL character: not a text file",
            filename,
            before_text.count("\n") + 1,
            hint="upload plain text, Markdown, DOCX, VTT or SRT",
        )
        raise InvalidInput(diagnostic.render(), [diagnostic])
    return text


# --- DOCX ----------------------------------------------------------------------------------------


def _not_docx(filename: str, why: str) -> InvalidInput:
    diagnostic = Diagnostic(
        f"not a Word document (DOCX): {why}",
        filename,
        hint="save it again from your word processor",
    )
    return InvalidInput(diagnostic.render(), [diagnostic])


def docx_text(data: bytes, filename: str, limits: ImportLimits, max_chars: int) -> str:
    """The paragraphs of a DOCX's body, one per line (tabs and line breaks kept).

    Only `word/document.xml` is unpacked, in chunks, its real bytes counted against
    `unpacked_bytes`; a DTD or entity declaration in it is refused before parsing."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _not_docx(filename, str(error)) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.items:
            raise exceeded("items", f"the document has {len(infos):,} parts", filename)
        try:
            info = archive.getinfo("word/document.xml")
        except KeyError:
            raise _not_docx(filename, "it has no word/document.xml part") from None
        parser: ElementTree.XMLPullParser[ElementTree.Element] = ElementTree.XMLPullParser(
            events=("end",)
        )
        out: list[str] = []
        chars = 0
        total = 0
        tail = b""
        try:
            with archive.open(info) as part:
                while chunk := part.read(_CHUNK):
                    total += len(chunk)
                    if total > limits.unpacked_bytes:
                        raise exceeded(
                            "unpacked_bytes",
                            f"word/document.xml unpacks to more than {limits.unpacked_bytes:,} "
                            "bytes (a zip bomb?)",
                            filename,
                        )
                    window = tail + chunk
                    if any(mark in window for mark in _DTD_MARKS):
                        diagnostic = Diagnostic(
                            "part 'word/document.xml' declares a DTD or entities, which a Word "
                            "document never does (an XML entity bomb?); refused",
                            filename,
                            hint="save it again from your word processor",
                        )
                        raise InvalidInput(diagnostic.render(), [diagnostic])
                    tail = chunk[-16:]
                    parser.feed(chunk)
                    chars = _drain(parser, out, chars, filename, max_chars)
            parser.close()
            _drain(parser, out, chars, filename, max_chars)
        except ElementTree.ParseError as error:
            line, column = getattr(error, "position", (None, None))
            diagnostic = Diagnostic(
                f"word/document.xml is not well-formed XML ({error})",
                filename,
                line,
                column,
                hint="save it again from your word processor",
            )
            raise InvalidInput(diagnostic.render(), [diagnostic]) from None
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as error:
            raise _not_docx(filename, f"part 'word/document.xml': {error}") from None
    return "".join(out).rstrip("\n")


def _drain(
    parser: ElementTree.XMLPullParser[ElementTree.Element],
    out: list[str],
    chars: int,
    filename: str,
    max_chars: int,
) -> int:
    """Turn the parser's finished elements into text; paragraphs are dropped once read."""
    for event in parser.read_events():
        element: object = event[1]  # type: ignore[misc]
        if not isinstance(element, ElementTree.Element):
            continue
        tag = element.tag
        piece = ""
        if tag == f"{_W}t":
            piece = element.text or ""
        elif tag == f"{_W}tab":
            piece = "\t"
        elif tag in (f"{_W}br", f"{_W}cr"):
            piece = "\n"
        elif tag == f"{_W}p":
            piece = "\n"
            element.clear()
        if piece:
            chars += len(piece)
            if chars > max_chars:
                raise _too_long(filename, chars, max_chars)
            out.append(piece)
    return chars


# --- transcripts ---------------------------------------------------------------------------------

_ARROW = re.compile(r"^\s*(\S+)\s+-->\s+(\S+)(?:\s+.*)?$")
_TIME = re.compile(r"^(?:(\d{1,3}):)?([0-5]\d):([0-5]\d)[.,](\d{3})$")
_VOICE = re.compile(r"^<v(?:\.[^\s>]*)?\s+([^>]+)>")
_TAG = re.compile(r"</?[^>]*>")
_NAMED = re.compile(r"^(?:>>\s*|-\s*)?([^\s:<>\[\]][^:<>\[\]]{0,39}?):\s+(\S.*)$")


def _seconds(text: str, filename: str, line: int, vtt: bool) -> float:
    match = _TIME.match(text)
    if match is None or (not vtt and match.group(1) is None):
        shape = "[HH:]MM:SS.mmm" if vtt else "HH:MM:SS,mmm"
        diagnostic = Diagnostic(
            f"broken timestamp '{text[:40]}': a time is written {shape}",
            filename,
            line,
            hint="fix the cue's timing line, or export the transcript again",
        )
        raise InvalidInput(diagnostic.render(), [diagnostic])
    hours, minutes, secs, millis = match.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(secs) + int(millis) / 1000


def _speaker(words: str) -> tuple[str | None, str]:
    """The cue's speaker (`<v Name>` or a leading `Name:`) and its words without markup."""
    voice = _VOICE.match(words)
    if voice:
        return voice.group(1).strip(), _TAG.sub("", words[voice.end() :]).strip()
    plain = _TAG.sub("", words).strip()
    named = _NAMED.match(plain)
    if named and len(named.group(1).split()) <= 4:
        return named.group(1).strip(), named.group(2).strip()
    return None, plain


def read_transcript(text: str, filename: str, *, vtt: bool) -> ResearchDocument:
    """A WebVTT or SubRip transcript: one line per cue (`Speaker: words`), each cue with its
    times and speaker. A timing line that cannot be read, or ends before it starts, is
    refused with its line number."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    number = 0
    if vtt and (not lines or not lines[0].lstrip("\ufeff").startswith("WEBVTT")):
        diagnostic = Diagnostic(
            "a WebVTT transcript starts with the line 'WEBVTT'",
            filename,
            1,
            hint="export it again as WebVTT, or name it .srt if it is SubRip",
        )
        raise InvalidInput(diagnostic.render(), [diagnostic])
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            current.append((number, line))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    if vtt and blocks:
        blocks = blocks[1:]  # the WEBVTT header block
    out: list[str] = []
    cues: list[Cue] = []
    offset = 0
    for block in blocks:
        head = block[0][1].strip()
        if vtt and (head.startswith(("NOTE", "STYLE", "REGION"))):
            continue
        timing_at = next((i for i, (_, line) in enumerate(block[:2]) if "-->" in line), None)
        if timing_at is None:
            where = block[1][0] if len(block) > 1 else block[0][0]
            diagnostic = Diagnostic(
                "a cue without a timing line 'START --> END'",
                filename,
                where,
                hint="every cue has a number or name (optional), its times, then its words",
            )
            raise InvalidInput(diagnostic.render(), [diagnostic])
        line_number, timing = block[timing_at]
        arrow = _ARROW.match(timing)
        if arrow is None:
            diagnostic = Diagnostic(
                f"broken timing line '{timing.strip()[:60]}'",
                filename,
                line_number,
                hint="a timing line reads START --> END",
            )
            raise InvalidInput(diagnostic.render(), [diagnostic])
        start = _seconds(arrow.group(1), filename, line_number, vtt)
        end = _seconds(arrow.group(2), filename, line_number, vtt)
        if end < start:
            diagnostic = Diagnostic(
                f"the cue ends ({arrow.group(2)}) before it starts ({arrow.group(1)})",
                filename,
                line_number,
                hint="fix the cue's times",
            )
            raise InvalidInput(diagnostic.render(), [diagnostic])
        words = " ".join(line.strip() for _, line in block[timing_at + 1 :])
        speaker, said = _speaker(words)
        if not said:
            continue
        if len(cues) >= MAX_CUES:
            diagnostic = Diagnostic(
                f"the transcript has more than {MAX_CUES:,} cues", filename, line_number
            )
            raise InvalidInput(diagnostic.render(), [diagnostic])
        shown = f"{speaker}: {said}" if speaker else said
        cues.append(Cue(start, end, speaker, offset, len(shown)))
        out.append(shown)
        offset += len(shown) + 1
    if not cues:
        diagnostic = Diagnostic(
            "the transcript has no cues with words", filename, hint="is it the right file?"
        )
        raise InvalidInput(diagnostic.render(), [diagnostic])
    return ResearchDocument("transcript", "\n".join(out), cues)
