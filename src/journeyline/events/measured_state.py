"""The Measured lane of a collector source, kept up to date as events arrive.

A collector's events live in Parquet partitions that only grow (`events.collector`: each
compaction adds `part-NNNNNN.parquet`, the calls as received). `LaneState` keeps, for one
map's default view (all dates, no breakdown), what the lane is computed from:

- per unit: its number (an integer given once, as the full reader numbers units; every
  other table names the unit by it), its events and the sort key of its last event;
- per (unit, distinct step condition): the positions in the unit of its first and last
  event of the condition, the time of the first, the events, and the event after the last
  (`measured._build_unit_table`'s table);
- every figure as a sum over units (reach, weekly units, per pair of consecutive steps the
  units, conversions and drop-offs by next event), and the time-to-next gaps of each pair
  as a sorted array (for the exact median);
- the Segment rules' own state: which anonymous id belongs to which user (the first link
  wins), the hashes of every `messageId` seen, and the rows left out as repeats.

A refresh reads only the partitions added since. A unit whose new events all come after
its last one is *appended*: its rows are merged with the new events without reading its
old ones (the new events' positions follow on from its count). A unit with an event
earlier than its last one (a late event), or whose anonymous id was just linked to a user
(an identify call: two units become one), is read again whole from the partitions (one
scan, the calls filtered by the units' ids before any timestamp is parsed), and replaced. Each touched unit's old
contribution is taken off every figure and its new one added, so the figures equal a full
recompute's (`tests/test_measured_state.py` checks them against `measure_lane` over the
source converted in full).

The sort key of an event is `t · 2⁴⁰ + seq` (HUGEINT): its time, then its place in the
collected stream (partition after partition, row after row), which is the order a full
read uses too (`readers`: unit, timestamp, file order).

`FullRequired` says when the state cannot be carried forward and the lane must be
measured in full: a partition changed or disappeared, a timestamp cannot be read or the
zones mix (the full read then reports the error as it does for any source), a matcher
filters on a property.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from journeyline.errors import InvalidInput
from journeyline.events.engine import DuckDBEngine
from journeyline.events.matching import matched_event_ids
from journeyline.events.measured import (
    MONDAY_SHIFT_US,
    WEEK_US,
    MeasuredLane,
    MeasuredStep,
    _fill,
    _iso,
)
from journeyline.events.readers import EventLog, _time_exprs
from journeyline.events.spec import Columns, TimeUnit, UnitKind
from journeyline.model import JourneyMap

STATES = 4
"""Lanes a server carries forward at once (`lanes.MeasuredLanes` evicts the oldest)."""
MEMORY_ENV = "JOURNEYLINE_MEASURED_MEMORY_MB"
MEMORY_MB = 6144
"""The kept states' DuckDB memory, all together (each gets a `STATES`-th of it, and spills
to disk past that): 1.5 GB each by default, beside the 3 GB of each full measure."""


def state_memory_limit() -> str:
    """One kept state's DuckDB memory limit: its share of `JOURNEYLINE_MEASURED_MEMORY_MB`."""
    text = os.environ.get(MEMORY_ENV, "").strip()
    try:
        budget = int(text) if text else MEMORY_MB
    except ValueError:
        raise InvalidInput(f"{MEMORY_ENV} must be a number of megabytes (found {text!r})") from None
    if budget < 64:
        raise InvalidInput(f"{MEMORY_ENV} must be at least 64 (megabytes; found {budget})")
    return f"{budget // STATES}MB"


SEQ_BITS = 40
"""A partition row's place in the stream takes the low 40 bits of the sort key."""
NON_EVENTS = ("identify", "group", "alias")
SEGMENT_COLUMNS = Columns(
    unit="userId",
    event="event",
    time="timestamp",
    preset="segment",
    unit_kind=UnitKind.user,
    time_unit=TimeUnit.auto,
    unit_fallback="anonymousId",
)


class FullRequired(Exception):
    """The state cannot be carried forward: measure in full (the message says why)."""


@dataclass(frozen=True)
class Part:
    """One collector partition: its path, number and rows."""

    number: int
    path: Path
    rows: int


