"""Twilio signature validation, on by default.

Twilio signs the URL it requested plus the sorted POST parameters with the account's auth
token. Behind a proxy that terminates TLS or rewrites the host, the URL the app sees is not
the one Twilio signed: set ``IVR_PUBLIC_BASE_URL`` to the public origin (and path prefix).
"""

from __future__ import annotations

import logging

from flask import Flask, abort, current_app, request
from twilio.request_validator import RequestValidator

from ivr.errors import ConfigError

log = logging.getLogger(__name__)
VALIDATOR_KEY = "ivr.validator"


def init_app(app: Flask) -> None:
    """Set up validation for the app; refuse to start with validation on and no token."""
    if not app.config["IVR_VALIDATE_SIGNATURES"]:
        log.warning("Twilio signature validation is OFF (IVR_VALIDATE_SIGNATURES=false): "
                    "anyone who can reach this server can drive its calls")
        return
    token = app.config["IVR_AUTH_TOKEN"]
    if not token:
        raise ConfigError("IVR_AUTH_TOKEN is not set: it is needed to check that webhooks "
                          "come from Twilio (or set IVR_VALIDATE_SIGNATURES=false for local "
                          "experiments)")
    app.extensions[VALIDATOR_KEY] = RequestValidator(token)


def public_url() -> str:
    """Return the URL of this request as Twilio requested it."""
    base = current_app.config["IVR_PUBLIC_BASE_URL"].rstrip("/")
    if not base:
        return request.url
    query = request.query_string.decode("latin-1")
    return f"{base}{request.path}" + (f"?{query}" if query else "")


def require_signature() -> None:
    """Abort with 403 unless the request carries a valid X-Twilio-Signature."""
    validator: RequestValidator | None = current_app.extensions.get(VALIDATOR_KEY)
    if validator is None:
        return
    params = request.form if request.method == "POST" else {}
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or not validator.validate(public_url(), params, signature):
        log.warning("refused %s %s: missing or wrong Twilio signature", request.method,
                    request.path)
        abort(403)
