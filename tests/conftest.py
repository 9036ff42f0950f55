"""Shared fixtures: the real app on the shipped menus, a private copy of them, a CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from support import ROOT, app_config

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


@pytest.fixture
def menus(tmp_path: Path) -> Path:
    """A private copy of the shipped menus to edit or break."""
    folder = tmp_path / "menus"
    shutil.copytree(ROOT / "menus", folder)
    return folder
