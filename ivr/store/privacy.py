"""Caller numbers are personal data: how the store keeps them, and for how long.

    IVR_CALLER_NUMBERS   mask (default: +35191*****78), hash (HMAC-SHA256 with
                         IVR_NUMBER_SALT, hex: the same caller is recognisable, not readable)
                         or keep
    IVR_NUMBER_SALT      the HMAC key for ``hash``; required then, and kept secret
    IVR_RETENTION_DAYS   how long personal data is kept (default 90); ``purge`` enforces it

The setting applies to call records, call events and voicemails. Callback requests and
session numbers are kept as dialled, because somebody has to call them back; they are
purged ``retention_days`` after they are done.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any

from ivr.errors import ConfigError
from ivr.privacy import mask_number

DEFAULT_RETENTION_DAYS = 90
# How a phone number looks in an event's detail: E.164 or international (as Twilio sends
# them), or nine digits and more (a number keyed in); job numbers and keys pressed are shorter.
_NUMBER = re.compile(r"^(\+|00)?[0-9]{9,15}$|^\+[0-9]{7,8}$")


class NumberMode(StrEnum):
    """How the store keeps the numbers of callers."""

    MASK = "mask"
    HASH = "hash"
    KEEP = "keep"


@dataclass(frozen=True)
class Privacy:
    """How numbers are stored, with which key, and how long personal data is kept."""

    mode: NumberMode | str = NumberMode.MASK
    salt: bytes = field(default=b"", repr=False)
    retention_days: int = DEFAULT_RETENTION_DAYS

    def __post_init__(self) -> None:
        if self.mode not in set(NumberMode):
            raise ConfigError(f"IVR_CALLER_NUMBERS must be mask, hash or keep, not {self.mode!r}")
        object.__setattr__(self, "mode", NumberMode(self.mode))
        if self.mode == NumberMode.HASH and not self.salt:
            raise ConfigError("hashing caller numbers needs a secret IVR_NUMBER_SALT")
        if self.retention_days < 1:
            raise ConfigError(f"IVR_RETENTION_DAYS must be at least 1, not {self.retention_days}")

    @property
    def retention(self) -> timedelta:
        """Return how long personal data is kept."""
        return timedelta(days=self.retention_days)

    def stored(self, number: str | None) -> str | None:
        """Return a caller's number as this setting stores it."""
        if not number:
            return number
        if self.mode == NumberMode.KEEP:
            return number
        if self.mode == NumberMode.HASH:
            return hmac.new(self.salt, number.encode(), hashlib.sha256).hexdigest()
        return mask_number(number)

    def scrubbed(self, value: Any) -> Any:
        """Return an event's detail with every phone number in it stored as this setting says."""
        if isinstance(value, str):
            return self.stored(value) if _NUMBER.match(value) else value
        if isinstance(value, Mapping):
            return {str(key): self.scrubbed(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.scrubbed(item) for item in value]
        return value


@dataclass(frozen=True)
class StoreSettings:
    """Where the store is and how it treats personal data."""

    url: str | None
    privacy: Privacy


def settings_from(config: Mapping[str, Any]) -> StoreSettings:
    """Read the store's settings from the app's configuration (``IVR_*`` keys)."""
    mode = str(config.get("IVR_CALLER_NUMBERS") or NumberMode.MASK).strip().lower()
    salt = config.get("IVR_NUMBER_SALT") or b""
    privacy = Privacy(mode, salt.encode() if isinstance(salt, str) else bytes(salt),
                      _retention_days(config.get("IVR_RETENTION_DAYS")))
    return StoreSettings(str(config.get("IVR_DATABASE_URL") or "") or None, privacy)


def _retention_days(value: Any) -> int:
    """Read IVR_RETENTION_DAYS, refusing anything but a whole number of days."""
    if value is None or value == "":
        return DEFAULT_RETENTION_DAYS
    try:
        return int(str(value).strip())
    except ValueError:
        raise ConfigError(f"IVR_RETENTION_DAYS must be a whole number of days, "
                          f"not {value!r}") from None
