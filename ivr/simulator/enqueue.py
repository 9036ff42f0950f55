"""Enqueue and Leave: a caller waits in a queue, hearing the wait URL (§3.7, §3.9).

The wait URL's TwiML is fetched again each time it ends, until an agent leg dequeues the
caller, a ``<Leave>`` or the REST API takes them out, or they hang up. Twilio requests the
Enqueue action at once after Leave, after the bridge when dequeued, and when the caller hangs
up (``QueueResult=hangup``; what it answers is not run).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from ivr.simulator import behaviour
from ivr.simulator.kernel import Flow, Interrupt, instant
from ivr.simulator.outcomes import Continue, Ended, Fetch, Left, Outcome, unless_hung_up
from ivr.simulator.queues import Dequeue, Member, Queue
from ivr.simulator.transcript import EndReason
from ivr.simulator.twiml import Document, text_of
from ivr.simulator.waiting import play_wait_documents

if TYPE_CHECKING:
    from ivr.simulator.interpreter import LegRunner

#: Verbs a wait URL document may use. [V §3.7 via SignalWire's mirror]
WAIT_URL_VERBS = frozenset({"Play", "Say", "Pause", "Hangup", "Redirect", "Leave", "Gather"})


def enqueue(runner: LegRunner, verb: ET.Element) -> Flow[Outcome]:
    """Put the call in a queue and hold it there until something takes it out."""
    attrs = runner.attrs(verb)
    queue = runner.world.queues.named(text_of(verb))
    queue.max_size = attrs.integer("maxQueueSize", queue.max_size, high=5000)
    action = attrs.optional("action")
    wait_url = attrs.optional("waitUrl")
    after = (runner.resolve(action), attrs.method()) if action else None
    if len(queue.members) >= queue.max_size:
        return _after(runner, queue, after, "queue-full", None)
    kernel = runner.world.kernel
    member = Member(runner.leg, kernel.now, kernel.event())
    queue.members.append(member)
    for arrival in queue.arrivals:
        arrival.succeed()
    queue.arrivals.clear()
    runner.world.transcript.note(runner.leg.sid, f"waiting in queue {queue.name!r}")
    document = runner.doc
    wait = (runner.resolve(wait_url), attrs.method("waitUrlMethod")) if wait_url else None
    try:
        held = yield from unless_hung_up(_hold(runner, queue, member, wait))
    except Interrupt:  # the REST API moved the call
        runner.step("Enqueue", queue=queue.name, result="redirected")
        raise
    finally:
        queue.remove(member, kernel.now)
        runner.doc = document
    outcome = "hangup" if held is None else held
    if isinstance(outcome, str):
        return _after(runner, queue, after, outcome, member)
    runner.step("Enqueue", queue=queue.name, result=_result_of(outcome))
    return outcome


def _result_of(outcome: Outcome) -> str:
    if isinstance(outcome, Ended):
        return "hangup"
    return "redirected-from-waiting-url"


def _hold(
    runner: LegRunner, queue: Queue, member: Member, wait: tuple[str, str] | None
) -> Flow[Outcome | str]:
    """Wait in line; return a QueueResult, or where the wait URL sent the call."""
    kernel = runner.world.kernel

    def params() -> dict[str, str]:
        return {
            "QueueSid": queue.sid,
            "QueuePosition": str(queue.position(member)),
            "QueueTime": str(int(kernel.now - member.enqueued_at)),
            "AvgQueueTime": str(queue.average_wait()),
            "CurrentQueueSize": str(len(queue.members)),
            "MaxQueueSize": str(queue.max_size),
        }

    music = play_wait_documents(
        runner, wait, params, WAIT_URL_VERBS, behaviour.WAIT_URL_TRANSFER_LEAVES_QUEUE
    )
    try:
        while music is not None:
            fired = yield kernel.any_of([member.dequeued, music])
            if fired is member.dequeued:
                break
            left: Outcome = music.value
            if isinstance(left, Left):
                return "leave"
            if not isinstance(left, Continue):
                return left  # a Redirect, a Gather action or a Hangup left the queue
            music = None  # the wait URL failed: wait in silence
        dequeue = yield member.dequeued
    finally:
        if music is not None:
            music.interrupt("stop")
    return (yield from _bridged(runner, queue, member, dequeue))


def _bridged(runner: LegRunner, queue: Queue, member: Member, dequeue: Dequeue) -> Flow[str]:
    """Play the agent's Queue URL to the member, then stay connected until it ends."""
    kernel = runner.world.kernel
    try:
        if dequeue.url:
            params = {
                "QueueSid": queue.sid,
                "QueueTime": str(int(kernel.now - member.enqueued_at)),
                "DequeingCallSid": dequeue.agent.sid,
            }
            document = runner.fetch(dequeue.url, dequeue.method, runner.params(params))
            if isinstance(document, Document):
                runner.doc = document
                yield from runner.run_verbs(document.verbs, frozenset({"Say", "Play", "Pause"}))
            else:
                runner.warn(document.code, f"the Queue URL failed: {document.message}")
        dequeue.connected.succeed()
        ender = yield dequeue.ended
    finally:
        if not dequeue.ended.triggered:
            dequeue.ended.succeed(runner.leg.sid)
    return "hangup" if ender == runner.leg.sid else "bridged"


def _after(
    runner: LegRunner,
    queue: Queue,
    after: tuple[str, str] | None,
    result: str,
    member: Member | None,
) -> Outcome:
    """Record the Enqueue and request its action, or fall through (§3.7)."""
    runner.step("Enqueue", queue=queue.name, result=result)
    params = {"QueueResult": result}
    if member is not None:
        waited = int(runner.world.kernel.now - member.enqueued_at)
        params |= {"QueueSid": queue.sid, "QueueTime": str(waited)}
    if result == "hangup":  # the action is still requested; nobody is left to hear it
        if after is not None:
            runner.request_after_hangup(after[0], after[1], params)
        return Ended.because(EndReason.HANGUP)
    if after is None:
        return Continue()
    return Fetch(after[0], after[1], params)


@instant
def leave(runner: LegRunner, verb: ET.Element) -> Outcome:
    """Leave the queue from a wait URL document (§3.9)."""
    runner.step("Leave")
    return Left()
