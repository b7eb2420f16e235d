"""Reading event logs: formats, presets, ordering, sessions, and clear errors for bad input."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from journeyline.errors import InvalidInput, NotFound, UsageError
from journeyline.events import LogSpec, UnitKind, reach, variants
from tests.events_support import at, loaded, write_csv


def test_csv_generic_columns_and_summary(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "e.csv",
        ["user_id", "event", "timestamp"],
        [["u1", "a", at(0)], ["u1", "b", at(1)], ["u2", "a", at(5)]],
    )
    with loaded(path) as log:
        assert (log.total_units, log.total_events) == (2, 3)
        assert log.columns.preset == "generic"
        assert log.period_start.isoformat() == "2024-03-01T09:00:00+00:00"
        assert log.period_end.isoformat() == "2024-03-01T09:05:00+00:00"


def test_equal_timestamps_keep_file_order(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "e.csv",
        ["user_id", "event", "timestamp"],
        [
            ["u1", "second", at(1)],
            ["u1", "x", at(0)],
            ["u1", "third", at(1)],
            ["u1", "fourth", at(1)],
        ],
    )
    with loaded(path) as log:
        assert variants(log).variants[0].path == ["x", "second", "third", "fourth"]


def test_gzipped_csv_and_jsonl_and_parquet_read_alike(tmp_path: Path) -> None:
    rows = [
        ["u1", "a", "2024-01-01T10:00:00Z"],
        ["u1", "b", "2024-01-01T10:00:05Z"],
        ["u2", "b", "2024-01-02T10:00:00Z"],
    ]
    plain = write_csv(tmp_path / "e.csv", ["user_id", "event", "timestamp"], rows)
    gz = tmp_path / "e.csv.gz"
    gz.write_bytes(gzip.compress(plain.read_bytes()))
    jsonl = tmp_path / "e.jsonl"
    jsonl.write_text(
        "\n".join(
            json.dumps(dict(zip(["user_id", "event", "timestamp"], r, strict=True))) for r in rows
        )
    )
    import pyarrow as pa
    import pyarrow.parquet as pq

    parquet = tmp_path / "e.parquet"
    pq.write_table(
        pa.table(
            {
                "user_id": [r[0] for r in rows],
                "event": [r[1] for r in rows],
                "timestamp": [r[2] for r in rows],
            }
        ),
        parquet,
    )
    results = []
    for path in (plain, gz, jsonl, parquet):
        with loaded(path) as log:
            results.append((reach(log).to_dict()["events"], log.start_us, log.end_us))
    assert all(r == results[0] for r in results)
    assert results[0][0][0] == {"event": "b", "units": 2, "share": 1.0, "events": 2}


def test_xes_reads_trace_attributes_as_case_columns(tmp_path: Path) -> None:
    xes = tmp_path / "log.xes"
    xes.write_text(
        '<?xml version="1.0"?><log xmlns="http://www.xes-standard.org/">'
        '<trace><string key="concept:name" value="c1"/>'
        '<event><string key="concept:name" value="register"/><date key="time:timestamp" value="2020-01-01T10:00:00+01:00"/></event>'
        '<event><string key="concept:name" value="close"/><date key="time:timestamp" value="2020-01-01T11:00:00+01:00"/></event>'
        '</trace><trace><string key="concept:name" value="c2"/>'
        '<event><string key="concept:name" value="register"/><date key="time:timestamp" value="2020-01-02T10:00:00+00:00"/></event>'
        "</trace></log>"
    )
    with loaded(xes) as log:
        assert log.columns.preset == "xes"
        assert log.unit_kind == UnitKind.case
        assert log.total_units == 2
        assert (
            log.period_start.isoformat() == "2020-01-01T09:00:00+00:00"
        )  # +01:00 converted to UTC


def _xes(path: Path, events: list[str]) -> Path:
    body = "".join(
        f'<event><string key="concept:name" value="{e}"/>'
        f'<date key="time:timestamp" value="2020-01-01T10:0{i}:00+00:00"/></event>'
        for i, e in enumerate(events)
    )
    path.write_text(
        '<?xml version="1.0"?><log xmlns="http://www.xes-standard.org/"><trace>'
        f'<string key="concept:name" value="c1"/>{body}</trace></log>'
    )
    return path


def test_xes_is_parsed_once_and_again_when_the_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOURNEYLINE_CACHE_DIR", str(tmp_path / "cache"))
    xes = _xes(tmp_path / "log.xes", ["register", "close"])
    with loaded(xes) as log:
        assert variants(log).variants[0].path == ["register", "close"]
    cached = list((tmp_path / "cache" / "xes").glob("*.parquet"))
    assert len(cached) == 1
    with loaded(xes) as log:  # read from the cache: no second file
        assert variants(log).variants[0].path == ["register", "close"]
    assert list((tmp_path / "cache" / "xes").glob("*.parquet")) == cached
    _xes(xes, ["register", "check", "close"])
    with loaded(xes) as log:  # edited (new size and time): parsed again
        assert variants(log).variants[0].path == ["register", "check", "close"]


def test_ga4_preset_reads_microsecond_epochs(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "ga4.csv",
        ["user_pseudo_id", "event_name", "event_timestamp"],
        [["p1", "page_view", "1704103200000000"], ["p1", "purchase", "1704103260000000"]],
    )
    with loaded(path, LogSpec(preset="ga4")) as log:
        assert log.period_start.isoformat() == "2024-01-01T10:00:00+00:00"
        assert log.end_us - log.start_us == 60_000_000


def test_epoch_seconds_detected_by_magnitude(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "m.csv", ["distinct_id", "event", "time"], [["d", "x", "1704103200"]]
    )
    with loaded(path) as log:  # mixpanel layout, detected
        assert log.columns.preset == "mixpanel"
        assert log.period_start.isoformat() == "2024-01-01T10:00:00+00:00"


def test_segment_falls_back_to_anonymous_id(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "s.csv",
        ["user_id", "anonymous_id", "event", "timestamp"],
        [["", "anon1", "a", at(0)], ["u1", "anon2", "a", at(1)]],
    )
    with loaded(path, LogSpec(preset="segment")) as log:
        assert log.total_units == 2


def test_sessions_split_after_inactivity(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "e.csv",
        ["user_id", "event", "timestamp"],
        [["u1", "a", at(0)], ["u1", "b", at(29)], ["u1", "c", at(70)], ["u2", "a", at(0)]],
    )
    with loaded(path, LogSpec(unit_kind=UnitKind.session)) as log:
        assert log.total_units == 3
    with loaded(path, LogSpec(unit_kind=UnitKind.session, session_timeout_seconds=3600)) as log:
        assert log.total_units == 2


def test_explicit_columns_and_missing_column_message(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "e.csv", ["who", "what", "when"], [["u1", "a", at(0)]])
    with loaded(path, LogSpec(unit_col="who", event_col="what", time_col="when")) as log:
        assert log.total_events == 1
    with pytest.raises(InvalidInput) as info, loaded(path):
        pass
    message = info.value.message
    assert "missing unit column 'user_id'" in message
    assert "columns found: who, what, when" in message


def test_missing_columns_suggest_a_preset(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "e.csv",
        ["case:concept:name", "concept:name", "time:timestamp"],
        [["c", "a", at(0)]],
    )
    with (
        pytest.raises(InvalidInput, match="try --preset xes"),
        loaded(path, LogSpec(preset="amplitude")),
    ):
        pass


def test_unparsable_timestamps_are_counted_with_examples(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "e.csv",
        ["user_id", "event", "timestamp"],
        [
            ["u1", "a", at(0)],
            ["u1", "b", "yesterday"],
            ["u1", "c", "31/02/2024"],
            ["u2", "a", at(1)],
        ],
    )
    with pytest.raises(InvalidInput) as info, loaded(path):
        pass
    assert "2 of 4 timestamps" in info.value.message
    assert "row 2: 'yesterday'" in info.value.message
    assert "row 3: '31/02/2024'" in info.value.message


def test_mixed_naive_and_offset_timestamps_are_rejected(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "e.csv",
        ["user_id", "event", "timestamp"],
        [["u1", "a", "2024-01-01 10:00:00+02:00"], ["u1", "b", "2024-01-01 10:00:00"]],
    )
    message = "mixes time zones: 1 timestamps carry a UTC offset and 1 do not"
    with pytest.raises(InvalidInput, match=message), loaded(path):
        pass


def test_mixed_offsets_are_converted(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "e.csv",
        ["user_id", "event", "timestamp"],
        [["u1", "late", "2024-01-01 10:00:00+02:00"], ["u1", "early", "2024-01-01 09:30:00+00:00"]],
    )
    with loaded(path) as log:
        assert variants(log).variants[0].path == ["late", "early"]  # 08:00Z before 09:30Z


@pytest.mark.parametrize("content", ["", "user_id,event,timestamp\n"])
def test_empty_files(tmp_path: Path, content: str) -> None:
    path = tmp_path / "e.csv"
    path.write_text(content)
    with pytest.raises(InvalidInput, match=r"empty|no events"), loaded(path):
        pass


def test_unknown_extension_and_missing_file(tmp_path: Path) -> None:
    other = write_csv(tmp_path / "e.txt", ["a"], [["1"]])
    with pytest.raises(UsageError, match="unknown event file type"), loaded(other):
        pass
    with pytest.raises(NotFound), loaded(tmp_path / "nope.csv"):
        pass
