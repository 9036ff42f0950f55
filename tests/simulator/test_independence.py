"""The simulator drives any TwiML app: it must not import the helpline's own modules."""

from __future__ import annotations

import subprocess
import sys


def test_the_simulator_and_its_cli_import_nothing_of_the_helpline() -> None:
    helpline = "('ivr.web', 'ivr.menu', 'ivr.engine')"
    code = (
        "import sys, ivr.simulator, ivr.simulator.cli, ivr.simulator.scenarios.pytest_plugin\n"
        f"print(sorted(m for m in sys.modules if m.startswith({helpline})))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"
