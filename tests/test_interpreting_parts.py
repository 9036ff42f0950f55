"""The STT's parts: the request in the state, the node's checks, its TwiML, its webhooks, and
engine steps that need no simulation."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from support import ROOT, edit_admin_file, lisbon, signed_post, twiml

from ivr.engine import CallState, Event, EventKind, Hangup, step
from ivr.engine.actions import Conference, Endpoint, Gather, Target
from ivr.engine.interpreting.booking import booked_moment
from ivr.engine.interpreting.request import Request
from ivr.engine.machine import Turn
from ivr.errors import MenuError, Severity
from ivr.menu import Menu, load_menu
from ivr.menu.checks import edges
from ivr.prompts import Prompt
from ivr.twiml import render

MENU = load_menu(ROOT / "menus")
OPEN = lisbon("2026-12-09T15:30")


# -- the request in the state -------------------------------------------------------------


def test_a_request_travels_whole_and_within_the_state_limit() -> None:
    booking = Request(account="12345678", code="870", gender="f", when="04121859",
                      number="+351912345678901")  # the longest: a booking's number read back
    encoded = booking.encode()
    assert len(encoded) <= 48
    assert Request.decode(encoded) == booking
    assert CallState.from_query({"n": "stt", "r": encoded}, "x").ref == encoded
    keyed = Request(account="123456789012").encode()  # before the access code is checked
    assert Request.decode(CallState.from_query({"n": "stt", "r": keyed}, "x").ref).account == (
        "123456789012")


@pytest.mark.parametrize(("ref", "expected"), [
    ("654321", Request(job="654321")),  # what `ivr worker` sends
    ("", Request()),
    ("l870.zfoo.g..aBAD!", Request(code="870")),
    ("c870871872", Request(choices="870871872")),
])
def test_decoding_keeps_what_is_well_formed(ref: str, expected: Request) -> None:
    assert Request.decode(ref) == expected


def test_candidates_come_in_threes() -> None:
    assert Request(choices="280284").choice_codes() == ["280", "284"]


# -- the node in flow.yaml ------------------------------------------------------------------


def edit_flow(folder: Path, old: str, new: str) -> None:
    """Replace one exact piece of text in flow.yaml."""
    edit_admin_file(folder, "flow.yaml", old, new)


@pytest.mark.parametrize(("old", "new", "path", "message"), [
    ("    desk: stt_desk ", "    desk: goodbye ", "nodes.stt.desk",
     "'goodbye' is a hangup node, not a transfer node"),
    ("    callback: stt_callback ", "    callback: voicemail ", "nodes.stt.callback",
     "'voicemail' is a voicemail node, not a callback node"),
    ("    entry: stt ", "    entry: sttt ", "nodes.stt.entry", "unknown directory entry 'sttt'"),
    ("    entry: stt ", "    entry: cnaim_algarve ", "nodes.stt.entry",
     "directory entry 'cnaim_algarve' has no phone number to call from"),
    ("    on_closed: stt_closed\n    on_fail: goodbye\n",
     "    on_closed: stt_clsed\n    on_fail: goodbye\n", "nodes.stt.on_closed",
     "unknown target 'stt_clsed'"),
    ("    identify: true ", "    identify: maybe ", "nodes.stt.identify",
     "Input should be a valid boolean"),
])
def test_a_bad_interpreting_node_is_located(menus: Path, old: str, new: str, path: str,
                                             message: str) -> None:
    edit_flow(menus, old, new)
    with pytest.raises(MenuError) as caught:
        load_menu(menus)
    errors = [p for p in caught.value.problems if p.severity is Severity.ERROR]
    assert [p.path for p in errors] == [path]
    assert message in errors[0].message
    assert errors[0].file.endswith("flow.yaml")


def test_the_shipped_node_and_its_ways_out() -> None:
    node = MENU.node("stt")
    assert node.kind == "interpreting"
    assert getattr(node, "identify", None) is True
    assert MENU.flow.bookings is not None
    assert MENU.flow.bookings.node == "stt"
    out = {(e.target, e.silent, e.is_failure) for e in edges(MENU.flow, "stt", node)}
    assert out == {("stt_closed", True, False), ("stt_desk", False, False),
                   ("stt_callback", False, False), ("goodbye", False, False),
                   ("goodbye", True, True)}


# -- TwiML ----------------------------------------------------------------------------------


def url_for(target: Target) -> str:
    """Write a target as its path and phase, for reading in asserts."""
    return f"/voice/{target.endpoint.value}?p={target.state.phase}"


def test_a_conference_dial_has_its_music_callbacks_and_end() -> None:
    state = CallState("stt", "en", phase="room")
    room = Conference("stt-CA1", Target(Endpoint.DIAL, state), Target(Endpoint.WAIT, state),
                      Target(Endpoint.CONFERENCE, state), end_on_exit=True)
    root = ET.fromstring(render([room], lambda s: s, url_for, lambda p: "music"))  # type: ignore
    dial = root.find("./Dial")
    assert dial is not None
    assert dial.get("action") == "/voice/dial?p=room"
    conference = root.find("./Dial/Conference")
    assert conference is not None
    assert conference.text == "stt-CA1"
    assert conference.attrib == {
        "beep": "false", "endConferenceOnExit": "true", "startConferenceOnEnter": "true",
        "waitUrl": "/voice/wait?p=room", "waitMethod": "POST",
        "statusCallback": "/voice/conference?p=room", "statusCallbackMethod": "POST",
        "statusCallbackEvent": "start end join leave"}


def test_a_gather_listening_for_speech_names_its_language() -> None:
    target = Target(Endpoint.INPUT, CallState("stt", "pt_PT", phase="language"))
    root = ET.fromstring(render([Gather((), target, 10, 3, "", "pt-PT")],
                                lambda s: s, url_for, lambda p: ""))  # type: ignore
    gather = root.find("./Gather")
    assert gather is not None
    assert (gather.get("input"), gather.get("language"), gather.get("numDigits"),
            gather.get("speechTimeout")) == ("dtmf speech", "pt-PT", "3", "auto")


# -- webhooks -------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "form"), [
    ("/voice/leg?n=stt&l=en&p=interp&r=j123456&t=stt_005", {"CallStatus": "completed"}),
    ("/voice/leg?n=stt&p=migrant&r=zzz", {"CallStatus": "no-answer", "CallSid": "CA9"}),
    ("/voice/conference?n=stt&l=en&p=room&r=j123456",
     {"StatusCallbackEvent": "participant-leave", "CallSid": "CA1"}),
    ("/voice/conference?n=stt&p=room", {"StatusCallbackEvent": "conference-end"}),
    ("/voice/conference?n=nope&p=room", {"StatusCallbackEvent": "participant-leave"}),
    ("/voice/leg?n=main", {"CallStatus": "completed"}),
])
def test_status_callbacks_answer_an_empty_document(client: FlaskClient, path: str,
                                                   form: dict[str, str]) -> None:
    response = signed_post(client, path, {"CallSid": "CA1", **form})
    assert response.status_code == 200
    assert list(twiml(response)) == []


def test_a_whisper_for_an_unknown_job_hangs_up(client: FlaskClient) -> None:
    root = twiml(signed_post(client, "/voice/whisper?n=stt&l=en&p=interp&r=j999999&t=stt_005",
                             {"CallSid": "CA2"}))
    assert [child.tag for child in root] == ["Hangup"]


@pytest.mark.parametrize("path", [
    "/voice/input?n=stt&l=en&p=bogus", "/voice/enter?n=stt&l=en&p=none&r=l999",
    "/voice/input?n=stt&l=en&p=confirm&r=l000", "/voice/enter?n=stt&l=en&p=booked&r=x",
])
def test_forged_phases_answer_valid_twiml(client: FlaskClient, path: str) -> None:
    response = signed_post(client, path, {"CallSid": "CA3", "Digits": "1"})
    assert response.status_code == 200
    assert len(twiml(response)) > 0


# -- engine steps -----------------------------------------------------------------------------


def without_desk(menu: Menu) -> Menu:
    """Return the menu with no STT operator to hand over to."""
    node = menu.node("stt").model_copy(update={"desk": None})
    flow = menu.flow.model_copy(update={"nodes": {**menu.flow.nodes, "stt": node}})
    return Menu(flow, menu.directory, menu.hours, menu.sources, rosters=menu.rosters)


def test_a_third_wrong_code_says_goodbye_without_an_operator() -> None:
    state = CallState("stt", "en", fails=2, phase="code", ref=Request(account="1").encode())
    actions, reached = step(without_desk(MENU), state, Event(EventKind.INPUT, digits="0000"),
                            OPEN)
    ids = [p.id for a in actions for p in getattr(a, "speech", ()) if isinstance(p, Prompt)]
    assert ids[0] == "stt.id_failed"
    assert reached.node == "goodbye"
    assert isinstance(actions[-1], Hangup)


def test_without_a_store_the_entity_hears_an_apology() -> None:
    actions, _ = step(MENU, CallState("stt", "en"), Event(EventKind.ENTER), OPEN)
    ids = [p.id for a in actions for p in getattr(a, "speech", ()) if isinstance(p, Prompt)]
    assert ids == ["error.unavailable", "error.later"]
    assert isinstance(actions[-1], Hangup)


@pytest.mark.parametrize(("now", "keyed", "expected"), [
    ("2026-12-30T10:00", "02011000", "2027-01-02T10:00"),  # next year's
    ("2026-12-09T10:00", "09121800", "2026-12-09T18:00"),  # today
    ("2026-12-09T10:00", "31021000", None),
    ("2026-12-09T10:00", "09122500", None),
])
def test_a_keyed_moment_is_the_next_one_to_come(now: str, keyed: str,
                                                expected: str | None) -> None:
    turn = Turn(MENU, CallState("stt"), Event(EventKind.INPUT), lisbon(now))
    found = booked_moment(turn, keyed)
    assert found == (lisbon(expected) if expected else None)
