"""Safe reload: a valid edit is served at once, a broken one is refused and logged, calls
standing on a removed node are sent somewhere sensible."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from flask import Flask
from support import TOKEN, app_config, signed_post, spoken_text, twiml
from test_serve import free_port, post, start, stop

from ivr.web import create_app

CALLER = {"From": "+351912345678", "To": "+351808257257", "CallSid": "CA" + "6" * 32}
OLD = "For citizen services, such as the contact centres, ePortugal and the Digital Mobile Key"
NEW = "For citizen services and the Digital Mobile Key"


def edit(path: Path, old: str, new: str) -> None:
    """Change a file as an admin would, so its size or time changes."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    stamp = path.stat().st_mtime_ns + 1_000_000_000
    os.utime(path, ns=(stamp, stamp))


def main_menu(app: Flask) -> str:
    """Say what the English main menu says now."""
    return spoken_text(twiml(signed_post(app.test_client(), "/voice/enter?n=main&l=en",
                                         CALLER)))


def test_a_valid_edit_is_served_on_the_next_webhook(menus: Path) -> None:
    app = create_app(app_config(IVR_MENUS=str(menus), IVR_RELOAD_INTERVAL="0"))
    assert OLD in main_menu(app)
    edit(menus / "prompts.yaml", OLD, NEW)
    assert f"{NEW}, press 5." in main_menu(app)


def test_a_broken_edit_is_refused_with_its_line_and_the_old_menu_answers(
        menus: Path, caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(app_config(IVR_MENUS=str(menus), IVR_RELOAD_INTERVAL="0"))
    edit(menus / "flow.yaml", "goto: offices,", "goto: ofices,")
    with caplog.at_level(logging.ERROR):
        assert OLD in main_menu(app)
    line = next(n for n, text in enumerate((menus / "flow.yaml").read_text().splitlines(), 1)
                if "goto: ofices," in text)
    assert f"flow.yaml:{line}:" in caplog.text
    assert "unknown target 'ofices'" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.ERROR):
        assert OLD in main_menu(app)
    assert "refused" not in caplog.text  # logged once, not on every call
    edit(menus / "flow.yaml", "goto: ofices,", "goto: offices,")
    edit(menus / "prompts.yaml", OLD, NEW)
    assert NEW in main_menu(app)


def test_a_call_on_a_removed_node_goes_home(menus: Path) -> None:
    app = create_app(app_config(IVR_MENUS=str(menus), IVR_RELOAD_INTERVAL="0"))
    flow = menus / "flow.yaml"
    edit(flow, "  centres:\n    kind: menu", "  support_centres:\n    kind: menu")
    text = flow.read_text().replace("back: centres", "back: support_centres").replace(
        "goto: centres,", "goto: support_centres,")
    flow.write_text(text)
    response = signed_post(app.test_client(), "/voice/input?n=centres&l=en",
                           {**CALLER, "Digits": "1"})
    assert response.status_code == 200
    root = twiml(response)
    gather = root.find("./Gather")
    assert gather is not None
    assert gather.get("action") == "/voice/input?n=main&l=en"


@pytest.mark.slow
def test_a_running_server_reloads_in_every_worker(menus: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IVR_", "TWILIO_"))}
    env.update(IVR_AUTH_TOKEN=TOKEN, IVR_MENUS=str(menus), IVR_RELOAD_INTERVAL="0")
    port = free_port()
    process = start(port, tmp_path / "instance", env)
    try:
        before = [post(port, "/voice/enter?n=main&l=en", TOKEN).text for _ in range(6)]
        edit(menus / "prompts.yaml", OLD, NEW)
        after = [post(port, "/voice/enter?n=main&l=en", TOKEN).text for _ in range(6)]
        edit(menus / "flow.yaml", "goto: offices,", "goto: ofices,")
        broken = [post(port, "/voice/enter?n=main&l=en", TOKEN) for _ in range(6)]
    finally:
        output = stop(process)
    assert all(OLD in text for text in before)
    assert all(NEW in text for text in after)
    # Each worker keeps its own last good menu: one that served none of the ``after`` calls
    # meets both edits at once, refuses them together and still answers with the old text.
    assert all(r.status_code == 200 and (NEW in r.text or OLD in r.text) for r in broken)
    assert all("<Gather" in r.text for r in broken)
    assert "unknown target 'ofices'" in output
    assert "flow.yaml:" in output
