"""Migrations: from empty, from an existing database with rows, one transaction per step."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, MetaData, insert, inspect, text
from store_support import NOW, Database, interpreter, upgrade

from ivr.store import SchemaOutdated, open_store
from ivr.store import migrations as migrations_module
from ivr.store.engine import create_store_engine, database_url
from ivr.store.migrations import MIGRATIONS, TARGET, Migration
from ivr.store.schema import metadata, schema_version


def engine_for(database: Database) -> Engine:
    """Open an engine on a test database (the caller disposes of it)."""
    return create_store_engine(database_url(database.url, database.instance))


def shape(engine: Engine) -> dict[str, Any]:
    """Describe a database's tables: columns with nullability and keys, indexes, uniques."""
    with engine.connect() as connection:
        reflected = MetaData()
        reflected.reflect(connection)
    return shape_of(reflected)


def shape_of(tables: MetaData) -> dict[str, Any]:
    """Describe tables as ``shape`` does, from table objects."""
    return {name: {
        "columns": {(c.name, c.nullable, c.primary_key) for c in table.columns},
        "indexes": {tuple(c.name for c in index.columns) for index in table.indexes},
    } for name, table in tables.tables.items()}


def add_note_column(connection: Connection) -> None:
    """A later step, for the tests: add a column."""
    connection.execute(text("ALTER TABLE calls ADD COLUMN note VARCHAR(50)"))


def broken_step(connection: Connection) -> None:
    """A later step that fails half way, for the tests."""
    connection.execute(text("CREATE TABLE half_done (id INTEGER PRIMARY KEY)"))
    raise RuntimeError("the step failed")


def test_the_steps_are_numbered_from_one_without_gaps() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    assert MIGRATIONS[-1].version == TARGET


def test_an_empty_database_is_upgraded_to_the_schema_the_code_uses(database: Database) -> None:
    assert upgrade(database) == list(range(1, TARGET + 1))
    assert upgrade(database) == []
    engine = engine_for(database)
    try:
        assert migrations_module.current_version(engine) == TARGET
        assert shape(engine) == shape_of(metadata)
    finally:
        engine.dispose()


def test_an_existing_database_keeps_its_rows_through_an_upgrade(
        database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    upgrade(database)
    with open_store(database.url, database.instance) as store:
        store.call_started("CA1", "+351218106191", "+351912345678", "PT", NOW)
        store.sync_agents([interpreter("i1", "uk")])
    later_steps = (*MIGRATIONS, Migration(TARGET + 1, "a note on calls", add_note_column))
    monkeypatch.setattr(migrations_module, "MIGRATIONS", later_steps)
    monkeypatch.setattr(migrations_module, "TARGET", TARGET + 1)
    assert upgrade(database) == [TARGET + 1]
    with open_store(database.url, database.instance) as store:
        assert [c.call_sid for c in store.recent_calls()] == ["CA1"]
        assert [a.agent_id for a in store.agents(NOW)] == ["i1"]
        assert store.schema_version() == TARGET + 1
    engine = engine_for(database)
    try:
        assert "note" in {c["name"] for c in inspect(engine).get_columns("calls")}
    finally:
        engine.dispose()


def test_a_failing_step_leaves_the_database_as_it_was(
        database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    upgrade(database)
    monkeypatch.setattr(migrations_module, "MIGRATIONS",
                        (*MIGRATIONS, Migration(TARGET + 1, "broken", broken_step)))
    monkeypatch.setattr(migrations_module, "TARGET", TARGET + 1)
    with pytest.raises(RuntimeError, match="the step failed"):
        upgrade(database)
    engine = engine_for(database)
    try:
        assert migrations_module.current_version(engine) == TARGET
        assert not inspect(engine).has_table("half_done")
    finally:
        engine.dispose()


def test_upgraders_racing_apply_each_step_once(database: Database) -> None:
    barrier = threading.Barrier(4)
    results: list[list[int]] = []
    engines = [engine_for(database) for _ in range(4)]

    def race(engine: Engine) -> None:
        barrier.wait(timeout=30)
        results.append(migrations_module.upgrade(engine))

    threads = [threading.Thread(target=race, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for engine in engines:
        engine.dispose()
    # each step once, whichever upgrader got to it first
    assert sorted(version for applied in results for version in applied) == list(
        range(1, TARGET + 1))
    assert len(results) == 4


def test_opening_sqlite_creates_and_upgrades_it(sqlite_database: Database) -> None:
    with open_store(None, sqlite_database.instance) as store:
        assert store.schema_version() == TARGET
    assert (sqlite_database.instance / "ivr.sqlite3").is_file()


@pytest.mark.postgres
def test_opening_an_empty_postgresql_says_to_run_the_upgrade(postgres_database: Database) -> None:
    with pytest.raises(SchemaOutdated, match=r"schema version 0, this ivr needs .*ivr db upgrade"):
        open_store(postgres_database.url, postgres_database.instance)


def test_a_database_newer_than_the_code_is_refused(database: Database) -> None:
    upgrade(database)
    engine = engine_for(database)
    with engine.begin() as connection:
        connection.execute(insert(schema_version).values(
            version=TARGET + 1, applied_at=datetime.now(UTC), summary="from the future"))
    engine.dispose()
    with pytest.raises(SchemaOutdated, match="newer than this ivr"):
        open_store(database.url, database.instance)
