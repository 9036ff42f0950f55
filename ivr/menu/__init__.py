"""Admin YAML -> a validated, immutable menu. The only reader of ``menus/*.yaml``.

    load_menu(folder) -> Menu      raises MenuError with every problem at file:line:column
    check_menu(folder) -> problems errors and warnings, for ``ivr check``

A menu is four files: ``flow.yaml`` (nodes), ``directory.yaml`` (services and numbers),
``hours.yaml`` (opening hours) and ``prompts.yaml`` (the English source of every prompt).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

from ivr.errors import MenuError, Problem, Severity, UnknownNode
from ivr.hours import (
    Closure,
    HolidayCalendar,
    ServiceHours,
    SpecialOpening,
    TimeRange,
    WeeklySchedule,
)
from ivr.menu.checks import Checker
from ivr.menu.loader import FILES, Document, read_document, validate
from ivr.menu.model import (
    Directory,
    Entry,
    Flow,
    HoursFile,
    InterpretingNode,
    Node,
    OpeningSpec,
    OperatorsNode,
    PromptsFile,
    ServiceSpec,
)
from ivr.menu.roster import ROSTER_FILES, Rosters, load_rosters
from ivr.prompts import Source

__all__ = ["Menu", "check_menu", "entry_prompt", "load_menu"]


@dataclass(frozen=True)
class Menu:
    """Everything the engine needs to answer a call, validated and frozen."""

    flow: Flow
    directory: Directory
    hours: Mapping[str, ServiceHours]
    sources: Mapping[str, Source]
    warnings: tuple[Problem, ...] = ()
    files: tuple[Path, ...] = field(default=(), compare=False)
    rosters: Rosters | None = None

    def node(self, node_id: str) -> Node:
        """Return a node by id, or raise UnknownNode."""
        try:
            return self.flow.nodes[node_id]
        except KeyError:
            raise UnknownNode(node_id) from None

    def entry(self, entry_id: str) -> Entry:
        """Return a directory entry by id."""
        return self.directory.entries[entry_id]


def entry_prompt(entry_id: str, part: str = "name") -> str:
    """Return the prompt id under which a directory entry's name or description is said."""
    return f"entry.{entry_id}.{part}"


def load_menu(folder: Path) -> Menu:
    """Load and check the menu in ``folder``; raise MenuError on any error."""
    menu, problems = _load(folder)
    problems.sort(key=lambda p: (p.file, p.line, p.column))
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if menu is None or errors:
        raise MenuError(errors or problems)
    return menu


def check_menu(folder: Path) -> list[Problem]:
    """Return every problem of the menu in ``folder``, warnings included, in file order."""
    return sorted(_load(folder)[1], key=lambda p: (p.file, p.line, p.column))


def _load(folder: Path) -> tuple[Menu | None, list[Problem]]:
    """Read, validate, build and check; never raise for a problem in the files."""
    problems: list[Problem] = []
    docs: dict[str, Document] = {}
    for kind, filename in FILES.items():
        document = read_document(folder / filename, _display(folder, filename), problems)
        if document is not None:
            docs[kind] = document
    if len(docs) < len(FILES):
        return None, problems
    flow = validate(docs["flow"], Flow, problems)
    directory = validate(docs["directory"], Directory, problems)
    hours_file = validate(docs["hours"], HoursFile, problems)
    prompts = validate(docs["prompts"], PromptsFile, problems)
    if flow is None or directory is None or hours_file is None or prompts is None:
        return None, problems
    hours = _build_hours(hours_file, docs["hours"], problems)
    sources = _sources(prompts, directory)
    problems.extend(Checker(flow, directory, hours_file, frozenset(sources), docs).run())
    rosters = _rosters(folder, flow, hours, docs["flow"], problems)
    if any(p.severity is Severity.ERROR for p in problems):
        return None, problems
    warnings = tuple(problems)
    files = tuple(folder / name for name in FILES.values())
    if rosters is not None:
        files += rosters.files
    return Menu(flow, directory, hours, sources, warnings, files, rosters), problems


