"""Run the ``ivr`` command group with ``python -m ivr``."""

from ivr.cli import main

main()
