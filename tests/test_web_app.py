# ruff: noqa: F811 - pytest fixtures are imported by name
"""The server serves the built web app: page routes, hashed assets, security headers, offline docs."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from journeyline.store import accounts
from journeyline.web.frontend import APP_DIR
from journeyline.web.pages import APP_CSP, app_page
from tests.api_support import World, database, envelope_of, world  # noqa: F401

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def _csp(response: Any) -> dict[str, str]:
    policy = response.headers["content-security-policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())


def test_every_page_of_the_app_is_its_index_html(world: World) -> None:
    client = world.client("anonymous")
    index = (APP_DIR / "index.html").read_text(encoding="utf-8")
    for path, headers in (
        ("/", {}),
        ("/sign-in", {}),
        (f"/w/{world.workspace}", {}),
        (f"/w/{world.workspace}/maps/trial-a", {}),
        ("/s/some-share-token", {}),
        ("/anything/else", BROWSER),
    ):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, path
        assert response.text == index, path
        assert response.headers["content-type"].startswith("text/html")
        assert response.headers["cache-control"] == "no-store"
        policy = _csp(response)
        assert policy["script-src"] == "'self'" and policy["connect-src"] == "'self'"
        assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
        assert policy["base-uri"] == "'none'"
        assert response.headers["x-frame-options"] == "DENY"
    assert client.head(f"/w/{world.workspace}").status_code == 200


def test_the_api_and_other_requests_keep_their_json_404(world: World) -> None:
    client = world.client("anonymous")
    for path, headers in (
        ("/api/nothing-here", BROWSER),
        ("/api/workspaces/x/nothing", {}),
        ("/anything/else", {"Accept": "application/json"}),
        ("/assets/missing-3f2a.js", BROWSER),
        ("/signin", BROWSER),
        ("/docs/nothing", BROWSER),
    ):
        response = client.get(path, headers=headers)
        assert response.status_code == 404, path
        assert envelope_of(response)["type"] == "NotFound", path
    assert client.post("/anything/else", headers=BROWSER).status_code == 404
    assert client.post("/api/nothing-here").status_code == 404


def test_assets_are_cached_for_good_and_the_index_loads_them(world: World) -> None:
    client = world.client("anonymous")
    html = client.get("/").text
    assets = re.findall(r'(?:src|href)="(/assets/[^"]+)"', html)
    assert assets
    for path in assets:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert response.content == (APP_DIR / path.lstrip("/")).read_bytes()
    kinds = {client.get(p).headers["content-type"].split(";")[0] for p in assets}
    assert kinds <= {"text/javascript", "application/javascript", "text/css"}


def test_a_missing_build_says_how_to_make_it(tmp_path: Path) -> None:
    response = app_page(tmp_path)
    assert response.status_code == 503
    assert b"make frontend" in response.body


def test_the_api_docs_are_served_from_the_package(world: World) -> None:
    client = world.client("anonymous")
    page = client.get("/docs")
    assert page.status_code == 200
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page.text), page.text
    loaded = re.findall(r'(?:src|href)="(/docs/[^"]+)"', page.text)
    assert len(loaded) >= 3
    for path in loaded:
        assert client.get(path).status_code == 200, path
    policy = _csp(page)
    assert policy["script-src"] == "'self'"  # no inline script: Swagger UI starts from a file
    assert client.get("/openapi.json").json()["info"]["title"] == "Journeyline"


def test_the_sign_in_page_runs_no_script_and_a_spent_link_says_what_to_do(world: World) -> None:
    token = accounts.issue_sign_in_link(world.db, "viewer@example.org", dt.timedelta(hours=1))
    browser = TestClient(world.app)
    page = browser.get(f"/signin/{token}", headers=BROWSER)
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert _csp(page)["default-src"] == "'none'" and "<script" not in page.text
    used = browser.post(f"/signin/{token}", follow_redirects=False)
    assert used.status_code == 303 and used.headers["location"] == "/"
    again = TestClient(world.app).post(f"/signin/{token}", follow_redirects=False)
    assert again.status_code == 401
    assert again.headers["content-type"].startswith("text/html")
    assert (
        "works once" in again.text
        and "Ask the person who manages Journeyline" in again.text
        and "<style>" in again.text
    )
    assert "<script" not in again.text


def test_user_text_in_a_sign_in_address_is_escaped(world: World) -> None:
    page = world.client("anonymous").get('/signin/"><script>alert(1)</script>')
    assert "<script>alert(1)</script>" not in page.text


def test_the_app_csp_allows_the_built_app(world: World) -> None:
    """The policy names no host, and the build loads nothing inline that it would block."""
    html = (APP_DIR / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in html.replace('<script type="module"', "<script ")  # no inline code
    assert "style=" not in html
    assert "http" not in APP_CSP.replace("https:", "")


@pytest.mark.browser
def test_the_app_and_the_docs_load_in_chromium_without_policy_violations(
    live_app: Any, browser: Any
) -> None:
    from tests.app_browser_support import signed_in_page

    page = signed_in_page(browser, live_app)
    problems: list[str] = []
    foreign: list[str] = []
    page.on("console", lambda m: "Content Security Policy" in m.text and problems.append(m.text))
    page.on(
        "request",
        lambda r: (
            r.url.startswith(("http", "ws"))
            and not r.url.startswith(live_app.url)
            and foreign.append(r.url)
        ),
    )
    page.goto(f"{live_app.url}/w/{live_app.workspace}")
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_app.url}/docs")
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() > 50
    assert not problems, problems
    assert not foreign, foreign
    page.context.close()


from tests.app_browser_support import browser, live_app  # noqa: E402, F401
