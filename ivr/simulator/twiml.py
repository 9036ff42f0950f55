"""Read a TwiML answer the way Twilio does: parse, check nesting, flatten SSML.

A malformed document is error 12100 and stops the fetch. A well-formed document with an
unknown or misplaced element is warning 12200: the element is dropped and the rest runs,
which is what callers hear on the real line (§2, §4).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from ivr.simulator import behaviour

#: Verbs allowed directly under <Response> that the simulator runs.
VERBS = frozenset(
    {"Say", "Play", "Pause", "Gather", "Dial", "Enqueue", "Leave", "Record", "Redirect"}
    | {"Hangup", "Reject"}
)
#: Real verbs the simulator only logs (they start side processes) or cannot run.
LOGGED_VERBS = frozenset({"Start", "Stop"})
UNSUPPORTED_VERBS = frozenset({"Connect", "Refer", "Pay", "Prompt", "Sms", "Echo"})
#: What each verb may contain (§2 nesting rules); Say holds SSML, checked apart.
CHILDREN: dict[str, frozenset[str]] = {
    "Gather": frozenset({"Say", "Play", "Pause"}),
    "Dial": frozenset(
        {"Number", "Client", "Sip", "Conference", "Queue", "Sim", "Application", "WhatsApp"}
    ),
    "Enqueue": frozenset({"Task"}),
    "Hangup": frozenset({"Parameter"}),
}
_BREAK_STRENGTH_S = {"none": 0.0, "x-weak": 0.1, "weak": 0.25, "medium": 0.5}
_BREAK_STRENGTH_S |= {"strong": 0.75, "x-strong": 1.25}
_SPACES = re.compile(r"\s+")


class TwimlParseError(Exception):
    """The answer is not a TwiML document (12100)."""


@dataclass(frozen=True)
class Problem:
    """A schema warning found while reading a document."""

    code: int
    message: str


@dataclass(frozen=True)
class Document:
    """A checked TwiML document and the URL it came from."""

    url: str
    verbs: tuple[ET.Element, ...]
    problems: tuple[Problem, ...] = field(default=())


def parse_document(body: bytes | str, url: str) -> Document:
    """Parse a TwiML answer; raise TwimlParseError when Twilio could not."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise TwimlParseError(f"the answer is not well-formed XML ({exc})") from None
    if root.tag != "Response":
        raise TwimlParseError(f"the root element is <{root.tag}>, not <Response>")
    problems: list[Problem] = []
    verbs = tuple(verb for verb in root if _check_verb(verb, problems))
    return Document(url, verbs, tuple(problems))


def _check_verb(verb: ET.Element, problems: list[Problem]) -> bool:
    """Tell whether a top-level element runs; drop its misplaced children."""
    name = verb.tag
    if name in UNSUPPORTED_VERBS:
        problems.append(Problem(behaviour.SCHEMA_WARNING, f"<{name}> is not simulated; skipped"))
        return False
    if name not in VERBS and name not in LOGGED_VERBS:
        problems.append(Problem(behaviour.SCHEMA_WARNING, f"unknown verb <{name}>; skipped"))
        return False
    if name == "Say" or name in LOGGED_VERBS:
        return True
    allowed = CHILDREN.get(name, frozenset())
    for child in list(verb):
        if child.tag not in allowed or _is_digits_play_in_gather(name, child):
            problems.append(
                Problem(behaviour.SCHEMA_WARNING, f"<{child.tag}> is not allowed in <{name}>")
            )
            verb.remove(child)
    return True


def _is_digits_play_in_gather(parent: str, child: ET.Element) -> bool:
    return parent == "Gather" and child.tag == "Play" and child.get("digits") is not None


def twiml_for_text(text: str) -> Document:
    """Return the document Twilio plays for a text/plain answer: say it, then hang up."""
    say = ET.Element("Say")
    say.text = text
    return Document("", (say,))


def twiml_for_audio(url: str) -> Document:
    """Return the document Twilio plays for an audio answer: play it, then hang up."""
    play = ET.Element("Play")
    play.text = url
    return Document(url, (play,))


def spoken_text(say: ET.Element) -> tuple[str, float]:
    """Flatten a Say's SSML to plain text, and add up the silence its breaks ask for."""
    parts: list[str] = []
    silence = _flatten(say, parts)
    return _SPACES.sub(" ", "".join(parts)).strip(), silence


def _flatten(element: ET.Element, parts: list[str]) -> float:
    silence = 0.0
    if element.tag == "sub" and element.get("alias") is not None:
        parts.append(element.get("alias", ""))
    elif element.tag == "break":
        silence += _break_seconds(element)
        parts.append(" ")
    else:
        parts.append(element.text or "")
        for child in element:
            silence += _flatten(child, parts)
            parts.append(child.tail or "")
    if element.tag in {"p", "s"}:
        parts.append(" ")
    return silence


def _break_seconds(element: ET.Element) -> float:
    time = (element.get("time") or "").strip()
    if time.endswith("ms") and time[:-2].isdigit():
        return int(time[:-2]) / 1000
    if time.endswith("s") and time[:-1].replace(".", "", 1).isdigit():
        return float(time[:-1])
    return _BREAK_STRENGTH_S.get(element.get("strength", "medium"), 0.5)


def text_of(element: ET.Element) -> str:
    """Return an element's own text without surrounding whitespace."""
    return (element.text or "").strip()