def _rosters(folder: Path, flow: Flow, hours: Mapping[str, ServiceHours], flow_doc: Document,
             problems: list[Problem]) -> Rosters | None:
    """Load the rosters when the folder has them; a flow that routes to people needs them."""
    if any((folder / name).exists() for name in ROSTER_FILES.values()):
        weeks = {service: built.weekly for service, built in hours.items()}
        return load_rosters(folder, problems, hours=weeks)
    for node_id, node in flow.nodes.items():
        if isinstance(node, OperatorsNode):
            problems.append(flow_doc.problem(("nodes", node_id, "kind"), "operators need "
                                             "operators.yaml (and the other roster files)"))
        if isinstance(node, InterpretingNode):
            problems.append(flow_doc.problem(("nodes", node_id, "kind"), "interpreting needs "
                                             "interpreters.yaml (and the other roster files)"))
    return None


def _display(folder: Path, filename: str) -> str:
    """Name a file the way an admin would type it: relative to here when possible."""
    path = folder / filename
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _sources(prompts: PromptsFile, directory: Directory) -> dict[str, Source]:
    """Collect every translatable text: prompts, entry names and descriptions, services."""
    sources = {
        prompt_id: Source(spec.text, spec.plural, spec.note)
        for prompt_id, spec in prompts.prompts.items()
    }
    for entry_id, entry in directory.entries.items():
        sources[entry_prompt(entry_id)] = Source(entry.name, note=f"Name of {entry_id}.")
        if entry.about:
            sources[entry_prompt(entry_id, "about")] = Source(
                entry.about, note=f"What {entry.name} does, said on its card.")
    for service_id, name in directory.public_services.items():
        sources[f"public_service.{service_id}"] = Source(name, note="A public service desk.")
    return sources


def _opening(spec: OpeningSpec) -> SpecialOpening:
    """Build a special opening from its YAML form."""
    return SpecialOpening(spec.date, tuple(TimeRange.parse(t) for t in spec.hours), spec.reason)


def _build_hours(
    hours_file: HoursFile, document: Document, problems: list[Problem]
) -> dict[str, ServiceHours]:
    """Turn each service's hours into ServiceHours, locating every bad value."""
    built: dict[str, ServiceHours] = {}
    for service_id, spec in hours_file.services.items():
        found = _HoursBuilder(document, ("services", service_id), problems)
        hours = found.build(spec, hours_file.timezone)
        if hours is not None:
            built[service_id] = hours
    return built


T = TypeVar("T")
Loc = tuple[str | int, ...]


@dataclass
class _HoursBuilder:
    """Build one service's hours, recording each ValueError of the hours core at its spot."""

    document: Document
    base: Loc
    problems: list[Problem]

    def build(self, spec: ServiceSpec, tz: str) -> ServiceHours | None:
        """Return the service's hours, or None after recording what is wrong."""
        before = len(self.problems)
        for days, ranges in spec.weekly.items():
            for i, text in enumerate(ranges):
                self.attempt(partial(TimeRange.parse, text), ("weekly", days, i),
                             "bad time range")
        if len(self.problems) > before:
            return None
        weekly = self.attempt(lambda: WeeklySchedule.parse(spec.weekly), ("weekly",),
                              "bad weekly hours")
        holidays = spec.holidays
        calendar = None if holidays is None else self.attempt(
            lambda: HolidayCalendar(holidays.country, holidays.subdiv, "pt_PT"),
            ("holidays", "subdiv"), "bad holiday calendar")
        closures = [
            self.attempt(partial(Closure, c.from_, c.to or c.from_, c.reason),
                         ("closures", i), "bad closure")
            for i, c in enumerate(spec.closures)]
        openings = [
            self.attempt(partial(_opening, o), ("openings", i), "bad special opening")
            for i, o in enumerate(spec.openings)]
        if weekly is None or len(self.problems) > before:
            return None
        return self.attempt(lambda: ServiceHours(
            weekly, calendar, tuple(c for c in closures if c), tuple(o for o in openings if o),
            tz), (), "bad hours")

    def attempt(self, build: Callable[[], T], loc: Loc, what: str) -> T | None:
        """Run a constructor of the hours core; record its ValueError as a problem."""
        try:
            return build()
        except ValueError as exc:
            message = str(exc) if str(exc).startswith(what) else f"{what}: {exc}"
            self.problems.append(self.document.problem((*self.base, *loc), message))
            return None
