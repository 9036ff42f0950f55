"""Helpers for the store's tests: databases to test on, a fixed time, a small roster."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from postgres_support import POSTGRES_URL, admin, fresh_schema, postgres_problem

from ivr.store import AgentSpec, SqlStore, migrations
from ivr.store.engine import create_store_engine, database_url

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


__all__ = ["POSTGRES_URL", "admin", "fresh_schema", "postgres_problem"]
