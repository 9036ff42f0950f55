"""Schema migrations: an ordered list of steps, each applied once in its own transaction.

    MIGRATIONS                      every step, oldest first; TARGET is the last one's version
    current_version(engine) -> int  0 for an empty database
    upgrade(engine) -> list[int]    apply the missing steps; return the versions applied
    check(engine)                   raise SchemaOutdated unless the database is at TARGET
    mismatch(where, version)        what is wrong with a version, or None

Append a step to change the schema; never edit, remove or reorder one that has shipped. A
step is plain SQLAlchemy Core DDL that runs the same on SQLite and PostgreSQL. Each step
runs in one transaction together with its ``schema_version`` row, so a failed step leaves
the database as it was. Concurrent upgraders are serialised (SQLite's write lock, a
PostgreSQL advisory lock) and re-read the version once they hold the lock, so no step ever
runs twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, MetaData, func, insert, inspect, select, text

from ivr.store.engine import WRITE, describe, serialise
from ivr.store.errors import SchemaOutdated, translated
from ivr.store.schema import (
    NAMING,
    STT_LANGUAGE,
    STT_LANGUAGE_COLUMNS,
    schema_version,
    sessions_v2_columns,
    sign_ins_v3,
    tables_v1,
)

MIGRATION_LOCK = 0x1F2A_4D21  # upgraders take turns


@dataclass(frozen=True)
class Migration:
    """One step of the schema's history."""

    version: int
    summary: str
    apply: Callable[[Connection], None]


def _create_v1(connection: Connection) -> None:
    """Create the tables of version 1."""
    tables = MetaData(naming_convention=NAMING)
    tables_v1(tables)
    tables.create_all(connection)


def _add_entity_contact(connection: Connection) -> None:
    """Add the entity's number and language to sessions, to call a booking back."""
    for column in sessions_v2_columns():
        kind = column.type.compile(dialect=connection.dialect)
        connection.execute(text(f"ALTER TABLE sessions ADD COLUMN {column.name} {kind}"))


def _create_sign_ins(connection: Connection) -> None:
    """Create the table of the web console's sign-in attempts."""
    tables = MetaData(naming_convention=NAMING)
    sign_ins_v3(tables).create(connection)


def _widen_stt_languages(connection: Connection) -> None:
    """Let agents' and sessions' languages hold the longest interpreting language id."""
    if connection.dialect.name == "sqlite":
        return  # SQLite never enforces a VARCHAR's length
    for table, column in STT_LANGUAGE_COLUMNS:
        connection.execute(text(f"ALTER TABLE {table} ALTER COLUMN {column} "
                                f"TYPE VARCHAR({STT_LANGUAGE})"))


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "calls, call events, voicemails, agents and claims, callbacks, "
                 "interpreting sessions and their legs", _create_v1),
    Migration(2, "sessions: the entity's number and language, to call a booking back",
              _add_entity_contact),
    Migration(3, "sign-in attempts of the web console, for its rate limit",
              _create_sign_ins),
    Migration(4, "agents' and sessions' languages: interpreting language ids up to 48 "
                 "characters", _widen_stt_languages),
)
TARGET = MIGRATIONS[-1].version


def current_version(engine: Engine) -> int:
    """Return the version of the database's schema, 0 when it has none."""
    with translated(describe(engine.url)), engine.connect() as connection:
        return _version(connection)


def upgrade(engine: Engine) -> list[int]:
    """Apply every missing step in order; return the versions applied."""
    if current_version(engine) >= TARGET:
        return []
    applied = []
    for migration in MIGRATIONS:
        if _apply(engine, migration):
            applied.append(migration.version)
    return applied


def check(engine: Engine) -> None:
    """Raise SchemaOutdated unless the database's schema is the one this ivr needs."""
    problem = mismatch(describe(engine.url), current_version(engine))
    if problem:
        raise SchemaOutdated(problem)


def mismatch(where: str, version: int) -> str | None:
    """Say what is wrong with a schema version, or None when it is this ivr's."""
    if version < TARGET:
        return (f"{where} has schema version {version}, this ivr needs {TARGET}: "
                "run `ivr db upgrade`")
    if version > TARGET:
        return (f"{where} has schema version {version}, newer than this ivr knows ({TARGET}): "
                "upgrade ivr")
    return None


def _apply(engine: Engine, migration: Migration) -> bool:
    """Apply one step unless it already is; tell whether it ran."""
    with translated(describe(engine.url)), engine.execution_options(**WRITE).begin() as conn:
        serialise(conn, MIGRATION_LOCK)
        schema_version.create(conn, checkfirst=True)
        if _version(conn) >= migration.version:
            return False
        migration.apply(conn)
        conn.execute(insert(schema_version).values(
            version=migration.version, applied_at=datetime.now(UTC), summary=migration.summary))
        return True


def _version(connection: Connection) -> int:
    """Read the schema version on an open connection."""
    if not inspect(connection).has_table(schema_version.name):
        return 0
    return connection.scalar(select(func.max(schema_version.c.version))) or 0
