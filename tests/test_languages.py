"""Every language end to end: a simulated call from the language menu to a transfer.

After the choice, every prompt must be in the chosen language with its Twilio voice, or,
for the languages Twilio cannot speak, a recording or the declared fallback language, never
English under another label. The closed message must read naturally in each language.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import ROOT, write_wav

from ivr.i18n import LANGUAGES, speaking_language
from ivr.menu import load_menu
from ivr.simulator.session import Setup, run_setup
from ivr.simulator.transcript import CallResult

KEYS = {"pt_PT": ("1",), "en": ("2",), "fr": ("3",), "es": ("4",), "ru": ("5",),
        "ro": ("6",), "uk": ("7",), "ar": ("8",), "ro_MD": ("9", "1"), "kea": ("9", "2"),
        "pov": ("9", "3"), "ff": ("9", "4"), "mnk": ("9", "5"), "wo": ("9", "6")}
ADDRESSES = {", ".join(entry.address) + "."
             for entry in load_menu(ROOT / "menus").directory.entries.values()}
OPEN = "2026-12-09T15:00"  # Wednesday afternoon: LAM and CNAIM North are open


def call(*inputs: str, at: str = OPEN, **options: object) -> CallResult:
    """Phone the helpline in-process with scripted keys."""
    return run_setup(Setup(at=_at(at), inputs=inputs, seed=7, **options))  # type: ignore[arg-type]


def _at(text: str) -> object:
    from ivr.simulator.clock import parse_at

    return parse_at(text)


def after_choice(result: CallResult, presses: int) -> list[dict[str, object]]:
    """Return the steps after the caller's language choice (the nth Gather)."""
    steps = [step.to_json() for step in result.steps if step.leg == result.call_sid]
    gathers = [i for i, step in enumerate(steps) if step["verb"] == "Gather"]
    return steps[gathers[presses - 1] + 1:]


def test_every_language_has_a_key() -> None:
    assert set(KEYS) == set(LANGUAGES)


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_a_call_in_each_language_speaks_it_until_the_transfer(code: str) -> None:
    keys = KEYS[code]
    result = call(*keys, "3", "2", "1", dial=("+351222073810=answer",))
    steps = after_choice(result, len(keys))
    voice = speaking_language(code)
    says = [s for s in steps if s["verb"] == "Say" and s["text"] not in ADDRESSES]
    assert says, "nothing was said after the choice"
    assert {s["language"] for s in says} == {voice.say_language}
    assert {s["voice"] for s in says} == {voice.voice}
    if voice.code != "en":
        english = {"press 1", "To go back", "Please hold"}
        assert not any(word in str(s["text"]) for s in says for word in english)
    dials = [s for s in steps if s["verb"] == "Dial"]
    assert dials
    assert dials[0]["numbers"] == ["+351222073810"]
    assert dials[0]["status"] == "completed"


@pytest.mark.parametrize(("code", "fallback"), [("kea", "pt_PT"), ("pov", "pt_PT"),
                                                ("ff", "fr"), ("mnk", "fr"), ("wo", "fr")])
def test_voiceless_languages_declare_their_fallback(code: str, fallback: str) -> None:
    assert LANGUAGES[code].voice is None
    assert speaking_language(code).code == fallback


def test_recorded_language_plays_its_recordings(tmp_path: Path) -> None:
    prompts = tmp_path / "prompts"
    shutil.copytree(ROOT / "prompts", prompts)
    write_wav(prompts / "kea" / "transfer.connecting.wav", seconds=1.0)
    app = f"{tmp_path / 'app.py'}:create_app"
    (tmp_path / "app.py").write_text(
        "from ivr.web import create_app as base\n\n"
        "def create_app(test_config=None, *, clock=None, twilio_http_client=None):\n"
        f"    config = {{**(test_config or {{}}), 'IVR_PROMPTS': {str(prompts)!r}}}\n"
        "    return base(config, clock=clock, twilio_http_client=twilio_http_client)\n")
    result = call("9", "2", "3", "2", "1", app=app, dial=("+351222073810=answer",))
    plays = [s.to_json() for s in result.steps if s.verb == "Play"]
    assert [p["url"] for p in plays] == ["https://ivr.localhost/audio/kea/transfer.connecting.wav"]


CLOSED = {
    "pt_PT": "Volta a abrir segunda-feira, 7 de dezembro, às 9:00. Em caso de emergência, "
             "ligue 112.",
    "en": "It will open again on Monday 7 December at 9:00. In an emergency, call 112.",
    "uk": "Найближчий час відкриття: понеділок, 7 грудня, о 9:00. У разі надзвичайної "
          "ситуації телефонуйте за номером 112.",
    "ar": "يُستأنف العمل يوم الاثنين، 7 ديسمبر، الساعة 9:00. في حالات الطوارئ، اتصل بالرقم 112.",
    "ro_MD": "Programul reîncepe luni, 7 decembrie, la ora 9:00. În caz de urgență, sunați la "
             "112.",
    "wo": "Il rouvrira le lundi 7 décembre à 9:00. En cas d'urgence, appelez le 112.",
}


@pytest.mark.parametrize("code", list(CLOSED))
def test_closed_message_names_the_next_opening_naturally(code: str) -> None:
    result = call(*KEYS[code], "1", at="2026-12-04T20:00")  # Friday evening
    closed = [s.to_json() for s in result.steps if s.verb == "Say" and "112" in
              str(s.fields.get("text"))]
    assert closed, "the closed message was not said"
    text = str(closed[0]["text"])
    assert text.endswith(CLOSED[code])
    assert closed[0]["language"] == speaking_language(code).say_language
