"""A call leg: one phone connection with its own CallSid, cookies and call parameters."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

import phonenumbers

from ivr.simulator.actors import Actor
from ivr.simulator.cookies import CookieJar
from ivr.simulator.kernel import Process

API_VERSION = "2010-04-01"


class Direction(StrEnum):
    """Who started the leg (§1.2)."""

    INBOUND = "inbound"  # a person phoned the app's number
    OUTBOUND_API = "outbound-api"  # the REST API placed the call
    OUTBOUND_DIAL = "outbound-dial"  # a <Dial> of another leg placed it


class CallStatus(StrEnum):
    """Twilio's call statuses (§1.2)."""

    QUEUED = "queued"
    RINGING = "ringing"
    IN_PROGRESS = "in-progress"
    COMPLETED = "completed"
    BUSY = "busy"
    FAILED = "failed"
    NO_ANSWER = "no-answer"
    CANCELED = "canceled"


@dataclass(frozen=True)
class Target:
    """A URL and the HTTP method to request it with."""

    url: str
    method: str = "POST"


@dataclass(frozen=True)
class StatusCallback:
    """Where to send a leg's call-progress events, and which ones."""

    url: str
    method: str = "POST"
    events: frozenset[str] = frozenset({"completed"})


@dataclass(eq=False)
class Leg:
    """One connection and the person on it."""

    sid: str
    account_sid: str
    from_: str
    to: str
    direction: Direction
    actor: Actor
    label: str
    started_at: float
    parent_sid: str | None = None
    fallback: Target | None = None
    status_callback: StatusCallback | None = None
    status: CallStatus = CallStatus.RINGING
    answered_at: float | None = None
    ended_at: float | None = None
    cookies: CookieJar = field(default_factory=CookieJar)
    process: Process | None = None
    callback_sequence: int = 0

    @property
    def is_answered(self) -> bool:
        """Tell whether the call has been picked up."""
        return self.answered_at is not None

    def answer(self, now: float) -> None:
        """Mark the call answered at ``now`` (once)."""
        if self.answered_at is None:
            self.answered_at = now
            self.status = CallStatus.IN_PROGRESS

    def duration(self, now: float) -> int:
        """Return the whole seconds since the call was answered."""
        return round(now - self.answered_at) if self.answered_at is not None else 0

    def params(self) -> dict[str, str]:
        """Return the parameters Twilio sends on every request about this leg (§1.2)."""
        from_country, to_country = country_of(self.from_), country_of(self.to)
        params = {
            "AccountSid": self.account_sid,
            "ApiVersion": API_VERSION,
            "CallSid": self.sid,
            "CallStatus": str(self.status),
            "Called": self.to,
            "CalledCity": "",
            "CalledCountry": to_country,
            "CalledState": "",
            "CalledZip": "",
            "Caller": self.from_,
            "CallerCity": "",
            "CallerCountry": from_country,
            "CallerState": "",
            "CallerZip": "",
            "Direction": str(self.direction),
            "From": self.from_,
            "FromCity": "",
            "FromCountry": from_country,
            "FromState": "",
            "FromZip": "",
            "To": self.to,
            "ToCity": "",
            "ToCountry": to_country,
            "ToState": "",
            "ToZip": "",
        }
        if self.parent_sid is not None:
            params["ParentCallSid"] = self.parent_sid
        return params


@lru_cache(maxsize=1024)
def country_of(number: str) -> str:
    """Return the ISO country of an E.164 number, or "" (clients, SIP, unknown)."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return ""
    return str(phonenumbers.region_code_for_number(parsed) or "")
