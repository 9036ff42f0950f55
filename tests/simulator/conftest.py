"""Collect the simulator's own scenario files (``scenarios/*.yaml``) as tests."""

from ivr.simulator.scenarios.pytest_plugin import pytest_collect_file  # noqa: F401
