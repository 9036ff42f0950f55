"""Telephone audio, stdlib only: read PCM WAV, mix to mono, resample, write 8 kHz WAV.

Prompt-length audio is small enough for pure Python, and 8 kHz mono 16-bit PCM is what a
telephone line carries anyway. Resampling uses a Kaiser-windowed sinc low-pass, so nothing
above the new Nyquist frequency folds back into the band.

Errors: ``UnusableAudio`` (an ``IvrError``) says, in one sentence, why a file cannot be used.
"""

from __future__ import annotations

import io
import math
import sys
import wave
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from operator import mul

from ivr.errors import IvrError

TARGET_RATE = 8000
MIN_SECONDS = 0.3
MAX_SECONDS = 60.0
ROLLOFF = 0.9  # low-pass cutoff as a fraction of the lower Nyquist frequency
ZERO_CROSSINGS = 16  # half-length of the sinc kernel, in zero crossings
KAISER_BETA = 8.0  # about 80 dB of stop-band attenuation
_EXTENSIBLE = 0xFFFE
_FULL_SCALE = {  # (lowest, highest) decoded sample value per sample width in bytes
    1: (-128, 127), 2: (-32768, 32767), 3: (-(1 << 31), (1 << 31) - 256),
    4: (-(1 << 31), (1 << 31) - 1),
}


class UnusableAudio(IvrError):
    """A file is not audio this helpline can play; the message says why."""


@dataclass(frozen=True)
class Wav:
    """The frames of a PCM WAV file, as signed integers, channels interleaved."""

    rate: int
    channels: int
    bits: int
    samples: array[int]
    lowest: int  # the most negative sample value (full scale)
    highest: int

    @property
    def seconds(self) -> float:
        """Return the duration."""
        return len(self.samples) / self.channels / self.rate

    @property
    def is_telephone_format(self) -> bool:
        """Tell whether this is already 8 kHz mono 16-bit."""
        return (self.rate, self.channels, self.bits) == (TARGET_RATE, 1, 16)

    def describe(self) -> str:
        """Name the format, as in "44.1 kHz stereo 24-bit"."""
        layout = {1: "mono", 2: "stereo"}.get(self.channels, f"{self.channels}-channel")
        return f"{self.rate / 1000:g} kHz {layout} {self.bits}-bit"


def read_wav(data: bytes) -> Wav:
    """Decode a PCM WAV file of 8, 16, 24 or 32 bits; refuse anything else."""
    try:
        with wave.open(io.BytesIO(_plain_pcm(data)), "rb") as reader:
            rate, channels = reader.getframerate(), reader.getnchannels()
            width = reader.getsampwidth()
            if rate <= 0 or channels <= 0 or width not in (1, 2, 3, 4):
                raise UnusableAudio(f"unsupported WAV format ({width * 8}-bit, "
                                        f"{channels} channels, {rate} Hz)")
            check_duration(reader.getnframes() / rate)
            raw = reader.readframes(reader.getnframes())
    except (wave.Error, EOFError, ValueError, RuntimeError) as exc:  # wave's seek on a bad chunk
        raise UnusableAudio(_wave_problem(exc)) from None
    raw = raw[:len(raw) - len(raw) % (channels * width)]
    samples = _decode(raw, width)
    lowest, highest = _FULL_SCALE[width]
    return Wav(rate, channels, 8 * width, samples, lowest, highest)


def _wave_problem(exc: Exception) -> str:
    """Explain why the wave module could not read a file."""
    message = str(exc)
    if message.startswith("unknown format: 3"):
        return "floating-point WAV: export it as 16-bit PCM"
    if message.startswith("unknown format"):
        return f"not PCM audio ({message}): export it as 16-bit PCM WAV"
    return "not a readable WAV file"


def _plain_pcm(data: bytes) -> bytes:
    """Present a WAVE_FORMAT_EXTENSIBLE file of integer PCM as plain PCM, which wave reads."""
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return data
    offset = 12
    while offset + 8 <= len(data):
        size = int.from_bytes(data[offset + 4:offset + 8], "little")
        body = offset + 8
        if data[offset:offset + 4] == b"fmt ":
            tag = int.from_bytes(data[body:body + 2], "little")
            if tag == _EXTENSIBLE and size >= 26 and data[body + 24:body + 26] == b"\x01\x00":
                return data[:body] + b"\x01\x00" + data[body + 2:]
            return data
        offset = body + size + (size & 1)
    return data


