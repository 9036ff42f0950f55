"""Status callbacks: call progress, recordings, transcriptions and conferences (§1.3).

Twilio sends them on the side and ignores what the app answers; a failure is only logged.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import TYPE_CHECKING

from ivr.simulator.legs import Leg
from ivr.simulator.sids import SidKind
from ivr.simulator.transcript import RequestKind
from ivr.simulator.webhooks import FetchFailure

if TYPE_CHECKING:
    from ivr.simulator.interpreter import LegRunner
    from ivr.simulator.world import Recording, World


def timestamp(at: datetime) -> str:
    """Return a time the way Twilio's callbacks and REST API write it (RFC 2822, UTC)."""
    return format_datetime(at.astimezone(UTC))


def send(world: World, leg: str, url: str, method: str, params: Mapping[str, str]) -> None:
    """Send one callback; log a failure, as Twilio's debugger would."""
    answer = world.webhooks.send(leg, None, url, method, params, RequestKind.CALLBACK)
    if isinstance(answer, FetchFailure):
        world.transcript.warn(leg, answer.code, f"status callback failed: {answer.message}")


def call_progress(world: World, leg: Leg, event: str) -> None:
    """Send a call-progress event (initiated, ringing, answered, completed) if subscribed."""
    callback = leg.status_callback
    if callback is None or event not in callback.events:
        return
    params = leg.params()
    params |= {
        "CallbackSource": "call-progress-events",
        "SequenceNumber": str(leg.callback_sequence),
        "Timestamp": timestamp(world.clock.now()),
    }
    if event == "completed":
        params["CallDuration"] = str(leg.duration(leg.ended_at or world.kernel.now))
    leg.callback_sequence += 1
    send(world, leg.sid, callback.url, callback.method, params)


def recording_status(runner: LegRunner, verb: ET.Element, recording: Recording | None) -> None:
    """Tell ``recordingStatusCallback`` that a recording completed or was absent."""
    url = verb.get("recordingStatusCallback")
    attrs = runner.attrs(verb)
    events = attrs.words("recordingStatusCallbackEvent", "completed")
    status = "completed" if recording is not None else "absent"
    if not url or status not in events:
        return
    params = {
        "AccountSid": runner.leg.account_sid,
        "CallSid": runner.leg.sid,
        "RecordingStatus": status,
        "RecordingSource": "RecordVerb",
        "RecordingChannels": "1",
        "RecordingTrack": "inbound",
    }
    if recording is not None:
        params |= {
            "RecordingSid": recording.sid,
            "RecordingUrl": recording.url,
            "RecordingDuration": str(recording.duration),
            "RecordingStartTime": timestamp(recording.created_at),
        }
    method = attrs.method("recordingStatusCallbackMethod")
    send(runner.world, runner.leg.sid, runner.resolve(url), method, params)


def transcription(runner: LegRunner, verb: ET.Element, recording: Recording) -> None:
    """Send ``transcribeCallback`` with the words the tester typed for the recording."""
    url = verb.get("transcribeCallback")
    if not url or not runner.attrs(verb).boolean("transcribe", True):
        return
    params = runner.params(
        {
            "TranscriptionSid": runner.world.sids.new(SidKind.TRANSCRIPTION),
            "TranscriptionText": recording.text or "",
            "TranscriptionStatus": "completed" if recording.text else "failed",
            "TranscriptionUrl": f"{recording.url}/Transcriptions",
            "RecordingSid": recording.sid,
            "RecordingUrl": recording.url,
        }
    )
    send(runner.world, runner.leg.sid, runner.resolve(url), "POST", params)
