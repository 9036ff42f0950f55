"""What every part of the store shares: the engine, the privacy setting, transactions.

Each part (calls, agents, callbacks, sessions) is a mixin over ``StoreBase`` and talks to
the database only through ``_read``, ``_write``, ``_changed`` and ``_insert_new``, which turn
every database error into a StoreError. A write transaction is short and never waits on
anything but the database: no network, no Twilio, no clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any, Self, TypeAlias

from sqlalchemy import Connection, Engine, Executable, Row
from sqlalchemy.exc import IntegrityError

from ivr.store.engine import WRITE, describe
from ivr.store.errors import translated
from ivr.store.privacy import Privacy

AnyRow: TypeAlias = Row[*tuple[Any, ...]]  # a row of any shape


class StoreBase:
    """The engine, the privacy setting, and transactions that never leak database errors."""

    def __init__(self, engine: Engine, privacy: Privacy) -> None:
        self._engine = engine
        self._writer = engine.execution_options(**WRITE)
        self.privacy = privacy
        self.where = describe(engine.url)

    def close(self) -> None:
        """Close every pooled connection; the store cannot be used afterwards."""
        self._engine.dispose()

    def forked(self) -> None:
        """Forget the parent's pooled connections in a forked child (gunicorn workers)."""
        self._engine.dispose(close=False)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """Open a connection for reading; its transaction is rolled back at the end."""
        with translated(self.where), self._engine.connect() as connection:
            yield connection

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """Open a write transaction, committed at the end unless the block raises."""
        with translated(self.where), self._writer.begin() as connection:
            yield connection

    def _changed(self, statement: Executable) -> int:
        """Run one UPDATE or DELETE in its own transaction; return how many rows it changed."""
        with self._write() as connection:
            return connection.execute(statement).rowcount

    def _insert_new(self, statement: Executable) -> Any:
        """Run one INSERT; return the new row's key, or None when a unique key already exists."""
        with translated(self.where):
            try:
                with self._writer.begin() as connection:
                    key = connection.execute(statement).inserted_primary_key
            except IntegrityError:
                return None
        assert key is not None, "an INSERT always has a key"
        return key[0]

    def _scalar(self, statement: Executable) -> Any:
        """Read one value."""
        with self._read() as connection:
            return connection.scalar(statement)
