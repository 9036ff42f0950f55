"""Scenario files: scripted calls with expectations, run by ``ivr scenarios`` and pytest."""
