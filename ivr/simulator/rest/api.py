"""A fake Twilio REST API (2010-04-01) over the simulation, for an app's real client.

Calls, conference participants, queue members, messages and recordings, with Twilio's JSON
shapes and error bodies, so ``twilio.rest.Client`` works unchanged. Every change applies at
the current simulated time: a created call starts ringing now, an update interrupts the
leg wherever it is waiting.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from ivr.simulator.legs import API_VERSION
from ivr.simulator.rest import calls, lines, rooms, shapes
from ivr.simulator.rest.common import ApiError, Handler

if TYPE_CHECKING:
    from ivr.simulator.world import World

_ACCOUNT = f"/{API_VERSION}/Accounts/<account>"
ROUTES = Map(
    [
        Rule(f"{_ACCOUNT}/Calls.json", endpoint="calls", methods=["GET", "POST"]),
        Rule(f"{_ACCOUNT}/Calls/<sid>.json", endpoint="call", methods=["GET", "POST"]),
        Rule(f"{_ACCOUNT}/Conferences.json", endpoint="conferences", methods=["GET"]),
        Rule(f"{_ACCOUNT}/Conferences/<room>.json", endpoint="conference", methods=["GET", "POST"]),
        Rule(
            f"{_ACCOUNT}/Conferences/<room>/Participants.json",
            endpoint="participants",
            methods=["GET", "POST"],
        ),
        Rule(
            f"{_ACCOUNT}/Conferences/<room>/Participants/<sid>.json",
            endpoint="participant",
            methods=["GET", "POST", "DELETE"],
        ),
        Rule(f"{_ACCOUNT}/Queues.json", endpoint="queues", methods=["GET", "POST"]),
        Rule(f"{_ACCOUNT}/Queues/<queue>.json", endpoint="queue", methods=["GET", "POST"]),
        Rule(f"{_ACCOUNT}/Queues/<queue>/Members.json", endpoint="members", methods=["GET"]),
        Rule(
            f"{_ACCOUNT}/Queues/<queue>/Members/<sid>.json",
            endpoint="member",
            methods=["GET", "POST"],
        ),
        Rule(f"{_ACCOUNT}/Messages.json", endpoint="messages", methods=["GET", "POST"]),
        Rule(f"{_ACCOUNT}/Messages/<sid>.json", endpoint="message", methods=["GET"]),
        Rule(f"{_ACCOUNT}/Recordings.json", endpoint="recordings", methods=["GET"]),
        Rule(f"{_ACCOUNT}/Recordings/<name>", endpoint="recording", methods=["GET"]),
    ]
)


HANDLERS: dict[tuple[str, str], Handler] = {
    ("calls", "GET"): calls.listing,
    ("calls", "POST"): calls.create,
    ("call", "GET"): calls.fetch,
    ("call", "POST"): calls.update,
    ("conferences", "GET"): rooms.listing,
    ("conference", "GET"): rooms.fetch,
    ("conference", "POST"): rooms.update,
    ("participants", "GET"): rooms.participants,
    ("participants", "POST"): rooms.add_participant,
    ("participant", "GET"): rooms.participant,
    ("participant", "POST"): rooms.update_participant,
    ("participant", "DELETE"): rooms.remove_participant,
    ("queues", "GET"): lines.queues,
    ("queues", "POST"): lines.create_queue,
    ("queue", "GET"): lines.queue,
    ("queue", "POST"): lines.update_queue,
    ("members", "GET"): lines.members,
    ("member", "GET"): lines.member,
    ("member", "POST"): lines.dequeue,
    ("messages", "GET"): lines.messages,
    ("messages", "POST"): lines.send_message,
    ("message", "GET"): lines.message,
    ("recordings", "GET"): lines.recordings,
    ("recording", "GET"): lines.recording,
}


class FakeTwilioApi:
    """The WSGI app of the fake REST API."""

    def __init__(self, world: World, auth_token: str | None) -> None:
        self.world = world
        self.auth_token = auth_token

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        """Answer one API request."""
        return self.respond(Request(environ))(environ, start_response)

    def respond(self, request: Request) -> Response:
        """Route, authenticate and run one request."""
        try:
            endpoint, matched = ROUTES.bind_to_environ(request.environ).match()
            args = {name: str(value) for name, value in matched.items()}
            self._authenticate(request, args.pop("account"))
            handler = HANDLERS[(str(endpoint), request.method)]
            status, body = handler(self.world, request, request.form, args)
        except ApiError as exc:
            status, body = exc.status, shapes.error(exc.status, exc.code, exc.message)
        except NotFound:
            status, body = 404, shapes.error(404, 20404, f"{request.path} was not found")
        except MethodNotAllowed:
            status, body = 405, shapes.error(405, 20004, "Method not allowed")
        except ValueError as exc:
            status, body = 400, shapes.error(400, 20001, f"a parameter is malformed: {exc}")
        except HTTPException as exc:
            code = exc.code or 400
            status, body = code, shapes.error(code, 20001, exc.description or "Bad request")
        if isinstance(body, bytes):
            return Response(body, status, mimetype="audio/x-wav")
        if body is None:
            return Response(b"", status)
        return Response(json.dumps(body), status, mimetype="application/json")

    def _authenticate(self, request: Request, account: str) -> None:
        """Check HTTP Basic auth as the real API does (account SID and auth token)."""
        if self.auth_token is not None:
            auth = request.authorization
            given = (auth.username, auth.password) if auth else None
            if given != (self.world.account_sid, self.auth_token):
                raise ApiError(401, 20003, "Authenticate")
        if account != self.world.account_sid:
            raise ApiError(404, 20404, f"account {account} was not found")
