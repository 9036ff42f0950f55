"""The store as a whole: opening it, its schema, and forgetting personal data on time."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from sqlalchemy import ColumnElement, Executable, and_, delete, func, or_, select, update

from ivr.store import migrations
from ivr.store.agents import AgentPool
from ivr.store.batch import CallBatches
from ivr.store.callbacks import CallbackQueue
from ivr.store.calls import CallLog
from ivr.store.engine import create_store_engine, database_url, is_sqlite
from ivr.store.errors import StoreUnavailable
from ivr.store.privacy import Privacy
from ivr.store.records import CallbackStatus, SessionStatus
from ivr.store.schema import call_events, callbacks, calls, session_legs, sessions, voicemails
from ivr.store.sessions import SessionBook
from ivr.store.signins import SignInLog

log = logging.getLogger(__name__)
FINISHED_SESSIONS = [SessionStatus.ENDED.value, SessionStatus.UNFILLED.value,
                     SessionStatus.FAILED.value]
FINISHED_CALLBACKS = [CallbackStatus.DONE.value, CallbackStatus.FAILED.value]


class SqlStore(CallLog, CallBatches, AgentPool, CallbackQueue, SessionBook, SignInLog):
    """Calls, agents and their claims, callbacks, voicemails, sessions, sign-ins: one database."""

    def schema_version(self) -> int:
        """Return the version of the database's schema."""
        return migrations.current_version(self._engine)

    def upgrade(self) -> list[int]:
        """Apply the missing migrations; return the versions applied."""
        return migrations.upgrade(self._engine)

    def purge(self, now: datetime) -> int:
        """Delete or blank personal data older than the retention period; return rows touched."""
        with self._write() as connection:
            return sum(connection.execute(statement).rowcount
                       for statement in _purges(now - self.privacy.retention))


def open_store(url: str | None, instance: Path | str, privacy: Privacy | None = None, *,
               tolerate_outage: bool = False) -> SqlStore:
    """Open the store: SQLite in ``instance`` unless ``url`` names PostgreSQL.

    A SQLite database is created and upgraded here; a PostgreSQL one must already be at this
    ivr's schema version (``ivr db upgrade``), or SchemaOutdated says so. A database that
    cannot be reached raises StoreUnavailable, unless ``tolerate_outage``: then the outage
    is logged and the store returned, each operation failing until the database is back,
    so that the menus can answer meanwhile.
    """
    resolved = database_url(url, Path(instance))
    engine = create_store_engine(resolved)
    try:
        if is_sqlite(resolved):
            migrations.upgrade(engine)
        migrations.check(engine)
    except StoreUnavailable as error:
        if not tolerate_outage:
            engine.dispose()
            raise
        log.warning("starting without the store: %s", error)
    except BaseException:
        engine.dispose()
        raise
    return SqlStore(engine, privacy or Privacy())


def _purges(cutoff: datetime) -> Iterator[Executable]:
    """Yield the statements that forget what is older than ``cutoff``."""
    yield delete(call_events).where(call_events.c.at < cutoff)
    yield delete(calls).where(calls.c.started_at < cutoff)
    yield delete(voicemails).where(voicemails.c.created_at < cutoff)
    yield delete(callbacks).where(callbacks.c.status.in_(FINISHED_CALLBACKS),
                                  callbacks.c.finished_at < cutoff)
    finished = _session_finished_before(cutoff)
    yield update(session_legs).where(
        session_legs.c.number.is_not(None),
        session_legs.c.job.in_(select(sessions.c.job).where(finished))).values(number=None)
    yield update(sessions).where(finished, or_(
        sessions.c.migrant_number.is_not(None), sessions.c.entity_number.is_not(None))).values(
        migrant_number=None, entity_number=None)


def _session_finished_before(cutoff: datetime) -> ColumnElement[bool]:
    """Say that a session was over before ``cutoff``."""
    return and_(sessions.c.status.in_(FINISHED_SESSIONS),
                func.coalesce(sessions.c.ended_at, sessions.c.created_at) < cutoff)
