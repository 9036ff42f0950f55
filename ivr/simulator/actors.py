"""The people on each leg: what they press, say or record when the TwiML waits for them.

An ``--input`` value answers the next Gather or Record of the tester's leg:

- ``2`` or ``1150#``: keys (0-9, ``*``, ``#``);
- an empty string: silence;
- ``say:TEXT``: speech (only heard by a Gather whose ``input`` includes ``speech``);
- ``record:SECONDS``, ``record:SECONDS:KEY`` or ``record:SECONDS:hangup``: a recording that
  long, ended by silence, by KEY, or by the caller hanging up (at a Gather it is silence);
- ``hangup``: the person hangs up instead of answering.

When scripted answers run out, every further Gather or Record hears silence.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from ivr.errors import SimulatorError

_KEYS = re.compile(r"[0-9*#]+")


@dataclass(frozen=True)
class Keys:
    """DTMF keys pressed one after another."""

    digits: str


@dataclass(frozen=True)
class Speech:
    """Words spoken (typed by the tester)."""

    text: str


@dataclass(frozen=True)
class Silence:
    """Nothing at all."""


@dataclass(frozen=True)
class Recorded:
    """A recording of ``seconds``, ended by ``key``, by silence when key is None, or by the
    caller hanging up when key is ``"hangup"``."""

    seconds: float
    key: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class HangingUp:
    """The person hangs up instead of answering."""


Reply = Keys | Speech | Silence | Recorded | HangingUp


def parse_reply(value: str) -> Reply:
    """Read one ``--input`` value; raise SimulatorError with the grammar when it is wrong."""
    text = value.strip()
    if not text:
        return Silence()
    if text == "hangup":
        return HangingUp()
    if text.startswith("say:"):
        return Speech(text[4:].strip()) if text[4:].strip() else Silence()
    if text.startswith("record:"):
        return _parse_recording(text)
    if _KEYS.fullmatch(text):
        return Keys(text)
    raise SimulatorError(
        f"input {value!r} is not keys (0-9 * #), say:TEXT, record:SECONDS, hangup "
        "or an empty string for silence"
    )


def _parse_recording(text: str) -> Recorded:
    parts = text.split(":")
    try:
        seconds = float(parts[1])
    except (IndexError, ValueError):
        seconds = -1.0
    key = parts[2] if len(parts) > 2 else None
    is_key = key is None or key == "hangup" or _KEYS.fullmatch(key)
    if seconds < 0 or len(parts) > 3 or not is_key:
        raise SimulatorError(
            f"input {text!r} is not record:SECONDS, record:SECONDS:KEY or record:SECONDS:hangup"
        )
    return Recorded(seconds, key)


@dataclass(frozen=True)
class GatherPrompt:
    """What a Gather waits for, shown to a person who answers it."""

    leg: str
    modes: frozenset[str]
    num_digits: int | None
    finish_on_key: str
    timeout: int
    language: str


@dataclass(frozen=True)
class RecordPrompt:
    """What a Record waits for."""

    leg: str
    max_length: int
    finish_on_key: str


class Actor(Protocol):
    """A person on a leg."""

    #: Seconds they stay once connected to someone; None: until the others leave.
    talk_s: float | None
    #: They hang up before a whisper connects them.
    is_declining: bool

    def reply_to_gather(self, prompt: GatherPrompt) -> Reply:
        """Answer a Gather."""
        ...

    def reply_to_record(self, prompt: RecordPrompt) -> Reply:
        """Answer a Record."""
        ...


class ScriptedActor:
    """A person who answers from a list, then stays silent."""

    def __init__(
        self, replies: Iterable[Reply] = (), talk_s: float | None = None, declines: bool = False
    ) -> None:
        self._replies = deque(replies)
        self.talk_s = talk_s
        self.is_declining = declines

    def reply_to_gather(self, prompt: GatherPrompt) -> Reply:
        """Give the next scripted answer; a declining person hangs up instead."""
        return self._next()

    def reply_to_record(self, prompt: RecordPrompt) -> Reply:
        """Give the next scripted answer; a declining person hangs up instead."""
        return self._next()

    def _next(self) -> Reply:
        if self.is_declining:
            return HangingUp()
        return self._replies.popleft() if self._replies else Silence()
