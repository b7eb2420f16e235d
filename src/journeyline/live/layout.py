"""The layout of a map's live document (layout 1): which shared type holds each field.

One table, read by the Python side (journeyline.live.document) and exported to the board
as frontend/src/board/live/layout.generated.json (`python -m journeyline.live.layout`), so
the two sides cannot drift. docs/format.md ("The live document") explains it in words.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from journeyline.live import positions
from journeyline.model import (
    Backstory,
    Evidence,
    JourneyMap,
    Opportunity,
    PainPoint,
    Stage,
    Step,
)

LAYOUT_VERSION = 1
"""The value of `meta.layout`; a document with another layout is refused."""

COLLECTIONS: tuple[str, ...] = ("stages", "steps", "pain_points", "opportunities", "evidence")
"""Root Y.Maps keyed by element id, in the order that decides which copy of a duplicated
id is kept (the first)."""

ROOTS: tuple[str, ...] = ("meta", "map", "backstory", *COLLECTIONS)
"""Every root shared type of a map document (all Y.Map); any other root is refused."""

POSITION_KEY = "pos"
STAGE_KEY = "stage"


@dataclass(frozen=True)
class Kind:
    """How one kind of entry (the map, its backstory, a stage, a step …) lays out its fields."""

    name: str
    model: type[BaseModel]
    text: tuple[str, ...] = ()
    """Y.Text: two people typing in one field both keep their characters."""
    id_lists: tuple[str, ...] = ()
    """Y.Array<string> of ids, de-duplicated on read (first occurrence kept)."""
    lists: tuple[str, ...] = ()
    """Y.Array<string> of short texts."""
    text_maps: tuple[str, ...] = ()
    """Y.Map<key, Y.Text> (a step's custom lanes)."""
    plain: tuple[str, ...] = ()
    """Plain JSON values: last writer wins per field."""
    skipped: tuple[str, ...] = ()
    """Model fields held elsewhere in the document (the entry's key, nested collections)."""

    @property
    def fields(self) -> tuple[str, ...]:
        """Every field the entry may hold, in the model's order."""
        laid_out = {*self.text, *self.id_lists, *self.lists, *self.text_maps, *self.plain}
        return tuple(name for name in self.model.model_fields if name in laid_out)

    def shape(self, field: str) -> str:
        """'text', 'id_list', 'list', 'text_map' or 'plain'."""
        for shape, names in (
            ("text", self.text),
            ("id_list", self.id_lists),
            ("list", self.lists),
            ("text_map", self.text_maps),
            ("plain", self.plain),
        ):
            if field in names:
                return shape
        raise KeyError(field)

    def required_text(self) -> tuple[str, ...]:
        """Text fields the model requires or defaults to a string: empty text reads as ""."""
        out = []
        for name in self.text:
            info = self.model.model_fields[name]
            if info.is_required() or isinstance(info.default, str):
                out.append(name)
        return tuple(out)

    def defaults(self) -> dict[str, Any]:
        """What an absent plain field reads as (the model's default, as JSON)."""
        out: dict[str, Any] = {}
        for name in self.plain:
            info = self.model.model_fields[name]
            if info.is_required():
                continue
            value = info.get_default(call_default_factory=True)
            out[name] = _json(value)
        return out


def _json(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if hasattr(value, "value") and isinstance(value.value, str):  # enums
        return value.value
    return value


MAP = Kind(
    "map",
    JourneyMap,
    text=("name", "scenario", "goal", "timeframe", "owner"),
    id_lists=("personas", "lanes"),
    lists=("tags",),
    plain=(
        "id",
        "segment",
        "type",
        "depth",
        "status",
        "review_date",
        "based_on",
        "scale",
        "measured_source",
    ),
    skipped=("backstory", "stages", "pain_points", "opportunities", "evidence"),
)
BACKSTORY = Kind(
    "backstory",
    Backstory,
    text=("highest_goal", "story"),
    lists=("pain_points", "requirements", "outcomes"),
)
STAGE = Kind(
    "stages",
    Stage,
    text=("name", "goal", "duration", "description"),
    lists=("expectations",),
    plain=("metrics", "measured"),
    skipped=("id", "steps"),
)
STEP = Kind(
    "steps",
    Step,
    text=("name", "description", "touchpoint", "does", "thinks", "feels", "notes"),
    id_lists=("personas",),
    lists=("actors",),
    text_maps=("lanes",),
    plain=(
        "kind",
        "channel",
        "zone",
        "emotion",
        "emotions",
        "moment_of_truth",
        "branches",
        "metrics",
        "events",
        "measured",
        "image",
    ),
    skipped=("id",),
)
PAIN_POINT = Kind(
    "pain_points",
    PainPoint,
    text=("name", "description"),
    plain=("step", "impact", "reach"),
    skipped=("id",),
)
OPPORTUNITY = Kind(
    "opportunities",
    Opportunity,
    text=("name", "description", "owner"),
    id_lists=("pain_points", "steps"),
    plain=("votes", "effort", "impact", "status"),
    skipped=("id",),
)
EVIDENCE = Kind(
    "evidence",
    Evidence,
    text=("name", "source", "quote", "summary"),
    id_lists=("links",),
    lists=("attachments",),
    plain=("kind", "date", "url"),
    skipped=("id",),
)

KINDS: dict[str, Kind] = {
    kind.name: kind for kind in (MAP, BACKSTORY, STAGE, STEP, PAIN_POINT, OPPORTUNITY, EVIDENCE)
}
"""Entry layouts by root name ('map', 'backstory') or collection name."""

REPAIR_RULES: tuple[tuple[str, str], ...] = (
    ("step-without-stage", "A step whose stage no longer exists is deleted."),
    ("pain-point-step", "A pain point whose step no longer exists stays, with no step."),
    (
        "opportunity-links",
        "An opportunity's pain points and steps lose the ids of elements that no longer exist, and duplicates.",
    ),
    ("branch-target", "A branch whose target step no longer exists ends the journey (to: null)."),
    (
        "evidence-links",
        "Evidence loses links that name nothing any more, and repeats; links to the map itself, its personas and segment, and the workspace's personas and segments stay.",
    ),
    (
        "step-personas",
        "A step's personas and per-persona emotions lose personas the map no longer lists.",
    ),
    (
        "duplicate-id",
        "An id held by two collections is kept in the first (stages, steps, pain points, opportunities, evidence) and deleted from the others.",
    ),
)
"""The server's repair rules, applied after every merge (journeyline.live.document.repair)."""


def _kind_table(kind: Kind) -> dict[str, Any]:
    return {
        "text": list(kind.text),
        "required_text": list(kind.required_text()),
        "id_lists": list(kind.id_lists),
        "lists": list(kind.lists),
        "text_maps": list(kind.text_maps),
        "plain": list(kind.plain),
        "defaults": kind.defaults(),
    }


def layout_table() -> dict[str, Any]:
    """The whole layout as JSON-ready data (what the board imports)."""
    return {
        "layout": LAYOUT_VERSION,
        "roots": list(ROOTS),
        "collections": list(COLLECTIONS),
        "element_keys": {
            "position": POSITION_KEY,
            "stage": STAGE_KEY,
            "order": "sort by (pos, id), plain code-unit comparison; steps within their stage",
        },
        "kinds": {name: _kind_table(kind) for name, kind in KINDS.items()},
        "positions": {
            "digits": positions.DIGITS,
            "max_length": positions.MAX_POSITION_LENGTH,
            "algorithm": "fractional-indexing (rocicorp), base 62",
            "examples": positions.examples(),
        },
        "repair_rules": [{"rule": rule, "says": says} for rule, says in REPAIR_RULES],
    }


def fields_table() -> str:
    """The Markdown table of docs/format.md ("The live document"): each entry's fields by shape."""

    def cell(names: Iterable[str]) -> str:
        return ", ".join(f"`{name}`" for name in names) or "—"

    rows = [
        "| entry | shared text (Y.Text) | id lists (Y.Array) | lists (Y.Array, Y.Map) | plain values |",
        "|---|---|---|---|---|",
    ]
    for name, kind in KINDS.items():
        lists = [f"`{n}`" for n in kind.lists] + [
            f"`{n}` (Y.Map of Y.Text)" for n in kind.text_maps
        ]
        rows.append(
            f"| `{name}` | {cell(kind.text)} | {cell(kind.id_lists)} | {', '.join(lists) or '—'} "
            f"| {cell(kind.plain)} |"
        )
    return "\n".join(rows)


LAYOUT: dict[str, Any] = layout_table()
"""The layout table: kinds and their fields by shape, roots, positions, repair rules."""

GENERATED_PATH = Path("frontend/src/board/live/layout.generated.json")
"""Where the board's copy lives, relative to the repository root."""


def layout_json() -> str:
    """The board's copy of the layout, byte for byte."""
    return json.dumps(LAYOUT, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the board's copy (default path, or the one given); `--check` only compares."""
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    args = [a for a in args if a != "--check"]
    target = Path(args[0]) if args else GENERATED_PATH
    text = layout_json()
    if check:
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current != text:
            print(f"{target} is out of date: run python -m journeyline.live.layout")
            return 1
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
