"""Conferences and their participants."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from werkzeug.wrappers import Request

from ivr.simulator import conferences
from ivr.simulator.outbound import participant_body, place_call
from ivr.simulator.rest import shapes
from ivr.simulator.rest.common import (
    API_CALL_TIMEOUT_S,
    ApiError,
    Args,
    Form,
    Result,
    flag,
    require_parties,
    status_callback,
)

if TYPE_CHECKING:
    from ivr.simulator.world import World


def _room(world: World, name: str, create: bool = False) -> conferences.Room:
    """Find a room by SID or name; a participant create may open one by name."""
    room = world.conferences.find(name)
    if create and not name.startswith("CF") and (room is None or room.status == "completed"):
        room = world.conferences.open(name)
    if room is None:
        raise ApiError(404, 20404, f"conference {name} was not found")
    return room


def _participant(world: World, args: Args) -> tuple[conferences.Room, conferences.Participant]:
    room = _room(world, args["room"])
    who = room.participants.get(args["sid"])
    if who is None:
        raise ApiError(404, 20404, f"participant {args['sid']} was not found")
    return room, who


def listing(world: World, request: Request, form: Form, args: Args) -> Result:
    """List conferences, newest first, filtered by FriendlyName or Status."""
    name, status = request.args.get("FriendlyName"), request.args.get("Status")
    rooms = [
        shapes.conference(world, room)
        for room in reversed(world.conferences.rooms)
        if name in {None, room.name} and status in {None, room.status}
    ]
    return 200, shapes.page(world, "conferences", "Conferences.json", rooms)


def fetch(world: World, request: Request, form: Form, args: Args) -> Result:
    """Return one conference."""
    return 200, shapes.conference(world, _room(world, args["room"]))


def update(world: World, request: Request, form: Form, args: Args) -> Result:
    """End a conference with ``Status=completed``."""
    room = _room(world, args["room"])
    if form.get("Status") == "completed":
        conferences.end(world, room, "conference-ended-via-api")
    return 200, shapes.conference(world, room)


def add_participant(world: World, request: Request, form: Form, args: Args) -> Result:
    """Call ``To`` and put them in the conference when they answer."""
    room = _room(world, args["room"], create=True)
    to, from_ = require_parties(form)
    if room.callback is None:
        room.callback = status_callback(form, "ConferenceStatusCallback")
    seat = conferences.Seat(
        flag(form, "Muted", False),
        flag(form, "StartConferenceOnEnter", True),
        flag(form, "EndConferenceOnExit", False),
        flag(form, "Coaching", False),
        form.get("Label"),
    )
    wait = (form["WaitUrl"], form.get("WaitMethod", "POST")) if form.get("WaitUrl") else None
    timeout = int(form.get("Timeout", API_CALL_TIMEOUT_S))
    body = participant_body(room, seat, wait)
    leg = place_call(world, to, from_, timeout, body, status_callback=status_callback(form))
    who = conferences.Participant(leg, seat, world.kernel.event(), muted=seat.muted)
    return 201, shapes.participant(world, room, who, status="queued")


def participants(world: World, request: Request, form: Form, args: Args) -> Result:
    """List who is in a conference."""
    room = _room(world, args["room"])
    records = [shapes.participant(world, room, who) for who in room.participants.values()]
    path = f"Conferences/{room.sid}/Participants.json"
    return 200, shapes.page(world, "participants", path, records)


def participant(world: World, request: Request, form: Form, args: Args) -> Result:
    """Return one participant."""
    room, who = _participant(world, args)
    return 200, shapes.participant(world, room, who)


def update_participant(world: World, request: Request, form: Form, args: Args) -> Result:
    """Mute, hold or change a participant, with the matching callbacks."""
    room, who = _participant(world, args)
    for name, event in (("Muted", "mute"), ("Hold", "hold")):
        attribute = name.lower()
        if form.get(name) is None or flag(form, name, False) == getattr(who, attribute):
            continue
        setattr(who, attribute, flag(form, name, False))
        prefix = "" if getattr(who, attribute) else "un"
        conferences.notify(world, room, f"participant-{prefix}{event}", who)
    if form.get("EndConferenceOnExit") is not None:
        end_on_exit = flag(form, "EndConferenceOnExit", False)
        who.seat = dataclasses.replace(who.seat, end_on_exit=end_on_exit)
        conferences.notify(world, room, "participant-modify", who)
    return 200, shapes.participant(world, room, who)


def remove_participant(world: World, request: Request, form: Form, args: Args) -> Result:
    """Take a participant out of the conference (its Dial then carries on)."""
    room, who = _participant(world, args)
    conferences.leave(world, room, who, "kicked")
    return 204, None
