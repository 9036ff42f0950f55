"""The parties' calls: the interpreter's whisper, the migrant joining, declines, nobody.

Events: WHISPER (the interpreter hears the language, the entity and the job; 1 accepts and
joins the room, anything else or nothing declines), ENTER ``join`` (the migrant answers
and joins), LEG (a placed call's status: a decline or no answer rings the next interpreter,
up to the node's ``tries``; a migrant who cannot be reached is announced to the entity).
Rules:
- status callbacks answer nothing; a failing store or REST API loses only a record or a
  redial, never a conversation in progress;
- when nobody can be found, the session ends ``unfilled`` and the entity is taken out of
  the room to the choices for when nobody is free.
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
    entity_gone,
    leg_of,
    live_leg,
    room,
    session_of,
    tell,
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
    from ivr.store.records import Session

ACCEPT_KEY = "1"
WHISPER_TIMEOUT = 8  # seconds an interpreter has to press 1


def on_whisper(turn: Turn, node: InterpretingNode) -> Result:
    """Tell a called interpreter about the job; 1 accepts, anything else declines."""
    try:
        session = session_of(turn)
    except IvrError:
        return (Hangup(),), turn.state
    agent = turn.state.tried[-1] if turn.state.tried else ""
    if session is None or session.status not in LIVE or not agent:
        return (Hangup(),), turn.state
    if turn.event.digits in ("", ACCEPT_KEY) and entity_gone(turn, session):
        with contextlib.suppress(IvrError):
            close(turn, session, keep=turn.event.call_sid)
        return (Speak(sp.say(staff_langs(turn), "stt.whisper_gone")), Hangup()), turn.state
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
        tell(turn, session, "entity", "tellentity", "x")


def next_interpreter(turn: Turn, node: InterpretingNode, session: Session) -> None:
    """Ring the next free interpreter, or tell the entity nobody could be found; nobody is
    rung for an entity who has hung up meanwhile."""
    if entity_gone(turn, session):
        close(turn, session)
        return
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
    entity = live_leg(session, "entity")
    if language is None or entity is None:
        return
    request = Request(account=session.entity_account or "", code=language.code,
                      gender=session.gender_wanted or "", job=session.job,
                      dropped="i" if lost else "")
    state = CallState(turn.state.node, turn.state.lang, phase="none", ref=request.encode())
    with contextlib.suppress(IvrError):
        turn.services.need_telephony().redirect_call(entity.call_sid,
                                                     Target(Endpoint.ENTER, state))


