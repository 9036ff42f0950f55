"""Drops: a party leaving the room while the others stay, and what the others hear.

Events: CONFERENCE (``participant-leave``: the entity leaving ends the session; the
interpreter or the migrant dropping is redialled), ENTER ``tellentity``/``tellinterp``
(what the entity, or the interpreter, hears about a drop before rejoining the room). Rules:
- a party is redialled once per session, at once, so well within ``reconnect_within``
  seconds of the drop: the same interpreter first (still held by the room), then the next
  free one; a second drop of the interpreter ends the session and offers the choices for
  when nobody is free; after a second drop of the migrant the others go on;
- a party taken out of the room to hear an announcement is marked ``moving``, so its
  leaving is not taken for a drop or for the end of the session;
- status callbacks answer nothing, and a failing store or REST API loses only a redial.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from ivr.engine import speech as sp
from ivr.engine.actions import Hangup, Speak
from ivr.engine.interpreting.calls import (
    JOINED,
    LIVE,
    call_interpreter,
    call_migrant,
    close,
    leg_of,
    room,
    room_state,
    session_of,
    tell,
    unix,
)
from ivr.engine.interpreting.common import release, staff_langs
from ivr.engine.interpreting.legs import nobody
from ivr.engine.interpreting.request import Request
from ivr.engine.machine import Result, Turn
from ivr.errors import IvrError
from ivr.menu.model import InterpretingNode

if TYPE_CHECKING:
    from ivr.store.records import Leg, Session

TOLD = {"i": "stt.dropped_interpreter", "m": "stt.dropped_migrant",
        "x": "stt.migrant_unreachable"}


def on_conference(turn: Turn, node: InterpretingNode) -> Result:
    """Follow the room: the entity leaving ends the session; another party may be redialled."""
    with contextlib.suppress(IvrError):
        if turn.event.conference_event == "participant-leave":
            _left(turn, node)
        elif turn.event.conference_event == "conference-end":
            session = session_of(turn)
            if session is not None and session.status not in LIVE:
                release(turn, session.conference or "")
    return (), turn.state


def _left(turn: Turn, node: InterpretingNode) -> None:
    session = session_of(turn)
    leg = leg_of(session, turn.event.call_sid) if session else None
    if session is None or leg is None or leg.status == "moving" or session.status not in LIVE:
        return
    if leg.role == "entity":
        close(turn, session)
        return
    if leg.outcome not in JOINED:
        return
    turn.services.need_sessions().update_leg(leg.call_sid, status="dropped", ended_at=turn.now)
    if leg.role == "interpreter":
        _interpreter_dropped(turn, node, session, leg)
    elif leg.outcome != "rejoined":  # a migrant is redialled once; after that the others go on
        call_migrant(turn, node, session, since=unix(turn.now))
        tell(turn, session, "entity", "tellentity", "m")
        tell(turn, session, "interpreter", "tellinterp", "m")


def _interpreter_dropped(turn: Turn, node: InterpretingNode, session: Session, leg: Leg) -> None:
    """Redial the same interpreter once, telling the entity; a second drop ends it."""
    name = session.conference or ""
    agent = None
    if leg.outcome != "rejoined":  # still held by the room: the same interpreter
        agent = turn.services.need_allocator().claim_interpreter(session.language, name,
                                                                 turn.now)
    if agent is None:
        nobody(turn, node, session, lost=True)
        return
    turn.services.need_sessions().update_session(session.job, status="connecting",
                                                 outcome="reconnecting")
    tell(turn, session, "entity", "tellentity", "i")
    call_interpreter(turn, node, session.job, agent, (), unix(turn.now))


def on_told(turn: Turn, node: InterpretingNode) -> Result:
    """Say what happened to a party, then put the listener back in the room."""
    is_entity = turn.state.phase == "tellentity"
    langs = turn.langs if is_entity else staff_langs(turn)
    speech = Speak(sp.say(langs, TOLD.get(Request.decode(turn.state.ref).dropped,
                                          "stt.dropped_interpreter")))
    try:
        session = session_of(turn)
        if session is None or session.status not in LIVE or not session.conference:
            return (speech, Hangup()), turn.state
        turn.services.need_sessions().update_leg(turn.event.call_sid, status="in-progress")
    except IvrError:
        return (speech, Hangup()), turn.state
    back = room(turn, session.conference, session.job, entity=is_entity)
    if is_entity:
        return (speech, back), room_state(turn, session.job)
    return (speech, back, Hangup()), turn.state
