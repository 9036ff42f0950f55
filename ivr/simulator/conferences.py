"""Conference rooms shared by every leg, with their status callbacks (§3.6).

A room starts when at least two participants are in and one of them has
``startConferenceOnEnter``; until then participants hear the wait URL. A participant with
``endConferenceOnExit`` ends it for everyone when leaving. Each participant's Dial then goes
to its action with ``DialCallStatus=answered`` [K] or to the next verb.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ivr.simulator import behaviour, callbacks
from ivr.simulator.bridge import DialResult, DialSpec
from ivr.simulator.kernel import Event, Flow, Kernel
from ivr.simulator.legs import Leg, StatusCallback
from ivr.simulator.outcomes import unless_hung_up
from ivr.simulator.sids import SidKind, Sids
from ivr.simulator.twiml import text_of
from ivr.simulator.waiting import play_wait_documents

if TYPE_CHECKING:
    from ivr.simulator.interpreter import LegRunner
    from ivr.simulator.world import World

#: Verbs a conference wait URL document may use. [K §3.6]
WAIT_URL_VERBS = frozenset({"Play", "Say", "Pause", "Redirect"})
#: statusCallbackEvent words and the events they subscribe to. [K §1.3, §3.6]
EVENT_WORDS = {
    "start": {"conference-start"},
    "end": {"conference-end"},
    "join": {"participant-join"},
    "leave": {"participant-leave"},
    "mute": {"participant-mute", "participant-unmute"},
    "hold": {"participant-hold", "participant-unhold"},
    "modify": {"participant-modify"},
}


@dataclass(frozen=True)
class Seat:
    """How a participant takes part."""

    muted: bool = False
    start_on_enter: bool = True
    end_on_exit: bool = False
    coaching: bool = False
    label: str | None = None


@dataclass(eq=False)
class Participant:
    """A leg in a room; ``removed`` fires with why it had to go."""

    leg: Leg
    seat: Seat
    removed: Event
    hold: bool = False
    muted: bool = False


@dataclass(eq=False)
class Room:
    """A conference."""

    sid: str
    name: str
    created_at: float
    started: Event
    status: str = "init"
    participants: dict[str, Participant] = field(default_factory=dict)
    callback: StatusCallback | None = None
    sequence: int = 0

    @property
    def is_started(self) -> bool:
        """Tell whether participants can talk."""
        return self.status == "in-progress"


class Conferences:
    """Every room of the simulation; a name opens a new room once the last one ended."""

    def __init__(self, sids: Sids, kernel: Kernel) -> None:
        self._sids = sids
        self._kernel = kernel
        self.rooms: list[Room] = []

    def open(self, name: str) -> Room:
        """Return the live room called ``name``, creating it."""
        for room in self.rooms:
            if room.name == name and room.status != "completed":
                return room
        room = Room(
            self._sids.new(SidKind.CONFERENCE), name, self._kernel.now, self._kernel.event()
        )
        self.rooms.append(room)
        return room

    def find(self, sid_or_name: str) -> Room | None:
        """Return a room by SID, or the newest room with that name."""
        for room in reversed(self.rooms):
            if sid_or_name in {room.sid, room.name}:
                return room
        return None


def notify(world: World, room: Room, event: str, who: Participant | None, **extra: str) -> None:
    """Send a conference status callback if the room subscribed to ``event``."""
    callback = room.callback
    if callback is None or not any(event in EVENT_WORDS.get(w, ()) for w in callback.events):
        return
    room.sequence += 1
    params = {
        "AccountSid": world.account_sid,
        "ConferenceSid": room.sid,
        "FriendlyName": room.name,
        "SequenceNumber": str(room.sequence),
        "StatusCallbackEvent": event,
        "Timestamp": callbacks.timestamp(world.clock.now()),
        **extra,
    }
    if who is not None:
        params |= {
            "CallSid": who.leg.sid,
            "Muted": str(who.muted).lower(),
            "Hold": str(who.hold).lower(),
            "Coaching": str(who.seat.coaching).lower(),
            "EndConferenceOnExit": str(who.seat.end_on_exit).lower(),
            "StartConferenceOnEnter": str(who.seat.start_on_enter).lower(),
        }
        if who.seat.label:
            params["ParticipantLabel"] = who.seat.label
    callbacks.send(world, who.leg.sid if who else "", callback.url, callback.method, params)


def enter(world: World, room: Room, leg: Leg, seat: Seat) -> Participant:
    """Add a leg to a room and start the room when it may."""
    participant = Participant(leg, seat, world.kernel.event(), muted=seat.muted)
    room.participants[leg.sid] = participant
    world.transcript.note(leg.sid, f"joined conference {room.name!r}")
    notify(world, room, "participant-join", participant)
    present = room.participants.values()
    may_start = len(room.participants) >= 2 and any(p.seat.start_on_enter for p in present)
    if not room.is_started and may_start:
        room.status = "in-progress"
        room.started.succeed()
        notify(world, room, "conference-start", None)
    return participant


def leave(world: World, room: Room, participant: Participant, reason: str) -> None:
    """Take a participant out; end the room when it empties or they end it on exit."""
    if room.participants.pop(participant.leg.sid, None) is None:
        return
    if not participant.removed.triggered:
        participant.removed.succeed(reason)
    notify(world, room, "participant-leave", participant)
    if participant.seat.end_on_exit and room.participants:
        end(world, room, "participant-with-end-conference-on-exit-left", participant.leg.sid)
    elif not room.participants:
        end(world, room, "last-participant-left", participant.leg.sid)


def end(world: World, room: Room, reason: str, ended_by: str | None = None) -> None:
    """End a room: everyone still in it is removed."""
    if room.status == "completed":
        return
    room.status = "completed"
    for other in list(room.participants.values()):
        room.participants.pop(other.leg.sid)
        if not other.removed.triggered:
            other.removed.succeed("conference-ended")
        notify(world, room, "participant-leave", other)
    extra = {"ReasonConferenceEnded": reason}
    if ended_by:
        extra["CallSidEndingConference"] = ended_by
    notify(world, room, "conference-end", None, **extra)


def attend(runner: LegRunner, room: Room, seat: Seat, wait: tuple[str, str] | None) -> Flow[str]:
    """Be in a room until removed or hanging up.

    Return ``"left"`` (hung up), ``"kicked"`` (removed through the REST API) or
    ``"conference-ended"``.
    """
    world, kernel = runner.world, runner.world.kernel
    participant = enter(world, room, runner.leg, seat)
    music = None
    reason = "left"
    try:
        if not room.is_started:
            music = play_wait_documents(runner, wait, _no_params, WAIT_URL_VERBS, False)
            yield kernel.any_of([room.started, participant.removed])
            if music is not None:  # the wait music ends when the conference starts
                music.interrupt("stop")
                music = None
        if not participant.removed.triggered:
            talk = runner.leg.actor.talk_s
            timers = [kernel.timeout(talk)] if talk is not None else []  # None: stays on
            try:
                yield kernel.any_of([participant.removed, *timers])
            finally:
                for timer in timers:
                    kernel.cancel(timer)
        if participant.removed.triggered:
            reason = str(participant.removed.value)
        return reason
    finally:
        if music is not None:
            music.interrupt("stop")
        leave(world, room, participant, reason)


def _no_params() -> dict[str, str]:
    """Conference wait URLs get only the call's own parameters."""
    return {}


