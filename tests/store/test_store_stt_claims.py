"""Fifty entities ask for a Nepali interpreter at once from two gunicorn workers: three claims.

The helpline runs under real gunicorn (two worker processes, four threads each) on the
test's database, SQLite or PostgreSQL, with its clock fixed on Wednesday 9 December 2026 at
11:00, when the roster's three Nepali interpreters are all on shift; the simulator's fake
REST API takes the calls placed to them. Fifty signed webhooks, released together, each ask
to connect (the migrant is beside the entity): exactly three ring an interpreter, and the
other forty-seven hear that nobody is free, in valid TwiML.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
from store_support import Database, upgrade
from support import ROOT, TOKEN, wait_listening
from twilio.request_validator import RequestValidator

from ivr.menu import load_menu
from ivr.routing.allocation import roster_specs
from ivr.simulator.rest.server import ApiServer
from ivr.simulator.simulator import Simulator
from ivr.simulator.targets import DeferredApp
from ivr.simulator.transport import WSGITransport
from ivr.store import SessionStatus, open_store

NOW = datetime(2026, 12, 9, 11, 0, tzinfo=ZoneInfo("Europe/Lisbon"))
AT = "datetime(2026, 12, 9, 11, 0, tzinfo=ZoneInfo('Europe/Lisbon'))"  # NOW, in the server
NEPALI = {"stt_064", "stt_065", "stt_066"}
CALLS = 50
PATH = "/voice/input?n=stt&l=en&p=migrant&r=l640"  # Nepali, either gender, nobody to ring
SERVER = """\
from datetime import datetime
from zoneinfo import ZoneInfo

from gunicorn.app.base import BaseApplication

from ivr.clock import FixedClock
from ivr.web import create_app

app = create_app({config!r}, clock=FixedClock({at}))


class Server(BaseApplication):
    def load_config(self):
        for key, value in {options!r}.items():
            self.cfg.set(key, value)

    def load(self):
        return app


Server().run()
"""


def free_port() -> int:
    """Ask the system for a free local port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def rest_api() -> Iterator[tuple[Simulator, str]]:
    """The simulator's fake REST API on a local port: it takes calls and never runs them."""
    simulator = Simulator(WSGITransport(DeferredApp(), "https://ivr.test"), auth_token=TOKEN)
    with ApiServer(simulator.api, simulator.lock) as server:
        yield simulator, server.url


def serve(tmp_path: Path, database: Database, api: tuple[Simulator, str], port: int
          ) -> subprocess.Popen[str]:
    """Start the helpline under two gunicorn workers and wait until it listens."""
    base = f"http://127.0.0.1:{port}"
    config = {"IVR_AUTH_TOKEN": TOKEN, "IVR_MENUS": str(ROOT / "menus"),
              "IVR_LOCALES": str(ROOT / "locales"), "IVR_PROMPTS": str(ROOT / "prompts"),
              "IVR_INSTANCE": str(database.instance), "IVR_DATABASE_URL": database.url or "",
              "IVR_PUBLIC_BASE_URL": base, "TWILIO_ACCOUNT_SID": api[0].account_sid,
              "IVR_TWILIO_API_URL": api[1], "IVR_RELOAD_INTERVAL": "3600"}
    options = {"bind": f"127.0.0.1:{port}", "workers": 2, "threads": 4,
               "worker_class": "gthread", "preload_app": True, "accesslog": None,
               "errorlog": "-", "loglevel": "warning", "timeout": 30}
    script = tmp_path / "serve_stt.py"
    script.write_text(SERVER.format(config=config, at=AT, options=options), encoding="utf-8")
    process = subprocess.Popen([sys.executable, str(script)], cwd=ROOT, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    wait_listening(process, port, "gunicorn")
    return process


def ask_together(port: int) -> list[requests.Response]:
    """Send the fifty webhooks at the same moment, each from its own entity's call."""
    url = f"http://127.0.0.1:{port}{PATH}"
    start = threading.Barrier(CALLS)

    def post(index: int) -> requests.Response:
        form = {"CallSid": f"CA{index:032x}", "From": f"+3512130{index:05d}",
                "To": "+351808257257", "CallStatus": "in-progress"}
        signature = RequestValidator(TOKEN).compute_signature(url, form)
        start.wait()
        return requests.post(url, data=form, headers={"X-Twilio-Signature": signature},
                             timeout=30)

    with ThreadPoolExecutor(CALLS) as pool:
        return list(pool.map(post, range(CALLS)))


@pytest.mark.slow
def test_fifty_entities_at_once_get_three_interpreters(
        tmp_path: Path, database: Database, rest_api: tuple[Simulator, str]) -> None:
    upgrade(database)
    port = free_port()
    process = serve(tmp_path, database, rest_api, port)
    try:
        answers = ask_together(port)
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0]
    assert {a.status_code for a in answers} == {200}, output
    assert all(a.headers["Content-Type"].startswith("text/xml") for a in answers)
    connected = [a.text for a in answers if "<Conference" in a.text]
    nobody = [a.text for a in answers if "no interpreter of Nepali is free" in a.text]
    assert (len(connected), len(nobody)) == (3, 47), output
    assert all("<Gather" in text and "<Response>" in text for text in nobody)
    assert len(rest_api[0].world.legs) == 3  # three interpreters rung, nobody twice
    store = open_store(database.url, database.instance)
    try:
        holders = {a.agent_id: a.claimed_by for a in store.agents(NOW) if a.claimed_by}
        assert set(holders) == NEPALI
        assert len(set(holders.values())) == 3
        statuses = [s.status for s in store.sessions(limit=100)]
        assert statuses.count(SessionStatus.CONNECTING) == 3
        assert statuses.count(SessionStatus.UNFILLED) == 47
    finally:
        store.close()


def test_the_shipped_roster_and_its_longest_language_fit(database: Database) -> None:
    upgrade(database)
    rosters = load_menu(ROOT / "menus").rosters
    assert rosters is not None
    longest = max(rosters.languages, key=len)
    assert longest == "pidgin_english_nigeria"
    with open_store(database.url, database.instance) as store:
        store.sync_agents(roster_specs(rosters))
        job = store.create_session("CA1", longest, NOW)
        session = store.session(job)
        assert session is not None
        assert session.language == longest
        assert any(longest in a.languages for a in store.agents(NOW))
