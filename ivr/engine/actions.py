"""What the engine asks the telephone to do. ``ivr.twiml`` turns these into TwiML.

Actions are plain frozen data. Two of them are *effects* (SendSms, SaveVoicemail) that the
web shell performs before rendering; each carries what to say on success and on failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TypeAlias

from ivr.engine.state import CallState
from ivr.prompts import Speech


class Endpoint(StrEnum):
    """The webhook a target URL points to; each turns a request into one kind of event."""

    ENTER = "enter"
    INPUT = "input"
    DIAL = "dial"
    RECORD = "record"
    WHISPER = "whisper"  # the called party's leg, before it is connected
    WAIT = "wait"  # a queue's wait URL
    QUEUE = "queue"  # a queue's action URL
    CALLBACK_STATUS = "callback-status"  # how a call placed by `ivr worker` went
    LEG = "leg"  # status callbacks of a call placed through the REST API
    CONFERENCE = "conference"  # status callbacks of a conference room


@dataclass(frozen=True)
class Target:
    """A webhook URL to come back to, with the state it carries."""

    endpoint: Endpoint
    state: CallState


@dataclass(frozen=True)
class Speak:
    """Say or play prompts, in order."""

    speech: tuple[Speech, ...]


@dataclass(frozen=True)
class Gather:
    """Say prompts while listening for keys; the keys go to ``target``."""

    speech: tuple[Speech, ...]
    target: Target
    timeout: int
    num_digits: int | None = 1
    finish_on_key: str = ""
    speech_language: str | None = None  # also listen for speech, recognised in this language


@dataclass(frozen=True)
class Dial:
    """Put the caller through to a number; the outcome goes to ``target``.

    With ``whisper``, the called party first hears what that webhook says (and may decline)
    before the two are connected.
    """

    number: str
    target: Target
    timeout: int
    whisper: Target | None = None
    time_limit: int | None = None


@dataclass(frozen=True)
class Conference:
    """Put the call in a named conference room, with ``wait`` playing until another joins.

    ``target`` hears how the call left the room (None: the next verb follows); ``events``
    hears the room start and end and each participant join and leave; ``end_on_exit`` ends
    the room for everyone when this call leaves it.
    """

    room: str
    target: Target | None = None
    wait: Target | None = None
    events: Target | None = None
    end_on_exit: bool = False


@dataclass(frozen=True)
class Enqueue:
    """Put the caller in a named queue; ``wait`` plays while they wait."""

    queue: str
    wait: Target
    target: Target


@dataclass(frozen=True)
class Leave:
    """Take the caller out of the queue they wait in (only in a wait document)."""


@dataclass(frozen=True)
class Hold:
    """Play the hold music once."""


@dataclass(frozen=True)
class Record:
    """Record the caller after a beep; the recording goes to ``target``."""

    target: Target
    max_length: int
    timeout: int = 5
    finish_on_key: str = "#"


@dataclass(frozen=True)
class Redirect:
    """Continue the call at another webhook."""

    target: Target


@dataclass(frozen=True)
class Hangup:
    """End the call."""


@dataclass(frozen=True)
class Outcome:
    """Note how the call ended up (connected, voicemail, callback…) for its record."""

    name: str


@dataclass(frozen=True)
class SendSms:
    """Send the caller a text message, then say whether it went."""

    to: str
    lines: tuple[Speech, ...]
    lang: str
    sent: Speech
    failed: Speech


@dataclass(frozen=True)
class SaveVoicemail:
    """Keep a voicemail's metadata; nothing is said about it."""

    recording_url: str
    duration: int
    node: str
    lang: str | None


Action: TypeAlias = (
    Speak | Gather | Dial | Conference | Record | Redirect | Hangup | Enqueue | Leave | Hold
    | Outcome | SendSms | SaveVoicemail
)
