# ruff: noqa: F811 - pytest fixtures are imported from tests.api_support by name
"""A mention by e-mail, received by a real SMTP server (aiosmtpd) on this machine."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from journeyline.store.database import Database
from journeyline.web import Settings
from tests.api_support import World, build_world, database, world  # noqa: F401


class Inbox:
    """aiosmtpd handler: keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"

    def wait_for(self, count: int, seconds: float = 10.0) -> list[EmailMessage]:
        deadline = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def mail_world(db: Database, port: int) -> World:
    settings = Settings(
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_tls="none",
        smtp_from="maps@example.org",
        public_url="https://maps.example.org",
    )
    return build_world(db, settings)


def test_a_mention_is_e_mailed_with_every_text_escaped(
    database: Database, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    world = mail_world(database, port)
    base = f"/api/workspaces/{world.workspace}/maps/trial-a"
    body = '@Editor <script>alert(1)</script> & "quotes"\nsecond line'
    posted = world.client("commenter").post(
        f"{base}/comments", json={"body": body, "target": "card-a"}
    )
    assert posted.status_code == 201, posted.text
    [message] = inbox.wait_for(1)
    assert inbox.envelopes == [("maps@example.org", ["editor@example.org"])]
    assert message["To"] == "Editor <editor@example.org>"
    assert message["Subject"] == "Commenter mentioned you on step 'Enter card' in 'Trial to paid a'"
    text_part = message.get_body(("plain",))
    html_part = message.get_body(("html",))
    assert text_part is not None and html_part is not None
    text, markup = text_part.get_content(), html_part.get_content()
    link = (
        f"https://maps.example.org/w/{world.workspace}/maps/trial-a"
        f"?comment={posted.json()['id']}&element=card-a"
    )
    assert "> @Editor <script>alert(1)</script>" in text and link in text
    assert "<script>" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;" in markup
    assert f'href="{link.replace("&", "&amp;")}"' in markup
    world.app.state.mailer.stop()


def test_a_mail_server_that_is_down_never_fails_the_comment(database: Database) -> None:
    world = mail_world(database, free_port())  # nothing listens there
    base = f"/api/workspaces/{world.workspace}/maps/trial-a"
    posted = world.client("commenter").post(f"{base}/comments", json={"body": "@Editor ping"})
    assert posted.status_code == 201
    mailer = world.app.state.mailer
    assert mailer.flush(15)
    assert (mailer.sent, mailer.failed) == (0, 1)
    # The mention still reached the bell.
    assert world.client("editor").get("/api/notifications").json()["unread"] == 1
    mailer.stop()


def test_without_smtp_nothing_is_sent(world: World, smtp: tuple[Inbox, int]) -> None:
    inbox, _ = smtp
    base = f"/api/workspaces/{world.workspace}/maps/trial-a"
    world.client("commenter").post(f"{base}/comments", json={"body": "@Editor ping"})
    assert world.app.state.mailer.enabled is False
    assert world.app.state.mailer.flush(1) and inbox.messages == []
