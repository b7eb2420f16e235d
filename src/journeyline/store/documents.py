"""Maps and workspaces as stored documents, in the core's file format.

A map's document is the file a user would get from exporting that map alone
(`journeyline: 1` and a one-map `maps` list); a workspace's document holds everything
but its maps. Parsed maps are cached per (map, revision): a revision never changes.
"""

from __future__ import annotations

import json
import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from journeyline.errors import Diagnostic, InvalidInput
from journeyline.formats.document import workspace_to_data
from journeyline.formats.strict_json import json_path
from journeyline.model import JourneyMap, Workspace, assign_map_ids
from journeyline.store.tables import WorkspaceRecord

VERSION_KEY = "journeyline"


def map_document(journey: JourneyMap) -> dict[str, Any]:
    """A map as the document stored for it: a one-map workspace in the file format."""
    return workspace_to_data(Workspace(maps=[journey]))


def map_summary(journey: JourneyMap) -> dict[str, Any]:
    """What the map list shows and filters on, stored beside each revision of the map.

    Whether a map is stale (its review date has passed) depends on the day it is read, so
    `list_maps` works it out from `review_date`; everything here depends on the map alone.
    """
    return {
        "personas": list(journey.personas),
        "segment": journey.segment,
        "type": journey.type.value,
        "status": journey.status.value,
        "review_date": journey.review_date.isoformat() if journey.review_date else None,
        "stages": len(journey.stages),
        "steps": sum(len(stage.steps) for stage in journey.stages),
        "owner": journey.owner,
        "tags": list(journey.tags),
        "scenario": journey.scenario,
    }


def map_from_document(document: dict[str, Any]) -> JourneyMap:
    """The map a stored document holds.

    A number that is not finite (written before such numbers were refused) is left out, so
    the element reads as if it had no value there, and the place is kept in the map's
    `_unreadable` list, which the API answers beside the map.
    """
    maps = document.get("maps") or []
    if len(maps) != 1:
        raise InvalidInput(f"a stored map document holds {len(maps)} maps instead of one")
    try:
        journey = JourneyMap.model_validate(maps[0])
    except ValidationError:
        cleaned, places = without_non_finite(maps[0])
        if not places:
            raise
        journey = JourneyMap.model_validate(cleaned)
        journey._unreadable = [
            f"{json_path(path)}: the stored number {value} is not finite; it was left out"
            for path, value in places
        ]
    return assign_map_ids(journey)


def without_non_finite(value: Any, path: tuple[str | int, ...] = ()) -> tuple[Any, list[Any]]:
    """A copy of stored data without its non-finite numbers, and where each one was."""
    places: list[tuple[tuple[str | int, ...], float]] = []
    if isinstance(value, dict):
        kept: dict[str, Any] = {}
        for key, item in value.items():
            if isinstance(item, float) and not math.isfinite(item):
                places.append(((*path, key), item))
                continue
            kept[key], inner = without_non_finite(item, (*path, key))
            places.extend(inner)
        return kept, places
    if isinstance(value, list):
        items = []
        for index, item in enumerate(value):
            if isinstance(item, float) and not math.isfinite(item):
                places.append(((*path, index), item))
                continue
            cleaned, inner = without_non_finite(item, (*path, index))
            items.append(cleaned)
            places.extend(inner)
        return items, places
    return value, places


def workspace_document(workspace: Workspace) -> dict[str, Any]:
    """What is stored for the workspace itself: the file format without the maps."""
    return workspace_to_data(workspace.model_copy(update={"maps": []}))


def workspace_from_document(
    document: dict[str, Any], maps: list[JourneyMap] | None = None
) -> Workspace:
    """The workspace a stored document holds, with `maps` put back in."""
    data = {k: v for k, v in document.items() if k != VERSION_KEY}
    try:
        workspace = Workspace.model_validate(data)
    except ValidationError:
        cleaned, places = without_non_finite(data)
        if not places:
            raise
        workspace = Workspace.model_validate(cleaned)  # the numbers read as absent
    workspace.maps = list(maps or [])
    return workspace


def invalid_from_validation(error: ValidationError, what: str) -> InvalidInput:
    """A pydantic ValidationError as InvalidInput whose diagnostics name each bad field."""
    diagnostics = []
    for item in error.errors():
        path = ".".join(str(part) for part in item["loc"]) or what
        diagnostics.append(Diagnostic(f"{path}: {item['msg']}", file=what))
    count = len(diagnostics)
    return InvalidInput(f"{what}: {count} problem{'s' if count != 1 else ''} found", diagnostics)


