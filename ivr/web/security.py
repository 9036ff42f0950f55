"""Twilio signature validation, on by default.

Twilio signs the URL it requested plus the sorted POST parameters with the account's auth
token. Behind a proxy that terminates TLS or rewrites the host, the URL the app sees is not
the one Twilio signed: set ``IVR_PUBLIC_BASE_URL`` to the public origin (and path prefix).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, unquote_plus

from flask import Flask, abort, current_app, request
from twilio.request_validator import RequestValidator, compare
from werkzeug.datastructures import MultiDict

from ivr.errors import ConfigError

log = logging.getLogger(__name__)
VALIDATOR_KEY = "ivr.validator"
PARAMS_KEY = "ivr.params"


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
    app.extensions[VALIDATOR_KEY] = Validator(token)


class Validator(RequestValidator):  # type: ignore[misc]  # twilio ships no type hints
    """twilio's ``RequestValidator``, signing a parsed form in one pass.

    For ``FormParams`` (one value per name, as Twilio sends them) the signed string is the
    URL followed by each name and its value in name order, which is what the parent builds
    through sets and sorted lists; anything else goes to the parent unchanged.
    """

    def compute_signature(self, uri: str, params: Any, algorithm: str | None = None) -> str:
        """Return the base64 HMAC-SHA1 Twilio puts in X-Twilio-Signature."""
        if algorithm is not None or type(params) is not FormParams:
            return str(super().compute_signature(uri, params, algorithm))
        signed = uri + "".join([name + params[name] for name in sorted(params)])
        # hmac.new, not hmac.digest: the one-shot form releases the GIL, which hands the
        # worker to the call-record thread in the middle of every webhook
        digest = hmac.new(self.token, signed.encode(), hashlib.sha1).digest()
        return base64.b64encode(digest).decode()


def public_url() -> str:
    """Return the URL of this request as Twilio requested it.

    Behind a proxy it is the configured public base plus the path and query; otherwise the
    request line exactly as sent (gunicorn's RAW_URI), which is what Twilio signed.
    """
    base = current_app.config["IVR_PUBLIC_BASE_URL"].rstrip("/")
    environ = request.environ
    raw = environ.get("RAW_URI")
    if not base:
        if raw is not None and raw.startswith("/"):
            return f"{request.scheme}://{request.host}{raw}"
        base = f"{request.scheme}://{request.host}{quote(environ.get('SCRIPT_NAME', ''))}"
    query = environ.get("QUERY_STRING", "")  # as sent: werkzeug's request.url would unquote
    return f"{base}{quote(environ.get('PATH_INFO', ''))}" + (f"?{query}" if query else "")


class FormParams(dict[str, str]):
    """Twilio's parameters, one value per name.

    ``getall`` is the first thing twilio's ``RequestValidator`` asks a mapping for; without
    it the validator falls back through two caught exceptions per parameter.
    """

    def getall(self, name: str) -> list[str]:
        """Return the parameter's values (there is one)."""
        return [self[name]]


def twilio_params() -> Mapping[str, str]:
    """Return Twilio's parameters (a POST's form, a GET's query), parsed once per request.

    A urlencoded body is parsed here directly: Twilio's forms are small and flat, and
    werkzeug's general form parser costs ten times as much on this hot path.
    """
    environ = request.environ
    params: Mapping[str, str] | None = environ.get(PARAMS_KEY)
    if params is None:
        if environ["REQUEST_METHOD"] != "POST":
            params = request.args
        elif environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
            pairs = form_pairs(_read_body(environ).decode("utf-8", "replace"))
            params = FormParams(pairs)
            if len(params) != len(pairs):  # a repeated name: keep every value
                params = MultiDict(pairs)
        else:
            params = request.form
        environ[PARAMS_KEY] = params
    return params


def form_pairs(body: str) -> list[tuple[str, str]]:
    """Split an urlencoded body into (name, value) pairs, as ``parse_qsl`` does with blank
    values kept, decoding only the parts that are encoded (most of Twilio's are not)."""
    pairs = []
    for part in body.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        if "%" in name or "+" in name:
            name = unquote_plus(name)
        if "%" in value or "+" in value:
            value = _decoded(value)
        pairs.append((name, value))
    return pairs


def _decoded(value: str) -> str:
    """Decode one value; E.164 numbers (``%2B351…``) take a short cut."""
    if "+" not in value and value.count("%") == value.count("%2B"):
        return value.replace("%2B", "+")
    return unquote_plus(value)


def _read_body(environ: dict[str, Any]) -> bytes:
    """Read a request body of declared length straight from the server's input stream."""
    declared = environ.get("CONTENT_LENGTH", "")
    if not declared.isdigit():
        return request.get_data(cache=True)  # chunked or unknown: werkzeug knows how
    length = int(declared)
    if length > (current_app.config.get("MAX_CONTENT_LENGTH") or length):
        abort(413)
    return bytes(environ["wsgi.input"].read(length))


def require_signature() -> None:
    """Abort with 403 unless the request carries a valid X-Twilio-Signature."""
    validator: RequestValidator | None = current_app.extensions.get(VALIDATOR_KEY)
    if validator is None:
        return
    environ = request.environ
    params = twilio_params() if environ["REQUEST_METHOD"] == "POST" else {}
    signature = environ.get("HTTP_X_TWILIO_SIGNATURE", "")
    if signature and _matches(validator, public_url(), params, signature):
        return
    if not signature or not validator.validate(public_url(), params, signature):
        log.warning("refused %s %s: missing or wrong Twilio signature", request.method,
                    request.path)
        abort(403)


def _matches(validator: RequestValidator, url: str, params: object, signature: str) -> bool:
    """Check the signature of the URL exactly as seen: one HMAC for the usual case.

    ``validate`` also tries the URL with and without its port, for signatures made on the
    other form; it runs only when this quick check fails.
    """
    expected = validator.compute_signature(url, params)
    return bool(compare(expected, signature))
