"""The simulated clock and how long things take on a call.

``SimClock`` satisfies ``ivr.clock.Clock``: an app driven in-process reads the simulated time,
so opening hours, queue waits and closing times behave as they would on the real line.
"""

from __future__ import annotations

import io
import re
import wave
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from ivr.errors import SimulatorError
from ivr.simulator import behaviour
from ivr.simulator.kernel import Kernel

#: Wall time without an offset is Lisbon time: the helpline's own zone.
LOCAL_ZONE = ZoneInfo("Europe/Lisbon")

_WORD = re.compile(r"\w+", re.UNICODE)


class SimClock:
    """A clock that reads the kernel's simulated seconds from a starting instant."""

    def __init__(self, kernel: Kernel, start: datetime) -> None:
        if start.tzinfo is None:
            raise SimulatorError("the simulated clock needs an aware start time")
        self._kernel = kernel
        self.start = start

    def now(self) -> datetime:
        """Return the current simulated time, in the start time's zone."""
        return self.start + timedelta(seconds=self._kernel.now)

    def elapsed(self) -> float:
        """Return the simulated seconds since the start."""
        return self._kernel.now


def parse_at(text: str) -> datetime:
    """Read an ISO 8601 instant; without an offset it is Europe/Lisbon wall time."""
    try:
        at = datetime.fromisoformat(text.strip())
    except ValueError:
        raise SimulatorError(
            f"--at {text!r} is not an ISO 8601 time such as 2026-03-02T10:00"
        ) from None
    if at.tzinfo is None:
        at = at.replace(tzinfo=LOCAL_ZONE)
    return at


def real_now() -> datetime:
    """Return the machine's current time in Lisbon, to the second."""
    return datetime.now(UTC).astimezone(LOCAL_ZONE).replace(microsecond=0)


def speech_seconds(text: str, language: str) -> float:
    """Estimate how long text-to-speech takes to say ``text`` in ``language``."""
    family = language.split("-")[0].split("_")[0].lower()
    rate = behaviour.WORDS_PER_MINUTE.get(family, behaviour.WORDS_PER_MINUTE_DEFAULT)
    words = len(_WORD.findall(text))
    return round(words * 60.0 / rate, 2)


def audio_seconds(body: bytes) -> float:
    """Return the length of a WAV file, or the default when it cannot be read."""
    try:
        with wave.open(io.BytesIO(body)) as audio:
            frames, rate = audio.getnframes(), audio.getframerate()
    except (wave.Error, EOFError):
        return behaviour.UNKNOWN_AUDIO_S
    return round(frames / rate, 2) if rate else behaviour.UNKNOWN_AUDIO_S


def silent_wav(seconds: float) -> bytes:
    """Return a silent 8 kHz mono WAV file of ``seconds``, as a stand-in recording."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(1)
        audio.setframerate(8000)
        audio.writeframes(b"\x80" * int(seconds * 8000))
    return buffer.getvalue()
