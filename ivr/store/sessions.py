"""Interpreting sessions: job numbers, bookings, and each party's leg of the conference.

A session is known by its job number, six digits drawn with ``secrets`` and made unique by
the primary key: a clash (two workers drawing the same number) just draws again. Creating
a session for a conference that already has one returns the existing job, so a repeated
webhook never opens a second session. A booked session is placed by a worker that takes it
with a lease, exactly as callbacks are taken; the worker then moves it on with
``update_session`` (``status="connecting"``), or leaves it booked to be tried again when
the lease runs out (``attempts`` counts the tries); ``finish_booking`` closes one try
(answered, or booked again later, or failed once the tries are spent) only if it is still
the session's latest. The entity's and the migrant's numbers are the real ones until
``purge``; legs store numbers as the privacy setting says.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, insert, or_, select, update

from ivr.store.base import AnyRow, StoreBase
from ivr.store.errors import StoreError
from ivr.store.records import Leg, LegRole, Session, SessionStatus
from ivr.store.schema import session_legs, sessions

JOB_DIGITS = 6
JOB_DRAWS = 20  # with a million numbers, twenty clashes in a row mean something is wrong
BOOKED = SessionStatus.BOOKED.value
SESSION_FIELDS = frozenset({
    "entity_call_sid", "entity_account", "language", "gender_wanted", "migrant_number",
    "conference", "interpreter_id", "status", "outcome", "started_at", "ended_at",
    "booked_for", "claimed_by", "lease_until", "entity_number", "entity_language"})
LEG_FIELDS = frozenset({"status", "started_at", "ended_at", "outcome"})


def new_job() -> str:
    """Draw a job number: six digits, read to the entity one by one."""
    return f"{secrets.randbelow(10 ** JOB_DIGITS):0{JOB_DIGITS}d}"


class SessionBook(StoreBase):
    """Interpreting sessions and their legs."""

    def create_session(self, entity_call_sid: str | None, language: str, created_at: datetime,
                       *, entity_account: str | None = None, gender_wanted: str | None = None,
                       migrant_number: str | None = None, conference: str | None = None,
                       booked_for: datetime | None = None,
                       status: SessionStatus | str | None = None,
                       entity_number: str | None = None,
                       entity_language: str | None = None) -> str:
        """Open a session (booked when ``booked_for`` is given); return its job number.

        A booking is called back on ``entity_number``, in ``entity_language`` (the
        language the entity chose on the helpline).
        """
        default = SessionStatus.BOOKED if booked_for else SessionStatus.REQUESTED
        values = _session_values(
            entity_call_sid=entity_call_sid, language=language, created_at=created_at,
            entity_account=entity_account, gender_wanted=gender_wanted,
            migrant_number=migrant_number, conference=conference, booked_for=booked_for,
            status=status or default, entity_number=entity_number,
            entity_language=entity_language)
        for _ in range(JOB_DRAWS):
            job = new_job()
            if self._insert_new(insert(sessions).values(job=job, **values)) is not None:
                return job
            existing = conference and self.session_by_conference(conference)
            if existing:
                return existing.job
        raise StoreError(f"{self.where} failed: no free job number in {JOB_DRAWS} draws")

    def update_session(self, job: str, /, **fields: Any) -> bool:
        """Change a session's fields (any of SESSION_FIELDS); tell whether the job exists."""
        unknown = set(fields) - SESSION_FIELDS
        if unknown:
            raise ValueError(f"sessions have no field(s) {sorted(unknown)}")
        return bool(self._changed(update(sessions).where(sessions.c.job == job).values(
            **_session_values(**fields))))

    def session(self, job: str) -> Session | None:
        """Return a session with its legs."""
        found = self._sessions(sessions.c.job == job)
        return found[0] if found else None

    def session_by_conference(self, conference: str) -> Session | None:
        """Return the session held in a conference, with its legs."""
        found = self._sessions(sessions.c.conference == conference)
        return found[0] if found else None

    def sessions(self, limit: int = 50) -> list[Session]:
        """Return the latest sessions with their legs, newest first."""
        return self._sessions(None, limit)

    def bookings(self, now: datetime) -> list[Session]:
        """Return the booked sessions still to come, soonest first."""
        return self._sessions(and_(sessions.c.status == BOOKED, sessions.c.booked_for >= now),
                              order=sessions.c.booked_for)

    def claim_due_booking(self, worker: str, now: datetime, lease_s: float) -> Session | None:
        """Take the booked session due first, or one whose lease expired; None when none is."""
        query = select(sessions.c.job).where(_is_due(now)).order_by(
            sessions.c.booked_for, sessions.c.job).limit(10)
        with self._read() as connection:
            jobs = list(connection.scalars(query))
        lease = now + timedelta(seconds=lease_s)
        for job in jobs:
            if self._changed(update(sessions).where(sessions.c.job == job, _is_due(now)).values(
                    claimed_by=worker, lease_until=lease, attempts=sessions.c.attempts + 1)):
                return self.session(job)
        return None

    def finish_booking(self, job: str, attempt: int, outcome: str, now: datetime,
                       retry_at: datetime | None = None, *, max_attempts: int) -> bool:
        """Close try ``attempt`` of a booked call: answered (connecting), or booked again at
        ``retry_at``, or failed once ``max_attempts`` tries are spent; a stale try changes
        nothing."""
        values: dict[str, Any] = {"outcome": outcome, "claimed_by": None, "lease_until": None}
        if retry_at is None:
            values.update(status=SessionStatus.CONNECTING.value)
        elif attempt >= max_attempts:
            values.update(status=SessionStatus.FAILED.value, ended_at=now)
        else:
            values.update(booked_for=retry_at)
        return bool(self._changed(update(sessions).where(
            sessions.c.job == job, sessions.c.status == BOOKED,
            sessions.c.claimed_by.is_not(None), sessions.c.attempts == attempt).values(**values)))

    def add_leg(self, job: str, role: LegRole | str, call_sid: str, number: str | None,
                started_at: datetime | None, *, status: str = "initiated",
                attempt: int = 1) -> bool:
        """Record a party's call into the session; tell whether it is new."""
        return self._insert_new(insert(session_legs).values(
            job=job, role=LegRole(role).value, call_sid=call_sid,
            number=self.privacy.stored(number), status=status, started_at=started_at,
            attempt=attempt)) is not None

    def update_leg(self, call_sid: str, /, **fields: Any) -> bool:
        """Change a leg's status, times or outcome; tell whether the leg exists."""
        unknown = set(fields) - LEG_FIELDS
        if unknown:
            raise ValueError(f"session legs have no field(s) {sorted(unknown)}")
        return bool(self._changed(update(session_legs).where(
            session_legs.c.call_sid == call_sid).values(**fields)))

    def _sessions(self, where: ColumnElement[bool] | None, limit: int | None = None,
                  order: Any = None) -> list[Session]:
        """Read sessions and all their legs in two queries."""
        query = select(sessions).order_by(
            order if order is not None else sessions.c.created_at.desc(), sessions.c.job)
        if where is not None:
            query = query.where(where)
        with self._read() as connection:
            rows = connection.execute(query.limit(limit)).all()
            legs = _legs(connection.execute(select(session_legs).where(
                session_legs.c.job.in_([row.job for row in rows])).order_by(
                session_legs.c.started_at, session_legs.c.call_sid)))
        return [_session(row, tuple(legs[row.job])) for row in rows]


def _session_values(**fields: Any) -> dict[str, Any]:
    """Check and normalise a session's values before they are written."""
    if "status" in fields:
        fields["status"] = SessionStatus(fields["status"]).value
    if fields.get("gender_wanted") not in {None, "f", "m"}:
        raise ValueError(f"gender_wanted must be f, m or None, not {fields['gender_wanted']!r}")
    return fields


def _is_due(now: datetime) -> ColumnElement[bool]:
    """Say that a booked session may be taken at ``now``."""
    return and_(sessions.c.status == BOOKED, sessions.c.booked_for <= now,
                or_(sessions.c.lease_until.is_(None), sessions.c.lease_until < now))


def _legs(rows: Iterable[AnyRow]) -> dict[str, list[Leg]]:
    """Group leg rows by job."""
    legs: dict[str, list[Leg]] = defaultdict(list)
    for row in rows:
        values = dict(row._mapping)
        legs[row.job].append(Leg(**{**values, "role": LegRole(values["role"])}))
    return legs


def _session(row: AnyRow, legs: tuple[Leg, ...]) -> Session:
    """Build a session from its row."""
    values = dict(row._mapping)
    return Session(**{**values, "status": SessionStatus(values["status"]), "legs": legs})
