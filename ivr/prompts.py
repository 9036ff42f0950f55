"""What a caller hears: prompt id + language -> a recording, a <Say>, or an honest fallback.

Rules of this module:
- Pure: recordings are known through a set given at start-up, the clock through ``Moment``.
- A prompt is played from ``prompts/<lang>/<id>.wav`` when that recording exists and the
  prompt has no parameters. A prompt with parameters is played from
  ``prompts/<lang>/<id>.<digest>.wav`` when a recording of exactly the sentence it renders to
  exists (``variant_id``: the digest is of the words, so a recording never says other
  words than the text, and one whose text changed is no longer played). Otherwise it is
  said in the first language of its fallback chain that Twilio can speak and that has a
  translation. The chosen language is part of the answer, so nobody hears English
  labelled Ukrainian.
- Parameters are typed values formatted in the language finally chosen, with Babel.
"""

from __future__ import annotations

import hashlib
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TypeAlias
from zoneinfo import ZoneInfo

import phonenumbers
from babel.dates import format_skeleton, get_day_names
from babel.lists import format_list

from ivr.errors import CatalogueError
from ivr.i18n import LANGUAGES, SOURCE_LANGUAGE, Catalogue, fallback_chain, formatting_locale

LISBON = ZoneInfo("Europe/Lisbon")
AUDIO_SUFFIX = ".wav"
VARIANT_DIGITS = 8  # hex digits of the SHA-256 of a sentence that name its recording


# -- what the engine asks for ---------------------------------------------------------------


@dataclass(frozen=True)
class Msg:
    """Another prompt, rendered in the same language as the one that contains it."""

    id: str
    params: Mapping[str, Param] = field(default_factory=dict)


@dataclass(frozen=True)
class Key:
    """A telephone key, spoken as a digit or as the word for star or hash."""

    key: str


@dataclass(frozen=True)
class Moment:
    """A future moment, spoken as "today at 9:00", "tomorrow at 9:00" or a full date."""

    at: datetime
    now: datetime


@dataclass(frozen=True)
class Hours:
    """A weekly timetable: groups of (first weekday, last weekday, ((start, end) minutes))."""

    groups: tuple[tuple[int, int, tuple[tuple[int, int], ...]], ...]


@dataclass(frozen=True)
class Phone:
    """A telephone number in E.164, spoken digit by digit in groups."""

    number: str


@dataclass(frozen=True)
class Email:
    """An e-mail address, spelled with the words for "at" and "dot"."""

    address: str


@dataclass(frozen=True)
class LanguageName:
    """A language named in itself ("Українська"), so its speakers recognise it."""

    code: str


@dataclass(frozen=True)
class Items:
    """A list of prompts joined the way the language joins lists ("A, B and C")."""

    items: tuple[Msg, ...]


Param: TypeAlias = "str | int | Msg | Key | Moment | Hours | Phone | Email | LanguageName | Items"


@dataclass(frozen=True)
class Prompt:
    """A prompt to be spoken to the caller in a language.

    ``exact`` forbids the fallback chain (a language menu must never announce Ukrainian with
    an English sentence); ``otherwise`` is said instead when an exact prompt cannot be.
    """

    id: str
    lang: str
    params: Mapping[str, Param] = field(default_factory=dict)
    exact: bool = False
    otherwise: Prompt | None = None


@dataclass(frozen=True)
class Literal:
    """Text that is not translated (an address), spoken with a language's voice."""

    text: str
    lang: str


Speech: TypeAlias = Prompt | Literal


# -- what the caller hears ------------------------------------------------------------------


@dataclass(frozen=True)
class Say:
    """Text for Twilio's <Say>, with the language that was really used."""

    text: str
    lang: str
    language: str
    voice: str


@dataclass(frozen=True)
class Play:
    """A recorded prompt for <Play>; ``text`` is what the recording says, if known."""

    lang: str
    prompt_id: str
    text: str | None = None


Utterance: TypeAlias = Say | Play


@dataclass(frozen=True)
class Source:
    """The source (English) text of a prompt, with its plural form when it has one."""

    text: str
    plural: str | None = None
    note: str | None = None