def _decode(raw: bytes, width: int) -> array[int]:
    """Turn little-endian PCM bytes into signed integers (24-bit as the top of 32-bit)."""
    if width == 1:  # 8-bit WAV is unsigned
        return array("h", (byte - 128 for byte in raw))
    if width == 3:
        wide = bytearray(len(raw) // 3 * 4)
        wide[1::4], wide[2::4], wide[3::4] = raw[0::3], raw[1::3], raw[2::3]
        raw, width = bytes(wide), 4
    samples = array("h" if width == 2 else "i", raw)
    if sys.byteorder == "big":
        samples.byteswap()
    return samples


def check_duration(seconds: float) -> None:
    """Refuse a recording that is too short or too long to be a prompt."""
    if seconds < MIN_SECONDS:
        raise UnusableAudio(f"too short ({seconds:.2f} s; at least {MIN_SECONDS} s)")
    if seconds > MAX_SECONDS:
        raise UnusableAudio(f"too long ({seconds:.1f} s; at most {MAX_SECONDS:g} s)")


def to_mono(wav: Wav) -> array[float]:
    """Mix all channels down to one, as floats in [-1, 1)."""
    scale = 1.0 / (-wav.lowest * wav.channels)
    if wav.channels == 1:
        return array("d", (sample * scale for sample in wav.samples))
    channels = [wav.samples[c::wav.channels] for c in range(wav.channels)]
    return array("d", (sum(frame) * scale for frame in zip(*channels, strict=True)))


def level_dbfs(signal: Sequence[float]) -> float:
    """Return the RMS level in dB below full scale (-inf for digital silence)."""
    power = math.fsum(map(mul, signal, signal)) / len(signal) if signal else 0.0
    return 10 * math.log10(power) if power > 0 else -math.inf


def resample(signal: Sequence[float], rate: int, target: int) -> array[float]:
    """Change the sample rate by band-limited interpolation through a Kaiser-windowed sinc."""
    # The low-pass cuts below the lower of the two Nyquist frequencies, so nothing above
    # 4 kHz folds back into the telephone band when decimating to 8 kHz.
    if rate == target:
        return array("d", signal)
    common = math.gcd(rate, target)
    up, down = target // common, rate // common
    cutoff = ROLLOFF * min(1.0, target / rate)  # in cycles per two input samples
    half = ZERO_CROSSINGS / cutoff  # kernel half-length, in input samples
    width = math.ceil(half)
    padded = array("d", bytes(8 * width)) + array("d", signal) + array("d", bytes(8 * width))
    bank: dict[int, list[float]] = {}
    out = array("d")
    for n in range(-(-len(signal) * up // down)):
        base, phase = divmod(n * down, up)
        taps = bank.get(phase)
        if taps is None:
            taps = bank[phase] = _taps(phase / up, width, cutoff, half)
        out.append(sum(map(mul, taps, padded[base + 1:base + 1 + 2 * width])))
    return out


def _taps(fraction: float, width: int, cutoff: float, half: float) -> list[float]:
    """Return the kernel for one output phase, normalised to unit gain at 0 Hz."""
    taps = []
    for offset in range(-width + 1, width + 1):
        x = fraction - offset
        if abs(x) >= half:
            taps.append(0.0)
            continue
        arg = math.pi * cutoff * x
        sinc = math.sin(arg) / arg if arg else 1.0
        taps.append(sinc * _bessel_i0(KAISER_BETA * math.sqrt(1 - (x / half) ** 2)))
    total = math.fsum(taps)
    return [tap / total for tap in taps]


def _bessel_i0(x: float) -> float:
    """Return the modified Bessel function of order 0, for the Kaiser window."""
    total = term = 1.0
    k = 0
    while term > 1e-12 * total:
        k += 1
        term *= (x / (2 * k)) ** 2
        total += term
    return total


def encode_wav(signal: Sequence[float], rate: int) -> bytes:
    """Write a mono 16-bit PCM WAV file, clamping overshoot to full scale."""
    pcm = array("h", (max(-32768, min(32767, round(x * 32768))) for x in signal))
    if sys.byteorder == "big":
        pcm.byteswap()
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(pcm.tobytes())
    return buffer.getvalue()
