"""What changed between two revisions of a document, element by element.

Lists of elements with ids (stages, steps, pain points …) are matched by id, so a
rename is one `changed` entry and a reorder one `moved` entry, not a wall of edits.
A path names elements by id: `stages/awareness/steps/sign-up/feels`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

ChangeKind = Literal["added", "removed", "changed", "moved"]


@dataclass(frozen=True)
class Change:
    """One difference: what kind, where, and the values before and after."""

    change: ChangeKind
    path: str
    before: Any = None
    after: Any = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return {
            "change": self.change,
            "path": self.path,
            "before": self.before,
            "after": self.after,
        }


def _keyed(items: list[Any]) -> bool:
    return all(
        isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"] for item in items
    )


def _join(path: tuple[str, ...]) -> str:
    return "/".join(path)


def diff_data(before: Any, after: Any, path: tuple[str, ...] = ()) -> list[Change]:
    """Every change that turns `before` into `after` (JSON-like data)."""
    if before == after:  # compared in C: unchanged subtrees cost next to nothing
        return []
    if isinstance(before, dict) and isinstance(after, dict):
        changes: list[Change] = []
        keys = list(before) + [key for key in after if key not in before]
        for key in keys:
            here = (*path, str(key))
            if key not in after:
                changes.append(Change("removed", _join(here), before=before[key]))
            elif key not in before:
                changes.append(Change("added", _join(here), after=after[key]))
            else:
                changes.extend(diff_data(before[key], after[key], here))
        return changes
    if (
        isinstance(before, list)
        and isinstance(after, list)
        and (before or after)
        and _keyed(before)
        and _keyed(after)
    ):
        return _diff_elements(before, after, path)
    if before != after:
        return [Change("changed", _join(path), before=before, after=after)]
    return []


def _diff_elements(
    before: list[dict[str, Any]], after: list[dict[str, Any]], path: tuple[str, ...]
) -> list[Change]:
    old = {item["id"]: item for item in before}
    new = {item["id"]: item for item in after}
    changes: list[Change] = []
    for item in before:
        if item["id"] not in new:
            changes.append(Change("removed", _join((*path, item["id"])), before=item))
    for item in after:
        if item["id"] not in old:
            changes.append(Change("added", _join((*path, item["id"])), after=item))
    kept_before = [item["id"] for item in before if item["id"] in new]
    kept_after = [item["id"] for item in after if item["id"] in old]
    if kept_before != kept_after:
        changes.append(Change("moved", _join(path), before=kept_before, after=kept_after))
    for element_id in kept_after:
        changes.extend(diff_data(old[element_id], new[element_id], (*path, element_id)))
    return changes
