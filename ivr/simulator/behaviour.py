"""Twilio behaviour the simulator reproduces, as named constants.

Each value cites its section and confidence tag in the TwiML semantics reference
(``twiml-semantics.md``): [V] verified, [L] legacy docs, [K] background knowledge not yet
checked against a live account. Values tagged [K] are our best guess; change them here, and
only here, once a real account proves otherwise.
"""

from __future__ import annotations

from typing import Final

# -- HTTP contract (§1.1, §4) --------------------------------------------------------------

#: Read timeout of a webhook fetch, in seconds. [V §1.1 "15 s by default"]
DEFAULT_TIMEOUT_S: Final = 15.0
#: Connect timeout, in seconds. [V §1.1]
DEFAULT_CONNECT_TIMEOUT_S: Final = 5.0
#: Retries of a failed fetch when the URL has no ``#rc=`` override. [V §4 table, rc default 1]
DEFAULT_RETRY_COUNT: Final = 1
#: Failures retried when the URL has no ``#rp=`` override. [K §4 "believed ct only"]
DEFAULT_RETRY_POLICY: Final = frozenset({"ct"})
#: Largest TwiML document Twilio accepts, in bytes. [K §1.1, error 11750]
MAX_TWIML_BYTES: Final = 64 * 1024
#: HTTP redirects followed before giving up, like a browser. [L §1.1]
MAX_HTTP_REDIRECTS: Final = 10
#: Content types parsed as TwiML; ``text/html`` is legacy and warned about. [L/V §1.1]
TWIML_CONTENT_TYPES: Final = frozenset({"text/xml", "application/xml"})
LEGACY_TWIML_CONTENT_TYPES: Final = frozenset({"text/html"})
#: The signature covers the URL without its ``#`` fragment (browsers never send it). [K §4]
SIGN_URL_FRAGMENT: Final = False
#: Headers sent on every webhook besides the signature. [V §1.1 plugin-webhook]
USER_AGENT: Final = "TwilioProxy/1.1"
HOME_REGION: Final = "us1"
FORM_CONTENT_TYPE: Final = "application/x-www-form-urlencoded; charset=UTF-8"

# -- Error codes (§4) ----------------------------------------------------------------------

HTTP_RETRIEVAL_FAILURE: Final = 11200  # [V] non-2xx, redirect loops, read timeouts
HTTP_CONNECTION_FAILURE: Final = 11205  # [K] nothing answered at the URL
RESPONSE_TOO_LARGE: Final = 11750  # [K]
DOCUMENT_PARSE_FAILURE: Final = 12100  # [V]
SCHEMA_WARNING: Final = 12200  # [V/K]
INVALID_CONTENT_TYPE: Final = 12300  # [V]
INVALID_FINISH_ON_KEY: Final = 13310  # [V]
INVALID_SPEECH_TIMEOUT: Final = 13327  # [V]
INVALID_ACTION_ON_EMPTY_RESULT: Final = 13338  # [V]
DIAL_IN_CHILD_LEG: Final = 13201  # [V]
#: A slow answer counts as a retrieval failure, not a connection failure. [V §1.1, §4]
TIMEOUT_ERROR_CODE: Final = HTTP_RETRIEVAL_FAILURE

#: What the caller hears when no fallback rescues a failed fetch. [K §4: exact wording]
APPLICATION_ERROR_MESSAGE: Final = "We're sorry, an application error has occurred. Goodbye."
APPLICATION_ERROR_LANGUAGE: Final = "en-US"
APPLICATION_ERROR_VOICE: Final = "woman"
#: The fallback URL also rescues action, Redirect and wait-URL fetches. [K §4]
FALLBACK_FOR_ACTION_FETCHES: Final = True

# -- Say, Play, Pause (§3.1-§3.3, §6) --------------------------------------------------------

SAY_DEFAULT_VOICE: Final = "man"  # [V §3.1]
SAY_DEFAULT_LANGUAGE: Final = "en-US"  # [V §3.1]
#: ``loop="0"`` repeats until hangup, capped like Play. [V §3.2 "1000 iterations"]
LOOP_FOREVER_CAP: Final = 1000
#: Speaking rate by language family (first subtag), words per minute; an estimate used
#: only to move the simulated clock. Not in the reference: typical neural TTS rates.
WORDS_PER_MINUTE: Final = {
    "en": 160,
    "pt": 150,
    "es": 160,
    "fr": 150,
    "ro": 145,
    "ru": 130,
    "uk": 130,
    "ar": 120,
}
WORDS_PER_MINUTE_DEFAULT: Final = 150
#: Played audio whose length cannot be read from the file. Not in the reference.
UNKNOWN_AUDIO_S: Final = 5.0
#: ``<Pause>`` without ``length``. [V §3.3]
PAUSE_DEFAULT_S: Final = 1
#: Suffix of an optional transcript served beside a played file (``menu.mp3.txt``).
TRANSCRIPT_SUFFIX: Final = ".txt"

# -- Gather (§3.4) -------------------------------------------------------------------------

