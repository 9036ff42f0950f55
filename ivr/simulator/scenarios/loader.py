"""Read scenario files into checked models; every mistake is reported at file:line:column.

A file holds one scenario (a mapping) or several (a list of mappings).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from ivr.errors import SimulatorError
from ivr.simulator.scenarios.model import Scenario

Path_ = tuple[str | int, ...]


class ScenarioError(SimulatorError):
    """A scenario file cannot be read; ``problems`` are ``file:line:col: message`` lines."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class LoadedScenario:
    """A checked scenario, its file, and where its parts are written."""

    scenario: Scenario
    path: Path
    node: Any

    def where(self, *keys: str | int) -> str:
        """Return ``file:line:col`` of a part of the scenario (the nearest one found)."""
        line, column = position(self.node, keys)
        return f"{self.path}:{line}:{column}"


def position(node: Any, keys: Path_) -> tuple[int, int]:
    """Return the 1-based line and column of the deepest part of ``keys`` that exists."""
    line, column = (node.lc.line, node.lc.col) if hasattr(node, "lc") else (0, 0)
    for key in keys:
        if isinstance(node, CommentedMap) and isinstance(key, str) and key not in node:
            key = key.replace("_", "-")  # option names may be written either way
        if isinstance(node, CommentedMap) and key in node:
            line, column = node.lc.value(key) if _is_scalar(node[key]) else node.lc.key(key)
            node = node[key]
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
            line, column = node.lc.item(key)
            node = node[key]
        else:
            break
    return line + 1, column + 1


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, CommentedMap | CommentedSeq)


def load_scenarios(path: Path) -> list[LoadedScenario]:
    """Load every scenario of a file; raise ScenarioError listing all problems."""
    try:
        data = YAML(typ="rt").load(path.read_text(encoding="utf-8"))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise ScenarioError([f"{where}: {exc.problem}"]) from None
    except (OSError, YAMLError) as exc:
        raise ScenarioError([f"{path}: cannot read it ({exc})"]) from None
    nodes = list(data) if isinstance(data, CommentedSeq) else [data]
    loaded, problems = [], []
    for index, node in enumerate(nodes):
        if not isinstance(node, CommentedMap):
            line, column = position(data, (index,)) if isinstance(data, CommentedSeq) else (1, 1)
            problems.append(f"{path}:{line}:{column}: a scenario must be a mapping")
            continue
        try:
            scenario = Scenario.model_validate(_plain(node))
        except ValidationError as exc:
            problems.extend(_problems(path, node, exc))
            continue
        loaded.append(LoadedScenario(scenario, path, node))
    if problems:
        raise ScenarioError(problems)
    return loaded


def _plain(node: Any) -> Any:
    """Turn ruamel's round-trip containers into plain dicts, lists and scalars."""
    if isinstance(node, CommentedMap):
        return {str(key): _plain(value) for key, value in node.items()}
    if isinstance(node, CommentedSeq):
        return [_plain(item) for item in node]
    return node


def _problems(path: Path, node: CommentedMap, error: ValidationError) -> list[str]:
    """Turn pydantic's errors into ``file:line:col: path: message`` lines."""
    lines = []
    for problem in error.errors():
        keys = tuple(k for k in problem["loc"] if isinstance(k, str | int))
        line, column = position(node, keys)
        dotted = ".".join(str(k) for k in keys) or "scenario"
        lines.append(f"{path}:{line}:{column}: {dotted}: {problem['msg']}")
    return lines


def scenario_files(paths: Sequence[Path]) -> list[Path]:
    """Expand directories into the YAML files in them, sorted."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted({*path.rglob("*.yaml"), *path.rglob("*.yml")}))
        else:
            files.append(path)
    return files