def part_rows(path: Path) -> int:
    """Rows in a Parquet partition (from its footer)."""
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(path).metadata.num_rows)


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _raw_sql(parts: list[tuple[Part, int]], keys: str | None = None) -> str:
    """The calls of partitions (each with the stream offset of its first row): seq, call,
    uid, aid, mid, event name (Segment's naming of page and screen calls), ts (text).

    `keys`: a table of unit keys (`ukey`): only the calls that may belong to those units
    (by their user id, anonymous id, or the user an anonymous id is linked to), kept
    before any timestamp is parsed."""
    only = ""
    if keys:
        listed = f"(SELECT ukey FROM {keys})"
        only = (
            f' WHERE "userId" IN {listed} OR "anonymousId" IN {listed} OR "anonymousId" IN '
            f"(SELECT a FROM st_links WHERE u IN {listed})"
        )
    selects = []
    for part, offset in parts:
        kind = "lower(coalesce(type, 'track'))"
        named = "coalesce(event, name, json_extract_string(properties, '$.name')"
        selects.append(
            f"SELECT CAST({offset} + file_row_number AS BIGINT) AS seq, {kind} AS call, "
            '"userId" AS uid, "anonymousId" AS aid, "messageId" AS mid, '
            f"CASE {kind} WHEN 'track' THEN event WHEN 'page' THEN {named}, 'page') "
            f"WHEN 'screen' THEN {named}, 'screen') ELSE NULL END AS name, "
            'coalesce("timestamp", "originalTimestamp", "sentAt", "receivedAt") AS ts '
            f"FROM read_parquet({_lit(str(part.path))}, file_row_number = true){only}"
        )
    return " UNION ALL ".join(selects)


@dataclass
class _Figures:
    """Every figure of the lane as a sum over units (plus the gaps, sorted, per pair)."""

    reach: dict[int, list[int]] = field(default_factory=dict)
    weekly: dict[tuple[int, int], int] = field(default_factory=dict)
    pairs: dict[int, list[int]] = field(default_factory=dict)
    """pid → [units at the pair's first step, converted]."""
    nexts: dict[tuple[int, int], int] = field(default_factory=dict)
    gaps: dict[int, np.ndarray] = field(default_factory=dict)
    entrants: int = 0
    units: int = 0
    events: int = 0


def _add(target: dict[Any, Any], key: Any, value: int) -> None:
    left = target.get(key, 0) + value
    if left:
        target[key] = left
    else:
        target.pop(key, None)


def _remove_sorted(values: np.ndarray, gone: np.ndarray) -> np.ndarray:
    """A sorted array without one occurrence of each of `gone`'s values (all present)."""
    if not len(gone):
        return values
    gone = np.sort(gone)
    left = np.searchsorted(values, gone, side="left")
    starts = np.searchsorted(gone, gone, side="left")
    index = left + (np.arange(len(gone)) - starts)
    if len(index) and (index.max() >= len(values) or not np.array_equal(values[index], gone)):
        raise FullRequired("the lane's time-to-next figures lost track of their units")
    return np.delete(values, index)


def _insert_sorted(values: np.ndarray, new: np.ndarray) -> np.ndarray:
    if not len(new):
        return values
    new = np.sort(new)
    if not len(values):
        return new
    return np.insert(values, np.searchsorted(values, new), new)


