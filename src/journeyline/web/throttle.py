"""Failed password sign-ins, counted per account and per client address, in a sliding window.

After `attempts` failures within `window` for the account or from the address, further
password sign-ins for it are refused (429, Retry-After) without checking the password,
until the oldest failure leaves the window. A successful sign-in clears the account's
count. Sign-in links are not limited: their secrets cannot be guessed, and `journeyline
setup` prints one for an owner whose account is being guessed at. The counts live in the
server process (one process serves Journeyline; several processes would each count their own).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from datetime import timedelta

from journeyline.store.errors import TooManyAttempts

MAX_KEYS = 50_000
"""Accounts and addresses remembered at most; the least recently failing are forgotten first."""


class SignInThrottle:
    """Counts failed sign-ins per key (`account:…`, `address:…`) and refuses keys over the limit."""

    def __init__(
        self,
        attempts: int = 10,
        window: timedelta = timedelta(minutes=15),
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = MAX_KEYS,
    ) -> None:
        self.attempts = attempts
        self.window = window.total_seconds()
        self._clock = clock
        self._max_keys = max_keys
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float] | None:
        failures = self._failures.get(key)
        if failures is None:
            return None
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if not failures:
            del self._failures[key]
            return None
        return failures

    def check(self, keys: Iterable[str]) -> None:
        """TooManyAttempts when any key has used up its attempts in the window."""
        if self.attempts <= 0:
            return
        now = self._clock()
        wait = 0.0
        with self._lock:
            for key in keys:
                failures = self._recent(key, now)
                if failures is not None and len(failures) >= self.attempts:
                    oldest = failures[len(failures) - self.attempts]
                    wait = max(wait, oldest + self.window - now)
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            minutes = math.ceil(seconds / 60)
            raise TooManyAttempts(
                f"too many failed sign-ins: try again in {minutes} minute{'s' if minutes != 1 else ''}, "
                "or ask whoever runs the server for a one-time sign-in link (journeyline setup)",
                retry_after=seconds,
            )

    def failed(self, keys: Iterable[str]) -> None:
        """Count one failed sign-in for each key."""
        now = self._clock()
        with self._lock:
            for key in keys:
                failures = self._recent(key, now) or deque()
                failures.append(now)
                # Never more than needed to decide, so a flood cannot grow one entry.
                while len(failures) > max(self.attempts, 1):
                    failures.popleft()
                self._failures[key] = failures
                self._failures.move_to_end(key)
            while len(self._failures) > self._max_keys:
                self._failures.popitem(last=False)

    def succeeded(self, key: str) -> None:
        """Forget the failures of a key (an account that just signed in)."""
        with self._lock:
            self._failures.pop(key, None)


def sign_in_keys(email: str, address: str | None) -> tuple[str, str]:
    """The keys a password sign-in is counted under: the account named, and the client address."""
    return f"account:{email.strip().lower()}", f"address:{address or 'unknown'}"
