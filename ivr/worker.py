"""``Worker``: places the calls that come back, callback requests and booked sessions.

    Worker(store, telephony, menu, clock, worker_id, settings)
      run_once(now) -> list[Placed]     place everything due now, once
      run_forever(stop)                 run_once every ``settings.interval_s`` until stopped

Rules of this module:
- a request or booking is placed only by the worker whose claim (the store's conditional
  UPDATE, with a lease) took it, so any number of workers may run at once and none places
  a call twice; a worker that dies mid-try loses its lease, and another takes the request
  over when it expires;
- only while the service is open: callbacks of a source when the service the menu's
  ``callbacks:`` names for it is open, bookings when the ``bookings:`` service is, and a
  booking no earlier than its time;
- a placed call's status callback settles the try (``ivr.attempts``); a call the REST API
  refuses is settled here, as a try that failed;
- the time is an argument of ``run_once``; ``run_forever`` asks the clock it was given.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import phonenumbers

from ivr.attempts import RING_S, ComebackSettings, Kind, retry_time, try_ref
from ivr.clock import Clock
from ivr.engine import CallState, Endpoint, Target
from ivr.errors import IvrError
from ivr.i18n import LANGUAGES
from ivr.menu import Menu
from ivr.menu.model import ComebackCall
from ivr.privacy import mask_number
from ivr.store import Callback, LegRole, Session, SqlStore

log = logging.getLogger(__name__)
BATCH = 20  # calls of each kind one round places at most, so bookings are never starved
BOOKED_PHASE = "booked"  # the contract with the booked node: phase booked, ref the job


class Dialler(Protocol):
    """What the worker needs of Twilio's REST API."""

    def place_call(self, to: str, answer: Target, status: Target, *, caller_id: str,
                   timeout: int = 30) -> str:
        """Call ``to``; ``answer`` runs when they pick up, ``status`` hears how it went."""
        ...


@dataclass(frozen=True)
class Placed:
    """One try the worker made: the call's SID, or why it could not be placed."""

    kind: Kind
    key: str  # the callback's id or the session's job number
    attempt: int
    number: str
    call_sid: str | None = None
    error: str | None = None

    def describe(self) -> str:
        """Say what was tried, with the number masked."""
        what = f"{self.kind} {self.key}, try {self.attempt}: {mask_number(self.number)}"
        return f"{what} not placed ({self.error})" if self.error else f"{what} ({self.call_sid})"


