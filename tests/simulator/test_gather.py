"""Gather and Record: what the caller does, and where the call goes next (§3.4, §3.13)."""

from __future__ import annotations

import pytest
from flask import Request
from twilio.twiml.voice_response import VoiceResponse

from .harness import BASE, Harness, codes, paths, said, steps, twiml


def _echo(request: Request) -> VoiceResponse:
    response = VoiceResponse()
    heard = {
        k: v for k, v in request.form.items() if k in {"Digits", "SpeechResult", "FinishedOnKey"}
    }
    response.say(" ".join(f"{k}={v}" for k, v in sorted(heard.items())) or "nothing")
    return response


def _gather(**attributes: object) -> Harness:
    def menu(response: VoiceResponse) -> None:
        response.gather(action="/heard", **attributes).say("Choose.")
        response.say("Fell through.")

    return Harness({"/voice": twiml(menu), "/heard": _echo})


@pytest.mark.parametrize(
    ("attributes", "pressed", "heard"),
    [
        ({}, "1150#", "Digits=1150 FinishedOnKey=#"),
        ({}, "1150", "Digits=1150 FinishedOnKey="),  # the timeout submits what was typed
        ({"num_digits": 1}, "2", "Digits=2 FinishedOnKey="),
        ({"num_digits": 2}, "123", "Digits=12 FinishedOnKey="),
        ({"finish_on_key": "*"}, "12*", "Digits=12 FinishedOnKey=*"),
        ({"finish_on_key": ""}, "12#", "Digits=12# FinishedOnKey="),
        ({}, "#", "Fell through."),  # finishOnKey alone is no input
        ({}, "", "Fell through."),
        ({"action_on_empty_result": True}, "", "nothing"),
        ({"input": "speech"}, "5", "Fell through."),  # keys are not heard by a speech Gather
    ],
)
def test_gather_hears_keys_as_twilio_does(
    attributes: dict[str, object], pressed: str, heard: str
) -> None:
    result = _gather(**attributes).call(pressed)
    assert said(result)[-1] == heard


def test_speech_is_heard_with_a_confidence() -> None:
    harness = _gather(input="dtmf speech", language="pt-PT")
    result = harness.call("say:quero falar com alguém")
    assert said(result)[-1] == "SpeechResult=quero falar com alguém"
    assert float(harness.seen[-1].form["Confidence"]) > 0.5
    gather = steps(result)[1]
    assert gather.fields == {
        "digits": None,
        "speech": "quero falar com alguém",
        "action": BASE + "/heard",
    }


def test_silence_falls_through_and_the_step_says_so() -> None:
    result = _gather().call("")
    gather = steps(result)[1]
    assert gather.fields == {"digits": None, "speech": None, "action": None}
    assert said(result) == ["Choose.", "Fell through."]


def test_the_default_action_is_the_current_document_url() -> None:
    def menu(request: Request) -> VoiceResponse:
        response = VoiceResponse()
        if "Digits" in request.form:
            response.say(f"You pressed {request.form['Digits']} on {request.args['page']}.")
            return response
        response.gather(num_digits=1).say("Choose.")
        return response

    harness = Harness({"/voice": twiml(lambda r: r.redirect("/menu?page=2")), "/menu": menu})
    result = harness.call("3")
    assert paths(harness.seen) == ["/voice", "/menu?page=2", "/menu?page=2"]
    assert said(result)[-1] == "You pressed 3 on 2."


def test_the_timeout_starts_after_the_prompts() -> None:
    result = _gather(timeout=7).call("")
    say, gather, fell = steps(result)
    assert (fell.at - say.at).total_seconds() == pytest.approx(7 + 0.4, abs=0.5)


def test_an_invalid_finish_on_key_is_13310_and_the_default_applies() -> None:
    xml = '<Response><Gather finishOnKey="ab" action="/heard"/></Response>'
    harness = Harness({"/voice": lambda _: xml, "/heard": _echo})
    result = harness.call("12#")
    assert 13310 in codes(result)
    assert said(result) == ["Digits=12 FinishedOnKey=#"]


def test_inputs_that_run_out_are_silence() -> None:
    result = _gather(num_digits=1).call()
    assert said(result) == ["Choose.", "Fell through."]


def _record(**attributes: object) -> Harness:
    def voice(response: VoiceResponse) -> None:
        response.say("Leave a message after the beep.")
        response.record(action="/saved", **attributes)
        response.say("No message recorded.")

    def saved(request: Request) -> VoiceResponse:
        response = VoiceResponse()
        response.say(f"Saved {request.form['RecordingDuration']} seconds.")
        return response

    return Harness({"/voice": twiml(voice), "/saved": saved})


def test_an_empty_recording_falls_through_without_a_request() -> None:
    harness = _record()
    result = harness.call("")
    assert said(result)[-1] == "No message recorded."
    assert paths(harness.seen) == ["/voice"]
    assert steps(result)[1].fields == {"recording_url": None}


def test_a_recording_requests_the_action_with_a_url_the_simulator_serves() -> None:
    harness = _record(max_length=30)
    result = harness.call("record:12:#")
    assert said(result)[-1] == "Saved 12 seconds."
    form = harness.seen[-1].form
    assert form["Digits"] == "#"
    assert form["RecordingSid"].startswith("RE")
    assert form["RecordingUrl"] == steps(result)[1].fields["recording_url"]
    recording = harness.client.recordings(form["RecordingSid"]).fetch()
    assert recording.duration == "12"
    assert recording.call_sid == result.call_sid


def test_max_length_caps_a_recording() -> None:
    result = _record(max_length=5).call("record:60")
    assert said(result)[-1] == "Saved 5 seconds."


def test_the_recording_status_callback_is_sent() -> None:
    def voice(response: VoiceResponse) -> None:
        response.record(action="/saved", recording_status_callback="/recorded")

    harness = Harness(
        {
            "/voice": twiml(voice),
            "/saved": twiml(lambda r: r.hangup()),
            "/recorded": twiml(lambda r: None),
        }
    )
    harness.call("say:Preciso de ajuda com a minha autorização de residência.")
    callback = next(seen for seen in harness.seen if seen.path == "/recorded")
    assert callback.form["RecordingStatus"] == "completed"
    assert int(callback.form["RecordingDuration"]) > 0
