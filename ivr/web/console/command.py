"""``ivr console``: set the web console up.

    ivr console hash-password    ask for a password twice; print its hash for
                                 IVR_CONSOLE_PASSWORD_HASH

The password is read without echo (or from standard input when it is not a terminal) and
never printed; only its salted PBKDF2-SHA256 hash is.
"""

from __future__ import annotations

import click

from ivr.web.console.settings import hash_password

MIN_PASSWORD = 10


@click.group("console")
def console() -> None:
    """Set up the web console served under /console."""


@console.command("hash-password")
@click.password_option("--password", prompt="Console password",
                       help="The password; asked for (twice, without echo) when not given.")
def hash_password_command(password: str) -> None:
    """Print the hash of a password, for IVR_CONSOLE_PASSWORD_HASH."""
    if len(password) < MIN_PASSWORD:
        raise click.BadParameter(f"use at least {MIN_PASSWORD} characters",
                                 param_hint="'--password'")
    click.echo(hash_password(password))
