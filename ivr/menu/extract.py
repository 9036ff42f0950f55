"""Babel extraction method for the admin YAML: every prompt, entry name and description.

Registered in ``pyproject.toml`` under ``[[tool.babel.mappings]]`` so that
``pybabel extract -F pyproject.toml`` and ``ivr translations extract`` find the texts of
``menus/prompts.yaml`` and ``menus/directory.yaml``. Each message is keyed by its prompt id
(msgctxt) and English text (msgid); the admin's ``note`` becomes the translator comment.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

Extracted = tuple[int, str, tuple[str, ...], list[str]]


def extract_menu(fileobj: IO[bytes], keywords: Mapping[str, Any],
                 comment_tags: Collection[str], options: Mapping[str, Any]
                 ) -> Iterator[Extracted]:
    """Yield (line, function, (context, text[, plural]), comments) for Babel."""
    tree = YAML(typ="rt").load(fileobj.read().decode("utf-8"))
    if not isinstance(tree, CommentedMap):
        return
    if isinstance(tree.get("prompts"), CommentedMap):
        yield from _prompts(tree["prompts"])
    if isinstance(tree.get("entries"), CommentedMap):
        yield from _entries(tree["entries"])
    if isinstance(tree.get("public_services"), CommentedMap):
        yield from _services(tree["public_services"])


def _prompts(prompts: CommentedMap) -> Iterator[Extracted]:
    """Messages of prompts.yaml."""
    for prompt_id, spec in prompts.items():
        line = prompts.lc.key(prompt_id)[0] + 1
        if isinstance(spec, str):
            yield line, "pgettext", (prompt_id, spec), []
            continue
        note = [str(spec["note"])] if spec.get("note") else []
        if spec.get("plural"):
            yield line, "npgettext", (prompt_id, spec["text"], spec["plural"]), note
        else:
            yield line, "pgettext", (prompt_id, spec["text"]), note


def _entries(entries: CommentedMap) -> Iterator[Extracted]:
    """Names and descriptions of directory.yaml."""
    for entry_id, entry in entries.items():
        if not isinstance(entry, CommentedMap):
            continue
        for part in ("name", "about"):
            if entry.get(part):
                line = entry.lc.key(part)[0] + 1
                note = f"Name of {entry_id}." if part == "name" else (
                    f"What {entry.get('name', entry_id)} does, said on its card.")
                yield line, "pgettext", (f"entry.{entry_id}.{part}", str(entry[part])), [note]


def _services(services: CommentedMap) -> Iterator[Extracted]:
    """Public services listed in directory.yaml."""
    for service_id, name in services.items():
        line = services.lc.key(service_id)[0] + 1
        yield line, "pgettext", (f"public_service.{service_id}", str(name)), [
            "A public service desk."]
