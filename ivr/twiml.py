"""Actions -> TwiML. The only module that imports ``twilio.twiml``.

Effects (SendSms, SaveVoicemail) must have been performed by the shell before rendering.
Consecutive sentences in the same voice are joined into one <Say>, which keeps the document
small and lets the voice read them with natural pauses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from twilio.twiml.voice_response import Gather as TwimlGather
from twilio.twiml.voice_response import VoiceResponse

from ivr.engine.actions import (
    Action,
    Conference,
    Dial,
    Enqueue,
    Gather,
    Hangup,
    Hold,
    Leave,
    Outcome,
    Record,
    Redirect,
    Speak,
    Target,
)
from ivr.prompts import Play, Say, Speech, Utterance

Resolve = Callable[[Speech], Utterance]
UrlFor = Callable[[Target], str]
AudioUrl = Callable[[Play], str]

CONTENT_TYPE = "text/xml; charset=utf-8"
HOLD_MUSIC = Play("music", "hold")
CONFERENCE_EVENTS = "start end join leave"  # space-separated: a list would be str()-ed


def render(actions: Iterable[Action], resolve: Resolve, url_for: UrlFor,
           audio_url: AudioUrl) -> str:
    """Render actions as a TwiML document."""
    response = VoiceResponse()
    for action in actions:
        match action:
            case Speak(speech=speech):
                _speak(response, speech, resolve, audio_url)
            case Gather():
                gather = _gather(response, action, url_for)
                _speak(gather, action.speech, resolve, audio_url)
            case Dial(whisper=None):
                response.dial(action.number, action=url_for(action.target), method="POST",
                              timeout=action.timeout)
            case Dial(whisper=whisper) if whisper is not None:
                dial = response.dial(action=url_for(action.target), method="POST",
                                     timeout=action.timeout, time_limit=action.time_limit)
                dial.number(action.number, url=url_for(whisper), method="POST")
            case Conference():
                _conference(response, action, url_for)
            case Enqueue():
                response.enqueue(action.queue, action=url_for(action.target), method="POST",
                                 wait_url=url_for(action.wait), wait_url_method="POST")
            case Leave():
                response.leave()
            case Hold():
                response.play(audio_url(HOLD_MUSIC))
            case Outcome():
                pass  # a note for the call's record, nothing the caller hears
            case Record():
                response.record(action=url_for(action.target), method="POST",
                                max_length=action.max_length, timeout=action.timeout,
                                finish_on_key=action.finish_on_key, play_beep=True)
            case Redirect(target=target):
                response.redirect(url_for(target), method="POST")
            case Hangup():
                response.hangup()
            case _:
                raise TypeError(f"{type(action).__name__} must be performed before rendering")
    return str(response)


def _gather(response: VoiceResponse, action: Gather, url_for: UrlFor) -> TwimlGather:
    """Open a <Gather> for keys, and for speech in a language when it asks for it."""
    speech = action.speech_language
    return response.gather(
        input="dtmf speech" if speech else "dtmf", action=url_for(action.target),
        method="POST", timeout=action.timeout, num_digits=action.num_digits,
        finish_on_key=action.finish_on_key, language=speech,
        speech_timeout="auto" if speech else None)


def _conference(response: VoiceResponse, action: Conference, url_for: UrlFor) -> None:
    """Dial into a conference room, with its wait music and status callbacks."""
    dial = response.dial(action=url_for(action.target) if action.target else None,
                         method="POST" if action.target else None)
    events = url_for(action.events) if action.events else None
    dial.conference(
        action.room, end_conference_on_exit=action.end_on_exit,
        start_conference_on_enter=True, beep=False,
        wait_url=url_for(action.wait) if action.wait else None,
        wait_method="POST" if action.wait else None, status_callback=events,
        status_callback_event=CONFERENCE_EVENTS if events else None,
        status_callback_method="POST" if events else None)


def _speak(parent: VoiceResponse | TwimlGather, speech: Iterable[Speech], resolve: Resolve,
           audio_url: AudioUrl) -> None:
    """Append <Say> and <Play> verbs, joining neighbouring sentences of one voice."""
    pending: Say | None = None
    for utterance in map(resolve, speech):
        if isinstance(utterance, Say) and pending is not None and _same_voice(pending, utterance):
            pending = Say(f"{pending.text} {utterance.text}", pending.lang, pending.language,
                          pending.voice)
            continue
        if pending is not None:
            parent.say(pending.text, voice=pending.voice, language=pending.language)
            pending = None
        if isinstance(utterance, Say):
            pending = utterance
        else:
            parent.play(audio_url(utterance))
    if pending is not None:
        parent.say(pending.text, voice=pending.voice, language=pending.language)


def _same_voice(a: Say, b: Say) -> bool:
    """Tell whether two sentences are spoken by the same voice in the same language."""
    return a.voice == b.voice and a.language == b.language


def apology(sentences: Sequence[Say], then: str | None = None) -> str:
    """Render a last-ditch answer that needs nothing but text: say it, then dial or hang up."""
    response = VoiceResponse()
    for sentence in sentences:
        response.say(sentence.text, voice=sentence.voice, language=sentence.language)
    if then:
        response.dial(then)
    response.hangup()
    return str(response)
