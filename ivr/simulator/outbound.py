"""Calls the app places through the REST API: they ring a scripted party, then run TwiML.

A created call (``Direction=outbound-api``) rings the party at ``To`` as ``--dial`` scripts
it. When the party picks up, the call runs its ``Url`` or ``Twiml``; a conference
participant created through the API joins its room directly instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ivr.simulator import conferences
from ivr.simulator.interpreter import LegRunner
from ivr.simulator.kernel import Flow, Interrupt
from ivr.simulator.legs import CallStatus, Direction, Leg, StatusCallback, Target
from ivr.simulator.outcomes import Fetch, Inline
from ivr.simulator.ringing import ring_party
from ivr.simulator.transcript import CallEnd, EndReason

if TYPE_CHECKING:
    from ivr.simulator.world import World

Body = Callable[[LegRunner], Flow[CallEnd]]


def place_call(
    world: World,
    to: str,
    from_: str,
    timeout: float,
    body: Body,
    fallback: Target | None = None,
    status_callback: StatusCallback | None = None,
) -> Leg:
    """Create an outbound-api leg and start ringing it now."""
    outcome = world.dial_plan.outcome_for(to)
    leg = world.new_leg(
        from_,
        to,
        Direction.OUTBOUND_API,
        outcome.actor(),
        to,
        fallback=fallback,
        status_callback=status_callback,
    )
    leg.status = CallStatus.QUEUED

    def flow() -> Flow[CallEnd]:
        world.transcript.note(leg.sid, f"the app calls {to}")
        picked_up = yield from ring_party(world, leg, outcome, timeout)
        if not picked_up:
            return CallEnd(EndReason.HANGUP)
        return (yield from body(LegRunner(world, leg)))

    world.run_flow(leg, flow())
    return leg


def twiml_body(start: Fetch | Inline) -> Body:
    """Return a body that runs TwiML from ``start``."""

    def run(runner: LegRunner) -> Flow[CallEnd]:
        return (yield from runner.run(start))

    return run


def participant_body(
    room: conferences.Room, seat: conferences.Seat, wait: tuple[str, str] | None
) -> Body:
    """Return a body that joins a conference, then hangs up when it is over."""

    def run(runner: LegRunner) -> Flow[CallEnd]:
        try:
            yield from conferences.attend(runner, room, seat, wait)
        except Interrupt as interrupt:  # moved to new TwiML, or hung up, by the REST API
            moved = runner.interrupted(interrupt.cause)
            if isinstance(moved, Fetch | Inline):
                return (yield from runner.run(moved))
        return CallEnd(EndReason.HANGUP)

    return run
