"""Roster files -> validated, immutable rosters: STT languages, interpreters, operators, entities.

    load_rosters(folder, problems) -> Rosters | None

Reads ``stt_languages.yaml``, ``interpreters.yaml``, ``operators.yaml`` and ``entities.yaml``
with the menu's loader, so every problem has ``file:line:column`` and a path. Errors make it
return None; warnings (a language nobody interprets, a shift outside the service's hours) are
recorded and the rosters still load. Names of languages come from Babel unless the file gives
them; Babel's names that the file overrides are kept as extra names to recognise in speech.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

from babel import Locale, UnknownLocaleError

from ivr.errors import Problem, Severity
from ivr.hours import WeeklySchedule
from ivr.i18n import formatting_locale
from ivr.menu.loader import Document, Loc, read_document, validate
from ivr.menu.roster_checks import RosterChecker, RosterDocs, parse_shifts, service_weeks
from ivr.menu.roster_model import (
    Credential,
    EntitiesFile,
    EntityKind,
    Gender,
    InterpretersFile,
    LanguagesFile,
    LanguageSpec,
    OperatorsFile,
)

__all__ = ["ROSTER_FILES", "Entity", "Interpreter", "Operator", "Rosters", "SttLanguage",
           "babel_names", "load_rosters"]

ROSTER_FILES = {
    "languages": "stt_languages.yaml",
    "interpreters": "interpreters.yaml",
    "operators": "operators.yaml",
    "entities": "entities.yaml",
}

T = TypeVar("T")


@dataclass(frozen=True)
class SttLanguage:
    """A language of the interpreting service, with its keypad code and names."""

    id: str
    code: str
    name_pt: str
    name_en: str
    babel: str | None = None
    aliases_pt: tuple[str, ...] = ()
    aliases_en: tuple[str, ...] = ()
    sample: bool = False

    def name(self, lang: str) -> str:
        """Return the name in a caller's language: the file's Portuguese or English name, or
        for other languages CLDR's name when Babel knows both languages, else English."""
        if lang.lower().startswith("pt"):
            return self.name_pt
        if lang.lower().startswith("en") or self.babel is None:
            return self.name_en
        return _cldr_name(self.babel, lang) or self.name_en


@dataclass(frozen=True)
class Interpreter:
    """An STT interpreter and the weekly hours they take calls."""

    id: str
    name: str
    phone: str
    languages: tuple[str, ...]
    gender: Gender
    credential: Credential
    shifts: WeeklySchedule
    sample: bool = False


@dataclass(frozen=True)
class Operator:
    """A LAM operator, the helpline languages they speak and their weekly hours."""

    id: str
    name: str
    phone: str
    languages: tuple[str, ...]
    shifts: WeeklySchedule
    sample: bool = False


@dataclass(frozen=True)
class Entity:
    """A requesting entity of the interpreting service."""

    account: str
    name: str
    kind: EntityKind
    access_code: str  # pbkdf2_sha256$<iterations>$<salt>$<hash>, never the code itself
    sample: bool = False


@dataclass(frozen=True)
class Rosters:
    """Languages (in file order), interpreters and operators by id, entities by account."""

    languages: Mapping[str, SttLanguage]
    interpreters: Mapping[str, Interpreter]
    operators: Mapping[str, Operator]
    entities: Mapping[str, Entity]
    warnings: tuple[Problem, ...] = ()
    files: tuple[Path, ...] = field(default=(), compare=False)

    def speakers(self, language_id: str) -> tuple[Interpreter, ...]:
        """Return the interpreters of a language, in roster order."""
        return tuple(i for i in self.interpreters.values() if language_id in i.languages)


def load_rosters(folder: Path, problems: list[Problem], *,
                 hours: Mapping[str, WeeklySchedule] | None = None) -> Rosters | None:
    """Load the rosters in ``folder``, adding every problem; None when any is an error.

    ``hours`` maps ``stt`` and ``lam`` to their weekly hours; by default they are read
    from ``hours.yaml`` (whose own problems are the menu's to report).
    """
    start = len(problems)
    docs = {kind: read_document(folder / name, _display(folder, name), problems)
            for kind, name in ROSTER_FILES.items()}
    if any(doc is None for doc in docs.values()):
        return None
    found = RosterDocs(**{kind: doc for kind, doc in docs.items() if doc is not None})
    languages = validate(found.languages, LanguagesFile, problems)
    interpreters = validate(found.interpreters, InterpretersFile, problems)
    operators = validate(found.operators, OperatorsFile, problems)
    entities = validate(found.entities, EntitiesFile, problems)
    if languages is None or interpreters is None or operators is None or entities is None:
        return None
    weeks = hours if hours is not None else service_weeks(folder)
    stt = tuple(_language(spec, found.languages, i, problems)
                for i, spec in enumerate(languages.languages))
    built = _Builder(found, problems)
    people = (built.interpreters(interpreters), built.operators(operators))
    problems.extend(RosterChecker(found, languages, interpreters, operators, entities,
                                  weeks).run())
    new = problems[start:]
    if any(p.severity is Severity.ERROR for p in new) or None in stt:
        return None
    return Rosters(
        _by_id({lang.id: lang for lang in stt if lang is not None}),
        _by_id(people[0]), _by_id(people[1]),
        _by_id({e.account: Entity(e.account, e.name, e.kind, e.access_code,
                                  _sample(entities.sample, e.sample))
                for e in entities.entities}),
        tuple(new), tuple(folder / name for name in ROSTER_FILES.values()))


