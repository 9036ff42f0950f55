"""Voice webhooks: Twilio's request -> event -> ``engine.step`` -> actions -> TwiML.

    POST /voice/incoming   a new call (configure this URL on the line's numbers)
    POST /voice/enter      arrive at the node named in the query
    POST /voice/input      keys pressed (Digits) or silence (no Digits) at that node
    POST /voice/dial       a Dial ended (DialCallStatus)
    POST /voice/record     a Record ended (RecordingUrl, or nothing when empty)
    POST /voice/status     call status callbacks; answered with an empty document
    POST /voice/callback-status  status callbacks of calls placed by ``ivr worker``: as
                           /voice/status, then the try is settled (``ivr.attempts``)
    POST /voice/leg        status callbacks of calls placed through the REST API (empty)
    POST /voice/conference a conference's status callbacks (empty document)

The state of the call is in the signed query string, never in memory. Whatever goes wrong,
the answer is valid TwiML with ``Content-Type: text/xml``: a bad node id, garbage digits or a
missing field become an apology and a sensible next step, never a 500 page.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode

import phonenumbers
from flask import Blueprint, Response, current_app, request

from ivr.attempts import comeback_settings, settle
from ivr.engine import (
    Action,
    Caller,
    CallState,
    Endpoint,
    Event,
    EventKind,
    Outcome,
    SaveVoicemail,
    SendSms,
    Speak,
    Target,
    recover,
    step,
)
from ivr.engine.interpreting import call_ended, room_name
from ivr.errors import EngineError, IvrError
from ivr.privacy import mask_number
from ivr.prompts import Literal, Play
from ivr.twiml import CONTENT_TYPE, render
from ivr.web.runtime import RELOADER_KEY, RUNTIME_KEY, Answer, Runtime
from ivr.web.security import require_signature, twilio_params

bp = Blueprint("voice", __name__, url_prefix="/voice")
bp.before_request(require_signature)
log = logging.getLogger(__name__)

MOBILE_TYPES = frozenset({phonenumbers.PhoneNumberType.MOBILE,
                          phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE})
KEYPAD = frozenset("0123456789*#")
MAX_DIGITS = 32


params = twilio_params


def runtime() -> Runtime:
    """Return the running app's runtime, reloaded first if the admin files changed."""
    reloader = current_app.extensions.get(RELOADER_KEY)
    if reloader is not None:
        return reloader.runtime()  # type: ignore[no-any-return]
    return current_app.extensions[RUNTIME_KEY]  # type: ignore[no-any-return]


def twiml_response(xml: str, status: int = 200) -> Response:
    """Wrap a TwiML document in a response Twilio accepts."""
    return Response(xml, status=status, content_type=CONTENT_TYPE)


@bp.route("/incoming", methods=["GET", "POST"])
def incoming() -> Response:
    """Answer a new call at the flow's entry."""
    rt = runtime()
    form = params()
    if log.isEnabledFor(logging.INFO):
        log.info("call %s from %s", _call_sid(), mask_number(form.get("From", "")))
    if rt.recorder is not None and form.get("CallSid"):
        number = form.get("From", "")
        rt.recorder.started(form["CallSid"], form.get("To", ""), number,
                            _number_facts(number)[0], rt.clock.now())
    return _answer(rt, CallState(rt.menu.flow.entry), EventKind.ENTER)


@bp.route("/enter", methods=["GET", "POST"])
def enter() -> Response:
    """Arrive at a node named in the query."""
    return _answer(runtime(), _state(), EventKind.ENTER)


@bp.route("/input", methods=["GET", "POST"])
def input_() -> Response:
    """Take the caller's keys, or their silence."""
    form = params()
    has_input = "Digits" in form or "SpeechResult" in form
    return _answer(runtime(), _state(), EventKind.INPUT if has_input else EventKind.SILENCE)


@bp.route("/dial", methods=["GET", "POST"])
def dial() -> Response:
    """Take the outcome of a transfer."""
    return _answer(runtime(), _state(), EventKind.DIAL_DONE)


@bp.route("/record", methods=["GET", "POST"])
def record() -> Response:
    """Take a voicemail, or note that none was left."""
    form = params()
    has_recording = bool(form.get("RecordingUrl")) and _int(form, "RecordingDuration") > 0
    kind = EventKind.RECORDED if has_recording else EventKind.NO_RECORDING
    return _answer(runtime(), _state(), kind)


@bp.route("/whisper", methods=["GET", "POST"])
def whisper() -> Response:
    """Tell a called operator who is calling; their key accepts or declines."""
    return _answer(runtime(), _state(), EventKind.WHISPER)


@bp.route("/wait", methods=["GET", "POST"])
def wait() -> Response:
    """Keep a queued caller company: their place, the wait, hold music."""
    return _answer(runtime(), _state(), EventKind.WAIT)


