"""Booking an interpretation for later, and the call placed for it at the booked time.

Phases: ``date`` (DDMM), ``time`` (HHMM), ``when`` (the moment read back: 1 books it, 2 asks
again), ``callto`` (the number to call then: the caller's, confirmed with 1, or another one
keyed with #), ``callcheck`` (a number keyed in, read back), and ``booked``: the entry of
the call ``ivr worker`` places at the booked time (``ref`` the job, ``l`` the entity's
language), which greets the entity with the job number and asks for the migrant's number.
Rules:
- a moment in the past, or when the service is closed (its weekly hours, holidays and
  closures), is refused with the reason, and the date is asked again;
- the year is the first in which that day is still to come (or is today);
- the booked session keeps the language, the gender, the account, the number to call and
  the entity's language; one call books once, however often a webhook is repeated.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from ivr.engine import machine
from ivr.engine import speech as sp
from ivr.engine.actions import Outcome, Speak
from ivr.engine.interpreting.calls import session_of
from ivr.engine.interpreting.common import (
    ASKS,
    NUMBER_TIMEOUT,
    ask,
    directory,
    language_of,
    listen,
    repeat,
    request_of,
    retry,
    spaced,
    unavailable,
    uncached,
)
from ivr.engine.interpreting.request import Request
from ivr.engine.machine import Result, Turn
from ivr.engine.numbers import callable_number
from ivr.errors import IvrError
from ivr.menu.model import InterpretingNode
from ivr.prompts import Moment, Phone

LISBON = ZoneInfo("Europe/Lisbon")
BOOKABLE = frozenset({"booked", "connecting"})


def _ask_date(turn: Turn, node: InterpretingNode, request: Request) -> Result:
    speech = sp.say(turn.langs, "stt.book_date")
    return listen(turn, node, speech, digits=4, timeout=NUMBER_TIMEOUT), turn.state


def on_date(turn: Turn, node: InterpretingNode) -> Result:
    """Take the day and month (DDMM), then ask the time."""
    pressed = turn.event.digits
    if len(pressed) != 4 or _day(turn, pressed) is None:
        return retry(turn, node, "stt.book_invalid")
    return ask(turn, node, "time", request_of(turn).but(when=pressed))


def _ask_time(turn: Turn, node: InterpretingNode, request: Request) -> Result:
    speech = sp.say(turn.langs, "stt.book_time")
    return listen(turn, node, speech, digits=4, timeout=NUMBER_TIMEOUT), turn.state


def on_time(turn: Turn, node: InterpretingNode) -> Result:
    """Take the time (HHMM); refuse a moment past or outside the service's hours."""
    request = request_of(turn)
    at = booked_moment(turn, request.when[:4] + turn.event.digits)
    if at is None or len(turn.event.digits) != 4:
        return retry(turn, node, "stt.book_invalid")
    again = request.but(when="")
    if at <= turn.now:
        return retry(turn, node, "stt.book_past", phase="date", request=again)
    hours = turn.menu.hours[node.service]
    if not hours.is_open(at):
        return retry(turn, node, "stt.book_closed", params={"hours": sp.hours_param(hours)},
                     phase="date", request=again)
    return ask(turn, node, "when", request.but(when=request.when[:4] + turn.event.digits))


def _ask_when(turn: Turn, node: InterpretingNode, request: Request) -> Result:
    at = booked_moment(turn, request.when)
    if at is None:
        return ask(turn, node, "date", request.but(when=""))
    speech = sp.say(turn.langs, "stt.book_confirm", {"when": Moment(at, turn.now)})
    return listen(turn, node, speech), turn.state


def on_when(turn: Turn, node: InterpretingNode) -> Result:
    """Book the moment read back (1), or choose another (2)."""
    request, pressed = request_of(turn), turn.event.digits
    if pressed == "1":
        return ask(turn, node, "callto", request)
    if pressed == "2":
        return ask(turn, node, "date", request.but(when=""))
    return repeat(turn, node) or retry(turn, node, "menu.invalid")