def _by_id(table: Mapping[str, T]) -> Mapping[str, T]:
    """Freeze a table keyed by id."""
    return MappingProxyType(dict(table))


def _sample(file_flag: bool, own: bool | None) -> bool:
    """Return a record's own sample flag, or its file's."""
    return file_flag if own is None else own


def _display(folder: Path, filename: str) -> str:
    """Name a file the way an admin would type it: relative to here when possible."""
    path = folder / filename
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@functools.lru_cache(maxsize=4096)
def _cldr_name(code: str, lang: str) -> str | None:
    """Return CLDR's name of locale ``code`` in the helpline language ``lang``, if any."""
    try:
        name = Locale.parse(code).get_display_name(formatting_locale(lang))
    except (UnknownLocaleError, ValueError, TypeError, KeyError):
        return None
    return str(name) if name else None


def babel_names(code: str) -> tuple[str, str] | None:
    """Return Babel's (Portuguese, English) names of a locale, or None when CLDR lacks it."""
    try:
        locale = Locale.parse(code)
        pt, en = locale.get_display_name("pt_PT"), locale.get_display_name("en")
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    if not pt or not en:
        return None
    return pt[:1].upper() + pt[1:], en


def _language(spec: LanguageSpec, doc: Document, index: int,
              problems: list[Problem]) -> SttLanguage | None:
    """Resolve a language's names (the file's, else Babel's); record what is missing."""
    base: Loc = ("languages", index)
    found = babel_names(spec.babel) if spec.babel else None
    if spec.babel and found is None:
        problems.append(doc.problem((*base, "babel"), f"Babel has no locale {spec.babel!r}: "
                                    "drop `babel` and give `names: {pt: ..., en: ...}`"))
        return None
    pt = spec.names.pt or (found[0] if found else None)
    en = spec.names.en or (found[1] if found else None)
    if pt is None or en is None:
        missing = " and ".join(lang for lang, name in (("pt", pt), ("en", en)) if not name)
        problems.append(doc.problem(base, f"language {spec.id!r} needs `names` ({missing}): "
                                    "Babel does not name it"))
        return None
    extra_pt = (found[0].lower(),) if found else ()
    extra_en = (found[1].lower(),) if found else ()
    return SttLanguage(
        spec.id, spec.code, pt, en, spec.babel,
        _unique((*spec.aliases.pt, *extra_pt), pt), _unique((*spec.aliases.en, *extra_en), en),
        spec.sample)


def _unique(aliases: tuple[str, ...], name: str) -> tuple[str, ...]:
    """Drop aliases that repeat the name or each other, ignoring case."""
    seen = {name.casefold()}
    kept = []
    for alias in aliases:
        if alias.casefold() not in seen:
            seen.add(alias.casefold())
            kept.append(alias)
    return tuple(kept)


@dataclass
class _Builder:
    """Build people with parsed shifts; a person whose shifts are bad is left out."""

    docs: RosterDocs
    problems: list[Problem]

    def interpreters(self, spec: InterpretersFile) -> dict[str, Interpreter]:
        """Return the interpreters whose shifts parse, by id."""
        built = {}
        for i, p in enumerate(spec.interpreters):
            shifts = parse_shifts(self.docs.interpreters, ("interpreters", i, "shifts"),
                                  p.shifts, self.problems)
            if shifts is not None:
                built[p.id] = Interpreter(p.id, p.name, p.phone, tuple(p.languages), p.gender,
                                          p.credential, shifts, _sample(spec.sample, p.sample))
        return built

    def operators(self, spec: OperatorsFile) -> dict[str, Operator]:
        """Return the operators whose shifts parse, by id."""
        built = {}
        for i, p in enumerate(spec.operators):
            shifts = parse_shifts(self.docs.operators, ("operators", i, "shifts"), p.shifts,
                                  self.problems)
            if shifts is not None:
                built[p.id] = Operator(p.id, p.name, p.phone, tuple(p.languages), shifts,
                                       _sample(spec.sample, p.sample))
        return built
