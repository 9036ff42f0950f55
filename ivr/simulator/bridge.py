"""What every kind of Dial shares: its attributes, its result, and how long a bridge lasts."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ivr.simulator import behaviour
from ivr.simulator.kernel import Event, Flow, Interrupt
from ivr.simulator.legs import Leg
from ivr.simulator.outcomes import HungUp

if TYPE_CHECKING:
    from ivr.simulator.interpreter import LegRunner


@dataclass(frozen=True)
class DialSpec:
    """A Dial's attributes (§3.5)."""

    action: str | None
    method: str
    timeout: int
    hangup_on_star: bool
    time_limit: int
    caller_id: str | None
    sequential: bool

    @classmethod
    def read(cls, runner: LegRunner, verb: ET.Element) -> DialSpec:
        """Read the attributes, resolving the action against the current document."""
        attrs = runner.attrs(verb)
        action = attrs.optional("action")
        return cls(
            runner.resolve(action) if action else None,
            attrs.method(),
            attrs.integer("timeout", behaviour.DIAL_DEFAULT_TIMEOUT_S, high=600),
            attrs.boolean("hangupOnStar", False),
            attrs.integer("timeLimit", behaviour.DIAL_DEFAULT_TIME_LIMIT_S),
            attrs.optional("callerId"),
            attrs.boolean("sequential", False),
        )


@dataclass(frozen=True)
class DialResult:
    """How a Dial ended: the action's parameters and the step's fields."""

    status: str
    call_sid: str | None
    duration: int
    bridged: bool
    caller_left: bool = False
    numbers: list[str] | None = None
    conference: str | None = None
    queue: str | None = None

    def step_fields(self) -> dict[str, object]:
        """Return the Dial step's JSON fields."""
        return {
            "numbers": self.numbers or [],
            "conference": self.conference,
            "queue": self.queue,
            "status": self.status,
            "call_sid": self.call_sid,
            "duration": self.duration,
        }


def bridge_seconds(
    runner: LegRunner,
    spec: DialSpec,
    other: Leg,
    star_at: float | None,
    other_left: Event | None = None,
) -> Flow[tuple[int, str]]:
    """Keep two legs connected until someone hangs up; return the seconds and who ended it.

    The bridge ends at the first of: the other party's talk time (``"party"``), the caller's
    own talk time when scripted, or the caller hanging up (``"caller"``), the Dial's
    timeLimit (``"limit"``), the caller pressing * with hangupOnStar (``"star"``), or
    ``other_left`` firing. A REST redirect of the caller still interrupts it.
    """
    kernel = runner.world.kernel
    started = kernel.now
    limits = {"limit": float(spec.time_limit)}
    if other.actor.talk_s is not None:
        limits["party"] = other.actor.talk_s
    if runner.leg.actor.talk_s is not None:
        limits["caller"] = runner.leg.actor.talk_s
    if star_at is not None:
        limits["star"] = max(0.0, star_at - started)
    ender = min(limits, key=lambda name: limits[name])
    runner.world.transcript.note(runner.leg.sid, f"connected to {other.label}")
    timer = kernel.timeout(limits[ender])
    try:
        fired = yield kernel.any_of([timer, *([other_left] if other_left else [])])
    except Interrupt as interrupt:
        if not isinstance(interrupt.cause, HungUp):
            raise
        return round(kernel.now - started), "caller"
    finally:
        kernel.cancel(timer)
    if fired is not timer:
        ender = "party"
    return round(kernel.now - started), ender