@bp.route("/queue", methods=["GET", "POST"])
def queue() -> Response:
    """Continue a call that left a queue."""
    return _answer(runtime(), _state(), EventKind.QUEUE_DONE)


@bp.route("/leg", methods=["GET", "POST"])
def leg() -> Response:
    """Follow a call the helpline placed: ringing, answered, busy, no answer, completed."""
    _answer(runtime(), _state(), EventKind.LEG)
    return twiml_response(EMPTY)


@bp.route("/conference", methods=["GET", "POST"])
def conference() -> Response:
    """Follow a conference room: its start and end, each participant joining and leaving."""
    _answer(runtime(), _state(), EventKind.CONFERENCE)
    return twiml_response(EMPTY)


@bp.route("/callback-status", methods=["GET", "POST"])
def callback_status() -> Response:
    """Follow a call placed by ``ivr worker``: as /status, then settle its try."""
    answer = status()
    rt, form = runtime(), params()
    if rt.store is not None:
        try:
            settings = comeback_settings(current_app.config)
        except IvrError as exc:
            log.error("call %s: its try is left to the lease: %s", _call_sid(), exc)
            return answer
        settle(rt.store, rt.menu, _state(), form.get("CallStatus", ""), rt.clock.now(),
               settings, form.get("CallSid", "")[:64])
    return answer


@bp.route("/status", methods=["GET", "POST"])
def status() -> Response:
    """Log a call status callback."""
    form = params()
    log.info("call %s status %s after %ss", _call_sid(), form.get("CallStatus", "?"),
             form.get("CallDuration", "?"))
    rt = runtime()
    call_sid = form.get("CallSid")
    if form.get("CallStatus") in ENDED and call_sid:
        if rt.allocator is not None:
            try:  # whoever the call held is free again, even if its Dial action never comes
                for holder in (call_sid, room_name(call_sid)):
                    rt.allocator.release(holder, rt.clock.now())
                if rt.store is not None:  # an entity gone before its room: nobody else rung
                    call_ended(rt.menu, call_sid, rt.clock.now(), rt.services())
            except IvrError as exc:
                log.warning("could not release the claims of call %s: %s", _call_sid(), exc)
        if rt.recorder is not None:
            duration = form.get("CallDuration", "")
            rt.recorder.ended(call_sid, rt.clock.now(),
                              int(duration) if duration.isdigit() else None,
                              form.get("CallStatus", ""))
    return twiml_response(EMPTY)


ENDED = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})
EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response />'
UNCACHED = frozenset({EventKind.LEG, EventKind.CONFERENCE})  # what they say is in the form


# -- the path of every webhook ----------------------------------------------------------------


def _answer(rt: Runtime, state: CallState, kind: EventKind) -> Response:
    """Answer one webhook from the cache, or run the engine and render its answer.

    The engine is pure and every time it depends on is whole minutes (opening hours are
    given to the minute), so the answer is a function of the state, the event without the
    caller's number, and the current minute. Answers with effects are never cached.
    """
    form = params()
    digits = _keys(form.get("Digits", ""))
    number = form.get("From", "")
    region, is_mobile = _number_facts(number)
    can_sms = is_mobile and rt.messenger is not None
    dial_status = form.get("DialCallStatus", "failed")
    bridged = form.get("DialBridged", "true") != "false"
    minute = rt.clock.now().replace(second=0, microsecond=0)
    speech = form.get("SpeechResult", "")[:200]
    queue_result = form.get("QueueResult", "")[:40]
    call_status = form.get("CallStatus", "")[:20]
    key = (state, kind, digits, speech, dial_status, bridged, queue_result, call_status, region,
           is_mobile, can_sms, minute)
    cached = rt.answers.get(key) if kind not in UNCACHED else None
    if cached is not None:
        _record(rt, form, cached)
        return twiml_response(cached.xml)
    caller = Caller(number, region, is_mobile, can_sms)
    event = Event(kind, caller, digits, speech, dial_status,
                  form.get("RecordingUrl", ""), _int(form, "RecordingDuration"),
                  call_sid=form.get("CallSid", "")[:64],
                  parent_call_sid=form.get("ParentCallSid", "")[:64], dial_bridged=bridged,
                  queue_result=queue_result,
                  queue_position=_int(form, "QueuePosition"), queue_time=_int(form, "QueueTime"),
                  average_queue_time=_int(form, "AvgQueueTime"),
                  call_status=call_status,
                  conference_event=form.get("StatusCallbackEvent", "")[:40])
    services = rt.services()
    try:
        actions, reached = step(rt.menu, state, event, minute, services)
    except EngineError as exc:
        log.warning("call %s: %s; starting again from a safe place", _call_sid(), exc)
        actions, reached = recover(rt.menu, state, event, minute, services)
    has_effects = any(isinstance(a, SendSms | SaveVoicemail) for a in actions)
    outcomes = tuple(a.name for a in actions if isinstance(a, Outcome))
    answer = Answer(render(_perform(rt, actions), rt.resolver.utter, _url_for, _audio_url),
                    reached.node, reached.lang, outcomes)
    if not has_effects and not services.used and kind not in UNCACHED:
        rt.answers.put(key, answer)
    if kind not in UNCACHED:  # a status callback is news of a call, not a step it took
        _record(rt, form, answer)
    return twiml_response(answer.xml)


