"""``ivr serve``: run the helpline under gunicorn and say how to reach it.

The app is built once in the master process (``preload_app``), so a bad menu or a missing
catalogue stops the start with a clear message before any worker forks. Without
``IVR_AUTH_TOKEN`` a development token is made once and kept in ``instance/``, so that the
simulator can sign its requests; set the real Twilio token in production.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import Any

import click
from flask import Flask

from ivr.config import from_environ

DEV_TOKEN_FILE = "dev-auth-token"


class _Gunicorn:  # gunicorn's BaseApplication, imported late so the CLI starts fast
    @staticmethod
    def run(app: Flask, options: dict[str, Any]) -> None:
        """Serve ``app`` with gunicorn and the given settings."""
        from gunicorn.app.base import BaseApplication

        class Server(BaseApplication):  # type: ignore[misc]
            def load_config(self) -> None:
                for key, value in options.items():
                    self.cfg.set(key, value)

            def load(self) -> Flask:
                return app

        Server().run()


def dev_token(instance: Path) -> str:
    """Return the development auth token, making it on first use."""
    path = instance / DEV_TOKEN_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    instance.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(16)
    path.write_text(token + "\n", encoding="utf-8")
    path.chmod(0o600)
    return token


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Gunicorn worker processes.")
@click.option("--threads", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Threads per worker (more than 1 uses gunicorn's gthread workers).")
@click.option("--public-url", default=None, help="Public base URL Twilio calls, e.g. "
              "https://ivr.example.pt (sets IVR_PUBLIC_BASE_URL).")
@click.option("--instance", type=click.Path(path_type=Path), default=Path("instance"),
              show_default=True, help="Folder for local state (development token, database).")
def serve(host: str, port: int, workers: int, threads: int, public_url: str | None,
          instance: Path) -> None:
    """Serve the helpline's webhooks under gunicorn."""
    from ivr.web import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: "
                        "%(message)s")
    settings = from_environ(os.environ)
    overrides: dict[str, Any] = {}
    if public_url:
        overrides["IVR_PUBLIC_BASE_URL"] = public_url
    token_note = ""
    validating = settings.get("IVR_VALIDATE_SIGNATURES", True)
    if validating and not settings.get("IVR_AUTH_TOKEN"):
        overrides["IVR_AUTH_TOKEN"] = dev_token(instance)
        token_note = f" (development token from {instance / DEV_TOKEN_FILE})"
    app = create_app(overrides)
    base = (public_url or f"http://{host}:{port}").rstrip("/")
    _announce(base, f"http://{host}:{port}", app.config["IVR_AUTH_TOKEN"] if validating else "",
              token_note)
    _Gunicorn.run(app, {
        "bind": f"{host}:{port}", "workers": workers, "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync", "preload_app": True,
        "accesslog": None, "errorlog": "-", "loglevel": "info", "timeout": 30,
    })


def _announce(public: str, local: str, token: str, token_note: str) -> None:
    """Print the webhook URL for Twilio and how to phone this server with the simulator."""
    click.echo(f"Webhook for Twilio (A call comes in, HTTP POST): {public}/voice/incoming")
    click.echo(f"Call status callback (HTTP POST):                {public}/voice/status")
    click.echo("  (set it too: without it calls have no end time, and an interpreter is still "
               "rung for an STT caller who has hung up, until they answer)")
    sign = f" --auth-token {token}" if token else ""
    click.echo("Phone it with the simulator from another terminal" + token_note + ":")
    click.echo(f"  ivr call --url {local}/voice/incoming{sign}")
