"""The vendors' own exports read as they write them: real samples first, then generated ones at scale."""

from __future__ import annotations

import gzip
import json
import random
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from journeyline.errors import InvalidInput
from journeyline.events import LogSpec, UnitKind, open_log, variants

VENDORS = Path(__file__).parent / "fixtures" / "events" / "vendors"


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOURNEYLINE_CACHE_DIR", str(tmp_path / "cache"))


def paths(path: Path, spec: LogSpec | None = None) -> list[tuple[list[str], int]]:
    with open_log(path, spec) as log:
        return [(v.path, v.units) for v in variants(log).variants]


def props(path: Path, spec: LogSpec) -> list[tuple[Any, ...]]:
    """The kept properties of every event, in journey order."""
    with open_log(path, spec) as log:
        cols = ", ".join(log.props[p] for p in spec.props)
        return log.engine.fetch(f"SELECT {cols} FROM ev ORDER BY unit, pos")


def lines(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


# Mixpanel ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["mixpanel_import.json", "mixpanel_import.ndjson"])
def test_mixpanel_import_sample_array_and_lines(name: str) -> None:
    with open_log(VENDORS / name) as log:  # detected, no --preset needed
        assert log.columns.preset == "mixpanel"
        assert log.total_units == 1 and log.total_events == 2
        assert log.period_start.isoformat() == "2021-04-18T03:27:57+00:00"  # ms, by magnitude
    spec = LogSpec(preset="mixpanel", props=("Item", "properties.URL"))
    assert props(VENDORS / name, spec) == [(None, "mixpanel.com/signup"), ("Coffee", None)]


def test_mixpanel_seconds_and_pretty_objects_with_trailing_commas() -> None:
    with open_log(VENDORS / "mixpanel_played_song.json") as log:
        assert log.period_start.isoformat() == "2020-09-29T20:42:11+00:00"
    # The docs' own example carries a trailing comma: it still reads.
    with open_log(VENDORS / "mixpanel_event_trailing_comma.json", LogSpec(props=("ip",))) as log:
        assert log.name(0) == "Signed up" and log.total_events == 1


def test_mixpanel_dotted_names_in_every_option() -> None:
    spec = LogSpec(
        preset="mixpanel",
        unit_col="properties.distinct_id",
        time_col="properties.time",
        props=("properties.$city",),
        channel_col="properties.mp_country_code",
    )
    with open_log(VENDORS / "mixpanel_event_enriched.json", spec) as log:
        assert log.columns.unit == "properties.distinct_id"
        assert log.engine.fetch(
            f"SELECT {log.props['properties.$city']}, {log.channel} FROM ev"
        ) == [("San Francisco", "US")]


def test_mixpanel_duplicates_on_insert_id_are_counted_once(tmp_path: Path) -> None:
    rows = [json.loads(x) for x in (VENDORS / "mixpanel_import.ndjson").read_text().splitlines()]
    retried = lines(tmp_path / "mp.jsonl", [rows[0], rows[1], rows[0]])
    with open_log(retried) as log:
        assert log.total_events == 2
        assert any("1 events repeat an earlier one" in w for w in log.warnings)


# Segment -------------------------------------------------------------------------------


def segment_calls(tmp_path: Path) -> Path:
    """The spec's track, page and identify examples as one export, plus an anonymous page
    view before the identify call and a line without any timestamp."""
    track, page, identify = (
        json.loads((VENDORS / f"segment_{k}.json").read_text())
        for k in ("track", "page", "identify")
    )
    anonymous = {**page, "userId": None, "name": None, "timestamp": None, "messageId": "m0"}
    anonymous["originalTimestamp"] = "2015-02-23T22:20:00.000Z"
    unnamed = {**page, "name": None, "properties": {}, "timestamp": "2015-02-23T22:30:00.000Z"}
    timeless = {**track, "timestamp": None, "originalTimestamp": None, "sentAt": None}
    timeless["receivedAt"] = None
    return lines(tmp_path / "segment.jsonl", [anonymous, track, identify, page, unnamed, timeless])


def test_segment_names_pages_stitches_anonymous_ids_and_skips_timeless_lines(
    tmp_path: Path,
) -> None:
    path = segment_calls(tmp_path)
    with open_log(path) as log:
        assert log.columns.preset == "segment"
        assert log.total_units == 2  # 97980cfea0067 (with its anonymous page) and AiUGstSDIg
        assert log.total_events == 4
        assert any("1 events have no timestamp" in w for w in log.warnings)
        assert any("1 identify, group or alias calls" in w for w in log.warnings)
    assert sorted(paths(path)) == [(["Course Clicked"], 1), (["page", "Home", "page"], 1)]


def test_segment_properties_by_bare_and_dotted_name() -> None:
    spec = LogSpec(preset="segment", props=("title", "context.page.url"))
    assert props(VENDORS / "segment_track.json", spec) == [
        ("Intro to Analytics", "https://segment.com/academy/")
    ]


def test_segment_identify_only_file_says_why_there_are_no_events() -> None:
    with pytest.raises(InvalidInput, match="identify, group or alias calls are not events"):
        paths(VENDORS / "segment_identify.json", LogSpec(preset="segment"))


# Amplitude ------------------------------------------------------------------------------


def amplitude_rows() -> list[dict[str, Any]]:
    sample = json.loads((VENDORS / "amplitude_export_event.json").read_text())
    anonymous = {**sample, "user_id": None, "device_id": "d-1", "event_type": "Viewed Home"}
    anonymous["event_time"] = "2026-06-01 14:20:00.250000"
    cased = {**sample, "event_time": "2026-06-01 14:25:00.000000", "event_type": "Opened"}
    cased["user_properties"] = {"city": "Lisbon", "City": "LISBON", "plan_type": "free"}
    return [anonymous, sample, cased]


def test_amplitude_device_fallback_and_keys_differing_in_case(tmp_path: Path) -> None:
    path = lines(tmp_path / "amp.json", amplitude_rows())
    with open_log(path) as log:
        assert log.columns.preset == "amplitude"
        assert log.total_units == 2 and log.total_events == 3
        assert log.period_start.isoformat() == "2026-06-01T14:20:00.250000+00:00"
    spec = LogSpec(preset="amplitude", props=("user_properties.city", "plan_type", "amount"))
    assert props(path, spec)[-1] == ("Lisbon", "free", "99.0")


def test_amplitude_export_zip_of_gzipped_hours(tmp_path: Path) -> None:
    rows = amplitude_rows()
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for hour, row in enumerate(rows):
            data = gzip.compress((json.dumps(row) + "\n").encode())
            zf.writestr(f"187520/187520_2026-06-01_{14 + hour}#0.json.gz", data)
    assert sorted(paths(archive)) == [
        (["Purchase Completed", "Opened"], 1),
        (["Viewed Home"], 1),
    ]


def test_a_zip_without_json_says_so(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("readme.txt", "nothing")
    with pytest.raises(InvalidInput, match=r"holds no \.json or \.json\.gz files"):
        paths(archive)


# GA4 ------------------------------------------------------------------------------------


def test_ga4_row_params_by_key_and_pseudo_id_fallback() -> None:
    spec = LogSpec(props=("ga_session_id", "firebase_screen_class", "geo.city", "first_open_time"))
    with open_log(VENDORS / "ga4_screen_view.json", spec) as log:
        assert log.columns.preset == "ga4"
        assert log.period_start.isoformat() == "2023-08-28T09:36:03.466006+00:00"
        assert log.total_units == 1
    assert props(VENDORS / "ga4_screen_view.json", spec) == [
        ("1693215306", "TextbookActivity", "Seoul", "1692234000000")
    ]


def test_ga4_sessions_default_to_ga_session_id() -> None:
    spec = LogSpec(preset="ga4", unit_col="stream_id", unit_kind=UnitKind.session)
    assert sorted(paths(VENDORS / "ga4_dbt_events.jsonl", spec)) == [
        (["page_view"], 1),
        (["page_view", "page_view"], 1),
    ]
    with pytest.raises(
        InvalidInput, match=r"missing unit column 'user_id' \(or 'user_pseudo_id'\)"
    ):
        paths(VENDORS / "ga4_dbt_events.jsonl", LogSpec(preset="ga4"))


def test_ga4_string_ints_in_a_json_array() -> None:
    spec = LogSpec(
        preset="ga4", unit_col="privacy_info.analytics_storage", props=("ga_session_id",)
    )
    assert props(VENDORS / "ga4_firebase_event.json", spec) == [("1631285116",)]


def test_ga4_parquet_export_reads_like_its_json(tmp_path: Path) -> None:
    import duckdb

    parquet = tmp_path / "events_20230828.parquet"
    source = str(VENDORS / "ga4_screen_view.json")
    value = (
        "STRUCT(string_value VARCHAR, int_value BIGINT, float_value DOUBLE, double_value DOUBLE)"
    )
    typed = {  # the BigQuery export's types
        "event_timestamp": "BIGINT",
        "event_name": "VARCHAR",
        "user_id": "VARCHAR",
        "user_pseudo_id": "VARCHAR",
        "geo": "STRUCT(city VARCHAR, country VARCHAR)",
        "event_params": f"STRUCT(key VARCHAR, value {value})[]",
    }
    duckdb.sql(
        f"COPY (SELECT * FROM read_json('{source}', columns = {typed})) TO '{parquet}' "
        "(FORMAT parquet)"
    )
    spec = LogSpec(props=("ga_session_id", "geo.city"))
    assert props(parquet, spec) == props(VENDORS / "ga4_screen_view.json", spec)


# Everywhere -----------------------------------------------------------------------------


def test_bom_crlf_gzip_and_pretty_arrays_read_alike(tmp_path: Path) -> None:
    rows = [json.loads(x) for x in (VENDORS / "mixpanel_import.ndjson").read_text().splitlines()]
    bom = tmp_path / "bom.jsonl"
    bom.write_bytes(b"\xef\xbb\xbf" + b"\r\n".join(json.dumps(r).encode() for r in rows) + b"\n")
    pretty = tmp_path / "pretty.json.gz"
    pretty.write_bytes(gzip.compress(json.dumps(rows, indent=2).encode()))
    expected = paths(VENDORS / "mixpanel_import.ndjson")
    assert paths(bom) == paths(pretty) == expected == [(["Signup", "Purchase"], 1)]


def test_malformed_json_names_the_line_not_the_engine(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    good = '{"event": "a", "properties": {"time": 1, "distinct_id": "u"}}\n'
    path.write_text(good + '{"event": \n' + good)
    with pytest.raises(InvalidInput) as info:
        paths(path)
    message = info.value.message
    assert "line 2 is not valid JSON" in message
    assert "Malformed" not in message and "DuckDB" not in message


def test_rows_without_a_unit_or_time_are_skipped_with_counts(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text(
        "user_id,event,timestamp\nu1,a,2024-01-01 10:00:00\n,b,2024-01-01 10:01:00\n"
        "u1,c,\nu2,a,2024-01-01 10:00:00\n"
    )
    with open_log(path) as log:
        assert log.total_events == 2
        assert "1 events have no timestamp ('timestamp' empty) and are left out" in log.warnings
        assert "1 events have no unit ('user_id' empty) and are left out" in log.warnings


def test_csv_with_mixed_line_endings_reads(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        b"user_id,event,timestamp\r\nu1,a,2024-01-01 10:00:00\nu1,b,2024-01-01 10:01:00\r\n"
        b"u2,a,2024-01-01 10:00:00\n"
    )
    assert sorted(paths(path)) == [(["a"], 1), (["a", "b"], 1)]


def test_csv_unterminated_quote_in_the_header_says_so(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text('"user_pseudo_id,event_name,event_timestamp\nu1,a,1704103200000000\n')
    with pytest.raises(InvalidInput, match="line 1: unterminated quote in the header") as info:
        paths(path, LogSpec(preset="ga4"))
    assert "missing" not in info.value.message


def test_keeping_two_names_that_differ_only_in_case_is_refused_clearly(tmp_path: Path) -> None:
    path = lines(tmp_path / "amp.json", amplitude_rows())
    spec = LogSpec(props=("user_properties.city", "user_properties.City"))
    with pytest.raises(InvalidInput, match="differ only in case"):
        paths(path, spec)


def test_the_conversion_is_cached_and_redone_when_the_file_changes(tmp_path: Path) -> None:
    path = lines(tmp_path / "amp.json", amplitude_rows())
    assert len(paths(path)) == 2
    cached = sorted((tmp_path / "cache" / "events").glob("*.parquet"))
    assert len(cached) == 1
    assert len(paths(path)) == 2
    assert sorted((tmp_path / "cache" / "events").glob("*.parquet")) == cached
    lines(path, amplitude_rows()[:1])
    assert paths(path) == [(["Viewed Home"], 1)]


# Generated at scale ---------------------------------------------------------------------

N = 100_000


def generated(vendor: str, path: Path, n: int = N, seed: int = 7) -> tuple[int, int]:
    """Write `n` events in a vendor's layout; return (units, events) a reader must find."""
    rng = random.Random(seed)
    names = ["Viewed Home", "Searched", "Viewed Product", "Added To Cart", "Purchased"]
    users = [f"u{i}" for i in range(n // 20)]
    seen: set[str] = set()
    t0 = 1_700_000_000
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            user, event, t = rng.choice(users), rng.choice(names), t0 + i
            seen.add(user)
            if vendor == "mixpanel":
                props = {"time": t, "distinct_id": user, "$insert_id": f"i{i}", "plan": "pro"}
                row: dict[str, Any] = {"event": event, "properties": props}
            elif vendor == "segment":
                row = {
                    "type": "track",
                    "event": event,
                    "userId": user,
                    "anonymousId": f"a-{user}",
                    "messageId": f"m{i}",
                    "timestamp": f"2023-11-14T{(i // 3600) % 24:02d}:{(i // 60) % 60:02d}:{i % 60:02d}.000Z",
                    "properties": {"plan": "pro"},
                }
            elif vendor == "amplitude":
                row = {
                    "event_type": event,
                    "user_id": user,
                    "device_id": f"d-{user}",
                    "event_time": f"2023-11-14 {(i // 3600) % 24:02d}:{(i // 60) % 60:02d}:{i % 60:02d}.000000",
                    "user_properties": {"city": "Lisbon", "City": "LISBON"},
                }
            else:
                row = {
                    "event_name": event,
                    "event_timestamp": str(t * 1_000_000),
                    "user_pseudo_id": user,
                    "event_params": [
                        {"key": "ga_session_id", "value": {"int_value": str(t // 1800)}},
                        {"key": "page_location", "value": {"string_value": "https://x.test/"}},
                    ],
                }
            out.write(json.dumps(row) + "\n")
    return len(seen), n


@pytest.mark.parametrize("vendor", ["mixpanel", "segment", "amplitude", "ga4"])
def test_generated_exports_at_scale(vendor: str, tmp_path: Path) -> None:
    path = tmp_path / f"{vendor}.jsonl"
    units, events = generated(vendor, path)
    prop = {"mixpanel": "plan", "segment": "plan", "amplitude": "user_properties.City"}.get(
        vendor, "page_location"
    )
    with open_log(path, LogSpec(props=(prop,))) as log:
        assert log.columns.preset == vendor
        assert (log.total_units, log.total_events) == (units, events)
        assert log.warnings == []
        kept = log.engine.fetch(f"SELECT COUNT(DISTINCT {log.props[prop]}) FROM ev")[0][0]
        assert kept == 1


def test_cli_reads_a_mixpanel_export_with_dotted_options(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from journeyline.cli import app

    path = shutil.copy(VENDORS / "mixpanel_import.json", tmp_path / "export.json")
    args = ["events", "reach", str(path), "--preset", "mixpanel"]
    args += ["--unit-col", "properties.distinct_id", "--format", "json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["log"]["units"] == 1 and data["log"]["events"] == 2


def test_an_object_kept_whole_and_by_its_fields() -> None:
    spec = LogSpec(preset="segment", props=("context.page", "context.page.url"))
    ((page, url),) = props(VENDORS / "segment_track.json", spec)
    assert json.loads(page)["title"] == "Analytics Academy"
    assert url == "https://segment.com/academy/"


def test_a_large_export_keeps_file_order_and_drops_only_true_repeats(tmp_path: Path) -> None:
    """The conversion parses in parallel (several read buffers): the flat file must still
    number the records in file order, and of the rows sharing an `$insert_id` drop only
    those repeating an earlier one's event, distinct_id and time, wherever they are."""
    import duckdb

    from journeyline.events.vendors import flatten_log

    n, t0 = 300_000, 1_700_000_000
    path = tmp_path / "mp.jsonl"
    repeats = {1_000: 7, 150_000: 2, 299_999: 123_456}  # row → the earlier row it repeats
    pad = "https://shop.example/" + "p" * 130
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            j = repeats.get(i, i)
            props = {"time": t0 + j, "distinct_id": f"u{j % 997}", "$insert_id": f"i{j}"}
            if i == 200_000:  # an id reused by another event: no repeat
                props["$insert_id"] = "i5"
            if i == 250_000:
                props["time"] = "  "
            props["$current_url"] = pad  # DuckDB reads 32 MB buffers: the file needs several
            out.write(json.dumps({"event": f"e{j % 3}", "properties": props}) + "\n")
    assert path.stat().st_size > 64_000_000
    flat = flatten_log(path, "jsonl", LogSpec(preset="mixpanel"), tmp_path / "flat")
    assert flat.warnings == [
        "1 events have no timestamp ('time' empty) and are left out",
        "3 events repeat an earlier one (same event, distinct_id, time and $insert_id) and "
        "are counted once, as Mixpanel does",
    ]
    con = duckdb.connect()
    rows = con.execute(
        f"SELECT __seq, time FROM read_parquet('{flat.path}')"  # as the file stores them
    ).fetchall()
    con.close()
    gone = {*repeats, 250_000}
    assert [seq for seq, _ in rows] == [i for i in range(n) if i not in gone]
    assert all(int(time) == t0 + seq for seq, time in rows)


def _flat_schema(path: Path) -> dict[str, str]:
    import duckdb

    con = duckdb.connect()
    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()
    finally:
        con.close()
    return {str(r[0]): str(r[1]) for r in rows}


def test_numeric_times_are_read_as_numbers_and_a_clean_export_needs_no_numbering(
    tmp_path: Path,
) -> None:
    """Mixpanel's seconds stay numbers in the flat file, and an export the vendor's rules
    leave whole is written once, its row numbers the records' (no `__seq` column)."""
    from journeyline.events.vendors import flatten_log

    rows = [
        {
            "event": "e",
            "properties": {"time": 1_700_000_000 + i, "distinct_id": "u", "$insert_id": f"i{i}"},
        }
        for i in range(10)
    ]
    flat = flatten_log(
        lines(tmp_path / "mp.jsonl", rows), "jsonl", LogSpec(preset="mixpanel"), tmp_path
    )
    schema = _flat_schema(flat.path)
    assert schema["time"] == "DOUBLE" and "__seq" not in schema
    with open_log(tmp_path / "mp.jsonl", LogSpec(preset="mixpanel")) as log:
        assert log.total_events == 10
        assert log.period_start.isoformat() == "2023-11-14T22:13:20+00:00"


def test_a_text_time_after_the_sampled_numbers_is_read_as_text(tmp_path: Path) -> None:
    """The first 2,000 records decide that times are numbers; a later ISO time makes the
    reader read them all as text, and both kinds land on the same clock."""
    from journeyline.events.vendors import flatten_log

    rows: list[dict[str, Any]] = [
        {"event": "a", "properties": {"time": 1_700_000_000, "distinct_id": f"u{i}"}}
        for i in range(2_500)
    ]
    rows.append({"event": "b", "properties": {"time": "2023-11-14T22:13:30", "distinct_id": "u0"}})
    path = lines(tmp_path / "mp.jsonl", rows)
    flat = flatten_log(path, "jsonl", LogSpec(preset="mixpanel"), tmp_path / "flat")
    assert _flat_schema(flat.path)["time"] == "VARCHAR"
    assert (["a", "b"], 1) in paths(path, LogSpec(preset="mixpanel"))


def test_nanosecond_integers_keep_their_precision(tmp_path: Path) -> None:
    """Integers past 2^53 would lose digits as DOUBLE: they are read as text."""
    rows = [
        {
            "event": "e",
            "properties": {"time": 1_700_000_000_123_456_789 + i * 1000, "distinct_id": "u"},
        }
        for i in range(3)
    ]
    with open_log(lines(tmp_path / "mp.jsonl", rows), LogSpec(preset="mixpanel")) as log:
        assert log.period_start.isoformat() == "2023-11-14T22:13:20.123456+00:00"
        assert log.period_end.isoformat() == "2023-11-14T22:13:20.123458+00:00"


@pytest.mark.parametrize("in_memory", [True, False])
def test_repeats_are_found_by_sorted_hashes_and_by_grouping_alike(
    in_memory: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Up to `_SORT_IN_MEMORY` ids the hashes are sorted in memory, beyond DuckDB groups
    them: the same rows are dropped, and the rewritten file numbers the records kept."""
    import duckdb

    from journeyline.events import vendors
    from journeyline.events.vendors import flatten_log

    if not in_memory:
        monkeypatch.setattr(vendors, "_SORT_IN_MEMORY", 0)
    rows = []
    for i in range(5_000):
        j = i - 1 if i % 1_000 == 999 else i  # every 1,000th record repeats the one before
        props = {"time": 1_700_000_000 + j, "distinct_id": f"u{j % 7}", "$insert_id": f"i{j}"}
        rows.append({"event": "e", "properties": props})
    rows.append({"event": "other", "properties": {**rows[0]["properties"]}})  # same id, other event
    flat = flatten_log(
        lines(tmp_path / "mp.jsonl", rows), "jsonl", LogSpec(preset="mixpanel"), tmp_path
    )
    assert flat.warnings == [
        "5 events repeat an earlier one (same event, distinct_id, time and $insert_id) and "
        "are counted once, as Mixpanel does"
    ]
    con = duckdb.connect()
    seqs = [r[0] for r in con.execute(f"SELECT __seq FROM read_parquet('{flat.path}')").fetchall()]
    con.close()
    assert seqs == [i for i in range(5_001) if i % 1_000 != 999]
