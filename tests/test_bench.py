"""The benchmark scripts run to completion and print their result line (no timing asserted)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from support import ROOT


@pytest.mark.slow
def test_webhook_benchmark_prints_the_ratio() -> None:
    run = subprocess.run(
        [sys.executable, "bench/webhook.py", "--rounds", "1", "--seconds", "0.3"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    last = run.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"webhook/bare-flask throughput ratio: \d+\.\d\d", last), run.stdout
    assert "errors 0" in run.stdout


@pytest.mark.slow
def test_simulator_benchmark_prints_calls_per_second() -> None:
    run = subprocess.run(
        [sys.executable, "bench/simulator.py", "--calls", "20"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    assert re.search(r"20 calls in [\d.]+ s: \d+ calls per second", run.stdout), run.stdout
    assert "ended: hangup 20" in run.stdout
