"""Phone numbers a caller gives us to call back: checked and written in E.164."""

from __future__ import annotations

import phonenumbers

MAX_LENGTH = 20  # longer input is not a phone number, whatever it parses as


def callable_number(number: str, region: str | None = None) -> str | None:
    """Return a number the helpline can call, in E.164, or None.

    ``region`` reads a national number (keyed in Portugal: "PT"); without it only
    international numbers (caller IDs) are accepted.
    """
    if not number or len(number) > MAX_LENGTH:
        return None
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))
