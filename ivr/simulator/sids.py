"""Twilio identifiers from a seedable random source, so a seeded call replays exactly."""

from __future__ import annotations

import random
import uuid
from enum import StrEnum


class SidKind(StrEnum):
    """The two-letter prefix of each kind of Twilio resource."""

    ACCOUNT = "AC"
    CALL = "CA"
    QUEUE = "QU"
    CONFERENCE = "CF"
    RECORDING = "RE"
    MESSAGE = "SM"
    TRANSCRIPTION = "TR"


class Sids:
    """Mint SIDs, idempotency tokens and secrets from one random stream."""

    def __init__(self, seed: int | None = None) -> None:
        self._random = random.Random(seed)

    def new(self, kind: SidKind) -> str:
        """Return a fresh SID: the prefix and 32 lower-case hex digits."""
        return f"{kind}{self._random.getrandbits(128):032x}"

    def token(self) -> str:
        """Return a UUID4 string for ``I-Twilio-Idempotency-Token``."""
        return str(uuid.UUID(int=self._random.getrandbits(128), version=4))

    def secret(self) -> str:
        """Return a 32-hex-digit auth token."""
        return f"{self._random.getrandbits(128):032x}"
