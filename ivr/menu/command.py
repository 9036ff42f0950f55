"""``ivr check``: validate the admin files; the exit code says it all."""

from __future__ import annotations

from pathlib import Path

import click

from ivr.errors import Severity
from ivr.menu import check_menu


@click.command("check")
@click.argument("path", type=click.Path(path_type=Path), default=Path("menus"), required=False)
def check(path: Path) -> None:
    """Check the menu in PATH (default: menus/): exit 0 when clean, 1 with problems."""
    if not path.is_dir():
        raise click.BadParameter(f"{path} is not a folder of menu files", param_hint="PATH")
    problems = check_menu(path)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        errors = sum(p.severity is Severity.ERROR for p in problems)
        click.echo(f"{errors} error(s), {len(problems) - errors} warning(s)", err=True)
        raise click.exceptions.Exit(1)
    click.echo(f"{path}: no problems")
