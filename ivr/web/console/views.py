"""The console's phone: its page, and the endpoint each call, key press and hang-up posts to.

    GET  /console/         the phone (keypad, clock, caller number, transcript)
    POST /console/phone    JSON {at, from, to, dial, inputs} -> the call's JSON (see ``phone``)

A wrong request is answered 400 with ``{"error": sentence}``; a call the simulator cannot
run (a bug there, a menu that fails) 500 with the same shape, and the error is logged.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app, jsonify, render_template, request

from ivr.errors import IvrError, SimulatorError
from ivr.web.console.blueprint import bp
from ivr.web.console.phone import DEFAULT_DIAL, DIAL_CHOICES, LINES, PhoneCall, place
from ivr.web.voice import runtime

log = logging.getLogger(__name__)
DIAL_LABELS = {"answer:1": "answer and accept (press 1)", "answer": "answer",
               "busy": "busy", "no-answer": "no answer", "failed": "fail",
               "decline": "decline (hang up at the whisper)"}


@bp.get("/")
def phone() -> str:
    """Show the phone."""
    now = runtime().clock.now()
    return render_template("console/phone.html", title="Phone", now=now.strftime("%Y-%m-%dT%H:%M"),
                           lines=LINES, dials=[(d, DIAL_LABELS[d]) for d in DIAL_CHOICES],
                           default_dial=DEFAULT_DIAL)


@bp.post("/phone")
def phone_call() -> Any:
    """Run the call from its start with the inputs so far; answer its JSON."""
    rt = runtime()
    try:
        call = PhoneCall.from_json(request.get_json(silent=True), rt.clock.now())
    except SimulatorError as exc:
        return jsonify(error=str(exc)), 400
    try:
        answer = place(call, rt, current_app.config)
    except IvrError as exc:
        log.exception("the console's call failed")
        return jsonify(error=f"The simulator could not run this call: {exc}"), 500
    return jsonify(answer)
