"""Say, Play and Pause: what the caller hears, and how long it takes (§3.1-§3.3).

Each ``*_step`` records the step and returns its length, so a Gather can play its nested
prompts first and then listen; the verbs themselves wait that long.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from ivr.simulator import behaviour
from ivr.simulator.clock import speech_seconds
from ivr.simulator.kernel import Flow
from ivr.simulator.outcomes import Continue, Outcome
from ivr.simulator.twiml import spoken_text, text_of
from ivr.simulator.voices import voice_problem

if TYPE_CHECKING:
    from ivr.simulator.interpreter import LegRunner

_DTMF_TONE_S = 0.5  # each tone of Play digits, and each "w" pause (§3.2)


def _repeats(runner: LegRunner, verb: ET.Element, in_gather: bool) -> tuple[int, int]:
    """Return the loop attribute and how many times it really plays."""
    loop = runner.attrs(verb).integer("loop", 1, low=0, high=behaviour.LOOP_FOREVER_CAP)
    if loop == 0:  # until hangup; inside a Gather the caller answers after the first round
        return 0, 1 if in_gather else behaviour.LOOP_FOREVER_CAP
    return loop, loop


def say_step(runner: LegRunner, verb: ET.Element, in_gather: bool = False) -> float:
    """Record a Say and return how long it speaks."""
    text, silence = spoken_text(verb)
    voice = verb.get("voice") or behaviour.SAY_DEFAULT_VOICE
    language = verb.get("language") or behaviour.SAY_DEFAULT_LANGUAGE
    problem = voice_problem(voice, language)
    if problem:
        runner.warn(None, problem)
    loop, times = _repeats(runner, verb, in_gather)
    fields: dict[str, object] = {"text": text, "language": language, "voice": voice}
    if loop != 1:
        fields["loop"] = loop
    runner.step("Say", **fields)
    return (speech_seconds(text, language) + silence) * times


def play_step(runner: LegRunner, verb: ET.Element, in_gather: bool = False) -> float:
    """Record a Play (a file, or DTMF tones with ``digits``) and return how long it plays."""
    digits = verb.get("digits")
    if digits is not None:
        runner.step("Play", url=None, digits=digits)
        return len(digits) * _DTMF_TONE_S
    if not text_of(verb):
        runner.warn(behaviour.SCHEMA_WARNING, "<Play> has no URL; skipped")
        return 0.0
    url = runner.resolve(text_of(verb))
    media = runner.world.media.describe(url)
    if media.problem:
        runner.warn(behaviour.HTTP_RETRIEVAL_FAILURE, media.problem)
    loop, times = _repeats(runner, verb, in_gather)
    fields: dict[str, object] = {"url": url}
    if media.text is not None:
        fields["text"] = media.text
    if loop != 1:
        fields["loop"] = loop
    runner.step("Play", **fields)
    return 0.0 if media.problem else media.seconds * times


def pause_step(runner: LegRunner, verb: ET.Element, in_gather: bool = False) -> float:
    """Record a Pause and return its length."""
    length = runner.attrs(verb).integer("length", behaviour.PAUSE_DEFAULT_S)
    runner.step("Pause", length=length)
    return float(length)


PROMPTS = {"Say": say_step, "Play": play_step, "Pause": pause_step}


def say(runner: LegRunner, verb: ET.Element) -> Flow[Outcome]:
    """Speak text to the caller."""
    yield runner.wait(say_step(runner, verb))
    return Continue()


def play(runner: LegRunner, verb: ET.Element) -> Flow[Outcome]:
    """Play a file or tones to the caller."""
    yield runner.wait(play_step(runner, verb))
    return Continue()


def pause(runner: LegRunner, verb: ET.Element) -> Flow[Outcome]:
    """Wait in silence; as the first verb it delays the answer (§3.3)."""
    yield runner.wait(pause_step(runner, verb))
    return Continue()
