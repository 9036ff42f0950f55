"""Dial: ring other parties, run their whisper, bridge, then the action or the next verb.

Numbers (and Clients and SIP addresses) ring at once unless ``sequential``; the first to
answer and accept its whisper wins and the others are cancelled. Each dialled party is a
child leg (``Direction=outbound-dial``, ``ParentCallSid``) whose behaviour the tester scripts
(see ``parties``). Without ``action`` the call falls through to the next verb (§3.5).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ivr.simulator import behaviour, conferences, queues
from ivr.simulator.bridge import DialResult, DialSpec, bridge_seconds
from ivr.simulator.kernel import Flow, Process
from ivr.simulator.legs import CallStatus, Direction, Leg, StatusCallback
from ivr.simulator.outcomes import Continue, Ended, Fetch, HungUp, Outcome, unless_hung_up
from ivr.simulator.parties import Outcome as PartyOutcome
from ivr.simulator.ringing import ring_party
from ivr.simulator.transcript import CallEnd, EndReason
from ivr.simulator.twiml import text_of

if TYPE_CHECKING:
    from ivr.simulator.interpreter import LegRunner

_PARTY_NOUNS = {"Number", "Client", "Sip"}


@dataclass(frozen=True)
class Party:
    """One dialled address and its noun's attributes."""

    address: str
    url: str | None
    method: str
    status_callback: StatusCallback | None


@dataclass
class Attempt:
    """One party being rung: its script, its child leg, and how it went."""

    party: Party
    outcome: PartyOutcome
    leg: Leg
    result: str = field(default="no-answer")


def dial(runner: LegRunner, verb: ET.Element) -> Flow[Outcome]:
    """Run a Dial and decide where the call goes next."""
    if runner.leg.direction is Direction.OUTBOUND_DIAL:
        runner.warn(behaviour.DIAL_IN_CHILD_LEG, "<Dial> is not allowed in a whisper; skipped")
        return Continue()
    spec = DialSpec.read(runner, verb)
    nouns = list(verb)
    if not nouns and text_of(verb):
        number = ET.Element("Number")
        number.text = text_of(verb)
        nouns = [number]
    room = next((noun for noun in nouns if noun.tag == "Conference"), None)
    queue = next((noun for noun in nouns if noun.tag == "Queue"), None)
    parties = [_party(runner, noun) for noun in nouns if noun.tag in _PARTY_NOUNS]
    if room is not None:
        result = yield from conferences.dial_conference(runner, spec, room)
    elif queue is not None:
        result = yield from queues.dial_queue(runner, spec, queue)
    elif parties:
        result = yield from call_parties(runner, spec, parties)
    else:
        runner.warn(behaviour.SCHEMA_WARNING, "<Dial> has nothing to dial; skipped")
        return Continue()
    return finish(runner, spec, result)


def _party(runner: LegRunner, noun: ET.Element) -> Party:
    attrs = runner.attrs(noun)
    address = text_of(noun)
    identity = noun.find("Identity")
    if noun.tag == "Client":
        address = f"client:{text_of(identity) if identity is not None else address}"
    callback_url = attrs.optional("statusCallback")
    callback = None
    if callback_url:
        events = attrs.words("statusCallbackEvent", "completed")
        method = attrs.method("statusCallbackMethod")
        callback = StatusCallback(runner.resolve(callback_url), method, events)
    url = attrs.optional("url")
    return Party(address, runner.resolve(url) if url else None, attrs.method(), callback)


def finish(runner: LegRunner, spec: DialSpec, result: DialResult) -> Outcome:
    """Record the Dial and go to its action, the next verb, or the end of the call."""
    runner.step("Dial", **result.step_fields())
    params = {"DialCallStatus": result.status, "DialBridged": str(result.bridged).lower()}
    if result.call_sid is not None:
        params |= {"DialCallSid": result.call_sid, "DialCallDuration": str(result.duration)}
    if result.caller_left:
        if spec.action:  # requested, but its TwiML cannot run: nobody is there [K §3.5]
            runner.request_after_hangup(spec.action, spec.method, params)
        return Ended.because(EndReason.HANGUP)
    if spec.action is None:
        return Continue()
    return Fetch(spec.action, spec.method, params)


