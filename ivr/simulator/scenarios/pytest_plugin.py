"""Collect scenario files as pytest items: one test per scenario.

A ``conftest.py`` next to the files turns this on::

    from ivr.simulator.scenarios.pytest_plugin import pytest_collect_file  # noqa: F401
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ivr.simulator.scenarios.loader import LoadedScenario, ScenarioError, load_scenarios
from ivr.simulator.scenarios.runner import run_scenario


class ScenarioFailed(Exception):
    """A scenario's expectations did not hold."""


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.File | None:
    """Collect ``*.yaml`` and ``*.yml`` files as scenario files."""
    if file_path.suffix in {".yaml", ".yml"}:
        found: ScenarioFile = ScenarioFile.from_parent(parent, path=file_path)
        return found
    return None


class ScenarioFile(pytest.File):
    """A YAML file of scenarios."""

    def collect(self) -> Iterator[pytest.Item]:
        """Yield one item per scenario, or one failing item when the file is wrong."""
        try:
            scenarios = load_scenarios(self.path)
        except ScenarioError as exc:
            yield BrokenScenarioFile.from_parent(self, name=self.path.name, problems=exc.problems)
            return
        for loaded in scenarios:
            yield ScenarioItem.from_parent(self, name=loaded.scenario.name, loaded=loaded)


class ScenarioItem(pytest.Item):
    """One scenario: run its call, check its expectations."""

    def __init__(self, *, loaded: LoadedScenario, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.loaded = loaded

    def runtest(self) -> None:
        """Run the call; fail with one line per unmet expectation."""
        outcome = run_scenario(self.loaded)
        if not outcome.is_passed:
            raise ScenarioFailed("\n".join(outcome.failures))

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: object = None
    ) -> str:
        """Show the failures, not a traceback."""
        if isinstance(excinfo.value, ScenarioFailed):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        """Point at the scenario in its file."""
        line = int(self.loaded.where().rsplit(":", 2)[1]) - 1
        return self.path, line, f"scenario: {self.name}"


class BrokenScenarioFile(pytest.Item):
    """A scenario file that cannot be read; fails with its problems."""

    def __init__(self, *, problems: list[str], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.problems = problems

    def runtest(self) -> None:
        """Fail with the file's problems."""
        raise ScenarioFailed("\n".join(self.problems))

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: object = None
    ) -> str:
        """Show the problems, not a traceback."""
        return str(excinfo.value)

    def reportinfo(self) -> tuple[Path, int, str]:
        """Point at the file."""
        return self.path, 0, f"scenario file: {self.path.name}"
