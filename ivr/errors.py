"""The one error hierarchy of ivr.

    IvrError
     ├── ConfigError        a setting is missing or malformed
     ├── MenuError          admin YAML failed to load or check (carries every Problem)
     ├── CatalogueError     a configured language has no usable catalogue
     ├── EngineError        the call state machine met an illegal state or event
     │    └── UnknownNode   a URL named a node the menu does not have
     └── SimulatorError     the Twilio simulator could not run a call

The CLI turns any IvrError into one readable sentence and a non-zero exit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class IvrError(Exception):
    """Base of every error ivr raises on purpose."""


class ConfigError(IvrError):
    """A setting is missing or malformed."""


class Severity(StrEnum):
    """How bad a problem in the admin YAML is."""

    ERROR = "error"  # the menu is refused
    WARNING = "warning"  # the menu loads; `ivr check` still fails


@dataclass(frozen=True)
class Problem:
    """One problem in an admin file, located by file:line:column and a path to the node."""

    file: str
    line: int
    column: int
    path: str
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        path = f" {self.path}:" if self.path else ""
        tag = " (warning)" if self.severity is Severity.WARNING else ""
        return f"{where}:{path} {self.message}{tag}"


class MenuError(IvrError):
    """Admin YAML failed to load or check; carries every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        lines = "\n".join(str(problem) for problem in self.problems)
        super().__init__(f"the menu has {count} problem{'s' if count != 1 else ''}:\n{lines}")


class CatalogueError(IvrError):
    """A configured language has no usable translation catalogue."""


class EngineError(IvrError):
    """The call state machine met an illegal state or event."""


class UnknownNode(EngineError):
    """A webhook URL named a node that the menu does not have."""

    def __init__(self, node: str) -> None:
        super().__init__(f"unknown node {node!r}")
        self.node = node


class SimulatorError(IvrError):
    """The Twilio simulator could not run a call."""
