"""``ivr db``: create, upgrade and inspect the helpline's database.

    upgrade   apply the missing migrations (SQLite is also upgraded when the app starts;
              PostgreSQL only here, by whoever deploys)
    status    the schema's version and this ivr's: exit 0 when they match, else 1 and why

Both read the database from --database-url, else IVR_DATABASE_URL, else the SQLite file in
--instance. A database that cannot be reached is one sentence and exit 1.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from sqlalchemy import URL, Engine

from ivr.store import migrations
from ivr.store.engine import create_store_engine, database_url, describe, is_sqlite
from ivr.store.errors import SchemaOutdated

DATABASE_URL = click.option(
    "--database-url", "url_text", envvar="IVR_DATABASE_URL", metavar="URL",
    help="postgresql://user@host/db or sqlite:///file  [default: IVR_DATABASE_URL, else "
         "SQLite in the instance folder]")
INSTANCE = click.option("--instance", type=click.Path(path_type=Path), default=Path("instance"),
                        show_default=True, help="Folder of the default SQLite database.")


@click.group("db")
def db() -> None:
    """Create, upgrade and inspect the helpline's database."""


@db.command("upgrade")
@DATABASE_URL
@INSTANCE
def upgrade_command(url_text: str | None, instance: Path) -> None:
    """Create the tables, or bring them up to this ivr's schema version."""
    url = database_url(url_text, instance)
    with _engine(url) as engine:
        applied = migrations.upgrade(engine)
    if applied:
        steps = ", ".join(str(version) for version in applied)
        click.echo(f"{describe(url)}: applied migration {steps}; now at version "
                   f"{migrations.TARGET}")
    else:
        click.echo(f"{describe(url)}: already at version {migrations.TARGET}")


@db.command("status")
@DATABASE_URL
@INSTANCE
def status_command(url_text: str | None, instance: Path) -> None:
    """Show the schema's version; exit 1 unless it is this ivr's."""
    url = database_url(url_text, instance)
    version = 0
    if not is_sqlite(url) or Path(url.database or "").exists():
        with _engine(url) as engine:
            version = migrations.current_version(engine)
    click.echo(describe(url))
    click.echo(f"  schema version {version}, this ivr needs {migrations.TARGET}")
    for migration in migrations.MIGRATIONS:
        mark = "applied" if migration.version <= version else "pending"
        click.echo(f"  {migration.version:>4}  {mark:<8} {migration.summary}")
    problem = migrations.mismatch(describe(url), version)
    if problem:
        raise SchemaOutdated(problem)


@contextmanager
def _engine(url: URL) -> Iterator[Engine]:
    """Open an engine for one command and close it afterwards."""
    engine = create_store_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
