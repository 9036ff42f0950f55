"""Callback requests, placed by workers that may run several at once.

A worker takes a due request with one conditional UPDATE (like an agent's claim), holding a
lease; two workers racing for one row cannot both win. A worker that dies mid-call loses
its lease when it expires and the request is taken over. Every claim counts an attempt;
``finish_callback`` marks the request done, or puts it back for a retry, or fails it when
its attempts are spent. The number is the real one (somebody has to dial it) until
``purge`` removes the finished request after the retention period.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, insert, literal, or_, select, update

from ivr.store.base import AnyRow, StoreBase
from ivr.store.records import Callback, CallbackStatus
from ivr.store.schema import callbacks

PENDING, CLAIMED = CallbackStatus.PENDING.value, CallbackStatus.CLAIMED.value
DONE, FAILED = CallbackStatus.DONE.value, CallbackStatus.FAILED.value
CANDIDATES = 10  # due requests a worker tries before concluding that others took them all
DEFAULT_ATTEMPTS = 3


class CallbackQueue(StoreBase):
    """Requests to be called back, and the workers' leases on them."""

    def add_callback(self, number: str, language: str | None, source: str,
                     call_sid: str | None, now: datetime, due_at: datetime | None = None, *,
                     max_attempts: int = DEFAULT_ATTEMPTS, note: str | None = None) -> int:
        """Keep a request to be called back; a call's repeated request returns the first id."""
        added = self._insert_new(insert(callbacks).values(
            number=number, language=language, source=source, call_sid=call_sid,
            requested_at=now, due_at=due_at or now, status=PENDING, attempts=0,
            max_attempts=max_attempts, note=note))
        if added is None:
            added = self._scalar(select(callbacks.c.id).where(
                callbacks.c.call_sid == call_sid, callbacks.c.source == source))
        return int(added)

    def claim_due_callback(self, worker: str, now: datetime, lease_s: float, *,
                           sources: Collection[str] | None = None) -> Callback | None:
        """Take the request due first, or one whose lease expired; None when nothing is due.

        With ``sources``, only requests from those sources are taken (the services open now).
        """
        self._fail_abandoned(now)
        query = select(callbacks.c.id).where(_is_due(now)).order_by(
            callbacks.c.due_at, callbacks.c.id).limit(CANDIDATES)
        if sources is not None:
            query = query.where(callbacks.c.source.in_(list(sources)))
        with self._read() as connection:
            ids = list(connection.scalars(query))
        lease = now + timedelta(seconds=lease_s)
        for callback_id in ids:
            if self._changed(update(callbacks).where(callbacks.c.id == callback_id, _is_due(now))
                             .values(status=CLAIMED, claimed_by=worker, lease_until=lease,
                                     last_attempt_at=now, attempts=callbacks.c.attempts + 1)):
                return self.callback(callback_id)
        return None

    def finish_callback(self, callback_id: int, worker: str, outcome: str, now: datetime,
                        retry_at: datetime | None = None, *,
                        max_attempts: int | None = None) -> bool:
        """Close ``worker``'s attempt: done, or pending again at ``retry_at`` while tries last.

        ``max_attempts`` (a worker's setting) lowers the request's own limit.
        """
        values: dict[str, Any] = {"outcome": outcome, "claimed_by": None, "lease_until": None}
        if retry_at is None:
            values.update(status=DONE, finished_at=now)
        else:
            spent = callbacks.c.attempts >= callbacks.c.max_attempts
            if max_attempts is not None:
                spent = or_(spent, callbacks.c.attempts >= max_attempts)
            values.update(status=case((spent, literal(FAILED)), else_=literal(PENDING)),
                          finished_at=case((spent, now), else_=None), due_at=retry_at)
        return bool(self._changed(update(callbacks).where(
            callbacks.c.id == callback_id, callbacks.c.claimed_by == worker,
            callbacks.c.status == CLAIMED).values(**values)))

    def callback(self, callback_id: int) -> Callback | None:
        """Return one request."""
        with self._read() as connection:
            row = connection.execute(select(callbacks).where(
                callbacks.c.id == callback_id)).first()
        return None if row is None else _callback(row)

    def pending_callbacks(self) -> list[Callback]:
        """Return the requests not yet done (waiting or being placed), due first."""
        query = select(callbacks).where(callbacks.c.status.in_([PENDING, CLAIMED])).order_by(
            callbacks.c.due_at, callbacks.c.id)
        with self._read() as connection:
            return [_callback(row) for row in connection.execute(query)]

    def recent_callbacks(self, limit: int = 100) -> list[Callback]:
        """Return requests of every status, the latest requested first."""
        query = select(callbacks).order_by(callbacks.c.requested_at.desc(),
                                           callbacks.c.id.desc()).limit(limit)
        with self._read() as connection:
            return [_callback(row) for row in connection.execute(query)]

    def _fail_abandoned(self, now: datetime) -> None:
        """Fail requests whose last allowed attempt was claimed and never finished."""
        self._changed(update(callbacks).where(
            callbacks.c.status == CLAIMED, callbacks.c.lease_until < now,
            callbacks.c.attempts >= callbacks.c.max_attempts).values(
            status=FAILED, claimed_by=None, lease_until=None, finished_at=now,
            outcome="abandoned: the last attempt's lease expired"))


def _is_due(now: datetime) -> ColumnElement[bool]:
    """Say that a request may be taken at ``now``: due and waiting, or its lease expired."""
    return and_(callbacks.c.attempts < callbacks.c.max_attempts, or_(
        and_(callbacks.c.status == PENDING, callbacks.c.due_at <= now),
        and_(callbacks.c.status == CLAIMED, callbacks.c.lease_until < now)))


def _callback(row: AnyRow) -> Callback:
    """Build a request from its row."""
    values = dict(row._mapping)
    return Callback(**{**values, "status": CallbackStatus(values["status"])})
