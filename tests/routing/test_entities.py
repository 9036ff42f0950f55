"""Entity access codes: hashed with PBKDF2, verified in constant time, never stored plain."""

from __future__ import annotations

import hmac
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from support import ROOT

from ivr.menu.roster import Rosters, load_rosters
from ivr.menu.roster_model import parse_code_hash
from ivr.routing import entities
from ivr.routing.entities import check_access, find_entity, hash_code, verify_code

FAST = 200_000  # the least the file format allows; keeps these tests quick
SAMPLE_CODES = Path(__file__).with_name("sample_codes.yaml")


@pytest.fixture(scope="module")
def rosters() -> Rosters:
    """The shipped rosters."""
    loaded = load_rosters(ROOT / "menus", [])
    assert loaded is not None
    return loaded


@pytest.fixture(scope="module")
def codes() -> dict[str, str]:
    """The sample entities' access codes, by account number."""
    table = YAML(typ="safe").load(SAMPLE_CODES.read_text(encoding="utf-8"))
    return {str(account): str(code) for account, code in table.items()}


def test_a_hash_has_the_documented_form() -> None:
    stored = hash_code("482913", FAST)
    scheme, iterations, salt, digest = stored.split("$")
    assert (scheme, iterations) == ("pbkdf2_sha256", str(FAST))
    assert parse_code_hash(stored)[0] == FAST
    assert "482913" not in stored
    assert hash_code("482913", FAST) != stored  # a fresh salt each time


def test_a_given_salt_makes_the_hash_repeatable() -> None:
    salt = bytes(range(16))
    assert hash_code("482913", FAST, salt) == hash_code("482913", FAST, salt)


@pytest.mark.parametrize(("iterations", "salt"), [(1000, None), (FAST, b"short")])
def test_weak_settings_are_refused(iterations: int, salt: bytes | None) -> None:
    with pytest.raises(ValueError, match="iterations|salt"):
        hash_code("482913", iterations, salt)


def test_the_right_code_verifies_and_a_wrong_one_does_not() -> None:
    stored = hash_code("482913", FAST)
    assert verify_code(stored, "482913")
    assert not verify_code(stored, "482914")
    assert not verify_code(stored, "")


@pytest.mark.parametrize("stored", [
    "", "482913", "pbkdf2_sha256$$$", "md5$200000$c2FsdHNhbHQ=$AAAA",
    "pbkdf2_sha256$abc$c2FsdHNhbHQ=$" + "A" * 44,
    "pbkdf2_sha256$200000$not base64!$" + "A" * 44,
    "pbkdf2_sha256$200000$c2FsdHNhbHQ=$c2hvcnQ=",  # a digest of the wrong length
    "pbkdf2_sha256$99999999999$c2FsdHNhbHQ=$" + "A" * 43 + "=",  # would run for hours
])
def test_a_malformed_stored_value_never_verifies(stored: str) -> None:
    assert verify_code(stored, "482913") is False


def test_the_comparison_is_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(entities.hmac, "compare_digest", spy)
    assert verify_code(hash_code("482913", FAST), "482913")
    assert len(calls) == 1


def test_the_sample_codes_verify_against_the_registry(rosters: Rosters,
                                                      codes: dict[str, str]) -> None:
    assert set(codes) == set(rosters.entities)
    text = (ROOT / "menus" / "entities.yaml").read_text(encoding="utf-8")
    for account, code in codes.items():
        entity = find_entity(rosters, account + "#")
        assert entity is not None
        assert verify_code(entity.access_code, code)
        assert f"access_code: {code}" not in text
        assert f'access_code: "{code}"' not in text


def test_find_entity(rosters: Rosters) -> None:
    entity = find_entity(rosters, "4021170")
    assert entity is not None
    assert (entity.kind, entity.sample) == ("hospital", True)
    assert find_entity(rosters, " 402 1170 #") == entity
    assert find_entity(rosters, "999999") is None


def test_check_access(rosters: Rosters, codes: dict[str, str],
                      monkeypatch: pytest.MonkeyPatch) -> None:
    account = "731190"
    assert check_access(rosters, account, codes[account] + "#") == rosters.entities[account]
    assert check_access(rosters, account, "000000") is None
    derived: list[int] = []
    real = entities._derive

    def counting(code: str, salt: bytes, iterations: int) -> bytes:
        derived.append(iterations)
        return real(code, salt, iterations)

    monkeypatch.setattr(entities, "_derive", counting)
    assert check_access(rosters, "999999", "000000") is None
    assert derived == [entities.DEFAULT_ITERATIONS]  # an unknown account costs the same
