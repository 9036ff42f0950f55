"""Small TwiML apps for the simulator's tests, and a harness that phones them.

Every app checks ``X-Twilio-Signature`` with twilio's own ``RequestValidator`` (403 when it
fails), records what it was sent, and answers TwiML built with twilio's ``VoiceResponse``
(or raw XML text, as a third-party app would).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import Flask, Request, Response, current_app, request
from twilio.request_validator import RequestValidator
from twilio.rest import Client
from twilio.twiml.voice_response import VoiceResponse

from ivr.simulator.actors import ScriptedActor, parse_reply
from ivr.simulator.clock import parse_at
from ivr.simulator.legs import StatusCallback, Target
from ivr.simulator.parties import DialPlan, parse_sequence
from ivr.simulator.simulator import CallPlan, Simulator
from ivr.simulator.transcript import CallResult, Step
from ivr.simulator.transport import WSGITransport

BASE = "https://app.test"
TOKEN = "simulator-test-token-0123456789"
AT = parse_at("2026-03-02T10:00")

Answer = VoiceResponse | str | Response
Handler = Callable[[Request], Answer]


@dataclass
class Seen:
    """One request as the app received it."""

    method: str
    url: str
    form: dict[str, str]
    headers: dict[str, str]

    @property
    def path(self) -> str:
        """Return the path and query the app saw."""
        return self.url.removeprefix(BASE)


def make_app(routes: Mapping[str, Handler], token: str | None = TOKEN) -> Flask:
    """Build a Flask app answering each path with its handler.

    Webhooks must be signed; files (a path with an extension, like prompt audio) need not.
    """
    app = Flask("simulator_test_app")
    app.config["SECRET_KEY"] = "test"
    app.config["seen"] = []

    def view() -> Response:
        seen: list[Seen] = current_app.config["seen"]
        params = request.form if request.method == "POST" else {}
        seen.append(Seen(request.method, request.url, dict(request.values), dict(request.headers)))
        signature = request.headers.get("X-Twilio-Signature", "")
        is_file = "." in request.path.rsplit("/", 1)[-1]
        is_valid = RequestValidator(token or "").validate(request.url, params, signature)
        if token is not None and not is_file and not is_valid:
            return Response("forbidden", 403)
        answer = routes[request.path](request)
        if isinstance(answer, Response):
            return answer
        return Response(str(answer), mimetype="text/xml")

    for path in routes:
        app.add_url_rule(path, endpoint=path, view_func=view, methods=["GET", "POST"])
    return app


def twiml(build: Callable[[VoiceResponse], object]) -> Handler:
    """Return a handler answering the TwiML ``build`` writes into a fresh response."""

    def handler(_: Request) -> Answer:
        response = VoiceResponse()
        build(response)
        return response

    return handler


@dataclass
class Harness:
    """A simulator wired to a test app, and the app's real REST client."""

    routes: Mapping[str, Handler]
    token: str | None = TOKEN
    dial: Mapping[str, str] = field(default_factory=dict)
    dial_default: str | None = None
    at: datetime = AT
    seed: int = 7
    max_steps: int = 300
    transport_timer: Callable[[], float] | None = None

    def __post_init__(self) -> None:
        self.app = make_app(self.routes, self.token)
        scripts = {number: parse_sequence(text) for number, text in self.dial.items()}
        default = parse_sequence(self.dial_default)[0] if self.dial_default else None
        transport = WSGITransport(self.app, BASE)
        if self.transport_timer is not None:
            transport = WSGITransport(self.app, BASE, self.transport_timer)
        self.sim = Simulator(
            transport,
            at=self.at,
            seed=self.seed,
            auth_token=self.token,
            dial_plan=DialPlan(scripts, default),
            max_steps=self.max_steps,
        )
        self.client = Client(
            self.sim.account_sid, self.token or "x", http_client=self.sim.http_client()
        )
        self.app.config["client"] = self.client

    @property
    def seen(self) -> list[Seen]:
        """Return every request the app received, in order."""
        seen: list[Seen] = self.app.config["seen"]
        return seen

    def plan(
        self,
        *inputs: str,
        url: str = "/voice",
        fallback: str | None = None,
        status_callback: str | None = None,
        **options: Any,
    ) -> CallPlan:
        """Return a call into the app whose caller answers with ``inputs``."""
        talk = options.pop("talk", None)
        return CallPlan(
            BASE + url,
            actor=ScriptedActor([parse_reply(value) for value in inputs], talk),
            fallback=Target(BASE + fallback) if fallback else None,
            status_callback=StatusCallback(BASE + status_callback) if status_callback else None,
            **options,
        )

    def call(self, *inputs: str, others: Sequence[CallPlan] = (), **options: Any) -> CallResult:
        """Place a call (and others), run everything, return the first call's result."""
        return self.sim.call(self.plan(*inputs, **options), others)


def steps(result: CallResult, leg: str | None = None) -> list[Step]:
    """Return the steps of the caller's leg (or of the leg with that label)."""
    wanted = result.call_sid if leg is None else leg
    return [s for s in result.steps if s.leg == wanted or result.label(s.leg) == wanted]


def verbs(result: CallResult, leg: str | None = None) -> list[str]:
    """Return the verbs run on a leg, in order."""
    return [step.verb for step in steps(result, leg)]


def said(result: CallResult, leg: str | None = None) -> list[str]:
    """Return what was said on a leg, in order."""
    return [str(step.fields["text"]) for step in steps(result, leg) if step.verb == "Say"]


def paths(seen: Iterable[Seen]) -> list[str]:
    """Return the paths (with queries) of requests."""
    return [item.path for item in seen]


def codes(result: CallResult) -> list[int | None]:
    """Return the codes of the call's warnings."""
    return [notice.code for notice in result.notices]
