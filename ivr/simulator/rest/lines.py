"""Queues and their members, messages, and recordings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from werkzeug.wrappers import Request

from ivr.simulator.clock import silent_wav
from ivr.simulator.outcomes import Fetch, Redirected
from ivr.simulator.queues import Member, Queue
from ivr.simulator.rest import shapes
from ivr.simulator.rest.common import ApiError, Args, Form, Result

if TYPE_CHECKING:
    from ivr.simulator.world import World


def _queue(world: World, sid: str) -> Queue:
    for line in world.queues.all():
        if line.sid == sid:
            return line
    raise ApiError(404, 20404, f"queue {sid} was not found")


def _member(world: World, args: Args) -> tuple[Queue, Member]:
    line = _queue(world, args["queue"])
    sid = args["sid"]
    for who in line.members:
        if sid in {who.leg.sid, "Front"}:
            return line, who
    raise ApiError(404, 20404, f"queue member {sid} was not found")


def queues(world: World, request: Request, form: Form, args: Args) -> Result:
    """List queues."""
    records = [shapes.queue(world, line) for line in world.queues.all()]
    return 200, shapes.page(world, "queues", "Queues.json", records)


def create_queue(world: World, request: Request, form: Form, args: Args) -> Result:
    """Create a queue (or return the one with that name)."""
    name = form.get("FriendlyName")
    if not name:
        raise ApiError(400, 21201, "FriendlyName is required.")
    line = world.queues.named(name)
    line.max_size = int(form.get("MaxSize", line.max_size))
    return 201, shapes.queue(world, line)


def queue(world: World, request: Request, form: Form, args: Args) -> Result:
    """Return one queue."""
    return 200, shapes.queue(world, _queue(world, args["queue"]))


def update_queue(world: World, request: Request, form: Form, args: Args) -> Result:
    """Change a queue's size limit."""
    line = _queue(world, args["queue"])
    line.max_size = int(form.get("MaxSize", line.max_size))
    return 200, shapes.queue(world, line)


def members(world: World, request: Request, form: Form, args: Args) -> Result:
    """List who waits in a queue, front first."""
    line = _queue(world, args["queue"])
    records = [shapes.member(world, line, who) for who in line.members]
    return 200, shapes.page(world, "queue_members", f"Queues/{line.sid}/Members.json", records)


def member(world: World, request: Request, form: Form, args: Args) -> Result:
    """Return one member (a CallSid, or ``Front``)."""
    line, who = _member(world, args)
    return 200, shapes.member(world, line, who)


def dequeue(world: World, request: Request, form: Form, args: Args) -> Result:
    """Take a member out of the queue and send it to ``Url``."""
    line, who = _member(world, args)
    if not form.get("Url"):
        raise ApiError(400, 21205, "Url parameter is required.")
    record = shapes.member(world, line, who)
    if who.leg.process is not None:
        who.leg.process.interrupt(Redirected(Fetch(form["Url"], form.get("Method", "POST"))))
    return 200, record


def send_message(world: World, request: Request, form: Form, args: Args) -> Result:
    """'Send' an SMS: keep it and show it in the transcript."""
    to = form.get("To")
    from_ = form.get("From") or form.get("MessagingServiceSid")
    if not to or not from_:
        raise ApiError(400, 21201, "A 'To' and a 'From' phone number are required.")
    if not form.get("Body") and not form.get("MediaUrl"):
        raise ApiError(400, 21602, "Message body is required.")
    message = world.keep_message(to, from_, form.get("Body", ""))
    return 201, shapes.message(world, message)


def messages(world: World, request: Request, form: Form, args: Args) -> Result:
    """List sent messages, newest first."""
    records = [shapes.message(world, sms) for sms in reversed(world.messages)]
    return 200, shapes.page(world, "messages", "Messages.json", records)


def message(world: World, request: Request, form: Form, args: Args) -> Result:
    """Return one message."""
    for sms in world.messages:
        if sms.sid == args["sid"]:
            return 200, shapes.message(world, sms)
    raise ApiError(404, 20404, f"message {args['sid']} was not found")


def recordings(world: World, request: Request, form: Form, args: Args) -> Result:
    """List recordings."""
    records = [shapes.recording(world, item) for item in world.recordings.values()]
    return 200, shapes.page(world, "recordings", "Recordings.json", records)


def recording(world: World, request: Request, form: Form, args: Args) -> Result:
    """Return a recording's JSON (``RE….json``) or its audio (``RE…``, ``RE….wav``)."""
    name = args["name"]
    sid, _, extension = name.partition(".")
    item = world.recordings.get(sid)
    if item is None or extension not in {"", "json", "wav"}:
        raise ApiError(404, 20404, f"recording {name} was not found")
    if extension == "json":
        return 200, shapes.recording(world, item)
    return 200, silent_wav(item.duration)
