"""Everything the legs of one simulation share: time, SIDs, webhooks, queues, rooms, records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ivr.simulator import callbacks
from ivr.simulator.actors import Actor
from ivr.simulator.clock import SimClock
from ivr.simulator.conferences import Conferences
from ivr.simulator.interpreter import LegRunner
from ivr.simulator.kernel import Flow, Kernel, Process
from ivr.simulator.legs import CallStatus, Direction, Leg, StatusCallback, Target
from ivr.simulator.media import MediaLibrary
from ivr.simulator.outcomes import Fetch, Inline
from ivr.simulator.parties import DialPlan
from ivr.simulator.queues import Queues
from ivr.simulator.sids import SidKind, Sids
from ivr.simulator.transcript import CallEnd, Transcript
from ivr.simulator.webhooks import Webhooks


@dataclass(frozen=True)
class Recording:
    """A recording made by ``<Record>``, served by the fake REST API."""

    sid: str
    call_sid: str
    duration: int
    text: str | None
    created_at: datetime
    url: str


@dataclass(frozen=True)
class Message:
    """An SMS sent through the fake REST API."""

    sid: str
    to: str
    from_: str
    body: str
    created_at: datetime


@dataclass
class World:
    """The shared state of one simulation and the way legs are started."""

    kernel: Kernel
    clock: SimClock
    sids: Sids
    transcript: Transcript
    webhooks: Webhooks
    media: MediaLibrary
    dial_plan: DialPlan
    account_sid: str
    api_base: str
    legs: dict[str, Leg] = field(default_factory=dict)
    ends: dict[str, CallEnd] = field(default_factory=dict)
    recordings: dict[str, Recording] = field(default_factory=dict)
    messages: list[Message] = field(default_factory=list)
    queues: Queues = field(init=False)
    conferences: Conferences = field(init=False)

    def __post_init__(self) -> None:
        self.queues = Queues(self.sids, self.kernel)
        self.conferences = Conferences(self.sids, self.kernel)

    def new_leg(
        self,
        from_: str,
        to: str,
        direction: Direction,
        actor: Actor,
        label: str,
        parent_sid: str | None = None,
        fallback: Target | None = None,
        status_callback: StatusCallback | None = None,
    ) -> Leg:
        """Create a leg with a fresh CallSid."""
        sid = self.sids.new(SidKind.CALL)
        leg = Leg(
            sid,
            self.account_sid,
            from_,
            to,
            direction,
            actor,
            label,
            self.kernel.now,
            parent_sid,
            fallback,
            status_callback,
        )
        self.legs[sid] = leg
        self.transcript.labels[sid] = label
        return leg

    def run_twiml(self, leg: Leg, start: Fetch | Inline) -> Process:
        """Start running TwiML on ``leg`` now."""
        return self.run_flow(leg, LegRunner(self, leg).run(start))

    def run_flow(self, leg: Leg, flow: Flow[CallEnd]) -> Process:
        """Start a leg's flow now; when it ends, close the leg."""
        leg.process = self.kernel.process(self._closing(leg, flow), leg.label)
        return leg.process

    def _closing(self, leg: Leg, flow: Flow[CallEnd]) -> Flow[CallEnd]:
        end = yield from flow
        self.close_leg(leg, end)
        return end

    def close_leg(self, leg: Leg, end: CallEnd) -> None:
        """Mark a leg over and send its completed callback."""
        if leg.ended_at is not None:
            return
        leg.ended_at = self.kernel.now
        if leg.status in {CallStatus.RINGING, CallStatus.IN_PROGRESS, CallStatus.QUEUED}:
            leg.answer(self.kernel.now)
            leg.status = CallStatus.COMPLETED
        self.ends[leg.sid] = end
        callbacks.call_progress(self, leg, "completed")

    def keep_recording(
        self, sid: str, call_sid: str, seconds: float, text: str | None
    ) -> Recording:
        """Store a recording; its URL is served by the fake REST API."""
        url = f"{self.api_base}/2010-04-01/Accounts/{self.account_sid}/Recordings/{sid}"
        recording = Recording(sid, call_sid, round(seconds), text, self.clock.now(), url)
        self.recordings[sid] = recording
        return recording

    def keep_message(self, to: str, from_: str, body: str) -> Message:
        """Store an SMS and show it in the transcript."""
        message = Message(self.sids.new(SidKind.MESSAGE), to, from_, body, self.clock.now())
        self.messages.append(message)
        leg = self.webhooks.current_leg  # the call whose webhook sent it, if any
        self.transcript.step(leg, "Sms", to=to, **{"from": from_}, body=body, sid=message.sid)
        return message
