"""Dial: scripted parties, whisper legs, statuses, hangupOnStar, falling through (§3.5)."""

from __future__ import annotations

import pytest
from flask import Request
from twilio.twiml.voice_response import VoiceResponse

from .harness import Harness, codes, said, steps, twiml, verbs

OPERATOR = "+351210000101"
BACKUP = "+351210000102"


def _after(request: Request) -> VoiceResponse:
    response = VoiceResponse()
    form = request.form
    response.say(
        f"{form['DialCallStatus']} {form.get('DialCallDuration', '-')} {form['DialBridged']}"
    )
    return response


def _whisper(_: Request) -> VoiceResponse:
    response = VoiceResponse()
    response.gather(num_digits=1, action="/accept").say("A caller from the helpline. Press 1.")
    response.hangup()
    return response


def _accept(request: Request) -> VoiceResponse:
    response = VoiceResponse()
    if request.form.get("Digits") != "1":
        response.hangup()
    return response


def _dial_app(dial: dict[str, str], whisper: bool = False, **attributes: object) -> Harness:
    def voice(response: VoiceResponse) -> None:
        call = response.dial(action="/after", **attributes)
        for number in (OPERATOR, BACKUP):
            call.number(number, url="/whisper" if whisper else None)

    routes = {"/voice": twiml(voice), "/after": _after, "/whisper": _whisper, "/accept": _accept}
    return Harness(routes, dial=dial)


@pytest.mark.parametrize(
    ("operator", "backup", "heard"),
    [
        ("answer:talk=45", "no-answer", "completed 45 true"),
        ("busy", "busy", "busy 0 false"),
        ("failed", "failed", "failed 0 false"),
        ("no-answer", "busy", "no-answer 0 false"),
        ("answer:ring=40", "no-answer", "no-answer 0 false"),  # rings past the timeout
        ("answer:ring=9:talk=10", "answer:ring=3:talk=20", "completed 20 true"),
    ],
)
def test_dial_outcomes_reach_the_action(operator: str, backup: str, heard: str) -> None:
    result = _dial_app({OPERATOR: operator, BACKUP: backup}, timeout=30).call()
    assert said(result) == [heard]


def test_the_first_to_answer_wins_and_the_others_are_cancelled() -> None:
    harness = _dial_app({OPERATOR: "answer:ring=9", BACKUP: "answer:ring=3"})
    result = harness.call()
    dial = steps(result)[0]
    assert dial.fields["numbers"] == [OPERATOR, BACKUP]
    legs = harness.sim.world.legs
    assert legs[str(dial.fields["call_sid"])].to == BACKUP
    assert {legs[sid].to: str(legs[sid].status) for sid in legs if sid != result.call_sid} == {
        OPERATOR: "canceled",
        BACKUP: "completed",
    }


def test_sequential_dialling_tries_one_number_after_the_other() -> None:
    result = _dial_app(
        {OPERATOR: "no-answer", BACKUP: "answer:talk=5"}, timeout=10, sequential=True
    ).call()
    dial = steps(result)[0]
    assert said(result) == ["completed 5 true"]
    assert (dial.at - result.at).total_seconds() == pytest.approx(10 + 5 + 5)


def test_a_whisper_runs_on_the_child_leg_and_accepts() -> None:
    harness = _dial_app({OPERATOR: "answer:1:talk=30", BACKUP: "busy"}, whisper=True)
    result = harness.call()
    assert said(result) == ["completed 30 true"]
    assert said(result, OPERATOR) == ["A caller from the helpline. Press 1."]
    dial = steps(result)[-2].to_json()
    assert set(dial) == {"verb", "numbers", "conference", "queue", "status", "leg", "at"}
    assert (dial["numbers"], dial["conference"], dial["queue"]) == ([OPERATOR, BACKUP], None, None)
    whisper = next(seen for seen in harness.seen if seen.path == "/whisper")
    assert whisper.form["Direction"] == "outbound-dial"
    assert whisper.form["ParentCallSid"] == result.call_sid
    assert whisper.form["From"] == "+351912345678"
    assert whisper.form["To"] == OPERATOR


