"""Fixtures of the console's tests: an app with the console on, a fixed clock, a signed-in
client, and prompts with two recordings so that calls play audio."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from support import app_config, write_wav

from ivr.clock import FixedClock
from ivr.routing.entities import hash_code
from ivr.web import create_app

USER = "admin"
PASSWORD = "correct horse battery"
HASH = hash_code(PASSWORD, iterations=200_000)  # the least a hash may have: quick tests
SECRET = "console-test-secret-key-0123456789"
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday, 10:00 in Lisbon
RECORDED = ("pt_PT", "greeting.welcome"), ("en", "greeting.welcome")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"|name="csrf-token" content="([^"]+)"')


def console_config(prompts: Path | None = None, **extra: Any) -> dict[str, Any]:
    """Settings of a test app with the console on."""
    settings = app_config(**{"IVR_CONSOLE_USER": USER, "IVR_CONSOLE_PASSWORD_HASH": HASH,
                             "IVR_SECRET_KEY": SECRET, **extra})
    if prompts is not None:
        settings["IVR_PROMPTS"] = str(prompts)
    return settings


@pytest.fixture(scope="session")
def prompts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A prompts folder with the welcome recorded in Portuguese and English."""
    folder = tmp_path_factory.mktemp("prompts")
    for lang, prompt_id in RECORDED:
        write_wav(folder / lang / f"{prompt_id}.wav")
    return folder


@pytest.fixture(scope="session")
def app(prompts: Path) -> Flask:
    """The helpline with the console on, shared by the tests that change nothing in it."""
    return create_app(console_config(prompts), clock=FixedClock(NOW))


@pytest.fixture
def clock() -> FixedClock:
    """The clock of ``fresh_app``, standing still until a test moves it."""
    return FixedClock(NOW)


@pytest.fixture
def fresh_app(prompts: Path, clock: FixedClock) -> Flask:
    """A helpline of the test's own (its own store): for counting attempts, moving time."""
    return create_app(console_config(prompts), clock=clock)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client that has not signed in."""
    return app.test_client()


def csrf_of(client: FlaskClient, path: str = "/console/login") -> str:
    """Fetch a console page and return the CSRF token it carries."""
    page = client.get(path).get_data(as_text=True)
    found = CSRF.search(page)
    assert found is not None, page[:500]
    return found.group(1) or found.group(2)


def sign_in(client: FlaskClient, user: str = USER, password: str = PASSWORD,
            **headers: str) -> Any:
    """Post the sign-in form with the page's CSRF token."""
    token = csrf_of(client)
    return client.post("/console/login", data={"user": user, "password": password,
                                               "csrf_token": token}, headers=headers)


@pytest.fixture
def admin(client: FlaskClient) -> FlaskClient:
    """A test client signed in as the admin."""
    assert sign_in(client).status_code == 302
    return client
