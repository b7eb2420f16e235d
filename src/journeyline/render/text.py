"""Deterministic text measuring and wrapping, from the font width table in `metrics`.

No font file is read: widths come from DejaVu Sans' advance widths, so the same map
always wraps the same way, in tests and on every machine.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from journeyline.render.metrics import BOLD, REGULAR

ELLIPSIS = "…"


@lru_cache(maxsize=4096)
def _char_width(char: str, bold: bool) -> int:
    table = BOLD if bold else REGULAR
    width = table.get(ord(char))
    if width is not None:
        return width
    if unicodedata.combining(char) or unicodedata.category(char) in {"Mn", "Me", "Cf"}:
        return 0
    if unicodedata.east_asian_width(char) in {"W", "F"} or ord(char) >= 0x1F000:
        return 1150  # CJK and emoji are drawn about one em wide (plus breathing room)
    return 700


@lru_cache(maxsize=65536)
def _word_units(word: str, bold: bool) -> int:
    return sum(_char_width(c, bold) for c in word)


def measure(text: str, size: float, *, bold: bool = False) -> float:
    """Width of a line of text in pixels at a font size in pixels."""
    return _word_units(text, bold) * size / 1000.0


@dataclass(frozen=True, slots=True)
class Wrapped:
    """Text broken into lines that fit a width; `truncated` when a line cap cut it short."""

    lines: tuple[str, ...]
    full: str
    truncated: bool


def _break_long_word(word: str, limit: float, bold: bool) -> list[str]:
    pieces: list[str] = []
    current = ""
    units = 0
    for char in word:
        w = _char_width(char, bold)
        if current and units + w > limit:
            pieces.append(current)
            current, units = "", 0
        current += char
        units += w
    if current:
        pieces.append(current)
    return pieces


def _ellipsize(line: str, limit: float, bold: bool) -> str:
    budget = limit - _char_width(ELLIPSIS, bold)
    out = line.rstrip()
    while out and _word_units(out, bold) > budget:
        out = out[:-1]
    return out.rstrip() + ELLIPSIS


def wrap(
    text: str, width: float, size: float, *, bold: bool = False, max_lines: int = 0
) -> Wrapped:
    """Greedy word wrap to `width` pixels; with `max_lines`, cut there and end with an ellipsis.

    Whitespace runs (including newlines) count as one space; words wider than the line
    are broken between characters.
    """
    full = " ".join(text.split())
    if not full:
        return Wrapped((), "", False)
    limit = width * 1000.0 / size
    space = _char_width(" ", bold)
    lines: list[str] = []
    current = ""
    units = 0
    truncated = False
    for word in full.split(" "):
        w = _word_units(word, bold)
        if current and units + space + w <= limit:
            current += " " + word
            units += space + w
            continue
        if current:
            lines.append(current)
            current, units = "", 0
        if w > limit:
            *heads, word = _break_long_word(word, limit, bold)
            lines.extend(heads)
            w = _word_units(word, bold)
        current, units = word, w
        if max_lines and len(lines) > max_lines:
            break
    if current:
        lines.append(current)
    if max_lines and len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], _ellipsize(lines[max_lines - 1], limit, bold)]
        truncated = True
    return Wrapped(tuple(lines), full, truncated)


def fit_line(text: str, width: float, size: float, *, bold: bool = False) -> Wrapped:
    """One line: the text as is when it fits, else cut with an ellipsis."""
    return wrap(text, width, size, bold=bold, max_lines=1)


def initials(name: str) -> str:
    """Up to two initials from a name, for an avatar without a picture."""
    words = [w for w in name.replace("-", " ").split() if w[:1].isalnum()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()
