"""Helpers for the tests of calls that come back: a simulated world, its fake REST API, workers.

``Line`` is the helpline app running in-process inside a simulator, with a store of the
test's own; its fake REST API is wrapped in ``ApiLog``, which keeps the form of every call
it was asked to create. Workers place calls through that API, exactly as in production
(``twilio.rest.Client`` with the simulator's HTTP client), so ``sim.run()`` then plays the
calls out: the person answers (or not) as the dial plan says, the app answers the webhooks,
and the status callbacks settle each try.
"""

from __future__ import annotations

import functools
import io
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from flask import Flask
from support import TOKEN, app_config, lisbon

from ivr.attempts import ComebackSettings, comeback_settings
from ivr.menu import Menu, load_menu
from ivr.simulator.legs import Direction
from ivr.simulator.parties import DialPlan, parse_sequence
from ivr.simulator.rest.client import SimulatorHttpClient
from ivr.simulator.simulator import Simulator
from ivr.simulator.targets import DeferredApp
from ivr.simulator.transport import WSGIApp, WSGITransport
from ivr.store import SqlStore
from ivr.web import create_app
from ivr.web.runtime import RUNTIME_KEY
from ivr.web.twilio_api import TwilioTelephony, make_client
from ivr.worker import Worker
from ivr.worker_command import webhook_url

BASE = "https://ivr.example.test"
AT = lisbon("2026-12-09T15:30")  # a Wednesday: the LAM and the STT are open
PERSON = "+351912345678"
ENTITY = "+351213000123"


class ApiLog:
    """The fake REST API, noting the form of every call it is asked to create."""

    def __init__(self, api: WSGIApp) -> None:
        self.api = api
        self.created: list[dict[str, str]] = []
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        with self._lock:  # the simulation is not thread-safe: one request at a time
            if environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"].endswith(
                    "/Calls.json"):
                body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
                self.created.append(dict(parse_qsl(body.decode())))
                environ["wsgi.input"] = io.BytesIO(body)
            return list(self.api(environ, start_response))


@dataclass
class Line:
    """The helpline inside a simulator, its store, and the fake REST API's log."""

    sim: Simulator
    app: Flask
    api: ApiLog

    @property
    def store(self) -> SqlStore:
        """Return the app's store."""
        store: SqlStore | None = self.app.extensions[RUNTIME_KEY].store
        assert store is not None
        return store

    @property
    def menu(self) -> Menu:
        """Return the app's menu."""
        menu: Menu = self.app.extensions[RUNTIME_KEY].menu
        return menu

    def http_client(self) -> SimulatorHttpClient:
        """Return a REST client transport that reaches the logged fake API."""
        return SimulatorHttpClient(self.api)

    def worker(self, worker_id: str = "w1", store: SqlStore | None = None,
               menu: Menu | None = None, **settings: Any) -> Worker:
        """Build a worker placing calls through the fake API (``settings``: IVR_* values)."""
        config = {"TWILIO_ACCOUNT_SID": self.sim.account_sid, "IVR_AUTH_TOKEN": TOKEN}
        telephony = TwilioTelephony(make_client(config, self.http_client()), webhook_url(BASE))
        return Worker(store or self.store, telephony, menu or self.menu, self.sim.clock,
                      worker_id, comeback_settings(settings) if settings else ComebackSettings())

    def placed_legs(self) -> list[str]:
        """Return the numbers the fake API has called, in order."""
        return [leg.to for leg in self.sim.world.legs.values()
                if leg.direction is Direction.OUTBOUND_API]


def line(tmp_path: Path, *, at: datetime = AT, dial: Mapping[str, str] | None = None,
         dial_default: str = "answer:1:talk=60", menus: Path | None = None,
         **settings: Any) -> Line:
    """Start the helpline in a simulator at ``at``; ``dial`` scripts numbers' outcomes."""
    deferred = DeferredApp()
    plan = DialPlan({number: parse_sequence(text) for number, text in (dial or {}).items()},
                    parse_sequence(dial_default)[0])
    sim = Simulator(WSGITransport(deferred, BASE), at=at, seed=7, auth_token=TOKEN,
                    dial_plan=plan)
    api = ApiLog(sim.api)
    config = app_config(TWILIO_ACCOUNT_SID=sim.account_sid, IVR_PUBLIC_BASE_URL=BASE,
                        IVR_INSTANCE=str(tmp_path / "instance"), **settings)
    if menus is not None:
        config["IVR_MENUS"] = str(menus)
    app = create_app(config, clock=sim.clock, twilio_http_client=SimulatorHttpClient(api))
    deferred.app = app
    return Line(sim, app, api)


@functools.cache
def shipped_menu() -> Menu:
    """Return the shipped menu, loaded once."""
    from support import ROOT

    return load_menu(ROOT / "menus")



