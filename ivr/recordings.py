"""Recorded prompts: what voice talent records, checking and filing audio, and coverage.

    Coverage(sources, catalogues, recorded, variants)
                                         text status, recordings and what a caller hears
    script_rows(coverage, lang)          the prompts and sentences to record in a language
    find_deliveries(folder, lang)        the files offered for import
    inspect(delivery, sources, variants) check one file; convert it to 8 kHz mono 16-bit
    file_recording(outcome, prompts_dir) write it to prompts/<lang>/<prompt-id>.wav

Rules of this module:
- No click and no printing: ``ivr.prompts_command`` talks to people.
- Recordings are known through the set of (language, prompt id) pairs the app would play,
  as in ``ivr.prompts.Resolver``. A prompt with placeholders is never recorded as such,
  since a recording cannot change its words; each of its sentences whose words the menu
  files fix (``ivr.variants``) is recorded under its variant id instead. What is recordable
  in a language is the prompts without placeholders and that language's sentences.
- A text is shown in its own language only: a missing translation is shown as missing and
  never filled in from a fallback language.
- Audio is stdlib only (``wave``, ``array``): prompt-length audio is small enough for pure
  Python, and 8 kHz mono 16-bit PCM is what a telephone line carries anyway.

Errors:

    IvrError
     └── RecordingError         an import cannot start or a recording cannot be written
          └── UnusableRecording one delivered file is refused (the reason is the message)
"""

from __future__ import annotations

import difflib
import os
import string
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from ivr.audio import (
    TARGET_RATE,
    UnusableAudio,
    Wav,
    check_duration,
    encode_wav,
    level_dbfs,
    read_wav,
    resample,
    to_mono,
)
from ivr.errors import IvrError
from ivr.i18n import LANGUAGES, SOURCE_LANGUAGE, Catalogue, fallback_chain, speaking_language
from ivr.prompts import VARIANT_DIGITS, Source
from ivr.variants import Variant, containing

RECORDING_SUFFIX = ".wav"
SILENCE_DBFS = -50.0  # quieter than this (RMS) is refused as silent
QUIET_DBFS = -35.0  # quieter than this is filed with a warning
CLIPPED_SAMPLES = 3  # this many samples at full scale is reported as clipping
HEX_DIGITS = frozenset("0123456789abcdef")
SENTENCE_NOTE = ("One sentence of {prompt_id}, as callers hear it: read it exactly as "
                 "written, keys and numbers included.")
OTHER_AUDIO = {".mp3", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".flac", ".aif", ".aiff",
               ".wma", ".amr", ".caf"}


class RecordingError(IvrError):
    """Recordings cannot be imported, or a recording cannot be written."""


class UnusableRecording(RecordingError):
    """One delivered file cannot be filed as the recording of a prompt."""


def placeholders(source: Source) -> set[str]:
    """Return the {names} of a prompt's source text; a malformed brace counts as one."""
    names: set[str] = set()
    for text in (source.text, source.plural or ""):
        try:
            names.update(name for _, name, _, _ in string.Formatter().parse(text) if name)
        except ValueError:
            names.add("<malformed>")
    return names


def is_recordable(source: Source) -> bool:
    """Tell whether a prompt can be played from a recording (it has no placeholders)."""
    return not placeholders(source)


def recording_name(lang: str, prompt_id: str) -> str:
    """Return where a recording lives, relative to the prompts folder."""
    return f"{lang}/{prompt_id}{RECORDING_SUFFIX}"


# -- coverage -----------------------------------------------------------------------------


class TextStatus(StrEnum):
    """How a prompt's text stands in one language's own catalogue."""

    SOURCE = "source"  # English with no catalogue entry: the source text itself
    TRANSLATED = "translated"
    NEEDS_REVIEW = "needs review"
    MISSING = "missing"


class Heard(StrEnum):
    """How a caller of a language hears one prompt."""

    RECORDING = "recording"  # a recording in the caller's language
    TTS = "tts"  # Twilio's voice for the caller's language
    FALLBACK = "fallback"  # another language of the fallback chain, recorded or spoken


