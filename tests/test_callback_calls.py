"""Calls that come back, as the menu declares them and as the called person hears them.

The menu's ``callbacks:`` setting names, per source of callback requests, the service whose
hours the worker keeps and the node the call starts at; ``bookings:`` does the same for
booked interpreting sessions. A bad name is an error at file:line:column.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import ROOT

from ivr.errors import MenuError, Severity
from ivr.menu import check_menu, load_menu

MENU = load_menu(ROOT / "menus")


@pytest.fixture
def menus(tmp_path: Path) -> Path:
    """A private copy of the shipped menus to edit."""
    folder = tmp_path / "menus"
    shutil.copytree(ROOT / "menus", folder)
    return folder


def edit(folder: Path, old: str, new: str) -> None:
    """Replace one exact piece of text in flow.yaml."""
    path = folder / "flow.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_shipped_menu_calls_lam_requests_back_at_callback_call() -> None:
    call = MENU.flow.callbacks["lam"]
    assert (call.service, call.node) == ("lam", "callback_call")
    node = MENU.node("callback_call")
    assert node.kind == "message"
    assert getattr(node, "next", None) == "lam_operator"


@pytest.mark.parametrize(("old", "new", "path", "message"), [
    ("lam: {service: lam, node: callback_call}", "lam: {service: lam, node: calback_call}",
     "callbacks.lam.node", "unknown target 'calback_call'"),
    ("lam: {service: lam, node: callback_call}", "lam: {service: lamm, node: callback_call}",
     "callbacks.lam.service", "unknown service 'lamm' (not in hours.yaml)"),
    ("lam: {service: lam, node: callback_call}",
     "lam: {service: lam, node: callback_call}\nbookings: {service: stt, node: stt_bookd}",
     "bookings.node", "unknown target 'stt_bookd'"),
])
def test_a_bad_name_in_the_settings_is_located(menus: Path, old: str, new: str, path: str,
                                               message: str) -> None:
    edit(menus, old, new)
    with pytest.raises(MenuError) as caught:
        load_menu(menus)
    (problem,) = [p for p in caught.value.problems if p.severity is Severity.ERROR]
    assert (problem.path, problem.message) == (path, message)
    assert problem.file.endswith("flow.yaml")
    assert problem.line > 1


def test_the_node_a_call_starts_at_counts_as_reachable(menus: Path) -> None:
    edit(menus, "lam: {service: lam, node: callback_call}", "{}")
    edit(menus, "callbacks:\n", "callbacks: ")
    warnings = [str(p) for p in check_menu(menus)]
    assert len(warnings) == 1
    assert "nodes.callback_call: unreachable node" in warnings[0]
