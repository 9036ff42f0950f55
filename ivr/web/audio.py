"""Recorded prompts, served to Twilio's <Play> with safe paths and cache headers."""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, current_app, request, send_from_directory

from ivr.i18n import LANGUAGES
from ivr.music import hold_music
from ivr.prompts import AUDIO_SUFFIX
from ivr.web.runtime import RUNTIME_KEY, Runtime

bp = Blueprint("audio", __name__, url_prefix="/audio")
PROMPT_ID = re.compile(r"^[a-z][A-Za-z0-9_.]{0,79}$")
CACHE_SECONDS = 24 * 3600


MUSIC = "music"
HOLD = "hold.wav"


@bp.get("/<lang>/<name>")
def prompt(lang: str, name: str) -> Response:
    """Send prompts/<lang>/<prompt id>.wav; anything else is a 404."""
    if lang == MUSIC and name == HOLD:
        return _hold_music()
    prompt_id = name.removesuffix(AUDIO_SUFFIX)
    if lang not in LANGUAGES or not name.endswith(AUDIO_SUFFIX) or not PROMPT_ID.match(
            prompt_id) or ".." in prompt_id:
        abort(404)
    runtime: Runtime = current_app.extensions[RUNTIME_KEY]
    folder = (runtime.prompts_dir / lang).resolve()
    return send_from_directory(folder, name, mimetype="audio/wav", max_age=CACHE_SECONDS,
                               conditional=True)


def _hold_music() -> Response:
    """Send the admin's hold music if there is one, else the music made here."""
    runtime: Runtime = current_app.extensions[RUNTIME_KEY]
    recorded = runtime.prompts_dir / MUSIC / HOLD
    if recorded.is_file():
        return send_from_directory(recorded.parent.resolve(), HOLD, mimetype="audio/wav",
                                   max_age=CACHE_SECONDS, conditional=True)
    response = Response(hold_music(), mimetype="audio/wav")
    response.cache_control.max_age = CACHE_SECONDS
    response.cache_control.public = True
    response.add_etag()
    response.make_conditional(request)
    return response