class Resolver:
    """Turn prompts into utterances and texts, following each language's fallback chain."""

    def __init__(
        self,
        sources: Mapping[str, Source],
        catalogues: Mapping[str, Catalogue],
        recorded: frozenset[tuple[str, str]] = frozenset(),
    ) -> None:
        self.sources = sources
        self.catalogues = catalogues
        self.recorded = recorded
        self._recorded_languages = frozenset(code for code, _ in recorded)

    def utter(self, speech: Speech) -> Utterance:
        """Return what the caller hears for ``speech``."""
        if isinstance(speech, Literal):
            return _say(speech.text, speech.lang)
        chain = (speech.lang,) if speech.exact else fallback_chain(speech.lang)
        for code in chain:
            if not speech.params and (code, speech.id) in self.recorded:
                return Play(code, speech.id, self.render(speech, code))
            sentence = bool(speech.params) and code in self._recorded_languages
            if not (sentence or LANGUAGES[code].has_tts):
                continue
            text = self.render(speech, code)  # once, for the recording and the voice
            if text is None:
                continue
            if sentence and (code, name := variant_id(speech.id, text)) in self.recorded:
                return Play(code, name, text)
            if LANGUAGES[code].has_tts:
                return _say(text, code)
        if speech.otherwise is not None:
            return self.utter(speech.otherwise)
        raise CatalogueError(f"prompt {speech.id!r} cannot be said in {speech.lang!r}")

    def text(self, prompt: Prompt) -> tuple[str, str]:
        """Return (text, language) for written use such as SMS, which needs no voice."""
        for code in fallback_chain(prompt.lang):
            text = self.render(prompt, code)
            if text is not None:
                return text, code
        raise CatalogueError(f"prompt {prompt.id!r} cannot be rendered in any language")

    def render(self, prompt: Prompt, code: str) -> str | None:
        """Render ``prompt`` in exactly ``code``, or None when that language lacks a part."""
        template = self._template(prompt, code)
        if template is None:
            return None
        values: dict[str, str] = {}
        for name, value in prompt.params.items():
            rendered = self._param(value, code)
            if rendered is None:
                return None
            values[name] = rendered
        if _fields(template) - values.keys():
            return None
        return template.format_map(values)

    def has(self, prompt_id: str) -> bool:
        """Tell whether a prompt with this id exists."""
        return prompt_id in self.sources

    def _template(self, prompt: Prompt, code: str) -> str | None:
        """Return the text of ``prompt`` in ``code`` before its parameters are filled."""
        source = self.sources.get(prompt.id)
        if source is None:
            raise CatalogueError(f"unknown prompt {prompt.id!r}")
        count = prompt.params.get("count")
        catalogue = self.catalogues.get(code)
        entry = catalogue.get(prompt.id, source.text) if catalogue else None
        if entry is None or catalogue is None:
            if code != SOURCE_LANGUAGE:
                return None
            if source.plural is not None and isinstance(count, int) and count != 1:
                return source.plural
            return source.text
        if isinstance(entry.text, tuple):
            index = catalogue.plural(count if isinstance(count, int) else 1)
            return entry.text[min(index, len(entry.text) - 1)]
        return entry.text

    def _param(self, value: Param, code: str) -> str | None:
        """Format one parameter in language ``code``."""
        match value:
            case str():
                return value
            case int():
                return str(value)
            case Msg(id=id_, params=params):
                return self.render(Prompt(id_, code, params), code)
            case Key(key=key):
                return self._key(key, code)
            case Moment():
                return self._moment(value, code)
            case Hours(groups=groups):
                return self._hours(groups, code)
            case Phone(number=number):
                return spoken_phone(number)
            case Email(address=address):
                return self._email(address, code)
            case LanguageName(code=lang):
                return LANGUAGES[lang].autonym
            case Items(items=items):
                parts = [self.render(Prompt(m.id, code, m.params), code) for m in items]
                if any(part is None for part in parts):
                    return None
                return self._join([p for p in parts if p is not None], code)
        raise TypeError(f"unsupported prompt parameter {value!r}")

    def _key(self, key: str, code: str) -> str | None:
        """Name a telephone key."""
        names = {"*": "key.star", "#": "key.hash"}
        if key in names:
            return self.render(Prompt(names[key], code), code)
        return key

    def _moment(self, moment: Moment, code: str) -> str | None:
        """Say when something happens, relative to now, in Lisbon wall time."""
        at = moment.at.astimezone(LISBON)
        today = moment.now.astimezone(LISBON).date()
        locale = formatting_locale(code)
        clock = spoken_time(at.time(), locale)
        if at.date() == today:
            return self.render(Prompt("when.today", code, {"time": clock}), code)
        if at.date() == today + timedelta(days=1):
            return self.render(Prompt("when.tomorrow", code, {"time": clock}), code)
        params: dict[str, Param] = {
            "weekday": weekday_name(at.date().weekday(), locale),
            "date": format_skeleton("MMMMd", at.date(), locale=locale),
            "time": clock,
        }
        return self.render(Prompt("when.date", code, params), code)

    def _hours(self, groups: Sequence[tuple[int, int, tuple[tuple[int, int], ...]]],
               code: str) -> str | None:
        """Describe a weekly timetable ("Monday to Friday, 9:00 to 19:00")."""
        locale = formatting_locale(code)
        sentences: list[str] = []
        for first, last, ranges in groups:
            days: Param = weekday_name(first, locale)
            if last != first:
                days = Msg("hours.days", {"first": weekday_name(first, locale),
                                          "last": weekday_name(last, locale)})
            times = [
                self.render(Prompt("hours.times", code, {
                    "start": spoken_minutes(start, locale), "end": spoken_minutes(end, locale)
                }), code)
                for start, end in ranges
            ]
            if any(t is None for t in times):
                return None
            joined = self._join([t for t in times if t is not None], code)
            if joined is None:
                return None
            group = self.render(Prompt("hours.group", code, {"days": days, "times": joined}),
                                code)
            if group is None:
                return None
            sentences.append(group)
        return self._join(sentences, code) if sentences else None

    def _join(self, parts: list[str], code: str) -> str | None:
        """Join a list the way the language does: CLDR's pattern, or the `list.and` prompt
        where CLDR has none (Kriol, Mandinka) or joins without a conjunction (Fula, Wolof)."""
        if len(parts) < 2:
            return parts[0] if parts else ""
        if LANGUAGES[code].cldr_lists:
            return str(format_list(parts, locale=formatting_locale(code)))
        items = {"items": ", ".join(parts[:-1]), "last": parts[-1]}
        return self.render(Prompt("list.and", code, items), code)

    def _email(self, address: str, code: str) -> str | None:
        """Spell an e-mail address with the language's words for "at" and "dot"."""
        at = self.render(Prompt("spell.at", code), code)
        dot = self.render(Prompt("spell.dot", code), code)
        if at is None or dot is None:
            return None
        local, _, domain = address.partition("@")
        spell = f" {dot} ".join
        return f"{spell(local.split('.'))} {at} {spell(domain.split('.'))}"


