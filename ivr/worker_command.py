"""``ivr worker``: place the calls that come back, as long as it runs (or once, ``--once``).

The worker is built on the helpline's own settings, store, menu (reloaded when edited) and
REST client, exactly as ``create_app`` builds them, so it calls from the same account and
its calls come back to the same webhooks. Twilio fetches those by absolute URL: without
``IVR_PUBLIC_BASE_URL`` (or without ``TWILIO_ACCOUNT_SID``) the worker refuses to start,
in one sentence. Several workers may run at once, on any machines sharing the database.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import socket
import threading
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

import click

from ivr.attempts import comeback_settings
from ivr.clock import Clock, SystemClock
from ivr.config import DEFAULTS, from_environ
from ivr.engine import Target
from ivr.errors import ConfigError
from ivr.store import StoreError
from ivr.worker import Worker

WORKER_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,48}$")


def webhook_url(base: str) -> Callable[[Target], str]:
    """Return a builder of absolute webhook URLs under the public base URL."""
    root = base.rstrip("/")

    def url_for(target: Target) -> str:
        return f"{root}/voice/{target.endpoint.value}?{urlencode(target.state.to_query())}"

    return url_for


def default_worker_id() -> str:
    """Name this worker after its machine and process, as leases in the store show it."""
    return f"{socket.gethostname()[:30]}-{os.getpid()}"


def build_worker(overrides: Mapping[str, Any] | None = None, *, worker_id: str | None = None,
                 clock: Clock | None = None, twilio_http_client: Any = None) -> Worker:
    """Build a worker on the app's settings, store, menu and REST client."""
    from ivr.web import create_app
    from ivr.web.runtime import RELOADER_KEY, RUNTIME_KEY
    from ivr.web.twilio_api import TwilioTelephony, make_client

    config = {**DEFAULTS, **from_environ(os.environ), **(overrides or {})}
    settings = comeback_settings(config)
    base = str(config.get("IVR_PUBLIC_BASE_URL") or "")
    if not base.startswith(("https://", "http://")):
        raise ConfigError("ivr worker needs IVR_PUBLIC_BASE_URL, the public address of the "
                          "webhooks (such as https://ivr.example.pt), because Twilio fetches "
                          "them when a placed call is answered")
    if not config.get("TWILIO_ACCOUNT_SID"):
        raise ConfigError("ivr worker places calls through Twilio's REST API: set "
                          "TWILIO_ACCOUNT_SID and IVR_AUTH_TOKEN")
    app = create_app(overrides, clock=clock, twilio_http_client=twilio_http_client)
    runtime = app.extensions[RUNTIME_KEY]
    if runtime.store is None:
        raise StoreError("ivr worker needs the helpline's database, which could not be opened")
    reloader = app.extensions[RELOADER_KEY]
    telephony = TwilioTelephony(make_client(app.config, twilio_http_client), webhook_url(base))
    return Worker(runtime.store, telephony, lambda: reloader.runtime().menu,
                  clock or SystemClock(), worker_id or default_worker_id(), settings)


def _checked_id(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """Refuse a worker name the store's leases cannot hold."""
    if value is not None and not WORKER_ID.match(value):
        raise click.BadParameter("use up to 48 letters, digits and _ . : -")
    return value


@click.command("worker")
@click.option("--once", is_flag=True, help="Place what is due now, then exit.")
@click.option("--interval", type=click.FloatRange(min=0.1), default=None, metavar="S",
              help="Seconds between looks for due calls  [default: IVR_WORKER_INTERVAL, 5]")
@click.option("--id", "worker_id", default=None, metavar="NAME", callback=_checked_id,
              help="This worker's name in the store's leases  [default: host-pid]")
def worker_command(once: bool, interval: float | None, worker_id: str | None) -> None:
    """Place due callbacks and booked sessions.

    Callback requests and booked interpreting sessions are placed through Twilio's REST
    API while their services are open, each try settled by the call's status callback.
    """
    overrides = {} if interval is None else {"IVR_WORKER_INTERVAL": str(interval)}
    worker = build_worker(overrides, worker_id=worker_id)
    try:
        if once:
            placed = worker.run_once(worker.clock.now())
            for each in placed:
                click.echo(each.describe())
            click.echo(f"{len(placed) or 'nothing'} placed by {worker.worker_id}")
            return
        _run(worker)
    finally:
        worker.store.close()


def _run(worker: Worker) -> None:
    """Run until interrupted (Ctrl+C) or terminated (SIGTERM)."""
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    click.echo(f"worker {worker.worker_id}: looking for due calls every "
               f"{worker.settings.interval_s:g} s; Ctrl+C stops it")
    try:
        worker.run_forever(stop)
    except KeyboardInterrupt:
        click.echo("stopped")
