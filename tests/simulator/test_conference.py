"""Conferences: rooms shared by legs, status callbacks, the REST participants API (§3.6)."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

from flask import Request, current_app
from twilio.rest import Client
from twilio.twiml.voice_response import VoiceResponse

from .harness import Harness, said, steps, twiml, verbs

INTERPRETER = "+351210000150"


def _client() -> Client:
    client: Client = current_app.config["client"]
    return client


def _caller(request: Request) -> VoiceResponse:
    """Put the caller in a room and ring an interpreter into it through the REST API."""
    _client().conferences("room-1").participants.create(
        from_="+351808257257", to=INTERPRETER, end_conference_on_exit=True, label="interpreter"
    )
    response = VoiceResponse()
    response.dial(action="/after").conference(
        "room-1",
        status_callback="/events",
        status_callback_event="start end join leave mute",
        wait_url="/wait",
    )
    return response


def _after(request: Request) -> VoiceResponse:
    response = VoiceResponse()
    response.say(f"Conference over: {request.form['DialCallStatus']}.")
    return response


ROUTES = {
    "/voice": _caller,
    "/after": _after,
    "/wait": twiml(lambda r: (r.say("Please wait for the interpreter."), r.pause(length=5))),
    "/events": twiml(lambda r: None),
}


def _events(harness: Harness) -> list[dict[str, str]]:
    return [seen.form for seen in harness.seen if seen.path == "/events"]


def test_a_conference_starts_with_two_and_ends_when_its_ender_leaves() -> None:
    harness = Harness(ROUTES, dial={INTERPRETER: "answer:ring=12:talk=120"})
    result = harness.call()
    events = _events(harness)
    assert [e["StatusCallbackEvent"] for e in events] == [
        "participant-join",
        "participant-join",
        "conference-start",
        "participant-leave",
        "participant-leave",
        "conference-end",
    ]
    assert [e["SequenceNumber"] for e in events] == ["1", "2", "3", "4", "5", "6"]
    assert {e["FriendlyName"] for e in events} == {"room-1"}
    assert events[0]["CallSid"] == result.call_sid
    assert events[-1]["ReasonConferenceEnded"] == "participant-with-end-conference-on-exit-left"
    assert events[1]["EndConferenceOnExit"] == "true"
    dial = steps(result)[-2]
    assert dial.fields["conference"] == "room-1"
    assert dial.fields["status"] == "answered"
    assert dial.fields["call_sid"] is None
    assert said(result)[-1] == "Conference over: answered."
    assert "Please wait for the interpreter." in said(result)
    assert (dial.at - result.at).total_seconds() == 132


def test_the_wait_music_stops_when_the_conference_starts() -> None:
    harness = Harness(ROUTES, dial={INTERPRETER: "answer:ring=12:talk=120"})
    result = harness.call()
    start = next(e for e in _events(harness) if e["StatusCallbackEvent"] == "conference-start")
    started = (parsedate_to_datetime(start["Timestamp"]) - result.at).total_seconds()
    assert 12 <= started < 14  # when the interpreter answered
    waits = [(s.at - result.at).total_seconds() for s in steps(result)
             if s.verb in {"Say", "Pause"} and s.fields.get("text") != "Conference over: answered."]
    assert waits  # the caller heard the wait URL while alone
    assert max(waits) < started
    assert sum(1 for seen in harness.seen if seen.path == "/wait") <= 3


def _supervise(request: Request) -> VoiceResponse:
    """Mute the interpreter and take the caller out of the room."""
    client = _client()
    room = client.conferences.list(friendly_name="room-1", status="in-progress")[0]
    members = {p.label: p for p in client.conferences(room.sid).participants.list()}
    client.conferences(room.sid).participants(members["interpreter"].call_sid).update(muted=True)
    caller = next(p for label, p in members.items() if label != "interpreter")
    client.conferences(room.sid).participants(caller.call_sid).delete()
    response = VoiceResponse()
    response.say(f"{len(members)} participants.")
    return response


def test_participants_are_changed_and_removed_through_the_rest_api() -> None:
    harness = Harness(
        {**ROUTES, "/supervise": _supervise}, dial={INTERPRETER: "answer:ring=2:talk=600"}
    )
    supervisor = harness.plan(
        url="/supervise", after_s=40, from_="+351210000199", label="supervisor"
    )
    result = harness.call(others=[supervisor])
    assert said(result, "supervisor") == ["2 participants."]
    kinds = [e["StatusCallbackEvent"] for e in _events(harness)]
    assert kinds[3:5] == ["participant-mute", "participant-leave"]
    assert said(result)[-1] == "Conference over: answered."
    dial = steps(result)[-2]
    assert (dial.at - result.at).total_seconds() == 40


def _hang_up_interpreter(request: Request) -> VoiceResponse:
    client = _client()
    interpreter = client.calls.list(to=INTERPRETER, status="in-progress")[0]
    client.calls(interpreter.sid).update(status="completed")
    response = VoiceResponse()
    response.say("Interpreter released.")
    return response


def test_hanging_up_a_participant_through_the_rest_api_ends_its_conference() -> None:
    routes = {**ROUTES, "/release": _hang_up_interpreter}
    harness = Harness(routes, dial={INTERPRETER: "answer:ring=2:talk=600"})
    supervisor = harness.plan(url="/release", after_s=50, from_="+351210000199", label="supervisor")
    result = harness.call(others=[supervisor])
    assert said(result, "supervisor") == ["Interpreter released."]
    assert said(result)[-1] == "Conference over: answered."
    interpreter = next(leg for leg in harness.sim.world.legs.values() if leg.to == INTERPRETER)
    assert str(interpreter.status) == "completed"
    assert interpreter.duration(interpreter.ended_at or 0) == 48


def test_a_caller_alone_in_a_room_hangs_up_when_nothing_else_can_happen() -> None:
    def voice(response: VoiceResponse) -> None:
        response.say("Joining.")
        response.dial(action="/after").conference("empty-room", wait_url="")

    harness = Harness({"/voice": twiml(voice), "/after": _after})
    result = harness.call()
    assert result.end.reason == "hangup"
    assert verbs(result) == ["Say", "Dial"]  # the action's Say never plays: nobody is there
    assert steps(result)[-1].fields["conference"] == "empty-room"
    assert (result.steps[-1].at - result.at).total_seconds() < 2
    assert harness.sim.world.conferences.find("empty-room").status == "completed"
    after = harness.seen[-1]
    assert after.path == "/after"
    assert (after.form["CallStatus"], after.form["DialCallStatus"]) == ("completed", "answered")
