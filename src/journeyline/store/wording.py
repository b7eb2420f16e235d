"""Changes to a map in words people read: "Renamed step 'Sign up' to 'Create account'".

The history names elements by their names and lanes by their titles, never by ids or the
file format's keys (`pain_points`, lane ids). `describe_changes` words each change of a
diff (`store.diff`), one sentence per change; `summarize` words a whole revision in one
line, as the history's entry title.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from journeyline.store.diff import Change, diff_data

COLLECTIONS = {
    "stages": "stage",
    "steps": "step",
    "pain_points": "pain point",
    "opportunities": "opportunity",
    "evidence": "evidence",
}
"""The map's lists of elements, and what one element of each is called."""

FIELDS = {
    "description": "the description",
    "touchpoint": "the touchpoint",
    "channel": "the channel",
    "zone": "the zone",
    "does": "what the persona does",
    "thinks": "what the persona thinks",
    "feels": "what the persona feels",
    "emotion": "the sentiment score",
    "emotions": "the sentiment scores per persona",
    "personas": "the personas",
    "actors": "the actors",
    "branches": "the branches",
    "metrics": "the metrics",
    "events": "the matching events",
    "measured": "the measured figures",
    "image": "the image",
    "notes": "the notes",
    "kind": "the kind",
    "goal": "the goal",
    "expectations": "the expectations",
    "duration": "the duration",
    "impact": "the impact",
    "reach": "the reach",
    "pain_points": "the linked pain points",
    "steps": "the linked steps",
    "votes": "the votes",
    "owner": "the owner",
    "effort": "the effort",
    "status": "the status",
    "source": "the source",
    "quote": "the quote",
    "summary": "the summary",
    "date": "the date",
    "url": "the link",
    "links": "what it supports",
    "scenario": "the scenario",
    "segment": "the segment",
    "type": "the map type",
    "timeframe": "the timeframe",
    "depth": "the level of detail",
    "review_date": "the review date",
    "based_on": "the map it is based on",
    "tags": "the tags",
    "scale": "the sentiment scale",
    "lanes": "the lanes",
    "backstory": "the back-story",
    "highest_goal": "the highest goal",
    "story": "the story",
    "requirements": "the requirements",
    "outcomes": "the outcomes",
}
"""Field keys as people say them; a key not listed is shown with its underscores as spaces."""

SHORT = 40
"""Values longer than this are not quoted in a sentence (the diff view shows them whole)."""


class Names:
    """What the ids in a map's document are called: elements by name, lanes by title."""

    def __init__(
        self, documents: Sequence[Mapping[str, Any]], lane_titles: Mapping[str, str] | None = None
    ) -> None:
        self.elements: dict[str, tuple[str, str]] = {}
        self.lanes = dict(lane_titles or {})
        for document in documents:
            for key, label in COLLECTIONS.items():
                if key == "steps":
                    continue
                for item in _items(document.get(key)):
                    self.elements.setdefault(item["id"], (label, str(item.get("name") or "")))
            for stage in _items(document.get("stages")):
                for step in _items(stage.get("steps")):
                    self.elements.setdefault(step["id"], ("step", str(step.get("name") or "")))

    def element(self, element_id: str, kind: str | None = None) -> str:
        """ "step 'Sign up'" (the kind, then the name in quotes)."""
        label, name = self.elements.get(element_id, (kind or "element", ""))
        return f"{label} '{name or element_id}'"

    def name(self, element_id: str) -> str:
        return self.elements.get(element_id, ("", ""))[1] or element_id

    def lane(self, lane_id: str) -> str:
        return self.lanes.get(lane_id) or lane_id.replace("_", " ").replace("-", " ")


def _items(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, dict) and isinstance(item.get("id"), str)]


def _field(key: str) -> str:
    return FIELDS.get(key, "the " + key.replace("_", " "))


def _value(value: Any, names: Names) -> str | None:
    """A value short enough to quote in a sentence, or None."""
    if value is None or value == "" or value == [] or value == {}:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        text = f"{value:g}"
        return text
    if isinstance(value, str):
        shown = names.name(value) if value in names.elements else value
        one_line = " ".join(shown.split())
        return f"'{one_line}'" if len(one_line) <= SHORT else None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        shown = ", ".join(names.name(v) if v in names.elements else v for v in value)
        return f"'{shown}'" if len(shown) <= SHORT else None
    return None


def _owner(parts: list[str], names: Names) -> tuple[str | None, list[str]]:
    """The element a path is inside (its id), and the rest of the path."""
    owner: str | None = None
    rest = parts
    i = 0
    while i < len(parts):
        if parts[i] in COLLECTIONS and i + 1 < len(parts):
            owner = parts[i + 1]
            rest = parts[i + 2 :]
            i += 2
        else:
            break
    return owner, rest


def describe_change(change: Change, names: Names, moves: Mapping[str, tuple[str, str]]) -> str:
    """One change in one sentence."""
    parts = [p for p in change.path.split("/") if p]
    owner, rest = _owner(parts, names)
    if owner is None:  # the map's own fields, or the back-story
        return _describe_field(change, rest, "the map", names)
    where = names.element(owner, COLLECTIONS.get(parts[-2] if not rest else ""))
    if not rest:  # the element itself
        if owner in moves:
            old_stage, new_stage = moves[owner]
            return (
                f"Moved {where} from {names.element(old_stage, 'stage')} "
                f"to {names.element(new_stage, 'stage')}"
            )
        if change.change == "added":
            name = change.after.get("name") if isinstance(change.after, dict) else None
            label = COLLECTIONS.get(parts[-2], "element")
            text = f"Added {label} '{name or owner}'"
            if label == "step" and len(parts) >= 4:
                text += f" to {names.element(parts[1], 'stage')}"
            return text
        if change.change == "removed":
            name = change.before.get("name") if isinstance(change.before, dict) else None
            return f"Removed {COLLECTIONS.get(parts[-2], 'element')} '{name or owner}'"
    if change.change == "moved" and rest in (["steps"],) and parts[0] == "stages":
        return f"Reordered the steps of {where}"
    return _describe_field(change, rest, where, names)


