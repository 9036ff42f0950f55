"""The calls of a session: its conference room, the interpreter's and the migrant's legs.

Rules of this module:
- the entity's call names the room, ``stt-<CallSid>``, and the room holds the interpreter's
  claim, so the room's end (or the entity's call ending) releases them;
- every leg is recorded with ``add_leg`` as it is placed, and its state URL carries the job
  (``ref``), the interpreters tried so far (``tried``, the current one last) and, on a
  reconnection, when the party dropped (``since``);
- only the entity ends the room on leaving; the others rejoin or hang up.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import TYPE_CHECKING

from ivr.engine.actions import Conference, Endpoint, Target
from ivr.engine.interpreting.common import release
from ivr.engine.interpreting.request import Request
from ivr.engine.machine import Turn
from ivr.engine.services import Agent
from ivr.engine.state import CallState
from ivr.errors import IvrError
from ivr.menu.model import InterpretingNode

if TYPE_CHECKING:
    from ivr.store.records import Leg, Session

LIVE = frozenset({"requested", "connecting", "active"})
ENDED = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})
JOINED = frozenset({"accepted", "joined", "rejoined"})
MIGRANT_RING = 30


def room_state(turn: Turn, job: str, phase: str = "room") -> CallState:
    """Return the state of the session's webhooks: the node, the entity's language, the job."""
    return CallState(turn.state.node, turn.state.lang, phase=phase, ref=Request(job=job).encode())


def room(turn: Turn, name: str, job: str, *, entity: bool) -> Conference:
    """Put a party in the session's room; only the entity's leaving ends it."""
    state = room_state(turn, job)
    return Conference(name, Target(Endpoint.DIAL, state) if entity else None,
                      Target(Endpoint.WAIT, state), Target(Endpoint.CONFERENCE, state),
                      end_on_exit=entity)


def session_of(turn: Turn) -> Session | None:
    """Return the session whose job the state carries."""
    job = Request.decode(turn.state.ref).job
    return turn.services.need_sessions().session(job) if job else None


def leg_of(session: Session, call_sid: str) -> Leg | None:
    """Return a session's leg by its CallSid."""
    return next((leg for leg in session.legs if leg.call_sid == call_sid), None)


def caller_id(turn: Turn, node: InterpretingNode) -> str:
    """Return the number the calls the service places come from."""
    return turn.menu.entry(node.entry).phones[0]


def call_interpreter(turn: Turn, node: InterpretingNode, job: str, agent: Agent,
                     tried: tuple[str, ...] = (), since: int = 0) -> str:
    """Ring a claimed interpreter; their answer hears the whisper to accept."""
    state = CallState(turn.state.node, turn.state.lang, phase="interp",
                      ref=Request(job=job).encode(), tried=(*tried, agent.id)[-20:], since=since)
    sid = turn.services.need_telephony().place_call(
        agent.phone, Target(Endpoint.WHISPER, state), Target(Endpoint.LEG, state),
        caller_id=caller_id(turn, node), timeout=node.ring)
    sessions = turn.services.need_sessions()
    sessions.add_leg(job, "interpreter", sid, agent.phone, turn.now, attempt=len(state.tried))
    sessions.update_session(job, interpreter_id=agent.id)
    return sid


def call_migrant(turn: Turn, node: InterpretingNode, session: Session, since: int = 0) -> None:
    """Ring the migrant; when they answer they join the room."""
    number = session.migrant_number
    if not number:
        return
    state = CallState(turn.state.node, turn.state.lang, phase="migrant",
                      ref=Request(job=session.job).encode(), since=since)
    sid = turn.services.need_telephony().place_call(
        number, Target(Endpoint.ENTER, CallState(state.node, state.lang, phase="join",
                                                 ref=state.ref, since=since)),
        Target(Endpoint.LEG, state), caller_id=caller_id(turn, node), timeout=MIGRANT_RING)
    turn.services.need_sessions().add_leg(session.job, "migrant", sid, number, turn.now,
                                          attempt=2 if since else 1)


def has_live(session: Session, role: str) -> bool:
    """Tell whether a party of this role is on a call of the session, or being rung."""
    return any(leg.role == role and leg.status not in ENDED | {"dropped"} for leg in session.legs)


def close(turn: Turn, session: Session, keep: str | None = None) -> None:
    """End the session: release the interpreter and hang up whoever is still being rung,
    except the call ``keep``, which is being answered with a goodbye."""
    now = turn.now
    sessions = turn.services.need_sessions()
    outcome = "completed" if session.started_at else "abandoned"
    sessions.update_session(session.job, status="ended", ended_at=now, outcome=outcome)
    release(turn, session.conference or "")
    for leg in session.legs:
        if leg.role == "entity":
            sessions.update_leg(leg.call_sid, status="completed", ended_at=now)
        elif leg.status not in ENDED and leg.outcome not in JOINED and leg.call_sid != keep:
            with contextlib.suppress(IvrError):
                turn.services.need_telephony().hangup_call(leg.call_sid)


def entity_gone(turn: Turn, session: Session) -> bool:
    """Ask Twilio whether the entity's call has ended, before an interpreter is rung or
    joined for it. Its status callback says so too, but only where the number's status
    callback is set; when Twilio cannot be asked, the session goes on."""
    if not session.entity_call_sid:
        return False
    try:
        status = turn.services.need_telephony().call_status(session.entity_call_sid)
    except IvrError:
        return False
    return status in ENDED


def live_leg(session: Session, role: str) -> Leg | None:
    """Return the party of this role who is in the room now."""
    return next((leg for leg in session.legs if leg.role == role and leg.status not in ENDED
                 and leg.status != "dropped" and (role == "entity" or leg.outcome in JOINED)),
                None)


def tell(turn: Turn, session: Session, role: str, phase: str, dropped: str) -> None:
    """Take a party out of the room to hear what happened; they rejoin after it."""
    leg = live_leg(session, role)
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


def unix(at: datetime) -> int:
    """Return an instant in Unix seconds, as the state's ``since`` keeps it."""
    return int(at.timestamp())
