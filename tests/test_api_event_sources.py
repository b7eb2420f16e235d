# ruff: noqa: F811 - pytest fixtures are imported from tests.api_support by name
"""Event sources in a workspace: uploads of the vendors' real exports, hostile files, server
paths and URLs (admins), refresh and delete, and the library the analyses read through."""

from __future__ import annotations

import gzip
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from journeyline.events import reach
from journeyline.store.tables import Account
from journeyline.web import Settings
from tests.api_support import World, build_world, database, envelope_of  # noqa: F401

VENDORS = Path(__file__).parent / "fixtures" / "events" / "vendors"

CSV = (
    "user_id,event,timestamp,plan\n"
    "u1,visit,2024-03-01T10:00:00Z,free\n"
    "u1,signup,2024-03-01T10:05:00Z,free\n"
    "u2,visit,2024-03-02T09:00:00Z,pro\n"
    "u2,signup,2024-03-03T09:00:00Z,pro\n"
    "u3,visit,2024-03-04T12:00:00Z,free\n"
)


@pytest.fixture
def world(database, tmp_path: Path) -> Iterator[World]:  # type: ignore[no-untyped-def]
    built = build_world(database, Settings(data_dir=str(tmp_path / "data")))
    with database.writing() as session:
        session.execute(
            update(Account).where(Account.email == "owner@example.org").values(is_admin=True)
        )
    # The token cache holds actors: rebuild the owner's client with a fresh token.
    from fastapi.testclient import TestClient

    from journeyline.store import accounts

    with database.reading() as session:
        account = session.query(Account).filter_by(email="owner@example.org").one()
        admin = accounts.actor_of(account)
    _, secret = accounts.create_api_token(database, admin, "admin")
    built.actors["owner"] = admin
    built.clients["owner"] = TestClient(
        built.app, headers={"Authorization": f"Bearer {secret}"}, raise_server_exceptions=False
    )
    yield built
    for client in built.clients.values():
        client.close()


def base(world: World) -> str:
    return f"/api/workspaces/{world.workspace}/event-sources"


def upload(world: World, name: str, data: bytes, who: str = "editor", **form: str):  # type: ignore[no-untyped-def]
    return world.client(who).post(
        base(world) + "/upload", files={"file": (name, data)}, data=form or None
    )


def test_an_uploaded_csv_is_listed_with_its_range_units_and_events(world: World) -> None:
    created = upload(world, "events.csv", CSV.encode())
    assert created.status_code == 201, created.text
    source = created.json()
    assert source["kind"] == "upload" and source["status"] == "ready"
    assert (source["units"], source["events"], source["event_names"]) == (3, 5, 2)
    assert source["period_start"] == "2024-03-01T10:00:00Z"
    assert source["period_end"] == "2024-03-04T12:00:00Z"
    assert source["preset"] == "generic" and source["properties"] == ["plan"]
    assert source["refreshed_at"] and source["location"] is None
    listed = world.client("viewer").get(base(world)).json()["sources"]
    assert [s["id"] for s in listed] == [source["id"]]
    # The library gives the analyses one flat Parquet file and the spec to read it with.
    sources = world.app.state.event_sources
    target = sources.read_target(world.actors["viewer"], world.workspace, source["id"])
    assert target.path.suffix == ".parquet" and target.path.is_file()
    with sources.open_log(
        world.actors["viewer"], world.workspace, source["id"], props=("plan",)
    ) as log:
        result = reach(log).to_dict()
        assert {e["event"]: e["units"] for e in result["events"]} == {"visit": 3, "signup": 2}
        assert log.props == {"plan": "p0"}


