"""What happened on a simulated call: steps, webhook requests, warnings, and the end.

The JSON shape is a contract with testers' scripts: ``CallResult.to_json`` returns exactly
``call_sid``, ``from``, ``to``, ``at``, ``steps``, ``requests``, ``end`` and ``warnings``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from ivr.errors import SimulatorError
from ivr.simulator.clock import SimClock


class EndReason(StrEnum):
    """How the tester's call ended."""

    HANGUP = "hangup"  # a <Hangup>, a REST completion, or a party left while waiting
    COMPLETED = "completed"  # the TwiML ran out
    REJECTED = "rejected"  # <Reject> before the call was answered
    ERROR = "error"  # Twilio's application error message, then hangup
    STEP_LIMIT = "step-limit"  # --max-steps reached; the simulation stopped


class RequestKind(StrEnum):
    """What a request asked the app for."""

    TWIML = "twiml"
    CALLBACK = "callback"


@dataclass(frozen=True)
class CallEnd:
    """The end of a leg: why, and Twilio's error code when it failed."""

    reason: EndReason
    error_code: int | None = None


#: The JSON fields of each verb, a contract with testers' scripts; a step may know more
#: (shown in the terminal, usable in scenario files). Verbs not listed show all they know.
JSON_FIELDS: dict[str, tuple[str, ...]] = {
    "Say": ("text", "language", "voice"),
    "Play": ("url", "text"),
    "Gather": ("digits", "speech", "action"),
    "Dial": ("numbers", "conference", "queue", "status"),
    "Enqueue": ("queue", "result"),
    "Record": ("recording_url",),
    "Redirect": ("url",),
    "Hangup": (),
    "Reject": (),
}


@dataclass(frozen=True)
class Step:
    """One verb executed on one leg (or an SMS sent through the REST API).

    ``at`` is when the step was recorded: when a prompt starts, and when a verb that
    listens or connects (Gather, Record, Dial, Enqueue) has its result.
    """

    verb: str
    leg: str
    at: datetime
    fields: Mapping[str, object]

    def to_json(self) -> dict[str, Any]:
        """Return the step as its stable JSON object."""
        names = JSON_FIELDS.get(self.verb)
        shown = (
            self.fields if names is None else {n: self.fields[n] for n in names if n in self.fields}
        )
        return {"verb": self.verb, **shown, "leg": self.leg, "at": self.at.isoformat()}


@dataclass(frozen=True)
class RequestRecord:
    """One webhook request and the status it got (None when nothing answered)."""

    method: str
    url: str
    status: int | None
    leg: str
    at: datetime
    kind: RequestKind

    def to_json(self) -> dict[str, Any]:
        """Return the request as its stable JSON object."""
        return {
            "method": self.method,
            "url": self.url,
            "status": self.status,
            "leg": self.leg,
            "kind": str(self.kind),
        }


@dataclass(frozen=True)
class Notice:
    """A warning or error Twilio would log in its debugger."""

    code: int | None
    message: str
    leg: str
    at: datetime

    def to_json(self) -> dict[str, Any]:
        """Return the notice as a JSON object."""
        return {"code": self.code, "message": self.message, "leg": self.leg}


class StepLimitReached(SimulatorError):
    """The call ran more steps than --max-steps allows."""


class Observer(Protocol):
    """Something that shows a call while it happens (the terminal transcript)."""

    def on_step(self, step: Step, label: str) -> None:
        """Show a verb that ran."""

    def on_request(self, request: RequestRecord, label: str) -> None:
        """Show a webhook request."""

    def on_notice(self, notice: Notice, label: str) -> None:
        """Show a warning."""

    def on_note(self, leg: str, label: str, text: str, at: datetime) -> None:
        """Show something only a person watching needs (ringing, joining a queue)."""


@dataclass
class Transcript:
    """Collects everything that happens on every leg, and enforces the step limit."""

    clock: SimClock
    max_steps: int
    observers: list[Observer] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    requests: list[RequestRecord] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    _count: int = 0

    def step(self, leg: str, verb: str, **fields: object) -> Step:
        """Record a verb that ran on ``leg``."""
        self._tick()
        step = Step(verb, leg, self.clock.now(), fields)
        self.steps.append(step)
        for observer in self.observers:
            observer.on_step(step, self.labels.get(leg, leg))
        return step

    def request(
        self, leg: str, method: str, url: str, status: int | None, kind: RequestKind
    ) -> None:
        """Record a webhook request; TwiML fetches count towards the step limit."""
        if kind is RequestKind.TWIML:
            self._tick()
        record = RequestRecord(method, url, status, leg, self.clock.now(), kind)
        self.requests.append(record)
        for observer in self.observers:
            observer.on_request(record, self.labels.get(leg, leg))

    def warn(self, leg: str, code: int | None, message: str) -> None:
        """Record a warning for Twilio's debugger."""
        notice = Notice(code, message, leg, self.clock.now())
        self.notices.append(notice)
        for observer in self.observers:
            observer.on_notice(notice, self.labels.get(leg, leg))

    def note(self, leg: str, text: str) -> None:
        """Tell the people watching something that is not a step."""
        for observer in self.observers:
            observer.on_note(leg, self.labels.get(leg, leg), text, self.clock.now())

    def _tick(self) -> None:
        self._count += 1
        if self._count > self.max_steps:
            raise StepLimitReached(f"the call ran more than {self.max_steps} steps")


@dataclass(frozen=True)
class CallResult:
    """A finished simulated call, ready to print or to check."""

    call_sid: str
    from_: str
    to: str
    at: datetime
    steps: tuple[Step, ...]
    requests: tuple[RequestRecord, ...]
    end: CallEnd
    notices: tuple[Notice, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)

    def label(self, leg: str) -> str:
        """Return a leg's readable name ("caller", a dialled number, "call 2")."""
        return self.labels.get(leg, leg)

    def to_json(self) -> dict[str, Any]:
        """Return the stable JSON object testers' scripts read."""
        return {
            "call_sid": self.call_sid,
            "from": self.from_,
            "to": self.to,
            "at": self.at.isoformat(),
            "steps": [step.to_json() for step in self.steps],
            "requests": [request.to_json() for request in self.requests],
            "end": {"reason": str(self.end.reason), "error_code": self.end.error_code},
            "warnings": [notice.to_json() for notice in self.notices],
        }
