"""A twin of the helpline for one call from the console's phone.

Rules of this module:
- the twin answers with the helpline's own blueprints (voice webhooks, recorded prompts,
  TwiML on every error) and with the menu, catalogues and recordings the running app has
  loaded, after any safe reload: what the console's phone hears is what a caller hears;
- it never touches the running app's people or accounts: its clock is the simulator's, its
  Twilio REST API the simulator's fake one, its store a fresh SQLite file holding the
  rosters; so a test call claims no real operator, sends no real SMS and leaves no call
  record, and the same inputs give the same call every time;
- its webhooks are signed and checked, with a token of its own, as ``ivr call`` does;
- what its webhooks learn about the call (the nodes reached, the language, the outcomes)
  is kept in memory by ``CallWatch`` for the console to show, and written nowhere;
- nothing of it outlives the call: the store is closed and its folder removed;
- what the shared webhook code logs for it starts with ``TWIN_LOG_PREFIX``, so that a test
  call from the console is never mistaken for a real one in the server's log.
"""

from __future__ import annotations

import dataclasses
import logging
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context

from ivr.clock import Clock
from ivr.config import sms_enabled
from ivr.routing.allocation import StoreAllocator, roster_specs
from ivr.store import open_store, settings_from
from ivr.web import audio, errors, security, voice
from ivr.web.recorder import CallRecorder
from ivr.web.runtime import RUNTIME_KEY, AnswerCache, Runtime
from ivr.web.twilio_api import TwilioMessenger, TwilioTelephony, make_client

TWIN_KEY = "IVR_CONSOLE_TWIN"  # set in the twin's config
TWIN_LOG_PREFIX = "console test call: "
#: The loggers of the webhook code the twin shares with the helpline.
SHARED_LOGGERS = ("ivr.web.voice", "ivr.web.errors", "ivr.web.security", "ivr.web.twilio_api")


class TwinLogMarker(logging.Filter):
    """Mark what the shared webhook code logs while it serves a twin."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Prefix the record when it is logged inside the twin; never drop it."""
        in_twin = has_app_context() and bool(current_app.config.get(TWIN_KEY))
        if in_twin and not str(record.msg).startswith(TWIN_LOG_PREFIX):
            record.msg = TWIN_LOG_PREFIX + str(record.msg)
        return True


_MARKER = TwinLogMarker()


def mark_twin_logs() -> None:
    """Put the marker on the shared loggers, once per process."""
    for name in SHARED_LOGGERS:
        shared = logging.getLogger(name)
        if _MARKER not in shared.filters:
            shared.addFilter(_MARKER)


@dataclass(frozen=True)
class Reached:
    """A node a call reached, and its language then."""

    call_sid: str
    node: str
    lang: str | None


class CallWatch(CallRecorder):
    """Keep what the twin's webhooks learn about its calls, in memory, writing nothing."""

    def __init__(self, store: Any) -> None:
        super().__init__(store)
        self.path: list[Reached] = []
        self.outcomes: list[tuple[str, str]] = []

    def started(self, call_sid: str, line: str, caller: str, region: str | None,
                at: datetime) -> None:
        """Ignore a call's start: the simulator's transcript has it."""

    def reached(self, call_sid: str, node: str, language: str | None) -> None:
        """Keep a node the call reached, and its language."""
        self.path.append(Reached(call_sid, node, language))

    def outcome(self, call_sid: str, outcome: str) -> None:
        """Keep how the call ended up."""
        self.outcomes.append((call_sid, outcome))

    def voicemail(self, call_sid: str, caller: str, url: str, duration: int,
                  language: str | None, node: str, at: datetime) -> None:
        """Ignore a voicemail: the transcript shows the recording."""

    def ended(self, call_sid: str, at: datetime, duration: int | None, status: str) -> None:
        """Ignore a call's end: the transcript has it."""

    def latest(self, call_sid: str) -> Reached | None:
        """Return where a call got to last, or None before its first answer."""
        return next((r for r in reversed(self.path) if r.call_sid == call_sid), None)


@dataclass(frozen=True)
class Twin:
    """The twin app, and what it saw."""

    app: Flask
    watch: CallWatch = field(repr=False)


@contextmanager
def twin_app(parent: Runtime, config: Mapping[str, Any], clock: Clock, http_client: Any,
             auth_token: str, account_sid: str) -> Iterator[Twin]:
    """Build the helpline's twin on the simulator's clock and REST API; remove it after."""
    folder = Path(tempfile.mkdtemp(prefix="ivr-console-"))
    settings = {**config, "IVR_AUTH_TOKEN": auth_token, "TWILIO_ACCOUNT_SID": account_sid,
                "IVR_VALIDATE_SIGNATURES": True, "IVR_PUBLIC_BASE_URL": "",
                "IVR_TWILIO_API_URL": "", "IVR_DATABASE_URL": "", "IVR_INSTANCE": str(folder),
                TWIN_KEY: True}
    store = None
    try:
        app = Flask("ivr.web")
        app.config.from_mapping(settings)
        mark_twin_logs()
        security.init_app(app)
        client = make_client(app.config, http_client)
        store = open_store(None, folder, settings_from(app.config).privacy)
        watch = CallWatch(store)
        twin = dataclasses.replace(
            parent, clock=clock, answers=AnswerCache(256),
            messenger=TwilioMessenger(client) if sms_enabled(app.config) else None,
            telephony=TwilioTelephony(client, voice.absolute_url), store=store,
            records=store, recorder=watch, allocator=None)
        rosters = twin.menu.rosters
        if rosters is not None:
            store.sync_agents(roster_specs(rosters))
            twin.allocator = StoreAllocator(store, rosters)
        app.extensions[RUNTIME_KEY] = twin
        app.register_blueprint(voice.bp)
        app.register_blueprint(audio.bp)
        errors.init_app(app)
        yield Twin(app, watch)
    finally:
        if store is not None:
            store.close()
        shutil.rmtree(folder, ignore_errors=True)
