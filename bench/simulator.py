"""Scripted in-process calls through a menu, all in one simulation; prints calls per second.

    python bench/simulator.py [--calls 1000] [--target helpline|demo] [--input 2 --input 1]

The default target is the helpline (``ivr.web:create_app``, its main menu through the
language menu); ``demo`` is a small TwiML menu bundled here, used for comparison, or
instead when the helpline cannot be imported. Calls start 90 simulated seconds apart in
one simulator, so they share its clock and queues as real calls would; each is checked to
end without an application error. Run it from the repository root (the helpline reads
menus/ from there).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urljoin

from flask import Flask, Request, Response, request
from twilio.twiml.voice_response import VoiceResponse

from ivr.simulator.actors import ScriptedActor, parse_reply
from ivr.simulator.clock import parse_at
from ivr.simulator.session import Setup, open_session
from ivr.simulator.simulator import CallPlan

AT = "2026-03-02T09:00"  # a Monday morning: the line is open
SPACING_S = 90.0


def demo_app() -> Flask:
    """A two-level menu that ends in a Dial, written with twilio's VoiceResponse."""
    app = Flask("demo_menu")

    def xml(response: VoiceResponse) -> Response:
        return Response(str(response), mimetype="text/xml")

    @app.post("/voice/incoming")
    def incoming() -> Response:
        response = VoiceResponse()
        gather = response.gather(num_digits=1, action="/voice/language")
        gather.say("Para português, prima 1.", language="pt-PT")
        gather.say("For English, press 2.", language="en-GB")
        response.redirect("/voice/incoming")
        return xml(response)

    @app.post("/voice/language")
    def language() -> Response:
        response = VoiceResponse()
        gather = response.gather(num_digits=1, action="/voice/main")
        gather.say("To talk to an operator, press 1. For opening hours, press 2.", language="en-GB")
        return xml(response)

    @app.post("/voice/main")
    def main_menu() -> Response:
        response = VoiceResponse()
        if _digits(request) == "1":
            response.dial("+351210000101", timeout=20)
        else:
            response.say("We are open Monday to Friday, 9 to 19.", language="en-GB")
        return xml(response)

    return app


def _digits(incoming: Request) -> str:
    return incoming.form.get("Digits", "")


def _helpline_loads() -> bool:
    try:
        import ivr.web  # noqa: F401
    except ImportError as exc:
        print(f"the helpline cannot be imported ({exc}); using the demo menu")
        return False
    return True


def run(calls: int, target: str, inputs: list[str]) -> int:
    """Place and run ``calls`` calls; print the rate and how they ended."""
    if target == "helpline" and not _helpline_loads():
        target = "demo"
    app = f"{Path(__file__).resolve()}:demo_app" if target == "demo" else "ivr.web:create_app"
    setup = Setup(
        at=parse_at(AT),
        app=app,
        seed=1,
        dial_default="answer:talk=30",
        max_steps=calls * 200,
    )
    started = time.perf_counter()
    session = open_session(setup)
    loaded = time.perf_counter()
    placed = [
        session.simulator.place(
            CallPlan(
                urljoin(setup.base_url, setup.url),
                actor=ScriptedActor([parse_reply(value) for value in inputs]),
                after_s=index * SPACING_S,
                label=f"call {index + 1}",
            )
        )
        for index in range(calls)
    ]
    session.simulator.run()
    finished = time.perf_counter()
    ends = Counter(str(session.simulator.result(p).end.reason) for p in placed)
    seconds = finished - loaded
    print(f"target: {target}; inputs: {' '.join(inputs) or '(silence)'}")
    print(f"app and simulator built in {loaded - started:.2f} s")
    print(f"{calls} calls in {seconds:.2f} s: {calls / seconds:.0f} calls per second")
    print("ended: " + ", ".join(f"{reason} {count}" for reason, count in sorted(ends.items())))
    return 1 if ends.get("error") or ends.get("step-limit") else 0


def main() -> None:
    """Read the options and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--target", choices=["helpline", "demo"], default="helpline")
    parser.add_argument("--input", action="append", dest="inputs")
    options = parser.parse_args()
    sys.exit(run(options.calls, options.target, options.inputs or ["2", "1"]))


if __name__ == "__main__":
    main()
