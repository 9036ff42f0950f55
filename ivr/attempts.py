"""The tries of calls that come back: how each placed call went decides what follows.

``ivr worker`` places a callback request or a booked session as one *try*, holding the
store's lease on it; the call's status callback carries ``<id>.<try>`` in its signed URL and
settles that try here:

    answered (in-progress, completed)        callback done; booking connecting
    busy, no-answer, failed, canceled        tried again ``retry_minutes`` later, within the
                                             service's hours (else at its next opening),
                                             until ``attempts`` tries are spent: then failed
    anything else (initiated, ringing)       nothing yet

Rules of this module:
- a try is settled only while it is the latest one (a late status callback of an earlier
  try whose lease expired changes nothing), through the store's conditional UPDATEs;
- nothing here reads the clock or the environment: the time, the menu and the settings
  are arguments; settling never raises into a webhook (errors are logged).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import phonenumbers

from ivr.engine import CallState
from ivr.errors import ConfigError, IvrError
from ivr.hours import ServiceHours
from ivr.menu import Menu
from ivr.store import CallbackStatus, SqlStore

log = logging.getLogger(__name__)
RING_S = 30  # how long a placed call rings before it counts as not answered
ANSWERED = frozenset({"in-progress", "completed"})  # completed: answered, then ended
NOT_ANSWERED = frozenset({"busy", "no-answer", "failed", "canceled"})
_REF = re.compile(r"^([A-Za-z0-9_-]{1,40})\.([0-9]{1,4})$")


class Kind(StrEnum):
    """What a placed call comes back for (its status URL's phase)."""

    CALLBACK = "callback"
    BOOKING = "booking"


@dataclass(frozen=True)
class ComebackSettings:
    """How ``ivr worker`` places calls and tries them again."""

    caller_id: str = "+351218106191"  # the LAM number: people know it
    interval_s: float = 5.0
    lease_s: float = 300.0
    retry_minutes: int = 15
    attempts: int = 3


def comeback_settings(config: Mapping[str, Any]) -> ComebackSettings:
    """Read the worker's settings (``IVR_CALLER_ID`` …); a bad value is a ConfigError."""
    default = ComebackSettings()
    settings = ComebackSettings(
        caller_id=_e164(str(config.get("IVR_CALLER_ID") or default.caller_id)),
        interval_s=_number(config, "IVR_WORKER_INTERVAL", default.interval_s, 0.1),
        lease_s=_number(config, "IVR_WORKER_LEASE", default.lease_s, RING_S + 60),
        retry_minutes=int(_number(config, "IVR_CALLBACK_RETRY_MINUTES",
                                  default.retry_minutes, 1, whole=True)),
        attempts=int(_number(config, "IVR_CALLBACK_ATTEMPTS", default.attempts, 1,
                             whole=True)))
    return settings


def _number(config: Mapping[str, Any], key: str, default: float, least: float, *,
            whole: bool = False) -> float:
    """Read one numeric setting no smaller than ``least``."""
    text = str(config.get(key) or default).strip()
    try:
        value = int(text) if whole else float(text)
    except ValueError:
        kind = "a whole number" if whole else "a number"
        raise ConfigError(f"{key} must be {kind}, not {text!r}") from None
    if value < least:
        raise ConfigError(f"{key} must be at least {least:g}, not {text}")
    return value


def _e164(number: str) -> str:
    """Check the caller ID: a valid number, returned in E.164."""
    try:
        parsed = phonenumbers.parse(number, "PT")
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise ConfigError(f"IVR_CALLER_ID must be a phone number, not {number!r}")
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


def try_ref(key: str | int, attempt: int) -> str:
    """Name one try of a request or booking, as its status URL carries it."""
    return f"{key}.{attempt}"


def parse_ref(ref: str) -> tuple[str, int] | None:
    """Read ``<id>.<try>``; None when it is not one."""
    found = _REF.match(ref)
    return None if found is None else (found[1], int(found[2]))


def retry_time(hours: ServiceHours | None, now: datetime, minutes: int) -> datetime:
    """Return when to try again: ``minutes`` from now, or the next opening if closed then."""
    at = now + timedelta(minutes=minutes)
    if hours is not None and not hours.is_open(at):
        at = hours.next_opening(at) or at
    return at


def settle(store: SqlStore, menu: Menu, state: CallState, call_status: str, now: datetime,
           settings: ComebackSettings, call_sid: str = "") -> str | None:
    """Settle a try from its status callback; return what became of it, None for nothing."""
    found = parse_ref(state.ref)
    if found is None or call_status not in ANSWERED | NOT_ANSWERED:
        return None
    key, attempt = found
    try:
        if state.phase == Kind.CALLBACK and key.isdigit():
            return _settle_callback(store, menu, int(key), attempt, call_status, now, settings)
        if state.phase == Kind.BOOKING:
            if call_sid and call_status in NOT_ANSWERED | {"completed"}:
                store.update_leg(call_sid, status=call_status, ended_at=now)
            return _settle_booking(store, menu, key, attempt, call_status, now, settings)
    except IvrError as exc:
        log.warning("could not settle try %s of a %s: %s", state.ref, state.phase, exc)
    return None


def _settle_callback(store: SqlStore, menu: Menu, callback_id: int, attempt: int,
                     call_status: str, now: datetime, settings: ComebackSettings) -> str | None:
    """Close a callback's try: done when answered, else again later or failed."""
    callback = store.callback(callback_id)
    if (callback is None or callback.status is not CallbackStatus.CLAIMED
            or callback.attempts != attempt or callback.claimed_by is None):
        return None
    if call_status in ANSWERED:
        store.finish_callback(callback_id, callback.claimed_by, "answered", now)
    else:
        call = menu.flow.callbacks.get(callback.source)
        hours = menu.hours.get(call.service) if call is not None else None
        store.finish_callback(callback_id, callback.claimed_by, call_status, now,
                              retry_time(hours, now, settings.retry_minutes),
                              max_attempts=settings.attempts)
    after = store.callback(callback_id)
    return None if after is None else after.status.value


def _settle_booking(store: SqlStore, menu: Menu, job: str, attempt: int, call_status: str,
                    now: datetime, settings: ComebackSettings) -> str | None:
    """Close a booked call's try: connecting when answered, else again later or failed."""
    if call_status in ANSWERED:
        changed = store.finish_booking(job, attempt, "answered", now,
                                       max_attempts=settings.attempts)
    else:
        call = menu.flow.bookings
        hours = menu.hours.get(call.service) if call is not None else None
        changed = store.finish_booking(job, attempt, call_status, now,
                                       retry_time(hours, now, settings.retry_minutes),
                                       max_attempts=settings.attempts)
    session = store.session(job) if changed else None
    return None if session is None else session.status.value
