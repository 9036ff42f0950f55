"""The console's blueprint and what every request under /console goes through.

Rules of this module:
- when the console is off (no admin, no password hash or no secret key) every page answers
  503 with what to set, and nothing else runs;
- every page but the sign-in page and the static files needs a signed-in session, made
  with this password hash (a changed password ends every session) and at most
  ``SESSION_HOURS`` old; a page request without one is sent to sign in, a JSON one gets 401;
- every POST carries the session's CSRF token, in the form (``csrf_token``) or in the
  ``X-CSRF-Token`` header; without it the request is refused before any view runs;
- every answer forbids framing, sniffing and caching, and allows only this origin's
  scripts, styles, images and audio (no CDN, no inline script).
"""

from __future__ import annotations

import hmac
import secrets
import time
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from ivr.web.console.settings import ConsoleSettings

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates",
               static_folder="static")
SETTINGS_KEY = "ivr.console"
SESSION_HOURS = 12
OPEN_ENDPOINTS = frozenset({"console.login", "console.static"})
POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          "media-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
          "frame-ancestors 'none'")


def settings() -> ConsoleSettings:
    """Return the console's settings, read when the app was built."""
    found: ConsoleSettings = current_app.extensions[SETTINGS_KEY]
    return found


def csrf_token() -> str:
    """Return the session's CSRF token, making one on first use."""
    token = session.get("csrf")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def signed_in_user() -> str | None:
    """Return the signed-in admin's name, or None for a missing, stale or foreign session."""
    user = session.get("user")
    since = session.get("since")
    config = settings()
    if not isinstance(user, str) or not isinstance(since, int | float):
        return None
    if session.get("key") != config.fingerprint() or user != config.user:
        return None
    if time.time() - since > SESSION_HOURS * 3600:
        return None
    return user


def start_session(user: str) -> None:
    """Begin a fresh session for a signed-in admin, with a new CSRF token."""
    session.clear()
    session["user"] = user
    session["since"] = int(time.time())
    session["key"] = settings().fingerprint()
    csrf_token()


@bp.before_request
def guard() -> Any:
    """Refuse what the console cannot serve: off, not signed in, or a POST without its token."""
    if request.endpoint == "console.static":
        return None
    config = settings()
    if not config.is_enabled:
        return render_template("console/disabled.html", problems=config.problems()), 503
    if request.method == "POST" and not _has_csrf_token():
        return refuse(400, "The form was out of date (its security token did not match). "
                      "Reload the page and try again.")
    if request.endpoint in OPEN_ENDPOINTS or signed_in_user() is not None:
        return None
    if _wants_json():
        return jsonify(error="Sign in first."), 401
    return redirect(url_for("console.login", next=request.full_path.rstrip("?")))


@bp.after_request
def harden(response: Response) -> Response:
    """Forbid framing, sniffing and caching; allow only this origin's resources."""
    response.headers.setdefault("Content-Security-Policy", POLICY)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    if request.endpoint != "console.static":
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.context_processor
def template_helpers() -> dict[str, Any]:
    """Give templates the CSRF token and the signed-in user."""
    is_on = settings().is_enabled
    return {"csrf_token": csrf_token, "console_user": signed_in_user() if is_on else None}


def refuse(status: int, message: str) -> BaseResponse | tuple[Any, int]:
    """Answer a refused request with a readable page, or JSON for the phone's requests."""
    if _wants_json():
        return jsonify(error=message), status
    return render_template("console/refused.html", status=status, message=message), status


def _has_csrf_token() -> bool:
    """Tell whether a POST carries the session's CSRF token."""
    sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token", "")
    expected = session.get("csrf")
    return isinstance(expected, str) and bool(expected) and hmac.compare_digest(
        sent.encode(), expected.encode())


def _wants_json() -> bool:
    """Tell whether the request comes from the phone's script rather than a page."""
    return request.is_json or request.accept_mimetypes.best == "application/json"
