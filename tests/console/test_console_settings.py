"""The console's settings: hashes it reads, and ``ivr console hash-password``."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from werkzeug.security import generate_password_hash

from ivr.cli import cli
from ivr.routing.entities import hash_code
from ivr.web.console.settings import ConsoleSettings, check_password, is_known_hash

PASSWORD = "a long enough password"


@pytest.mark.parametrize(("stored", "matches"), [
    (hash_code(PASSWORD, iterations=200_000), True),
    (generate_password_hash(PASSWORD, "pbkdf2:sha256:1000"), True),
    (generate_password_hash(PASSWORD, "scrypt"), True),
    (hash_code("another password", iterations=200_000), False),
    ("pbkdf2_sha256$12$bad$worse", False),
    ("md5:abc$def$ghi", False),
    (PASSWORD, False),
    ("", False),
])
def test_a_password_matches_only_a_well_formed_hash_of_it(stored: str, matches: bool) -> None:
    assert check_password(stored, PASSWORD) is matches


def test_a_malformed_hash_is_reported_as_a_setting_to_fix() -> None:
    assert not is_known_hash("pbkdf2_sha256$12$bad$worse")
    settings = ConsoleSettings("admin", "plain-text-password", "k" * 32)
    assert not settings.is_enabled
    assert settings.problems() == ["IVR_CONSOLE_PASSWORD_HASH is not a hash this console "
                                   "reads: use the one `ivr console hash-password` prints."]


def test_the_user_name_must_match_exactly() -> None:
    settings = ConsoleSettings("admin", hash_code(PASSWORD, iterations=200_000), "k" * 32)
    assert settings.check("admin", PASSWORD)
    assert not settings.check("admin ", PASSWORD)
    assert not settings.check("Admin", PASSWORD)
    assert not ConsoleSettings("", settings.password_hash, "k" * 32).check("", PASSWORD)


def test_hash_password_asks_twice_and_prints_a_hash_that_checks(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["console", "hash-password"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    printed = result.output.strip().splitlines()[-1]
    assert printed.startswith("pbkdf2_sha256$600000$")
    assert check_password(printed, PASSWORD)
    assert PASSWORD not in result.output.replace("Console password", "")


def test_hash_password_refuses_a_short_password(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["console", "hash-password", "--password", "short"])
    assert result.exit_code == 2
    assert "at least 10 characters" in result.output
