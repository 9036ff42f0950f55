"""Checks across the records of the roster files, each problem located in its file.

Errors: a keypad code, id, phone number or account number used twice (the second use is
reported, naming the first); an interpreter's language that the language file does not list;
a number on the wrong side of the fictional range (sample people have invented numbers in
+351 210 000 000-999, real people never do). Warnings, which let the rosters load but still
fail ``ivr check``: a language with no interpreter, a shift outside the service's hours.
Shifts are parsed here too, with the hours core, each bad day or range located.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

from ivr.errors import Problem, Severity
from ivr.hours import DAY_NAMES, TimeRange, WeeklySchedule, parse_days
from ivr.menu.loader import Document, Loc, read_document, validate
from ivr.menu.model import FICTIONAL_PREFIX, HoursFile
from ivr.menu.roster_model import (
    EntitiesFile,
    InterpretersFile,
    LanguagesFile,
    OperatorsFile,
    PersonSpec,
)

SERVICES = {"interpreters": "stt", "operators": "lam"}  # whose hours bound whose shifts

Keyed = tuple[str, Document, Loc]  # a value, the file it is in, and where
T = TypeVar("T")


@dataclass(frozen=True)
class RosterDocs:
    """The four roster files as read, with positions."""

    languages: Document
    interpreters: Document
    operators: Document
    entities: Document


@dataclass
class RosterChecker:
    """Run every cross-record check over validated roster files."""

    docs: RosterDocs
    languages: LanguagesFile
    interpreters: InterpretersFile
    operators: OperatorsFile
    entities: EntitiesFile
    hours: Mapping[str, WeeklySchedule]

    def run(self) -> list[Problem]:
        """Return every problem found, errors and warnings together."""
        problems: list[Problem] = []
        for check in (self.codes, self.ids, self.references, self.phones, self.samples,
                      self.accounts, self.coverage, self.shift_hours):
            problems.extend(check())
        return problems

    def codes(self) -> Iterator[Problem]:
        """Every language has its own keypad code."""
        doc = self.docs.languages
        return _duplicates("code", ((lang.code, doc, ("languages", i, "code"))
                                    for i, lang in enumerate(self.languages.languages)))

    def ids(self) -> Iterator[Problem]:
        """Language ids are unique; so are people's ids, across both rosters."""
        languages = self.docs.languages
        yield from _duplicates("language id", ((lang.id, languages, ("languages", i, "id"))
                                               for i, lang in enumerate(self.languages.languages)))
        yield from _duplicates("id", ((p.id, doc, (kind, i, "id"))
                                      for doc, kind, i, p in self._people()))

    def references(self) -> Iterator[Problem]:
        """Interpreters speak languages of the language file."""
        known = {lang.id for lang in self.languages.languages}
        for i, person in enumerate(self.interpreters.interpreters):
            for j, lang in enumerate(person.languages):
                if lang not in known:
                    yield self.docs.interpreters.problem(
                        ("interpreters", i, "languages", j),
                        f"unknown STT language {lang!r} (not in stt_languages.yaml)")

    def coverage(self) -> Iterator[Problem]:
        """Every language has at least one interpreter."""
        spoken = {lang for p in self.interpreters.interpreters for lang in p.languages}
        for i, lang in enumerate(self.languages.languages):
            if lang.id not in spoken:
                yield self.docs.languages.problem(
                    ("languages", i, "id"), f"no interpreter speaks {lang.id!r}",
                    Severity.WARNING)

    def phones(self) -> Iterator[Problem]:
        """No two people share a number."""
        return _duplicates("phone number", ((p.phone, doc, (kind, i, "phone"))
                                            for doc, kind, i, p in self._people()))

    def samples(self) -> Iterator[Problem]:
        """Invented numbers belong to sample people only, and sample people have no other."""
        files = {"interpreters": self.interpreters.sample, "operators": self.operators.sample}
        for doc, kind, i, person in self._people():
            is_sample = files[kind] if person.sample is None else person.sample
            invented = person.phone.startswith(FICTIONAL_PREFIX)
            if is_sample and not invented:
                yield doc.problem((kind, i, "phone"), f"sample person with a real-looking "
                                  f"number {person.phone}: use +351 210 000 000-999")
            elif invented and not is_sample:
                yield doc.problem((kind, i, "phone"), f"{person.phone} is in the fictional "
                                  "range: mark the person or the file `sample: true`")

    def accounts(self) -> Iterator[Problem]:
        """Every entity has its own account number."""
        doc = self.docs.entities
        return _duplicates("account number", ((e.account, doc, ("entities", i, "account"))
                                              for i, e in enumerate(self.entities.entities)))

    def shift_hours(self) -> Iterator[Problem]:
        """Shifts fall within the hours of the service people work for (a warning)."""
        for doc, kind, i, person in self._people():
            week = self.hours.get(SERVICES[kind])
            if week is None:
                continue
            for key, ranges in person.shifts.items():
                for j, text in enumerate(ranges):
                    day = _outside(key, text, week)
                    if day is not None:
                        yield doc.problem(
                            (kind, i, "shifts", key, j), f"shift {text} on {DAY_NAMES[day]} "
                            f"is outside the {SERVICES[kind].upper()} hours", Severity.WARNING)

    def _people(self) -> Iterator[tuple[Document, str, int, PersonSpec]]:
        """Yield every interpreter, then every operator, with its file and index."""
        for i, interpreter in enumerate(self.interpreters.interpreters):
            yield self.docs.interpreters, "interpreters", i, interpreter
        for i, operator in enumerate(self.operators.operators):
            yield self.docs.operators, "operators", i, operator


