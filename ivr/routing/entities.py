"""Requesting entities: access codes hashed with PBKDF2-SHA256 and checked in constant time.

A stored code reads ``pbkdf2_sha256$<iterations>$<salt, base64>$<hash, base64>`` (the format
of ``entities.yaml``, parsed by ``ivr.menu.roster_model.parse_code_hash``). Rules:
- codes are never stored or logged in plain text; ``hash_code`` makes a fresh random salt;
- ``verify_code`` compares with ``hmac.compare_digest`` and answers False, never raises, for
  a malformed stored value;
- ``check_access`` spends the same time on an unknown account as on a known one, so the
  time of an answer does not tell which account numbers exist.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from ivr.menu.roster import Entity, Rosters
from ivr.menu.roster_model import (
    DIGEST_BYTES,
    HASH_SCHEME,
    MAX_ITERATIONS,
    MIN_ITERATIONS,
    MIN_SALT_BYTES,
    parse_code_hash,
)

DEFAULT_ITERATIONS = 600_000
SALT_BYTES = 16
# Checked against when the account is unknown, so that answer takes as long as any other.
_DECOY = (f"{HASH_SCHEME}${DEFAULT_ITERATIONS}${base64.b64encode(bytes(SALT_BYTES)).decode()}"
          f"${base64.b64encode(bytes(DIGEST_BYTES)).decode()}")


def hash_code(code: str, iterations: int = DEFAULT_ITERATIONS, salt: bytes | None = None) -> str:
    """Hash an access code for entities.yaml, with a fresh random salt unless one is given."""
    if not MIN_ITERATIONS <= iterations <= MAX_ITERATIONS:
        raise ValueError(f"iterations must be {MIN_ITERATIONS} to {MAX_ITERATIONS}, "
                         f"not {iterations}")
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    if len(salt) < MIN_SALT_BYTES:
        raise ValueError(f"a salt needs at least {MIN_SALT_BYTES} bytes")
    digest = _derive(code, salt, iterations)
    return "$".join((HASH_SCHEME, str(iterations), _b64(salt), _b64(digest)))


def verify_code(stored: str, code: str) -> bool:
    """Tell whether a code matches a stored hash; False for a malformed stored value."""
    try:
        iterations, salt, expected = parse_code_hash(stored)
    except (ValueError, AttributeError):
        return False
    return hmac.compare_digest(_derive(code, salt, iterations), expected)


def find_entity(rosters: Rosters, account: str) -> Entity | None:
    """Return the entity with this account number (keyed digits, # allowed), or None."""
    return rosters.entities.get(normalise_account(account))


def check_access(rosters: Rosters, account: str, code: str) -> Entity | None:
    """Return the entity when the account exists and the code is its own, else None."""
    entity = find_entity(rosters, account)
    stored = entity.access_code if entity is not None else _DECOY
    is_right = verify_code(stored, code.strip().rstrip("#"))
    return entity if entity is not None and is_right else None


def normalise_account(account: str) -> str:
    """Drop spaces and the closing # from keyed digits."""
    return "".join(account.split()).rstrip("#")


def _derive(code: str, salt: bytes, iterations: int) -> bytes:
    """Run PBKDF2-HMAC-SHA256 over the code."""
    return hashlib.pbkdf2_hmac("sha256", code.encode("utf-8"), salt, iterations)


def _b64(raw: bytes) -> str:
    """Encode bytes as standard base64 text."""
    return base64.b64encode(raw).decode("ascii")
