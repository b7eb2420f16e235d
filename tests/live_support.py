"""A pycrdt client that edits a live map document the way the board does (layout 1).

Every edit is one transaction following docs/format.md "The live document": new entries
with all their shared types, text by insert/delete, moves by `pos` (and `stage`), deletes
by removing the entry (a stage with its steps). Used by the live document's tests.
"""

from __future__ import annotations

from typing import Any

from pycrdt import Array, Doc, Map, Text

from journeyline.live.positions import position_at
from journeyline.live.reading import SHAPES
from journeyline.model import Persona, Workspace, check_integrity


class Client:
    """One person's copy of the document, and the updates they have not sent yet."""

    def __init__(self, name: str, server: Doc[Any]) -> None:
        self.name = name
        self.doc: Doc[Any] = Doc()
        self.doc.apply_update(server.get_update())
        self.counter = 0
        self.outbox: list[bytes] = []

    # --- plumbing ----------------------------------------------------------------------------

    def root(self, name: str) -> Map[Any]:
        return self.doc.get(name, type=Map)

    def ids(self, collection: str) -> list[str]:
        """Ids in the collection, in document order (steps: stage by stage)."""
        root = self.root(collection)
        raw = root.to_py() or {}
        if collection == "steps":
            stages = self.ids("stages")
            return [
                i
                for stage in stages
                for i in sorted_ids(raw, lambda e, s=stage: e.get("stage") == s)
            ]
        return sorted_ids(raw, lambda e: True)

    def entry(self, collection: str, element_id: str) -> Map[Any]:
        value = self.root(collection)[element_id]
        assert isinstance(value, Map)
        return value

    def transact(self, action: Any) -> None:
        """Run one edit as one transaction and keep its update for sending."""
        state = self.doc.get_state()
        with self.doc.transaction(origin=self.name):
            action()
        update = self.doc.get_update(state)
        if update != Doc().get_update():
            self.outbox.append(update)

    def new_id(self, kind: str) -> str:
        self.counter += 1
        return f"{kind}-{self.name}-{self.counter}"

    def sync_with(self, server: Doc[Any], accept: Any) -> None:
        """Send everything unsent (through `accept`, the server's door), then catch up."""
        for update in self.outbox:
            accept(update)
        self.outbox.clear()
        self.doc.apply_update(server.get_update(self.doc.get_state()))

    # --- edits -------------------------------------------------------------------------------

    def add(
        self, collection: str, index: int, fields: dict[str, Any], stage: str | None = None
    ) -> str:
        """A new element at `index` among its siblings, with all its shared types."""
        element_id = self.new_id(collection.rstrip("s"))
        siblings = self.sibling_positions(collection, stage)

        def action() -> None:
            content: dict[str, Any] = {}
            for field, shape in SHAPES[collection].items():
                value = fields.get(field)
                if shape == "text":
                    content[field] = Text(value or "")
                elif shape in ("list", "id_list"):
                    content[field] = Array(list(value or []))
                elif shape == "text_map":
                    content[field] = Map({k: Text(v) for k, v in (value or {}).items()})
                elif field in fields:
                    content[field] = value
            content["pos"] = position_at(siblings, index)
            if stage is not None:
                content["stage"] = stage
            self.root(collection)[element_id] = Map(content)

        self.transact(action)
        return element_id

    def sibling_positions(self, collection: str, stage: str | None) -> list[str]:
        raw = self.root(collection).to_py() or {}
        chosen = [
            e
            for e in raw.values()
            if isinstance(e, dict) and (stage is None or e.get("stage") == stage)
        ]
        return sorted(str(e.get("pos", "")) for e in chosen)

    def type_text(self, collection: str, element_id: str, field: str, at: int, text: str) -> None:
        """Insert text at a character index (pycrdt counts UTF-8 bytes; the board UTF-16)."""

        def action() -> None:
            shared = self.entry(collection, element_id)[field]
            assert isinstance(shared, Text)
            current = str(shared)
            where = len(current[: max(0, min(at, len(current)))].encode("utf-8"))
            shared.insert(where, text)

        self.transact(action)

    def erase_text(
        self, collection: str, element_id: str, field: str, start: int, count: int
    ) -> None:
        def action() -> None:
            shared = self.entry(collection, element_id)[field]
            assert isinstance(shared, Text)
            current = str(shared)
            start_ = max(0, min(start, len(current)))
            end = min(len(current), start_ + count)
            a = len(current[:start_].encode("utf-8"))
            b = len(current[:end].encode("utf-8"))
            if b > a:
                del shared[a:b]

        self.transact(action)

    def set_plain(self, collection: str, element_id: str, field: str, value: Any) -> None:
        def action() -> None:
            self.entry(collection, element_id)[field] = value

        self.transact(action)

    def push(self, collection: str, element_id: str, field: str, item: str) -> None:
        def action() -> None:
            shared = self.entry(collection, element_id)[field]
            assert isinstance(shared, Array)
            shared.append(item)

        self.transact(action)

    def remove_item(self, collection: str, element_id: str, field: str, item: str) -> None:
        def action() -> None:
            shared = self.entry(collection, element_id)[field]
            assert isinstance(shared, Array)
            items = list(shared)
            if item in items:
                del shared[items.index(item)]

        self.transact(action)

    def move_step(self, step_id: str, stage: str, index: int) -> None:
        """A move: a new position among the target stage's steps (and the stage)."""
        raw = self.root("steps").to_py() or {}
        siblings = sorted(
            str(e.get("pos", ""))
            for i, e in raw.items()
            if isinstance(e, dict) and e.get("stage") == stage and i != step_id
        )

        def action() -> None:
            entry = self.entry("steps", step_id)
            entry["pos"] = position_at(siblings, index)
            if entry.get("stage") != stage:
                entry["stage"] = stage

        self.transact(action)

    def delete(self, collection: str, element_id: str) -> None:
        """Remove the element; a stage takes its steps with it (same transaction)."""

        def action() -> None:
            if collection == "stages":
                steps = self.root("steps")
                for step_id, step in (steps.to_py() or {}).items():
                    if isinstance(step, dict) and step.get("stage") == element_id:
                        del steps[step_id]
            root = self.root(collection)
            if element_id in root:
                del root[element_id]

        self.transact(action)


def sorted_ids(raw: dict[str, Any], keep: Any) -> list[str]:
    chosen = [(str(e.get("pos", "")), i) for i, e in raw.items() if isinstance(e, dict) and keep(e)]
    return [i for _, i in sorted(chosen)]


PERSONAS = [Persona(id="priya", name="Priya"), Persona(id="sam", name="Sam")]


def integrity_errors(journey: Any) -> list[str]:
    """The core model's errors for the map in a workspace with its personas."""
    workspace = Workspace(personas=list(PERSONAS), maps=[journey])
    return [p.render() for p in check_integrity(workspace) if p.severity == "error"]


__all__ = ["PERSONAS", "Client", "integrity_errors", "sorted_ids"]
