"""Hold music, made here: a calm loop of soft chords, so no file or network is needed.

Played to callers waiting in a queue (and to an entity waiting for its interpreter). An
admin who prefers a real recording puts it at ``prompts/music/hold.wav``; this is what
plays without one. The loop is as long as the gap between queue announcements.
"""

from __future__ import annotations

import math
from functools import lru_cache

from ivr.audio import TARGET_RATE, encode_wav

LOOP_SECONDS = 30
CHORD_SECONDS = 3.75  # eight chords a loop
VOLUME = 0.18  # well below full scale: music under a telephone line must not tire
# A gentle I–vi–IV–V progression in C major, as frequencies of three-note chords.
CHORDS = (
    (261.63, 329.63, 392.00), (220.00, 261.63, 329.63), (174.61, 220.00, 261.63),
    (196.00, 246.94, 293.66), (261.63, 329.63, 392.00), (220.00, 261.63, 329.63),
    (174.61, 220.00, 261.63), (196.00, 246.94, 392.00),
)


@lru_cache(maxsize=1)
def hold_music() -> bytes:
    """Return the hold music as an 8 kHz mono 16-bit WAV file."""
    per_chord = int(CHORD_SECONDS * TARGET_RATE)
    signal: list[float] = []
    for notes in CHORDS:
        signal.extend(_chord(notes, per_chord))
    return encode_wav(signal, TARGET_RATE)


def _chord(notes: tuple[float, ...], length: int) -> list[float]:
    """Render one chord with a soft attack and release, so chords never click."""
    fade = int(0.4 * TARGET_RATE)
    samples = []
    for i in range(length):
        envelope = min(1.0, i / fade, (length - i) / fade)
        value = sum(math.sin(2 * math.pi * f * i / TARGET_RATE) for f in notes) / len(notes)
        samples.append(VOLUME * envelope * value)
    return samples
