"""Ringing a scripted party: how long it rings, and whether they pick up (§3.5, §1.3).

Shared by ``<Dial>`` child legs and calls the REST API places. Call-progress callbacks
(initiated, ringing, answered) go out as the leg moves along.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ivr.simulator import callbacks
from ivr.simulator.kernel import Flow, Interrupt
from ivr.simulator.legs import CallStatus, Leg
from ivr.simulator.parties import Outcome, OutcomeKind

if TYPE_CHECKING:
    from ivr.simulator.world import World


def ring_party(world: World, leg: Leg, outcome: Outcome, timeout: float) -> Flow[bool]:
    """Ring ``leg`` as its script says; return True when the party picked up.

    Otherwise the leg's status says why (busy, failed, no-answer, or canceled when the
    ringing was interrupted).
    """
    callbacks.call_progress(world, leg, "initiated")
    leg.status = CallStatus.RINGING
    callbacks.call_progress(world, leg, "ringing")
    ring_s = outcome.ring_seconds()
    try:
        if outcome.kind is OutcomeKind.NO_ANSWER or ring_s >= timeout:
            yield world.kernel.timeout(timeout)
            leg.status = CallStatus.NO_ANSWER
            return False
        yield world.kernel.timeout(ring_s)
    except Interrupt:
        leg.status = CallStatus.CANCELED
        return False
    if not outcome.picks_up:
        leg.status = CallStatus(str(outcome.kind))
        return False
    leg.answer(world.kernel.now)
    callbacks.call_progress(world, leg, "answered")
    return True
