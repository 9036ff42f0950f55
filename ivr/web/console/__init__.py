"""The web console under /console: a phone on the simulator, the menu's picture, the services'
calendars, the prompts' coverage, recent calls and callbacks, behind one admin's sign-in.

    init_app(app)   read the settings, set the session cookie up, register the blueprint

Modules, each with its rules in its header:

    settings    the admin, the password hash, the secret key; off without them
    blueprint   the blueprint; sign-in, CSRF and security headers on every request
    auth        signing in (rate-limited by ``limits``) and out
    views       the phone's page and the endpoint it posts calls to
    phone       a call replayed from its start on the simulator, paused at the next question
    twin        the helpline twin a console call reaches: same menu, its own clock and store
    events      the call's events shaped for the page
    pages       the menu picture, calendars, coverage, calls
    command     ``ivr console hash-password``

Templates and static files live beside the code and are served by the app itself: no CDN,
no build step, no external fonts.
"""

from __future__ import annotations

import logging

from flask import Flask

from ivr.web.console import auth, pages, views
from ivr.web.console.blueprint import SETTINGS_KEY, bp
from ivr.web.console.limits import Limiter
from ivr.web.console.settings import read_settings

log = logging.getLogger(__name__)
__all__ = ["auth", "bp", "init_app", "pages", "views"]


def init_app(app: Flask) -> None:
    """Read the console's settings, set the session cookie up and register the blueprint."""
    settings = read_settings(app.config)
    app.extensions[SETTINGS_KEY] = settings
    app.extensions[auth.LIMITER_KEY] = Limiter()
    if settings.secret_key:
        app.secret_key = settings.secret_key
    app.config.update(SESSION_COOKIE_NAME="ivr_console", SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=settings.secure_cookie)
    problems = settings.problems()
    if problems and (settings.user or settings.password_hash):
        log.warning("the web console is off: %s", " ".join(problems))
    app.register_blueprint(bp)
