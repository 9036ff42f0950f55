"""The simulator: place calls into an app, run them on the simulated clock, read the result.

    sim = Simulator(WSGITransport(app, "https://ivr.test"), at=parse_at("2026-03-02T10:00"))
    result = sim.call(CallPlan("https://ivr.test/voice", actor=ScriptedActor([Keys("2")])))

All legs of one simulator share the clock, the queues, the conferences and the fake REST API,
so a second call (an agent) can take the first caller from a queue at a scripted time.
When nothing is left to happen and someone is still waiting (in a silent queue or an empty
conference), that person hangs up, oldest call first.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ivr.errors import SimulatorError
from ivr.simulator.actors import Actor, ScriptedActor
from ivr.simulator.clock import SimClock, real_now
from ivr.simulator.kernel import Flow, Kernel, Process
from ivr.simulator.legs import Direction, Leg, StatusCallback, Target
from ivr.simulator.media import MediaLibrary
from ivr.simulator.outcomes import Fetch, HungUp
from ivr.simulator.parties import DialPlan
from ivr.simulator.rest.api import FakeTwilioApi
from ivr.simulator.rest.client import SimulatorHttpClient
from ivr.simulator.rest.server import ApiServer
from ivr.simulator.sids import SidKind, Sids
from ivr.simulator.transcript import (
    CallEnd,
    CallResult,
    EndReason,
    Observer,
    StepLimitReached,
    Transcript,
)
from ivr.simulator.transport import Response, Timeouts, Transport
from ivr.simulator.webhooks import Webhooks
from ivr.simulator.world import World

DEFAULT_TO = "+351808257257"
DEFAULT_FROM = "+351912345678"
DEFAULT_MAX_STEPS = 500
TWILIO_API_BASE = "https://api.twilio.com"


@dataclass(frozen=True)
class CallPlan:
    """One call a person places into the app."""

    url: str
    to: str = DEFAULT_TO
    from_: str = DEFAULT_FROM
    method: str = "POST"
    actor: Actor = field(default_factory=ScriptedActor)
    after_s: float = 0.0
    fallback: Target | None = None
    status_callback: StatusCallback | None = None
    label: str = "caller"
    #: The person hangs up this many seconds after the call began, wherever it stands.
    hangup_after_s: float | None = None


@dataclass
class Placed:
    """A planned call; ``leg`` is set once it has started."""

    plan: CallPlan
    leg: Leg | None = None


class Simulator:
    """One simulation: a clock, a world of legs, and the app they call."""

    def __init__(
        self,
        transport: Transport,
        *,
        at: datetime | None = None,
        seed: int | None = None,
        auth_token: str | None = None,
        account_sid: str | None = None,
        dial_plan: DialPlan | None = None,
        max_steps: int = DEFAULT_MAX_STEPS,
        observers: Iterable[Observer] = (),
        transcripts: Mapping[str, str] | None = None,
    ) -> None:
        self.lock = threading.Lock()
        if transport.is_remote:  # let the app call the REST API while it answers a webhook
            transport = _Unlocking(transport, self.lock)
        kernel = Kernel()
        clock = SimClock(kernel, at or real_now())
        sids = Sids(seed)
        self.auth_token = auth_token
        transcript = Transcript(clock, max_steps, list(observers))
        self.world = World(
            kernel,
            clock,
            sids,
            transcript,
            Webhooks(transport, auth_token, sids, clock, transcript),
            MediaLibrary(transport, transcripts),
            dial_plan or DialPlan(),
            account_sid or sids.new(SidKind.ACCOUNT),
            TWILIO_API_BASE,
        )
        self.placed: list[Placed] = []
        self.stopped: StepLimitReached | None = None
        self.api = FakeTwilioApi(self.world, auth_token)

    def http_client(self) -> SimulatorHttpClient:
        """Return a twilio-python HTTP client that reaches the fake API in-process."""
        return SimulatorHttpClient(self.api)

    def serve_api(self, port: int = 0) -> ApiServer:
        """Serve the fake API on 127.0.0.1; recordings are then served from there too."""
        server = ApiServer(self.api, self.lock, port=port).start()
        self.world.api_base = server.url
        return server

    @property
    def clock(self) -> SimClock:
        """Return the simulated clock (give it to an in-process app)."""
        return self.world.clock

    @property
    def account_sid(self) -> str:
        """Return the simulated account's SID."""
        return self.world.account_sid

    def place(self, plan: CallPlan) -> Placed:
        """Plan a call; it starts ``plan.after_s`` seconds into the simulation."""
        placed = Placed(plan)
        self.placed.append(placed)
        self.world.kernel.process(self._start(placed), plan.label)
        return placed

    def _start(self, placed: Placed) -> Flow[None]:
        plan = placed.plan
        if plan.after_s > 0:
            yield self.world.kernel.timeout(plan.after_s)
        leg = self.world.new_leg(
            plan.from_,
            plan.to,
            Direction.INBOUND,
            plan.actor,
            plan.label,
            fallback=plan.fallback,
            status_callback=plan.status_callback,
        )
        placed.leg = leg
        process = self.world.run_twiml(leg, Fetch(plan.url, plan.method))
        if plan.hangup_after_s is not None:
            self.world.kernel.process(
                self._hang_up(leg, process, plan.hangup_after_s), f"{plan.label} hangs up"
            )

    def _hang_up(self, leg: Leg, process: Process, seconds: float) -> Flow[None]:
        """Hang up ``leg`` after ``seconds`` unless its call has ended by then."""
        kernel = self.world.kernel
        timer = kernel.timeout(seconds)
        fired = yield kernel.any_of([timer, process])
        if fired is not timer:
            kernel.cancel(timer)
        elif process.is_alive:
            self.world.transcript.note(leg.sid, "the caller hangs up")
            process.interrupt(HungUp())

    def run(self) -> None:
        """Run until every leg has ended or the step limit stops the simulation."""
        with self.lock:
            try:
                self._run_until_quiet()
            except StepLimitReached as exc:
                self.stopped = exc

    def _run_until_quiet(self) -> None:
        kernel = self.world.kernel
        hung_up: set[str] = set()
        while True:
            kernel.run()
            waiting = [leg for leg in self.world.legs.values() if _is_waiting(leg)]
            if not waiting:
                return
            leg = waiting[0]
            if leg.sid in hung_up:
                raise SimulatorError(f"{leg.label} ({leg.sid}) kept waiting after hanging up")
            hung_up.add(leg.sid)
            assert leg.process is not None
            leg.process.interrupt(HungUp())

    def result(self, placed: Placed) -> CallResult:
        """Return what happened on a placed call (and every leg it touched)."""
        leg = placed.leg
        if leg is None:
            raise ValueError("the call never started")
        end = self.world.ends.get(leg.sid, CallEnd(EndReason.STEP_LIMIT))
        transcript = self.world.transcript
        return CallResult(
            leg.sid,
            leg.from_,
            leg.to,
            self.world.clock.start + timedelta(seconds=leg.started_at),
            tuple(transcript.steps),
            tuple(transcript.requests),
            end,
            tuple(transcript.notices),
            dict(transcript.labels),
        )

    def call(self, plan: CallPlan, others: Sequence[CallPlan] = ()) -> CallResult:
        """Place ``plan`` (and ``others``), run everything, return the first call's result."""
        placed = self.place(plan)
        for other in others:
            self.place(other)
        self.run()
        return self.result(placed)


def _is_waiting(leg: Leg) -> bool:
    return leg.process is not None and leg.process.is_alive


class _Unlocking:
    """A remote transport that lets go of the simulation lock while the app answers."""

    def __init__(self, inner: Transport, lock: threading.Lock) -> None:
        self.inner = inner
        self.lock = lock
        self.is_remote = inner.is_remote

    def request(
        self,
        method: str,
        url: str,
        params: Mapping[str, str],
        headers: Mapping[str, str],
        timeout: Timeouts,
    ) -> Response:
        """Send the request with the lock released, so REST calls can come in meanwhile."""
        owned = self.lock.locked()
        if owned:
            self.lock.release()
        try:
            return self.inner.request(method, url, params, headers, timeout)
        finally:
            if owned:
                self.lock.acquire()
