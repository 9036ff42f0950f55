"""Fixtures for the store's tests: every ``store`` test runs on SQLite and on PostgreSQL.

SQLite lives in the test's tmp_path. PostgreSQL (IVR_TEST_POSTGRES_URL, default the local
server's ``test`` database) gets a fresh schema per test, named ``t_<random>``, reached by
setting ``search_path`` in the URL's ``options`` and dropped afterwards, so no test sees
another's rows. PostgreSQL tests carry the ``postgres`` mark and are skipped, saying why,
only when the server cannot be reached.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from store_support import Database, StoreFactory, fresh_schema, postgres_problem, upgrade

from ivr.store import Privacy, SqlStore, open_store

BOTH = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture
def sqlite_database(tmp_path: Path) -> Database:
    """A SQLite database in the test's own folder (created on first open)."""
    return Database("sqlite", None, tmp_path / "instance")


@pytest.fixture
def postgres_database(tmp_path: Path) -> Iterator[Database]:
    """An empty PostgreSQL schema of the test's own, dropped afterwards."""
    problem = postgres_problem()
    if problem:
        pytest.skip(problem)
    with fresh_schema() as url:
        yield Database("postgres", url, tmp_path / "instance")


@pytest.fixture(params=BOTH)
def database(request: pytest.FixtureRequest) -> Database:
    """An empty database of each kind."""
    found: Database = request.getfixturevalue(f"{request.param}_database")
    return found


@pytest.fixture
def open_db(database: Database) -> Iterator[StoreFactory]:
    """Open stores on the test's database (schema upgraded), closing them all afterwards."""
    opened: list[SqlStore] = []
    upgrade(database)

    def opener(privacy: Privacy | None = None) -> SqlStore:
        store = open_store(database.url, database.instance, privacy)
        opened.append(store)
        return store

    yield opener
    for store in opened:
        store.close()


@pytest.fixture
def store(open_db: StoreFactory) -> SqlStore:
    """A store on an empty, current database, with numbers masked."""
    return open_db()
