"""What the store hands out: frozen records and the kinds and states they carry.

Every datetime here is timezone-aware UTC. Records are plain values, never database rows;
enums are ``StrEnum``, so callers may pass plain strings such as ``"interpreter"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class AgentKind(StrEnum):
    """Who an agent is: a LAM operator or an STT interpreter."""

    OPERATOR = "operator"
    INTERPRETER = "interpreter"


class ClaimState(StrEnum):
    """Whether an agent can be given a call now, as far as claims tell."""

    FREE = "free"
    BUSY = "busy"
    EXPIRED = "expired"  # claimed, but the release never came: free again for a new claim


class CallbackStatus(StrEnum):
    """Where a callback request stands."""

    PENDING = "pending"
    CLAIMED = "claimed"  # a worker is placing it; its lease tells until when
    DONE = "done"
    FAILED = "failed"  # attempts ran out


class SessionStatus(StrEnum):
    """Where an interpreting session stands."""

    REQUESTED = "requested"
    CONNECTING = "connecting"
    ACTIVE = "active"
    ENDED = "ended"
    UNFILLED = "unfilled"  # nobody could be allocated
    BOOKED = "booked"  # to be placed by a worker at booked_for
    FAILED = "failed"  # a booked call could not be placed


class LegRole(StrEnum):
    """Which party a leg of a session's conference connects."""

    ENTITY = "entity"
    INTERPRETER = "interpreter"
    MIGRANT = "migrant"


class VoicemailStatus(StrEnum):
    """Whether somebody has listened to a voicemail."""

    NEW = "new"
    HEARD = "heard"


@dataclass(frozen=True)
class CallRecord:
    """One call's detail record; ``caller`` is stored as the privacy setting says."""

    call_sid: str
    line: str | None
    caller: str | None
    caller_region: str | None
    language: str | None
    path: tuple[str, ...]
    outcome: str | None
    status: str | None
    started_at: datetime | None
    answered_at: datetime | None
    ended_at: datetime | None
    duration_s: int | None


@dataclass(frozen=True)
class CallEvent:
    """Something that happened on a call, in order of ``id``."""

    id: int
    call_sid: str
    at: datetime
    kind: str
    node: str | None
    detail: dict[str, Any] | None


@dataclass(frozen=True)
class Voicemail:
    """A recorded message and where in the menu it was left."""

    id: int
    call_sid: str
    caller: str | None
    recording_url: str
    duration_s: int | None
    language: str | None
    node: str | None
    created_at: datetime
    status: VoicemailStatus


@dataclass(frozen=True)
class AgentSpec:
    """One roster entry, as the admin YAML gives it."""

    kind: AgentKind | str
    agent_id: str
    name: str
    phone: str
    languages: tuple[str, ...]
    gender: str | None = None  # "f", "m" or unknown
    credential: int = 0  # higher is preferred


@dataclass(frozen=True)
class AgentClaim:
    """An agent held for one call or conference until released or expired."""

    agent_id: str
    kind: AgentKind
    name: str
    phone: str
    gender: str | None
    credential: int
    by: str
    claimed_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class AgentState:
    """An agent and their claim, as ``ivr agents`` shows them."""

    agent_id: str
    kind: AgentKind
    name: str
    phone: str
    languages: tuple[str, ...]
    gender: str | None
    credential: int
    is_active: bool
    state: ClaimState
    claimed_by: str | None
    claimed_at: datetime | None
    claim_expires_at: datetime | None
    last_released_at: datetime | None
    calls_taken: int


@dataclass(frozen=True)
class Callback:
    """A request to be called back; ``number`` is the real number, kept until purged."""

    id: int
    number: str
    language: str | None
    source: str
    call_sid: str | None
    requested_at: datetime
    due_at: datetime
    status: CallbackStatus
    attempts: int
    max_attempts: int
    claimed_by: str | None
    lease_until: datetime | None
    last_attempt_at: datetime | None
    outcome: str | None
    note: str | None
    finished_at: datetime | None


@dataclass(frozen=True)
class Leg:
    """One party's call into a session's conference; ``number`` as privacy says."""

    job: str
    role: LegRole
    call_sid: str
    number: str | None
    status: str | None
    started_at: datetime | None
    ended_at: datetime | None
    outcome: str | None
    attempt: int


@dataclass(frozen=True)
class Session:
    """An interpretation, known by its job number; ``migrant_number`` is real until purged."""

    job: str
    entity_call_sid: str | None
    entity_account: str | None
    language: str
    gender_wanted: str | None
    migrant_number: str | None
    conference: str | None
    interpreter_id: str | None
    status: SessionStatus
    outcome: str | None
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    booked_for: datetime | None
    claimed_by: str | None
    lease_until: datetime | None
    attempts: int
    legs: tuple[Leg, ...] = ()
    entity_number: str | None = None  # whom a booking calls back (real until purged)
    entity_language: str | None = None  # the helpline language the entity chose