def _ask_callto(turn: Turn, node: InterpretingNode, request: Request) -> Result:
    uncached(turn)  # it reads out this caller's number
    number = callable_number(turn.event.caller.number)
    if number is None:
        speech = sp.say(turn.langs, "callback.enter")
    else:
        speech = sp.say(turn.langs, "callback.confirm", {"phone": Phone(number)})
    return listen(turn, node, speech, digits=None, finish="#", timeout=NUMBER_TIMEOUT), turn.state


def on_callto(turn: Turn, node: InterpretingNode) -> Result:
    """Call back the caller's own number (1), or read back another one keyed in."""
    request, pressed = request_of(turn), turn.event.digits
    own = callable_number(turn.event.caller.number)
    if pressed == "1" and own is not None:
        return _save(turn, node, request, own)
    keyed = callable_number(pressed, "PT")
    if keyed is None:
        return retry(turn, node, "callback.invalid")
    return ask(turn, node, "callcheck", request.but(number=keyed))


def _ask_callcheck(turn: Turn, node: InterpretingNode, request: Request) -> Result:
    speech = sp.say(turn.langs, "callback.check", {"phone": Phone(request.number)})
    return listen(turn, node, speech), turn.state


def on_callcheck(turn: Turn, node: InterpretingNode) -> Result:
    """Book with the number keyed in (1), or key it in again (2)."""
    request, pressed = request_of(turn), turn.event.digits
    if pressed == "1" and request.number:
        return _save(turn, node, request, request.number)
    if pressed == "2":
        return ask(turn, node, "callto", request.but(number=""))
    return repeat(turn, node) or retry(turn, node, "menu.invalid")


def _save(turn: Turn, node: InterpretingNode, request: Request, number: str) -> Result:
    """Keep the booking; say when, and its job number."""
    at = booked_moment(turn, request.when)
    if at is None or at <= turn.now:
        return ask(turn, node, "date", request.but(when="", number=""))
    language = language_of(turn, request.code)
    try:
        job = turn.services.need_sessions().create_session(
            turn.event.call_sid or None, language.id, turn.now,
            entity_account=request.account or None, gender_wanted=request.gender or None,
            conference=f"book-{turn.event.call_sid}", booked_for=at, status="booked",
            entity_number=number, entity_language=turn.state.lang)
    except IvrError:
        return machine.then(turn, (Speak(sp.say(turn.langs, "callback.failed")),), node.next)
    saved = sp.say(turn.langs, "stt.book_saved", {"when": Moment(at, turn.now),
                                                   "job": spaced(job)})
    return machine.then(turn, (Outcome(f"booked:{job}"), Speak(saved)), node.next)


def booked_moment(turn: Turn, ddmmhhmm: str) -> datetime | None:
    """Return the Lisbon moment keyed as DDMMHHMM, in its first year still to come."""
    if len(ddmmhhmm) != 8 or not ddmmhhmm.isdigit():
        return None
    day = _day(turn, ddmmhhmm[:4])
    hour, minute = int(ddmmhhmm[4:6]), int(ddmmhhmm[6:])
    if day is None or hour > 23 or minute > 59:
        return None
    return datetime.combine(day, time(hour, minute), LISBON)


def _day(turn: Turn, ddmm: str) -> date | None:
    """Return the next date (today included) with this day and month, or None."""
    today = turn.now.astimezone(LISBON).date()
    for year in (today.year, today.year + 1):
        try:
            day = date(year, int(ddmm[2:]), int(ddmm[:2]))
        except ValueError:
            continue
        if day >= today:
            return day
    return None


def on_booked(turn: Turn, node: InterpretingNode) -> Result:
    """Greet the entity on the call placed for their booking, then ask for the migrant."""
    try:
        session = session_of(turn)
    except IvrError:
        return unavailable(turn)
    language = directory(turn).by_id(session.language) if session else None
    if session is None or session.status not in BOOKABLE or language is None:
        return unavailable(turn)
    request = Request(account=session.entity_account or "", code=language.code,
                      gender=session.gender_wanted or "", job=session.job)
    hello = sp.say(turn.langs, "stt.booked_greeting", {"job": spaced(session.job)})
    return ask(turn, node, "migrant", request, before=(Speak(hello),))


ASKS.update({"date": _ask_date, "time": _ask_time, "when": _ask_when, "callto": _ask_callto,
             "callcheck": _ask_callcheck})
