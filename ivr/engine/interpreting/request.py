"""What an interpreting request carries between webhooks, packed into the state's ``ref``.

The entity's answers travel in the signed URL like the rest of the state, as dot-separated
tagged fields: ``a`` account, ``l`` language code, ``g`` interpreter's gender, ``m`` the
migrant's number, ``j`` job number, ``w`` the moment being booked (DDMMHHMM), ``n`` the
number a booking calls back, ``c`` candidate language codes, ``d`` who dropped (``i``
interpreter, ``m`` migrant, ``x`` migrant unreachable). A bare job number (what ``ivr worker``
puts in a booked call's ``ref``) reads as ``j``. Rules:
- decoding never raises: an unknown tag or a malformed value is dropped;
- the encoded text stays within the state's 48 characters: an account is kept to
  ``MAX_ACCOUNT`` digits and a number to E.164's 16 characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace

TAGS = {"a": "account", "l": "code", "g": "gender", "m": "migrant", "j": "job", "w": "when",
        "n": "number", "c": "choices", "d": "dropped"}
MAX_ACCOUNT = 12
_VALUE = re.compile(r"^\+?[0-9a-z]{1,16}$")
_JOB = re.compile(r"^\d{6,12}$")


@dataclass(frozen=True)
class Request:
    """The entity's request so far: who asks, for which language, and for whom."""

    account: str = ""
    code: str = ""
    gender: str = ""  # "f", "m", or "" for either
    migrant: str = ""
    job: str = ""
    when: str = ""
    number: str = ""
    choices: str = ""
    dropped: str = ""

    def encode(self) -> str:
        """Pack the request into a state's ``ref``."""
        return ".".join(f"{tag}{getattr(self, name)}" for tag, name in TAGS.items()
                        if getattr(self, name))

    @classmethod
    def decode(cls, ref: str) -> Request:
        """Unpack a state's ``ref``; what is malformed is left out."""
        if _JOB.fullmatch(ref):
            return cls(job=ref)
        found: dict[str, str] = {}
        for token in ref.split("."):
            name = TAGS.get(token[:1])
            if name is not None and _VALUE.fullmatch(token[1:]):
                found[name] = token[1:]
        return cls(**found)

    def but(self, **changes: str) -> Request:
        """Return the request with some answers changed."""
        return replace(self, **changes)

    def choice_codes(self) -> list[str]:
        """Return the candidate language codes, three digits each."""
        return [self.choices[i:i + 3] for i in range(0, len(self.choices) - 2, 3)]


assert {f.name for f in fields(Request)} == set(TAGS.values())
