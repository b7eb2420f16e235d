# ruff: noqa: F811 - pytest fixtures are imported from tests.api_support by name
"""Hostile input gets a clear 4xx that says what and where, the same on SQLite and PostgreSQL,
and nothing it sends can poison a map or a workspace (issue 9, parts 3, 4, 5 and 9)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import update

from journeyline.store.tables import MapRecord, Revision, WorkspaceRecord
from journeyline.web import Settings, create_app
from journeyline.web.errors import ServerErrors
from tests.api_support import World, database, envelope_of, world  # noqa: F401

JSON = {"content-type": "application/json"}


def _ws(world: World) -> str:
    return f"/api/workspaces/{world.workspace}"


def _patch(world: World, path: str, body: bytes) -> Any:
    etag = world.etag("owner", path if "/steps/" not in path else path.rsplit("/steps/", 1)[0])
    return world.client("owner").patch(path, content=body, headers={**JSON, "If-Match": etag})


@pytest.mark.parametrize(
    ("body", "number", "where"),
    [
        (b'{"goal": NaN}', "NaN", "goal"),
        (b'{"goal": "x", "backstory": {"story": Infinity}}', "Infinity", "backstory.story"),
        (b'{"tags": [1, -Infinity]}', "-Infinity", "tags[1]"),
        (b'{"emotion": 1e400}', "1e400", "emotion"),
    ],
)
def test_non_finite_numbers_are_refused_with_400_and_where(
    world: World, body: bytes, number: str, where: str
) -> None:
    path = f"{_ws(world)}/maps/trial-a"
    if where == "emotion":
        path += "/steps/form-a"
    response = _patch(world, path, body)
    assert response.status_code == 400, response.text
    error = envelope_of(response)
    assert error["type"] == "NonFiniteNumber"
    assert f"'{number}' at {where} is not a finite number" in error["message"]
    assert error["diagnostics"][0]["file"] == "body"
    assert error["diagnostics"][0]["message"].startswith(f"{where}: ")
    # Nothing was stored: the map still reads, whole.
    assert world.client("owner").get(f"{_ws(world)}/maps/trial-a").status_code == 200


def test_a_new_workspace_with_infinity_in_its_source_is_refused(world: World) -> None:
    body = (
        b'{"name": "x", "source": {"maps": [{"name": "m", "stages": [{"name": "s", '
        b'"steps": [{"name": "a", "emotion": Infinity}]}]}]}}'
    )
    response = world.client("owner").post("/api/workspaces", content=body, headers=JSON)
    assert response.status_code == 400, response.text
    assert "source.maps[0].stages[0].steps[0].emotion" in envelope_of(response)["message"]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b'{"goal": "a\\u0000b"}', "NUL character"),
        (b'{"goal": "\\ud800"}', "lone surrogate (\\ud800)"),
        (b'{"goal": "ok", "tags": ["\\udfff x"]}', "lone surrogate (\\udfff)"),
    ],
)
def test_text_no_store_can_keep_is_refused_alike_on_both_stores(
    world: World, body: bytes, problem: str
) -> None:
    response = _patch(world, f"{_ws(world)}/maps/trial-a", body)
    assert response.status_code == 422, response.text
    error = envelope_of(response)
    assert error["type"] == "InvalidInput"
    assert problem in error["diagnostics"][0]["message"]


def test_nul_in_the_address_is_refused_alike_on_both_stores(world: World) -> None:
    owner = world.client("owner")
    for path, source in (
        (f"{_ws(world)}/maps/a%00b", "path"),
        (f"{_ws(world)}/maps/trial-a/comments?target=a%00b", "query"),
        ("/api/workspaces/w%00x/maps", "path"),
    ):
        response = owner.get(path)
        assert response.status_code == 422, (path, response.text)
        assert envelope_of(response)["diagnostics"][0]["file"] == source
        assert "NUL character" in envelope_of(response)["diagnostics"][0]["message"]


def test_integers_past_64_bits_and_out_of_range_are_422_not_500(world: World) -> None:
    owner = world.client("owner")
    huge = 2**100
    m = f"{_ws(world)}/maps/trial-a"
    etag = world.etag("owner", m)
    for method, path in (
        ("GET", f"{m}/revisions/{huge}"),
        ("GET", f"{m}/revisions/0"),
        ("GET", f"{m}/revisions/-1"),
        ("GET", f"{m}/diff?from={huge}"),
        ("GET", f"{m}/diff?from=1&to={huge}"),
        ("POST", f"{m}/revisions/{huge}/restore"),
        ("POST", f"{m}/stages?position={huge}"),
        ("POST", f"{m}/stages?position=-1"),
    ):
        response = owner.request(
            method,
            path,
            json={"name": "x"} if "stages" in path else None,
            headers={"If-Match": etag},
        )
        assert response.status_code == 422, (path, response.text)
        assert envelope_of(response)["type"] == "InvalidInput"
    # Within range but not there: 404.
    assert owner.get(f"{m}/revisions/{2**31 - 1}").status_code == 404
    assert owner.get(f"{m}/revisions/{2**31}").status_code == 422


def test_analysis_settings_are_validated_like_set_on_the_cli(world: World) -> None:
    owner = world.client("owner")
    ws = _ws(world)
    for analysis, expected in (
        ({"bogus_setting": 1}, "unknown analysis setting 'bogus_setting'"),
        ({"rapid_drop.min_drop": "abc"}, "must be a number, not 'abc'"),
        ({"rapid_drop.min_drop": 7}, "must be at most 2, not 7"),
        ({"sawtooth.min_reversals": 2.5}, "must be a whole number"),
        ({"rapid_drop.min_drp": 0.4}, "unknown analysis setting 'rapid_drop.min_drp'"),
    ):
        response = owner.patch(
            ws, json={"analysis": analysis}, headers={"If-Match": world.etag("owner", ws)}
        )
        assert response.status_code == 422, response.text
        diagnostic = envelope_of(response)["diagnostics"][0]
        assert expected in diagnostic["message"]
    typo = owner.patch(
        ws,
        json={"analysis": {"rapid_drop.min_drp": 0.4}},
        headers={"If-Match": world.etag("owner", ws)},
    )
    assert envelope_of(typo)["diagnostics"][0]["hint"] == "did you mean 'rapid_drop.min_drop'?"
    good = owner.patch(
        ws,
        json={"analysis": {"rapid_drop.min_drop": 0.6}},
        headers={"If-Match": world.etag("owner", ws)},
    )
    assert good.status_code == 200, good.text


def test_a_stored_invalid_setting_is_ignored_with_a_finding(world: World) -> None:
    with world.db.writing() as session:
        record = session.get(WorkspaceRecord, world.workspace)
        assert record is not None
        document = dict(record.document)
        document["analysis"] = {"bogus_setting": 1.0, "rapid_drop.min_drop": 9.0}
        session.execute(
            update(WorkspaceRecord)
            .where(WorkspaceRecord.id == world.workspace)
            .values(document=document, revision=WorkspaceRecord.revision + 1)
        )
    owner = world.client("owner")
    m = f"{_ws(world)}/maps/trial-a"
    analysis = owner.get(f"{m}/analysis")
    assert analysis.status_code == 200, analysis.text
    ignored = [f for f in analysis.json()["findings"] if f["kind"] == "ignored_setting"]
    assert len(ignored) == 2
    assert "unknown analysis setting 'bogus_setting'" in ignored[0]["message"]
    assert "the default is used instead" in ignored[0]["message"]
    for path in (f"{m}/priorities", f"{m}/summary", f"{m}/render.svg", m):
        assert owner.get(path).status_code == 200, path


def test_a_stored_map_holding_nan_still_reads_with_the_place_flagged(world: World) -> None:
    owner = world.client("owner")
    m = f"{_ws(world)}/maps/trial-a"
    document = owner.get(m).json()["map"]
    document["stages"][0]["steps"][0]["emotion"] = float("nan")
    document["stages"][1]["steps"][0]["emotion"] = float("inf")
    with world.db.writing() as session:
        # Written as Python's json.dumps writes it (NaN, Infinity), bypassing every check.
        stored = {"journeyline": 1, "maps": [document]}
        record = session.query(MapRecord).filter_by(map_id="trial-a").one()
        session.execute(update(MapRecord).where(MapRecord.pk == record.pk).values(document=stored))
        session.execute(
            update(Revision)
            .where(Revision.map_pk == record.pk, Revision.number == record.revision)
            .values(document=stored)
        )
    world.db.map_cache = type(world.db.map_cache)()  # forget the parsed revision
    response = owner.get(m)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["unreadable"] == [
        "stages[0].steps[0].emotion: the stored number nan is not finite; it was left out",
        "stages[1].steps[0].emotion: the stored number inf is not finite; it was left out",
    ]
    assert body["map"]["stages"][0]["steps"][0]["emotion"] is None
    for path in (f"{m}/analysis", f"{m}/render.svg", f"{m}/steps", f"{m}/export?format=json"):
        assert owner.get(path).status_code == 200, path


def test_the_openapi_document_declares_every_error_with_the_envelope(world: World) -> None:
    spec = world.client("anonymous").get("/openapi.json").json()
    envelope = {"$ref": "#/components/schemas/ErrorEnvelope"}
    assert set(spec["components"]["schemas"]["ErrorEnvelope"]["properties"]) == {"error"}
    count = 0
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            count += 1
            responses = operation["responses"]
            expected = {"400", "401", "403", "404", "422", "429"}
            params = {p["name"] for p in operation.get("parameters", [])}
            if "If-Match" in params:
                expected |= {"409", "428"}
            if method in ("post", "put", "patch", "delete"):
                expected.add("413")
            assert expected <= set(responses), (method, path, sorted(responses))
            for status in expected:
                schema = responses[status]["content"]["application/json"]["schema"]
                assert schema == envelope, (method, path, status)
    assert count > 50


def test_an_unexpected_error_is_answered_500_without_escaping_the_app() -> None:
    """The server drops a keep-alive connection only when the app raises; it must not."""
    sent: list[dict[str, Any]] = []

    async def broken(scope: Any, receive: Any, send: Any) -> None:
        raise RuntimeError("a bug")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    scope = {"type": "http", "method": "GET", "path": "/x", "headers": []}
    asyncio.run(ServerErrors(broken)(scope, receive, send))
    assert sent[0]["status"] == 500
    assert b'"InternalError"' in sent[1]["body"]


def test_the_app_itself_never_raises_out_to_the_server(world: World) -> None:
    """A route that fails unexpectedly still answers the envelope, from inside the app."""
    app = create_app(Settings(), database=world.db)

    @app.get("/api/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    from fastapi.testclient import TestClient

    with TestClient(app, raise_server_exceptions=True) as client:
        response = client.get("/api/boom")  # would raise here if the error escaped the app
    assert response.status_code == 500
    assert envelope_of(response)["type"] == "InternalError"


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("m.yaml", b'journeyline: 1\nmaps:\n- name: "a\\0b"\n  stages: []\n'),
        ("m.mmd", b"journey\n  title My\x00 day\n  section Go\n    Make tea: 5: Me\n"),
        ("m.json", b'{"journeyline": 1, "maps": [{"name": "a\\u0000b", "stages": []}]}'),
    ],
)
def test_an_import_holding_nul_is_refused_alike_on_both_stores(
    world: World, filename: str, content: bytes
) -> None:
    response = world.client("owner").post(
        "/api/workspaces/import", files={"file": (filename, content, "application/octet-stream")}
    )
    assert response.status_code == 422, response.text
    error = envelope_of(response)
    assert error["diagnostics"][0]["file"] == filename
    assert "NUL character" in error["diagnostics"][0]["message"]


@pytest.mark.parametrize(
    ("filename", "content", "where"),
    [
        ("m.json", b'{"maps": [{"name": "a", "stages": [], "tags": [NaN]}]}', (1, 48)),
        (
            "m.json",
            b'{"maps": [\n {"name": "a",\n  "stages": [{"name": "s", "goal": 1e999}]}]}',
            (3, 36),
        ),
    ],
)
def test_an_import_holding_a_non_finite_number_names_the_line_and_column(
    world: World, filename: str, content: bytes, where: tuple[int, int]
) -> None:
    response = world.client("owner").post(
        "/api/workspaces/import", files={"file": (filename, content, "application/json")}
    )
    assert response.status_code == 422, response.text
    diagnostic = envelope_of(response)["diagnostics"][0]
    assert "is not a finite number" in diagnostic["message"]
    assert (diagnostic["line"], diagnostic["column"]) == where


def test_no_text_with_nul_reaches_either_store_by_any_channel(world: World) -> None:
    """The store's own guard, under every check of the API: the same refusal on both."""
    from journeyline.errors import InvalidInput
    from journeyline.model import Workspace
    from journeyline.store import workspaces

    with pytest.raises(InvalidInput, match="NUL character"):
        workspaces.create_workspace(
            world.db, world.actors["owner"], source=Workspace(name="Acme\x00")
        )


def _xlsx_with(world: World, part: str, xml: bytes) -> bytes:
    import io
    import zipfile

    exported = world.client("owner").get(
        f"{_ws(world)}/maps/trial-a/export", params={"format": "xlsx"}
    )
    source = zipfile.ZipFile(io.BytesIO(exported.content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, xml if item.filename == part else source.read(item.filename))
    return out.getvalue()


ENTITY_BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE b [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&c;</workbook>'
)


@pytest.mark.parametrize(
    ("part", "xml"),
    [
        ("xl/workbook.xml", ENTITY_BOMB),
        ("xl/styles.xml", ENTITY_BOMB),
        ("xl/worksheets/sheet1.xml", b"<worksheet><sheetData"),
        ("xl/workbook.xml", b"<workbook"),
    ],
)
def test_a_workbook_with_malformed_xml_is_422_not_500(world: World, part: str, xml: bytes) -> None:
    response = world.client("owner").post(
        "/api/workspaces/import",
        files={"file": ("m.xlsx", _xlsx_with(world, part, xml), "application/octet-stream")},
    )
    assert response.status_code == 422, response.text
    assert envelope_of(response)["diagnostics"][0]["file"] == "m.xlsx"