@pytest.mark.parametrize(
    ("fixture", "preset", "units", "events", "prop", "with_prop"),
    [
        ("mixpanel_import.json", "mixpanel", 1, 2, "properties.Item", 1),
        ("mixpanel_import.ndjson", "mixpanel", 1, 2, "Item", 1),
        ("mixpanel_import.ndjson", "mixpanel", 1, 2, "URL", 1),
        ("mixpanel_event_trailing_comma.json", "mixpanel", 1, 1, "properties.$insert_id", 1),
        ("segment_track.json", "segment", 1, 1, "properties.title", 1),
        ("segment_track.json", "segment", 1, 1, "context.page.path", 1),
        ("segment_page.json", "segment", 1, 1, "title", 1),
        ("amplitude_export_event.json", "amplitude", 1, 1, "event_properties.amount", 1),
        ("ga4_screen_view.json", "ga4", 1, 1, "firebase_screen_class", 1),
    ],
)
def test_the_vendors_real_exports_upload_and_keep_their_properties(
    world: World, fixture: str, preset: str, units: int, events: int, prop: str, with_prop: int
) -> None:
    created = upload(world, fixture, (VENDORS / fixture).read_bytes())
    assert created.status_code == 201, created.text
    source = created.json()
    assert (source["preset"], source["units"], source["events"]) == (preset, units, events)
    assert prop in source["properties"], source["properties"]
    sources = world.app.state.event_sources
    with sources.open_log(
        world.actors["viewer"], world.workspace, source["id"], props=(prop,)
    ) as log:
        assert log.total_events == events
        value = log.engine.fetch(f"SELECT COUNT({log.props[prop]}) FROM ev")[0][0]
        assert value == with_prop


@pytest.mark.parametrize(
    ("fixture", "fields"),
    [
        ("mixpanel_import.json", ("distinct_id", None, "event", "time")),
        ("segment_track.json", ("userId", "anonymousId", "event", "timestamp")),
        ("amplitude_export_event.json", ("user_id", "device_id", "event_type", "event_time")),
        ("ga4_screen_view.json", ("user_id", "user_pseudo_id", "event_name", "event_timestamp")),
    ],
)
def test_a_source_says_which_fields_of_the_export_it_was_read_with(
    world: World, fixture: str, fields: tuple[str, str | None, str, str]
) -> None:
    """What the upload page shows to confirm: who, what and when, in the export's own names."""
    created = upload(world, fixture, (VENDORS / fixture).read_bytes())
    assert created.status_code == 201, created.text
    read = created.json()["fields"]
    assert (read["unit"], read["unit_fallback"], read["event"], read["time"]) == fields
    listed = world.client("viewer").get(base(world)).json()["sources"]
    assert listed[0]["fields"] == read


def test_a_segment_export_with_identify_stitches_the_anonymous_page_to_its_user(
    world: World,
) -> None:
    lines = [
        json.loads((VENDORS / name).read_text())
        for name in ("segment_page.json", "segment_identify.json", "segment_track.json")
    ]
    data = "\n".join(json.dumps(line) for line in lines).encode()
    created = upload(world, "segment.jsonl.gz", gzip.compress(data))
    assert created.status_code == 201, created.text
    source = created.json()
    assert source["preset"] == "segment" and source["events"] == 2
    assert any("identify" in w for w in source["warnings"])


def test_reading_options_are_kept_and_used(world: World) -> None:
    text = "who,what,when\na,x,1709287200\na,y,1709290800\n"
    created = upload(
        world,
        "custom.csv",
        text.encode(),
        options=json.dumps(
            {"unit_col": "who", "event_col": "what", "time_col": "when", "time_unit": "s"}
        ),
    )
    assert created.status_code == 201, created.text
    source = created.json()
    assert source["options"]["unit_col"] == "who" and source["events"] == 2
    assert source["period_start"] == "2024-03-01T10:00:00Z"


