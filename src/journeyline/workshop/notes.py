"""Sticky notes: their kinds, where they sit, and who may see them.

Silent brainstorming: while a workshop's notes are hidden, a note written then is seen by
its author only, until the facilitator reveals them all. The rule lives in `visible_to`,
and every read and every live message goes through it: the page never has to hide
anything, because others' hidden notes are never sent.
"""

from __future__ import annotations

from typing import Any

from journeyline.errors import Diagnostic, InvalidInput

NOTE_KINDS: dict[str, str] = {
    "action": "What the persona does",
    "question": "A question the persona asks",
    "decision": "A choice the persona makes",
    "thought": "What the persona thinks",
    "feeling": "What the persona feels",
    "pain_point": "Where it hurts",
    "idea": "An idea to make it better (an opportunity)",
    "backstory_pain_point": "Back-story: what troubles the persona today",
    "requirement": "Back-story: what the persona needs from a solution",
    "outcome": "Back-story: an outcome the persona wants",
    "highest_goal": "Back-story: the persona's highest goal",
}
"""Every kind of note with its legend text; the board colours them."""

CANVASES = ("board", "backstory")
TEXT_LENGTH = 2000
LABEL_LENGTH = 200
PLACE_KEYS = ("canvas", "stage", "step", "lane", "x", "y")
COORDINATE_LIMIT = 1_000_000.0


def _invalid(message: str, hint: str) -> InvalidInput:
    return InvalidInput(message, [Diagnostic(message, hint=hint)])


def check_kind(kind: Any) -> str:
    """The note kind, or InvalidInput listing the kinds."""
    if not isinstance(kind, str) or kind not in NOTE_KINDS:
        raise _invalid(f"unknown note kind '{kind}'", f"use one of: {', '.join(NOTE_KINDS)}")
    return kind


def check_text(text: Any, what: str = "text", limit: int = TEXT_LENGTH) -> str:
    """Text of 1 to `limit` characters, trimmed; InvalidInput otherwise."""
    if not isinstance(text, str) or not text.strip():
        raise _invalid(f"{what}: write something", f"send '{what}' as a non-empty string")
    if len(text) > limit:
        raise _invalid(
            f"{what} is {len(text)} characters long; at most {limit} fit on a note",
            "split it into several notes",
        )
    return text.strip()


def check_place(place: Any) -> dict[str, Any]:
    """Where a note or group sits: canvas board (a stage column, step, lane) or backstory (x, y)."""
    if place is None:
        place = {}
    if not isinstance(place, dict):
        raise _invalid("place: send an object", '{"canvas": "board", "stage": …, "lane": …}')
    unknown = set(place) - set(PLACE_KEYS)
    if unknown:
        raise _invalid(
            f"place: unknown key '{sorted(unknown)[0]}'", f"a place has {', '.join(PLACE_KEYS)}"
        )
    canvas = place.get("canvas") or "board"
    if canvas not in CANVASES:
        raise _invalid(f"place.canvas: unknown canvas '{canvas}'", "use board or backstory")
    out: dict[str, Any] = {"canvas": canvas}
    for key in ("stage", "step", "lane"):
        value = place.get(key)
        if value is not None and (not isinstance(value, str) or len(value) > 200):
            raise _invalid(f"place.{key}: an id of at most 200 characters", "or null")
        out[key] = value
    for key in ("x", "y"):
        value = place.get(key)
        if value is not None and (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not -COORDINATE_LIMIT <= value <= COORDINATE_LIMIT
        ):
            raise _invalid(f"place.{key}: a number (or null)", f"between ±{COORDINATE_LIMIT:g}")
        out[key] = value
    return out


def visible_to(note: dict[str, Any], person: str | None) -> bool:
    """The note is sent to `person`: it is not hidden, or it is theirs.

    A hidden note is one written (or still kept) while the workshop's notes are hidden;
    the facilitator's reveal makes every note visible. `person` None is nobody in the
    workshop (sees revealed notes only).
    """
    return not note["hidden"] or (person is not None and person in note["authors"])


def hidden_counts(notes: list[dict[str, Any]], person: str | None) -> dict[str, int]:
    """How many hidden notes each other person holds (what the facilitator sees of them)."""
    counts: dict[str, int] = {}
    for note in notes:
        if note["hidden"] and not visible_to(note, person):
            counts[note["author"]] = counts.get(note["author"], 0) + 1
    return counts


def public_note(note: dict[str, Any], person: str | None) -> dict[str, Any]:
    """The API form of a stored note for `person` (who must be allowed to see it)."""
    out = {key: value for key, value in note.items() if key != "authors"}
    out["authors"] = list(note["authors"])
    out["hidden"] = bool(note["hidden"])
    return out
