"""Recordings: reading and converting WAV audio, filing it, and what a caller hears."""

from __future__ import annotations

import io
import math
import struct
import wave
from collections.abc import Sequence
from pathlib import Path

import pytest
from support import ROOT

from ivr.audio import level_dbfs, read_wav, resample
from ivr.i18n import Catalogue, Entry
from ivr.menu import load_menu
from ivr.prompts import Resolver, Source
from ivr.prompts_command import load_texts
from ivr.recordings import (
    Coverage,
    Delivery,
    Heard,
    TextStatus,
    Verdict,
    file_recording,
    find_deliveries,
    inspect,
    is_recordable,
    script_rows,
)
from ivr.variants import fixed_variants

SOURCES = {
    "menu.invalid": Source("Sorry, that is not one of the options.", note="Said after a key."),
    "goodbye": Source("Goodbye."),
    "when.today": Source("today at {time}"),
}


def tone(frequency: float, rate: int, seconds: float, amplitude: float = 0.5) -> list[float]:
    """Return a sine wave as floats in [-1, 1]."""
    return [amplitude * math.sin(2 * math.pi * frequency * n / rate)
            for n in range(round(rate * seconds))]


def wav_bytes(signal: Sequence[float], rate: int, channels: int = 1, width: int = 2) -> bytes:
    """Encode a signal as PCM WAV, the same on every channel (8-bit unsigned as WAV wants)."""
    full = 1 << (8 * width - 1)
    frames = bytearray()
    for value in signal:
        sample = max(-full, min(full - 1, round(value * full)))
        encoded = (sample + 128).to_bytes(1, "little") if width == 1 else sample.to_bytes(
            width, "little", signed=True)
        frames += encoded * channels
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(width)
        writer.setframerate(rate)
        writer.writeframes(bytes(frames))
    return buffer.getvalue()


def decoded(data: bytes) -> tuple[int, int, int, list[float]]:
    """Read back (rate, channels, bits, first channel as floats) of 16-bit WAV bytes."""
    with wave.open(io.BytesIO(data), "rb") as reader:
        params = reader.getframerate(), reader.getnchannels(), 8 * reader.getsampwidth()
        raw = reader.readframes(reader.getnframes())
    samples = struct.unpack(f"<{len(raw) // 2}h", raw)
    return (*params, [s / 32768 for s in samples[::params[1]]])


def frequency(signal: Sequence[float], rate: int) -> float:
    """Estimate the frequency of a sine from its zero crossings."""
    crossings = sum(1 for a, b in zip(signal, signal[1:], strict=False) if (a < 0) != (b < 0))
    return crossings / 2 / (len(signal) / rate)


def deliver(tmp_path: Path, name: str, data: bytes, lang: str = "kea") -> Delivery:
    """Put a file where voice talent would and describe it."""
    path = tmp_path / "delivery" / lang / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return Delivery(path, lang, path.stem)


# -- conversion ---------------------------------------------------------------------------


@pytest.mark.parametrize(("rate", "channels", "width"), [
    (44100, 2, 2), (48000, 1, 3), (22050, 2, 1), (16000, 1, 4), (11025, 1, 2), (8000, 2, 2),
    (8000, 1, 1), (6000, 1, 2),
])
def test_any_pcm_becomes_8_khz_mono_16_bit_with_the_same_pitch_and_length(
        tmp_path: Path, rate: int, channels: int, width: int) -> None:
    data = wav_bytes(tone(440, rate, 1.5), rate, channels, width)
    outcome = inspect(deliver(tmp_path, "menu.invalid.wav", data), SOURCES)
    assert outcome.verdict is Verdict.CONVERTED, outcome.detail
    out_rate, out_channels, bits, signal = decoded(outcome.audio)
    assert (out_rate, out_channels, bits) == (8000, 1, 16)
    assert len(signal) == pytest.approx(1.5 * 8000, abs=1)
    assert frequency(signal, 8000) == pytest.approx(440, rel=0.01)
    assert level_dbfs(signal[400:-400]) == pytest.approx(level_dbfs(tone(440, 8000, 1)), abs=0.3)


def test_the_low_pass_removes_what_would_fold_into_the_telephone_band() -> None:
    # Without a low-pass, a 6 kHz tone decimated to 8 kHz comes back as a loud 2 kHz tone.
    heard = resample(tone(6000, 44100, 0.5), 44100, 8000)
    assert level_dbfs(heard[200:-200]) < level_dbfs(tone(6000, 44100, 0.5)) - 60
    kept = resample(tone(1000, 44100, 0.5), 44100, 8000)
    assert level_dbfs(kept[200:-200]) == pytest.approx(level_dbfs(tone(1000, 8000, 0.5)),
                                                        abs=0.1)


