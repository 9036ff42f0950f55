"""Read the admin files with ruamel.yaml and validate them into the menu model.

The only reader of ``menus/*.yaml``. Every problem, whatever its kind (YAML syntax, duplicate
key, schema, bad phone number, bad time range, unknown language, unknown target, graph
checks), becomes a ``Problem`` with ``file:line:column`` and a path to the node, and all of
them are reported together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from ivr.errors import Problem, Severity

FILES = {
    "flow": "flow.yaml",
    "directory": "directory.yaml",
    "hours": "hours.yaml",
    "prompts": "prompts.yaml",
}

M = TypeVar("M", bound=BaseModel)
Loc = tuple[str | int, ...]


@dataclass
class Document:
    """One admin file: its display name and its YAML tree, which keeps positions."""

    name: str
    tree: Any

    def locate(self, loc: Loc, *, at_key: bool = False) -> tuple[int, int]:
        """Return the 1-based (line, column) of the deepest node of ``loc`` in the file;
        with ``at_key``, of the key that names the last part rather than its value."""
        node, line, column = self.tree, 0, 0
        for index, part in enumerate(loc):
            is_last = index == len(loc) - 1
            found = _child(node, part, at_key=at_key and is_last)
            if found is None:
                continue
            node, (line, column) = found
        return line + 1, column + 1

    def problem(self, loc: Loc, message: str, severity: Severity = Severity.ERROR, *,
                at_key: bool = False) -> Problem:
        """Build a problem located at ``loc`` in this file."""
        line, column = self.locate(loc, at_key=at_key)
        return Problem(self.name, line, column, dotted(loc), message, severity)


def _child(node: Any, part: str | int, *, at_key: bool = False
           ) -> tuple[Any, tuple[int, int]] | None:
    """Step from a YAML node to one of its children, with the child's position."""
    if isinstance(node, CommentedMap):
        for key in (part, _as_int(part)):
            if key is not None and key in node:
                value = node[key]
                is_leaf = not isinstance(value, (CommentedMap, CommentedSeq))
                position = node.lc.value(key) if is_leaf and not at_key else node.lc.key(key)
                return value, position
    if isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
        return node[part], node.lc.item(part)
    return None


def _as_int(part: str | int) -> int | None:
    """Return the integer form of a key given as text (YAML reads `1:` as an int)."""
    return int(part) if isinstance(part, str) and part.isdigit() else None


def dotted(loc: Iterable[str | int]) -> str:
    """Render a location as ``nodes.main.options.2.goto``."""
    return ".".join(str(part) for part in loc)


def read_document(path: Path, name: str, problems: list[Problem]) -> Document | None:
    """Parse one YAML file, recording syntax and duplicate-key problems."""
    yaml = YAML(typ="rt")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(Problem(name, 1, 1, "", "file not found"))
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(name, 1, 1, "", f"cannot read the file: {exc}"))
        return None
    try:
        tree = yaml.load(text)
    except MarkedYAMLError as exc:
        problems.append(_syntax_problem(name, exc))
        return None
    if not isinstance(tree, CommentedMap):
        problems.append(Problem(name, 1, 1, "", "the file must be a mapping of keys to values"))
        return None
    return Document(name, tree)


def _syntax_problem(name: str, exc: MarkedYAMLError) -> Problem:
    """Turn ruamel's error into a problem at the spot it points to."""
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
    if "duplicate key" in (exc.problem or ""):
        message = str(exc.problem).split(" with value")[0]
    return Problem(name, line, column, "", message or "YAML syntax error")


def validate(document: Document, model: type[M], problems: list[Problem]) -> M | None:
    """Validate a document against a model, recording each error at its position."""
    data = _plain(document.tree)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc = _clean_loc(error["loc"], data, keep_missing=error["type"] == "missing")
            if error["type"] == "union_tag_invalid":
                loc = (*loc, "kind")
            at_key = error["type"] == "extra_forbidden"
            problems.append(document.problem(loc, _message(error), at_key=at_key))
        return None


def _plain(node: Any) -> Any:
    """Copy a YAML tree into plain dicts and lists, keeping keys as written."""
    if isinstance(node, Mapping):
        return {key: _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain(value) for value in node]
    return node


def _clean_loc(loc: Iterable[str | int], data: Any, *, keep_missing: bool) -> Loc:
    """Keep the parts of a pydantic location that exist in the data (drops union tags);
    the name of a missing key is kept when the error is that it is missing."""
    parts = list(loc)
    kept: list[str | int] = []
    node = data
    for index, part in enumerate(parts):
        if part == "[key]":
            continue
        name: str | int = "from" if part == "from_" else part
        child = _data_child(node, name)
        if child is not _MISSING:
            kept.append(name)
            node = child
        elif (keep_missing and index == len(parts) - 1) or (
                index + 1 < len(parts) and parts[index + 1] == "[key]"):
            kept.append(name)
    return tuple(kept)


_MISSING = object()


def _data_child(node: Any, part: str | int) -> Any:
    """Return a child of plain data by key or index, or _MISSING."""
    if isinstance(node, Mapping):
        for key in (part, _as_int(part)):
            if key is not None and key in node:
                return node[key]
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return _MISSING


def _message(error: Mapping[str, Any]) -> str:
    """Make pydantic's message read like advice to an admin."""
    message = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    if error["type"] == "extra_forbidden":
        return "unknown key (check the spelling)"
    if error["type"] == "missing":
        return "required key is missing"
    if error["type"] == "union_tag_invalid":
        ctx = error.get("ctx", {})
        return f"unknown kind {ctx.get('tag')!r} (expected one of {ctx.get('expected_tags')})"
    return message