def _outside(key: str, text: str, week: WeeklySchedule) -> int | None:
    """Return the first day on which a shift range is not within the week's hours."""
    try:
        days, shift = parse_days(key), TimeRange.parse(text)
    except ValueError:
        return None  # already reported where the shifts are parsed
    for day in days:
        if not any(r.start <= shift.start and shift.end <= r.end for r in week.ranges_for(day)):
            return day
    return None


def _duplicates(what: str, items: Iterable[Keyed]) -> Iterator[Problem]:
    """Report each value seen before, at its second place, naming the first."""
    first: dict[str, Keyed] = {}
    for value, doc, loc in items:
        if value not in first:
            first[value] = (value, doc, loc)
            continue
        _, first_doc, first_loc = first[value]
        line, _ = first_doc.locate(first_loc)
        yield doc.problem(loc, f"{what} {value} is used twice (first at "
                               f"{first_doc.name}:{line})")


def service_weeks(folder: Path) -> dict[str, WeeklySchedule]:
    """Read the weekly hours of the STT and the LAM from hours.yaml, quietly."""
    quiet: list[Problem] = []
    doc = read_document(folder / "hours.yaml", "hours.yaml", quiet)
    spec = validate(doc, HoursFile, quiet) if doc is not None else None
    weeks: dict[str, WeeklySchedule] = {}
    for service in SERVICES.values():
        if spec is not None and service in spec.services:
            try:
                weeks[service] = WeeklySchedule.parse(spec.services[service].weekly)
            except ValueError:
                continue
    return weeks


def parse_shifts(doc: Document, base: Loc, table: dict[str, list[str]],
                 problems: list[Problem]) -> WeeklySchedule | None:
    """Parse weekly shifts like hours.yaml's; locate each bad day key or range."""
    before = len(problems)
    for key, ranges in table.items():
        _attempt(doc, (*base, key), partial(parse_days, key), "bad days", problems, at_key=True)
        for j, text in enumerate(ranges):
            _attempt(doc, (*base, key, j), partial(TimeRange.parse, text), "bad time range",
                     problems)
    if len(problems) > before:
        return None
    return _attempt(doc, base, lambda: WeeklySchedule.parse(table), "bad shifts", problems)


def _attempt(doc: Document, loc: Loc, build: Callable[[], T], what: str,
             problems: list[Problem], *, at_key: bool = False) -> T | None:
    """Run a parser of the hours core; record its ValueError as a problem at loc."""
    try:
        return build()
    except ValueError as exc:
        message = str(exc) if str(exc).startswith(what) else f"{what}: {exc}"
        problems.append(doc.problem(loc, message, at_key=at_key))
        return None
