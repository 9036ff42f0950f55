"""A faithful local Twilio: phone any TwiML app without a phone, Twilio or the internet.

It drives any app that answers Twilio's voice webhooks, in-process through WSGI or over
HTTP, and never imports the helpline's own modules (the CLI imports ``ivr.web`` lazily when
it is the target). Behaviour follows the TwiML semantics reference; every unverified
choice is a named constant in ``behaviour``.

    Simulator(transport, at=..., seed=..., auth_token=..., dial_plan=...)
        .call(CallPlan(url, actor=ScriptedActor([...]))) -> CallResult
        .http_client()     twilio-python HttpClient reaching the fake REST API in-process
        .serve_api()       the fake REST API on 127.0.0.1, for an app running elsewhere
        .clock             the simulated clock (an ``ivr.clock.Clock``) to give the app

Layers, from the bottom: ``kernel`` (discrete events) → ``legs``, ``webhooks``,
``transport`` (requests as Twilio sends them) → ``interpreter`` and the verb modules
(``prompts``, ``gather``, ``dial``, ``enqueue``, ``queues``, ``conferences``) → ``world``
and ``simulator`` → ``rest`` (fake API), ``session``, ``cli``, ``scenarios``.

Errors: everything refused on purpose is an ``ivr.errors.SimulatorError``:

    SimulatorError
     ├── TransportError     no response came back (becomes 11205 or 11200 in the call)
     ├── StepLimitReached   --max-steps stopped the simulation (end reason "step-limit")
     └── ScenarioError      a scenario file cannot be read (file:line:col problems)
"""

from __future__ import annotations

from ivr.simulator.actors import Keys, Recorded, ScriptedActor, Silence, Speech, parse_reply
from ivr.simulator.clock import SimClock, parse_at
from ivr.simulator.parties import DialPlan, Outcome, parse_outcome, parse_sequence
from ivr.simulator.rest.client import SimulatorHttpClient
from ivr.simulator.simulator import CallPlan, Simulator
from ivr.simulator.transcript import CallEnd, CallResult, EndReason, Step
from ivr.simulator.transport import HTTPTransport, Transport, WSGITransport

__all__ = [
    "CallEnd",
    "CallPlan",
    "CallResult",
    "DialPlan",
    "EndReason",
    "HTTPTransport",
    "Keys",
    "Outcome",
    "Recorded",
    "ScriptedActor",
    "Silence",
    "SimClock",
    "Simulator",
    "SimulatorHttpClient",
    "Speech",
    "Step",
    "Transport",
    "WSGITransport",
    "parse_at",
    "parse_outcome",
    "parse_reply",
    "parse_sequence",
]