class Worker:
    """Claims what is due and places it through the REST API."""

    def __init__(self, store: SqlStore, telephony: Dialler, menu: Menu | Callable[[], Menu],
                 clock: Clock, worker_id: str, settings: ComebackSettings) -> None:
        self.store = store
        self.telephony = telephony
        self._menu = menu if callable(menu) else (lambda: menu)
        self.clock = clock
        self.worker_id = worker_id
        self.settings = settings

    def run_once(self, now: datetime) -> list[Placed]:
        """Place every due callback and booking whose service is open at ``now``."""
        menu = self._menu()
        return [*self._callbacks(menu, now), *self._bookings(menu, now)]

    def run_forever(self, stop: threading.Event) -> None:
        """Run a round every interval until ``stop`` is set; an outage only skips rounds."""
        while not stop.is_set():
            try:
                for placed in self.run_once(self.clock.now()):
                    log.info("%s", placed.describe())
            except IvrError as exc:
                log.warning("worker %s skips a round: %s", self.worker_id, exc)
            stop.wait(self.settings.interval_s)

    def _callbacks(self, menu: Menu, now: datetime) -> list[Placed]:
        """Claim and place the due callback requests of the services open now."""
        sources = [source for source, call in menu.flow.callbacks.items()
                   if _is_open(menu, call, now)]
        placed: list[Placed] = []
        while sources and len(placed) < BATCH:
            callback = self.store.claim_due_callback(self.worker_id, now, self.settings.lease_s,
                                                     sources=sources)
            if callback is None:
                break
            placed.append(self._place_callback(menu, callback, now))
        return placed

    def _place_callback(self, menu: Menu, callback: Callback, now: datetime) -> Placed:
        """Call a request back; the person starts at the source's node, in their language."""
        call = menu.flow.callbacks[callback.source]
        lang = _language(callback.language)
        ref = try_ref(callback.id, callback.attempts)
        answer = Target(Endpoint.ENTER, CallState(call.node, lang))
        status = Target(Endpoint.CALLBACK_STATUS,
                        CallState(call.node, lang, phase=Kind.CALLBACK, ref=ref))
        placed = self._place(Kind.CALLBACK, str(callback.id), callback.attempts,
                             callback.number, answer, status, now)
        if placed.error is not None:
            hours = menu.hours.get(call.service)
            self.store.finish_callback(
                callback.id, self.worker_id, f"not placed: {placed.error}"[:200], now,
                retry_time(hours, now, self.settings.retry_minutes),
                max_attempts=self.settings.attempts)
        return placed

    def _bookings(self, menu: Menu, now: datetime) -> list[Placed]:
        """Claim and place the booked sessions due now, while their service is open."""
        call = menu.flow.bookings
        placed: list[Placed] = []
        while call is not None and _is_open(menu, call, now) and len(placed) < BATCH:
            session = self.store.claim_due_booking(self.worker_id, now, self.settings.lease_s)
            if session is None:
                break
            placed.append(self._place_booking(menu, call, session, now))
        return placed

    def _place_booking(self, menu: Menu, call: ComebackCall, session: Session,
                       now: datetime) -> Placed:
        """Call the entity back at the booked node, which sets up the interpretation."""
        attempt, number = session.attempts, session.entity_number or ""
        lang = _language(session.entity_language)
        answer = Target(Endpoint.ENTER, CallState(call.node, lang, phase=BOOKED_PHASE,
                                                  ref=session.job))
        status = Target(Endpoint.CALLBACK_STATUS, CallState(
            call.node, lang, phase=Kind.BOOKING, ref=try_ref(session.job, attempt)))
        if not number:
            self.store.finish_booking(session.job, attempt, "no number to call back", now,
                                      now, max_attempts=attempt)
            return Placed(Kind.BOOKING, session.job, attempt, number, error="no number")
        placed = self._place(Kind.BOOKING, session.job, attempt, number, answer, status, now)
        if placed.call_sid is not None:
            self.store.add_leg(session.job, LegRole.ENTITY, placed.call_sid, number, now,
                               attempt=attempt)
        else:
            self.store.finish_booking(
                session.job, attempt, f"not placed: {placed.error}"[:200], now,
                retry_time(menu.hours.get(call.service), now, self.settings.retry_minutes),
                max_attempts=self.settings.attempts)
        return placed

    def _place(self, kind: Kind, key: str, attempt: int, number: str, answer: Target,
               status: Target, now: datetime) -> Placed:
        """Place one call and open its record; a refusal is reported, not raised."""
        try:
            call_sid = self.telephony.place_call(number, answer, status,
                                                 caller_id=self.settings.caller_id,
                                                 timeout=RING_S)
        except IvrError as exc:
            log.warning("%s %s, try %d, to %s could not be placed: %s", kind, key, attempt,
                        mask_number(number), exc)
            return Placed(kind, key, attempt, number, error=str(exc))
        try:  # the record is for `ivr calls`; the try goes on without it
            self.store.call_started(call_sid, self.settings.caller_id, number, _region(number),
                                    now)
            self.store.call_event(call_sid, now, f"{kind}-placed", answer.state.node,
                                  {kind.value: key, "attempt": attempt,
                                   "worker": self.worker_id})
        except IvrError as exc:
            log.warning("the record of call %s was not written: %s", call_sid, exc)
        return Placed(kind, key, attempt, number, call_sid)


def _is_open(menu: Menu, call: ComebackCall, now: datetime) -> bool:
    """Tell whether the service a call keeps the hours of is open at ``now``."""
    hours = menu.hours.get(call.service)
    return hours is not None and hours.is_open(now)


def _language(code: str | None) -> str | None:
    """Return a helpline language to speak, or None (the menu's default languages)."""
    return code if code in LANGUAGES else None


def _region(number: str) -> str | None:
    """Return the country of a number, for the call's record."""
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(number, None))
    except phonenumbers.NumberParseException:
        return None
