"""Helpers for the store's tests: databases to test on, a fixed time, a small roster."""

from __future__ import annotations

import functools
import os
import secrets
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from sqlalchemy import make_url

from ivr.store import AgentSpec, SqlStore, migrations
from ivr.store.engine import create_store_engine, database_url

POSTGRES_URL = os.environ.get("IVR_TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")
StoreFactory = Callable[..., SqlStore]  # opens a store on the test's database
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)  # a Monday, 10:00 in Lisbon (UTC in winter)


def later(seconds: float) -> datetime:
    """Return the time ``seconds`` after NOW."""
    return NOW + timedelta(seconds=seconds)


@dataclass(frozen=True)
class Database:
    """Where a test's store lives: a URL (None: SQLite in ``instance``) and an instance folder."""

    kind: str
    url: str | None
    instance: Path


def interpreter(agent_id: str, *languages: str, gender: str | None = None,
                credential: int = 0) -> AgentSpec:
    """Build an interpreter's roster entry with a number in the fictional range."""
    phone = f"+3519000{zlib.crc32(agent_id.encode()) % 100000:05d}"
    return AgentSpec("interpreter", agent_id, f"Interpreter {agent_id}", phone, languages,
                     gender, credential)


def operator(agent_id: str, *languages: str) -> AgentSpec:
    """Build a LAM operator's roster entry."""
    return AgentSpec("operator", agent_id, f"Operator {agent_id}", "+351900099999", languages)


def upgrade(database: Database) -> list[int]:
    """Bring a database's schema to this ivr's version, as `ivr db upgrade` does."""
    engine = create_store_engine(database_url(database.url, database.instance))
    try:
        return migrations.upgrade(engine)
    finally:
        engine.dispose()


@functools.cache
def postgres_problem() -> str | None:
    """Say why the test PostgreSQL server cannot be used, or None when it can."""
    try:
        with psycopg.connect(_libpq(POSTGRES_URL), connect_timeout=3):
            return None
    except psycopg.OperationalError as error:
        return f"PostgreSQL at {make_url(POSTGRES_URL).render_as_string()} is unreachable: {error}"


@contextmanager
def fresh_schema() -> Iterator[str]:
    """Create an empty schema, yield a URL whose search_path is it, then drop it."""
    schema = f"t_{secrets.token_hex(6)}"
    admin(f"CREATE SCHEMA {schema}")
    try:
        url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        admin(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def admin(statement: str) -> None:
    """Run one statement on the test server, outside any test's schema."""
    with psycopg.connect(_libpq(POSTGRES_URL), autocommit=True, connect_timeout=3) as conn:
        conn.execute(statement.encode())


def _libpq(url: str) -> str:
    """Turn a SQLAlchemy URL into one libpq understands."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