@dataclass(frozen=True)
class LanguageCoverage:
    """The coverage summary of one language."""

    code: str
    prompts: int
    missing: tuple[str, ...]
    review: tuple[str, ...]
    recordable: int  # prompts without placeholders, and sentences
    recorded: int
    heard: Mapping[Heard, int]
    mode: str
    unused_recordings: tuple[str, ...]
    sentences: int = 0  # the sentences of prompts with placeholders that can be recorded
    sentences_recorded: int = 0

    @property
    def translated(self) -> float:
        """Return the fraction of prompts with a usable text in this language."""
        if not self.prompts:
            return 1.0
        return (self.prompts - len(self.missing)) / self.prompts

    @property
    def recorded_fraction(self) -> float:
        """Return the fraction of recordable prompts that have a recording."""
        return self.recorded / self.recordable if self.recordable else 0.0

    def as_json(self) -> dict[str, object]:
        """Describe this language for ``ivr prompts status --json``."""
        lang = LANGUAGES[self.code]
        return {
            "language": self.code, "name": lang.autonym, "english_name": lang.english_name,
            "voice": lang.voice, "say_language": lang.say_language, "fallback": lang.fallback,
            "prompts": self.prompts, "translated": round(self.translated, 4),
            "translated_count": self.prompts - len(self.missing),
            "needs_review": len(self.review), "review": list(self.review),
            "missing": list(self.missing), "recordable": self.recordable,
            "recorded": round(self.recorded_fraction, 4), "recorded_count": self.recorded,
            "mode": self.mode, "heard": {str(k): v for k, v in self.heard.items()},
            "unused_recordings": list(self.unused_recordings),
            "sentences": self.sentences, "sentences_recorded": self.sentences_recorded,
        }


class Coverage:
    """Answer, per prompt and language, what text exists, what is recorded and what is heard.

    ``recordable`` lists the prompts without placeholders, the same in every language;
    ``variants`` holds, per language, the sentences of prompts with placeholders that can be
    recorded too (``ivr.variants.fixed_variants``), by variant id.
    """

    def __init__(self, sources: Mapping[str, Source], catalogues: Mapping[str, Catalogue],
                 recorded: frozenset[tuple[str, str]],
                 variants: Mapping[str, Mapping[str, Variant]] | None = None) -> None:
        self.sources = sources
        self.catalogues = catalogues
        self.recorded = recorded
        self.recordable = tuple(p for p, s in sources.items() if is_recordable(s))
        self.variants: Mapping[str, Mapping[str, Variant]] = variants or {}
        self._saying = {code: containing(found) for code, found in self.variants.items()}

    def sentences(self, code: str) -> Mapping[str, Variant]:
        """Return the recordable sentences of prompts with placeholders in ``code``."""
        return self.variants.get(code, {})

    def recordable_in(self, code: str) -> tuple[str, ...]:
        """List what can be recorded in ``code``: prompts without placeholders, sentences."""
        return self.recordable + tuple(self.sentences(code))

    def text(self, prompt_id: str, code: str) -> tuple[str | None, TextStatus]:
        """Return the text of a prompt in exactly ``code`` and how it stands."""
        source = self.sources[prompt_id]
        catalogue = self.catalogues.get(code)
        entry = catalogue.get(prompt_id, source.text) if catalogue else None
        if entry is None or catalogue is None:
            if code == SOURCE_LANGUAGE:
                return source.text, TextStatus.SOURCE
            return None, TextStatus.MISSING
        text = entry.text
        if isinstance(text, tuple):  # said without a count, as the Resolver does
            text = text[min(catalogue.plural(1), len(text) - 1)]
        return text, TextStatus.NEEDS_REVIEW if entry.needs_review else TextStatus.TRANSLATED

    def is_recorded(self, prompt_id: str, code: str) -> bool:
        """Tell whether a recording of this prompt in ``code`` exists."""
        return (code, prompt_id) in self.recorded

    def is_fully_recorded(self, prompt_id: str, code: str) -> bool:
        """Tell whether a caller of ``code`` hears a prompt from recordings in ``code``: its
        own, or, when it has placeholders, one of every sentence that says it (its own
        sentences, or those it is nested in, as "For {name}" is in an option)."""
        if is_recordable(self.sources[prompt_id]):
            return self.is_recorded(prompt_id, code)
        names = self._saying.get(code, {}).get(prompt_id, ())
        return bool(names) and all(self.is_recorded(name, code) for name in names)

    def heard(self, prompt_id: str, code: str) -> tuple[Heard, str]:
        """Return how, and in which language, a caller of ``code`` hears a prompt."""
        can_play = is_recordable(self.sources[prompt_id])
        if not can_play and self.is_fully_recorded(prompt_id, code):
            return Heard.RECORDING, code
        for candidate in fallback_chain(code):
            if can_play and self.is_recorded(prompt_id, candidate):
                return (Heard.RECORDING if candidate == code else Heard.FALLBACK), candidate
            has_text = self.text(prompt_id, candidate)[1] is not TextStatus.MISSING
            if LANGUAGES[candidate].has_tts and has_text:
                return (Heard.TTS if candidate == code else Heard.FALLBACK), candidate
        raise RecordingError(f"prompt {prompt_id!r} cannot be said in {code!r}")

    def language(self, code: str) -> LanguageCoverage:
        """Summarise one language."""
        statuses = {p: self.text(p, code)[1] for p in self.sources}
        recordable = self.recordable_in(code)
        recorded = sum(self.is_recorded(p, code) for p in recordable)
        sentences = self.sentences(code)
        heard = dict.fromkeys(Heard, 0)
        for prompt_id in self.sources:
            heard[self.heard(prompt_id, code)[0]] += 1
        known = set(recordable)
        unused = sorted(p for c, p in self.recorded if c == code and p not in known)
        return LanguageCoverage(
            code, len(self.sources),
            tuple(p for p, s in statuses.items() if s is TextStatus.MISSING),
            tuple(p for p, s in statuses.items() if s is TextStatus.NEEDS_REVIEW),
            len(recordable), recorded, heard, self._mode(code, recorded, len(recordable)),
            tuple(unused), len(sentences), sum(self.is_recorded(v, code) for v in sentences))

    def _mode(self, code: str, recorded: int, recordable: int) -> str:
        """Say what a caller of ``code`` hears: its voice, its recordings, or a fallback."""
        if LANGUAGES[code].has_tts:
            return "tts"
        if recordable and recorded == recordable:
            return "recording"
        return f"fallback:{speaking_language(code).code}"


