"""What the engine may ask of the world while it answers: people, queues and records.

The engine stays free of I/O of its own: the web shell builds a ``Services`` for each
webhook (the store, the rosters and Twilio's REST API behind these protocols) and passes it
to ``step`` as an argument, as DESIGN.md says of stores. Anything that touches it marks the
answer as not cacheable. A failure of the store is an ``IvrError`` the engine turns into an
apology and the configured fallback number; menus that need none of this keep answering.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from ivr.engine.actions import Target
from ivr.errors import IvrError

if TYPE_CHECKING:
    from ivr.store.records import Session

CALL_LIMIT_S = 4 * 3600  # the longest call put through to a person (Dial's timeLimit)


@dataclass(frozen=True)
class Agent:
    """A person the helpline can put a caller through to."""

    id: str
    name: str
    phone: str
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class QueuedCall:
    """A caller waiting in a queue."""

    call_sid: str
    queue: str
    wait_s: int
    position: int


class Allocator(Protocol):
    """Claims people atomically, so nobody is ever given two calls."""

    def claim_operator(self, language: str, by: str, now: datetime,
                       exclude: Collection[str] = ()) -> Agent | None:
        """Claim the longest-idle operator on shift who speaks ``language``; a holder that
        already has a claim gets the same operator back (webhooks may be repeated)."""
        ...

    def claim_interpreter(self, language: str, by: str, now: datetime,
                          gender: str | None = None,
                          exclude: Collection[str] = ()) -> Agent | None:
        """Claim the best interpreter on shift for ``language``: the highest credential,
        then the longest idle, of ``gender`` ("f", "m") when given; a holder that already
        has an interpreter gets the same one back."""
        ...

    def confirm(self, agent_id: str, by: str, now: datetime) -> bool:
        """Keep an accepted claim for the length of a call."""
        ...

    def release(self, by: str, now: datetime) -> list[Agent]:
        """Free everyone claimed for ``by`` (a call); return who was freed."""
        ...

    def operators_on_shift(self, language: str, now: datetime) -> int:
        """Count the operators on shift who speak ``language`` (free or not)."""
        ...


class Telephony(Protocol):
    """Twilio's REST API, as far as the engine needs it."""

    def place_call(self, to: str, answer: Target, status: Target, *, caller_id: str,
                   timeout: int = 30) -> str:
        """Call ``to``; ``answer`` runs when they pick up, ``status`` hears how it went.

        Returns the new call's SID. The status webhook is sent Twilio's call-progress
        events (initiated, ringing, answered, completed).
        """
        ...

    def redirect_call(self, call_sid: str, target: Target) -> bool:
        """Continue a live call at ``target`` (it leaves whatever it was doing)."""
        ...

    def hangup_call(self, call_sid: str) -> bool:
        """End a live call."""
        ...

    def call_status(self, call_sid: str) -> str:
        """Return a call's status as Twilio knows it now (``in-progress``, ``completed``…)."""
        ...

    def set_end_on_exit(self, conference: str, call_sid: str, end_on_exit: bool) -> bool:
        """Say whether a participant leaving the named conference ends it for everyone."""
        ...

    def queue_members(self, queue: str) -> Sequence[QueuedCall]:
        """List the callers waiting in a queue, front first."""
        ...

    def dequeue(self, queue: str, call_sid: str, target: Target) -> bool:
        """Take a caller out of a queue and continue their call at ``target``."""
        ...


class Records(Protocol):
    """Durable records: callback requests and what happened on calls."""

    def add_callback(self, number: str, language: str | None, source: str,
                     call_sid: str | None, now: datetime, due_at: datetime | None = None
                     ) -> int:
        """Keep a request to be called back; return its id."""
        ...

    def call_event(self, call_sid: str, at: datetime, kind: str, node: str | None = None,
                   detail: Mapping[str, Any] | None = None) -> bool:
        """Note something that happened on a call."""
        ...


class Sessions(Protocol):
    """Interpreting sessions, known by their job numbers, and each party's leg."""

    def create_session(self, entity_call_sid: str | None, language: str, created_at: datetime,
                       *, entity_account: str | None = None, gender_wanted: str | None = None,
                       migrant_number: str | None = None, conference: str | None = None,
                       booked_for: datetime | None = None, status: Any = None,
                       entity_number: str | None = None,
                       entity_language: str | None = None) -> str:
        """Open a session (booked when ``booked_for`` is given); return its job number."""
        ...

    def update_session(self, job: str, /, **fields: Any) -> bool:
        """Change a session's fields; tell whether the job exists."""
        ...

    def session(self, job: str) -> Session | None:
        """Return a session with its legs."""
        ...

    def session_by_conference(self, conference: str) -> Session | None:
        """Return the session held in a conference room, with its legs."""
        ...

    def add_leg(self, job: str, role: Any, call_sid: str, number: str | None,
                started_at: datetime | None, *, status: str = "initiated",
                attempt: int = 1) -> bool:
        """Record a party's call into the session; tell whether it is new."""
        ...

    def update_leg(self, call_sid: str, /, **fields: Any) -> bool:
        """Change a leg's status, times or outcome; tell whether the leg exists."""
        ...


@dataclass
class Services:
    """Everything stateful a webhook may use; ``used`` tells the shell not to cache."""

    allocator: Allocator | None = None
    telephony: Telephony | None = None
    records: Records | None = None
    fallback_number: str | None = None
    queue_prefix: str = "lam"
    touched: list[str] = field(default_factory=list)
    sessions: Sessions | None = None

    @property
    def used(self) -> bool:
        """Tell whether anything stateful was asked for during this step."""
        return bool(self.touched)

    def need_allocator(self) -> Allocator:
        """Return the allocator, noting the use; raise when the helpline has none."""
        self.touched.append("allocator")
        if self.allocator is None:
            raise ServicesMissing("no roster or store is configured")
        return self.allocator

    def need_telephony(self) -> Telephony:
        """Return the REST API, noting the use; raise when there is none."""
        self.touched.append("telephony")
        if self.telephony is None:
            raise ServicesMissing("Twilio's REST API is not configured (TWILIO_ACCOUNT_SID)")
        return self.telephony

    def need_sessions(self) -> Sessions:
        """Return the interpreting sessions, noting the use; raise when there are none."""
        self.touched.append("sessions")
        if self.sessions is None:
            raise ServicesMissing("no store is configured")
        return self.sessions

    def need_records(self) -> Records:
        """Return the records, noting the use; raise when there are none."""
        self.touched.append("records")
        if self.records is None:
            raise ServicesMissing("no store is configured")
        return self.records


class ServicesMissing(IvrError):
    """A node needs a service this helpline was started without."""


__all__ = ["CALL_LIMIT_S", "Agent", "Allocator", "QueuedCall", "Records", "Services",
           "ServicesMissing", "Sessions", "Telephony"]
