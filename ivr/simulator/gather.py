"""Gather and Record: the verbs that listen to the person on the leg (§3.4, §3.13).

Both default their action to the current document URL. Both fall through to the next verb
when they hear nothing: a Gather unless ``actionOnEmptyResult`` is true, a Record always.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ivr.simulator import behaviour, callbacks
from ivr.simulator.actors import (
    GatherPrompt,
    HangingUp,
    Keys,
    Recorded,
    RecordPrompt,
    Reply,
    Speech,
)
from ivr.simulator.clock import speech_seconds
from ivr.simulator.kernel import Flow
from ivr.simulator.outcomes import Continue, Ended, Fetch, Outcome
from ivr.simulator.prompts import PROMPTS
from ivr.simulator.sids import SidKind
from ivr.simulator.transcript import EndReason

if TYPE_CHECKING:
    from ivr.simulator.interpreter import LegRunner

_KEYS = frozenset("0123456789#*")


@dataclass(frozen=True)
class Heard:
    """What a Gather heard, how long it took, and the parameters for its action."""

    digits: str | None
    speech: str | None
    seconds: float
    params: dict[str, str]


def gather(runner: LegRunner, verb: ET.Element) -> Flow[Outcome]:
    """Play the nested prompts, listen, then request the action or fall through."""
    attrs = runner.attrs(verb)
    modes = attrs.words("input", "dtmf") & {"dtmf", "speech"} or frozenset({"dtmf"})
    finish = attrs.text("finishOnKey", behaviour.GATHER_DEFAULT_FINISH_ON_KEY)
    if finish and (len(finish) != 1 or finish not in _KEYS):
        runner.warn(behaviour.INVALID_FINISH_ON_KEY, f"finishOnKey={finish!r} is not one key")
        finish = behaviour.GATHER_DEFAULT_FINISH_ON_KEY
    prompt = GatherPrompt(
        runner.leg.label,
        modes,
        attrs.optional_integer("numDigits"),
        finish,
        attrs.integer("timeout", behaviour.GATHER_DEFAULT_TIMEOUT_S),
        attrs.text("language", behaviour.GATHER_DEFAULT_LANGUAGE),
    )
    on_empty = attrs.boolean(
        "actionOnEmptyResult", False, code=behaviour.INVALID_ACTION_ON_EMPTY_RESULT
    )
    action = runner.resolve(attrs.optional("action") or runner.doc.url)
    for child in verb:
        yield runner.wait(PROMPTS[child.tag](runner, child, True))
    reply = runner.leg.actor.reply_to_gather(prompt)
    if isinstance(reply, HangingUp):
        runner.step("Gather", digits=None, speech=None, action=None, hangup=True)
        return Ended.because(EndReason.HANGUP)
    heard = listen(runner, prompt, reply, attrs.text("speechTimeout"))
    yield runner.wait(heard.seconds)
    is_empty = heard.digits is None and heard.speech is None
    requested = action if (not is_empty or on_empty) else None
    runner.step("Gather", digits=heard.digits, speech=heard.speech, action=requested)
    if requested is None:
        return Continue()
    return Fetch(requested, attrs.method(), heard.params)


def listen(runner: LegRunner, prompt: GatherPrompt, reply: Reply, speech_timeout: str) -> Heard:
    """Work out what the Gather makes of a reply, as Twilio would."""
    if isinstance(reply, Speech) and "speech" in prompt.modes:
        end = behaviour.SPEECH_AUTO_END_S
        if speech_timeout.isdigit():
            end = float(speech_timeout)
        elif speech_timeout not in {"", "auto"}:
            runner.warn(behaviour.INVALID_SPEECH_TIMEOUT, f"speechTimeout={speech_timeout!r}")
        seconds = speech_seconds(reply.text, prompt.language) + end
        params = {"SpeechResult": reply.text, "Confidence": str(behaviour.SPEECH_CONFIDENCE)}
        return Heard(None, reply.text, seconds, params)
    if isinstance(reply, Keys) and "dtmf" in prompt.modes:
        return _keys(runner, prompt, reply.digits)
    if isinstance(reply, Keys | Speech):
        listens = " ".join(sorted(prompt.modes))
        runner.warn(None, f"a Gather with input={listens!r} ignores {type(reply).__name__}")
    elif isinstance(reply, Recorded):
        runner.warn(None, "a recording cannot answer a Gather; heard as silence")
    return Heard(None, None, float(prompt.timeout), {})


def _keys(runner: LegRunner, prompt: GatherPrompt, keys: str) -> Heard:
    """Apply numDigits, finishOnKey and the inter-digit timeout to pressed keys."""
    digits, pressed, ended_by_key = "", 0, False
    for key in keys:
        pressed += 1
        if prompt.finish_on_key and key == prompt.finish_on_key:
            ended_by_key = True
            break
        digits += key
        if prompt.num_digits is not None and len(digits) >= prompt.num_digits:
            break
    if pressed < len(keys):
        runner.warn(None, f"keys {keys[pressed:]!r} came after the Gather ended; Twilio drops them")
    seconds = pressed * behaviour.KEYPRESS_S
    is_complete = ended_by_key or (
        prompt.num_digits is not None and len(digits) >= prompt.num_digits
    )
    if not is_complete:
        seconds += prompt.timeout  # the timeout submits what was typed (§3.4)
    if not digits and behaviour.FINISH_KEY_ONLY_IS_EMPTY:
        return Heard(None, None, seconds, {})
    params = {"Digits": digits}
    if behaviour.SEND_FINISHED_ON_KEY:
        params["FinishedOnKey"] = prompt.finish_on_key if ended_by_key else ""
    return Heard(digits, None, seconds, params)


def record(runner: LegRunner, verb: ET.Element) -> Flow[Outcome]:
    """Record the caller; an empty recording falls through without a request (§3.13).

    A caller who hangs up to end the recording still gets the action requested, with
    ``Digits=hangup``; the call is over by then, so its TwiML is not run.
    """
    attrs = runner.attrs(verb)
    action = runner.resolve(attrs.optional("action") or runner.doc.url)
    max_length = attrs.integer("maxLength", behaviour.RECORD_DEFAULT_MAX_LENGTH_S)
    timeout = attrs.integer("timeout", behaviour.RECORD_DEFAULT_TIMEOUT_S, low=0)
    finish = attrs.text("finishOnKey", behaviour.RECORD_DEFAULT_FINISH_ON_KEY)
    if attrs.boolean("playBeep", True):
        yield runner.wait(behaviour.BEEP_S)
    reply = runner.leg.actor.reply_to_record(RecordPrompt(runner.leg.label, max_length, finish))
    if isinstance(reply, HangingUp):
        runner.step("Record", recording_url=None, hangup=True)
        return Ended.because(EndReason.HANGUP)
    hangs_up = isinstance(reply, Recorded) and reply.key == behaviour.RECORD_HANGUP_DIGITS
    if not isinstance(reply, Recorded | Speech) or _length(reply) <= 0:
        if hangs_up:  # an empty recording: no request, and nobody left to go on with
            runner.step("Record", recording_url=None, hangup=True)
            return Ended.because(EndReason.HANGUP)
        yield runner.wait(behaviour.KEYPRESS_S if isinstance(reply, Keys) else timeout)
        runner.step("Record", recording_url=None)
        callbacks.recording_status(runner, verb, None)
        return Continue()
    seconds = min(_length(reply), float(max_length))
    key = reply.key if isinstance(reply, Recorded) and reply.key in set(finish) else None
    yield runner.wait(seconds + (0 if hangs_up else behaviour.KEYPRESS_S if key else timeout))
    sid = runner.world.sids.new(SidKind.RECORDING)
    recording = runner.world.keep_recording(sid, runner.leg.sid, seconds, reply.text)
    ended = {"hangup": True} if hangs_up else {}
    runner.step("Record", recording_url=recording.url, duration=recording.duration, **ended)
    callbacks.recording_status(runner, verb, recording)
    callbacks.transcription(runner, verb, recording)
    params = {
        "RecordingUrl": recording.url,
        "RecordingDuration": str(recording.duration),
        "RecordingSid": sid,
    }
    if hangs_up:  # the action is still requested; what it answers cannot run (§3.13)
        params["Digits"] = behaviour.RECORD_HANGUP_DIGITS
        runner.request_after_hangup(action, attrs.method(), params)
        return Ended.because(EndReason.HANGUP)
    if key:
        params["Digits"] = key
    return Fetch(action, attrs.method(), params)


def _length(reply: Reply) -> float:
    if isinstance(reply, Recorded):
        return reply.seconds
    if isinstance(reply, Speech):
        return speech_seconds(reply.text, "")
    return 0.0