@pytest.mark.parametrize("operator", ["decline", "answer:2", "answer"])
def test_a_whisper_that_hangs_up_declines(operator: str) -> None:
    result = _dial_app({OPERATOR: operator, BACKUP: "busy"}, whisper=True).call()
    assert said(result) == ["completed 0 false"]


def test_without_an_action_the_call_falls_through() -> None:
    def voice(response: VoiceResponse) -> None:
        response.dial(OPERATOR)
        response.say("After the dial.")

    harness = Harness({"/voice": twiml(voice)}, dial={OPERATOR: "busy"})
    result = harness.call()
    assert verbs(result) == ["Dial", "Say"]
    assert steps(result)[0].fields["status"] == "busy"
    assert len(harness.seen) == 1


@pytest.mark.parametrize(
    ("outcome", "heard"),
    [
        ("answer:talk=100:star=25", "completed 20 true"),  # answered at 5 s, * at 25 s
        ("answer:ring=20:star=8", "canceled 0 false"),  # * before anyone answered
    ],
)
def test_hangup_on_star_ends_the_dial_and_the_caller_goes_on(outcome: str, heard: str) -> None:
    def voice(response: VoiceResponse) -> None:
        response.dial(OPERATOR, action="/after", hangup_on_star=True)

    result = Harness({"/voice": twiml(voice), "/after": _after}, dial={OPERATOR: outcome}).call()
    assert said(result) == [heard]


def test_star_does_nothing_without_hangup_on_star() -> None:
    def voice(response: VoiceResponse) -> None:
        response.dial(OPERATOR, action="/after")

    result = Harness(
        {"/voice": twiml(voice), "/after": _after}, dial={OPERATOR: "answer:talk=30:star=10"}
    ).call()
    assert said(result) == ["completed 30 true"]


def test_successive_dials_of_one_number_follow_its_script() -> None:
    def voice(response: VoiceResponse) -> None:
        response.dial(OPERATOR, action="/after", timeout=10)

    def after(request: Request) -> VoiceResponse:
        response = _after(request)
        if request.form["DialCallStatus"] != "completed":
            response.redirect("/voice")
        return response

    result = Harness(
        {"/voice": twiml(voice), "/after": after}, dial={OPERATOR: "no-answer,busy,answer:talk=3"}
    ).call()
    assert said(result) == ["no-answer 0 false", "busy 0 false", "completed 3 true"]


def test_number_status_callbacks_follow_the_child_leg() -> None:
    def voice(response: VoiceResponse) -> None:
        response.dial().number(
            OPERATOR,
            status_callback="/progress",
            status_callback_event="initiated ringing answered completed",
        )

    harness = Harness(
        {"/voice": twiml(voice), "/progress": twiml(lambda r: None)},
        dial={OPERATOR: "answer:talk=8"},
    )
    harness.call()
    events = [seen.form for seen in harness.seen if seen.path == "/progress"]
    assert [form["CallStatus"] for form in events] == [
        "queued",
        "ringing",
        "in-progress",
        "completed",
    ]
    assert [form["SequenceNumber"] for form in events] == ["0", "1", "2", "3"]
    assert events[-1]["CallDuration"] == "8"


def test_a_dial_inside_a_whisper_is_13201() -> None:
    harness = Harness(
        {
            "/voice": twiml(lambda r: r.dial().number(OPERATOR, url="/whisper")),
            "/whisper": twiml(lambda r: r.dial(BACKUP)),
        },
        dial={OPERATOR: "answer:talk=2"},
    )
    result = harness.call()
    assert 13201 in codes(result)
    assert steps(result)[-1].fields["status"] == "completed"


def test_a_python_list_in_an_attribute_is_flagged() -> None:
    def voice(response: VoiceResponse) -> None:
        response.dial().number(OPERATOR, status_callback="/p", status_callback_event=["answered"])

    harness = Harness(
        {"/voice": twiml(voice), "/p": twiml(lambda r: None)}, dial={OPERATOR: "answer:talk=1"}
    )
    result = harness.call()
    assert any("Python list" in notice.message for notice in result.notices)


def test_sequential_dialling_creates_only_the_legs_it_rings() -> None:
    harness = _dial_app({OPERATOR: "answer:talk=5", BACKUP: "answer"}, sequential=True)
    harness.call()
    assert [leg.to for leg in harness.sim.world.legs.values()][1:] == [OPERATOR]
