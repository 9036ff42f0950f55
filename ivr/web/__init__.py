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
from typing import Any

from flask import Flask

from ivr.clock import Clock, SystemClock
from ivr.config import DEFAULTS, from_environ, sms_enabled
from ivr.web import audio, errors, security, voice
from ivr.web.messenger import Messenger, TwilioMessenger
from ivr.web.runtime import RUNTIME_KEY, build_runtime

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
    security.init_app(app)
    app.extensions[RUNTIME_KEY] = build_runtime(
        app.config, clock or SystemClock(), _messenger(app.config, twilio_http_client))
    app.register_blueprint(voice.bp)
    app.register_blueprint(audio.bp)
    errors.init_app(app)
    return app


def _messenger(config: Mapping[str, Any], http_client: Any) -> Messenger | None:
    """Build the SMS sender when SMS is enabled."""
    if not sms_enabled(config):
        return None
    return TwilioMessenger(config["TWILIO_ACCOUNT_SID"], config["IVR_AUTH_TOKEN"],
                           config["IVR_TWILIO_API_URL"], http_client)
