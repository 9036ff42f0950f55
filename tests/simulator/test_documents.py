"""How Twilio reads an answer: content types, XML errors, nesting rules (§1.1, §2, §4)."""

from __future__ import annotations

import pytest
from flask import Request, Response
from twilio.twiml.voice_response import VoiceResponse

from ivr.simulator.media import MediaLibrary

from .harness import Harness, codes, said, twiml, verbs

APP_ERROR = "We're sorry, an application error has occurred. Goodbye."


def _answer(body: str | bytes, content_type: str | None, status: int = 200) -> Harness:
    def handler(_: Request) -> Response:
        response = Response(body, status)
        if content_type is None:
            del response.headers["Content-Type"]
        else:
            response.headers["Content-Type"] = content_type
        return response

    return Harness({"/voice": handler})


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        ("<Response><Say>Hi</Say></Response>", "text/xml", 500, 11200),
        ("<Response><Say>Hi</Say></Response>", "text/xml", 404, 11200),
        ("<Response><Say>Hi</Say></Response>", None, 200, 11200),
        ('{"say": "hi"}', "application/json", 200, 12300),
        ("<Response><Say>Hi</Say>", "text/xml", 200, 12100),
        ("<Reply><Say>Hi</Say></Reply>", "text/xml", 200, 12100),
        ('  <?xml version="1.0"?><Response/>', "text/xml", 200, 12100),
        ("<Response><Say>Fish & chips</Say></Response>", "application/xml", 200, 12100),
        ("<Response>" + "<Pause/>" * 9000 + "</Response>", "text/xml", 200, 11750),
    ],
)
def test_a_bad_answer_is_an_application_error(
    body: str, content_type: str | None, status: int, code: int
) -> None:
    result = _answer(body, content_type, status).call()
    assert (result.end.reason, result.end.error_code) == ("error", code)
    assert said(result) == [APP_ERROR]


def test_application_xml_is_twiml() -> None:
    result = _answer("<Response><Say>Olá</Say></Response>", "application/xml; charset=utf-8").call()
    assert said(result) == ["Olá"]
    assert result.end.reason == "completed"


def test_legacy_text_html_is_read_with_a_warning() -> None:
    result = _answer("<Response><Say>Old app</Say></Response>", "text/html").call()
    assert said(result) == ["Old app"]
    assert codes(result) == [12300]


def test_plain_text_is_read_aloud_then_the_call_hangs_up() -> None:
    result = _answer("We are closed today.", "text/plain").call()
    assert said(result) == ["We are closed today."]
    assert result.end.reason == "completed"


def test_audio_is_played_then_the_call_hangs_up() -> None:
    result = _answer(b"ID3fake-mp3", "audio/mpeg").call()
    assert verbs(result) == ["Play"]
    assert result.end.reason == "completed"


def test_misnested_and_unknown_elements_are_skipped_with_12200() -> None:
    xml = (
        "<Response>"
        "<Gather numDigits='1' action='/next'><Say>Menu</Say><Dial>+351210000101</Dial></Gather>"
        "<say>lower case is not a verb</say>"
        "<Say>After</Say>"
        "</Response>"
    )
    result = Harness({"/voice": lambda _: xml}).call("")
    assert verbs(result) == ["Say", "Gather", "Say"]
    assert said(result) == ["Menu", "After"]
    assert codes(result).count(12200) == 2


def test_an_empty_response_hangs_up_at_once() -> None:
    result = Harness({"/voice": twiml(lambda r: None)}).call()
    assert verbs(result) == []
    assert result.end.reason == "completed"


def test_ssml_is_flattened_and_breaks_take_time() -> None:
    def build(response: VoiceResponse) -> None:
        say = response.say(language="en-GB", voice="Polly.Amy-Neural")
        say.s("Welcome")
        say.break_(time="3s")
        say.sub("WHO", alias="World Health Organization")
        response.say("Next")

    result = Harness({"/voice": twiml(build)}).call()
    first, second = result.steps
    assert first.fields["text"] == "Welcome World Health Organization"
    assert (second.at - first.at).total_seconds() >= 3


