"""Caller numbers are personal data: this is how they appear in logs."""

from __future__ import annotations

KEEP_START = 6  # "+35191": country and network, useful for support, not identifying
KEEP_START_NATIONAL = 2  # "91": the network of a number written without its country code
KEEP_END = 2
MIN_HIDDEN = 4  # fewer hidden digits than this would leave the number guessable


def mask_number(number: str) -> str:
    """Hide the middle digits of a phone number.

    ``+351912345678`` -> ``+35191*****78``; ``912345678`` -> ``91*****78``; a number too short
    to keep anything private (``112``) is hidden whole; in between, fewer leading digits
    show (``+2389912345`` -> ``+2389****45``).
    """
    start = KEEP_START if number.startswith("+") else KEEP_START_NATIONAL
    start = min(start, len(number) - KEEP_END - MIN_HIDDEN)  # short numbers show less
    if start < 1:
        return "*" * len(number)
    hidden = len(number) - start - KEEP_END
    return number[:start] + "*" * hidden + number[-KEEP_END:]