def dial_conference(runner: LegRunner, spec: DialSpec, noun: ET.Element) -> Flow[DialResult]:
    """Join a conference from a Dial (§3.6)."""
    attrs = runner.attrs(noun)
    room = runner.world.conferences.open(text_of(noun))
    callback_url = attrs.optional("statusCallback")
    first_wins = behaviour.CONFERENCE_CALLBACK_FROM_FIRST_PARTICIPANT
    if callback_url and (room.callback is None or not first_wins):
        events = attrs.words("statusCallbackEvent")
        method = attrs.method("statusCallbackMethod")
        room.callback = StatusCallback(runner.resolve(callback_url), method, events)
    seat = Seat(
        attrs.boolean("muted", False),
        attrs.boolean("startConferenceOnEnter", True),
        attrs.boolean("endConferenceOnExit", False),
        False,
        attrs.optional("participantLabel"),
    )
    wait_url = noun.get("waitUrl")
    wait = (runner.resolve(wait_url), attrs.method("waitMethod")) if wait_url else None
    started = runner.world.kernel.now
    how = (yield from unless_hung_up(attend(runner, room, seat, wait))) or "left"
    seconds = round(runner.world.kernel.now - started)
    status = behaviour.CONFERENCE_DIAL_STATUS
    left = how == "left" or (how == "kicked" and not behaviour.KICKED_PARTICIPANT_CONTINUES)
    return DialResult(status, None, seconds, True, left, conference=room.name)
