"""The state of a call between two webhooks, and the events that move it.

Twilio signs the whole URL of every action it requests, so the state travels in the query
string (``n`` node, ``l`` language, ``f`` failures, ``p`` phase, ``r`` a reference such as
an agent or a job number, ``t`` agents already tried, ``s`` since when the caller waits) and
cannot be forged. Any
worker on any machine can therefore serve the next step. Decoding never raises: a value that
is malformed is dropped, and the engine treats what is left.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from ivr.i18n import LANGUAGES

_NODE = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
_PHASE = re.compile(r"^[a-z]{1,12}$")
_REF = re.compile(r"^[A-Za-z0-9_.+-]{1,48}$")
_TRIED = re.compile(r"^[a-z0-9_]{1,48}(\.[a-z0-9_]{1,48}){0,19}$")  # dots: no escaping
MAX_FAILS = 99


@dataclass(frozen=True)
class CallState:
    """Where a call stands: node, language once chosen, failed attempts, node phase."""

    node: str
    lang: str | None = None
    fails: int = 0
    phase: str = ""
    ref: str = ""
    tried: tuple[str, ...] = ()
    since: int = 0  # when the caller started waiting for a person (Unix seconds)

    def at(self, node: str, *, phase: str = "") -> CallState:
        """Return the state of arriving at another node (failures start again)."""
        return replace(self, node=node, fails=0, phase=phase, ref="", tried=(), since=0)

    def to_query(self) -> dict[str, str]:
        """Encode the state as query parameters, leaving out defaults."""
        query = {"n": self.node}
        if self.lang:
            query["l"] = self.lang
        if self.fails:
            query["f"] = str(self.fails)
        if self.phase:
            query["p"] = self.phase
        if self.ref:
            query["r"] = self.ref
        if self.tried:
            query["t"] = ".".join(self.tried)
        if self.since:
            query["s"] = str(self.since)
        return query

    @classmethod
    def from_query(cls, query: Mapping[str, str], default_node: str) -> CallState:
        """Decode a state from query parameters; malformed values are dropped."""
        node = query.get("n", "")
        lang = query.get("l")
        fails = query.get("f", "0")
        phase = query.get("p", "")
        ref = query.get("r", "")
        tried = query.get("t", "")
        since = query.get("s", "")
        return cls(
            node=node if _NODE.match(node) else default_node,
            lang=lang if lang in LANGUAGES else None,
            fails=min(int(fails), MAX_FAILS) if fails.isdigit() else 0,
            phase=phase if _PHASE.match(phase) else "",
            ref=ref if _REF.match(ref) else "",
            tried=tuple(tried.split(".")) if _TRIED.match(tried) else (),
            since=int(since) if since.isdigit() and len(since) <= 12 else 0,
        )


class EventKind(StrEnum):
    """What happened since the last webhook."""

    ENTER = "enter"  # the call arrives at the node (first webhook or a redirect)
    INPUT = "input"  # the caller pressed keys or spoke
    SILENCE = "silence"  # a Gather ended with nothing
    DIAL_DONE = "dial"  # a Dial ended; ``dial_status`` says how
    RECORDED = "recorded"  # a Record produced a recording
    NO_RECORDING = "no-recording"  # a Record ended empty
    WHISPER = "whisper"  # the called party's leg asks what to hear before it is connected
    WAIT = "wait"  # a queued caller's wait URL is requested again
    QUEUE_DONE = "queue"  # the caller left a queue (QueueResult says how)
    LEG = "leg"  # a status callback of a leg the helpline placed or dialled
    CONFERENCE = "conference"  # a conference status callback (StatusCallbackEvent says what)


@dataclass(frozen=True)
class Caller:
    """What the webhook tells about the caller."""

    number: str = ""
    region: str | None = None
    is_mobile: bool = False
    can_sms: bool = False


@dataclass(frozen=True)
class Event:
    """One event of a call, with the Twilio parameters that matter to the engine."""

    kind: EventKind
    caller: Caller = Caller()
    digits: str = ""
    speech: str = ""
    dial_status: str = ""
    recording_url: str = ""
    recording_duration: int = 0
    call_sid: str = ""
    parent_call_sid: str = ""
    dial_bridged: bool = True
    queue_result: str = ""
    queue_position: int = 0
    queue_time: int = 0
    average_queue_time: int = 0
    call_status: str = ""
    conference_event: str = ""  # participant-join, participant-leave, conference-end...

    @property
    def caller_gone(self) -> bool:
        """Tell whether the caller hung up: Twilio still asks a Dial's, an Enqueue's or a
        Record's action then, with the call completed, and runs nothing it answers."""
        return self.call_status == "completed"