@dataclass(frozen=True)
class ScriptRow:
    """One prompt for voice talent to record."""

    prompt_id: str
    file: str
    text: str
    status: TextStatus
    english: str
    note: str
    is_recorded: bool


def script_rows(coverage: Coverage, code: str) -> list[ScriptRow]:
    """List every recordable prompt with its text in ``code`` (empty when missing), then
    every sentence of a prompt with placeholders, with the status of that prompt's text."""
    rows = []
    for prompt_id in coverage.recordable:
        text, status = coverage.text(prompt_id, code)
        rows.append(_row(coverage, code, prompt_id, prompt_id, text or "", status, None))
    for name, variant in coverage.sentences(code).items():
        status = coverage.text(variant.prompt.id, code)[1]
        rows.append(_row(coverage, code, name, variant.prompt.id, variant.text, status,
                         variant.english))
    return rows


def _row(coverage: Coverage, code: str, name: str, prompt_id: str, text: str,
         status: TextStatus, english: str | None) -> ScriptRow:
    """Build the script row of a recording ``name`` of prompt ``prompt_id``: a sentence
    gets a note for voice talent, not its prompt's note for translators (about
    placeholders it no longer has)."""
    source = coverage.sources[prompt_id]
    note = SENTENCE_NOTE.format(prompt_id=prompt_id) if name != prompt_id else source.note
    return ScriptRow(name, recording_name(code, name), text, status, english or source.text,
                     " ".join((note or "").split()), coverage.is_recorded(name, code))


# -- import -------------------------------------------------------------------------------


class Verdict(StrEnum):
    """What the import does with one file."""

    FILED = "filed"  # already 8 kHz mono 16-bit: copied as it is
    CONVERTED = "converted"
    REFUSED = "refused"


@dataclass(frozen=True)
class Delivery:
    """A file offered as the recording of a prompt in a language."""

    path: Path
    lang: str  # empty when the file's place names no language
    prompt_id: str


@dataclass(frozen=True)
class Outcome:
    """The verdict on one delivery: why it is refused, or the audio to file."""

    delivery: Delivery
    verdict: Verdict
    detail: str
    warnings: tuple[str, ...] = ()
    audio: bytes = b""


def find_deliveries(folder: Path, lang: str | None) -> tuple[list[Delivery], list[Path]]:
    """List the audio files of ``folder`` and the other files, which are skipped.

    Files are ``folder/<lang>/<prompt-id>.wav``; with ``lang``, also ``folder/<prompt-id>.wav``.
    """
    if not folder.is_dir():
        raise RecordingError(f"{folder} is not a folder")
    places = [(folder, lang or "")]
    subfolders = sorted(p for p in folder.iterdir() if p.is_dir() and not _hidden(p))
    places += [(sub, sub.name) for sub in subfolders if lang is None or sub.name == lang]
    deliveries: list[Delivery] = []
    skipped = [sub for sub in subfolders if lang is not None and sub.name != lang]
    for place, code in places:
        for path in sorted(p for p in place.iterdir() if p.is_file() and not _hidden(p)):
            if _is_audio(path):
                deliveries.append(Delivery(path, code, path.stem))
            else:
                skipped.append(path)
    return deliveries, skipped


def _hidden(path: Path) -> bool:
    """Tell whether a file is hidden (.DS_Store, editor backups)."""
    return path.name.startswith(".")


def _is_audio(path: Path) -> bool:
    """Tell whether a file is meant as a recording (a WAV, or audio in another format)."""
    suffix = path.suffix.lower()
    return suffix == RECORDING_SUFFIX or suffix in OTHER_AUDIO


