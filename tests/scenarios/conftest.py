"""Scenario files for the helpline's call flows: each ``*.yaml`` here is a scripted call.

Write one with the ``ivr call`` options under ``call:`` and what must happen under
``expect:`` (format: ``ivr/simulator/scenarios/model.py``); run them with
``pytest tests/scenarios`` or ``ivr scenarios tests/scenarios``.
"""

from ivr.simulator.scenarios.pytest_plugin import pytest_collect_file  # noqa: F401
