"""Where control goes: Redirect, Hangup, Reject, falling off the end, the step limit (§2)."""

from __future__ import annotations

from twilio.twiml.voice_response import VoiceResponse

from .harness import BASE, Harness, paths, said, steps, twiml, verbs


def test_redirect_is_relative_to_the_current_document() -> None:
    harness = Harness(
        {
            "/voice": twiml(lambda r: r.redirect("/menus/main/start")),
            "/menus/main/start": twiml(lambda r: r.redirect("../help?x=1")),
            "/menus/help": twiml(lambda r: r.say("Help.")),
        }
    )
    result = harness.call()
    assert paths(harness.seen) == ["/voice", "/menus/main/start", "/menus/help?x=1"]
    assert [s.fields["url"] for s in steps(result) if s.verb == "Redirect"] == [
        BASE + "/menus/main/start",
        BASE + "/menus/help?x=1",
    ]


def test_verbs_after_a_redirect_never_run() -> None:
    def voice(response: VoiceResponse) -> None:
        response.redirect("/end")
        response.say("Unreachable.")

    result = Harness({"/voice": twiml(voice), "/end": twiml(lambda r: r.say("End."))}).call()
    assert said(result) == ["End."]


def test_hangup_ends_the_call() -> None:
    def voice(response: VoiceResponse) -> None:
        response.say("Bye.")
        response.hangup()
        response.say("Unreachable.")

    result = Harness({"/voice": twiml(voice)}).call()
    assert verbs(result) == ["Say", "Hangup"]
    assert result.end.reason == "hangup"


def test_running_out_of_twiml_completes_the_call() -> None:
    result = Harness({"/voice": twiml(lambda r: r.say("Only this."))}).call()
    assert result.end.reason == "completed"


def test_reject_as_the_first_verb_never_answers() -> None:
    harness = Harness({"/voice": twiml(lambda r: r.reject(reason="busy"))})
    result = harness.call()
    assert verbs(result) == ["Reject"]
    assert result.end.reason == "rejected"
    assert harness.sim.world.legs[result.call_sid].status == "busy"


def test_reject_after_answering_just_hangs_up() -> None:
    def voice(response: VoiceResponse) -> None:
        response.say("Hello.")
        response.reject()

    result = Harness({"/voice": twiml(voice)}).call()
    assert result.end.reason == "hangup"


def test_a_redirect_loop_stops_at_the_step_limit() -> None:
    result = Harness({"/voice": twiml(lambda r: r.redirect("/voice"))}, max_steps=25).call()
    assert result.end.reason == "step-limit"


def test_the_call_status_callback_reports_completion() -> None:
    harness = Harness({"/voice": twiml(lambda r: r.say("Hi.")), "/status": twiml(lambda r: None)})
    result = harness.call(status_callback="/status")
    callback = harness.seen[-1]
    assert callback.path == "/status"
    assert callback.form["CallStatus"] == "completed"
    assert callback.form["CallSid"] == result.call_sid
    assert [r.kind for r in result.requests] == ["twiml", "callback"]


def test_a_failing_status_callback_is_logged_and_the_call_goes_on() -> None:
    harness = Harness({"/voice": twiml(lambda r: r.say("Hi."))})
    result = harness.call(status_callback="/no-such-callback")
    assert result.end.reason == "completed"
    assert [r.status for r in result.requests] == [200, 404]
    assert any(n.code == 11200 and "status callback" in n.message for n in result.notices)