def test_say_voice_language_and_loop_are_reported() -> None:
    def build(response: VoiceResponse) -> None:
        response.say("Olá", language="pt-PT", voice="Polly.Ines-Neural", loop=2)
        response.say("Bonjour", language="fr-FR", voice="Polly.Amy")

    result = Harness({"/voice": twiml(build)}).call()
    first, second = result.steps
    assert first.fields == {
        "text": "Olá",
        "language": "pt-PT",
        "voice": "Polly.Ines-Neural",
        "loop": 2,
    }
    assert second.fields["voice"] == "Polly.Amy"
    assert any("Polly.Amy" in notice.message for notice in result.notices)


def test_say_defaults_are_twilios() -> None:
    result = Harness({"/voice": twiml(lambda r: r.say("Hello"))}).call()
    assert result.steps[0].fields == {"text": "Hello", "language": "en-US", "voice": "man"}


def test_pause_waits_its_length() -> None:
    def build(response: VoiceResponse) -> None:
        response.say("One")
        response.pause(length=4)
        response.say("Two")

    result = Harness({"/voice": twiml(build)}).call()
    one, pause, two = result.steps
    assert pause.fields == {"length": 4}
    assert (two.at - pause.at).total_seconds() == 4


def test_play_shows_a_transcript_served_beside_the_file() -> None:
    def audio(_: Request) -> Response:
        return Response(b"ID3fake", mimetype="audio/mpeg")

    harness = Harness(
        {
            "/voice": twiml(lambda r: r.play("/prompts/kea/menu.mp3")),
            "/prompts/kea/menu.mp3": audio,
            "/prompts/kea/menu.mp3.txt": lambda _: Response(
                "Prima 1 pa kriolu.", mimetype="text/plain"
            ),
        }
    )
    result = harness.call()
    assert result.steps[0].fields == {
        "url": "https://app.test/prompts/kea/menu.mp3",
        "text": "Prima 1 pa kriolu.",
    }
    assert [r.url for r in result.requests] == ["https://app.test/voice"]


def test_a_missing_play_file_is_a_warning_and_the_call_goes_on() -> None:
    harness = Harness({"/voice": twiml(lambda r: (r.play("/nothing.mp3"), r.say("Still here")))})
    result = harness.call()
    assert verbs(result) == ["Play", "Say"]
    assert codes(result) == [11200]


def test_play_loops_and_tones_and_a_transcript_manifest() -> None:
    def build(response: VoiceResponse) -> None:
        response.play("/audio/welcome.mp3", loop=3)
        response.play(digits="1w2")

    harness = Harness(
        {
            "/voice": twiml(build),
            "/audio/welcome.mp3": lambda _: Response(b"ID3", mimetype="audio/mpeg"),
        }
    )
    harness.sim.world.media = MediaLibrary(
        harness.sim.world.webhooks.transport, {"welcome.mp3": "Bem-vindo, welcome."}
    )
    result = harness.call()
    play, tones = result.steps
    assert play.fields == {
        "url": "https://app.test/audio/welcome.mp3",
        "text": "Bem-vindo, welcome.",
        "loop": 3,
    }
    assert tones.fields == {"url": None, "digits": "1w2"}
    assert (tones.at - play.at).total_seconds() == pytest.approx(3 * 1.2)  # 3 words, 3 times


def test_an_app_that_raises_in_process_is_a_500() -> None:
    def broken(_: Request) -> str:
        raise KeyError("Digits")

    harness = Harness({"/voice": broken})
    harness.app.config["PROPAGATE_EXCEPTIONS"] = True
    result = harness.call()
    assert [r.status for r in result.requests] == [500]
    assert result.end.error_code == 11200
    assert "the app raised KeyError: 'Digits'" in result.notices[0].message
