"""Notification e-mail: written from a mention, sent by one background thread over SMTP.

Sending never happens on a request's path and never fails the request: a comment is
stored and answered first; its e-mails wait in a bounded queue and a failure to send is
logged, not raised. Nothing is sent unless `smtp_host` is set. Every text a person wrote
(names, the comment, the map's name) is escaped in the HTML part, and header values
carry no line breaks.
"""

from __future__ import annotations

import html
import logging
import queue
import smtplib
import ssl
import threading
import time
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from urllib.parse import urlsplit

from journeyline.store.notifications import MentionNotice
from journeyline.web.settings import Settings

log = logging.getLogger("journeyline.mail")

QUEUE_SIZE = 1000
"""E-mails waiting at most; past it, new ones are dropped (and logged)."""

SMTP_TIMEOUT_SECONDS = 20


def _one_line(text: str, limit: int = 200) -> str:
    """A header-safe text: no line breaks, at most `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def sender_of(settings: Settings) -> str:
    """The From address: `smtp_from`, or journeyline@ the public URL's host."""
    if settings.smtp_from:
        return settings.smtp_from
    host = urlsplit(settings.base_url).hostname or "localhost"
    return f"journeyline@{host}"


def mention_email(notice: MentionNotice, *, base_url: str, sender: str) -> EmailMessage:
    """The e-mail telling someone they were mentioned: plain text and escaped HTML."""
    link = base_url.rstrip("/") + notice.path
    author = _one_line(notice.author or "Someone", 100)
    message = EmailMessage()
    message["Subject"] = _one_line(
        f"{author} mentioned you on {notice.target_name} in '{notice.map_name}'"
    )
    message["From"] = formataddr(("Journeyline", sender))
    message["To"] = formataddr((_one_line(notice.recipient.name, 100), notice.recipient.email))
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
    text = (
        f"{author} mentioned you in a comment on {notice.target_name} "
        f"in the map '{notice.map_name}' ({notice.workspace_name}):\n\n"
        + "\n".join(f"> {line}" for line in notice.body.splitlines())
        + f"\n\nOpen it: {link}\n"
    )
    message.set_content(text)
    e = html.escape
    body_html = "<br>".join(e(line) for line in notice.body.splitlines())
    message.add_alternative(
        "<!doctype html><html><body>"
        f"<p><strong>{e(author)}</strong> mentioned you in a comment on "
        f"{e(notice.target_name)} in the map <strong>{e(notice.map_name)}</strong> "
        f"({e(notice.workspace_name)}):</p>"
        f'<blockquote style="border-left:3px solid #ccc;margin:0;padding-left:1em">'
        f"{body_html}</blockquote>"
        f'<p><a href="{e(link, quote=True)}">Open the comment</a></p>'
        "</body></html>",
        subtype="html",
    )
    return message


class Mailer:
    """Sends e-mail through the configured SMTP server from one background thread."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.enabled = bool(settings.smtp_host)
        self._queue: queue.Queue[EmailMessage | None] = queue.Queue(QUEUE_SIZE)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.sent = 0
        self.failed = 0

    def send_mentions(self, notices: list[MentionNotice]) -> None:
        """Queue an e-mail for each mention (nothing when no SMTP server is set)."""
        if not self.enabled:
            return
        sender = sender_of(self.settings)
        for notice in notices:
            if notice.recipient.email:
                self.send_later(
                    mention_email(notice, base_url=self.settings.base_url, sender=sender)
                )

    def send_later(self, message: EmailMessage) -> None:
        """Queue a message; never blocks and never raises."""
        if not self.enabled:
            return
        self._start()
        try:
            self._queue.put_nowait(message)
        except queue.Full:
            self.failed += 1
            log.warning("e-mail queue full (%d waiting): dropped '%s'", QUEUE_SIZE, message["To"])

    def _start(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, daemon=True, name="mailer")
                self._thread.start()

    def _run(self) -> None:
        while True:
            message = self._queue.get()
            try:
                if message is None:
                    return
                self._send(message)
                self.sent += 1
            except Exception as error:  # an e-mail that cannot go never stops the others
                self.failed += 1
                log.warning("could not send e-mail to %s: %s", message and message["To"], error)
            finally:
                self._queue.task_done()

    def _send(self, message: EmailMessage) -> None:
        s = self.settings
        host = s.smtp_host or "localhost"
        smtp: smtplib.SMTP
        if s.smtp_tls == "ssl":
            smtp = smtplib.SMTP_SSL(
                host,
                s.smtp_port,
                timeout=SMTP_TIMEOUT_SECONDS,
                context=ssl.create_default_context(),
            )
        else:
            smtp = smtplib.SMTP(host, s.smtp_port, timeout=SMTP_TIMEOUT_SECONDS)
        with smtp:
            if s.smtp_tls == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if s.smtp_user:
                smtp.login(s.smtp_user, s.smtp_password or "")
            smtp.send_message(message)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every queued e-mail was sent or failed (at most `timeout` seconds)."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)
        return True

    def stop(self, timeout: float = 5.0) -> None:
        """Send what is queued (within `timeout`), then end the thread."""
        thread = self._thread
        if thread is None or not thread.is_alive():
            return
        self.flush(timeout)
        try:
            self._queue.put_nowait(None)
        except queue.Full:
            return
        thread.join(timeout)