GATHER_DEFAULT_TIMEOUT_S: Final = 5  # [V]
GATHER_DEFAULT_FINISH_ON_KEY: Final = "#"  # [V]
GATHER_DEFAULT_LANGUAGE: Final = "en-US"  # [V]
#: Pressing only finishOnKey is no input: no request, fall through. [L §3.4, open §10]
FINISH_KEY_ONLY_IS_EMPTY: Final = True
#: ``FinishedOnKey`` accompanies ``Digits`` on the action request. [K? §1.3, open §10]
SEND_FINISHED_ON_KEY: Final = True
#: Time a caller takes per key press, in seconds. Not in the reference.
KEYPRESS_S: Final = 0.4
#: Silence after speech before ``speechTimeout="auto"`` ends it. [K §3.4]
SPEECH_AUTO_END_S: Final = 1.0
#: Confidence reported for typed speech. [K §1.3]
SPEECH_CONFIDENCE: Final = 0.92

# -- Record (§3.13) ------------------------------------------------------------------------

RECORD_DEFAULT_TIMEOUT_S: Final = 5  # [V]
RECORD_DEFAULT_FINISH_ON_KEY: Final = "1234567890*#"  # [V]
RECORD_DEFAULT_MAX_LENGTH_S: Final = 3600  # [V]
BEEP_S: Final = 0.5  # length of the beep before recording; not in the reference
#: ``Digits`` of a Record action when the caller hung up to end the recording. [K §3.13]
RECORD_HANGUP_DIGITS: Final = "hangup"

# -- A caller hanging up (§3.5, §3.7, §3.13) ----------------------------------------------------

#: The caller's hangup still requests the action of a Dial, Enqueue or Record that was
#: running, with this ``CallStatus``; the TwiML it answers is not run. [K §3.5 item 4, §3.13]
ACTION_AFTER_HANGUP_CALL_STATUS: Final = "completed"
#: ``DialCallStatus`` when the caller hangs up while the dialled parties still ring: they are
#: cancelled, as with hangupOnStar before an answer. [unverified; §1.3 "canceled"]
CALLER_HANGUP_RINGING_DIAL_STATUS: Final = "canceled"

# -- Dial, Number, Queue noun (§3.5, §3.8) -----------------------------------------------------

DIAL_DEFAULT_TIMEOUT_S: Final = 30  # [V]
DIAL_DEFAULT_TIME_LIMIT_S: Final = 14400  # [V]
#: Ring time before a scripted party answers, is busy or fails. Not in the reference.
RING_S: Final = 5.0
BUSY_S: Final = 2.0
FAILED_S: Final = 1.0
#: Talk time of a party who answers, unless scripted. Not in the reference.
TALK_S: Final = 60.0
#: A whisper that hangs up before bridging: ``completed`` with ``DialBridged=false``.
#: [K §3.5 "a declining callee whisper usually yields completed"]
WHISPER_DECLINE_DIAL_STATUS: Final = "completed"
#: ``DialCallStatus`` when a caller leaves a conference. [K §1.3 "answered", open §10]
CONFERENCE_DIAL_STATUS: Final = "answered"
#: ``<Dial><Queue>`` on an empty queue waits the Dial timeout, then: [K §3.8, open §10]
EMPTY_QUEUE_DIAL_STATUS: Final = "no-answer"
#: An agent who hangs up while the dequeued caller still hears the Queue ``url``, before the
#: bridge: the agent's Dial action is still requested (``CallStatus=completed``), with this
#: status and ``DialBridged=false``; the caller was answered long before, so not
#: ``canceled``. [unverified; as WHISPER_DECLINE_DIAL_STATUS]
AGENT_HANGUP_BEFORE_BRIDGE_DIAL_STATUS: Final = "completed"
#: Outcome of a dialled number the tester did not script, in a scripted run.
SCRIPTED_DIAL_DEFAULT: Final = "answer"

# -- Enqueue and conferences (§3.6, §3.7) -------------------------------------------------------

QUEUE_DEFAULT_MAX_SIZE: Final = 100  # [V §3.7]
#: A Redirect or Gather action in a wait URL document keeps the caller waiting: what it
#: fetches plays as more hold TwiML, so "press 1, then <Leave>" works. [K §3.7, §3.9; the
#: QueueResult "redirected-from-waiting-url" of §1.3 suggests Twilio may differ]
WAIT_URL_TRANSFER_LEAVES_QUEUE: Final = False
#: The conference status callback is the first participant's. [K §3.6]
CONFERENCE_CALLBACK_FROM_FIRST_PARTICIPANT: Final = True
#: A participant removed through the REST API continues its TwiML after the Dial. [K]
KICKED_PARTICIPANT_CONTINUES: Final = True

# -- Call flow (§2, §3.12) -----------------------------------------------------------------

#: ``<Reject>`` after the call was answered just hangs up. [K §3.12 "only as the first verb"]
LATE_REJECT_HANGS_UP: Final = True
#: Verbs that do not answer the call when they run first. [V §2 first-verb cases]
NON_ANSWERING_VERBS: Final = frozenset({"Redirect", "Reject", "Pause"})
#: The call status a ``<Reject reason>`` leaves. [V §3.12 "ends busy or no-answer"; K mapping]
REJECT_CALL_STATUS: Final = {"busy": "busy", "rejected": "no-answer"}
