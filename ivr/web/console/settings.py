"""The console's settings: its one admin, the password's hash, the key that signs sessions.

Rules of this module:
- there is no default password: without ``IVR_CONSOLE_USER`` and ``IVR_CONSOLE_PASSWORD_HASH``
  the console is off and says how to turn it on;
- ``IVR_SECRET_KEY`` is required too: a key made up per process would sign each worker's
  sessions differently, so a user signed in on one worker would be a stranger to the next;
- a password is checked against the PBKDF2 hash ``ivr console hash-password`` prints (the
  format of ``ivr.routing.entities.hash_code``) or a werkzeug ``generate_password_hash``;
  a malformed stored value never matches and is reported as a setting to fix;
- the user name is compared in constant time and the hash is always computed, so the time
  of an answer does not tell whether the name was right.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from werkzeug.security import check_password_hash

from ivr.menu.roster_model import HASH_SCHEME, parse_code_hash
from ivr.routing.entities import hash_code, verify_code

MIN_SECRET_KEY = 16
WERKZEUG_METHODS = ("pbkdf2:", "scrypt:")


@dataclass(frozen=True)
class ConsoleSettings:
    """Who may sign in to the console, and with what."""

    user: str
    password_hash: str
    secret_key: str
    secure_cookie: bool = False

    def problems(self) -> list[str]:
        """Say, one sentence each, what keeps the console off; empty when it is on."""
        found = []
        if not self.user:
            found.append("IVR_CONSOLE_USER is not set: it names the console's admin.")
        if not self.password_hash:
            found.append("IVR_CONSOLE_PASSWORD_HASH is not set: there is no default "
                         "password; `ivr console hash-password` prints a hash to put there.")
        elif not is_known_hash(self.password_hash):
            found.append("IVR_CONSOLE_PASSWORD_HASH is not a hash this console reads: use "
                         "the one `ivr console hash-password` prints.")
        if not self.secret_key:
            found.append("IVR_SECRET_KEY is not set: it signs the console's sessions and "
                         "must be the same in every worker and instance.")
        elif len(self.secret_key) < MIN_SECRET_KEY:
            found.append(f"IVR_SECRET_KEY is too short: use at least {MIN_SECRET_KEY} "
                         "random characters.")
        return found

    @property
    def is_enabled(self) -> bool:
        """Tell whether anyone can sign in."""
        return not self.problems()

    def fingerprint(self) -> str:
        """Return a short digest of the user and hash: a changed password ends sessions."""
        digest = hashlib.sha256(f"{self.user}\0{self.password_hash}".encode()).hexdigest()
        return digest[:16]

    def check(self, user: str, password: str) -> bool:
        """Tell whether the user name and password are the admin's."""
        is_password = check_password(self.password_hash, password)
        is_user = hmac.compare_digest(user.encode(), self.user.encode())
        return bool(self.user) and is_user and is_password


def read_settings(config: Mapping[str, Any]) -> ConsoleSettings:
    """Read the console's settings from the app's configuration."""
    public = str(config.get("IVR_PUBLIC_BASE_URL") or "")
    return ConsoleSettings(
        user=str(config.get("IVR_CONSOLE_USER") or "").strip(),
        password_hash=str(config.get("IVR_CONSOLE_PASSWORD_HASH") or "").strip(),
        secret_key=str(config.get("IVR_SECRET_KEY") or ""),
        secure_cookie=public.startswith("https://"))


def is_known_hash(stored: str) -> bool:
    """Tell whether a stored value is a password hash this console can check."""
    if stored.startswith(HASH_SCHEME + "$"):
        try:
            parse_code_hash(stored)
        except ValueError:
            return False
        return True
    return stored.startswith(WERKZEUG_METHODS) and stored.count("$") == 2


def check_password(stored: str, password: str) -> bool:
    """Tell whether a password matches a stored hash; False for a malformed one."""
    if stored.startswith(HASH_SCHEME + "$"):
        return verify_code(stored, password)
    if not is_known_hash(stored):
        return False
    try:
        return check_password_hash(stored, password)
    except ValueError:
        return False


def hash_password(password: str) -> str:
    """Hash a password for IVR_CONSOLE_PASSWORD_HASH (PBKDF2-SHA256, random salt)."""
    return hash_code(password)
