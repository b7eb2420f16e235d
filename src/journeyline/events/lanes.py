"""The Measured lane of a workspace's maps: computed from the map's event source, cached,
refreshed when the source changes, and kept as a snapshot that renders and share links draw.

A lane is cached under the source's version (its converted file's size and time, and
whether a collector holds events not yet read), the steps' matchers, the date range and
the breakdown. Asking again for the same lane answers from the cache. When the source
has changed since, the last figures are answered at once marked `stale` and the lane is
measured again in the background; the next request gets the fresh figures. A lane with
no earlier figures is measured while the request waits.

For a collector source the default view is carried forward instead (`measured_state`):
only the partitions compacted since the last measure are read, and the lane says so in
`refresh` (`mode` incremental or full, and why it was full).

The default view of each map (all dates, no breakdown) is also written to
`<folder>/<workspace>/<map>.json`: renders, exports and share links read that snapshot,
marked stale when the source has changed since it was measured.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from journeyline.errors import Diagnostic, InvalidInput
from journeyline.events.coverage import catalogue, coverage, suggest
from journeyline.events.engine import DuckDBEngine
from journeyline.events.measured import (
    DEFAULT_BREAKDOWN_LIMIT,
    measure_lane,
    props_for_lane,
    write_onto,
)
from journeyline.events.measured_state import STATES, FullRequired, LaneState, Part, part_rows
from journeyline.events.readers import load_events
from journeyline.events.sources import EventSource, EventSources, ReadTarget
from journeyline.model import JourneyMap
from journeyline.store.access import Actor

CACHE_ENTRIES = 64
PUBLIC_LANE_KEYS = (
    "unit",
    "entrants",
    "date_from",
    "date_to",
    "period_start",
    "period_end",
    "breakdown",
    "breakdown_values",
    "steps",
    "computed_at",
)
"""The keys of a lane's JSON a snapshot shows (besides its source's name and `stale`)."""


@dataclass(frozen=True)
class LaneRequest:
    """Which figures: the range (dates or ISO times, UTC) and the breakdown property."""

    date_from: str | None = None
    date_to: str | None = None
    breakdown: str | None = None
    breakdown_limit: int = DEFAULT_BREAKDOWN_LIMIT

    @property
    def is_default(self) -> bool:
        """All dates, no breakdown: the view renders and share links draw."""
        return not (self.date_from or self.date_to or self.breakdown)


def matchers_key(journey: JourneyMap) -> str:
    """A digest of the steps (ids, names, order, stages) and their matchers."""
    text = json.dumps(
        [
            [stage.name, step.id, step.name, [m.model_dump(mode="json") for m in step.events]]
            for stage, step in journey.iter_steps()
        ],
        sort_keys=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()[:20]


class MeasuredLanes:
    """Every map's Measured lane on a server, over the workspace's event sources."""

    def __init__(self, sources: EventSources, folder: Path) -> None:
        self.sources = sources
        self.folder = Path(folder)
        self._cache: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
        self._latest: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        """(workspace, map, matchers, request) → the cache key of its newest figures."""
        self._running: set[tuple[Any, ...]] = set()
        self._lock = threading.Lock()
        self._states: OrderedDict[tuple[str, str, str], tuple[str, LaneState]] = OrderedDict()
        """(workspace, map, source) → (matchers key, the lane carried forward)."""
        self._part_rows: dict[tuple[str, int], int] = {}

    # --- versions ------------------------------------------------------------------------

    def version(self, source: EventSource) -> str:
        """What the source's figures depend on: its file, and new collected events."""
        return self._version(source.id, source.kind)

    def _version(self, source_id: str, kind: str) -> str:
        path = self.sources.data_path(source_id)
        stat = path.stat() if path.is_file() else None
        stamp = f"{stat.st_size}-{stat.st_mtime_ns}" if stat else "none"
        collectors = self.sources.collectors
        if kind == "collector" and collectors is not None:
            # The partitions say what was received (the lane reads them, not the file).
            stamp += "|" + str(collectors.signature(source_id))
        return stamp

    def source_of(
        self, actor: Actor, workspace_id: str, journey: JourneyMap, source_id: str | None
    ) -> EventSource:
        """The source that measures the map: the one asked for, else the map's own."""
        chosen = source_id or journey.measured_source
        if not chosen:
            raise InvalidInput(
                f"map '{journey.name}' has no event source to measure it",
                [
                    Diagnostic(
                        "no measured_source",
                        "measured_source",
                        hint="choose the map's event source in the Measured lane (or give ?source=)",
                    )
                ],
            )
        return self.sources.get(actor, workspace_id, chosen)

    # --- the lane ------------------------------------------------------------------------

    def lane(
        self,
        actor: Actor,
        workspace_id: str,
        journey: JourneyMap,
        request: LaneRequest,
        *,
        source_id: str | None = None,
    ) -> dict[str, Any]:
        """The lane's JSON (see `measured.MeasuredLane`) with `source` (id, name, kind,
        version, refreshed_at), `computed_at` and `stale`."""
        source = self.source_of(actor, workspace_id, journey, source_id)
        version = self.version(source)
        mkey = matchers_key(journey)
        key = (source.id, version, mkey, request)
        slot = (workspace_id, journey.id, source.id, mkey, request)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return {**hit, "stale": False}
            older_key = self._latest.get(slot)
            older = self._cache.get(older_key) if older_key else None
            if older is not None:
                if slot not in self._running:
                    self._running.add(slot)
                    threading.Thread(
                        target=self._background,
                        args=(actor, workspace_id, journey, request, source.id, slot),
                        daemon=True,
                        name=f"measured-{journey.id}",
                    ).start()
                return {**older, "stale": True}
        return self._compute(actor, workspace_id, journey, request, source.id, slot)

    def _background(
        self,
        actor: Actor,
        workspace_id: str,
        journey: JourneyMap,
        request: LaneRequest,
        source_id: str,
        slot: tuple[Any, ...],
    ) -> None:
        try:
            self._compute(actor, workspace_id, journey, request, source_id, slot)
        except Exception:  # the next request measures again, and reports what fails
            pass
        finally:
            with self._lock:
                self._running.discard(slot)

    def _compute(
        self,
        actor: Actor,
        workspace_id: str,
        journey: JourneyMap,
        request: LaneRequest,
        source_id: str,
        slot: tuple[Any, ...],
    ) -> dict[str, Any]:
        source = self.sources.get(actor, workspace_id, source_id)
        carried = self._carried(workspace_id, journey, request, source)
        if not isinstance(carried, str):
            result, refresh, version = carried
        else:
            target = self.sources.read_target(actor, workspace_id, source_id)  # compacts
            source = target.source
            version = self.version(source)
            result = self._measure(target, journey, request)
            refresh = {"mode": "full", "reason": carried}
        result["refresh"] = refresh
        result["log"]["source"] = source.id
        result["source"] = {
            "id": source.id,
            "name": source.name,
            "kind": source.kind,
            "version": version,
            "refreshed_at": source.refreshed_at,
        }
        result["matchers"] = matchers_key(journey)
        result["computed_at"] = dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z")
        key = (source.id, version, matchers_key(journey), request)
        with self._lock:
            self._cache[key] = result
            self._cache.move_to_end(key)
            while len(self._cache) > CACHE_ENTRIES:
                self._cache.popitem(last=False)
            self._latest[slot] = key
        if request.is_default:
            self._write_snapshot(workspace_id, journey.id, result)
        return {**result, "stale": False}

    def _carried(
        self, workspace_id: str, journey: JourneyMap, request: LaneRequest, source: EventSource
    ) -> tuple[dict[str, Any], dict[str, Any], str] | str:
        """The lane (and how it was refreshed) from its state carried forward over a collector's partitions (the new
        ones read, see `measured_state`), or why it is measured in full from the source's
        file instead."""
        collectors = self.sources.collectors
        if source.kind != "collector" or collectors is None:
            return f"a source of kind {source.kind} is read again whole when it changes"
        if not request.is_default:
            return "a date range or a breakdown is measured in full"
        if props_for_lane(journey):
            return "a step's matcher filters on a property"
        paths = collectors.compact(source.id)
        if not paths:
            return "the collector has no events yet"
        parts = []
        for path in paths:
            number = int(path.stem.split("-")[1])
            rows = self._part_rows.get((source.id, number))
            if rows is None:
                rows = self._part_rows[(source.id, number)] = part_rows(path)
            parts.append(Part(number, path, rows))
        mkey = matchers_key(journey)
        slot = (workspace_id, journey.id, source.id)
        first = None
        with self._lock:
            held = self._states.get(slot)
            if held is not None and held[0] != mkey:
                self._states.pop(slot)
                threading.Thread(target=held[1].close, daemon=True).start()
                held, first = None, "the steps' matchers changed"
            if held is None:
                held = (mkey, LaneState(journey))
                self._states[slot] = held
            self._states.move_to_end(slot)
            while len(self._states) > STATES:
                _, (_, evicted) = self._states.popitem(last=False)
                evicted.close()
        state = held[1]
        try:
            mode = state.update(parts)
            result = state.lane().to_dict()
        except FullRequired as why:
            with self._lock:
                if self._states.get(slot) is held:
                    self._states.pop(slot)
            state.close()
            return f"read from the source's file: {why}"
        reason = None if mode == "incremental" else (first or state.reason)
        # The version of what was read (events received since make the next request stale).
        path = self.sources.data_path(source.id)
        stat = path.stat() if path.is_file() else None
        stamp = f"{stat.st_size}-{stat.st_mtime_ns}" if stat else "none"
        version = f"{stamp}|{parts[-1].path.name}:{len(parts)}"
        return result, {"mode": mode, "reason": reason}, version

    def _measure(
        self, target: ReadTarget, journey: JourneyMap, request: LaneRequest
    ) -> dict[str, Any]:
        spec = target.log_spec(*props_for_lane(journey, request.breakdown))
        engine = DuckDBEngine()
        try:
            log = load_events(target.path, spec, engine)
            lane = measure_lane(
                log,
                journey,
                date_from=request.date_from,
                date_to=request.date_to,
                breakdown=request.breakdown,
                breakdown_limit=request.breakdown_limit,
            )
            return lane.to_dict()
        finally:
            engine.close()

    # --- matching ------------------------------------------------------------------------

    def catalogue(self, actor: Actor, workspace_id: str, source_id: str) -> dict[str, Any]:
        """The source's event names (events, units) and its properties' commonest values."""
        target = self.sources.read_target(actor, workspace_id, source_id)
        version = self.version(target.source)
        key = ("catalogue", source_id, version)
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None:
            return hit
        props = list(target.source.properties)
        engine = DuckDBEngine()
        try:
            log = load_events(target.path, target.log_spec(*props), engine)
            result = {
                "source": {"id": target.source.id, "name": target.source.name, "version": version},
                **catalogue(log, props).to_dict(),
            }
        finally:
            engine.close()
        with self._lock:
            self._cache[key] = result
        return result

    def suggestions(
        self, actor: Actor, workspace_id: str, journey: JourneyMap, source_id: str | None
    ) -> dict[str, Any]:
        """Per step, the events whose names resemble the step's or its touchpoint's."""
        from journeyline.events.coverage import EventName

        source = self.source_of(actor, workspace_id, journey, source_id)
        names = self.catalogue(actor, workspace_id, source.id)["events"]
        events = [EventName(e["name"], e["events"], e["units"]) for e in names]
        found = suggest(journey, events)
        return {
            "source": source.id,
            "steps": [
                {
                    "id": s.id,
                    "name": s.name,
                    "has_matchers": s.has_matchers,
                    "suggestions": [
                        {
                            "event": x.event,
                            "score": x.score,
                            "units": x.units,
                            "matched_on": x.matched_on,
                        }
                        for x in s.suggestions
                    ],
                }
                for s in found
            ],
        }

    def coverage(
        self, actor: Actor, workspace_id: str, journey: JourneyMap, source_id: str | None
    ) -> dict[str, Any]:
        """Steps with no matcher or matching nothing, and frequent events no step claims."""
        source = self.source_of(actor, workspace_id, journey, source_id)
        target = self.sources.read_target(actor, workspace_id, source.id)
        engine = DuckDBEngine()
        try:
            log = load_events(target.path, target.log_spec(*props_for_lane(journey)), engine)
            return {"source": source.id, **coverage(log, journey).to_dict()}
        finally:
            engine.close()

    # --- snapshots for renders -------------------------------------------------------------

    def _snapshot_path(self, workspace_id: str, map_id: str) -> Path:
        digest = hashlib.sha256(f"{workspace_id}/{map_id}".encode()).hexdigest()[:32]
        return self.folder / f"{digest}.json"

    def _write_snapshot(self, workspace_id: str, map_id: str, result: dict[str, Any]) -> None:
        path = self._snapshot_path(workspace_id, map_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(result))
        os.replace(tmp, path)

    def snapshot(self, workspace_id: str, journey: JourneyMap) -> dict[str, Any] | None:
        """The map's last measured default view as the lane's JSON, with `stale` when the
        source or the matchers changed since; None when the map shows no Measured lane or
        was never measured. Only what a reader of the map sees: the figures, their n, the
        range, and the source's name, kind and refresh time (no ids, versions or paths)."""
        if "measured" not in journey.lanes or not journey.measured_source:
            return None
        path = self._snapshot_path(workspace_id, journey.id)
        if not path.is_file():
            return None
        try:
            result = json.loads(path.read_text())
        except (OSError, ValueError):
            return None
        source = result.get("source", {})
        stale = (
            source.get("id") != journey.measured_source
            or result.get("matchers") != matchers_key(journey)
            or self._version(str(source.get("id")), str(source.get("kind")))
            != source.get("version")
        )
        shown = {key: result.get(key) for key in PUBLIC_LANE_KEYS}
        shown["source"] = {key: source.get(key) for key in ("name", "kind", "refreshed_at")}
        shown["stale"] = stale
        return shown

    def with_snapshot(self, workspace_id: str, journey: JourneyMap) -> JourneyMap:
        """The map with its last measured figures on its steps (for renders, exports and
        share links), marked stale when the source or the matchers changed since; the map
        unchanged when it shows no Measured lane or was never measured."""
        return self.drawn(workspace_id, journey)[0]

    def refresh(self, actor: Actor, workspace_id: str, journey: JourneyMap) -> None:
        """Measure the map's default view again in the background, once at a time per map
        (a share page whose snapshot is stale: the next read shows the fresh figures).
        Failures are left for the next request to report, as for `lane`."""
        if not journey.measured_source:
            return
        request = LaneRequest()
        source_id = journey.measured_source
        slot = (workspace_id, journey.id, source_id, matchers_key(journey), request)
        with self._lock:
            if slot in self._running:
                return
            self._running.add(slot)
        threading.Thread(
            target=self._background,
            args=(actor, workspace_id, journey, request, source_id, slot),
            daemon=True,
            name=f"measured-{journey.id}",
        ).start()

    def drawn(
        self, workspace_id: str, journey: JourneyMap
    ) -> tuple[JourneyMap, dict[str, Any] | None]:
        """The map with its snapshot's figures on its steps (`with_snapshot`), and the
        snapshot itself (`snapshot`): what the share page shows."""
        lane = self.snapshot(workspace_id, journey)
        if lane is None:
            return journey, None
        source = str(lane["source"].get("name") or "")
        return write_onto(journey, lane, source, stale=lane["stale"]), lane
