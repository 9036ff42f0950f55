"""Twilio's JSON shapes for the 2010-04-01 API resources the fake serves.

Only the fields twilio-python's instances read are filled; dates are RFC 2822 in UTC, as
the real API writes them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from ivr.simulator.callbacks import timestamp
from ivr.simulator.legs import API_VERSION, Leg

if TYPE_CHECKING:
    from ivr.simulator.conferences import Participant, Room
    from ivr.simulator.queues import Member, Queue
    from ivr.simulator.world import Message, Recording, World

Json = dict[str, Any]


def _at(world: World, seconds: float) -> str:
    return timestamp(world.clock.start + timedelta(seconds=seconds))


def _base(world: World) -> str:
    return f"/{API_VERSION}/Accounts/{world.account_sid}"


def call(world: World, leg: Leg) -> Json:
    """Return a Call resource."""
    ended = leg.ended_at
    return {
        "sid": leg.sid,
        "account_sid": leg.account_sid,
        "parent_call_sid": leg.parent_sid,
        "to": leg.to,
        "to_formatted": leg.to,
        "from": leg.from_,
        "from_formatted": leg.from_,
        "status": str(leg.status),
        "direction": str(leg.direction),
        "start_time": _at(world, leg.answered_at) if leg.answered_at is not None else None,
        "end_time": _at(world, ended) if ended is not None else None,
        "duration": str(leg.duration(ended)) if ended is not None else None,
        "date_created": _at(world, leg.started_at),
        "date_updated": _at(world, world.kernel.now),
        "api_version": API_VERSION,
        "price": None,
        "price_unit": "USD",
        "answered_by": None,
        "caller_name": None,
        "queue_time": "0",
        "trunk_sid": None,
        "phone_number_sid": None,
        "group_sid": None,
        "forwarded_from": None,
        "annotation": None,
        "uri": f"{_base(world)}/Calls/{leg.sid}.json",
        "subresource_uris": {},
    }


def conference(world: World, room: Room) -> Json:
    """Return a Conference resource."""
    return {
        "sid": room.sid,
        "account_sid": world.account_sid,
        "friendly_name": room.name,
        "status": room.status,
        "region": "us1",
        "reason_conference_ended": None,
        "call_sid_ending_conference": None,
        "date_created": _at(world, room.created_at),
        "date_updated": _at(world, world.kernel.now),
        "api_version": API_VERSION,
        "uri": f"{_base(world)}/Conferences/{room.sid}.json",
        "subresource_uris": {
            "participants": f"{_base(world)}/Conferences/{room.sid}/Participants.json"
        },
    }


def participant(world: World, room: Room, who: Participant, status: str = "connected") -> Json:
    """Return a conference Participant resource."""
    return {
        "account_sid": world.account_sid,
        "call_sid": who.leg.sid,
        "conference_sid": room.sid,
        "label": who.seat.label,
        "call_sid_to_coach": None,
        "coaching": who.seat.coaching,
        "muted": who.muted,
        "hold": who.hold,
        "start_conference_on_enter": who.seat.start_on_enter,
        "end_conference_on_exit": who.seat.end_on_exit,
        "status": status,
        "queue_time": None,
        "date_created": _at(world, who.leg.started_at),
        "date_updated": _at(world, world.kernel.now),
        "uri": f"{_base(world)}/Conferences/{room.sid}/Participants/{who.leg.sid}.json",
    }


def queue(world: World, line: Queue) -> Json:
    """Return a Queue resource."""
    return {
        "sid": line.sid,
        "account_sid": world.account_sid,
        "friendly_name": line.name,
        "current_size": len(line.members),
        "max_size": line.max_size,
        "average_wait_time": line.average_wait(),
        "date_created": _at(world, line.created_at),
        "date_updated": _at(world, world.kernel.now),
        "uri": f"{_base(world)}/Queues/{line.sid}.json",
    }


def member(world: World, line: Queue, who: Member) -> Json:
    """Return a queue Member resource."""
    return {
        "call_sid": who.leg.sid,
        "queue_sid": line.sid,
        "position": line.position(who),
        "wait_time": int(world.kernel.now - who.enqueued_at),
        "date_enqueued": _at(world, who.enqueued_at),
        "uri": f"{_base(world)}/Queues/{line.sid}/Members/{who.leg.sid}.json",
    }


def message(world: World, sms: Message) -> Json:
    """Return a Message resource; the simulator 'sends' it at once."""
    created = timestamp(sms.created_at)
    return {
        "sid": sms.sid,
        "account_sid": world.account_sid,
        "to": sms.to,
        "from": sms.from_,
        "body": sms.body,
        "status": "queued",
        "direction": "outbound-api",
        "num_segments": "1",
        "num_media": "0",
        "price": None,
        "price_unit": "USD",
        "error_code": None,
        "error_message": None,
        "messaging_service_sid": None,
        "api_version": API_VERSION,
        "date_created": created,
        "date_updated": created,
        "date_sent": None,
        "uri": f"{_base(world)}/Messages/{sms.sid}.json",
        "subresource_uris": {},
    }


def recording(world: World, record: Recording) -> Json:
    """Return a Recording resource."""
    return {
        "sid": record.sid,
        "account_sid": world.account_sid,
        "call_sid": record.call_sid,
        "duration": str(record.duration),
        "status": "completed",
        "channels": 1,
        "source": "RecordVerb",
        "date_created": timestamp(record.created_at),
        "date_updated": timestamp(record.created_at),
        "start_time": timestamp(record.created_at),
        "api_version": API_VERSION,
        "uri": f"{_base(world)}/Recordings/{record.sid}.json",
    }


def page(world: World, key: str, path: str, records: list[Json]) -> Json:
    """Return a one-page list, as the 2010 API pages them."""
    uri = f"{_base(world)}/{path}"
    return {
        key: records,
        "page": 0,
        "page_size": max(50, len(records)),
        "first_page_uri": uri,
        "next_page_uri": None,
        "previous_page_uri": None,
        "uri": uri,
        "start": 0,
        "end": max(0, len(records) - 1),
    }


def error(status: int, code: int, message: str) -> Json:
    """Return Twilio's error body, which twilio-python turns into TwilioRestException."""
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
