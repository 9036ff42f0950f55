"""Shared fixtures: the real app on the shipped menus, and a CLI runner."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from support import app_config

from ivr.web import create_app


@pytest.fixture
def app() -> Flask:
    """The helpline app with signature validation on."""
    return create_app(app_config())


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def runner() -> CliRunner:
    """A click runner for the ``ivr`` commands."""
    return CliRunner()
