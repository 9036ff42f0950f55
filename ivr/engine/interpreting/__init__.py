"""The Telephone Translation Service (STT): an interpreter joined to an entity's call.

A node of kind ``interpreting`` runs the whole service; its phase (``p``) says where a call
stands and which party's call it is::

    the entity's call                               webhook            event
      ""          hours, then identification        /voice/enter       ENTER
      account, code, language, confirm | choose,    /voice/input       INPUT, SILENCE
      gender, migrant; then anyone | none, date,
      time, when, callto, callcheck
      room        waiting and talking in the room   /voice/wait        WAIT (hold music)
                  the entity left the room          /voice/dial        DIAL_DONE
                  the room's status callbacks       /voice/conference  CONFERENCE
      booked      the call ``ivr worker`` places    /voice/enter       ENTER
                  for a booking (``r`` = the job)
      none        redirected: nobody could be found /voice/enter       ENTER
      tellentity  redirected: a party dropped       /voice/enter       ENTER
    the interpreter's call (placed through the REST API)
      interp      the whisper; 1 accepts            /voice/whisper     WHISPER
                  its status callbacks              /voice/leg         LEG
      tellinterp  redirected: the migrant dropped   /voice/enter       ENTER
    the migrant's call: ``join`` (ENTER, joins the room), ``migrant`` (LEG)

Rules of this package, beyond those of ``machine`` and ``people``:
- the request travels in the state (``request.Request`` in ``ref``) until the session is
  opened; from then on the state carries the job and the store holds the rest;
- interpreters are claimed through ``turn.services`` with the room as the holder, so no
  interpreter is ever given two sessions, and the room's end releases them;
- whatever fails (the store, the REST API), the entity hears an apology and the fallback
  number, and status callbacks answer an empty document.
"""

from __future__ import annotations

from datetime import datetime

from ivr.engine import machine
from ivr.engine.actions import Outcome
from ivr.engine.interpreting import booking, connect, drops, intake, legs
from ivr.engine.interpreting.calls import LIVE, close
from ivr.engine.interpreting.common import (
    ASKS,
    ask,
    request_of,
    retry,
    room_name,
    unavailable,
)
from ivr.engine.interpreting.request import Request
from ivr.engine.machine import Handler, Result, Turn
from ivr.engine.services import Services
from ivr.engine.state import CallState, Event, EventKind
from ivr.errors import EngineError, IvrError
from ivr.menu import Menu
from ivr.menu.model import InterpretingNode

__all__ = ["call_ended", "register", "room_name"]


def _start(turn: Turn, node: InterpretingNode) -> Result:
    """Check the hours and the services, then identify the entity or ask the language."""
    if not turn.menu.hours[node.service].is_open(turn.now):
        return machine.enter(turn, node.on_closed)
    try:
        turn.services.need_allocator()
        turn.services.need_sessions()
        turn.services.need_telephony()
    except IvrError:
        return unavailable(turn)
    if turn.menu.rosters is None:
        return unavailable(turn)
    return ask(turn, node, "account" if node.identify else "language", Request())


def _nobody_found(turn: Turn, node: InterpretingNode) -> Result:
    """Offer the choices for when nobody is free to an entity taken out of the room."""
    return ask(turn, node, "none", request_of(turn), before=(Outcome("stt:unfilled"),))


ENTERS: dict[str, Handler] = {
    "": _start, "booked": booking.on_booked, "join": legs.on_join, "none": _nobody_found,
    "tellentity": drops.on_told, "tellinterp": drops.on_told,
}
INPUTS: dict[str, Handler] = {
    "account": intake.on_account, "code": intake.on_code, "language": intake.on_language,
    "confirm": intake.on_confirm, "choose": intake.on_choose, "gender": intake.on_gender,
    "migrant": intake.on_migrant, "anyone": connect.on_anyone, "none": connect.on_none,
    "date": booking.on_date, "time": booking.on_time, "when": booking.on_when,
    "callto": booking.on_callto, "callcheck": booking.on_callcheck,
}
SILENCES: dict[str, Handler] = {"migrant": intake.on_no_migrant}


def _on_enter(turn: Turn, node: InterpretingNode) -> Result:
    handler = ENTERS.get(turn.state.phase)
    if handler is not None:
        return handler(turn, node)
    if turn.state.phase in ASKS:
        return ask(turn, node, turn.state.phase, request_of(turn), fails=turn.state.fails)
    raise EngineError(f"node {turn.state.node!r} has no phase {turn.state.phase!r}")


def _on_input(turn: Turn, node: InterpretingNode) -> Result:
    handler = INPUTS.get(turn.state.phase)
    if handler is None:
        raise EngineError(f"node {turn.state.node!r} takes no keys in phase "
                          f"{turn.state.phase!r}")
    return handler(turn, node)


def _on_silence(turn: Turn, node: InterpretingNode) -> Result:
    handler = SILENCES.get(turn.state.phase)
    if handler is not None:
        return handler(turn, node)
    if turn.state.phase not in INPUTS:
        raise EngineError(f"node {turn.state.node!r} waits for nothing in phase "
                          f"{turn.state.phase!r}")
    return retry(turn, node, "menu.silence")


def call_ended(menu: Menu, call_sid: str, now: datetime, services: Services) -> bool:
    """Close the live session of an entity whose call ended before its room could.

    The room's end closes a session; an entity who hangs up before joining it (while the
    job number is read) leaves only their call's status callback. Closing hangs up the
    interpreter or migrant still being rung, so nobody else is rung for a call that has
    gone. Tell whether a session was closed.
    """
    node = next((key for key, found in menu.flow.nodes.items() if found.kind == "interpreting"),
                None)
    if node is None:  # no such service (or reloaded without it): nothing to look up
        return False
    session = services.need_sessions().session_by_conference(room_name(call_sid))
    if session is None or session.status not in LIVE or session.entity_call_sid != call_sid:
        return False
    event = Event(EventKind.LEG, call_sid=call_sid, call_status="completed")
    close(Turn(menu, CallState(node), event, now, services), session)
    return True


def register() -> None:
    """Add the interpreting node to the engine's tables."""
    e = EventKind
    machine.ENTER["interpreting"] = _on_enter
    machine.TRANSITIONS.update({
        ("interpreting", e.ENTER): _on_enter,
        ("interpreting", e.INPUT): _on_input,
        ("interpreting", e.SILENCE): _on_silence,
        ("interpreting", e.DIAL_DONE): connect.on_dial_done,
        ("interpreting", e.WAIT): connect.on_wait,
        ("interpreting", e.WHISPER): legs.on_whisper,
        ("interpreting", e.LEG): legs.on_leg,
        ("interpreting", e.CONFERENCE): drops.on_conference,
    })
