# ruff: noqa: F811 - pytest fixtures are imported from tests.api_support by name
"""The research repository through the API, on SQLite and PostgreSQL: uploads of real-shaped
interviews, transcripts and DOCX, quotes, tags, links as evidence, search and filters, the
validation gate and its override record, and hostile files refused whole."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from journeyline.web import Settings
from tests.api_support import World, build_world, database, envelope_of  # noqa: F401

FIXTURES = Path(__file__).parent / "fixtures" / "research"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


@pytest.fixture
def world(database, tmp_path: Path) -> Iterator[World]:  # type: ignore[no-untyped-def]
    built = build_world(
        database, Settings(data_dir=str(tmp_path / "data"), secret_key="tests: a fixed secret")
    )
    yield built
    for client in built.clients.values():
        client.close()


def docx(body_xml: str, *, prolog: str = "") -> bytes:
    """A DOCX with the parts Word writes, its body given as WordprocessingML."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>",
        )
        archive.writestr(
            "word/document.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
            f"<w:document {W}><w:body>{body_xml}</w:body></w:document>",
        )
    return out.getvalue()


def xlsx_as_docx() -> bytes:
    """A zip that holds no Word document (a workbook renamed .docx)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


def para(*runs: str) -> str:
    return (
        "<w:p>"
        + "".join(f'<w:r><w:t xml:space="preserve">{r}</w:t></w:r>' for r in runs)
        + "</w:p>"
    )


def base(world: World) -> str:
    return f"/api/workspaces/{world.workspace}/research"


def upload(world: World, name: str, data: bytes, who: str = "editor", **form: str) -> Any:
    return world.client(who).post(f"{base(world)}/import", files={"file": (name, data)}, data=form)


def quote(world: World, source: dict[str, Any], passage: str, **extra: Any) -> dict[str, Any]:
    start = source["text"].index(passage)
    body = {"source": source["id"], "start": start, "stop": start + len(passage), "text": passage}
    response = world.client("editor").post(f"{base(world)}/quotes", json=body | extra)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_a_transcript_becomes_text_with_speakers_and_times(world: World) -> None:
    response = upload(
        world,
        "teams_interview.vtt",
        (FIXTURES / "teams_interview.vtt").read_bytes(),
        date="2024-03-12",
    )
    assert response.status_code == 201, response.text
    source = response.json()
    assert source["kind"] == "transcript" and source["date"] == "2024-03-12"
    assert source["speakers"] == ["Priya Raman", "Dana Okafor"]
    assert source["text"].splitlines()[1].startswith("Dana Okafor: Sure. The form itself")
    made = quote(world, source, "the verification email took almost twenty minutes to arrive")
    assert made["speaker"] == "Dana Okafor" and made["at"] == "00:00:08.010"
    srt = upload(world, "zoom_interview.srt", (FIXTURES / "zoom_interview.srt").read_bytes())
    assert srt.status_code == 201, srt.text
    assert srt.json()["speakers"] == ["Sam Lee", "Jordan Kim"]
    assert srt.json()["cues"][1]["start"] == "00:00:04.900"


def test_docx_and_markdown_read_into_text(world: World) -> None:
    data = docx(para("Interview with ", "Jordan") + para("The renewal\tprice jumped."))
    response = upload(world, "renewal interview.docx", data)
    assert response.status_code == 201, response.text
    assert response.json()["text"] == "Interview with Jordan\nThe renewal\tprice jumped."
    notes = upload(world, "notes.md", (FIXTURES / "notes.md").read_bytes())
    assert notes.status_code == 201 and notes.json()["kind"] == "markdown"
    listed = world.client("viewer").get(f"{base(world)}/sources").json()["sources"]
    assert {s["name"] for s in listed} == {"renewal interview.docx", "notes.md"}


def test_quotes_tags_links_search_and_filters(world: World) -> None:
    source = upload(
        world, "zoom.srt", (FIXTURES / "zoom_interview.srt").read_bytes(), date="2024-02-01"
    ).json()
    notes = upload(
        world, "notes.md", (FIXTURES / "notes.md").read_bytes(), date="2024-03-12"
    ).json()
    renewal = quote(world, source, "The renewal price jumped", tags=["pricing", "Renewal"])
    support = quote(world, source, "Support answered in two days", tags=["support"])
    billing = quote(world, notes, "could not find where to change the plan", tags=["pricing"])
    client = world.client("editor")
    # link to a pain point of a map, to a step, and to a persona of the workspace
    linked = client.post(
        f"{base(world)}/quotes/{renewal['id']}/links", json={"map": "trial-a", "element": "slow-a"}
    )
    assert linked.status_code == 201, linked.text
    assert linked.json()["links"][0]["element_kind"] == "pain_point"
    client.post(
        f"{base(world)}/quotes/{renewal['id']}/links", json={"map": "trial-a", "element": "form-a"}
    )
    persona = client.post(
        f"{base(world)}/quotes/{support['id']}/links", json={"element": "priya-a"}
    )
    assert persona.status_code == 201, persona.text
    # the map holds one Evidence record for the quote, linked to both elements
    journey = client.get(f"/api/workspaces/{world.workspace}/maps/trial-a").json()["map"]
    record = next(e for e in journey["evidence"] if e["quote"] == "The renewal price jumped")
    assert record["kind"] == "quote" and sorted(record["links"]) == ["form-a", "slow-a"]
    assert record["source"] == "zoom.srt (Jordan Kim, 00:00:04.900)"
    assert record["date"] == "2024-02-01"
    workspace = client.get(f"/api/workspaces/{world.workspace}").json()
    assert any(e["quote"] == support["text"] for e in workspace["workspace"]["evidence"])

    def found(**params: str) -> set[str]:
        response = world.client("viewer").get(f"{base(world)}/quotes", params=params)
        assert response.status_code == 200, response.text
        return {q["text"] for q in response.json()["quotes"]}

    assert found(q="renew pri") == {"The renewal price jumped"}  # every word, as a prefix
    assert found(q="CHANGE plan") == {"could not find where to change the plan"}
    assert found(tag="pricing") == {
        "The renewal price jumped",
        "could not find where to change the plan",
    }
    assert found(map="trial-a") == {"The renewal price jumped"}
    assert found(persona="priya-a") == {"The renewal price jumped", "Support answered in two days"}
    assert found(source=notes["id"]) == {billing["text"]}
    assert found(**{"from": "2024-03-01"}) == {billing["text"]}
    assert found(**{"to": "2024-02-28"}) == {renewal["text"], support["text"]}
    assert found(q="nothing-like-this") == set()
    everything = world.client("viewer").get(f"{base(world)}/quotes", params={"q": "forever"}).json()
    assert [s["name"] for s in everything["sources"]] == ["zoom.srt"]
    assert "forever" in everything["sources"][0]["snippet"]
    tags = {t["tag"]: t["count"] for t in everything["tags"]}
    assert tags == {"pricing": 2, "Renewal": 1, "support": 1}
    # retag, unlink: the evidence leaves the map with its last link
    patched = client.patch(f"{base(world)}/quotes/{renewal['id']}", json={"tags": ["billing"]})
    assert patched.json()["tags"] == ["billing"]
    assert found(tag="billing") == {renewal["text"]}
    for link in client.get(f"{base(world)}/quotes/{renewal['id']}").json()["links"]:
        assert (
            client.delete(f"{base(world)}/quotes/{renewal['id']}/links/{link['id']}").status_code
            == 200
        )
    journey = client.get(f"/api/workspaces/{world.workspace}/maps/trial-a").json()["map"]
    assert not any(e["quote"] == renewal["text"] for e in journey["evidence"])


def test_roles_and_other_workspaces(world: World) -> None:
    data = (FIXTURES / "notes.md").read_bytes()
    assert upload(world, "notes.md", data, who="viewer").status_code == 403
    assert upload(world, "notes.md", data, who="outsider").status_code == 404
    source = upload(world, "notes.md", data).json()
    outsider = world.client("outsider").get(f"{base(world)}/sources/{source['id']}")
    assert outsider.status_code == 404
    wrong = world.client("editor").post(
        f"{base(world)}/quotes",
        json={"source": source["id"], "start": 0, "stop": 9, "text": "Something else"},
    )
    assert wrong.status_code == 400 and "does not match" in envelope_of(wrong)["message"]
    typed = world.client("editor").post(
        f"{base(world)}/quotes",
        json={"text": "I never found the export button", "source_name": "Support call 4411"},
    )
    assert typed.status_code == 201 and typed.json()["source"]["name"] == "Support call 4411"


HOSTILE = [
    (
        "broken.vtt",
        (FIXTURES / "broken_timestamps.vtt").read_bytes(),
        "broken.vtt:6: broken timestamp '00:00:75.000'",
    ),
    (
        "latin1.txt",
        "Réservé au café\n".encode("cp1252"),
        "latin1.txt:1:2: not UTF-8 text (byte 0xe9)",
    ),
    ("binary.txt", b"PK\x03\x04\x00\x00binary", "binary.txt:1: holds a NUL character"),
    (
        "bomb.docx",
        docx(para("&lol9;"), prolog='<!DOCTYPE lolz [<!ENTITY lol "lol">]>'),
        "declares a DTD or entities",
    ),
    ("broken.docx", b"PK\x03\x04 not really a zip", "not a Word document (DOCX)"),
    ("empty.txt", b"", "the file is empty"),
    ("sheet.docx", xlsx_as_docx(), "it has no word/document.xml part"),
    (
        "backwards.srt",
        b"1\n00:00:09,000 --> 00:00:02,000\nA: hi\n",
        "backwards.srt:2: the cue ends (00:00:02,000) before it starts",
    ),
    ("image.png", b"\x89PNG", "cannot read '.png' research files"),
    ("bomb.docx", None, "word/document.xml unpacks to more than 2,000,000 bytes (a zip bomb?)"),
]
"""Each file, the words its refusal must hold (the zip bomb is built by the test)."""


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "word/document.xml", b"<w:document " + W.encode() + b">" + b" " * 3_000_000
        )
    return out.getvalue()


def test_hostile_files_are_refused_whole(database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    world = build_world(
        database,
        Settings(
            data_dir=str(tmp_path / "data"),
            secret_key="tests: a fixed secret",
            import_limits="unpacked_bytes=2000000",
        ),
    )
    for name, data, words in HOSTILE:
        response = upload(world, name, zip_bomb() if data is None else data)
        assert response.status_code in (400, 413, 422), (name, response.text)
        assert words in envelope_of(response)["message"], (name, response.text)
    assert world.client("editor").get(f"{base(world)}/sources").json()["sources"] == []
    assert not list((tmp_path / "data" / "research").rglob("*.*"))  # nothing left on disk


def test_a_gigabyte_upload_is_refused_before_it_is_read(world: World) -> None:
    response = world.client("editor").post(
        f"{base(world)}/import",
        content=b"x" * 1024,
        headers={"Content-Type": "multipart/form-data; boundary=x", "Content-Length": str(1 << 30)},
    )
    assert response.status_code == 413
    assert "larger than this server accepts" in envelope_of(response)["message"]


def test_the_validation_gate_and_the_override_record(world: World) -> None:
    gate = f"/api/workspaces/{world.workspace}/maps/trial-a/validation"
    state = world.client("viewer").get(gate).json()
    missing = {(c["kind"], c["id"]) for c in state["claims"] if not c["evidenced"]}
    assert missing == {
        ("pain_point", "slow-a"),
        ("sentiment_line", "form-a"),
        ("sentiment_line", "verify-a"),
    }
    assert state["ready"] is False
    etag = world.etag("editor", f"/api/workspaces/{world.workspace}/maps/trial-a")
    refused = world.client("editor").post(
        gate, json={"status": "validated"}, headers={"If-Match": etag}
    )
    assert refused.status_code == 422
    error = envelope_of(refused)
    assert (
        "3 key claims have no evidence" in error["message"]
        and "pain point 'Card form rejects cards a'" in error["message"]
    )
    # PATCH of the status goes through the same gate
    patched = world.client("editor").patch(
        f"/api/workspaces/{world.workspace}/maps/trial-a",
        json={"status": "validated"},
        headers={"If-Match": etag},
    )
    assert patched.status_code == 422
    # and so does replacing the whole map with one that says validated
    whole = world.client("editor").get(f"/api/workspaces/{world.workspace}/maps/trial-a")
    replaced = world.client("editor").put(
        f"/api/workspaces/{world.workspace}/maps/trial-a",
        json=dict(whole.json()["map"], status="validated"),
        headers={"If-Match": etag},
    )
    assert replaced.status_code == 422, replaced.text
    assert "3 key claims have no evidence" in envelope_of(replaced)["message"]
    # and so does a new map that says validated (a copy of this one under another id)
    copied = world.client("editor").post(
        f"/api/workspaces/{world.workspace}/maps",
        json=dict(whole.json()["map"], id="trial-a-copy", status="validated"),
    )
    assert copied.status_code == 422, copied.text
    assert "3 key claims have no evidence" in envelope_of(copied)["message"]
    as_hypothesis = world.client("editor").post(
        f"/api/workspaces/{world.workspace}/maps",
        json=dict(whole.json()["map"], id="trial-a-copy", status="hypothesis"),
    )
    assert as_hypothesis.status_code in (200, 201), as_hypothesis.text
    # an editor may not override; the owner may, and it is on the record
    denied = world.client("editor").post(
        gate,
        json={"status": "validated", "reason": "Workshop sign-off"},
        headers={"If-Match": etag},
    )
    assert denied.status_code == 403
    done = world.client("owner").post(
        gate,
        json={"status": "validated", "reason": "Signed off at the May review"},
        headers={"If-Match": etag},
    )
    assert done.status_code == 200, done.text
    record = done.json()["history"][0]
    assert (
        record["overridden"] is True
        and record["by"] == "Owner"
        and record["reason"] == "Signed off at the May review"
    )
    assert {c["id"] for c in record["missing"]} == {"slow-a", "form-a", "verify-a"}
    assert done.json()["status"] == "validated"


def test_a_map_whose_claims_have_evidence_validates_without_override(world: World) -> None:
    source = upload(world, "notes.md", (FIXTURES / "notes.md").read_bytes()).json()
    made = quote(world, source, "could not find where to change the plan")
    for element in ("slow-a", "form-a", "verify-a"):
        response = world.client("editor").post(
            f"{base(world)}/quotes/{made['id']}/links", json={"map": "trial-a", "element": element}
        )
        assert response.status_code == 201, response.text
    gate = f"/api/workspaces/{world.workspace}/maps/trial-a/validation"
    assert world.client("viewer").get(gate).json()["ready"] is True
    etag = world.etag("editor", f"/api/workspaces/{world.workspace}/maps/trial-a")
    done = world.client("editor").post(
        gate, json={"status": "validated"}, headers={"If-Match": etag}
    )
    assert done.status_code == 200, done.text
    assert done.json()["history"][0]["overridden"] is False


def _folder_with_status(
    exported: bytes, statuses: dict[str, str], evidence: dict[str, list[str]]
) -> bytes:
    """The exported workspace folder (a zip) with these maps' `status` changed and, for the
    maps in `evidence`, a quote linked to those elements."""
    source = zipfile.ZipFile(io.BytesIO(exported))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            data = source.read(name)
            stem = Path(name).stem
            if Path(name).parent.name == "journeys" and stem in statuses:
                document = yaml.safe_load(data)
                journey = document["maps"][0]
                journey["status"] = statuses[stem]
                if stem in evidence:
                    journey.setdefault("evidence", []).append(
                        {
                            "id": f"interviews-{stem}",
                            "kind": "quote",
                            "quote": "We heard it in all five interviews",
                            "links": evidence[stem],
                        }
                    )
                data = yaml.safe_dump(document, allow_unicode=True, sort_keys=False).encode()
            archive.writestr(name, data)
    return out.getvalue()


def test_a_folder_import_brings_no_map_validated_past_the_gate(world: World) -> None:
    owner = world.client("owner")
    maps_url = f"/api/workspaces/{world.workspace}/maps"
    exported = owner.get(f"/api/workspaces/{world.workspace}/export?format=folder")
    assert exported.status_code == 200, exported.text
    # the file says both maps are validated: trial-a's key claims lack evidence, future-a's
    # rest on a quote the file brings
    claims = owner.get(f"{maps_url}/future-a/validation").json()["claims"]
    assert claims and not all(c["evidenced"] for c in claims)
    folder = _folder_with_status(
        exported.content,
        {"trial-a": "validated", "future-a": "validated"},
        {"future-a": [c["id"] for c in claims]},
    )
    upload = {"file": ("acme-a.zip", folder, "application/zip")}
    replaced = owner.post(f"/api/workspaces/{world.workspace}/import?replace=true", files=upload)
    assert replaced.status_code == 200, replaced.text
    assert sorted(replaced.json()["replaced_maps"]) == ["future-a", "trial-a"]
    # imported as a hypothesis, and the report says which map and what lacks evidence
    assert owner.get(f"{maps_url}/trial-a").json()["map"]["status"] == "hypothesis"
    (warning,) = [w for w in replaced.json()["warnings"] if "trial-a" in w["message"]]
    assert warning["severity"] == "warning"
    assert "imported as a hypothesis, not validated" in warning["message"]
    assert "3 key claims have no evidence" in warning["message"]
    assert "pain point 'Card form rejects cards a'" in warning["message"]
    assert "sentiment line at 'Fill the form'" in warning["message"]
    # the map whose claims rest on evidence keeps its status, without a warning
    assert owner.get(f"{maps_url}/future-a").json()["map"]["status"] == "validated"
    assert not [w for w in replaced.json()["warnings"] if "future-a" in w["message"]]

    # a map validated here (the owner's override, on the record) stays validated when a
    # file brings it back validated: only the change *to* validated is gated, as on PUT
    etag = world.etag("owner", f"{maps_url}/trial-a")
    done = owner.post(
        f"{maps_url}/trial-a/validation",
        json={"status": "validated", "reason": "Signed off at the May review"},
        headers={"If-Match": etag},
    )
    assert done.status_code == 200, done.text
    again = owner.post(f"/api/workspaces/{world.workspace}/import?replace=true", files=upload)
    assert again.status_code == 200, again.text
    assert owner.get(f"{maps_url}/trial-a").json()["map"]["status"] == "validated"
    assert not [w for w in again.json()["warnings"] if "trial-a" in w["message"]]

    # into a new workspace (a folder, or a single file): every map is new, so gated
    created = owner.post("/api/workspaces/import", files=upload)
    assert created.status_code == 201, created.text
    new_maps = f"/api/workspaces/{created.json()['id']}/maps"
    assert owner.get(f"{new_maps}/trial-a").json()["map"]["status"] == "hypothesis"
    assert owner.get(f"{new_maps}/future-a").json()["map"]["status"] == "validated"
    assert any("trial-a" in w["message"] for w in created.json()["warnings"])
    single = owner.get(f"{maps_url}/trial-a/export?format=yaml")
    from_file = owner.post(
        "/api/workspaces/import", files={"file": ("trial.yaml", single.content, "application/yaml")}
    )
    assert from_file.status_code == 201, from_file.text
    file_maps = f"/api/workspaces/{from_file.json()['id']}/maps"
    assert owner.get(f"{file_maps}/trial-a").json()["map"]["status"] == "hypothesis"
    (warning,) = from_file.json()["warnings"]
    assert "3 key claims have no evidence" in warning["message"]
