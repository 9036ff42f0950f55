"""Helpers shared by the tests: the shipped app's settings, signed requests, TwiML reading."""

from __future__ import annotations

import tempfile
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


def helpline_app(folder: Path, **settings: Any) -> str:
    """Write an app factory with these settings for the simulator; return its spec.

    The simulator builds the app itself (``file.py:factory``), passing its clock and its
    REST client; this factory adds the test's settings, such as a store of its own.
    """
    path = folder / "helpline_app.py"
    path.write_text(
        "from ivr.web import create_app as base\n\n"
        "def create_app(test_config=None, *, clock=None, twilio_http_client=None):\n"
        f"    config = {{**(test_config or {{}}), **{settings!r}}}\n"
        "    return base(config, clock=clock, twilio_http_client=twilio_http_client)\n",
        encoding="utf-8")
    return f"{path}:create_app"
