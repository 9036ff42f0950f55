"""The Flask app: voice webhooks, recorded prompts, signature checks, TwiML on every error.

    create_app(test_config=None, *, clock=None, twilio_http_client=None) -> Flask

Settings come from ``ivr.config`` (defaults, ``IVR_*`` environment variables, then
``test_config``). The menu is loaded and checked here: a bad menu stops the start with every
problem at file:line:column.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from ivr.clock import Clock, SystemClock
from ivr.config import DEFAULTS, from_environ, proxy_hops, sms_enabled
from ivr.routing.allocation import StoreAllocator, roster_specs
from ivr.store import SchemaOutdated, StoreError, open_store, settings_from
from ivr.web import audio, console, errors, security, voice
from ivr.web.recorder import CallRecorder
from ivr.web.reload import Reloader
from ivr.web.runtime import RELOADER_KEY, RUNTIME_KEY, Runtime, build_runtime
from ivr.web.twilio_api import TwilioMessenger, TwilioTelephony, make_client

log = logging.getLogger(__name__)
MAX_REQUEST_BYTES = 256 * 1024  # Twilio's webhooks are a few hundred bytes


def create_app(test_config: Mapping[str, Any] | None = None, *, clock: Clock | None = None,
               twilio_http_client: Any = None) -> Flask:
    """Build the helpline app."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(DEFAULTS, MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES)
    app.config.update(from_environ(os.environ))
    if test_config is not None:
        app.config.update(test_config)
    hops = proxy_hops(app.config)
    if hops:  # the client's address, as the nearest proxy saw it; nothing else is taken
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops)  # type: ignore[method-assign]
    security.init_app(app)
    client = make_client(app.config, twilio_http_client)
    messenger = TwilioMessenger(client) if client and sms_enabled(app.config) else None
    runtime = build_runtime(app.config, clock or SystemClock(), messenger)
    connect_people(runtime, app.config, client)
    app.extensions[RUNTIME_KEY] = runtime
    app.extensions[RELOADER_KEY] = _reloader(app, runtime)
    app.register_blueprint(voice.bp)
    app.register_blueprint(audio.bp)
    errors.init_app(app)
    console.init_app(app)
    return app


def connect_people(runtime: Runtime, config: Mapping[str, Any], client: Any) -> None:
    """Open the store, load the rosters into it and connect the REST API, when configured.

    A store that cannot be opened is logged and left out: menus keep answering, and the
    nodes that need people apologise and hand over to the fallback number.
    """
    if client is not None:
        runtime.telephony = TwilioTelephony(client, voice.absolute_url)
    settings = settings_from(config)
    try:
        store = open_store(settings.url, Path(config["IVR_INSTANCE"]), settings.privacy,
                           tolerate_outage=True)
    except SchemaOutdated:
        raise
    except StoreError as exc:
        log.error("the store is unavailable (%s): calls that need people go to the "
                  "fallback number", exc)
        return
    os.register_at_fork(after_in_child=store.forked)  # gunicorn loads the app, then forks
    runtime.store = store
    runtime.records = store
    runtime.recorder = CallRecorder(store)
    _load_rosters(runtime)


def _load_rosters(runtime: Runtime) -> None:
    """Put the menu's rosters in the store and allocate from them."""
    rosters = runtime.menu.rosters
    if runtime.store is None or rosters is None:
        return
    try:
        runtime.store.sync_agents(roster_specs(rosters))
    except StoreError as exc:
        log.error("could not load the rosters into the store: %s", exc)
        return
    runtime.allocator = StoreAllocator(runtime.store, rosters)


def _reloader(app: Flask, runtime: Runtime) -> Reloader:
    """Watch the admin files; an edit builds a new runtime beside the running one."""
    config = app.config

    def rebuild(old: Runtime) -> Runtime:
        fresh = build_runtime(config, old.clock, old.messenger)
        fresh.telephony, fresh.store, fresh.records = old.telephony, old.store, old.records
        fresh.recorder = old.recorder
        _load_rosters(fresh)
        app.extensions[RUNTIME_KEY] = fresh
        return fresh

    folders = [Path(config[key]) for key in ("IVR_MENUS", "IVR_LOCALES", "IVR_PROMPTS")]
    return Reloader(runtime, rebuild, folders, float(config["IVR_RELOAD_INTERVAL"]))
