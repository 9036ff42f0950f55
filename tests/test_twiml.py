"""Actions rendered to TwiML by the real twilio library."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from ivr.engine import (
    CallState,
    Dial,
    Endpoint,
    Gather,
    Hangup,
    Record,
    Redirect,
    SendSms,
    Speak,
    Target,
)
from ivr.prompts import Literal, Play, Prompt, Say, Speech, Utterance
from ivr.twiml import apology, render

EN = ("en", "en-GB", "Polly.Amy-Neural")
PT = ("pt_PT", "pt-PT", "Polly.Ines-Neural")


def resolve(speech: Speech) -> Utterance:
    """Say prompt ids in English, addresses in Portuguese, and play 'recorded'."""
    if isinstance(speech, Literal):
        return Say(speech.text, *PT)
    if speech.id == "recorded":
        return Play("kea", "recorded")
    return Say(f"<{speech.id}>", *EN)


def url_for(target: Target) -> str:
    """Build a relative webhook URL."""
    return f"/voice/{target.endpoint.value}?n={target.state.node}"


def audio_url(play: Play) -> str:
    """Build a recording URL."""
    return f"/audio/{play.lang}/{play.prompt_id}.wav"


def xml(*actions: object) -> ET.Element:
    """Render and parse."""
    return ET.fromstring(render(actions, resolve, url_for, audio_url))  # type: ignore[arg-type]


def test_menu_is_a_gather_with_a_silent_fall_through() -> None:
    target = Target(Endpoint.INPUT, CallState("main", "en"))
    root = xml(Gather((Prompt("a", "en"), Prompt("b", "en")), target, timeout=6),
               Redirect(target))
    gather = root.find("./Gather")
    assert gather is not None
    assert gather.attrib == {"action": "/voice/input?n=main", "method": "POST",
                             "input": "dtmf", "numDigits": "1", "timeout": "6",
                             "finishOnKey": ""}
    says = gather.findall("./Say")
    assert [(s.get("language"), s.text) for s in says] == [("en-GB", "<a> <b>")]
    assert root.find("./Redirect") is not None


def test_voices_change_where_the_language_does() -> None:
    root = xml(Speak((Prompt("a", "en"), Literal("Rua X", "pt_PT"), Prompt("b", "en"),
                      Prompt("recorded", "kea"))))
    assert [child.tag for child in root] == ["Say", "Say", "Say", "Play"]
    assert [child.get("voice") for child in root][:3] == [EN[2], PT[2], EN[2]]
    assert root[3].text == "/audio/kea/recorded.wav"


def test_dial_record_hangup() -> None:
    target = Target(Endpoint.DIAL, CallState("x"))
    root = xml(Dial("+351218106100", target, timeout=30),
               Record(Target(Endpoint.RECORD, CallState("v")), max_length=120), Hangup())
    dial = root.find("./Dial")
    assert dial is not None
    assert dial.text == "+351218106100"
    assert dial.attrib == {"action": "/voice/dial?n=x", "method": "POST", "timeout": "30"}
    record = root.find("./Record")
    assert record is not None
    assert record.get("maxLength") == "120"
    assert record.get("playBeep") == "true"
    assert record.get("finishOnKey") == "#"
    assert root[-1].tag == "Hangup"


def test_effects_must_be_performed_first() -> None:
    sms = SendSms("+351912345678", (), "en", Prompt("a", "en"), Prompt("b", "en"))
    with pytest.raises(TypeError, match="SendSms"):
        xml(sms)


def test_apology_without_anything_else() -> None:
    root = ET.fromstring(apology([Say("Lamentamos.", *PT), Say("Sorry.", *EN)], "+35121"))
    assert [child.tag for child in root] == ["Say", "Say", "Dial", "Hangup"]
