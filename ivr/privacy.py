"""Caller numbers are personal data: this is how they appear in logs."""

from __future__ import annotations

KEEP_START = 6  # "+35191": country and network, useful for support, not identifying
KEEP_END = 2


def mask_number(number: str) -> str:
    """Hide the middle digits of a phone number: +351912345678 -> +35191*****78."""
    if len(number) <= KEEP_START + KEEP_END:
        return "*" * len(number)
    hidden = len(number) - KEEP_START - KEEP_END
    return number[:KEEP_START] + "*" * hidden + number[-KEEP_END:]