class _Hashes:
    """A set of 64-bit hashes as sorted arrays: membership by binary search, new hashes
    as a new array, merged with the one before once it is a quarter of its size (so a
    hash is copied a few times over the set's life, not at every refresh)."""

    def __init__(self) -> None:
        self.chunks: list[np.ndarray] = []

    def contains(self, values: np.ndarray) -> np.ndarray:
        # Looked up in sorted order: the binary searches then walk each chunk forwards
        # (about 5x faster than in arrival order on tens of millions of hashes).
        order = np.argsort(values, kind="stable")
        ordered = values[order]
        hit = np.zeros(len(values), dtype=bool)
        for chunk in self.chunks:
            at = np.minimum(np.searchsorted(chunk, ordered), len(chunk) - 1)
            hit |= chunk[at] == ordered
        found = np.empty(len(values), dtype=bool)
        found[order] = hit
        return found

    def add(self, values: np.ndarray) -> None:
        if not len(values):
            return
        self.add_unique(_sorted_unique(values))

    def add_unique(self, values: np.ndarray) -> None:
        """`add` for values already sorted and distinct."""
        if not len(values):
            return
        self.chunks.append(values)
        while len(self.chunks) > 1 and len(self.chunks[-1]) * 4 >= len(self.chunks[-2]):
            last = self.chunks.pop()
            self.chunks[-1] = _sorted_unique(np.concatenate((self.chunks[-1], last)))


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (np.unique's hashing is several times slower than a sort
    on millions of 64-bit hashes)."""
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def _median(values: np.ndarray) -> float | None:
    """quantile_cont(x, 0.5) as DuckDB computes it: the two middle values interpolated."""
    n = len(values)
    if not n:
        return None
    rank = (n - 1) * 0.5
    lo = int(np.floor(rank))
    hi = int(np.ceil(rank))
    low = float(values[lo])
    if lo == hi:
        return low
    return low + (rank - lo) * (float(values[hi]) - low)


class LaneState:
    """One map's default Measured lane over one collector source, carried forward."""

    def __init__(self, journey: JourneyMap, memory_limit: str | None = None) -> None:
        self.journey = journey
        self.memory_limit = memory_limit or state_memory_limit()
        self.engine = DuckDBEngine(memory_limit=self.memory_limit)
        self.lock = threading.Lock()
        self.parts: list[Part] = []
        self.offsets: list[int] = []
        self.names: dict[int, str] = {}
        self.step_cond: list[int] = []
        self.pair_list: list[tuple[int, int]] = []
        self.figures = _Figures()
        self.start: int | None = None
        self.end: int | None = None
        self.zones = [0, 0]
        """Timestamps with a UTC offset, and without (a full read refuses a mix)."""
        self.mids = _Hashes()
        """The hashes of every messageId received (a hit is confirmed on the calls)."""
        self.built = False
        self.next_unit = 1
        """The number the next new unit gets (`st_units.u`)."""
        self.reason: str | None = None
        """Why the last update measured in full (None when it carried the figures forward)."""

    # --- SQL helpers -------------------------------------------------------------------

    def _x(self, sql: str) -> Any:
        return self.engine.con.execute(sql)

    def _rows(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self._x(sql).fetchall()]

    def close(self) -> None:
        """Free the state's tables."""
        self.engine.close()

    # --- building and carrying forward -----------------------------------------------------

    def update(self, parts: list[Part]) -> str:
        """Bring the state to `parts` (every partition, in order): "incremental" when only
        the new ones were read, else "full" (`reason` says why). FullRequired when even a
        build from all of them cannot give the figures (the full read reports why)."""
        with self.lock:
            known = len(self.parts)
            if not self.built:
                self.reason = "first measured"
            elif parts[:known] != self.parts:
                self.reason = "the collected partitions changed"
            else:
                new = parts[known:]
                try:
                    if new:
                        self._carry(new)
                    self.reason = None
                    return "incremental"
                except FullRequired as why:
                    self.reason = str(why)
            self._reset()
            try:
                self._build(parts)
            except FullRequired:
                self._reset()
                raise
            return "full"

    def _reset(self) -> None:
        self.engine.close()
        self.engine = DuckDBEngine(memory_limit=self.memory_limit)
        self.parts, self.offsets, self.names = [], [], {}
        self.figures = _Figures()
        self.start = self.end = None
        self.zones = [0, 0]
        self.mids = _Hashes()
        self.built = False
        self.next_unit = 1

    def _offset_parts(self, parts: list[Part]) -> list[tuple[Part, int]]:
        out = []
        offset = self.offsets[-1] + self.parts[-1].rows if self.parts else 0
        for part in parts:
            out.append((part, offset))
            self.parts.append(part)
            self.offsets.append(offset)
            offset += part.rows
        if offset >= 1 << SEQ_BITS:
            raise FullRequired("the collected stream outgrew the sort key")
        return out

    def _timed(self, raw: str) -> str:
        """Raw calls with `t` (microseconds, as a full read parses the text) and `tz` (1 with
        a UTC offset, 0 without), parsed once."""
        d = self.engine.dialect
        t_expr, tz_expr = _time_exprs(d, "r.tx", "string", TimeUnit.auto, trimmed=True)
        return (
            f"SELECT r.seq, r.call, r.uid, r.aid, r.mid, r.name, {t_expr} AS t, "
            f"{tz_expr} AS tz FROM (SELECT q.*, TRIM(CAST(q.ts AS {d.string_type})) AS tx "
            f"FROM ({raw}) q) r"
        )

    def _event_sql(self, timed: str, where: str = "1 = 1") -> str:
        """The events (no identify/group/alias, no repeats) of timed calls: ukey, name, t, k."""
        return (
            "SELECT coalesce(r.uid, l.u, r.aid) AS ukey, r.name, r.t, "
            f"CAST(r.t AS HUGEINT) * {1 << SEQ_BITS} + r.seq AS k FROM ({timed}) r "
            "LEFT JOIN st_links l ON r.uid IS NULL AND l.a = r.aid "
            f"WHERE r.call NOT IN {NON_EVENTS} AND r.seq NOT IN (SELECT seq FROM st_dropped) "
            "AND coalesce(r.uid, r.aid) IS NOT NULL AND r.name IS NOT NULL "
            f"AND r.t IS NOT NULL AND ({where})"
        )

    def _check_times(self, table: str) -> None:
        """A timestamp that cannot be read, or a mix of zones: the full read's error."""
        bad, aware, naive = self._rows(
            # tz is NULL exactly when the text is missing or blank
            "SELECT COUNT(*) FILTER (WHERE tz IS NOT NULL AND t IS NULL), "
            "COUNT(*) FILTER (WHERE tz = 1), COUNT(*) FILTER (WHERE tz = 0) "
            f"FROM {table} WHERE call NOT IN {NON_EVENTS}"
        )[0]
        self.zones[0] += int(aware or 0)
        self.zones[1] += int(naive or 0)
        if bad:
            raise FullRequired(f"{bad} collected timestamps cannot be read")
        if self.zones[0] and self.zones[1]:
            raise FullRequired("the collected timestamps mix time zones")

    def _build(self, parts: list[Part]) -> None:
        x = self._x
        raw = _raw_sql(self._offset_parts(parts))
        x(f"CREATE TABLE raw AS {self._timed(raw)}")
        self._check_times("raw")
        x(
            "CREATE TABLE st_links AS SELECT aid AS a, arg_min(uid, seq) AS u FROM raw "
            "WHERE uid IS NOT NULL AND aid IS NOT NULL GROUP BY aid"
        )
        # Repeats: the messageIds' hashes sorted once (in numpy, which a hash group-by over
        # tens of millions of distinct values is several times slower than); a repeated
        # hash is a candidate, confirmed on the text itself.
        ordered = np.sort(self._hashes("SELECT hash(mid) AS h FROM raw WHERE mid IS NOT NULL"))
        same = ordered[1:] == ordered[:-1] if len(ordered) > 1 else np.zeros(0, dtype=bool)
        repeated = np.unique(ordered[1:][same])
        keep = np.ones(len(ordered), dtype=bool)
        keep[1:] = ~same
        self.mids = _Hashes()
        self.mids.add_unique(ordered[keep])
        del ordered, same, keep
        x("CREATE TABLE st_dropped (seq BIGINT)")
        if len(repeated):
            import pyarrow as pa

            self.engine.con.register("d_rep", pa.table({"h": pa.array(repeated, pa.uint64())}))
            x(
                "INSERT INTO st_dropped SELECT seq FROM (SELECT seq, "
                "min(seq) OVER (PARTITION BY mid) AS first FROM raw WHERE mid IS NOT NULL AND "
                "hash(mid) IN (SELECT h FROM d_rep)) d WHERE seq <> first"
            )
            self.engine.con.unregister("d_rep")
        x(f"CREATE TEMP TABLE d_ev AS {self._event_sql('SELECT * FROM raw')}")
        x("DROP TABLE raw")
        x(
            "CREATE TABLE ev_names AS SELECT CAST(row_number() OVER (ORDER BY name) - 1 AS INT) "
            "AS id, name FROM (SELECT DISTINCT name FROM d_ev) n"
        )
        self._load_names()
        self._conditions(first=True)
        # Units numbered once (as the full reader does): every table after this one, and
        # the window that orders each unit's events, works on integers.
        x(
            "CREATE TEMP TABLE k_ids AS SELECT ukey, CAST(row_number() OVER () AS INT) AS u "
            "FROM (SELECT DISTINCT ukey FROM d_ev) k"
        )
        self.next_unit = int(self._rows("SELECT COUNT(*) FROM k_ids")[0][0]) + 1
        x(f"CREATE TEMP TABLE i_ev AS {self._numbered('d_ev')}")
        x("DROP TABLE d_ev")
        x("CREATE TABLE st_units (ukey VARCHAR, u INT, n BIGINT, lk HUGEINT)")
        x("CREATE TABLE st_uc (u INT, c INT, f INT, l INT, tf BIGINT, n INT, nx INT)")
        self._unit_rows("i_ev", "n_units", "n_uc")
        self._span("i_ev")
        x("DROP TABLE i_ev")
        x(
            "INSERT INTO st_units SELECT k.ukey, n.u, n.n, n.lk FROM n_units n "
            "JOIN k_ids k ON k.u = n.u"
        )
        x("INSERT INTO st_uc SELECT * FROM n_uc")
        self._contribute("n_uc", "n_units", +1)
        for table in ("k_ids", "n_units", "n_uc"):
            x(f"DROP TABLE {table}")
        self.built = True

    def _numbered(self, events: str, where: str = "") -> str:
        """Events (ukey, name, t, k) as (u, event, t, k): the unit's number (`k_ids`) and
        the event's id (`ev_names`)."""
        return (
            f"SELECT i.u, n.id AS event, e.t, e.k FROM {events} e JOIN k_ids i ON i.ukey = e.ukey "
            f"JOIN ev_names n ON n.name = e.name {where}"
        )

    def _hashes(self, sql: str) -> np.ndarray:
        column = self._x(sql).fetchnumpy()["h"]
        return np.asarray(column, dtype=np.uint64)

    def _load_names(self) -> None:
        self.names = {int(i): str(n) for i, n in self._rows("SELECT id, name FROM ev_names")}

    def _log(self) -> EventLog:
        """The state as an EventLog (for matchers and the lane's JSON)."""
        f = self.figures
        return EventLog(
            engine=self.engine,
            source="collector",
            columns=SEGMENT_COLUMNS,
            unit_kind=UnitKind.user,
            props={},
            channel=None,
            total_units=f.units,
            total_events=f.events,
            start_us=int(self.start or 0),
            end_us=int(self.end or 0),
            session_timeout_seconds=None,
            event_names=dict(self.names),
        )

    def _conditions(self, *, first: bool) -> None:
        """The step conditions and the step → condition map, then `st_sm` (event → the
        conditions it meets) from the names known so far.

        Unlike `measure_lane`, steps share a condition when their matchers are the same,
        not when they select the same events: which events a matcher selects grows with
        new names, so two steps that select the same (or no) events today may part
        tomorrow. Steps with equal events get equal rows either way, so the figures are
        the same."""
        import json

        log = self._log()
        keys: dict[str, int] = {}
        step_cond: list[int] = []
        selected: dict[int, list[int]] = {}
        for _, step in self.journey.iter_steps():
            if not step.events:
                continue
            ids = matched_event_ids(log, step.events)
            if ids is None:
                raise FullRequired("a step's matcher filters on a property")
            spec = json.dumps(
                sorted(json.dumps(m.model_dump(mode="json"), sort_keys=True) for m in step.events)
            )
            c = keys.setdefault(spec, len(keys))
            step_cond.append(c)
            selected[c] = ids
        if first:
            self.step_cond = step_cond
            self.pair_list = list(dict.fromkeys(pairwise(step_cond)))
            rows = [(i, a, b) for i, (a, b) in enumerate(self.pair_list)]
            self._x("CREATE OR REPLACE TABLE st_pairs (pid INT, a INT, b INT)")
            if rows:
                self._x(f"INSERT INTO st_pairs VALUES {', '.join(map(str, rows))}")
        elif step_cond != self.step_cond:
            raise FullRequired("the steps' matchers changed")
        sm = [(i, c) for c, ids in selected.items() for i in ids]
        self._x("CREATE OR REPLACE TABLE st_sm (event INT, c INT)")
        if sm:
            self._x(f"INSERT INTO st_sm VALUES {', '.join(map(str, sm))}")

    def _unit_rows(self, events: str, units: str, uc: str, before: str | None = None) -> None:
        """From events (u, event, t, k), per unit (n, last key) and per (unit, condition)
        (first and last position in the unit, first time, events, the event after the
        last, -1 at the end). `before`: a table of the units' rows so far (u, n): the
        events come after those, so their positions follow on from n."""
        x = self._x
        x(
            f"CREATE OR REPLACE TEMP TABLE {units} AS SELECT u, COUNT(*) AS n, MAX(k) AS lk "
            f"FROM {events} GROUP BY u"
        )
        offset = "COALESCE(b.n, 0) + " if before else ""
        joined = f"LEFT JOIN {before} b ON b.u = e.u " if before else ""
        x(
            f"CREATE OR REPLACE TEMP TABLE {uc} AS SELECT w.u, sm.c, CAST(MIN(w.p) AS INT) AS f, "
            "CAST(MAX(w.p) AS INT) AS l, MIN(w.t) AS tf, CAST(COUNT(*) AS INT) AS n, "
            "arg_max(COALESCE(w.nx, -1), w.p) AS nx FROM ("
            f"SELECT e.u, e.t, e.event, {offset}row_number() OVER w AS p, "
            "lead(e.event) OVER w AS nx "
            f"FROM {events} e {joined}WINDOW w AS (PARTITION BY e.u ORDER BY e.k)) w "
            "JOIN st_sm sm ON sm.event = w.event GROUP BY w.u, sm.c"
        )

    def _contribute(self, uc: str, units: str, sign: int) -> None:
        """Add (sign +1) or take off (-1) the figures of the units in `uc` and `units`."""
        d = self.engine.dialect
        f = self.figures
        n_units, n_events = self._rows(f"SELECT COUNT(*), COALESCE(SUM(n), 0) FROM {units}")[0]
        f.units += sign * int(n_units)
        f.events += sign * int(n_events)
        f.entrants += sign * int(self._rows(f"SELECT COUNT(DISTINCT u) FROM {uc}")[0][0])
        for c, u, n in self._rows(f"SELECT c, COUNT(*), SUM(n) FROM {uc} GROUP BY c"):
            row = f.reach.setdefault(int(c), [0, 0])
            row[0] += sign * int(u)
            row[1] += sign * int(n)
            if not row[0]:
                f.reach.pop(int(c))
        week = d.int_div(f"(tf + {MONDAY_SHIFT_US})", str(WEEK_US))
        for c, wk, n in self._rows(f"SELECT c, {week} AS wk, COUNT(*) FROM {uc} GROUP BY c, wk"):
            _add(f.weekly, (int(c), int(wk)), sign * int(n))
        if not self.pair_list:
            return
        pj = f"FROM st_pairs p JOIN {uc} x ON x.c = p.a LEFT JOIN {uc} y ON y.u = x.u AND y.c = p.b"
        converted = "COALESCE(y.l > x.f, false)"
        # One pass over the pairs' join for both: per pair and next event, the units, the
        # converted and the dropped (the drop-offs by next event).
        totals: dict[int, list[int]] = {}
        for pid, nx, n, conv in self._rows(
            f"SELECT p.pid, x.nx, COUNT(*), SUM(CASE WHEN {converted} THEN 1 ELSE 0 END) {pj} "
            "GROUP BY p.pid, x.nx"
        ):
            n, conv = int(n), int(conv or 0)
            total = totals.setdefault(int(pid), [0, 0])
            total[0] += n
            total[1] += conv
            if n > conv:
                _add(f.nexts, (int(pid), int(nx)), sign * (n - conv))
        for pid, (n, conv) in totals.items():
            row = f.pairs.setdefault(pid, [0, 0])
            row[0] += sign * n
            row[1] += sign * conv
            if not row[0]:
                f.pairs.pop(pid)
        gaps = self._x(
            f"SELECT p.pid, CAST(y.tf - x.tf AS BIGINT) AS gap {pj} WHERE y.f > x.f"
        ).fetchnumpy()
        pids = np.asarray(gaps["pid"], dtype=np.int64)
        values = np.asarray(gaps["gap"], dtype=np.int64)
        # Sorted by pair, then gap: each pair's gaps are one sorted slice (no mask per pair).
        order = np.lexsort((values, pids))
        pids, values = pids[order], values[order]
        found, starts = np.unique(pids, return_index=True)
        ends = np.append(starts[1:], len(pids))[: len(starts)]
        for pid, lo, hi in zip(found.tolist(), starts.tolist(), ends.tolist(), strict=True):
            chosen = values[lo:hi]
            current = f.gaps.get(int(pid), np.empty(0, dtype=np.int64))
            updated = (
                _insert_sorted(current, chosen) if sign > 0 else _remove_sorted(current, chosen)
            )
            if len(updated):
                f.gaps[int(pid)] = updated
            else:
                f.gaps.pop(int(pid), None)

    def _span(self, events: str) -> None:
        lo, hi = self._rows(f"SELECT MIN(t), MAX(t) FROM {events}")[0]
        if lo is not None:
            self.start = int(lo) if self.start is None else min(self.start, int(lo))
            self.end = int(hi) if self.end is None else max(self.end, int(hi))

    def _carry(self, new: list[Part]) -> None:
        """Read the new partitions and carry every figure forward (see the module's text)."""
        x = self._x
        try:
            self._carry_new(new)
        finally:
            for table in (
                "d_raw",
                "d_ev",
                "d_look",
                "d_keys",
                "r_keys",
                "k_ids",
                "r_ev",
                "a_ev",
                "n_units",
                "n_uc",
                "a_units",
                "a_uc",
                "o_units",
                "o_uc",
            ):
                x(f"DROP TABLE IF EXISTS {table}")

    def _carry_new(self, new: list[Part]) -> None:
        x, rows = self._x, self._rows
        old_parts = list(zip(self.parts, self.offsets, strict=True))
        raw = _raw_sql(self._offset_parts(new))
        x(f"CREATE TEMP TABLE d_raw AS {self._timed(raw)}")
        self._check_times("d_raw")
        # Links: an anonymous id's first link wins, so only ids never linked before are new.
        x(
            "CREATE OR REPLACE TEMP TABLE n_links AS SELECT d.aid AS a, arg_min(d.uid, d.seq) AS u "
            "FROM d_raw d LEFT JOIN st_links s ON s.a = d.aid "
            "WHERE d.uid IS NOT NULL AND d.aid IS NOT NULL AND s.a IS NULL GROUP BY d.aid"
        )
        x("INSERT INTO st_links SELECT * FROM n_links")
        # Repeats: a messageId seen before (its hash, confirmed on the stored calls), or
        # earlier in these partitions.
        x(
            "CREATE OR REPLACE TEMP TABLE d_mid AS SELECT seq, mid, hash(mid) AS h FROM d_raw "
            "WHERE mid IS NOT NULL"
        )
        x(
            "INSERT INTO st_dropped SELECT seq FROM (SELECT seq, "
            "min(seq) OVER (PARTITION BY mid) AS first FROM d_mid) d WHERE seq <> first"
        )
        hashes = self._hashes("SELECT DISTINCT h FROM d_mid")
        hits = hashes[self.mids.contains(hashes)]
        if len(hits):
            import pyarrow as pa

            self.engine.con.register("d_hits", pa.table({"h": pa.array(hits, pa.uint64())}))
            x(
                "CREATE OR REPLACE TEMP TABLE c_mid AS SELECT DISTINCT mid FROM d_mid "
                "WHERE h IN (SELECT h FROM d_hits)"
            )
            self.engine.con.unregister("d_hits")
            old = _raw_sql(old_parts)
            x(
                "INSERT INTO st_dropped SELECT d.seq FROM d_mid d WHERE d.mid IN "
                f"(SELECT mid FROM ({old}) o WHERE o.mid IN (SELECT mid FROM c_mid)) "
                "AND d.seq NOT IN (SELECT seq FROM st_dropped)"
            )
        self.mids.add(hashes)
        x(f"CREATE TEMP TABLE d_ev AS {self._event_sql('SELECT * FROM d_raw')}")
        x("DROP TABLE d_raw")
        # New event names get the next ids; the steps must still match what they matched.
        fresh = rows(
            "SELECT DISTINCT name FROM d_ev WHERE name NOT IN (SELECT name FROM ev_names) "
            "ORDER BY name"
        )
        if fresh:
            base = len(self.names)
            values = ", ".join(f"({base + i}, {_lit(str(n))})" for i, (n,) in enumerate(fresh))
            x(f"INSERT INTO ev_names VALUES {values}")
            self._load_names()
            self._conditions(first=False)
        # The kept rows of every unit the new calls name (one pass over the units' keys).
        x("CREATE TEMP TABLE d_keys AS SELECT DISTINCT ukey FROM d_ev")
        x(
            "CREATE TEMP TABLE d_look AS SELECT k.ukey, s.u, s.n, s.lk FROM ("
            "SELECT ukey FROM d_keys UNION SELECT a FROM n_links UNION SELECT u FROM n_links"
            ") k LEFT JOIN st_units s ON s.ukey = k.ukey"
        )
        # Units read again whole: those with a late event, and both sides of a new link.
        x(
            "CREATE TEMP TABLE r_keys AS SELECT DISTINCT ukey FROM ("
            "SELECT e.ukey FROM d_ev e JOIN d_look s ON s.ukey = e.ukey WHERE e.k < s.lk "
            "UNION ALL SELECT n.a FROM n_links n JOIN d_look s ON s.ukey = n.a "
            "WHERE s.u IS NOT NULL "
            "UNION ALL SELECT n.u FROM n_links n JOIN d_look s ON s.ukey = n.a "
            "WHERE s.u IS NOT NULL) r"
        )
        # Every touched unit's number: its own, or the next free ones for new units.
        x(
            "CREATE TEMP TABLE k_ids AS SELECT ukey, COALESCE(u, CAST("
            f"{self.next_unit} - 1 + row_number() OVER (PARTITION BY u IS NULL) AS INT)) AS u, "
            "u IS NULL AS fresh FROM d_look "
            "WHERE ukey IN (SELECT ukey FROM d_keys UNION SELECT ukey FROM r_keys)"
        )
        self.next_unit += int(rows("SELECT COUNT(*) FROM k_ids WHERE fresh")[0][0])
        if rows("SELECT COUNT(*) FROM r_keys")[0][0]:
            old = self._timed(_raw_sql(old_parts, keys="r_keys"))
            where = "coalesce(r.uid, l.u, r.aid) IN (SELECT ukey FROM r_keys)"
            reread = f"({self._event_sql(old, where)} UNION ALL SELECT * FROM d_ev WHERE ukey IN (SELECT ukey FROM r_keys))"
            x(f"CREATE TEMP TABLE r_ev AS {self._numbered(reread)}")
        else:
            x("CREATE TEMP TABLE r_ev (u INT, event INT, t BIGINT, k HUGEINT)")
        x(
            f"CREATE TEMP TABLE a_ev AS {self._numbered('d_ev', 'WHERE e.ukey NOT IN (SELECT ukey FROM r_keys)')}"
        )
        # The touched units' rows as they were (taken off the figures) ...
        x(
            "CREATE TEMP TABLE o_units AS SELECT ukey, u, n, lk FROM d_look WHERE u IS NOT NULL "
            "AND ukey IN (SELECT ukey FROM k_ids)"
        )
        # (an integer semi-join over the whole table; deleted below by row id)
        x(
            "CREATE TEMP TABLE o_uc AS SELECT s.u, s.c, s.f, s.l, s.tf, s.n, s.nx, s.rowid AS rid "
            "FROM st_uc s WHERE s.u IN (SELECT u FROM o_units)"
        )
        # ... and as they are now: read again whole, or merged with the new events (whose
        # positions follow the unit's old ones).
        self._unit_rows("r_ev", "n_units", "n_uc")
        self._unit_rows("a_ev", "a_units", "a_uc", before="o_units")
        x(
            "INSERT INTO n_units SELECT a.u, a.n + COALESCE(o.n, 0), a.lk FROM a_units a "
            "LEFT JOIN o_units o ON o.u = a.u"
        )
        # For an appended unit: a condition with new events takes its last position and
        # next event from them (its first from the old rows when it had some); one without
        # keeps its rows, except that the event after the unit's old last one is now the
        # first new one.
        x(
            "INSERT INTO n_uc "
            "SELECT a.u, a.c, COALESCE(o.f, a.f), a.l, COALESCE(o.tf, a.tf), "
            "a.n + COALESCE(o.n, 0), a.nx FROM a_uc a "
            "LEFT JOIN o_uc o ON o.u = a.u AND o.c = a.c "
            "UNION ALL "
            "SELECT o.u, o.c, o.f, o.l, o.tf, o.n, "
            "CASE WHEN o.l = u.n THEN f.first ELSE o.nx END FROM o_uc o "
            "JOIN o_units u ON u.u = o.u "
            "JOIN (SELECT u, arg_min(event, k) AS first FROM a_ev GROUP BY u) f ON f.u = o.u "
            "WHERE NOT EXISTS (SELECT 1 FROM a_uc a WHERE a.u = o.u AND a.c = o.c)"
        )
        self._contribute("o_uc", "o_units", -1)
        self._contribute("n_uc", "n_units", +1)
        x("DELETE FROM st_units WHERE u IN (SELECT u FROM o_units)")
        x("DELETE FROM st_uc WHERE rowid IN (SELECT rid FROM o_uc)")
        x(
            "INSERT INTO st_units SELECT k.ukey, n.u, n.n, n.lk FROM n_units n "
            "JOIN k_ids k ON k.u = n.u"
        )
        x("INSERT INTO st_uc SELECT u, c, f, l, tf, n, nx FROM n_uc")
        self._span("d_ev")

    # --- the lane --------------------------------------------------------------------------

    def lane(self) -> MeasuredLane:
        """The lane's figures as `measure_lane` gives them for the same events."""
        with self.lock:
            if not self.figures.events:
                raise InvalidInput("the collector has no events yet")
            log = self._log()
            f = self.figures
            pairs = {p: i for i, p in enumerate(self.pair_list)}
            pairs_rows = [
                (pid, n, conv, _median(f.gaps.get(pid, np.empty(0))), len(f.gaps.get(pid, ())))
                for pid, (n, conv) in f.pairs.items()
            ]
            figures: dict[str, Any] = {
                "pairs": pairs,
                "pairs_rows": pairs_rows,
                "next": [(pid, nx, n) for (pid, nx), n in f.nexts.items()],
                "weekly": [(c, wk, n) for (c, wk), n in f.weekly.items()],
                "reach": {c: (u, n) for c, (u, n) in f.reach.items()},
                "entrants": f.entrants,
                "grouped": False,
                "pj": "",
            }
            steps = [
                MeasuredStep(
                    id=step.id, name=step.name, stage=stage.name, matched=bool(step.events)
                )
                for stage, step in self.journey.iter_steps()
            ]
            measured = bool(self.step_cond)
            _fill(log, steps, self.step_cond, figures if measured else {}, f.entrants, [])
            return MeasuredLane(
                log=log.summary(),
                map=self.journey.name,
                unit=log.unit_kind.value,
                entrants=f.entrants if measured else 0,
                date_from=None,
                date_to=None,
                period_start=_iso(self.start),
                period_end=_iso(self.end),
                breakdown=None,
                breakdown_values=[],
                steps=steps,
            )
