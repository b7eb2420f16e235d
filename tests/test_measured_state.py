"""The Measured lane carried forward over a collector's partitions equals the lane measured in
full over the same events: units whose paths span old and new partitions, late events, an
identify call that makes two units one, repeated messageIds, new event names, and random
streams of all of these."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from journeyline.events.collector import Collectors, normalise
from journeyline.events.engine import DuckDBEngine
from journeyline.events.measured import measure_lane
from journeyline.events.measured_state import FullRequired, LaneState, Part, part_rows
from journeyline.events.readers import load_events
from journeyline.events.sources import convert
from journeyline.model import EventMatcher, JourneyMap, Stage, Step

SOURCE = "es_test"
T0 = dt.datetime(2024, 3, 4, 9, 0, tzinfo=dt.UTC)


def journey() -> JourneyMap:
    steps = [
        Step(name="Land", events=[EventMatcher(event="Home")]),  # a page call's name
        Step(name="Look", events=[EventMatcher(event="view")]),
        Step(name="Think"),
        Step(name="Sign up", events=[EventMatcher(event="signup")]),
        Step(name="Look again", events=[EventMatcher(event="view")]),
        Step(name="Check out", events=[EventMatcher(event="checkout_*", match="glob")]),
        Step(name="Pay", events=[EventMatcher(event="pay"), EventMatcher(event="paid")]),
    ]
    return JourneyMap(name="Shop", stages=[Stage(name="All", steps=steps)])


@pytest.fixture
def collectors(tmp_path: Path) -> Iterator[Collectors]:
    c = Collectors(tmp_path / "sources", compact_seconds=3600)
    yield c
    c.close()


def at(minutes: float) -> str:
    return (T0 + dt.timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")


def track(
    user: str | None, event: str, minutes: float, *, anon: str | None = None, **kw: Any
) -> dict[str, Any]:
    call: dict[str, Any] = {"type": "track", "event": event, "timestamp": at(minutes), **kw}
    if user:
        call["userId"] = user
    if anon:
        call["anonymousId"] = anon
    return call


def send(collectors: Collectors, calls: list[dict[str, Any]]) -> list[Part]:
    lines = [normalise(c, None, at(0), 32_000) for c in calls]
    collectors.append_blocking(SOURCE, lines)
    return parts_of(collectors)


def parts_of(collectors: Collectors) -> list[Part]:
    return [Part(int(p.stem.split("-")[1]), p, part_rows(p)) for p in collectors.compact(SOURCE)]


def full_lane(collectors: Collectors, tmp_path: Path) -> dict[str, Any]:
    """The lane as the server measured it before: every event converted, read and measured."""
    merged = collectors.snapshot(SOURCE)
    assert merged is not None
    target = tmp_path / "events.parquet"
    converted = convert(
        merged, "collected events", {"preset": "segment"}, target, flatten=True, message_ids=True
    )
    engine = DuckDBEngine()
    try:
        log = load_events(target, converted.spec, engine)
        return measure_lane(log, journey()).to_dict()
    finally:
        engine.close()
        collectors.mark_read(SOURCE, target)


def carried(state: LaneState, parts: list[Part]) -> tuple[str, dict[str, Any]]:
    mode = state.update(parts)
    lane = state.lane().to_dict()
    return mode, lane


def same(incremental: dict[str, Any], full: dict[str, Any]) -> None:
    incremental = {**incremental, "log": {**incremental["log"], "source": None}}
    full = {**full, "log": {**full["log"], "source": None}}
    assert incremental == full


def test_each_kind_of_new_event_gives_the_full_figures(
    collectors: Collectors, tmp_path: Path
) -> None:
    state = LaneState(journey())
    first = [
        {
            "type": "page",
            "name": "Home",
            "anonymousId": "a1",
            "timestamp": at(0),
            "messageId": "m1",
        },
        track(None, "view", 1, anon="a1", messageId="m2"),
        track("u1", "view", 0),
        track("u1", "signup", 5),
        track("u2", "view", 10),
        track("u2", "help", 11),
        track("u3", "signup", 3),
        track("u3", "view", 30),
        track("u3", "checkout_start", 40),
    ]
    mode, lane = carried(state, send(collectors, first))
    assert mode == "full"
    same(lane, full_lane(collectors, tmp_path))
    second = [
        track("u1", "view", 20),  # appended: spans both partitions
        track("u1", "checkout_card", 25),
        track("u1", "pay", 27),
        track("u2", "signup", 9),  # late: before u2's last event
        track("u4", "view", 50),  # a new unit
        track("u4", "view", 50),  # same time: file order breaks the tie
        track("u4", "signup", 55, messageId="m2"),  # repeats an old messageId: left out
        track("u5", "view", 60, messageId="m9"),
        track("u5", "pay", 61, messageId="m9"),  # repeated in the same batch: left out
        {"type": "identify", "userId": "u9", "anonymousId": "a1", "timestamp": at(70)},
        track(None, "signup", 71, anon="a1"),  # a1 is u9 now, old events and all
        track("u3", "paid", 80),
    ]
    mode, lane = carried(state, send(collectors, second))
    assert mode == "incremental"
    full = full_lane(collectors, tmp_path)
    same(lane, full)
    assert full["log"]["units"] == 6  # u1 … u5 and u9 (a1's events are u9's)
    assert full["log"]["events"] == 9 + 12 - 1 - 2  # minus the identify and the two repeats
    steps = {s["name"]: s for s in lane["steps"]}
    assert steps["Pay"]["units"] == 2 and steps["Check out"]["units"] == 2
    # A matched new event name: the glob now selects checkout_card's sibling too — no new
    # condition appears, so still carried forward.
    mode, lane = carried(state, send(collectors, [track("u6", "checkout_paypal", 90)]))
    assert mode == "incremental"
    same(lane, full_lane(collectors, tmp_path))
    # Nothing new: the same figures, nothing read.
    mode, again = carried(state, parts_of(collectors))
    assert mode == "incremental" and again == lane


def test_a_new_name_that_parts_two_steps_is_carried_forward(
    collectors: Collectors, tmp_path: Path
) -> None:
    # "Check out" and "Pay" first select no event at all; a checkout_ event then selects
    # one of them only.
    state = LaneState(journey())
    carried(state, send(collectors, [track("u1", "view", 0), track("u1", "signup", 1)]))
    mode, lane = carried(state, send(collectors, [track("u1", "checkout_x", 2)]))
    assert mode == "incremental"
    same(lane, full_lane(collectors, tmp_path))
    mode, lane = carried(state, send(collectors, [track("u2", "pay", 3), track("u1", "paid", 4)]))
    assert mode == "incremental"
    same(lane, full_lane(collectors, tmp_path))


def test_a_partition_replaced_measures_in_full(collectors: Collectors, tmp_path: Path) -> None:
    state = LaneState(journey())
    parts = send(collectors, [track("u1", "view", 0)])
    state.update(parts)
    moved = [Part(p.number, p.path, p.rows + 1) for p in parts]
    assert state.update(moved) == "full"


def test_an_unreadable_timestamp_needs_the_full_read(collectors: Collectors) -> None:
    state = LaneState(journey())
    state.update(send(collectors, [track("u1", "view", 0)]))
    with pytest.raises(FullRequired, match="cannot be read"):
        state.update(
            send(collectors, [{**track("u1", "view", 0), "timestamp": "2024-13-45T10:00:00Z"}])
        )


def test_a_property_filter_is_measured_in_full() -> None:
    steps = [Step(name="Pro view", events=[EventMatcher(event="view", where={"plan": "pro"})])]
    state = LaneState(JourneyMap(name="M", stages=[Stage(name="S", steps=steps)]))
    with pytest.raises(FullRequired, match="property"):
        state._conditions(first=True)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_random_streams_carried_forward_equal_the_full_lane(
    collectors: Collectors, tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    names = ["view", "signup", "help", "checkout_a", "pay", "paid"]
    users = [f"u{i}" for i in range(12)]
    anons = [f"a{i}" for i in range(6)]
    clock = {u: 0.0 for u in users + anons}
    state = LaneState(journey())
    mids: list[str] = []
    calls = [track("u0", "view", 0)]
    modes = []
    for round_ in range(6):
        for _ in range(rng.randint(5, 25)):
            who = rng.choice(users + anons)
            late = rng.random() < 0.15
            clock[who] += rng.choice([0, 0.5, 1, 5, 60])
            minutes = clock[who] - (rng.uniform(1, 90) if late else 0)
            kind = rng.random()
            if kind < 0.1 and who in anons:
                calls.append(
                    {
                        "type": "identify",
                        "userId": rng.choice(users),
                        "anonymousId": who,
                        "timestamp": at(minutes),
                    }
                )
                continue
            if kind < 0.2:
                call: dict[str, Any] = {"type": "page", "name": "Home", "timestamp": at(minutes)}
            else:
                call = {"type": "track", "event": rng.choice(names), "timestamp": at(minutes)}
            if who in anons:
                call["anonymousId"] = who
                if rng.random() < 0.3:
                    call["userId"] = rng.choice(users)
            else:
                call["userId"] = who
            if rng.random() < 0.5:
                if mids and rng.random() < 0.2:
                    call["messageId"] = rng.choice(mids)  # a retried call
                else:
                    mids.append(f"m{seed}-{round_}-{len(mids)}")
                    call["messageId"] = mids[-1]
            calls.append(call)
        mode, lane = carried(state, send(collectors, calls))
        modes.append(mode)
        same(lane, full_lane(collectors, tmp_path))
        calls = []
    assert modes[0] == "full" and modes[1:] == ["incremental"] * 5


def test_timestamp_text_in_each_accepted_form_is_read_as_in_full(
    collectors: Collectors, tmp_path: Path
) -> None:
    """Offsets, a space for the T, no seconds, long fractions: the first measure and a refresh
    parse them as the full read does (the text is trimmed once, then parsed)."""
    forms = [
        "2024-03-04T09:00:00Z",
        "2024-03-04 10:30:00+01:00",
        "2024-03-04T09:05+0000",
        "2024-03-04T09:06:00.123456789Z",
        "2024-03-04T04:07:30.5-05:00",
    ]
    calls = [
        {**track(f"u{i % 3}", name, 0), "timestamp": stamp}
        for i, (stamp, name) in enumerate(
            zip(forms, ["Home", "view", "signup", "view", "pay"], strict=True)
        )
    ]
    state = LaneState(journey())
    mode, lane = carried(state, send(collectors, calls[:3]))
    assert mode == "full"
    mode, lane = carried(state, send(collectors, calls[3:]))
    assert mode == "incremental"
    same(lane, full_lane(collectors, tmp_path))
    fresh = LaneState(journey())
    try:
        same(carried(fresh, parts_of(collectors))[1], lane)
    finally:
        fresh.close()
    state.close()


def test_naive_timestamps_after_aware_ones_need_the_full_read(collectors: Collectors) -> None:
    state = LaneState(journey())
    state.update(send(collectors, [track("u1", "view", 0)]))
    with pytest.raises(FullRequired, match="mix time zones"):
        state.update(
            send(collectors, [{**track("u1", "view", 0), "timestamp": "2024-03-04T10:00:00"}])
        )


def test_the_kept_states_share_one_memory_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    from journeyline.errors import InvalidInput
    from journeyline.events.measured_state import MEMORY_ENV, state_memory_limit

    monkeypatch.delenv(MEMORY_ENV, raising=False)
    assert state_memory_limit() == "1536MB"
    monkeypatch.setenv(MEMORY_ENV, "2048")
    state = LaneState(journey())
    try:
        limit = state.engine.con.execute("SELECT current_setting('memory_limit')").fetchone()
        assert limit is not None and limit[0] in {"512.0 MiB", "488.2 MiB"}
    finally:
        state.close()
    monkeypatch.setenv(MEMORY_ENV, "lots")
    with pytest.raises(InvalidInput, match="megabytes"):
        LaneState(journey())
