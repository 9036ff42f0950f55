"""The other parties: what happens when the app dials a number or the REST API calls one.

The OUTCOME grammar of ``--dial NUMBER=OUTCOME[,OUTCOME...]`` and ``--dial-default``::

    OUTCOME := KIND (":" PART)*
    KIND    := answer | decline | busy | no-answer | failed
    PART    := KEYS           keys for the party's next Gather (a whisper); "" is silence
             | say=TEXT       speech for the party's next Gather
             | ring=SECONDS   rings this long first (default 5 s; busy 2 s, failed 1 s)
             | talk=SECONDS   stays this long once connected (default 60 s), then hangs up
             | star=SECONDS   the caller presses * this long after the Dial began

``answer`` picks up and runs the whisper URL (if any), answering its Gathers with the keys
given; ``decline`` picks up and hangs up before being connected (at the whisper's first
Gather, or at once). A comma-separated list scripts successive dials of the same number;
its last outcome repeats. Examples: ``answer``, ``answer:1``, ``answer:1:talk=120``,
``decline``, ``busy``, ``no-answer``, ``failed``, ``no-answer,answer:1``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Protocol

import phonenumbers

from ivr.errors import SimulatorError
from ivr.simulator import behaviour
from ivr.simulator.actors import Keys, Reply, ScriptedActor, Silence, Speech, parse_reply


class OutcomeKind(StrEnum):
    """What a dialled party does."""

    ANSWER = "answer"
    DECLINE = "decline"
    BUSY = "busy"
    NO_ANSWER = "no-answer"
    FAILED = "failed"


_DEFAULT_RING_S = {
    OutcomeKind.BUSY: behaviour.BUSY_S,
    OutcomeKind.FAILED: behaviour.FAILED_S,
}


@dataclass(frozen=True)
class Outcome:
    """One scripted behaviour of a dialled party."""

    kind: OutcomeKind
    replies: tuple[Reply, ...] = ()
    ring_s: float | None = None
    talk_s: float = behaviour.TALK_S
    star_s: float | None = None

    @property
    def picks_up(self) -> bool:
        """Tell whether the party answers the phone at all."""
        return self.kind in {OutcomeKind.ANSWER, OutcomeKind.DECLINE}

    def ring_seconds(self) -> float:
        """Return how long the phone rings before the party acts."""
        if self.ring_s is not None:
            return self.ring_s
        return _DEFAULT_RING_S.get(self.kind, behaviour.RING_S)

    def actor(self) -> ScriptedActor:
        """Return the person who answers, scripted by this outcome."""
        return ScriptedActor(self.replies, self.talk_s, self.kind is OutcomeKind.DECLINE)


def parse_outcome(text: str) -> Outcome:
    """Read one OUTCOME; raise SimulatorError naming the bad part."""
    kind_text, *parts = text.strip().split(":")
    try:
        kind = OutcomeKind(kind_text.strip())
    except ValueError:
        choices = ", ".join(kind.value for kind in OutcomeKind)
        raise SimulatorError(f"dial outcome {text!r} must start with one of {choices}") from None
    replies: list[Reply] = []
    timing: dict[str, float] = {}
    for part in parts:
        name, equals, value = part.partition("=")
        if equals and name in {"ring", "talk", "star"}:
            timing[name] = _seconds(value, text)
        elif equals and name == "say":
            replies.append(Speech(value) if value else Silence())
        elif not equals:
            replies.append(_keys(part, text))
        else:
            raise SimulatorError(f"dial outcome {text!r} has an unknown part {part!r}")
    if replies and kind is not OutcomeKind.ANSWER:
        raise SimulatorError(f"dial outcome {text!r}: only answer takes keys")
    return Outcome(
        kind,
        tuple(replies),
        timing.get("ring"),
        timing.get("talk", behaviour.TALK_S),
        timing.get("star"),
    )


def _seconds(value: str, text: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if seconds < 0:
        raise SimulatorError(f"dial outcome {text!r}: {value!r} is not a number of seconds")
    return seconds


def _keys(part: str, text: str) -> Reply:
    reply = parse_reply(part) if part else Silence()
    if not isinstance(reply, Keys | Silence):
        raise SimulatorError(f"dial outcome {text!r}: {part!r} is not keys")
    return reply


def parse_sequence(text: str) -> list[Outcome]:
    """Read ``OUTCOME[,OUTCOME...]``."""
    return [parse_outcome(item) for item in text.split(",")]


def parse_dial_option(text: str) -> tuple[str, list[Outcome]]:
    """Read one ``--dial NUMBER=OUTCOME[,OUTCOME...]``."""
    number, equals, outcomes = text.partition("=")
    if not equals or not number.strip() or not outcomes.strip():
        raise SimulatorError(
            f"--dial {text!r} must look like NUMBER=OUTCOME, e.g. +351210000101=busy"
        )
    return number.strip(), parse_sequence(outcomes)


@lru_cache(maxsize=1024)
def same_number(number: str) -> str:
    """Return a number in E.164 when it parses (Portugal by default), else as given."""
    try:
        parsed = phonenumbers.parse(number, "PT")
    except phonenumbers.NumberParseException:
        return number.strip()
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


class OutcomeChooser(Protocol):
    """Ask a person what a dialled party does (the interactive mode)."""

    def choose(self, number: str) -> Outcome:
        """Return the outcome for one dial of ``number``."""
        ...


class DialPlan:
    """Scripted outcomes per number, a default, and a person to ask otherwise."""

    def __init__(
        self,
        scripts: Mapping[str, Iterable[Outcome]] | None = None,
        default: Outcome | None = None,
        chooser: OutcomeChooser | None = None,
    ) -> None:
        self._scripts = {same_number(n): list(o) for n, o in (scripts or {}).items()}
        self._default = default
        self._chooser = chooser

    def outcome_for(self, number: str) -> Outcome:
        """Return what the party at ``number`` does this time."""
        script = self._scripts.get(same_number(number))
        if script:
            return script.pop(0) if len(script) > 1 else script[0]
        if self._default is not None:
            return self._default
        if self._chooser is not None:
            return self._chooser.choose(number)
        return parse_outcome(behaviour.SCRIPTED_DIAL_DEFAULT)