class CachedMap:
    """One parsed revision: the map, and (made when first asked for) its JSON form and bytes."""

    __slots__ = ("body", "data", "journey")

    def __init__(self, journey: JourneyMap) -> None:
        self.journey = journey
        self.data: dict[str, Any] | None = None
        self.body: bytes | None = None


class MapCache:
    """Parsed maps by (map key, revision), least recently used first out.

    A cached map is shared and must not be changed: `peek` is for reading, `copy` gives
    an editable map. The map's JSON form, and that form serialised, are cached beside it
    for responses.
    """

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._items: OrderedDict[tuple[int, int], CachedMap] = OrderedDict()
        self._lock = threading.Lock()

    def _entry(self, key: tuple[int, int], document: Callable[[], dict[str, Any]]) -> CachedMap:
        with self._lock:
            entry = self._items.get(key)
            if entry is not None:
                self._items.move_to_end(key)
                return entry
        return self._store(key, CachedMap(map_from_document(document())))

    def _store(self, key: tuple[int, int], entry: CachedMap) -> CachedMap:
        with self._lock:
            self._items[key] = entry
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return entry

    def cached(self, key: tuple[int, int]) -> CachedMap | None:
        """The entry for this revision when it is cached with its JSON form, else None."""
        with self._lock:
            entry = self._items.get(key)
            if entry is None or entry.body is None:
                return None
            self._items.move_to_end(key)
            return entry

    def peek(self, key: tuple[int, int], document: Callable[[], dict[str, Any]]) -> JourneyMap:
        """The shared, read-only map at this revision (parsed once)."""
        return self._entry(key, document).journey

    def copy(self, key: tuple[int, int], document: Callable[[], dict[str, Any]]) -> JourneyMap:
        """An editable copy of the map at this revision."""
        journey = self._entry(key, document).journey
        return JourneyMap.model_validate(journey.model_dump())

    def json(self, key: tuple[int, int], document: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """The map's JSON form at this revision (shared: do not change it)."""
        entry = self._entry(key, document)
        if entry.data is None:
            entry.data = entry.journey.model_dump(mode="json")
        return entry.data

    def body(self, key: tuple[int, int], document: Callable[[], dict[str, Any]]) -> bytes:
        """The map's JSON form serialised as responses send it (compact, UTF-8)."""
        entry = self._entry(key, document)
        if entry.body is None:
            entry.body = json_bytes(self.json(key, document))
        return entry.body

    def put(self, key: tuple[int, int], journey: JourneyMap) -> None:
        """Remember the map just written at this revision (the caller gives it up)."""
        self._store(key, CachedMap(journey))


def json_bytes(data: Any) -> bytes:
    """JSON exactly as the API's JSON responses send it: compact, UTF-8, no NaN."""
    return json.dumps(
        data, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
    ).encode("utf-8")


_WORKSPACES: OrderedDict[tuple[str, int], Workspace] = OrderedDict()
_WORKSPACES_LOCK = threading.Lock()


def workspace_of(
    record: WorkspaceRecord, maps: list[JourneyMap], *, editable: bool = True
) -> Workspace:
    """The stored workspace as a model, holding `maps` (parsed once per revision).

    With editable=False the result shares its segments, personas … with the cache and
    must only be read.
    """
    key = (record.id, record.revision)
    with _WORKSPACES_LOCK:
        cached = _WORKSPACES.get(key)
        if cached is not None:
            _WORKSPACES.move_to_end(key)
    if cached is None:
        cached = workspace_from_document(record.document)
        with _WORKSPACES_LOCK:
            _WORKSPACES[key] = cached
            while len(_WORKSPACES) > 128:
                _WORKSPACES.popitem(last=False)
    if not editable:
        return cached.model_copy(update={"maps": list(maps)})
    # A fresh model with its own lists, so edits never reach the cached one.
    workspace = Workspace.model_validate(cached.model_dump())
    workspace.maps = list(maps)
    return workspace


def forget_workspace(workspace_id: str, revision: int) -> None:
    """Drop the parsed workspace cached at this revision (a write that did not commit)."""
    with _WORKSPACES_LOCK:
        _WORKSPACES.pop((workspace_id, revision), None)


def map_workspace(workspace: Workspace, journey: JourneyMap) -> Workspace:
    """A workspace holding one map and only what it names: its personas, segment and custom lanes."""
    return workspace.scoped_to(journey)