def call_parties(runner: LegRunner, spec: DialSpec, parties: list[Party]) -> Flow[DialResult]:
    """Ring parties (together, or one by one), then bridge the first who accepts."""
    world = runner.world
    started = world.kernel.now
    runner.world.transcript.note(
        runner.leg.sid, f"dialling {', '.join(p.address for p in parties)} ({spec.timeout} s)"
    )
    numbers = [party.address for party in parties]
    groups = [[party] for party in parties] if spec.sequential else [parties]
    attempts: list[Attempt] = []
    star_at: float | None = None
    winner: Attempt | None = None
    for group in groups:
        ringing = [_attempt(runner, spec, party) for party in group]  # legs exist once rung
        attempts += ringing
        stars = [a.outcome.star_s for a in ringing if a.outcome.star_s is not None]
        if spec.hangup_on_star and stars and star_at is None:
            star_at = started + min(stars)
        rung = yield from unless_hung_up(ring(runner, spec, ringing, star_at))
        if rung is None:  # the caller hung up while their phones rang
            status = behaviour.CALLER_HANGUP_RINGING_DIAL_STATUS
            return DialResult(status, attempts[0].leg.sid, 0, False, True, numbers=numbers)
        winner = rung.winner
        if winner is not None or any(a.result == "canceled" for a in ringing):
            break
    first_sid = attempts[0].leg.sid
    if winner is None:
        return DialResult(_status(attempts), first_sid, 0, False, numbers=numbers)
    runner.leg.answer(world.kernel.now)  # with answerOnBridge, the call is answered only now
    try:
        seconds, ender = yield from bridge_seconds(runner, spec, winner.leg, star_at)
    finally:  # also when the REST API moves the caller mid-call
        world.close_leg(winner.leg, CallEnd(EndReason.HANGUP))
    return DialResult(
        "completed", winner.leg.sid, seconds, True, ender == "caller", numbers=numbers
    )


def _attempt(runner: LegRunner, spec: DialSpec, party: Party) -> Attempt:
    outcome = runner.world.dial_plan.outcome_for(party.address)
    leg = runner.world.new_leg(
        spec.caller_id or runner.leg.from_,
        party.address,
        Direction.OUTBOUND_DIAL,
        outcome.actor(),
        party.address,
        parent_sid=runner.leg.sid,
        status_callback=party.status_callback,
    )
    leg.status = CallStatus.QUEUED
    return Attempt(party, outcome, leg)


@dataclass(frozen=True)
class Rung:
    """How ringing a group went: the attempt whose party accepted, if any."""

    winner: Attempt | None


def ring(
    runner: LegRunner, spec: DialSpec, group: list[Attempt], star_at: float | None
) -> Flow[Rung]:
    """Ring a group at once; the winner is the first attempt whose party accepts."""
    kernel = runner.world.kernel
    procs: dict[Process, Attempt] = {
        kernel.process(_ring_one(runner, spec, a), a.leg.label): a for a in group
    }
    star = kernel.timeout(star_at - kernel.now) if star_at is not None else None
    pending = list(procs)  # a list, not a set: cancelling in a fixed order keeps runs replayable
    try:
        while pending:
            fired = yield kernel.any_of([*pending, *([star] if star else [])])
            if fired is star:
                runner.world.transcript.note(runner.leg.sid, "the caller pressed *")
                for proc in pending:
                    procs[proc].result = "canceled"
                return Rung(None)
            assert isinstance(fired, Process)
            pending.remove(fired)
            if procs[fired].result == "accepted":
                return Rung(procs[fired])
        return Rung(None)
    finally:
        for proc in pending:
            proc.interrupt(HungUp())
        if star is not None:
            kernel.cancel(star)


def _ring_one(runner: LegRunner, spec: DialSpec, attempt: Attempt) -> Flow[None]:
    """Ring one party and play its script; sets ``attempt.result``."""
    world, leg = runner.world, attempt.leg
    try:
        picked_up = yield from ring_party(world, leg, attempt.outcome, spec.timeout)
        if not picked_up:
            attempt.result = str(leg.status)
            return
        accepted = True
        if attempt.party.url:
            whisper = Fetch(attempt.party.url, attempt.party.method)
            end = yield from runner.for_leg(leg).run(whisper)
            accepted = end.reason is EndReason.COMPLETED
        attempt.result = "accepted" if accepted and not leg.actor.is_declining else "declined"
    finally:
        if attempt.result != "accepted":
            world.close_leg(leg, CallEnd(EndReason.HANGUP))


def _status(attempts: list[Attempt]) -> str:
    """Return DialCallStatus when nobody was connected (§1.3)."""
    results = {attempt.result for attempt in attempts}
    if "canceled" in results:
        return "canceled"
    if "declined" in results:
        return behaviour.WHISPER_DECLINE_DIAL_STATUS
    for status in ("no-answer", "busy"):
        if status in results:
            return status
    return "failed"
