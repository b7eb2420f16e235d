# ruff: noqa: F811 - pytest fixtures are imported from tests.api_support by name
"""Uploaded files: type by content, allow-lists and limits, safe serving, access, share links."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from journeyline.store.database import Database
from journeyline.web import Settings
from tests.api_support import World, build_world, database, envelope_of  # noqa: F401
from tests.files_support import HTML, SVG_WITH_SCRIPT, gif, mp3, pdf, png, png_bomb


@pytest.fixture
def world(database: Database, tmp_path: Path) -> Iterator[World]:
    built = build_world(
        database,
        Settings(
            data_dir=str(tmp_path / "data"),
            secret_key="tests: a fixed server secret",
            image_upload_bytes=50_000,
            attachment_upload_bytes=200_000,
            image_max_pixels=10_000_000,
        ),
    )
    yield built
    for client in built.clients.values():
        client.close()


def files_url(world: World, rest: str = "") -> str:
    return f"/api/workspaces/{world.workspace}/files{rest}"


def upload(
    world: World,
    content: bytes,
    name: str = "photo.png",
    use: str = "image",
    who: str = "editor",
    claimed: str = "image/png",
) -> Any:
    return world.client(who).post(
        files_url(world), files={"file": (name, content, claimed)}, data={"use": use}
    )


def test_an_image_upload_is_stored_and_served_with_safe_headers(world: World) -> None:
    answer = upload(world, png(5, 4), "Priya's face.png")
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert set(body) == {"id", "url", "type", "size", "name", "width", "height", "created_at"}
    assert body["type"] == "image/png" and (body["width"], body["height"]) == (5, 4)
    assert body["url"] == files_url(world, f"/{body['id']}")
    assert body["size"] == len(png(5, 4)) and body["name"] == "Priya's face.png"
    served = world.client("viewer").get(body["url"])
    assert served.status_code == 200
    assert served.content == png(5, 4)
    assert served.headers["content-type"] == "image/png"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in served.headers["content-security-policy"]
    assert served.headers["content-disposition"].startswith("inline;")
    again = world.client("viewer").get(
        body["url"], headers={"If-None-Match": served.headers["etag"]}
    )
    assert again.status_code == 304
    # The same bytes twice are kept once on disk, as two files.
    second = upload(world, png(5, 4), "copy.png").json()
    assert second["id"] != body["id"]
    blobs = [p for p in (Path(world.app.state.files.folder)).rglob("*") if p.is_file()]
    assert len(blobs) == 1
    listed = world.client("viewer").get(files_url(world)).json()["files"]
    assert {f["id"] for f in listed} == {body["id"], second["id"]}


def _blobs(world: World) -> set[str]:
    folder = Path(world.app.state.files.folder)
    return {p.name for p in folder.rglob("*") if p.is_file() and p.parent.name != "incoming"}


def test_deleting_a_workspace_removes_its_files_rows_and_bytes(world: World) -> None:
    from sqlalchemy import func, select

    from journeyline.store.tables import StoredFileRecord

    face = upload(world, png(6, 6), "face.png").json()
    upload(world, pdf(), "interview.pdf", use="attachment")
    shared_bytes = upload(world, gif(), "form.gif").json()
    kept_url = (
        world.client("outsider")
        .post(
            f"/api/workspaces/{world.foreign_workspace}/files",
            files={"file": ("theirs.gif", gif(), "image/gif")},
            data={"use": "image"},
        )
        .json()["url"]
    )
    assert len(_blobs(world)) == 3 and shared_bytes["id"]

    refused = world.client("editor").delete(f"/api/workspaces/{world.workspace}")
    assert refused.status_code == 403 and len(_blobs(world)) == 3
    deleted = world.client("owner").delete(f"/api/workspaces/{world.workspace}")
    assert deleted.status_code == 204, deleted.text

    with world.db.reading() as session:
        rows = session.scalars(select(StoredFileRecord.workspace_id)).all()
        count = session.scalar(select(func.count()).select_from(StoredFileRecord))
    assert set(rows) == {world.foreign_workspace} and count == 1
    # The PNG and the PDF were workspace A's alone: gone from the data folder. The GIF's
    # bytes are workspace B's file too: kept, and still served to B.
    import hashlib

    assert _blobs(world) == {hashlib.sha256(gif()).hexdigest()}
    assert world.client("outsider").get(kept_url).content == gif()
    assert world.client("owner").get(face["url"]).status_code in (403, 404)


def test_deleting_a_workspace_removes_its_event_data_and_survey_files(world: World) -> None:
    """The other folders a workspace fills: its event sources' stored events and its research
    repository's survey files leave the data folder with it; another workspace's stay."""
    events = (
        b"user_id,event,timestamp\nu1,visit,2024-03-01T10:00:00Z\nu1,signup,2024-03-01T10:05:00Z\n"
    )
    survey = (Path(__file__).parent / "fixtures" / "feedback" / "plain.csv").read_bytes()

    def fill(who: str, workspace: str) -> str:
        client = world.client(who)
        made = client.post(
            f"/api/workspaces/{workspace}/event-sources/upload",
            files={"file": ("events.csv", events)},
        )
        assert made.status_code == 201, made.text
        answer = client.post(
            f"/api/workspaces/{workspace}/research/import", files={"file": ("plain.csv", survey)}
        )
        assert answer.status_code == 201, answer.text
        return str(made.json()["id"])

    ours = fill("owner", world.workspace)
    theirs = fill("outsider", world.foreign_workspace)
    data = Path(world.app.state.event_sources.folder)
    research = Path(world.app.state.research_files.folder)
    assert (data / ours).is_dir() and (research / world.workspace).is_dir()

    deleted = world.client("owner").delete(f"/api/workspaces/{world.workspace}")
    assert deleted.status_code == 204, deleted.text
    assert not (data / ours).exists() and not (research / world.workspace).exists()
    assert (data / theirs).is_dir() and (research / world.foreign_workspace).is_dir()


def test_the_type_comes_from_the_bytes_not_the_name_or_the_claim(world: World) -> None:
    # A PNG named .pdf and claimed as PDF is a PNG.
    answer = upload(world, png(), "scan.pdf", claimed="application/pdf")
    assert answer.status_code == 201, answer.text
    assert answer.json()["type"] == "image/png"
    # A PDF named .png is no image.
    refused = upload(world, pdf(), "avatar.png")
    assert refused.status_code == 422
    error = envelope_of(refused)
    assert "application/pdf cannot be used as an image" in error["message"]
    assert "PNG, JPEG, GIF or WebP" in error["message"]
    # …but is a fine attachment, served as a download.
    attached = upload(world, pdf(), "interview notes.pdf", use="attachment")
    assert attached.status_code == 201, attached.text
    assert attached.json()["type"] == "application/pdf"
    served = world.client("viewer").get(attached.json()["url"])
    assert served.headers["content-type"] == "application/pdf"
    assert served.headers["content-disposition"].startswith("attachment;")
    assert upload(world, gif(), "wave.gif").json()["type"] == "image/gif"
    audio = upload(world, mp3(), "interview.mp3", use="attachment")
    assert audio.json()["type"] == "audio/mpeg"
    assert upload(world, mp3(), "interview.mp3").status_code == 422  # audio is no avatar


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (HTML, "page.png", "HTML or XML markup"),
        (SVG_WITH_SCRIPT, "logo.svg", "an SVG image"),
        (b"\x00\x01\x02binary junk\xff" * 20, "thing.png", "no type accepted here"),
    ],
)
def test_markup_and_unknown_files_are_refused_for_every_use(
    world: World, content: bytes, name: str, words: str
) -> None:
    for use in ("image", "attachment"):
        refused = upload(world, content, name, use=use, claimed="image/png")
        assert refused.status_code == 422, refused.text
        error = envelope_of(refused)
        assert words in error["message"] and name in error["message"]
    assert world.client("viewer").get(files_url(world)).json()["files"] == []


def test_plain_text_is_served_as_a_download_that_runs_nothing(world: World) -> None:
    notes = "Interview with Priya, 3 May\n<b>not markup</b> — café".encode()
    answer = upload(world, notes, "notes.html", use="attachment", claimed="text/html")
    assert answer.status_code == 201, answer.text
    assert answer.json()["type"] == "text/plain"
    served = world.client("viewer").get(answer.json()["url"])
    assert served.headers["content-type"] == "text/plain; charset=utf-8"
    assert served.headers["content-disposition"].startswith("attachment;")
    assert "sandbox" in served.headers["content-security-policy"]
    assert served.content == notes


def test_sizes_past_the_limits_are_refused_with_the_setting_named(world: World) -> None:
    big = png(4, 3) + b"\x00" * 60_000  # an image over image_upload_bytes (50 000)
    refused = upload(world, big, "huge.png")
    assert refused.status_code == 413
    error = envelope_of(refused)
    assert "image_upload_bytes" in error["message"]
    assert error["details"] == {"limit": "image_upload_bytes", "allowed": 50_000}
    too_long = upload(world, pdf() + b"%" * 210_000, "long.pdf", use="attachment")
    assert too_long.status_code == 413
    assert "attachment_upload_bytes" in envelope_of(too_long)["message"]
    assert not list((Path(world.app.state.files.folder) / "incoming").iterdir())


def test_hostile_images_are_refused(world: World) -> None:
    bomb = upload(world, png_bomb(), "bomb.png")
    assert bomb.status_code == 422
    message = envelope_of(bomb)["message"]
    assert "60000×60000 pixels" in message and "image_max_pixels" in message
    whole = png(40, 40)
    cut = upload(world, whole[: len(whole) - 20], "cut.png")
    assert cut.status_code == 422
    assert "cut short" in envelope_of(cut)["message"]
    header_only = upload(world, b"\x89PNG\r\n\x1a\n", "stub.png")
    assert header_only.status_code == 422
    assert upload(world, b"", "empty.png").status_code == 422
    truncated_gif = upload(world, gif()[:-1], "cut.gif")
    assert "cut short" in envelope_of(truncated_gif)["message"]
    fake_jpeg = upload(world, b"\xff\xd8\xff\xe0" + b"\x00" * 50, "fake.jpg")
    assert fake_jpeg.status_code == 422


def test_access_follows_the_workspace(world: World) -> None:
    stored = upload(world, png()).json()
    assert upload(world, png(), who="viewer").status_code == 403
    assert upload(world, png(), who="commenter").status_code == 403
    assert world.client("viewer").get(stored["url"]).status_code == 200
    assert world.client("anonymous").get(stored["url"]).status_code == 401
    outsider = world.client("outsider")
    assert outsider.get(stored["url"]).status_code == 404
    # Their own workspace's address does not reach our file either.
    theirs = f"/api/workspaces/{world.foreign_workspace}/files/{stored['id']}"
    assert outsider.get(theirs).status_code == 404
    assert world.client("viewer").delete(stored["url"]).status_code == 403
    assert world.client("editor").delete(stored["url"]).status_code == 204
    assert world.client("viewer").get(stored["url"]).status_code == 404


def _set_step_image(world: World, url: str) -> None:
    map_url = f"/api/workspaces/{world.workspace}/maps/trial-a"
    etag = world.etag("editor", map_url)
    changed = world.client("editor").patch(
        f"{map_url}/steps/form-a", json={"image": url}, headers={"If-Match": etag}
    )
    assert changed.status_code == 200, changed.text


def test_a_share_link_opens_the_files_its_map_names_and_no_other(world: World) -> None:
    shown = upload(world, png(6, 6)).json()
    hidden = upload(world, png(7, 7)).json()
    _set_step_image(world, shown["url"])
    links = f"/api/workspaces/{world.workspace}/maps/trial-a/share-links"
    token = world.client("editor").post(links, json={}).json()["token"]
    visitor = world.client("anonymous")
    view = visitor.get(f"/api/shared/{token}")
    assert world.workspace not in view.text
    step = view.json()["map"]["stages"][0]["steps"][0]
    assert step["image"] == f"/api/shared/{token}/files/{shown['id']}"
    served = visitor.get(step["image"])
    assert served.status_code == 200 and served.content == png(6, 6)
    assert "sandbox" in served.headers["content-security-policy"]
    assert visitor.get(f"/api/shared/{token}/files/{hidden['id']}").status_code == 404
    locked = world.client("editor").post(links, json={"password": "open sesame"}).json()["token"]
    assert visitor.get(f"/api/shared/{locked}/files/{shown['id']}").status_code == 401
    opened = visitor.get(
        f"/api/shared/{locked}/files/{shown['id']}", headers={"X-Share-Password": "open sesame"}
    )
    assert opened.status_code == 200
    # Unlocked with the password, the view's addresses are signed: an <img> loads them.
    unlocked = visitor.post(f"/api/shared/{locked}", json={"password": "open sesame"}).json()
    signed = unlocked["map"]["stages"][0]["steps"][0]["image"]
    assert signed.startswith(f"/api/shared/{locked}/files/{shown['id']}?expires=")
    assert visitor.get(signed).content == png(6, 6)
    assert visitor.get(signed[:-3] + "abc").status_code == 401  # a forged key is no key
    other_file = signed.replace(shown["id"], hidden["id"])
    assert visitor.get(other_file).status_code == 401


def test_a_share_link_cannot_reach_another_workspaces_file(world: World) -> None:
    theirs = world.client("outsider").post(
        f"/api/workspaces/{world.foreign_workspace}/files",
        files={"file": ("x.png", png(3, 3), "image/png")},
    )
    assert theirs.status_code == 201
    _set_step_image(world, theirs.json()["url"])  # an editor names a file not theirs
    links = f"/api/workspaces/{world.workspace}/maps/trial-a/share-links"
    token = world.client("editor").post(links, json={}).json()["token"]
    other = world.client("anonymous").get(f"/api/shared/{token}/files/{theirs.json()['id']}")
    assert other.status_code == 404
    # Nor does a render embed it.
    drawn = world.client("editor").get(f"/api/workspaces/{world.workspace}/maps/trial-a/render.svg")
    assert "data:image/png;base64" not in drawn.text


def test_renders_embed_uploaded_pictures(world: World) -> None:
    stored = upload(world, png(8, 8)).json()
    _set_step_image(world, stored["url"])
    map_url = f"/api/workspaces/{world.workspace}/maps/trial-a"
    if "images" not in world.client("editor").get(map_url).json()["map"]["lanes"]:
        etag = world.etag("editor", map_url)
        lanes = world.client("editor").get(map_url).json()["map"]["lanes"]
        world.client("editor").patch(
            map_url, json={"lanes": [*lanes, "images"]}, headers={"If-Match": etag}
        )
    drawn = world.client("editor").get(f"{map_url}/render.svg")
    assert drawn.status_code == 200, drawn.text
    assert "data:image/png;base64," in drawn.text
    assert stored["url"] not in drawn.text


def _patch_workspace_element(world: World, path: str, body: dict[str, Any]) -> None:
    ws = f"/api/workspaces/{world.workspace}"
    etag = world.etag("editor", ws)
    changed = world.client("editor").patch(f"{ws}{path}", json=body, headers={"If-Match": etag})
    assert changed.status_code == 200, changed.text


def test_a_folder_export_carries_the_files_and_its_import_brings_them_back(
    world: World, tmp_path: Path
) -> None:
    import io
    import zipfile

    import yaml

    face = upload(world, png(9, 9), "Priya.png").json()
    step = upload(world, gif(), "form.gif").json()
    notes = upload(world, pdf(), "interview.pdf", use="attachment").json()
    _patch_workspace_element(world, "/personas/priya-a", {"avatar": face["url"]})
    _patch_workspace_element(world, "/evidence/survey-a", {"attachments": [notes["url"]]})
    _set_step_image(world, step["url"])
    exported = world.client("viewer").get(f"/api/workspaces/{world.workspace}/export?format=folder")
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(exported.content))
    names = set(archive.namelist())
    persona = yaml.safe_load(archive.read("acme-a/personas/priya-a.yaml"))["personas"][0]
    assert persona["avatar"] == f"files/{face['id']}-Priya.png"
    assert archive.read(f"acme-a/{persona['avatar']}") == png(9, 9)
    manifest = yaml.safe_load(archive.read("acme-a/journeyline.yaml"))
    attachment = manifest["evidence"][0]["attachments"][0]
    assert attachment.startswith("files/") and attachment.endswith(".pdf")
    journey = yaml.safe_load(archive.read("acme-a/journeys/trial-a.yaml"))["maps"][0]
    picture = journey["stages"][0]["steps"][0]["image"]
    assert f"acme-a/{picture}" in names and picture.endswith(".gif")
    assert world.workspace not in exported.content.decode("latin-1")

    imported = world.client("outsider").post(
        "/api/workspaces/import",
        files={"file": ("acme-a.zip", exported.content, "application/zip")},
    )
    assert imported.status_code == 201, imported.text
    new_id = imported.json()["id"]
    assert new_id != world.workspace and imported.json()["maps"] == 2
    body = world.client("outsider").get(f"/api/workspaces/{new_id}").json()["workspace"]
    avatar = body["personas"][0]["avatar"]
    assert avatar.startswith(f"/api/workspaces/{new_id}/files/")
    assert world.client("outsider").get(avatar).content == png(9, 9)
    attached = body["evidence"][0]["attachments"][0]
    assert world.client("outsider").get(attached).content == pdf()
    new_map = world.client("outsider").get(f"/api/workspaces/{new_id}/maps/trial-a").json()["map"]
    image = new_map["stages"][0]["steps"][0]["image"]
    assert image.startswith(f"/api/workspaces/{new_id}/files/")
    assert world.client("outsider").get(image).content == gif()


def _zip(entries: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for name, content in entries.items():
            out.writestr(name, content)
    return buffer.getvalue()


def test_a_hostile_folder_archive_is_refused_and_leaves_nothing(world: World) -> None:
    manifest = b"journeyline: 1\nname: Evil\npersonas:\n  - id: p\n    name: P\n    avatar: files/face.png\n"
    climbing = _zip({"w/journeyline.yaml": manifest, "../../etc/evil.png": png()})
    refused = world.client("outsider").post(
        "/api/workspaces/import", files={"file": ("w.zip", climbing, "application/zip")}
    )
    assert refused.status_code == 422
    assert "points outside the folder" in envelope_of(refused)["message"]
    disguised = _zip({"w/journeyline.yaml": manifest, "w/files/face.png": HTML})
    refused = world.client("outsider").post(
        "/api/workspaces/import", files={"file": ("w.zip", disguised, "application/zip")}
    )
    assert refused.status_code == 422
    message = envelope_of(refused)["message"]
    assert "w/files/face.png" in message and "HTML" in message
    names = [w["name"] for w in world.client("outsider").get("/api/workspaces").json()]
    assert "Evil" not in names
    assert (
        world.client("outsider")
        .post("/api/workspaces/import", files={"file": ("x.zip", b"not a zip", "application/zip")})
        .status_code
        == 422
    )