def inspect(delivery: Delivery, sources: Mapping[str, Source],
            variants: Mapping[str, Mapping[str, Variant]] | None = None) -> Outcome:
    """Check one delivered file and prepare the audio to file, or say why it is refused.

    ``variants`` holds, per language, the sentences that can be recorded besides the
    prompts without placeholders (``ivr.variants.fixed_variants``)."""
    try:
        _check_place(delivery, sources, variants or {})
        if delivery.path.suffix.lower() != RECORDING_SUFFIX:
            raise UnusableRecording(f"{delivery.path.suffix} is not accepted: export it as "
                                    "16-bit PCM WAV")
        try:
            data = delivery.path.read_bytes()
        except OSError as exc:
            raise UnusableRecording(f"cannot be read ({exc.strerror})") from None
        return _prepare(delivery, data)
    except (UnusableRecording, UnusableAudio) as exc:
        return Outcome(delivery, Verdict.REFUSED, str(exc))


def _check_place(delivery: Delivery, sources: Mapping[str, Source],
                 variants: Mapping[str, Mapping[str, Variant]]) -> None:
    """Refuse a file whose language or prompt is unknown, whose prompt has placeholders, or
    that is named after a sentence the menus no longer say in its language."""
    if not delivery.lang:
        raise UnusableRecording("no language: put it in a folder named after its language, "
                                "or give --lang")
    if delivery.lang not in LANGUAGES:
        raise UnusableRecording(f"unknown language {delivery.lang!r}")
    name = delivery.prompt_id
    if name in variants.get(delivery.lang, {}):
        return
    source = sources.get(name)
    if source is None:
        if _is_sentence_name(name, sources):
            raise UnusableRecording(
                f"no sentence of the menus in {delivery.lang} is named {name!r}: its text may "
                "have changed since the script was exported, so export the script again")
        close = difflib.get_close_matches(name, list(sources), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise UnusableRecording(f"unknown prompt {name!r}{hint}")
    names = placeholders(source)
    if names:
        listed = ", ".join("{" + name + "}" for name in sorted(names))
        raise UnusableRecording(
            f"the prompt has placeholders ({listed}): its sentences are recorded one by one "
            "under the names `ivr prompts script` gives, and dates, times and counts are "
            "always spoken")


def _is_sentence_name(name: str, sources: Mapping[str, Source]) -> bool:
    """Tell whether a name has the shape of a sentence's: a prompt with placeholders, a dot
    and a digest of 8 hex digits."""
    prompt_id, _, digest = name.rpartition(".")
    source = sources.get(prompt_id)
    return (source is not None and bool(placeholders(source))
            and len(digest) == VARIANT_DIGITS and set(digest) <= HEX_DIGITS)


def _prepare(delivery: Delivery, data: bytes) -> Outcome:
    """Check the audio itself and convert it to 8 kHz mono 16-bit when it is not."""
    wav = read_wav(data)
    check_duration(wav.seconds)
    mono = to_mono(wav)
    level = level_dbfs(mono)
    if level < SILENCE_DBFS:
        raise UnusableRecording(f"silent (level {level:.0f} dBFS; at least "
                                f"{SILENCE_DBFS:.0f} dBFS)")
    warnings = _warnings(wav, level)
    if wav.is_telephone_format:
        return Outcome(delivery, Verdict.FILED, f"{wav.describe()}, {wav.seconds:.1f} s",
                       warnings, data)
    audio = encode_wav(resample(mono, wav.rate, TARGET_RATE), TARGET_RATE)
    detail = f"{wav.describe()} → 8 kHz mono 16-bit, {wav.seconds:.1f} s"
    return Outcome(delivery, Verdict.CONVERTED, detail, warnings, audio)


def _warnings(wav: Wav, level: float) -> tuple[str, ...]:
    """Describe what is accepted but should be recorded again when possible."""
    warnings = []
    clipped = wav.samples.count(wav.lowest) + wav.samples.count(wav.highest)
    if clipped >= CLIPPED_SAMPLES:
        warnings.append(f"clipped ({clipped} samples at full scale)")
    if level < QUIET_DBFS:
        warnings.append(f"very quiet (level {level:.0f} dBFS)")
    if wav.rate < TARGET_RATE:
        warnings.append(f"recorded at {wav.rate} Hz, below the telephone's 8 kHz")
    return tuple(warnings)


def file_recording(outcome: Outcome, prompts_dir: Path) -> Path:
    """Write an accepted recording to prompts/<lang>/<prompt-id>.wav, atomically."""
    delivery = outcome.delivery
    target = prompts_dir / recording_name(delivery.lang, delivery.prompt_id)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                         suffix=".part")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(outcome.audio)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, 0o644)  # served by the web app, maybe as another user
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise RecordingError(f"cannot write {target}: {exc.strerror or exc}") from None
    return target
