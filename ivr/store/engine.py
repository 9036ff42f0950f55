"""Engines: which database a URL names, and how to talk to it safely.

SQLite (the default, ``<instance>/ivr.sqlite3``) runs in WAL mode with a busy timeout;
SQLAlchemy emits every BEGIN itself, ``BEGIN IMMEDIATE`` for writes, so a transaction that
writes never has to upgrade a read lock (the cause of "database is locked" under load) and
DDL is transactional. A pooled SQLite connection whose file was removed or replaced would
go on writing into the void, so each checkout compares the file with the one it opened and
reconnects (and fails, loudly) when they differ. PostgreSQL gets a short connect timeout
and pre-pinged connections, so an unreachable server fails fast and a restarted one is
reconnected transparently.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.exc import ArgumentError, DisconnectionError

from ivr.store.errors import StoreError, StoreUnavailable

SQLITE_FILE = "ivr.sqlite3"
CONNECT_TIMEOUT_S = 2  # an unreachable database must fail fast: a caller is waiting
BUSY_TIMEOUT_S = 5  # how long a SQLite writer waits for another to finish
WAL_RETRY_S = 0.01
WRITE = {"ivr_write": True}  # execution option: this transaction will write
_POSTGRES_ALIASES = {"postgres", "postgresql", "postgresql+psycopg"}


def database_url(url: str | None, instance: Path) -> URL:
    """Resolve the configured URL: empty means the SQLite file in the instance folder."""
    if not url:
        return URL.create("sqlite", database=str(instance / SQLITE_FILE))
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError("the database URL is not valid: expected postgresql://user@host/db "
                         "or sqlite:///path/to/file") from None
    if parsed.drivername in _POSTGRES_ALIASES:
        return parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername in {"sqlite", "sqlite+pysqlite"} and parsed.database not in {
            None, "", ":memory:"}:
        return parsed
    raise StoreError(f"the database URL names {parsed.drivername!r}: ivr works with "
                     "PostgreSQL (postgresql://...) or a SQLite file (sqlite:///...)")


def serialise(connection: Connection, key: int) -> None:
    """Let one write transaction at a time past this point (others wait for its end).

    SQLite's BEGIN IMMEDIATE serialises every writer already; PostgreSQL takes a
    transaction-level advisory lock. For rare, whole-table work only (migrations, the roster),
    never for claims: they need no lock but their conditional UPDATE.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def describe(url: URL) -> str:
    """Name a database for messages and logs, without its password."""
    if url.get_backend_name() == "sqlite":
        return f"the SQLite database {url.database}"
    return f"the database at {url.render_as_string(hide_password=True)}"


def is_sqlite(url: URL) -> bool:
    """Tell whether a URL names a SQLite file."""
    return url.get_backend_name() == "sqlite"


def create_store_engine(url: URL) -> Engine:
    """Build an engine for a resolved URL, tuned for that database."""
    if is_sqlite(url):
        return _sqlite_engine(url)
    try:
        return create_engine(url, pool_pre_ping=True,
                             connect_args={"connect_timeout": CONNECT_TIMEOUT_S})
    except ImportError as error:
        raise StoreError(f"{describe(url)} needs the psycopg driver: "
                         "pip install 'ivr[postgres]'") from error


def _sqlite_engine(url: URL) -> Engine:
    """Build a SQLite engine: folder created, WAL, busy timeout, our own BEGINs."""
    folder = Path(url.database or ".").parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreUnavailable(f"{describe(url)} is unavailable: cannot create {folder} "
                               f"({error.strerror})") from error
    connect_args: dict[str, Any] = {"timeout": BUSY_TIMEOUT_S}
    legacy = getattr(sqlite3, "LEGACY_TRANSACTION_CONTROL", None)
    if legacy is not None:  # Python 3.12+: keep the mode in which isolation_level=None works
        connect_args["autocommit"] = legacy
    engine = create_engine(url, connect_args=connect_args)
    guard = _FileGuard(Path(url.database or ""))
    event.listen(engine, "connect", _prepare_sqlite)
    event.listen(engine, "connect", guard.opened)
    event.listen(engine, "checkout", guard.check)
    event.listen(engine, "begin", _begin_sqlite)
    return engine


class _FileGuard:
    """Notice that a SQLite file was removed or replaced under its pooled connections."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def opened(self, _dbapi_connection: Any, record: Any) -> None:
        """Remember which file a new connection opened."""
        record.info["ivr_file"] = self._identity()

    def check(self, _dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        """Refuse a pooled connection to a file that is no longer there."""
        if record.info.get("ivr_file") != self._identity():
            raise DisconnectionError(f"{self.path} was removed or replaced")

    def _identity(self) -> tuple[int, int] | None:
        """Return the file's device and inode, or None when it is gone."""
        try:
            found = os.stat(self.path)
        except OSError:
            return None
        return found.st_dev, found.st_ino


def _prepare_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """Leave BEGIN to SQLAlchemy and set the pragmas every connection needs."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        _use_wal(cursor)
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _use_wal(cursor: Any) -> None:
    """Switch the file to WAL once; retry while other connections are creating it too."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as error:
            # changing the journal mode answers "locked" at once, without the busy timeout
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(WAL_RETRY_S)


def _begin_sqlite(connection: Connection) -> None:
    """Begin a transaction: take the write lock up front when the transaction will write."""
    is_write = connection.get_execution_options().get("ivr_write", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if is_write else "BEGIN")
