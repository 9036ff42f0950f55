"""Connecting: the entity waits in the room while interpreters are called, or nobody is free.

Phases: ``anyone`` (nobody of the gender asked for is free: take anyone, or book), ``none``
(nobody free at all: the STT operator while the desk is open, a callback, a booking),
``room`` (the entity in the conference: hold music, leaving it) and ``fallback`` (put
through to the fallback number). Rules:
- the interpreter is claimed before the session opens, so the session names who was
  claimed; a failing store or REST API releases the claim and sends the entity to the
  fallback number with an apology;
- nobody free is recorded as an ``unfilled`` session, so every miss is counted.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from ivr.engine import machine
from ivr.engine import speech as sp
from ivr.engine.actions import Hangup, Hold, Outcome, Speak
from ivr.engine.interpreting.calls import (
    LIVE,
    call_interpreter,
    close,
    leg_of,
    room,
    room_state,
    session_of,
)
from ivr.engine.interpreting.common import (
    ASKS,
    ask,
    desk_is_open,
    language_of,
    listen,
    named,
    options,
    release,
    repeat,
    request_of,
    retry,
    room_name,
    spaced,
    unavailable,
)
from ivr.engine.interpreting.request import Request
from ivr.engine.machine import Result, Turn
from ivr.errors import IvrError
from ivr.menu.model import InterpretingNode
from ivr.prompts import Msg

if TYPE_CHECKING:
    from ivr.menu.roster import SttLanguage

NOBODY = {"": "stt.none", "i": "stt.reconnect_failed"}


def connect(turn: Turn, node: InterpretingNode, request: Request) -> Result:
    """Claim the best interpreter and ring them while the entity waits in the room."""
    language = language_of(turn, request.code)
    name = room_name(turn.event.call_sid)
    try:
        allocator = turn.services.need_allocator()
        agent = allocator.claim_interpreter(language.id, name, turn.now, request.gender or None)
        if agent is None and request.gender and allocator.claim_interpreter(
                language.id, name, turn.now) is not None:  # held while the entity answers
            return ask(turn, node, "anyone", request)
        if agent is None:
            return _nobody(turn, node, request, language)
        job = _open(turn, request, language.id, "connecting")
        turn.services.need_sessions().add_leg(job, "entity", turn.event.call_sid,
                                              turn.event.caller.number, turn.now,
                                              status="in-progress")
        call_interpreter(turn, node, job, agent)
    except IvrError:
        return unavailable(turn)
    speech = sp.say(turn.langs, "stt.job", {"job": spaced(job)})
    speech += named(turn.langs, "stt.calling", language)
    return (Outcome(f"interpreter:{job}"), Speak(speech),
            room(turn, name, job, entity=True)), room_state(turn, job)


def _open(turn: Turn, request: Request, language: str, status: str) -> str:
    """Open the session of this request (or take over the booked one); return its job."""
    sessions = turn.services.need_sessions()
    name, call_sid = room_name(turn.event.call_sid), turn.event.call_sid
    if request.job:
        sessions.update_session(request.job, entity_call_sid=call_sid, conference=name,
                                migrant_number=request.migrant or None, status=status)
        return request.job
    return sessions.create_session(
        call_sid or None, language, turn.now, entity_account=request.account or None,
        gender_wanted=request.gender or None, migrant_number=request.migrant or None,
        conference=name, status=status)


def _nobody(turn: Turn, node: InterpretingNode, request: Request,
            language: SttLanguage) -> Result:
    """Record the miss, then offer the operator, a callback or a booking."""
    job = _open(turn, request, language.id, "unfilled")
    turn.services.need_sessions().update_session(job, ended_at=turn.now, outcome="unfilled")
    return ask(turn, node, "none", request.but(job=job), before=(Outcome("stt:unfilled"),))


def _ask_anyone(turn: Turn, node: InterpretingNode, request: Request) -> Result:
    speech = () if turn.state.fails else sp.say(
        turn.langs, "stt.no_female" if request.gender == "f" else "stt.no_male")
    labels = {"1": Msg("stt.anyone_offer")}
    if node.booking:
        labels["2"] = Msg("stt.book_offer")
    return listen(turn, node, speech + options(turn, labels)), turn.state


def on_anyone(turn: Turn, node: InterpretingNode) -> Result:
    """Take an interpreter of any gender, or book the one asked for later."""
    request, pressed = request_of(turn), turn.event.digits
    if pressed == "1":
        return connect(turn, node, request.but(gender=""))
    if pressed == "2" and node.booking:
        release(turn, room_name(turn.event.call_sid))
        return ask(turn, node, "date", request)
    return repeat(turn, node) or retry(turn, node, "menu.invalid")


def _ask_none(turn: Turn, node: InterpretingNode, request: Request) -> Result:
    speech = () if turn.state.fails else named(
        turn.langs, NOBODY.get(request.dropped, "stt.none"), language_of(turn, request.code))
    labels = _none_options(turn, node)
    if not labels:
        return machine.then(turn, (Speak(speech),), node.on_fail or turn.menu.flow.last_resort)
    return listen(turn, node, speech + options(turn, labels)), turn.state


def _none_options(turn: Turn, node: InterpretingNode) -> dict[str, Msg]:
    """Return what an entity can do when nobody is free: the operator, a callback, a booking."""
    labels = {}
    if desk_is_open(turn, node):
        labels["1"] = Msg("stt.operator_offer")
    if node.callback:
        labels["2"] = Msg("stt.callback_offer")
    if node.booking:
        labels["3"] = Msg("stt.book_offer")
    return labels


def on_none(turn: Turn, node: InterpretingNode) -> Result:
    """Put the entity through to the operator, take a callback, or book for later."""
    pressed = turn.event.digits
    if pressed in _none_options(turn, node):
        if pressed == "1":
            return machine.enter(turn, node.desk or "")
        if pressed == "2" and node.callback:
            return machine.enter(turn, node.callback)
        return ask(turn, node, "date", request_of(turn).but(job="", dropped=""))
    return repeat(turn, node) or retry(turn, node, "menu.invalid")


def on_dial_done(turn: Turn, node: InterpretingNode) -> Result:
    """Hang up once the entity leaves the room (closing the session) or the fallback."""
    if turn.state.phase == "room":
        return _left_room(turn)
    return (Hangup(),), turn.state


def _left_room(turn: Turn) -> Result:
    """Close the session when the entity leaves the room (their call ends the session)."""
    with contextlib.suppress(IvrError):
        session = session_of(turn)
        entity = leg_of(session, turn.event.call_sid) if session else None
        if session is not None and session.status in LIVE and (
                entity is None or entity.status != "moving"):
            close(turn, session)
    return (Hangup(),), turn.state


def on_wait(turn: Turn, node: InterpretingNode) -> Result:
    """Play hold music to the entity while the interpreter is being called."""
    return (Hold(),), turn.state


ASKS.update({"anyone": _ask_anyone, "none": _ask_none})
