"""Sign-in attempts of the web console, counted where every worker and instance sees them.

An attempt is kept under opaque keys (the console hashes the client's address and the user
name it was made with) and forgotten once it is older than the window the caller gives:
each new attempt deletes the expired ones, so the table stays small and keeps no address
for longer than the rate limit needs it. A successful sign-in clears its keys.

An attempt is written before the password is checked and counted afterwards, in separate
transactions, so concurrent attempts see each other: under a race the count can only be
too high, never too low.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select

from ivr.store.base import StoreBase
from ivr.store.schema import sign_in_attempts


class SignInLog(StoreBase):
    """Attempts to sign in to the console, by key, within a sliding window."""

    def add_sign_in_attempt(self, keys: Sequence[str], at: datetime,
                            window: timedelta) -> None:
        """Count one attempt against each key; forget every attempt older than the window."""
        with self._write() as connection:
            connection.execute(delete(sign_in_attempts).where(
                sign_in_attempts.c.at <= at - window))
            connection.execute(insert(sign_in_attempts), [{"key": key, "at": at}
                                                          for key in keys])

    def sign_in_attempts(self, keys: Sequence[str], since: datetime
                         ) -> list[tuple[int, datetime | None]]:
        """Return, per key, how many attempts were made after ``since`` and the oldest one."""
        query = select(sign_in_attempts.c.key, func.count(), func.min(sign_in_attempts.c.at)
                       ).where(sign_in_attempts.c.key.in_(list(keys)),
                               sign_in_attempts.c.at > since
                               ).group_by(sign_in_attempts.c.key)
        with self._read() as connection:
            found = {row[0]: (int(row[1]), row[2]) for row in connection.execute(query)}
        return [found.get(key, (0, None)) for key in keys]

    def clear_sign_in_attempts(self, keys: Sequence[str]) -> int:
        """Forget the attempts of these keys (after a successful sign-in); return how many."""
        return self._changed(delete(sign_in_attempts).where(
            sign_in_attempts.c.key.in_(list(keys))))

