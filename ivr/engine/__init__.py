"""The call state machine, pure: ``step(menu, state, event, now) -> (actions, next state)``.

See ``machine.py`` for the rules. Nothing here imports flask or twilio, reads the clock, the
environment or a global.
"""

from __future__ import annotations

from ivr.engine import interpreting as _interpreting
from ivr.engine import people as _people
from ivr.engine.actions import (
    Action,
    Dial,
    Endpoint,
    Gather,
    Hangup,
    Outcome,
    Record,
    Redirect,
    SaveVoicemail,
    SendSms,
    Speak,
    Target,
)
from ivr.engine.machine import IllegalEvent, recover, step
from ivr.engine.state import Caller, CallState, Event, EventKind

_people.register()
_interpreting.register()

__all__ = [
    "Action",
    "CallState",
    "Caller",
    "Dial",
    "Endpoint",
    "Event",
    "EventKind",
    "Gather",
    "Hangup",
    "IllegalEvent",
    "Outcome",
    "Record",
    "Redirect",
    "SaveVoicemail",
    "SendSms",
    "Speak",
    "Target",
    "recover",
    "step",
]