def test_telephone_format_is_filed_byte_for_byte(tmp_path: Path) -> None:
    data = wav_bytes(tone(440, 8000, 1.0), 8000)
    outcome = inspect(deliver(tmp_path, "goodbye.wav", data), SOURCES)
    assert outcome.verdict is Verdict.FILED
    assert outcome.audio == data
    assert outcome.warnings == ()


def test_wave_format_extensible_is_read_as_pcm() -> None:
    plain = wav_bytes(tone(440, 48000, 0.5), 48000, 2, 3)
    fmt = plain.index(b"fmt ")
    extensible_fmt = (b"fmt " + (40).to_bytes(4, "little") + (0xFFFE).to_bytes(2, "little")
                      + plain[fmt + 10:fmt + 24] + (22).to_bytes(2, "little")
                      + (24).to_bytes(2, "little") + (3).to_bytes(4, "little")
                      + b"\x01\x00\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71")
    data = plain[:fmt] + extensible_fmt + plain[fmt + 24:]
    data = data[:4] + (len(data) - 8).to_bytes(4, "little") + data[8:]
    wav = read_wav(data)
    assert wav.describe() == "48 kHz stereo 24-bit"
    assert wav.seconds == pytest.approx(0.5)


# -- refusals -----------------------------------------------------------------------------


def _float_wav() -> bytes:
    data = bytearray(wav_bytes(tone(440, 8000, 1.0), 8000, 1, 4))
    data[20:22] = (3).to_bytes(2, "little")  # WAVE_FORMAT_IEEE_FLOAT
    return bytes(data)


