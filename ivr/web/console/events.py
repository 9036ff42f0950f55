"""What a person watching the console's phone sees: the call's events in the order they came.

Rules of this module:
- ``EventLog`` is a simulator observer, like ``ivr call``'s terminal transcript, and keeps
  steps, webhook requests, notes and warnings in one ordered list;
- ``shaped`` turns them into plain JSON for the page: every event has ``type``, ``time``
  (Lisbon wall clock, HH:MM:SS) and ``leg``; a Say has its text, Twilio language and voice
  and an HTML ``lang``; a Play has the URL the browser fetches the recording from (this
  app's ``/audio``) and the recording's words; other verbs have ``ivr call``'s one-line
  description;
- request URLs are shown as path and query only: the twin's host means nothing to a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask import url_for

from ivr.i18n import LANGUAGES
from ivr.prompts import Prompt, Resolver
from ivr.simulator.console import describe
from ivr.simulator.targets import IN_PROCESS_BASE_URL
from ivr.simulator.transcript import Notice, RequestRecord, Step

AUDIO_PATH = re.compile(r"^/audio/(?P<lang>[A-Za-z_]+)/(?P<name>[A-Za-z0-9_.]+\.wav)$")
HTML_LANG = {"arb": "ar"}  # Twilio's Arabic; every other Say language is already BCP 47


@dataclass(frozen=True)
class Event:
    """One thing that happened on the call, with who it happened to."""

    kind: str
    label: str
    at: datetime
    item: Step | RequestRecord | Notice | str


class EventLog:
    """Collect a call's events in order (a simulator ``Observer``)."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def on_step(self, step: Step, label: str) -> None:
        """Keep a verb that ran."""
        self.events.append(Event("step", label, step.at, step))

    def on_request(self, request: RequestRecord, label: str) -> None:
        """Keep a webhook request."""
        self.events.append(Event("request", label, request.at, request))

    def on_notice(self, notice: Notice, label: str) -> None:
        """Keep a warning."""
        self.events.append(Event("warning", label, notice.at, notice))

    def on_note(self, leg: str, label: str, text: str, at: datetime) -> None:
        """Keep a note (ringing, connected, waiting)."""
        self.events.append(Event("note", label or "simulator", at, text))

    def shaped(self, resolver: Resolver) -> list[dict[str, Any]]:
        """Return the events as plain JSON for the page."""
        return [{"type": e.kind, "time": e.at.strftime("%H:%M:%S"), "leg": e.label,
                 **_fields(e.item, resolver)} for e in self.events]


def _fields(item: Step | RequestRecord | Notice | str, resolver: Resolver) -> dict[str, Any]:
    """Return what the page shows of one event."""
    if isinstance(item, str):
        return {"text": item}
    if isinstance(item, Notice):
        return {"code": item.code, "text": item.message}
    if isinstance(item, RequestRecord):
        parts = urlsplit(item.url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return {"method": item.method, "url": path, "status": item.status,
                "kind": str(item.kind)}
    fields: dict[str, Any] = {"verb": item.verb,
                              "text": describe(item).replace(IN_PROCESS_BASE_URL, "")}
    if item.verb == "Say":
        language = str(item.fields.get("language", ""))
        fields.update(text=str(item.fields.get("text", "")), language=language,
                      voice=str(item.fields.get("voice", "")),
                      lang=HTML_LANG.get(language, language))
    elif item.verb == "Play":
        fields.update(_recording(str(item.fields.get("url") or ""), resolver))
    elif item.verb == "Dial":
        fields.update(status=item.fields.get("status"), numbers=item.fields.get("numbers"))
    return fields


def _recording(url: str, resolver: Resolver) -> dict[str, Any]:
    """Return the browser's URL of a played recording and its words, when it is a prompt."""
    match = AUDIO_PATH.match(urlsplit(url).path)
    if match is None:
        return {"audio": None}
    lang, name = match["lang"], match["name"]
    words = None
    if lang in LANGUAGES:
        words = resolver.render(Prompt(name.removesuffix(".wav"), lang), lang)
    return {"audio": url_for("audio.prompt", lang=lang, name=name), "words": words,
            "lang": html_lang(lang) if lang in LANGUAGES else None}


def html_lang(code: str) -> str:
    """Return the HTML ``lang`` of one of the helpline's languages (pt_PT → pt-PT)."""
    return code.replace("_", "-")


def language_of(code: str | None) -> dict[str, str] | None:
    """Describe the language a call is in: its code, own name, English name, HTML lang."""
    if code is None or code not in LANGUAGES:
        return None
    language = LANGUAGES[code]
    return {"code": code, "name": language.autonym, "english_name": language.english_name,
            "lang": html_lang(code)}
