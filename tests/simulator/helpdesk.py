"""A help desk built with twilio's VoiceResponse: callers queue, agents phone in to take them."""

from __future__ import annotations

from flask import Flask, Response, request
from twilio.twiml.voice_response import VoiceResponse


def _xml(response: VoiceResponse) -> Response:
    return Response(str(response), mimetype="text/xml")


def create_app() -> Flask:
    """Build the help desk."""
    app = Flask("helpdesk")

    @app.post("/call")
    def call() -> Response:
        response = VoiceResponse()
        if request.form["From"].startswith("+35121000"):  # the agents' own phones
            response.say("Taking the next caller.")
            response.dial(action="/agent-done").queue("desk", url="/whisper")
            return _xml(response)
        response.say("All our agents are busy. Please hold.")
        response.enqueue("desk", wait_url="/hold", action="/caller-done")
        return _xml(response)

    @app.post("/hold")
    def hold() -> Response:
        response = VoiceResponse()
        response.say(f"You are caller {request.form['QueuePosition']} in line.")
        response.pause(length=20)
        return _xml(response)

    @app.post("/whisper")
    def whisper() -> Response:
        response = VoiceResponse()
        response.say("Connecting you now.")
        return _xml(response)

    @app.post("/caller-done")
    def caller_done() -> Response:
        response = VoiceResponse()
        response.say(f"Thank you. Your call ended: {request.form['QueueResult']}.")
        return _xml(response)

    @app.post("/agent-done")
    def agent_done() -> Response:
        response = VoiceResponse()
        response.say(f"Call over: {request.form['DialCallStatus']}.")
        return _xml(response)

    return app
