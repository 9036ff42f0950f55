"""The parties' calls: the interpreter's whisper, the migrant joining, declines and drops.

Events: WHISPER (the interpreter hears the language, the entity and the job; 1 accepts and
joins the room), ENTER ``join`` (the migrant answers and joins), LEG (a placed call's
status: a decline or no answer rings the next interpreter), CONFERENCE (``participant-leave``:
the entity leaving ends the session; the interpreter or the migrant dropping while the
others stay is redialled), ENTER ``tellentity``/``tellinterp`` (what the others hear about
a drop, before they rejoin the room). Rules:
- status callbacks answer nothing; a failing store or REST API loses only a redial, never
  a conversation in progress;
- a party is redialled once per session, at once (within ``reconnect_within`` seconds of
  the drop): the same interpreter first, then the next free one;
- a party being moved to hear an announcement is marked ``moving``, so its leaving the
  room is not taken for a drop or for the end of the session.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from ivr.engine import speech as sp
from ivr.engine.actions import Action, Endpoint, Gather, Hangup, Speak, Target
from ivr.engine.interpreting.calls import (
    ENDED,
    JOINED,
    LIVE,
    call_interpreter,
    call_migrant,
    close,
    leg_of,
    room,
    room_state,
    session_of,
    unix,
)
from ivr.engine.interpreting.common import directory, named, release, spaced, staff_langs
from ivr.engine.interpreting.request import Request
from ivr.engine.machine import Result, Turn
from ivr.engine.state import CallState
from ivr.errors import IvrError
from ivr.menu.model import InterpretingNode
from ivr.prompts import Key, Msg, Param

if TYPE_CHECKING:
    from ivr.store.records import Leg, Session

ACCEPT_KEY = "1"
WHISPER_TIMEOUT = 8  # seconds an interpreter has to press 1
TOLD = {"i": "stt.dropped_interpreter", "m": "stt.dropped_migrant",
        "x": "stt.migrant_unreachable"}


def on_whisper(turn: Turn, node: InterpretingNode) -> Result:
    """Tell a called interpreter about the job; 1 accepts, anything else declines."""
    try:
        session = session_of(turn)
    except IvrError:
        return (Hangup(),), turn.state
    agent = turn.state.tried[-1] if turn.state.tried else ""
    if session is None or session.status not in LIVE or not agent:
        return (Hangup(),), turn.state
    if turn.event.digits == ACCEPT_KEY:
        return _accept(turn, node, session, agent)
    if turn.event.digits:
        return (Hangup(),), turn.state
    return _whisper(turn, node, session), turn.state


def _whisper(turn: Turn, node: InterpretingNode, session: Session) -> tuple[Action, ...]:
    """Say the language, the entity and the job number to the interpreter."""
    entity = turn.menu.rosters.entities.get(session.entity_account or "") if (
        turn.menu.rosters) else None
    params: dict[str, Param] = {"entity": entity.name if entity else Msg("stt.an_entity"),
                                "job": spaced(session.job), "key": Key(ACCEPT_KEY)}
    again = bool(turn.state.since) and len(turn.state.tried) == 1
    language = directory(turn).by_id(session.language)
    if language is None:
        return (Hangup(),)
    speech = named(staff_langs(turn), "stt.whisper_again" if again else node.whisper,
                   language, params)
    return Gather(speech, Target(Endpoint.WHISPER, turn.state), WHISPER_TIMEOUT), Hangup()


def _accept(turn: Turn, node: InterpretingNode, session: Session, agent: str) -> Result:
    """Keep the interpreter for the session, join them to the room, then ring the migrant."""
    name = session.conference or ""
    try:
        if not turn.services.need_allocator().confirm(agent, name, turn.now):
            return (Speak(sp.say(staff_langs(turn), "stt.whisper_gone")), Hangup()), turn.state
        sessions = turn.services.need_sessions()
        sessions.update_leg(turn.event.call_sid, status="in-progress", started_at=turn.now,
                            outcome="rejoined" if turn.state.since else "accepted")
        sessions.update_session(session.job, status="active", interpreter_id=agent,
                                started_at=session.started_at or turn.now)
        if not any(leg.role == "migrant" for leg in session.legs):
            call_migrant(turn, node, session)
    except IvrError:
        pass  # the interpretation goes ahead; only its record or the migrant's call is lost
    return (room(turn, name, session.job, entity=False), Hangup()), turn.state


def on_join(turn: Turn, node: InterpretingNode) -> Result:
    """Join the migrant, who answered their phone, to the room."""
    try:
        session = session_of(turn)
        if session is None or session.status not in LIVE or not session.conference:
            return (Hangup(),), turn.state
        turn.services.need_sessions().update_leg(
            turn.event.call_sid, status="in-progress", started_at=turn.now,
            outcome="rejoined" if turn.state.since else "joined")
    except IvrError:
        return (Hangup(),), turn.state
    return (room(turn, session.conference, session.job, entity=False), Hangup()), turn.state


def on_leg(turn: Turn, node: InterpretingNode) -> Result:
    """Record how a placed call ended; after a decline or no answer, ring the next."""
    if turn.event.call_status in ENDED:
        with contextlib.suppress(IvrError):
            _ended(turn, node)
    return (), turn.state


def _ended(turn: Turn, node: InterpretingNode) -> None:
    session = session_of(turn)
    leg = leg_of(session, turn.event.call_sid) if session else None
    if session is None or leg is None:
        return
    status, joined = turn.event.call_status, leg.outcome in JOINED
    outcome = leg.outcome if joined else ("declined" if status == "completed" else status)
    turn.services.need_sessions().update_leg(leg.call_sid, status=status, ended_at=turn.now,
                                             outcome=outcome)
    if joined or session.status not in LIVE:
        return
    if leg.role == "interpreter":
        next_interpreter(turn, node, session)
    elif leg.role == "migrant":
        _tell_live(turn, session, "entity", "tellentity", "x")


def next_interpreter(turn: Turn, node: InterpretingNode, session: Session) -> None:
    """Ring the next free interpreter, or tell the entity nobody could be found."""
    name, tried, since = session.conference or "", turn.state.tried, turn.state.since
    release(turn, name)
    late = bool(since) and unix(turn.now) - since > node.reconnect_within
    agent = None
    if len(tried) < node.tries and not late:
        agent = turn.services.need_allocator().claim_interpreter(
            session.language, name, turn.now, session.gender_wanted, exclude=tried)
    if agent is None:
        nobody(turn, node, session, lost=bool(since))
        return
    call_interpreter(turn, node, session.job, agent, tried, since)


def nobody(turn: Turn, node: InterpretingNode, session: Session, *, lost: bool) -> None:
    """End the attempt and move the entity to the choices for when nobody is free."""
    turn.services.need_sessions().update_session(
        session.job, status="ended" if lost else "unfilled", ended_at=turn.now,
        outcome="interpreter-lost" if lost else "unfilled")
    release(turn, session.conference or "")
    language = directory(turn).by_id(session.language)
    entity = _live(session, "entity")
    if language is None or entity is None:
        return
    request = Request(account=session.entity_account or "", code=language.code,
                      gender=session.gender_wanted or "", job=session.job,
                      dropped="i" if lost else "")
    state = CallState(turn.state.node, turn.state.lang, phase="none", ref=request.encode())
    with contextlib.suppress(IvrError):
        turn.services.need_telephony().redirect_call(entity.call_sid,
                                                     Target(Endpoint.ENTER, state))


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
        _tell_live(turn, session, "entity", "tellentity", "m")
        _tell_live(turn, session, "interpreter", "tellinterp", "m")


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
    _tell_live(turn, session, "entity", "tellentity", "i")
    call_interpreter(turn, node, session.job, agent, (), unix(turn.now))


def _live(session: Session, role: str) -> Leg | None:
    """Return the party of this role who is in the room now."""
    return next((leg for leg in session.legs if leg.role == role and leg.status not in ENDED
                 and leg.status != "dropped" and (role == "entity" or leg.outcome in JOINED)),
                None)


def _tell_live(turn: Turn, session: Session, role: str, phase: str, dropped: str) -> None:
    """Take a party out of the room to hear what happened; they rejoin after it."""
    leg = _live(session, role)
    if leg is None or not session.conference:
        return
    sessions = turn.services.need_sessions()
    sessions.update_leg(leg.call_sid, status="moving")
    request = Request(job=session.job, dropped=dropped)
    state = CallState(turn.state.node, turn.state.lang, phase=phase, ref=request.encode())
    try:
        telephony = turn.services.need_telephony()
        if role == "entity":
            telephony.set_end_on_exit(session.conference, leg.call_sid, False)
        telephony.redirect_call(leg.call_sid, Target(Endpoint.ENTER, state))
    except IvrError:
        sessions.update_leg(leg.call_sid, status="in-progress")


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