def variant_id(prompt_id: str, text: str) -> str:
    """Name the recording of one sentence a prompt with parameters renders to, such as
    ``menu.option.3f2a9c1e`` for "Registos, prima 1." (the digest is of the words)."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:VARIANT_DIGITS]
    return f"{prompt_id}.{digest}"


def _say(text: str, code: str) -> Say:
    """Build a <Say> in the first language of the chain of ``code`` that has a voice."""
    for candidate in fallback_chain(code):
        lang = LANGUAGES[candidate]
        if lang.say_language is not None and lang.voice is not None:
            return Say(text, candidate, lang.say_language, lang.voice)
    raise CatalogueError(f"no voice for {code!r}")


def _fields(template: str) -> set[str]:
    """Return the placeholder names of a template."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name}
    except ValueError:
        return {"<malformed>"}


def weekday_name(weekday: int, locale: str) -> str:
    """Return the full name of a weekday (Monday = 0)."""
    return str(get_day_names("wide", context="format", locale=locale)[weekday])


def spoken_time(value: time, locale: str) -> str:
    """Format a wall-clock time the way a voice reads it ("9:00", not "09:00")."""
    text = str(format_skeleton("Hm", datetime.combine(date(2000, 1, 1), value), locale=locale))
    return text[1:] if len(text) > 1 and text[0] == "0" and text[1].isdigit() else text


def spoken_minutes(minutes: int, locale: str) -> str:
    """Format minutes since midnight; 1440 is midnight at the end of the day."""
    if minutes >= 1440:
        return "24:00"
    return spoken_time(time(minutes // 60, minutes % 60), locale)


def spoken_phone(number: str) -> str:
    """Read a number as dialled in Portugal, digit by digit, in groups ("2 1 8, 1 0 6, ...")."""
    try:
        parsed = phonenumbers.parse(number, "PT")
    except phonenumbers.NumberParseException:
        return " ".join(ch for ch in number if ch.isdigit())
    if parsed.country_code == 351:  # Portuguese numbers are said in threes: 218 106 100
        digits = phonenumbers.national_significant_number(parsed)
        groups = [digits[i:i + 3] for i in range(0, len(digits), 3)]
    else:
        international = phonenumbers.format_number(
            parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        groups = international.replace("+", "").split()
    return ", ".join(" ".join(group) for group in groups if group)


def find_recordings(prompts_dir: Path) -> frozenset[tuple[str, str]]:
    """List the recorded prompts in ``prompts/<lang>/<prompt-id>.wav`` as (lang, id) pairs."""
    if not prompts_dir.is_dir():
        return frozenset()
    return frozenset(
        (lang, path.name.removesuffix(AUDIO_SUFFIX))
        for lang in LANGUAGES
        if (prompts_dir / lang).is_dir()
        for path in (prompts_dir / lang).iterdir()
        if path.name.endswith(AUDIO_SUFFIX) and path.is_file()
    )
