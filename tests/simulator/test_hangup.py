"""The caller hanging up: at a prompt, while a Dial rings or talks, in a queue, after a Record.

Twilio still requests the action of a Dial, Enqueue or Record the hangup interrupted, with
``CallStatus=completed``; what the action answers is never run (§3.5, §3.7, §3.13). A hangup
at a Gather or a prompt requests nothing (§3.4).
"""

from __future__ import annotations

import pytest
from flask import Request
from twilio.twiml.voice_response import VoiceResponse

from .harness import Harness, said, steps, twiml, verbs

OPERATOR = "+351210000101"


def _said_after(request: Request) -> VoiceResponse:
    """An action whose words must never be heard when the caller has gone."""
    response = VoiceResponse()
    response.say("Nobody should hear this.")
    return response


def _dialling(response: VoiceResponse) -> None:
    response.say("Putting you through.")
    response.dial(action="/after", timeout=30).number(OPERATOR, status_callback="/child",
                                                     status_callback_event="completed")


ROUTES = {"/voice": twiml(_dialling), "/after": _said_after, "/child": twiml(lambda r: None)}


def _form(harness: Harness, path: str) -> dict[str, str]:
    forms = [seen.form for seen in harness.seen if seen.path == path]
    assert len(forms) == 1, f"{path} was requested {len(forms)} times"
    return forms[0]


def test_hanging_up_while_the_dialled_phone_rings_cancels_it_and_still_asks_the_action() -> None:
    harness = Harness(ROUTES, dial={OPERATOR: "answer:ring=20"})
    result = harness.call(hangup_after_s=10)
    assert result.end.reason == "hangup"
    assert verbs(result) == ["Say", "Dial"]
    assert "Nobody should hear this." not in said(result)
    dial = steps(result)[-1]
    assert (dial.fields["status"], dial.fields["duration"]) == ("canceled", 0)
    after = _form(harness, "/after")
    assert (after["CallStatus"], after["DialCallStatus"], after["DialBridged"]) == (
        "completed", "canceled", "false")
    child = _form(harness, "/child")
    assert (child["CallStatus"], child["CallSid"]) == ("canceled", after["DialCallSid"])
    assert (dial.at - result.at).total_seconds() == pytest.approx(10, abs=0.01)


def test_hanging_up_mid_conversation_reports_the_time_talked() -> None:
    harness = Harness(ROUTES, dial={OPERATOR: "answer:ring=4:talk=300"})
    result = harness.call(hangup_after_s=60)
    assert verbs(result) == ["Say", "Dial"]
    after = _form(harness, "/after")
    assert (after["CallStatus"], after["DialCallStatus"], after["DialBridged"]) == (
        "completed", "completed", "true")
    operator = harness.sim.world.legs[after["DialCallSid"]]
    assert operator.answered_at is not None
    assert operator.answered_at > 4
    assert int(after["DialCallDuration"]) == round(60 - operator.answered_at)
    assert steps(result)[-1].fields["duration"] == int(after["DialCallDuration"])
    assert _form(harness, "/child")["CallStatus"] == "completed"


def test_hanging_up_in_a_queue_asks_the_action_with_queue_result_hangup() -> None:
    def voice(response: VoiceResponse) -> None:
        response.enqueue("support", action="/queue-done", wait_url="/hold")

    sizes: list[int] = []

    def queue_done(request: Request) -> VoiceResponse:
        client = harness.client
        queue = next(q for q in client.queues.list() if q.friendly_name == "support")
        sizes.append(int(queue.current_size or 0))
        return _said_after(request)

    routes = {
        "/voice": twiml(voice),
        "/hold": twiml(lambda r: (r.say("Please hold."), r.pause(length=20))),
        "/queue-done": queue_done,
    }
    harness = Harness(routes)
    result = harness.call(hangup_after_s=95)
    assert result.end.reason == "hangup"
    assert [s.fields["result"] for s in steps(result) if s.verb == "Enqueue"] == ["hangup"]
    done = _form(harness, "/queue-done")
    assert (done["CallStatus"], done["QueueResult"]) == ("completed", "hangup")
    assert 93 <= int(done["QueueTime"]) <= 95
    assert sizes == [0]  # the caller has left the line before the action is asked
    assert "Nobody should hear this." not in said(result)


