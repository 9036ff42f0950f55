"""Every answer under /voice is valid TwiML, even for a bug, a 404 or a refused signature.

An error is answered with an apology in the caller's language (from the signed query string,
else the flow's default languages), then the configured fallback number or a goodbye. The
apology is rendered through the catalogues when they work, and from the texts below when
even that fails.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException, NotFound

from ivr.i18n import LANGUAGES, speaking_language
from ivr.prompts import Prompt, Say
from ivr.twiml import apology
from ivr.web.runtime import RUNTIME_KEY, Runtime
from ivr.web.voice import twiml_response

log = logging.getLogger(__name__)

# Used only when the catalogues themselves cannot be read.
LAST_WORDS = {
    "pt_PT": "Lamentamos, ocorreu um erro do nosso lado. Por favor, ligue novamente dentro de "
             "alguns minutos.",
    "en": "Sorry, something went wrong on our side. Please call again in a few minutes.",
}


def init_app(app: Flask) -> None:
    """Answer errors under /voice with TwiML; leave other paths to Flask."""
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _crash)


def _is_voice() -> bool:
    return request.path.startswith("/voice/") or request.path == "/voice"


def _http_error(exc: HTTPException) -> Response | HTTPException:
    """Answer a refused or unknown webhook with TwiML; other paths keep Flask's page."""
    if not _is_voice():
        return exc
    status = exc.code or 500
    if isinstance(exc, NotFound):
        log.warning("no webhook at %s; restarting the call", request.path)
    return twiml_response(_apology_xml(), status=status if status in (403, 405) else 200)


def _crash(exc: Exception) -> Response:
    """Answer an unexpected error with an apology and the fallback number."""
    log.exception("webhook %s failed", request.path, exc_info=exc)
    if not _is_voice():
        return Response("Internal Server Error", status=500, content_type="text/plain")
    return twiml_response(_apology_xml())


def _apology_xml() -> str:
    """Say sorry in the caller's language and hand over to a person or say goodbye."""
    fallback = current_app.config.get("IVR_FALLBACK_NUMBER") or None
    lang = request.args.get("l")
    langs = [lang] if lang in LANGUAGES else ["pt_PT", "en"]
    return apology([_say(code, fallback is not None) for code in langs], fallback)


def _say(code: str, has_fallback: bool) -> Say:
    """Render the apology and its next step in one language, as robustly as possible."""
    runtime: Runtime | None = current_app.extensions.get(RUNTIME_KEY)
    follow = "error.transfer" if has_fallback else "error.later"
    try:
        assert runtime is not None
        parts = [runtime.resolver.utter(Prompt(p, code)) for p in ("error.apology", follow)]
        if all(isinstance(p, Say) for p in parts):
            first = parts[0]
            assert isinstance(first, Say)
            return Say(" ".join(p.text for p in parts if isinstance(p, Say)), first.lang,
                       first.language, first.voice)
    except Exception:  # noqa: BLE001 - the last line of defence must not fail
        log.exception("could not render the apology in %s", code)
    voice = speaking_language(code if code in LAST_WORDS else "pt_PT")
    text = LAST_WORDS.get(voice.code, LAST_WORDS["en"])
    return Say(text, voice.code, voice.say_language or "pt-PT", voice.voice or "")