def _bad_chunk() -> bytes:
    data = bytearray(wav_bytes(tone(440, 8000, 1.0), 8000))
    data[16:20] = (0x7510).to_bytes(4, "little")  # a fmt chunk longer than the file
    return bytes(data)


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("goodbye.wav", wav_bytes([0.0] * 8000, 8000), "silent"),
    ("goodbye.wav", _bad_chunk(), "not a readable WAV file"),
    ("goodbye.wav", wav_bytes(tone(440, 8000, 0.2), 8000), "too short (0.20 s"),
    ("goodbye.wav", wav_bytes(tone(440, 8000, 61), 8000), "too long (61.0 s"),
    ("goodbye.wav", b"ID3 this is an mp3 file renamed", "not a readable WAV file"),
    ("goodbye.wav", _float_wav(), "floating-point WAV"),
    ("goodbye.mp3", b"ID3", ".mp3 is not accepted"),
    ("goodby.wav", wav_bytes(tone(440, 8000, 1), 8000), "unknown prompt 'goodby' (did you "
                                                         "mean 'goodbye'?)"),
    ("when.today.wav", wav_bytes(tone(440, 8000, 1), 8000), "placeholders ({time})"),
])
def test_refusals_say_why(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    outcome = inspect(deliver(tmp_path, name, data), SOURCES)
    assert outcome.verdict is Verdict.REFUSED
    assert reason in outcome.detail
    assert outcome.audio == b""


def test_a_file_without_a_language_or_in_an_unknown_one_is_refused(tmp_path: Path) -> None:
    data = wav_bytes(tone(440, 8000, 1), 8000)
    assert "no language" in inspect(deliver(tmp_path, "goodbye.wav", data, ""), SOURCES).detail
    unknown = inspect(deliver(tmp_path, "goodbye.wav", data, "mo"), SOURCES)
    assert "unknown language 'mo'" in unknown.detail


def test_clipping_and_quiet_audio_are_filed_with_warnings(tmp_path: Path) -> None:
    square = [1.0 if s >= 0 else -1.0 for s in tone(440, 8000, 1.0)]
    clipped = inspect(deliver(tmp_path, "goodbye.wav", wav_bytes(square, 8000)), SOURCES)
    assert clipped.verdict is Verdict.FILED
    assert any(w.startswith("clipped (") for w in clipped.warnings)
    quiet = inspect(deliver(tmp_path, "goodbye.wav", wav_bytes(tone(440, 8000, 1.0, 0.01),
                                                               8000)), SOURCES)
    assert quiet.verdict is Verdict.FILED
    assert any("very quiet" in w for w in quiet.warnings)
    assert not any("clipped" in w for w in quiet.warnings)


# -- where files come from and go ----------------------------------------------------------


def test_deliveries_are_found_per_language_folder_or_flat_with_a_language(tmp_path: Path
                                                                          ) -> None:
    (tmp_path / "wo").mkdir()
    (tmp_path / "fr").mkdir()
    for name in ("wo/goodbye.wav", "wo/notes.txt", "fr/goodbye.WAV", "menu.invalid.wav",
                 "wo/.DS_Store"):
        (tmp_path / name).write_bytes(b"")
    found, skipped = find_deliveries(tmp_path, None)
    assert [(d.lang, d.prompt_id) for d in found] == [
        ("", "menu.invalid"), ("fr", "goodbye"), ("wo", "goodbye")]
    assert skipped == [tmp_path / "wo" / "notes.txt"]
    found, skipped = find_deliveries(tmp_path, "wo")
    assert [(d.lang, d.prompt_id) for d in found] == [("wo", "menu.invalid"), ("wo", "goodbye")]
    assert tmp_path / "fr" in skipped


def test_filing_replaces_atomically_and_leaves_nothing_behind(tmp_path: Path) -> None:
    data = wav_bytes(tone(440, 8000, 1.0), 8000)
    prompts = tmp_path / "prompts"
    (prompts / "kea").mkdir(parents=True)
    (prompts / "kea" / "goodbye.wav").write_bytes(b"old")
    target = file_recording(inspect(deliver(tmp_path, "goodbye.wav", data), SOURCES), prompts)
    assert target == prompts / "kea" / "goodbye.wav"
    assert target.read_bytes() == data
    assert target.stat().st_mode & 0o777 == 0o644
    assert sorted(p.name for p in (prompts / "kea").iterdir()) == ["goodbye.wav"]


# -- coverage -----------------------------------------------------------------------------


CATALOGUES = {
    "pt_PT": Catalogue("pt_PT", {
        ("menu.invalid", SOURCES["menu.invalid"].text): Entry("Desculpe, essa opção não existe."),
        ("goodbye", "Goodbye."): Entry("Adeus.", needs_review=True),
        ("when.today", "today at {time}"): Entry("hoje às {time}"),
    }),
    "kea": Catalogue("kea", {("goodbye", "Goodbye."): Entry("Txau.", needs_review=True)}),
}


def test_a_missing_text_is_missing_and_never_taken_from_the_fallback() -> None:
    rows = script_rows(Coverage(SOURCES, CATALOGUES, frozenset()), "kea")
    assert [(r.prompt_id, r.text, r.status) for r in rows] == [
        ("menu.invalid", "", TextStatus.MISSING), ("goodbye", "Txau.", TextStatus.NEEDS_REVIEW)]
    assert rows[0].english == "Sorry, that is not one of the options."
    assert rows[0].note == "Said after a key."
    assert rows[0].file == "kea/menu.invalid.wav"


def test_a_language_without_a_voice_falls_back_until_every_recording_exists() -> None:
    coverage = Coverage(SOURCES, CATALOGUES, frozenset({("kea", "goodbye")}))
    kea = coverage.language("kea")
    assert (kea.translated, kea.review, kea.missing) == (
        pytest.approx(1 / 3), ("goodbye",), ("menu.invalid", "when.today"))
    assert (kea.recorded, kea.recordable, kea.mode) == (1, 2, "fallback:pt_PT")
    assert coverage.heard("goodbye", "kea") == (Heard.RECORDING, "kea")
    assert coverage.heard("menu.invalid", "kea") == (Heard.FALLBACK, "pt_PT")
    recorded = frozenset({("kea", "goodbye"), ("kea", "menu.invalid"), ("kea", "when.today")})
    kea = Coverage(SOURCES, CATALOGUES, recorded).language("kea")
    assert kea.mode == "recording"
    assert kea.recorded_fraction == 1.0
    assert kea.unused_recordings == ("when.today",)
    assert dict(kea.heard) == {Heard.RECORDING: 2, Heard.TTS: 0, Heard.FALLBACK: 1}


def test_languages_with_a_voice_are_spoken_and_english_is_complete_by_definition() -> None:
    coverage = Coverage(SOURCES, CATALOGUES, frozenset())
    assert coverage.language("pt_PT").mode == "tts"
    assert coverage.language("wo").mode == "fallback:fr"
    english = coverage.language("en")
    assert (english.translated, english.missing, english.mode) == (1.0, (), "tts")
    assert coverage.heard("goodbye", "fr") == (Heard.FALLBACK, "en")
    assert coverage.language("pt_PT").as_json()["needs_review"] == 1


# -- recorded sentences -------------------------------------------------------------------


MENU = load_menu(ROOT / "menus")
SHIPPED = load_texts(ROOT / "locales")
SENTENCES = fixed_variants(MENU, Resolver(MENU.sources, SHIPPED))
STATIC = tuple(p for p, s in MENU.sources.items() if is_recordable(s))
STALE = "menu.option.00000000"  # a sentence whose words have changed since it was recorded


def _recorded(code: str, *names: str) -> frozenset[tuple[str, str]]:
    """Return recordings of ``names`` in ``code``."""
    return frozenset((code, name) for name in names)


def test_sentences_count_as_recordable_and_the_voice_comes_only_when_all_are_recorded(
        ) -> None:
    sentences = tuple(SENTENCES["kea"])
    coverage = Coverage(MENU.sources, SHIPPED, _recorded("kea", *STATIC), SENTENCES)
    kea = coverage.language("kea")
    assert (kea.recordable, kea.recorded) == (len(STATIC) + len(sentences), len(STATIC))
    assert (kea.sentences, kea.sentences_recorded) == (len(sentences), 0)
    assert kea.mode == "fallback:pt_PT"
    everything = _recorded("kea", *STATIC, *sentences, STALE, "closed.next")
    kea = Coverage(MENU.sources, SHIPPED, everything, SENTENCES).language("kea")
    assert (kea.recorded, kea.recorded_fraction, kea.mode) == (
        len(STATIC) + len(sentences), 1.0, "recording")
    assert kea.unused_recordings == ("closed.next", STALE)
    assert kea.as_json()["sentences"] == kea.as_json()["sentences_recorded"] == len(sentences)
    assert Coverage(MENU.sources, SHIPPED, _recorded("kea", *sentences), SENTENCES).language(
        "kea").mode == "fallback:pt_PT"


def test_a_prompt_with_placeholders_is_heard_recorded_once_each_sentence_is() -> None:
    options = [name for name, v in SENTENCES["wo"].items() if v.prompt.id == "menu.option"]
    some = Coverage(MENU.sources, SHIPPED, _recorded("wo", *options[1:]), SENTENCES)
    assert some.heard("menu.option", "wo") == (Heard.FALLBACK, "fr")
    assert not some.is_fully_recorded("menu.option", "wo")
    every = Coverage(MENU.sources, SHIPPED, _recorded("wo", *options), SENTENCES)
    assert every.heard("menu.option", "wo") == (Heard.RECORDING, "wo")
    assert every.is_fully_recorded("menu.option", "wo")
    assert every.heard("menu.option", "kea") == (Heard.FALLBACK, "pt_PT")
    assert every.heard("closed.next", "wo") == (Heard.FALLBACK, "fr")  # always spoken
    recorded = {p for p in MENU.sources if every.heard(p, "wo")[0] is Heard.RECORDING}
    assert recorded == {"menu.option", "menu.for"}  # "For {name}" is said only in options
    assert every.language("wo").heard[Heard.RECORDING] == 2


def test_the_script_lists_each_sentence_after_the_prompts_with_its_english() -> None:
    recorded = _recorded("wo", *SENTENCES["wo"])
    rows = script_rows(Coverage(MENU.sources, SHIPPED, recorded, SENTENCES), "wo")
    assert [r.prompt_id for r in rows] == [*STATIC, *SENTENCES["wo"]]
    name, variant = next(iter(SENTENCES["wo"].items()))
    row = rows[len(STATIC)]
    assert (row.prompt_id, row.file, row.text, row.english, row.is_recorded) == (
        name, f"wo/{name}.wav", variant.text, variant.english, True)
    assert row.status is TextStatus.NEEDS_REVIEW  # the status of the Wolof menu.option
    assert row.note == (f"One sentence of {variant.prompt.id}, as callers hear it: read it "
                        "exactly as written, keys and numbers included.")
    assert "{" not in row.note


def test_a_current_sentence_is_filed_under_its_name(tmp_path: Path) -> None:
    name = next(iter(SENTENCES["wo"]))
    data = wav_bytes(tone(440, 8000, 1.0), 8000)
    outcome = inspect(deliver(tmp_path, f"{name}.wav", data, "wo"), MENU.sources, SENTENCES)
    assert outcome.verdict is Verdict.FILED, outcome.detail
    target = file_recording(outcome, tmp_path / "prompts")
    assert target == tmp_path / "prompts" / "wo" / f"{name}.wav"
    elsewhere = inspect(deliver(tmp_path, f"{name}.wav", data, "kea"), MENU.sources, SENTENCES)
    assert elsewhere.verdict is Verdict.REFUSED  # Creole says other words


@pytest.mark.parametrize(("name", "reason"), [
    (f"{STALE}.wav", "no sentence of the menus in wo is named 'menu.option.00000000': its "
                     "text may have changed since the script was exported, so export the "
                     "script again"),
    ("menu.option.wav", "the prompt has placeholders ({key}, {label}): its sentences are "
                        "recorded one by one under the names `ivr prompts script` gives, and "
                        "dates, times and counts are always spoken"),
    ("menu.option.0000000g.wav", "unknown prompt 'menu.option.0000000g'"),
])
def test_a_stale_sentence_or_a_prompt_with_placeholders_is_refused(
        tmp_path: Path, name: str, reason: str) -> None:
    data = wav_bytes(tone(440, 8000, 1.0), 8000)
    outcome = inspect(deliver(tmp_path, name, data, "wo"), MENU.sources, SENTENCES)
    assert outcome.verdict is Verdict.REFUSED
    assert outcome.detail.startswith(reason)
