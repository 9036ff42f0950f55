"""Helpers shared by the tests: the shipped app's settings, signed requests, TwiML reading."""

from __future__ import annotations

import socket
import subprocess
import tempfile
import time
import wave
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask.testing import FlaskClient
from twilio.request_validator import RequestValidator
from werkzeug.test import TestResponse

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "test-auth-token-0123456789abcdef"
LISBON = ZoneInfo("Europe/Lisbon")


def lisbon(text: str) -> datetime:
    """Read a Lisbon wall-clock time such as "2026-12-07T09:00"."""
    return datetime.fromisoformat(text).replace(tzinfo=LISBON)


def app_config(**extra: Any) -> dict[str, Any]:
    """Settings for a test app on the shipped menus, catalogues and prompts, with a store of
    its own (a fresh SQLite database), so that no test sees another's claims."""
    return {
        "TESTING": True,
        "IVR_AUTH_TOKEN": TOKEN,
        "IVR_MENUS": str(ROOT / "menus"),
        "IVR_LOCALES": str(ROOT / "locales"),
        "IVR_PROMPTS": str(ROOT / "prompts"),
        "IVR_INSTANCE": tempfile.mkdtemp(prefix="ivr-test-"),
        **extra,
    }


def signed_post(client: FlaskClient, path: str, data: Mapping[str, str] | None = None,
                token: str = TOKEN, base: str = "http://localhost") -> TestResponse:
    """POST as Twilio would: form data signed with the auth token over the full URL."""
    form = dict(data or {})
    signature = RequestValidator(token).compute_signature(base + path, form)
    return client.post(path, data=form, headers={"X-Twilio-Signature": signature})


def twiml(response: TestResponse) -> Any:
    """Parse a webhook answer, asserting it is TwiML as Twilio requires."""
    assert response.content_type.startswith("text/xml"), response.content_type
    root = ET.fromstring(response.data)
    assert root.tag == "Response"
    return root


def spoken(root: Any) -> list[tuple[str, str]]:
    """List (language, text) of every <Say> in document order, nested ones included."""
    return [(say.get("language", ""), say.text or "") for say in root.iter("Say")]


def spoken_text(root: Any) -> str:
    """Join everything said in a document."""
    return " ".join(text for _, text in spoken(root))


class Helpline:
    """The settings of the app the next simulated call builds, and the apps it built."""

    settings: dict[str, Any] = {}
    built: list[Any] = []


def build_helpline(test_config: dict[str, Any] | None = None, *, clock: Any = None,
                   twilio_http_client: Any = None) -> Any:
    """Build the helpline for the simulator (``support:build_helpline``) with the test's
    settings, such as a store of its own."""
    from ivr.web import create_app

    app = create_app({**(test_config or {}), **Helpline.settings}, clock=clock,
                     twilio_http_client=twilio_http_client)
    Helpline.built.append(app)
    return app


def simulate(tmp_path: Path, *inputs: str, at: str, talk: float | None = None,
             settings: dict[str, Any] | None = None, **options: Any) -> Any:
    """Phone the real helpline through the simulator with a store of the test's own.

    The call records, written behind the webhooks, are all in the store on return.
    """
    from ivr.simulator.actors import ScriptedActor, parse_reply
    from ivr.simulator.clock import parse_at
    from ivr.simulator.session import Setup, run_setup
    from ivr.web.runtime import RUNTIME_KEY

    Helpline.settings = {"IVR_INSTANCE": str(tmp_path / "instance"), **(settings or {})}
    Helpline.built.clear()
    setup = Setup(at=parse_at(at), app="support:build_helpline", **{"seed": 3, **options})
    tester = None if talk is None else ScriptedActor([parse_reply(v) for v in inputs], talk)
    if tester is None:
        setup = Setup(**{**setup.__dict__, "inputs": inputs})
    result = run_setup(setup, tester=tester)
    for app in Helpline.built:
        recorder = app.extensions[RUNTIME_KEY].recorder
        if recorder is not None:
            recorder.flush()
    return result


def edit_admin_file(folder: Path, name: str, old: str, new: str) -> None:
    """Replace one exact piece of text, which must occur once, in an admin file."""
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def wait_listening(process: subprocess.Popen[str], port: int, what: str) -> None:
    """Wait until a server started as ``process`` listens on 127.0.0.1:port."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.communicate()[0])
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError(f"{what} did not start listening")


def write_wav(path: Path, seconds: float = 0.5) -> Path:
    """Write a silent 8 kHz mono 16-bit recording, as an admin's prompt file would be."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\0\0" * int(8000 * seconds))
    return path
