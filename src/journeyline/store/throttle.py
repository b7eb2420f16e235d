"""Failed password attempts, counted in the database so every server process counts together.

Sign-in with a password is limited two ways, so that guessing is slow and no one can lock
a person out of their own account:

- per account from one client address: after `attempts` failures within `window` (counted
  from the first of them), that address gets 429 for that account until the window ends;
- per account from every address: once the account has `account_attempts` failures in
  the window, an address that has itself failed for that account waits after the
  account's last failure 1 s, then 2 s, 4 s … (doubling with each further failure, at most
  the window). An address with no failures for the account is never held back, so the
  right password from the person's own browser still works while someone guesses.

A share link's password is limited per (link, address) like the first rule. A successful
sign-in forgets that address's failures for the account (not the account's: a guesser
must not be able to reset them). Sign-in links are never limited: their secrets cannot be
guessed, and `journeyline setup` prints one for an owner whose account is being guessed at.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from journeyline.store.database import Database
from journeyline.store.errors import TooManyAttempts
from journeyline.store.tables import FailedAttempts, utcnow

MAX_BACKOFF_DOUBLINGS = 30
"""2**30 s is past any window: no need to compute larger powers."""


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _account(email: str) -> str:
    return email.strip().lower()


@dataclass(frozen=True)
class _Count:
    failures: int
    window_started_at: dt.datetime
    last_failure_at: dt.datetime


class PasswordThrottle:
    """Counts failed password attempts per key in the `failed_attempts` table and refuses
    keys over their limit (TooManyAttempts, with the seconds to wait)."""

    def __init__(
        self,
        db: Database,
        *,
        attempts: int = 10,
        window: dt.timedelta = dt.timedelta(minutes=15),
        account_attempts: int = 20,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self.db = db
        self.attempts = attempts
        self.window = window
        self.account_attempts = account_attempts
        self._clock = clock

    # Keys (hashed before they are stored).

    @staticmethod
    def pair_key(email: str, address: str | None) -> str:
        """The key of one account's failures from one address."""
        return f"sign-in:{_account(email)}|{address or 'unknown'}"

    @staticmethod
    def account_key(email: str) -> str:
        """The key of one account's failures from every address."""
        return f"account:{_account(email)}"

    @staticmethod
    def share_link_key(token_hash: str, address: str | None) -> str:
        """The key of one share link's wrong passwords from one address."""
        return f"share-link:{token_hash}|{address or 'unknown'}"

    # Sign-in.

    def check_sign_in(self, email: str, address: str | None) -> None:
        """TooManyAttempts when this address must wait before trying this account again."""
        if self.attempts <= 0:
            return
        pair, account = self.pair_key(email, address), self.account_key(email)
        now = self._clock()
        counts = self._counts([pair, account], now)
        own, whole = counts.get(_digest(pair)), counts.get(_digest(account))
        wait = self._pair_wait(own, now)
        # The account's backoff holds back only addresses that have failed for it.
        if own is not None and whole is not None and whole.failures >= self.account_attempts > 0:
            doublings = min(whole.failures - self.account_attempts, MAX_BACKOFF_DOUBLINGS)
            backoff = min(dt.timedelta(seconds=2**doublings), self.window)
            wait = max(wait, whole.last_failure_at + backoff - now)
        _refuse_if_waiting(
            wait,
            "failed sign-ins",
            "ask whoever runs the server for a one-time sign-in link (journeyline setup)",
        )

    def sign_in_failed(self, email: str, address: str | None) -> None:
        """Count a wrong password (or unknown account) for the account and for the pair."""
        self._failed([self.pair_key(email, address), self.account_key(email)])

    def sign_in_succeeded(self, email: str, address: str | None) -> None:
        """Forget this address's failures for the account."""
        with self.db.writing() as session:
            session.execute(
                delete(FailedAttempts).where(
                    FailedAttempts.key_hash == _digest(self.pair_key(email, address))
                )
            )

    # Share links.

    def check_share_link(self, token_hash: str, address: str | None) -> None:
        """TooManyAttempts when this address must wait before another password for the link."""
        if self.attempts <= 0:
            return
        key = self.share_link_key(token_hash, address)
        now = self._clock()
        wait = self._pair_wait(self._counts([key], now).get(_digest(key)), now)
        _refuse_if_waiting(wait, "wrong passwords for this share link", "ask whoever shared it")

    def share_link_failed(self, token_hash: str, address: str | None) -> None:
        """Count a wrong password for the link from this address."""
        self._failed([self.share_link_key(token_hash, address)])

    # The counters.

    def _pair_wait(self, count: _Count | None, now: dt.datetime) -> dt.timedelta:
        if count is None or count.failures < self.attempts:
            return dt.timedelta(0)
        return count.window_started_at + self.window - now

    def _counts(self, keys: list[str], now: dt.datetime) -> dict[str, _Count]:
        """The live counters of these keys (by digest); a window that has ended counts nothing."""
        started_after = now - self.window
        with self.db.single_read() as connection:
            rows = connection.execute(
                select(
                    FailedAttempts.key_hash,
                    FailedAttempts.failures,
                    FailedAttempts.window_started_at,
                    FailedAttempts.last_failure_at,
                ).where(
                    FailedAttempts.key_hash.in_([_digest(k) for k in keys]),
                    FailedAttempts.window_started_at > started_after,
                )
            ).all()
        return {row[0]: _Count(row[1], row[2], row[3]) for row in rows}

    def _failed(self, keys: list[str]) -> None:
        now = self._clock()
        started_by = now - self.window
        with self.db.writing() as session:
            for key in keys:
                _count_failure(session, _digest(key), now, started_by)
            # Counters whose window ended no longer decide anything.
            session.execute(
                delete(FailedAttempts).where(FailedAttempts.last_failure_at <= started_by)
            )


def _count_failure(
    session: Session, digest: str, now: dt.datetime, started_by: dt.datetime
) -> None:
    """One more failure under `digest`, in one statement (concurrent processes add up):
    a new counter, or a fresh window when the old one started at or before `started_by`."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    ended = FailedAttempts.window_started_at <= started_by
    statement = insert(FailedAttempts).values(
        key_hash=digest, failures=1, window_started_at=now, last_failure_at=now
    )
    statement = statement.on_conflict_do_update(
        index_elements=[FailedAttempts.key_hash],
        set_={
            "failures": case((ended, 1), else_=FailedAttempts.failures + 1),
            "window_started_at": case((ended, now), else_=FailedAttempts.window_started_at),
            "last_failure_at": now,
        },
    )
    session.execute(statement)


def _refuse_if_waiting(wait: dt.timedelta, what: str, otherwise: str) -> None:
    """TooManyAttempts saying how long to wait (Retry-After) and what else to do."""
    seconds = wait.total_seconds()
    if seconds <= 0:
        return
    whole = max(1, math.ceil(seconds))
    if whole < 60:
        when = f"{whole} second{'s' if whole != 1 else ''}"
    else:
        minutes = math.ceil(whole / 60)
        when = f"{minutes} minute{'s' if minutes != 1 else ''}"
    raise TooManyAttempts(
        f"too many {what}: try again in {when}, or {otherwise}", retry_after=whole
    )
