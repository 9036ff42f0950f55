"""The ``ivr`` command group.

Every command lives beside the code it drives and is registered here. Any IvrError becomes
one readable sentence on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import sys

import click

from ivr import __version__
from ivr.errors import IvrError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ivr")
def cli() -> None:
    """Run, check and phone the migrant support helpline."""


def _register() -> None:
    """Attach every subcommand to the group."""
    # -- commands: each module owns its own; keep this list sorted --
    from ivr.graph import graph
    from ivr.menu.command import check
    from ivr.operations import COMMANDS as OPERATIONS
    from ivr.preview import preview
    from ivr.prompts_command import prompts
    from ivr.routing.command import entities, languages
    from ivr.simulator.cli import call_command, scenarios_command
    from ivr.store.command import db
    from ivr.translations import translations
    from ivr.web.console.command import console
    from ivr.web.serve import serve
    from ivr.worker_command import worker_command

    for command in (call_command, check, console, db, entities, graph, languages, preview, prompts,
                    scenarios_command, serve, translations, worker_command, *OPERATIONS):
        cli.add_command(command)


_register()


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``ivr`` console script."""
    try:
        code = cli.main(args=argv, prog_name="ivr", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except IvrError as exc:
        click.echo(f"ivr: {exc}", err=True)
        sys.exit(1)
    if isinstance(code, int) and code:  # a command's Exit(code), returned in this mode
        sys.exit(code)