@pytest.mark.parametrize(
    ("name", "data", "status", "says"),
    [
        ("events.csv", b"", 422, "empty"),
        ("events.csv", b"a,b,c\n1,2,3\n", 422, "missing unit column 'user_id'"),
        ("events.csv", b"user_id,event,timestamp\nu1,x,yesterday\n", 422, "cannot be read"),
        ("events.json", b'{"event": "x", "properties": {"time": 1, "distinct_id"', 422, "JSON"),
        ("events.parquet", b"PAR1 not really a parquet file", 422, "events.parquet"),
        ("events.zip", b"PK\x03\x04 broken zip", 422, "zip"),
        ("events.exe", b"MZ", 400, "unknown event file type"),
        ("events.csv.gz", b"\x1f\x8b\x08\x00garbage", 422, "events.csv.gz"),
        ("../../etc/passwd.csv", b"user_id,event,timestamp\n", 422, "passwd.csv"),
    ],
)
def test_hostile_uploads_get_clear_json_errors_and_leave_nothing(
    world: World, name: str, data: bytes, status: int, says: str
) -> None:
    response = upload(world, name, data)
    assert response.status_code == status, response.text
    error = envelope_of(response)
    assert says in error["message"], error["message"]
    assert "/tmp" not in error["message"] and "incoming" not in error["message"]
    assert world.client("viewer").get(base(world)).json()["sources"] == []
    folder = Path(world.app.state.event_sources.folder)
    assert not folder.exists() or list(folder.iterdir()) == []


def test_bad_options_are_refused_with_where(world: World) -> None:
    response = upload(world, "e.csv", CSV.encode(), options='{"preset": "heap"}')
    assert response.status_code == 422
    assert "unknown preset 'heap'" in envelope_of(response)["message"]
    response = upload(world, "e.csv", CSV.encode(), options="{not json")
    assert response.status_code == 422
    assert envelope_of(response)["diagnostics"][0]["message"].startswith("options:")
    response = upload(world, "e.csv", CSV.encode(), options='{"colour": "red"}')
    assert "unknown reading option 'colour'" in envelope_of(response)["message"]


