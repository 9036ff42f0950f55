"""The HTTP transport against a real local server, and the fake REST API served over HTTP."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask, Request, current_app
from twilio.rest import Client
from twilio.twiml.voice_response import VoiceResponse
from werkzeug.serving import make_server

from ivr.errors import SimulatorError
from ivr.simulator.actors import ScriptedActor, parse_reply
from ivr.simulator.clock import parse_at
from ivr.simulator.session import Setup, run_setup
from ivr.simulator.simulator import CallPlan, Simulator
from ivr.simulator.transport import HTTPTransport

from .harness import TOKEN, make_app, twiml


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 with a free port, in a thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=functools.partial(server.serve_forever, 0.05), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def _menu(request: Request) -> VoiceResponse:
    response = VoiceResponse()
    response.gather(num_digits=1, action="/sms").say("Press 1 for a text message.")
    return response


def _sms(request: Request) -> VoiceResponse:
    client: Client = current_app.config["client"]
    client.messages.create(to=request.form["From"], from_="+351210000999", body="Olá")
    response = VoiceResponse()
    response.say(f"Sent to {request.form['From']}.")
    return response


def test_a_remote_app_gets_signed_requests_and_uses_the_served_api() -> None:
    app = make_app({"/voice": _menu, "/sms": _sms})
    with serving(app) as base:
        simulator = Simulator(HTTPTransport(), seed=3, auth_token=TOKEN)
        with simulator.serve_api() as api:
            client = Client(simulator.account_sid, TOKEN)
            client.api.base_url = api.url
            app.config["client"] = client
            plan = CallPlan(f"{base}/voice", actor=ScriptedActor([parse_reply("1")]))
            result = simulator.call(plan)
    assert [r.status for r in result.requests] == [200, 200]
    assert [s.verb for s in result.steps] == ["Say", "Gather", "Sms", "Say"]
    assert result.steps[-1].fields["text"] == "Sent to +351912345678."
    assert result.steps[2].leg == result.call_sid
    assert [seen.url.startswith(base) for seen in app.config["seen"]] == [True, True]


def test_a_remote_app_with_the_wrong_token_is_an_application_error() -> None:
    app = make_app({"/voice": twiml(lambda r: r.say("Hi"))}, token="the-apps-own-token")
    with serving(app) as base:
        result = run_setup(Setup(url=f"{base}/voice", auth_token=TOKEN, inputs=()))
    assert [r.status for r in result.requests] == [403]
    assert (result.end.reason, result.end.error_code) == ("error", 11200)


def test_nothing_listening_is_a_connection_failure() -> None:
    with serving(make_app({})) as base:
        pass  # the port is free again
    result = run_setup(Setup(url=f"{base}/voice", inputs=()))
    assert (result.end.reason, result.end.error_code) == ("error", 11205)
    assert [r.status for r in result.requests] == [None, None]  # one retry on connect failure


def test_at_is_refused_against_a_url() -> None:
    with pytest.raises(SimulatorError, match="--at cannot be used with a URL"):
        run_setup(Setup(url="http://127.0.0.1:9/voice", at=parse_at("2026-03-02T10:00")))
