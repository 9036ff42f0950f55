"""FIFO queues shared by every leg, and ``<Dial><Queue>``, which takes their heads (§3.8).

An agent leg's ``<Dial><Queue>`` takes the caller at the head of the line, plays its
``url`` to them, and keeps both connected until one hangs up. On an empty queue it waits
the Dial timeout for someone to arrive [K §3.8].
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ivr.simulator import behaviour
from ivr.simulator.bridge import DialResult, DialSpec, bridge_seconds
from ivr.simulator.kernel import Event, Flow, Kernel
from ivr.simulator.legs import Leg
from ivr.simulator.outcomes import unless_hung_up
from ivr.simulator.sids import SidKind, Sids
from ivr.simulator.twiml import text_of

if TYPE_CHECKING:
    from ivr.simulator.interpreter import LegRunner


@dataclass(frozen=True)
class Dequeue:
    """An agent took the member: the TwiML to play them first, and the bridge's end."""

    agent: Leg
    url: str | None
    method: str
    connected: Event
    ended: Event


@dataclass(eq=False)
class Member:
    """A leg waiting in a queue."""

    leg: Leg
    enqueued_at: float
    dequeued: Event


@dataclass(eq=False)
class Queue:
    """A named FIFO queue."""

    sid: str
    name: str
    max_size: int
    created_at: float
    members: list[Member] = field(default_factory=list)
    waits: list[float] = field(default_factory=list)
    arrivals: list[Event] = field(default_factory=list)

    def position(self, member: Member) -> int:
        """Return a member's 1-based place in line."""
        return self.members.index(member) + 1

    def average_wait(self) -> int:
        """Return the average seconds past members waited."""
        return round(sum(self.waits) / len(self.waits)) if self.waits else 0

    def remove(self, member: Member, now: float) -> None:
        """Take a member out of line, keeping its wait for the average."""
        if member in self.members:
            self.members.remove(member)
            self.waits.append(now - member.enqueued_at)


class Queues:
    """Every queue of the simulation, created on first use."""

    def __init__(self, sids: Sids, kernel: Kernel) -> None:
        self._sids = sids
        self._kernel = kernel
        self._by_name: dict[str, Queue] = {}

    def named(self, name: str) -> Queue:
        """Return the queue called ``name``, creating it."""
        if name not in self._by_name:
            sid = self._sids.new(SidKind.QUEUE)
            queue = Queue(sid, name, behaviour.QUEUE_DEFAULT_MAX_SIZE, self._kernel.now)
            self._by_name[name] = queue
        return self._by_name[name]

    def all(self) -> list[Queue]:
        """Return every queue, oldest first."""
        return list(self._by_name.values())

    def member_of(self, call_sid: str) -> tuple[Queue, Member] | None:
        """Find where a call is waiting."""
        for queue in self._by_name.values():
            for member in queue.members:
                if member.leg.sid == call_sid:
                    return queue, member
        return None


def dial_queue(runner: LegRunner, spec: DialSpec, noun: ET.Element) -> Flow[DialResult]:
    """Bridge an agent leg with the caller at the head of a queue (§3.8)."""
    kernel = runner.world.kernel
    queue = runner.world.queues.named(text_of(noun))
    if not queue.members:
        arrival = kernel.event()
        queue.arrivals.append(arrival)
        deadline = kernel.timeout(spec.timeout)
        try:
            fired = yield kernel.any_of([arrival, deadline])
        finally:
            kernel.cancel(deadline)
        if fired is deadline or not queue.members:
            if arrival in queue.arrivals:
                queue.arrivals.remove(arrival)
            return DialResult(behaviour.EMPTY_QUEUE_DIAL_STATUS, None, 0, False, queue=queue.name)
    member = queue.members[0]
    queue.remove(member, kernel.now)
    attrs = runner.attrs(noun)
    url = attrs.optional("url")
    dequeue = Dequeue(
        runner.leg,
        runner.resolve(url) if url else None,
        attrs.method(),
        kernel.event(),
        kernel.event(),
    )
    member.dequeued.succeed(dequeue)
    hung_up: str | None = runner.leg.sid  # if the agent leaves early, it hung up
    try:
        fired = yield from unless_hung_up(_first_of(kernel, [dequeue.connected, dequeue.ended]))
        if fired is None:  # the agent hung up while the caller heard the Queue url
            status = behaviour.AGENT_HANGUP_BEFORE_BRIDGE_DIAL_STATUS
            return DialResult(status, member.leg.sid, 0, False, True, queue=queue.name)
        if dequeue.ended.triggered:
            return DialResult("completed", member.leg.sid, 0, False, queue=queue.name)
        seconds, ender = yield from bridge_seconds(runner, spec, member.leg, None, dequeue.ended)
        hung_up = {"party": member.leg.sid, "caller": runner.leg.sid}.get(ender)
    finally:
        if not dequeue.ended.triggered:
            dequeue.ended.succeed(hung_up)
    left = ender == "caller"
    return DialResult("completed", member.leg.sid, seconds, True, left, queue=queue.name)


def _first_of(kernel: Kernel, events: list[Event]) -> Flow[Event]:
    """Wait for the first of ``events``."""
    fired: Event = yield kernel.any_of(events)
    return fired
