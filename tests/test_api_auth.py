# ruff: noqa: F811 - pytest fixtures are imported from tests.api_support by name
"""Accounts over the API: passwords, session cookies and CSRF, sign-in links, API tokens."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from journeyline.store import accounts
from tests.api_support import World, database, envelope_of, world  # noqa: F401


def _with_password(world: World, who: str, password: str) -> None:
    accounts.set_password(world.db, world.actors[who], password, None)


def test_password_sign_in_sets_safe_cookies(world: World) -> None:
    _with_password(world, "editor", "correct horse battery")
    browser = TestClient(world.app, base_url="https://testserver")
    wrong = browser.post(
        "/api/auth/sign-in", json={"email": "editor@example.org", "password": "nope nope nope"}
    )
    unknown = browser.post(
        "/api/auth/sign-in", json={"email": "ghost@example.org", "password": "nope nope nope"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert envelope_of(wrong)["message"] == envelope_of(unknown)["message"]  # no account probing
    response = browser.post(
        "/api/auth/sign-in",
        json={"email": "EDITOR@example.org", "password": "correct horse battery"},
    )
    assert response.status_code == 200, response.text
    cookies = response.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("journeyline_session="))
    csrf = next(c for c in cookies if c.startswith("journeyline_csrf="))
    assert "HttpOnly" in session and "SameSite=lax" in session and "Secure" in session
    assert "HttpOnly" not in csrf and "SameSite=strict" in csrf
    assert response.json()["account"]["email"] == "editor@example.org"
    assert browser.get("/api/me").json()["email"] == "editor@example.org"


def test_cookie_sessions_need_the_csrf_token_to_write(world: World) -> None:
    _with_password(world, "commenter", "correct horse battery")
    browser = TestClient(world.app)
    signed_in = browser.post(
        "/api/auth/sign-in",
        json={"email": "commenter@example.org", "password": "correct horse battery"},
    )
    token = signed_in.json()["csrf_token"]
    assert browser.cookies.get("journeyline_csrf") == token
    path = f"/api/workspaces/{world.workspace}/maps/trial-a/comments"
    forged = browser.post(path, json={"body": "from another site"})
    assert forged.status_code == 403 and "CSRF" in envelope_of(forged)["message"]
    wrong = browser.post(path, json={"body": "x"}, headers={"X-CSRF-Token": "guess"})
    assert wrong.status_code == 403
    assert browser.get(path).json() == []  # nothing was written
    ok = browser.post(path, json={"body": "Looks right"}, headers={"X-CSRF-Token": token})
    assert ok.status_code == 201, ok.text
    out = browser.post("/api/auth/sign-out", headers={"X-CSRF-Token": token})
    assert out.status_code == 204
    assert browser.get(path).status_code == 401


def test_sessions_end_after_their_lifetime(world: World) -> None:
    with world.db.writing() as session:
        account = accounts.find_account(session, "viewer@example.org")
        assert account is not None
        expired = accounts.start_session(session, account, dt.timedelta(seconds=-1))
    browser = TestClient(world.app, cookies={"journeyline_session": expired.token})
    assert browser.get("/api/me").status_code == 401


def test_a_sign_in_link_works_once(world: World) -> None:
    token = accounts.issue_sign_in_link(world.db, "viewer@example.org", dt.timedelta(hours=1))
    page = world.client("anonymous").get(f"/signin/{token}")
    assert page.status_code == 200 and 'method="post"' in page.text  # a GET does not spend it
    browser = TestClient(world.app)
    used = browser.post(f"/signin/{token}", follow_redirects=False)
    assert used.status_code == 303 and used.headers["location"] == "/"
    assert browser.get("/api/me").json()["email"] == "viewer@example.org"
    again = TestClient(world.app).post("/api/auth/sign-in-link", json={"token": token})
    assert again.status_code == 401
    expired = accounts.issue_sign_in_link(world.db, "viewer@example.org", dt.timedelta(seconds=-1))
    assert (
        TestClient(world.app).post("/api/auth/sign-in-link", json={"token": expired}).status_code
        == 401
    )


def test_sign_in_page_escapes_the_token(world: World) -> None:
    page = world.client("anonymous").get('/signin/"><script>x</script>')
    assert "<script>x" not in page.text


def test_api_tokens_can_be_listed_and_revoked(world: World) -> None:
    me = world.client("editor")
    created = me.post("/api/me/tokens", json={"name": "CI export"})
    assert created.status_code == 201
    secret = created.json()["token"]
    assert secret.startswith("jl_")
    listed = me.get("/api/me/tokens").json()
    assert {t["name"] for t in listed} == {"tests", "CI export"}
    assert all("token" not in t for t in listed)
    script = TestClient(world.app, headers={"Authorization": f"Bearer {secret}"})
    assert script.get("/api/me").json()["email"] == "editor@example.org"
    assert (
        world.client("viewer").delete(f"/api/me/tokens/{created.json()['id']}").status_code == 404
    )  # not theirs
    assert me.delete(f"/api/me/tokens/{created.json()['id']}").status_code == 204
    assert script.get("/api/me").status_code == 401
    assert (
        TestClient(world.app, headers={"Authorization": "Basic abc"}).get("/api/me").status_code
        == 401
    )


def test_passwords_change_with_the_current_one(world: World) -> None:
    me = world.client("owner")
    short = me.post("/api/me/password", json={"password": "short"})
    assert short.status_code == 422
    assert me.post("/api/me/password", json={"password": "first password!"}).status_code == 204
    assert me.post("/api/me/password", json={"password": "second password!"}).status_code == 422
    changed = me.post(
        "/api/me/password",
        json={"password": "second password!", "current_password": "first password!"},
    )
    assert changed.status_code == 204
    browser = TestClient(world.app)
    assert (
        browser.post(
            "/api/auth/sign-in", json={"email": "owner@example.org", "password": "second password!"}
        ).status_code
        == 200
    )


def test_failed_password_sign_ins_are_limited_per_account_and_per_address(world: World) -> None:
    _with_password(world, "editor", "correct horse battery")
    _with_password(world, "viewer", "correct horse battery")
    attacker = TestClient(world.app, client=("203.0.113.7", 50000))
    for n in range(10):
        wrong = attacker.post(
            "/api/auth/sign-in", json={"email": "editor@example.org", "password": f"guess {n}"}
        )
        assert wrong.status_code == 401, (n, wrong.text)
    # The 11th attempt is refused before the password is even checked, right or wrong.
    limited = attacker.post(
        "/api/auth/sign-in",
        json={"email": "editor@example.org", "password": "correct horse battery"},
    )
    assert limited.status_code == 429
    error = envelope_of(limited)
    assert error["type"] == "TooManyAttempts" and "try again in 15 minutes" in error["message"]
    retry_after = int(limited.headers["Retry-After"])
    assert 0 < retry_after <= 15 * 60 and error["details"]["retry_after_seconds"] == retry_after
    assert "journeyline_session" not in limited.headers.get("set-cookie", "")
    # The same address is refused for other accounts too …
    other = attacker.post(
        "/api/auth/sign-in",
        json={"email": "viewer@example.org", "password": "correct horse battery"},
    )
    assert other.status_code == 429
    # … and the account from other addresses; its sign-in links keep working.
    elsewhere = TestClient(world.app, client=("198.51.100.1", 50000))
    assert (
        elsewhere.post(
            "/api/auth/sign-in",
            json={"email": "EDITOR@example.org", "password": "correct horse battery"},
        ).status_code
        == 429
    )
    assert (
        elsewhere.post(
            "/api/auth/sign-in",
            json={"email": "viewer@example.org", "password": "correct horse battery"},
        ).status_code
        == 200
    )
    token = accounts.issue_sign_in_link(world.db, "editor@example.org", dt.timedelta(hours=1))
    assert elsewhere.post("/api/auth/sign-in-link", json={"token": token}).status_code == 200


def test_the_sign_in_limit_forgets_old_failures() -> None:
    from journeyline.store.errors import TooManyAttempts
    from journeyline.web.throttle import SignInThrottle, sign_in_keys

    now = [1000.0]
    throttle = SignInThrottle(3, dt.timedelta(minutes=15), clock=lambda: now[0])
    keys = sign_in_keys(" Ann@Example.org", "192.0.2.1")
    assert keys == ("account:ann@example.org", "address:192.0.2.1")
    for _ in range(3):
        throttle.check(keys)
        throttle.failed(keys)
        now[0] += 60
    with pytest.raises(TooManyAttempts) as refused:
        throttle.check(keys)
    assert refused.value.retry_after == 15 * 60 - 3 * 60  # until the first failure expires
    now[0] += refused.value.retry_after
    throttle.check(keys)  # one failure left the window: one more attempt
    throttle.succeeded(keys[0])
    throttle.check([keys[0]])


def test_an_api_tokens_last_use_is_recorded_once(world: World) -> None:
    viewer = world.client("viewer")
    for _ in range(3):
        assert viewer.get("/api/me").status_code == 200
    tokens = viewer.get("/api/me/tokens").json()
    assert [t["last_used_at"] is not None for t in tokens] == [True]