def _record(rt: Runtime, form: Mapping[str, str], answer: Answer) -> None:
    """Hand what this webhook learnt about the call to its record (written behind)."""
    call_sid = form.get("CallSid")
    if rt.recorder is None or not call_sid:
        return
    rt.recorder.reached(call_sid, answer.node, answer.lang)
    for outcome in answer.outcomes:
        rt.recorder.outcome(call_sid, outcome)


def _state() -> CallState:
    """Read the call state from the signed query string."""
    return _decode_state(request.environ.get("QUERY_STRING", ""))


@lru_cache(maxsize=4096)
def _decode_state(query: str) -> CallState:
    """Decode a query string into a state (the same few recur on every call)."""
    return CallState.from_query(dict(parse_qsl(query)), default_node="")


def _keys(digits: str) -> str:
    """Keep only keypad characters; garbage becomes an empty (invalid) answer."""
    if digits.isascii() and digits.isdigit() and len(digits) <= MAX_DIGITS:
        return digits
    return "".join(ch for ch in digits if ch in KEYPAD)[:MAX_DIGITS]


@lru_cache(maxsize=1024)
def _number_facts(number: str) -> tuple[str | None, bool]:
    """Return the country and mobility of a number (each call asks this many times)."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return None, False
    is_mobile = phonenumbers.number_type(parsed) in MOBILE_TYPES
    return phonenumbers.region_code_for_number(parsed), is_mobile


def _int(form: Mapping[str, str], name: str) -> int:
    """Read an integer form field; anything else is 0."""
    value = form.get(name, "")
    return int(value) if value.isdigit() else 0


def _call_sid() -> str:
    """Return the call's SID for the logs."""
    return params().get("CallSid", "-")[:40]


def _perform(rt: Runtime, actions: tuple[Action, ...]) -> list[Action]:
    """Carry out effects, replacing each with what the caller should hear about it."""
    performed: list[Action] = []
    for action in actions:
        if isinstance(action, SendSms):
            performed.append(Speak((action.sent if _send_sms(rt, action) else action.failed,)))
        elif isinstance(action, SaveVoicemail):
            caller = params().get("From", "")
            log.info("voicemail for call %s from %s: %s (%ss) at node %s", _call_sid(),
                     mask_number(caller), action.recording_url, action.duration, action.node)
            if rt.recorder is not None:
                rt.recorder.voicemail(_call_sid(), caller, action.recording_url,
                                      action.duration, action.lang, action.node,
                                      rt.clock.now())
        else:
            performed.append(action)
    return performed


def _send_sms(rt: Runtime, sms: SendSms) -> bool:
    """Send a text message built from prompts; report whether it went."""
    if rt.messenger is None:
        return False
    try:
        body = "\n".join(line.text if isinstance(line, Literal) else rt.resolver.text(line)[0]
                         for line in sms.lines)
    except IvrError:
        log.exception("could not write the SMS")
        return False
    sender = current_app.config["IVR_SMS_FROM"] or params().get("To", "")
    return rt.messenger.send(sms.to, sender, body)


def _url_for(target: Target) -> str:
    """Build the URL of a webhook, absolute when a public base URL is configured."""
    base = current_app.config["IVR_PUBLIC_BASE_URL"].rstrip("/")
    return f"{base}/voice/{target.endpoint.value}?{urlencode(target.state.to_query())}"


def absolute_url(target: Target) -> str:
    """Build a webhook URL for Twilio's REST API, which wants absolute URLs."""
    base = current_app.config["IVR_PUBLIC_BASE_URL"].rstrip("/") or request.host_url.rstrip("/")
    return f"{base}/voice/{target.endpoint.value}?{urlencode(target.state.to_query())}"


def _audio_url(play: Play) -> str:
    """Build the URL of a recorded prompt (or of the hold music, language "music")."""
    base = current_app.config["IVR_PUBLIC_BASE_URL"].rstrip("/")
    return f"{base}/audio/{play.lang}/{play.prompt_id}.wav"


__all__ = ["Endpoint", "bp", "params", "twiml_response"]
