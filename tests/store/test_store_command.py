"""`ivr db upgrade` and `ivr db status` on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from store_support import Database

from ivr.cli import cli, main
from ivr.store import SchemaOutdated
from ivr.store.migrations import TARGET


def db(runner: CliRunner, database: Database, *args: str) -> Result:
    """Run ``ivr db`` on a test database, given by option as an admin would."""
    where = ["--instance", str(database.instance)]
    if database.url:
        where += ["--database-url", database.url]
    return runner.invoke(cli, ["db", *args, *where])


def test_status_upgrade_status(runner: CliRunner, database: Database) -> None:
    before = db(runner, database, "status")
    assert before.exit_code == 1
    assert isinstance(before.exception, SchemaOutdated)
    assert f"schema version 0, this ivr needs {TARGET}" in before.output
    assert "pending" in before.output

    upgraded = db(runner, database, "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    steps = ", ".join(str(version) for version in range(1, TARGET + 1))
    assert f"applied migration {steps}; now at version {TARGET}" in upgraded.output

    again = db(runner, database, "upgrade")
    assert again.exit_code == 0
    assert f"already at version {TARGET}" in again.output

    after = db(runner, database, "status")
    assert after.exit_code == 0, after.output
    assert f"schema version {TARGET}, this ivr needs {TARGET}" in after.output
    assert "pending" not in after.output


def test_the_database_comes_from_the_environment(runner: CliRunner, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}"
    result = runner.invoke(cli, ["db", "upgrade"], env={"IVR_DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    assert (tmp_path / "elsewhere.sqlite3").is_file()


def test_status_does_not_create_a_sqlite_file(runner: CliRunner,
                                              sqlite_database: Database) -> None:
    assert db(runner, sqlite_database, "status").exit_code == 1
    assert not sqlite_database.instance.exists()


@pytest.mark.parametrize(("url", "message"), [
    ("postgresql://ivr:s3cret@127.0.0.1:1/ivr",
     "ivr: the database at postgresql+psycopg://ivr:***@127.0.0.1:1/ivr is unavailable: "),
    ("oracle://ivr:s3cret@db/ivr", "ivr: the database URL names 'oracle'"),
])
@pytest.mark.parametrize("command", ["upgrade", "status"])
def test_a_bad_database_is_one_sentence_and_exit_1(
        capsys: pytest.CaptureFixture[str], url: str, message: str, command: str) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["db", command, "--database-url", url])
    assert exited.value.code == 1
    captured = capsys.readouterr()
    assert captured.err.startswith(message)
    assert captured.err.count("\n") == 1
    assert "s3cret" not in captured.err + captured.out
