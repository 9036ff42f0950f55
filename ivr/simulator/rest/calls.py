"""The Calls resource: place calls, redirect or hang them up, look them up."""

from __future__ import annotations

from typing import TYPE_CHECKING

from werkzeug.wrappers import Request

from ivr.simulator.legs import Leg, Target
from ivr.simulator.outbound import place_call, twiml_body
from ivr.simulator.outcomes import Fetch, HungUp, Inline, Redirected
from ivr.simulator.rest import shapes
from ivr.simulator.rest.common import (
    API_CALL_TIMEOUT_S,
    ApiError,
    Args,
    Form,
    Result,
    leg_of,
    require_parties,
    status_callback,
)

if TYPE_CHECKING:
    from ivr.simulator.world import World


def _start(form: Form) -> Fetch | Inline | None:
    if form.get("Twiml"):
        return Inline(form["Twiml"])
    if form.get("Url"):
        return Fetch(form["Url"], form.get("Method", "POST"))
    return None


def create(world: World, request: Request, form: Form, args: Args) -> Result:
    """Place a call that rings ``To`` and then runs ``Url`` or ``Twiml``."""
    to, from_ = require_parties(form)
    start = _start(form)
    if start is None:
        raise ApiError(400, 21205, "Url or Twiml parameter is required.")
    fallback = None
    if form.get("FallbackUrl"):
        fallback = Target(form["FallbackUrl"], form.get("FallbackMethod", "POST"))
    timeout = int(form.get("Timeout", API_CALL_TIMEOUT_S))
    callback = status_callback(form)
    leg = place_call(world, to, from_, timeout, twiml_body(start), fallback, callback)
    return 201, shapes.call(world, leg)


def update(world: World, request: Request, form: Form, args: Args) -> Result:
    """Redirect a live call to new TwiML, or hang it up (``Status=completed``)."""
    leg = leg_of(world, args["sid"])
    process = leg.process if leg.process is not None and leg.process.is_alive else None
    status = form.get("Status")
    target = _start(form)
    if leg.direction == "outbound-dial" and (status or target):
        raise ApiError(400, 21220, "The simulator cannot change a leg a <Dial> placed.")
    if status in {"completed", "canceled"}:
        if process is not None and (status == "completed" or not leg.is_answered):
            process.interrupt(HungUp())
    elif target is not None:
        if process is None or not leg.is_answered:
            raise ApiError(400, 21220, "Call is not in-progress. Cannot redirect.")
        process.interrupt(Redirected(target))
    return 200, shapes.call(world, leg)


def listing(world: World, request: Request, form: Form, args: Args) -> Result:
    """List calls, newest first, filtered by Status, To or From."""
    legs = [leg for leg in reversed(world.legs.values()) if _matches(leg, request)]
    records = [shapes.call(world, leg) for leg in legs]
    return 200, shapes.page(world, "calls", "Calls.json", records)


def _matches(leg: Leg, request: Request) -> bool:
    wanted = request.args
    return all(
        wanted.get(name) in {None, value}
        for name, value in (("Status", str(leg.status)), ("To", leg.to), ("From", leg.from_))
    )


def fetch(world: World, request: Request, form: Form, args: Args) -> Result:
    """Return one call."""
    return 200, shapes.call(world, leg_of(world, args["sid"]))
