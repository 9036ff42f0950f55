"""Signing in and out of the console.

Rules of this module:
- a sign-in is refused with 429 and a page saying when to try again once an address or a
  user name has made ``limits.LIMIT`` attempts in ``limits.WINDOW`` (``ivr.web.console.limits``);
- a wrong name or password is refused with 401 and one sentence that does not say which of
  the two was wrong;
- a successful sign-in starts a fresh session (a new CSRF token) and goes back to the page
  that asked for it, only ever a page of the console;
- signing out is a POST (with its CSRF token), so no link or image can sign anyone out;
- the logs say whether a failed sign-in used the admin's name, never what was typed.
"""

from __future__ import annotations

import logging
import math
from datetime import timedelta
from typing import Any

from flask import current_app, redirect, render_template, request, session, url_for

from ivr.store import SqlStore
from ivr.web.console.blueprint import bp, settings, signed_in_user, start_session
from ivr.web.console.limits import Limiter, keys_for
from ivr.web.voice import runtime

log = logging.getLogger(__name__)
LIMITER_KEY = "ivr.console.limiter"
MAX_FIELD = 200


def limiter() -> Limiter:
    """Return the app's rate limiter (its memory is the fallback when there is no store)."""
    found: Limiter = current_app.extensions[LIMITER_KEY]
    return found


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """Show the sign-in form, or check a user name and password."""
    target = _console_path(request.values.get("next", ""))
    if request.method == "GET":
        if signed_in_user() is not None:
            return _go_on(target)
        return render_template("console/login.html", next=target, error=None, user="")
    user = request.form.get("user", "")[:MAX_FIELD]
    password = request.form.get("password", "")[:MAX_FIELD]
    rt = runtime()
    store: SqlStore | None = rt.store
    keys = keys_for(request.remote_addr or "unknown", user)
    now = rt.clock.now()
    wait = limiter().wait(store, keys, now)
    if wait is None:
        wait = limiter().attempt(store, keys, now)
    if wait is not None:
        log.warning("console sign-in refused: too many attempts (%s)", _who(user))
        return _too_many(wait)
    if not settings().check(user, password):
        log.warning("console sign-in failed (%s)", _who(user))
        message = "The user name or password is wrong."
        return render_template("console/login.html", next=target, error=message,
                               user=user), 401
    limiter().succeeded(store, keys)
    start_session(user)
    log.info("console: %s signed in", user)
    return _go_on(target)


@bp.post("/logout")
def logout() -> Any:
    """End the session and go back to the sign-in page."""
    session.clear()
    return redirect(url_for("console.login"))


def _who(user: str) -> str:
    """Say whose name a sign-in used, without logging what was typed (maybe a password)."""
    return "the admin's name" if user == settings().user else "not the admin's name"


def _too_many(wait: timedelta) -> tuple[str, int, dict[str, str]]:
    """Answer 429 with a page saying when to try again."""
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    page = render_template("console/limited.html", minutes=minutes)
    return page, 429, {"Retry-After": str(minutes * 60)}


def _console_path(target: str) -> str:
    """Return ``target`` when it is a page of the console, else an empty string."""
    unsafe = ("//", "\\", "..")
    if target.startswith(f"{bp.url_prefix}/") and not any(part in target for part in unsafe):
        return target
    return ""


def _go_on(path: str) -> Any:
    """Redirect to a page of the console after signing in, the phone by default."""
    return redirect(request.script_root + path if path else url_for("console.phone"))
