# ruff: noqa: F811 - pytest fixtures are imported from tests.api_support by name
"""Accounts over the API: passwords, session cookies and CSRF, sign-in links, API tokens."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from journeyline.store import accounts
from journeyline.store.database import Database
from journeyline.store.errors import TooManyAttempts
from journeyline.store.tables import FailedAttempts
from journeyline.store.throttle import PasswordThrottle
from journeyline.web import Settings, create_app
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


def _sign_in(client: TestClient, email: str, password: str) -> int:
    response = client.post("/api/auth/sign-in", json={"email": email, "password": password})
    return response.status_code


def test_failed_passwords_are_limited_per_account_and_address_without_locking_anyone_out(
    world: World,
) -> None:
    _with_password(world, "editor", "correct horse battery")
    _with_password(world, "viewer", "correct horse battery")
    attacker = TestClient(world.app, client=("203.0.113.7", 50000))
    for n in range(10):
        assert _sign_in(attacker, "editor@example.org", f"guess {n}") == 401, n
    # The 11th attempt from that address is refused before the password is even checked.
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
    # The person, from their own address, still signs in with the right password …
    own = TestClient(world.app, client=("198.51.100.1", 50000))
    assert _sign_in(own, "EDITOR@example.org", "correct horse battery") == 200
    # … and the guessing address is not refused for another account (per account and address).
    assert _sign_in(attacker, "viewer@example.org", "correct horse battery") == 200
    token = accounts.issue_sign_in_link(world.db, "editor@example.org", dt.timedelta(hours=1))
    assert attacker.post("/api/auth/sign-in-link", json={"token": token}).status_code == 200


def test_an_account_guessed_at_from_many_addresses_slows_those_addresses(
    database: Database,
) -> None:
    now = [dt.datetime(2026, 12, 1, 12, 0)]
    throttle = PasswordThrottle(
        database,
        attempts=10,
        window=dt.timedelta(minutes=15),
        account_attempts=3,
        clock=lambda: now[0],
    )
    email = " Ann@Example.org"
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        throttle.check_sign_in(email, address)
        throttle.sign_in_failed(email, address)
    throttle.check_sign_in("ann@example.org", "198.51.100.9")  # a clean address: never held back
    with pytest.raises(TooManyAttempts) as refused:
        throttle.check_sign_in(email, "192.0.2.1")
    assert refused.value.retry_after == 1 and "try again in 1 second" in refused.value.message
    now[0] += dt.timedelta(seconds=1)
    throttle.check_sign_in(email, "192.0.2.1")
    throttle.sign_in_failed(email, "192.0.2.1")  # the 4th failure: the wait doubles
    with pytest.raises(TooManyAttempts) as doubled:
        throttle.check_sign_in(email, "192.0.2.2")
    assert doubled.value.retry_after == 2
    # A success forgets that address's failures, not the account's.
    throttle.sign_in_succeeded(email, "192.0.2.2")
    throttle.check_sign_in(email, "192.0.2.2")
    with pytest.raises(TooManyAttempts):
        throttle.check_sign_in(email, "192.0.2.3")


def test_the_sign_in_limit_forgets_old_failures(database: Database) -> None:
    now = [dt.datetime(2026, 12, 1, 12, 0)]
    throttle = PasswordThrottle(
        database, attempts=3, window=dt.timedelta(minutes=15), clock=lambda: now[0]
    )
    for _ in range(3):
        throttle.check_sign_in("ann@example.org", "192.0.2.1")
        throttle.sign_in_failed("ann@example.org", "192.0.2.1")
        now[0] += dt.timedelta(minutes=1)
    with pytest.raises(TooManyAttempts) as refused:
        throttle.check_sign_in("ANN@example.org ", "192.0.2.1")
    assert refused.value.retry_after == 15 * 60 - 3 * 60  # until the window ends
    now[0] += dt.timedelta(seconds=refused.value.retry_after)
    throttle.check_sign_in("ann@example.org", "192.0.2.1")  # the window ended
    throttle.sign_in_failed("ann@example.org", "192.0.2.1")  # a new window, one failure
    throttle.check_sign_in("ann@example.org", "192.0.2.1")
    with database.reading() as session:  # ended windows are cleared away
        assert session.scalar(select(func.count()).select_from(FailedAttempts)) == 2


def test_two_server_processes_on_one_database_count_failures_together(
    database: Database,
) -> None:
    _with_password_on(database, "ann@example.org", "correct horse battery")
    second = database.open_again()
    try:
        apps = [create_app(Settings(), database=database), create_app(Settings(), database=second)]
        clients = [TestClient(app, client=("203.0.113.7", 50000)) for app in apps]
        for n in range(10):  # five failures through each process
            assert _sign_in(clients[n % 2], "ann@example.org", f"guess {n}") == 401
        for client in clients:
            assert _sign_in(client, "ann@example.org", "correct horse battery") == 429
        elsewhere = TestClient(apps[1], client=("198.51.100.1", 50000))
        assert _sign_in(elsewhere, "ann@example.org", "correct horse battery") == 200
    finally:
        second.close()


def _with_password_on(db: Database, email: str, password: str) -> None:
    with db.writing() as session:
        account = accounts.create_account(session, email, "Ann")
        actor = accounts.actor_of(account)
    accounts.set_password(db, actor, password, None)


def test_unknown_accounts_and_accounts_without_a_password_cost_one_argon2_check(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _with_password(world, "editor", "correct horse battery")
    checked: list[str] = []

    class CountingHasher(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
            checked.append(str(hash))
            return super().verify(hash, password)

    monkeypatch.setattr(accounts, "_hasher", CountingHasher())
    browser = TestClient(world.app)
    for email in ("editor@example.org", "ghost@example.org", "viewer@example.org", "not-an-email"):
        assert _sign_in(browser, email, "wrong password!") == 401
    assert len(checked) == 4 and all(h.startswith("$argon2id$") for h in checked)
    assert checked[1] == checked[2] == checked[3] != checked[0]  # the dummy, for the three
    # The dummy never lets anyone in: not even with the dummy's own secret.
    assert accounts.verify_password(None, "anything") is False


def test_a_sign_in_another_site_starts_is_refused(world: World) -> None:
    browser = TestClient(world.app)
    token = accounts.issue_sign_in_link(world.db, "editor@example.org", dt.timedelta(hours=1))
    for headers in (
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://testserver"},
    ):
        refused = browser.post(f"/signin/{token}", headers=headers, follow_redirects=False)
        assert refused.status_code == 403, headers
        assert "another site" in refused.text and "journeyline_session" not in str(
            refused.headers.get("set-cookie")
        )
        api = browser.post("/api/auth/sign-in-link", json={"token": token}, headers=headers)
        assert api.status_code == 403 and envelope_of(api)["type"] == "PermissionDenied"
        password = browser.post(
            "/api/auth/sign-in",
            json={"email": "editor@example.org", "password": "x"},
            headers=headers,
        )
        assert password.status_code == 403
    # The link was not spent: from the server's own page (same origin) it signs in. A
    # browser that sends Sec-Fetch-Site is believed even with a null Origin (what Chromium
    # sends under a no-referrer policy).
    for same_site in (
        {"Origin": "null", "Sec-Fetch-Site": "same-origin"},
        {"Origin": "http://testserver"},
    ):
        own_page = browser.post(
            "/api/auth/sign-in-link", json={"token": "spent?"}, headers=same_site
        )
        assert own_page.status_code == 401  # checked, not refused as cross-site
    signed_in = browser.post(
        f"/signin/{token}", headers={"Sec-Fetch-Site": "same-origin"}, follow_redirects=False
    )
    assert signed_in.status_code == 303


def test_an_api_tokens_last_use_is_recorded_once(world: World) -> None:
    viewer = world.client("viewer")
    for _ in range(3):
        assert viewer.get("/api/me").status_code == 200
    tokens = viewer.get("/api/me/tokens").json()
    assert [t["last_used_at"] is not None for t in tokens] == [True]
