"""The fake REST API, driven by the app's real twilio.rest.Client, in-process (§8.3)."""

from __future__ import annotations

import pytest
from flask import Request, current_app
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client
from twilio.twiml.voice_response import VoiceResponse

from .harness import BASE, Harness, said, steps, twiml, verbs

PATIENT = "+351210000160"


def _client() -> Client:
    client: Client = current_app.config["client"]
    return client


def _callback(request: Request) -> VoiceResponse:
    _client().calls.create(
        to=PATIENT,
        from_="+351808257257",
        url=BASE + "/outbound",
        status_callback=BASE + "/progress",
        status_callback_event=["initiated", "answered", "completed"],
    )
    response = VoiceResponse()
    response.say("We will call your contact now.")
    return response


def _outbound(request: Request) -> VoiceResponse:
    response = VoiceResponse()
    response.gather(num_digits=1, action="/outbound-choice").say("Press 1 to confirm.")
    return response


def _choice(request: Request) -> VoiceResponse:
    response = VoiceResponse()
    response.say(f"Confirmed with {request.form['Digits']}.")
    return response


def test_a_created_call_rings_the_party_and_runs_its_url() -> None:
    harness = Harness(
        {
            "/voice": _callback,
            "/outbound": _outbound,
            "/outbound-choice": _choice,
            "/progress": twiml(lambda r: None),
        },
        dial={PATIENT: "answer:1"},
    )
    result = harness.call()
    assert said(result, PATIENT) == ["Press 1 to confirm.", "Confirmed with 1."]
    outbound = next(seen.form for seen in harness.seen if seen.path == "/outbound")
    assert outbound["Direction"] == "outbound-api"
    assert outbound["To"] == PATIENT
    assert outbound["CallStatus"] == "in-progress"
    progress = [seen.form["CallStatus"] for seen in harness.seen if seen.path == "/progress"]
    assert progress == ["queued", "in-progress", "completed"]


def test_a_created_call_the_party_does_not_answer_ends_no_answer() -> None:
    harness = Harness(
        {"/voice": _callback, "/progress": twiml(lambda r: None)}, dial={PATIENT: "no-answer"}
    )
    harness.call()
    progress = [seen.form["CallStatus"] for seen in harness.seen if seen.path == "/progress"]
    assert progress == ["queued", "no-answer"]


def _hold(response: VoiceResponse) -> None:
    response.say("Hold on.")
    response.pause(length=120)
    response.say("Nobody moved me.")


def _mover(change: dict[str, str]) -> object:
    def handler(request: Request) -> VoiceResponse:
        client = _client()
        caller = client.calls.list(status="in-progress", to="+351808257257")[-1]
        client.calls(caller.sid).update(**change)
        response = VoiceResponse()
        response.say("Done.")
        return response

    return handler


def test_updating_a_call_with_twiml_moves_it_at_once() -> None:
    twiml_text = "<Response><Say>You were moved.</Say></Response>"
    harness = Harness({"/voice": twiml(_hold), "/move": _mover({"twiml": twiml_text})})
    mover = harness.plan(url="/move", after_s=10, from_="+351210000170", label="mover")
    result = harness.call(others=[mover])
    assert said(result) == ["Hold on.", "You were moved."]
    moved = steps(result)[-1]
    assert (moved.at - result.at).total_seconds() == 10


def test_updating_a_call_with_a_url_fetches_it() -> None:
    harness = Harness(
        {
            "/voice": twiml(_hold),
            "/move": _mover({"url": BASE + "/moved"}),
            "/moved": twiml(lambda r: r.say("Moved by URL.")),
        }
    )
    mover = harness.plan(url="/move", after_s=10, from_="+351210000170", label="mover")
    assert said(harness.call(others=[mover])) == ["Hold on.", "Moved by URL."]


def test_completing_a_call_hangs_it_up() -> None:
    harness = Harness({"/voice": twiml(_hold), "/move": _mover({"status": "completed"})})
    mover = harness.plan(url="/move", after_s=10, from_="+351210000170", label="mover")
    result = harness.call(others=[mover])
    assert said(result) == ["Hold on."]
    assert result.end.reason == "hangup"
    assert harness.client.calls(result.call_sid).fetch().status == "completed"


def test_an_sms_is_kept_in_the_transcript() -> None:
    def voice(request: Request) -> VoiceResponse:
        _client().messages.create(
            to=request.form["From"], from_="+351210000999", body="Morada: Rua X"
        )
        response = VoiceResponse()
        response.say("We sent you a text.")
        return response

    harness = Harness({"/voice": voice})
    result = harness.call()
    assert verbs(result) == ["Sms", "Say"]
    sms = steps(result)[0]
    assert sms.fields["to"] == "+351912345678"
    assert sms.fields["body"] == "Morada: Rua X"
    assert [m.body for m in harness.client.messages.list()] == ["Morada: Rua X"]


def test_a_queue_member_is_dequeued_to_a_url() -> None:
    def dequeue(request: Request) -> VoiceResponse:
        client = _client()
        queue = client.queues.list()[0]
        members = client.queues(queue.sid).members.list()
        client.queues(queue.sid).members("Front").update(url=BASE + "/dequeued", method="POST")
        response = VoiceResponse()
        response.say(
            f"{queue.friendly_name} had {len(members)} waiting, first {members[0].position}."
        )
        return response

    harness = Harness(
        {
            "/voice": twiml(lambda r: r.enqueue("lam", wait_url="/music")),
            "/music": twiml(lambda r: r.pause(length=20)),
            "/take": dequeue,
            "/dequeued": twiml(lambda r: r.say("An operator will call you back.")),
        }
    )
    taker = harness.plan(url="/take", after_s=30, from_="+351210000171", label="taker")
    result = harness.call(others=[taker])
    assert said(result, "taker") == ["lam had 1 waiting, first 1."]
    assert steps(result)[-2].fields == {"queue": "lam", "result": "redirected"}
    assert said(result) == ["An operator will call you back."]


def test_the_api_wants_the_account_and_its_token() -> None:
    harness = Harness({"/voice": twiml(lambda r: r.say("Hi."))})
    result = harness.call()
    stranger = Client(harness.sim.account_sid, "wrong-token", http_client=harness.sim.http_client())
    with pytest.raises(TwilioRestException) as refused:
        stranger.calls(result.call_sid).fetch()
    assert (refused.value.status, refused.value.code) == (401, 20003)
    with pytest.raises(TwilioRestException) as missing:
        harness.client.calls("CA" + "0" * 32).fetch()
    assert missing.value.status == 404
    call = harness.client.calls(result.call_sid).fetch()
    assert (call.direction, call.status, call.to) == ("inbound", "completed", "+351808257257")


def test_redirecting_a_finished_call_is_refused() -> None:
    harness = Harness({"/voice": twiml(lambda r: r.say("Hi."))})
    result = harness.call()
    with pytest.raises(TwilioRestException) as refused:
        harness.client.calls(result.call_sid).update(url=BASE + "/voice")
    assert refused.value.code == 21220