def _describe_field(change: Change, rest: list[str], where: str, names: Names) -> str:
    if not rest:
        return f"Changed {where}"
    if change.change == "moved":
        label = COLLECTIONS.get(rest[-1])
        if label is not None:
            plural = "evidence" if label == "evidence" else _plural(label)
            return f"Reordered the {plural}" + ("" if where == "the map" else f" of {where}")
    key = rest[0]
    if key == "lanes" and len(rest) == 1 and where != "the map":
        old = change.before if isinstance(change.before, dict) else {}
        new = change.after if isinstance(change.after, dict) else {}
        touched = [lane for lane in {**old, **new} if old.get(lane) != new.get(lane)]
        if len(touched) == 1:  # a step's first lane text arrives as the whole lanes object
            rest = ["lanes", touched[0]]
            change = Change(change.change, change.path, old.get(touched[0]), new.get(touched[0]))
    if key == "lanes" and len(rest) > 1:
        subject = f"lane '{names.lane(rest[1])}'"
    elif key == "backstory" and len(rest) > 1:
        subject = f"{_field(rest[1])} in the back-story"
    else:
        subject = _field(key)
    on = "" if where == "the map" else f" {'at' if key in _AT else 'of'} {where}"
    if key == "name" and len(rest) == 1 and change.change == "changed":
        before, after = _value(change.before, names), _value(change.after, names)
        if where == "the map":
            return f"Renamed the map to {after}" if after else "Renamed the map"
        if before and after:
            kind = where.split(" '")[0]
            return f"Renamed {kind} {before} to {after}"
        return f"Renamed {where}"
    if key == "moment_of_truth" and len(rest) == 1:
        return (f"Marked {where} as" if change.after else f"Unmarked {where} as") + (
            " a moment of truth"
        )
    if key == "step" and len(rest) == 1 and isinstance(change.after, str):
        return f"Moved {where} to {names.element(change.after, 'step')}"
    after = _value(change.after, names)
    if change.change == "removed" or (
        change.change == "changed" and after is None and not change.after
    ):
        return f"Cleared {subject}{on}"
    if after is not None and len(rest) <= 2:
        return f"Set {subject}{on} to {after}"
    return f"Changed {subject}{on}"


_AT = {"does", "thinks", "feels", "emotion", "emotions", "lanes"}
"""Fields said "at step 'X'" (what happens there) rather than "of step 'X'"."""


def _plural(label: str) -> str:
    return {"opportunity": "opportunities", "evidence": "evidence"}.get(label, label + "s")


def _step_moves(changes: Sequence[Change]) -> dict[str, tuple[str, str]]:
    """Steps removed from one stage and added to another: step id -> (old stage, new stage)."""
    removed: dict[str, str] = {}
    added: dict[str, str] = {}
    for change in changes:
        parts = change.path.split("/")
        if len(parts) == 4 and parts[0] == "stages" and parts[2] == "steps":
            if change.change == "removed":
                removed[parts[3]] = parts[1]
            elif change.change == "added":
                added[parts[3]] = parts[1]
    return {step: (removed[step], added[step]) for step in removed.keys() & added.keys()}


def lane_titles_of(workspace_document: Mapping[str, Any]) -> dict[str, str]:
    """Custom lane id -> title, from a stored workspace document."""
    return {
        lane["id"]: str(lane.get("name") or lane["id"])
        for lane in _items(workspace_document.get("lanes"))
    }


def map_of(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """The map inside a stored map document (a one-map workspace), or the map itself."""
    inner = document.get("maps")
    if isinstance(inner, list) and len(inner) == 1 and isinstance(inner[0], dict):
        return inner[0]
    return document


def describe_changes(
    changes: Sequence[Change],
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    lane_titles: Mapping[str, str] | None = None,
) -> list[str]:
    """Each change of `diff_data(before, after)` in one sentence, in the same order."""
    names = Names([after, before], lane_titles)
    moves = _step_moves(changes)
    return [describe_change(change, names, moves) for change in changes]


def summarize(
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    lane_titles: Mapping[str, str] | None = None,
    *,
    limit: int = 2,
) -> str | None:
    """A revision in one line: its first sentences, then "and N more changes"; None if nothing changed.

    A step moved between stages is one sentence, not a removal and an addition.
    """
    if before is None:
        return None
    before, after = map_of(before), map_of(after)
    changes = diff_data(dict(before), dict(after))
    sentences = list(dict.fromkeys(describe_changes(changes, before, after, lane_titles)))
    if not sentences:
        return None
    head = "; ".join(sentences[:limit])
    more = len(sentences) - limit
    if more > 0:
        head += f" and {more} more change{'s' if more > 1 else ''}"
    return head


__all__ = ["Names", "describe_change", "describe_changes", "lane_titles_of", "map_of", "summarize"]