def test_a_recording_ended_by_hanging_up_is_still_sent_to_the_action() -> None:
    def voice(response: VoiceResponse) -> None:
        response.say("Leave a message after the tone.")
        response.record(action="/saved", max_length=120)
        response.say("Not heard: Record never falls through with a recording.")

    harness = Harness({"/voice": twiml(voice), "/saved": _said_after})
    result = harness.call("record:25:hangup")
    assert result.end.reason == "hangup"
    record = steps(result)[-1]
    assert record.verb == "Record"
    assert record.fields["hangup"] is True
    saved = _form(harness, "/saved")
    assert (saved["CallStatus"], saved["Digits"], saved["RecordingDuration"]) == (
        "completed", "hangup", "25")
    assert saved["RecordingUrl"] == record.fields["recording_url"]
    assert said(result) == ["Leave a message after the tone."]


def test_hanging_up_before_saying_anything_to_a_record_asks_nothing() -> None:
    def voice(response: VoiceResponse) -> None:
        response.record(action="/saved")

    harness = Harness({"/voice": twiml(voice), "/saved": _said_after})
    result = harness.call("record:0:hangup")
    assert result.end.reason == "hangup"
    assert [seen.path for seen in harness.seen] == ["/voice"]


def test_hanging_up_during_a_prompt_or_a_gather_asks_nothing() -> None:
    def voice(response: VoiceResponse) -> None:
        response.gather(num_digits=1, action="/chosen", timeout=10).say(
            "Welcome. " + "Please listen carefully to the following options. " * 5)
        response.redirect("/voice")

    harness = Harness({"/voice": twiml(voice), "/chosen": _said_after})
    result = harness.call(hangup_after_s=7)
    assert result.end.reason == "hangup"
    assert [seen.path for seen in harness.seen] == ["/voice"]
    ended = harness.sim.world.legs[result.call_sid].ended_at
    assert ended == pytest.approx(7)


def test_a_hangup_due_after_the_call_has_ended_changes_nothing() -> None:
    harness = Harness({"/voice": twiml(lambda r: r.say("Goodbye."))})
    result = harness.call(hangup_after_s=3600)
    assert result.end.reason == "completed"
    assert harness.sim.world.kernel.now < 10  # the pending hangup did not hold the clock


def test_hung_up_is_the_interrupt_the_rest_api_uses_too() -> None:
    """A REST completion and a caller's hangup are the same to a running Dial."""
    def end_call(request: Request) -> VoiceResponse:
        caller = harness.sim.placed[0].leg
        assert caller is not None
        harness.client.calls(caller.sid).update(status="completed")
        return VoiceResponse()

    routes = {**ROUTES, "/end": end_call}
    harness = Harness(routes, dial={OPERATOR: "answer:ring=20"})
    supervisor = harness.plan(url="/end", after_s=8, from_="+351210000199", label="supervisor")
    result = harness.call(others=[supervisor])
    assert result.end.reason == "hangup"
    assert _form(harness, "/after")["DialCallStatus"] == "canceled"


def test_an_agent_hanging_up_before_the_queue_bridge_still_asks_its_dial_action() -> None:
    def caller(response: VoiceResponse) -> None:
        response.enqueue("support", action="/queue-done", wait_url="/hold")

    def agent(response: VoiceResponse) -> None:
        response.dial(action="/agent-done", timeout=20).queue("support", url="/connecting")

    routes = {
        "/voice": twiml(caller),
        "/hold": twiml(lambda r: r.pause(length=30)),
        "/connecting": twiml(lambda r: (r.say("Connecting you."), r.pause(length=20))),
        "/queue-done": twiml(lambda r: r.say("Thank you for waiting.")),
        "/agent": twiml(agent),
        "/agent-done": _said_after,
    }
    harness = Harness(routes)
    agent_plan = harness.plan(url="/agent", after_s=10, from_="+351210000050", label="agent",
                              hangup_after_s=5)
    result = harness.call(others=[agent_plan])
    done = _form(harness, "/agent-done")
    assert (done["CallStatus"], done["DialCallStatus"], done["DialBridged"]) == (
        "completed", "completed", "false")
    assert done["DialCallSid"] == result.call_sid
    assert said(result, "agent") == []
    dial = steps(result, "agent")[-1]
    assert (dial.verb, dial.fields["status"], dial.fields["duration"]) == ("Dial", "completed", 0)
    assert said(result)[0] == "Connecting you."  # the caller heard the url, then moved on
    assert result.end.reason == "completed"
