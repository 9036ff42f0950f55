"""Enqueue, Leave and <Dial><Queue>: shared FIFO queues across simulated calls (§3.7-§3.9)."""

from __future__ import annotations

from flask import Request
from twilio.twiml.voice_response import VoiceResponse

from .harness import Harness, said, steps, twiml


def _caller(response: VoiceResponse) -> None:
    response.say("Please hold.")
    response.enqueue("support", action="/queue-done", wait_url="/hold")
    response.say("Never reached: the action takes over.")


def _hold(request: Request) -> VoiceResponse:
    response = VoiceResponse()
    gather = response.gather(num_digits=1, action="/hold-choice", timeout=1)
    gather.say(f"You are number {request.form['QueuePosition']}. Press 9 to leave.")
    response.pause(length=10)
    return response


def _hold_choice(request: Request) -> VoiceResponse:
    response = VoiceResponse()
    if request.form.get("Digits") == "9":
        response.leave()
    return response


def _queue_done(request: Request) -> VoiceResponse:
    response = VoiceResponse()
    response.say(f"Queue result {request.form['QueueResult']}.")
    return response


def _agent(response: VoiceResponse) -> None:
    response.dial(action="/agent-done", timeout=20).queue("support", url="/connecting")


def _agent_done(request: Request) -> VoiceResponse:
    response = VoiceResponse()
    response.say(f"Agent dial {request.form['DialCallStatus']}.")
    return response


ROUTES = {
    "/voice": twiml(_caller),
    "/hold": _hold,
    "/hold-choice": _hold_choice,
    "/queue-done": _queue_done,
    "/agent": twiml(_agent),
    "/agent-done": _agent_done,
    "/connecting": twiml(lambda r: r.say("Connecting you to an agent.")),
}


def test_agents_take_callers_in_fifo_order_with_position_parameters() -> None:
    harness = Harness(ROUTES)
    second = harness.plan(after_s=5, from_="+351210000002", label="second caller", talk=40)
    agent_one = harness.plan(
        url="/agent", after_s=60, from_="+351210000050", label="agent 1", talk=30
    )
    agent_two = harness.plan(
        url="/agent", after_s=65, from_="+351210000051", label="agent 2", talk=90
    )
    result = harness.call(others=[second, agent_one, agent_two])

    first_dial = steps(result, "agent 1")[0]
    second_dial = steps(result, "agent 2")[0]
    legs = {leg.label: leg.sid for leg in harness.sim.world.legs.values()}
    assert first_dial.fields["call_sid"] == result.call_sid
    assert second_dial.fields["call_sid"] == legs["second caller"]
    assert first_dial.fields["queue"] == "support"
    assert first_dial.fields["duration"] == 30

    holds = [seen.form for seen in harness.seen if seen.path == "/hold"]
    first_positions = [f["QueuePosition"] for f in holds if f["CallSid"] == result.call_sid]
    second_positions = [f["QueuePosition"] for f in holds if f["CallSid"] == legs["second caller"]]
    assert first_positions[0] == "1"
    assert second_positions[0] == "2"
    assert all(f["QueueSid"].startswith("QU") and f["MaxQueueSize"] == "100" for f in holds)

    # agent 1 hangs up after 30 s: the first caller goes on to the Enqueue action
    assert said(result)[-2:] == ["Connecting you to an agent.", "Queue result bridged."]
    done = next(seen.form for seen in harness.seen if seen.path == "/queue-done")
    assert int(done["QueueTime"]) >= 60
    assert said(result, "agent 1") == []
    # the second caller hangs up after 40 s: agent 2's Dial goes on to its action
    assert steps(result, "second caller")[-1].fields == {"queue": "support", "result": "hangup"}
    assert said(result, "agent 2") == ["Agent dial completed."]
    assert second_dial.fields["duration"] == 40


def test_leave_takes_the_caller_out_of_the_queue() -> None:
    harness = Harness(ROUTES)
    result = harness.call("9")
    enqueue = next(step for step in steps(result) if step.verb == "Enqueue")
    assert enqueue.fields == {"queue": "support", "result": "leave"}
    assert said(result)[-1] == "Queue result leave."
    assert harness.sim.world.queues.named("support").members == []


def test_a_full_queue_answers_at_once() -> None:
    def small(response: VoiceResponse) -> None:
        response.enqueue("tiny", action="/queue-done", max_queue_size=1)

    harness = Harness({**ROUTES, "/voice": twiml(small)})
    waiting = harness.plan(from_="+351210000003", label="waiting", talk=10)
    result = harness.call(others=[waiting])
    enqueue = [s for s in result.steps if s.verb == "Enqueue"]
    assert [s.fields["result"] for s in enqueue][0] == "queue-full"


def test_an_agent_on_an_empty_queue_waits_its_timeout() -> None:
    harness = Harness(ROUTES)
    result = harness.call(url="/agent")
    dial = steps(result)[0]
    assert dial.fields["status"] == "no-answer"
    assert dial.fields["queue"] == "support"
    assert (dial.at - result.at).total_seconds() == 20


def test_a_silent_queue_ends_when_the_caller_gives_up() -> None:
    harness = Harness({"/voice": twiml(lambda r: r.enqueue("nobody"))})
    result = harness.call()
    assert result.end.reason == "hangup"
    assert steps(result)[-1].fields == {"queue": "nobody", "result": "hangup"}


def test_many_legs_replay_exactly_with_the_same_seed() -> None:
    def run() -> dict[str, object]:
        harness = Harness(ROUTES, seed=5)
        others = [
            harness.plan(after_s=5, from_="+351210000002", label="second caller", talk=40),
            harness.plan(url="/agent", after_s=60, from_="+351210000050", label="agent 1", talk=30),
            harness.plan(url="/agent", after_s=60, from_="+351210000051", label="agent 2", talk=90),
        ]
        return harness.call("", "9", others=others).to_json()

    assert run() == run()
