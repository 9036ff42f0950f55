"""The console's phone: a call replayed on the simulator from its start, up to the next question.

    PhoneCall.from_json(data, now)   what the page sends: {at, from, to, dial, inputs: [...]}
    place(call, runtime, config)     the call's JSON: transcript, events, waiting, language

Rules of this module:
- the call is stateless: every key press sends all the inputs so far, and the simulator
  (the one ``ivr call`` uses) runs the call again from its start against a twin of the
  helpline (``ivr.web.console.twin``) with a fixed seed; the same inputs give the same
  call, so the transcript grows by what the new input caused;
- the caller answers each Gather and Record with the next input; when the inputs run out
  the call pauses there (``Paused``) and the answer says what it waits for;
- dialled numbers do what ``dial`` says (by default they answer and accept with 1);
- the JSON keeps ``ivr call --json``'s shape under ``call`` and adds, in order, what a
  person watching needs under ``events``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from ivr.errors import SimulatorError
from ivr.simulator.actors import GatherPrompt, RecordPrompt, Reply, parse_reply
from ivr.simulator.clock import parse_at
from ivr.simulator.parties import parse_outcome
from ivr.simulator.session import Session, Setup, dial_plan, plan_calls
from ivr.simulator.simulator import DEFAULT_FROM, DEFAULT_TO, Simulator
from ivr.simulator.targets import DEFAULT_PATH, IN_PROCESS_BASE_URL, DeferredApp
from ivr.simulator.transcript import CallResult
from ivr.simulator.transport import WSGITransport
from ivr.web.console.events import EventLog, language_of
from ivr.web.console.twin import Reached, twin_app
from ivr.web.runtime import Runtime

SEED = 7  # any fixed seed: the same SIDs on every replay
MAX_INPUTS = 60
MAX_STEPS = 400
DEFAULT_DIAL = "answer:1"
DIAL_CHOICES = ("answer:1", "answer", "busy", "no-answer", "failed", "decline")
LINES = (DEFAULT_TO, "+351218106191")


class Paused(SimulatorError):
    """The caller has no more inputs: the call stops at the question it was asked."""

    def __init__(self, prompt: GatherPrompt | RecordPrompt) -> None:
        super().__init__("the caller has no more inputs")
        self.prompt = prompt


class PausingCaller:
    """A caller who answers from a list, then pauses the call at the next question."""

    talk_s: float | None = None
    is_declining = False

    def __init__(self, replies: Sequence[Reply]) -> None:
        self.replies = list(replies)
        self.used = 0

    def reply_to_gather(self, prompt: GatherPrompt) -> Reply:
        """Give the next input, or pause here."""
        return self._next(prompt)

    def reply_to_record(self, prompt: RecordPrompt) -> Reply:
        """Give the next input, or pause here."""
        return self._next(prompt)

    def _next(self, prompt: GatherPrompt | RecordPrompt) -> Reply:
        if self.used >= len(self.replies):
            raise Paused(prompt)
        self.used += 1
        return self.replies[self.used - 1]


@dataclass(frozen=True)
class PhoneCall:
    """A call the console's phone places: when, from where, and what the caller answered."""

    at: datetime
    from_: str = DEFAULT_FROM
    to: str = DEFAULT_TO
    dial: str = DEFAULT_DIAL
    inputs: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: Any, now: datetime) -> PhoneCall:
        """Read the page's request; raise SimulatorError with one sentence when it is wrong."""
        if not isinstance(data, Mapping):
            raise SimulatorError("send a JSON object with at, from, dial and inputs")
        inputs = data.get("inputs", [])
        if not isinstance(inputs, list) or not all(isinstance(i, str) for i in inputs):
            raise SimulatorError("inputs must be a list of texts such as \"2\" or \"\"")
        if len(inputs) > MAX_INPUTS:
            raise SimulatorError(f"a call from the console takes at most {MAX_INPUTS} inputs")
        for value in inputs:
            parse_reply(value)
        at_text = str(data.get("at") or "").strip()
        at = parse_at(at_text) if at_text else now.replace(second=0, microsecond=0)
        dial = str(data.get("dial") or DEFAULT_DIAL)
        parse_outcome(dial)
        caller = str(data.get("from") or DEFAULT_FROM).strip()
        if not caller or len(caller) > 32:
            raise SimulatorError("the caller's number must be 1 to 32 characters")
        line = str(data.get("to") or DEFAULT_TO).strip()
        if line not in LINES:
            raise SimulatorError(f"the number called must be one of {', '.join(LINES)}")
        return cls(at, caller, line, dial, tuple(inputs))


def place(call: PhoneCall, runtime: Runtime, config: Mapping[str, Any]) -> dict[str, Any]:
    """Run the call from its start until it ends or waits for an input; return its JSON."""
    setup = Setup(to=call.to, from_=call.from_, at=call.at, inputs=call.inputs,
                  dial_default=call.dial, max_steps=MAX_STEPS, seed=SEED)
    events = EventLog()
    deferred = DeferredApp()
    simulator = Simulator(WSGITransport(deferred, IN_PROCESS_BASE_URL), at=call.at, seed=SEED,
                          auth_token=f"console-{SEED}", dial_plan=dial_plan(setup, None),
                          max_steps=MAX_STEPS, observers=[events])
    caller = PausingCaller([parse_reply(value) for value in call.inputs])
    paused: Paused | None = None
    with twin_app(runtime, config, simulator.clock, simulator.http_client(),
                  simulator.auth_token or "", simulator.account_sid) as twin:
        deferred.app = twin.app
        session = Session(simulator, urljoin(IN_PROCESS_BASE_URL, DEFAULT_PATH), setup)
        plan, _ = plan_calls(session, caller)
        placed = simulator.place(plan)
        try:
            simulator.run()
        except Paused as pause:
            paused = pause
        result = simulator.result(placed)
    return _answer(result, events, paused, caller.used, runtime, twin.watch.latest(
        result.call_sid))


def _answer(result: CallResult, events: EventLog, paused: Paused | None, used: int,
            runtime: Runtime, reached: Reached | None) -> dict[str, Any]:
    """Shape the call's JSON for the page."""
    call = result.to_json()
    if paused is not None:
        call["end"] = None
    return {
        "call": call,
        "events": events.shaped(runtime.resolver),
        "state": "waiting" if paused is not None else "ended",
        "waiting": None if paused is None else _waiting(paused.prompt),
        "inputs_used": used,
        "node": reached.node if reached else None,
        "language": language_of(reached.lang if reached else None),
    }


def _waiting(prompt: GatherPrompt | RecordPrompt) -> dict[str, Any]:
    """Describe the question the call waits at."""
    if isinstance(prompt, RecordPrompt):
        return {"for": "recording", "max_length": prompt.max_length,
                "finish_on_key": prompt.finish_on_key}
    return {"for": "keys", "num_digits": prompt.num_digits,
            "finish_on_key": prompt.finish_on_key, "timeout": prompt.timeout,
            "speech": "speech" in prompt.modes}