def test_an_upload_over_the_limit_is_refused(database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    built = build_world(database, Settings(data_dir=str(tmp_path / "d"), event_upload_bytes=100))
    response = built.client("editor").post(
        f"/api/workspaces/{built.workspace}/event-sources/upload",
        files={"file": ("events.csv", CSV.encode() * 10)},
    )
    assert response.status_code == 413
    assert envelope_of(response)["type"] in {"TooLarge", "LimitExceeded"}


def test_roles_outsiders_and_unknown_sources(world: World) -> None:
    assert upload(world, "e.csv", CSV.encode(), who="viewer").status_code == 403
    assert upload(world, "e.csv", CSV.encode(), who="commenter").status_code == 403
    source = upload(world, "e.csv", CSV.encode()).json()
    outsider = world.client("outsider")
    assert outsider.get(base(world)).status_code == 404
    assert outsider.get(f"{base(world)}/{source['id']}").status_code == 404
    foreign = f"/api/workspaces/{world.foreign_workspace}/event-sources/{source['id']}"
    assert outsider.get(foreign).status_code == 404
    missing = world.client("viewer").get(f"{base(world)}/es_nothing")
    assert missing.status_code == 404
    assert "does not exist" in envelope_of(missing)["message"]
    assert world.client("viewer").delete(f"{base(world)}/{source['id']}").status_code == 403


def test_rename_refresh_and_delete(world: World) -> None:
    editor = world.client("editor")
    source = upload(world, "e.csv", CSV.encode()).json()
    renamed = editor.patch(f"{base(world)}/{source['id']}", json={"name": "Web events"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Web events"
    refreshed = editor.post(f"{base(world)}/{source['id']}/refresh")
    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.json()["events"] == 5
    assert refreshed.json()["refreshed_at"] >= source["refreshed_at"]
    path = world.app.state.event_sources.data_path(source["id"])
    assert path.is_file()
    assert editor.delete(f"{base(world)}/{source['id']}").status_code == 204
    assert not path.exists()
    assert editor.get(f"{base(world)}/{source['id']}").status_code == 404


def test_server_paths_are_for_admins_and_refresh_reads_them_again(
    world: World, tmp_path: Path
) -> None:
    events = tmp_path / "server-events.csv"
    events.write_text(CSV)
    body = {"kind": "path", "location": str(events)}
    refused = world.client("editor").post(base(world), json=body)
    assert refused.status_code == 403
    assert "server admin" in envelope_of(refused)["message"]
    created = world.client("owner").post(base(world), json=body)
    assert created.status_code == 201, created.text
    source = created.json()
    assert source["kind"] == "path" and source["location"] == str(events) and source["events"] == 5
    events.write_text(CSV + "u4,visit,2024-03-05T12:00:00Z,pro\n")
    again = world.client("owner").post(f"{base(world)}/{source['id']}/refresh").json()
    assert again["events"] == 6 and again["units"] == 4
    # A refresh that fails keeps the previous events and says why.
    events.write_text("nothing,useful\n1,2\n")
    failed = world.client("owner").post(f"{base(world)}/{source['id']}/refresh")
    assert failed.status_code == 422
    kept = world.client("viewer").get(f"{base(world)}/{source['id']}").json()
    assert kept["events"] == 6 and kept["status"] == "ready" and "missing" in kept["error"]
    for bad, says in (("relative.csv", "absolute"), (str(tmp_path / "none.csv"), "no such file")):
        response = world.client("owner").post(base(world), json={"kind": "path", "location": bad})
        assert says in envelope_of(response)["message"]


def test_a_url_is_downloaded_and_converted(world: World, tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "events.csv").write_text(CSV)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            super().__init__(*args, directory=str(tmp_path / "site"), **kwargs)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/events.csv"
        created = world.client("owner").post(base(world), json={"kind": "url", "location": url})
        assert created.status_code == 201, created.text
        assert created.json()["events"] == 5
        missing = world.client("owner").post(
            base(world), json={"kind": "url", "location": url.replace("events", "gone")}
        )
        assert missing.status_code == 422
        assert "cannot be downloaded" in envelope_of(missing)["message"]
    finally:
        server.shutdown()
        server.server_close()
    bad = world.client("owner").post(
        base(world), json={"kind": "url", "location": "file:///etc/passwd"}
    )
    assert "http(s)" in envelope_of(bad)["message"]


def test_a_postgres_table_needs_a_postgres_server(world: World) -> None:
    if world.db.engine.url.get_backend_name() == "postgresql":
        pytest.skip("covered by the PostgreSQL test")
    response = world.client("owner").post(
        base(world), json={"kind": "postgres", "location": "events"}
    )
    assert response.status_code == 400
    assert "PostgreSQL" in envelope_of(response)["message"]


def test_a_postgres_table_is_read_by_admins(world: World) -> None:
    if world.db.engine.url.get_backend_name() != "postgresql":
        pytest.skip("needs the PostgreSQL backend")
    from sqlalchemy import text

    schema = "evsrc_" + world.workspace.lower().replace("w_", "")[:10]
    with world.db.engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        connection.execute(
            text(
                f'CREATE TABLE "{schema}".events (user_id text, event text, timestamp timestamptz)'
            )
        )
        connection.execute(
            text(
                f'INSERT INTO "{schema}".events VALUES '
                "('u1', 'visit', '2024-03-01T10:00:00Z'), ('u1', 'buy', '2024-03-01T11:00:00Z')"
            )
        )
    try:
        body = {"kind": "postgres", "location": f"{schema}.events"}
        assert world.client("editor").post(base(world), json=body).status_code == 403
        created = world.client("owner").post(base(world), json=body)
        assert created.status_code == 201, created.text
        assert created.json()["events"] == 2 and created.json()["units"] == 1
        own = world.client("owner").post(
            base(world), json={"kind": "postgres", "location": "accounts"}
        )
        assert own.status_code == 403
        gone = world.client("owner").post(
            base(world), json={"kind": "postgres", "location": f"{schema}.nothing"}
        )
        assert gone.status_code == 404
    finally:
        with world.db.engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
