"""The sign-in rate limit: a few attempts per client address and per user name, per window.

Rules of this module:
- an attempt is counted *before* the password is checked, and a successful sign-in clears
  its keys; so however many requests race, no more than ``limit`` passwords per window are
  ever checked for one address or one user name;
- attempts are kept in the store, which every worker and instance shares; when there is no
  store, or it fails, they are kept in this process's memory instead (a limit per worker is
  still a limit) and the failure is logged;
- keys are SHA-256 digests of ``addr:<address>`` and ``user:<name>``: the table says how
  many times, never who.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from ivr.store import StoreError

log = logging.getLogger(__name__)
LIMIT = 5
WINDOW = timedelta(minutes=15)


class AttemptLog(Protocol):
    """Where attempts are counted (the store's ``SignInLog`` has these methods)."""

    def add_sign_in_attempt(self, keys: Sequence[str], at: datetime,
                            window: timedelta) -> None:
        """Count one attempt against each key."""

    def sign_in_attempts(self, keys: Sequence[str], since: datetime
                         ) -> list[tuple[int, datetime | None]]:
        """Return, per key, the attempts after ``since`` and the oldest of them."""

    def clear_sign_in_attempts(self, keys: Sequence[str]) -> int:
        """Forget the attempts of these keys."""


class MemoryLog:
    """Attempts kept in this process only, for when there is no store."""

    def __init__(self) -> None:
        self._times: defaultdict[str, list[datetime]] = defaultdict(list)
        self._lock = threading.Lock()

    def add_sign_in_attempt(self, keys: Sequence[str], at: datetime,
                            window: timedelta) -> None:
        """Count one attempt against each key; forget those older than the window."""
        with self._lock:
            for key in list(self._times):
                self._times[key] = [t for t in self._times[key] if t > at - window]
                if not self._times[key]:
                    del self._times[key]
            for key in keys:
                self._times[key].append(at)

    def sign_in_attempts(self, keys: Sequence[str], since: datetime
                         ) -> list[tuple[int, datetime | None]]:
        """Return, per key, the attempts after ``since`` and the oldest of them."""
        with self._lock:
            found = [[t for t in self._times.get(key, ()) if t > since] for key in keys]
        return [(len(times), min(times) if times else None) for times in found]

    def clear_sign_in_attempts(self, keys: Sequence[str]) -> int:
        """Forget the attempts of these keys."""
        with self._lock:
            return sum(len(self._times.pop(key, ())) for key in keys)


class Limiter:
    """Decide whether a sign-in may be tried, and how long until it may."""

    def __init__(self, fallback: MemoryLog | None = None, limit: int = LIMIT,
                 window: timedelta = WINDOW) -> None:
        self.fallback = fallback or MemoryLog()
        self.limit = limit
        self.window = window

    def wait(self, log_: AttemptLog | None, keys: Sequence[str], now: datetime
             ) -> timedelta | None:
        """Return how long these keys must wait before another try, or None if they may."""
        counts = self._read(log_, keys, now)
        waits = [oldest + self.window - now for count, oldest in counts
                 if count >= self.limit and oldest is not None]
        return max(waits, default=None)

    def attempt(self, log_: AttemptLog | None, keys: Sequence[str], now: datetime
                ) -> timedelta | None:
        """Count an attempt; return the wait when it is one too many, else None."""
        try:
            (log_ or self.fallback).add_sign_in_attempt(keys, now, self.window)
        except StoreError as exc:
            log.warning("sign-in attempts kept in this worker only: %s", exc)
            self.fallback.add_sign_in_attempt(keys, now, self.window)
            log_ = None
        counts = self._read(log_, keys, now)
        over = [oldest + self.window - now for count, oldest in counts
                if count > self.limit and oldest is not None]
        return max(over, default=None)

    def succeeded(self, log_: AttemptLog | None, keys: Sequence[str]) -> None:
        """Forget the attempts of a successful sign-in."""
        self.fallback.clear_sign_in_attempts(keys)
        try:
            if log_ is not None:
                log_.clear_sign_in_attempts(keys)
        except StoreError as exc:
            log.warning("could not clear the sign-in attempts: %s", exc)

    def _read(self, log_: AttemptLog | None, keys: Sequence[str], now: datetime
              ) -> list[tuple[int, datetime | None]]:
        """Read the counts from the store, adding those kept here during an outage."""
        since = now - self.window
        local = self.fallback.sign_in_attempts(keys, since)
        if log_ is None:
            return local
        try:
            shared = log_.sign_in_attempts(keys, since)
        except StoreError as exc:
            log.warning("sign-in attempts read from this worker only: %s", exc)
            return local
        return [(a + b, min((t for t in (ta, tb) if t is not None), default=None))
                for (a, ta), (b, tb) in zip(shared, local, strict=True)]


def keys_for(address: str, user: str) -> list[str]:
    """Return the hashed keys of a client address and a user name."""
    return [_digest(f"addr:{address}"), _digest(f"user:{user.strip().lower()}")]


def _digest(text: str) -> str:
    """Return the SHA-256 of a text in hex."""
    return hashlib.sha256(text.encode()).hexdigest()
