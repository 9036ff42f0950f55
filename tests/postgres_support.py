"""The test PostgreSQL server: whether it answers, and schemas of a test's own.

Every test that uses PostgreSQL works in a fresh schema (``search_path`` in the URL) that is
dropped afterwards, so tests never see each other's rows. The server is
``IVR_TEST_POSTGRES_URL``, by default the local one with trust authentication.
"""

from __future__ import annotations

import functools
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy import make_url

from ivr.store import migrations
from ivr.store.engine import create_store_engine, database_url

POSTGRES_URL = os.environ.get("IVR_TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")


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


@contextmanager
def upgraded_schema() -> Iterator[str]:
    """Yield the URL of a fresh schema brought to this ivr's version, as `ivr db upgrade`."""
    with fresh_schema() as url:
        engine = create_store_engine(database_url(url, Path("unused")))
        try:
            migrations.upgrade(engine)
        finally:
            engine.dispose()
        yield url


def admin(statement: str) -> None:
    """Run one statement on the test server, outside any test's schema."""
    with psycopg.connect(_libpq(POSTGRES_URL), autocommit=True, connect_timeout=3) as conn:
        conn.execute(statement.encode())


def _libpq(url: str) -> str:
    """Turn a SQLAlchemy URL into one libpq understands."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
