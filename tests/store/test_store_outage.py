"""Outages: a database that is unreachable, silent or gone is a StoreError, quickly and clearly."""

from __future__ import annotations

import shutil
import socket
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.exc import SQLAlchemyError
from store_support import NOW, Database, admin, interpreter, later, upgrade

from ivr.store import CallFacts, SqlStore, StoreError, StoreUnavailable, open_store

OPERATIONS: dict[str, Callable[[SqlStore], Any]] = {
    "call_started": lambda s: s.call_started("CA9", "+351218106191", "+351912345678", "PT", NOW),
    "call_answered": lambda s: s.call_answered("CA1", NOW),
    "call_language": lambda s: s.call_language("CA1", "uk"),
    "call_path": lambda s: s.call_path("CA1", "main"),
    "call_outcome": lambda s: s.call_outcome("CA1", "operator"),
    "call_ended": lambda s: s.call_ended("CA1", NOW, 5, "completed"),
    "call_event": lambda s: s.call_event("CA1", NOW, "menu", "main", {"pressed": "1"}),
    "call": lambda s: s.call("CA1"),
    "recent_calls": lambda s: s.recent_calls(),
    "call_events": lambda s: s.call_events("CA1"),
    "write_call_facts": lambda s: s.write_call_facts(CallFacts(reached=[("CA1", "main")])),
    "save_voicemail": lambda s: s.save_voicemail("CA1", None, "https://x/RE9", 3, None, None, NOW),
    "voicemails": lambda s: s.voicemails(),
    "mark_voicemail": lambda s: s.mark_voicemail(1, "heard"),
    "sync_agents": lambda s: s.sync_agents([interpreter("i2", "uk")]),
    "claim_agent": lambda s: s.claim_agent("interpreter", "uk", candidates=None, by="CA2",
                                           now=NOW, ttl_s=60),
    "release_agent": lambda s: s.release_agent("i1", "CA1", NOW),
    "release_claims": lambda s: s.release_claims("CA1", NOW),
    "extend_claim": lambda s: s.extend_claim("i1", "CA1", NOW, 60),
    "held_by": lambda s: s.held_by("CA1"),
    "agents": lambda s: s.agents(NOW),
    "add_callback": lambda s: s.add_callback("+351912345678", "uk", "queue", "CA2", NOW),
    "claim_due_callback": lambda s: s.claim_due_callback("w1", NOW, 60),
    "finish_callback": lambda s: s.finish_callback(1, "w1", "answered", NOW),
    "callback": lambda s: s.callback(1),
    "pending_callbacks": lambda s: s.pending_callbacks(),
    "recent_callbacks": lambda s: s.recent_callbacks(),
    "create_session": lambda s: s.create_session("CA2", "uk", NOW),
    "update_session": lambda s: s.update_session("000001", status="ended"),
    "session": lambda s: s.session("000001"),
    "session_by_conference": lambda s: s.session_by_conference("stt-CA1"),
    "sessions": lambda s: s.sessions(),
    "bookings": lambda s: s.bookings(NOW),
    "claim_due_booking": lambda s: s.claim_due_booking("w1", later(86_400), 60),
    "finish_booking": lambda s: s.finish_booking("000001", 1, "busy", NOW, max_attempts=3),
    "add_leg": lambda s: s.add_leg("000001", "entity", "CA3", None, NOW),
    "update_leg": lambda s: s.update_leg("CA3", status="completed"),
    "add_sign_in_attempt": lambda s: s.add_sign_in_attempt(["k"], NOW, timedelta(minutes=15)),
    "sign_in_attempts": lambda s: s.sign_in_attempts(["k"], NOW),
    "clear_sign_in_attempts": lambda s: s.clear_sign_in_attempts(["k"]),
    "purge": lambda s: s.purge(later(10**8)),
    "schema_version": lambda s: s.schema_version(),
    "upgrade": lambda s: s.upgrade(),
}
HONEST_ANSWERS = {"schema_version": 0}  # a schema that is gone is at version 0: no error


def take_away(database: Database) -> None:
    """Make a database disappear under a running store."""
    if database.url is None:
        shutil.rmtree(database.instance)
    else:
        options = make_url(database.url).query["options"]
        assert isinstance(options, str)
        admin(f"DROP SCHEMA {options.removeprefix('-csearch_path=')} CASCADE")


@pytest.fixture
def silent_server() -> Iterator[int]:
    """Listen on a port and never answer: the TCP handshake succeeds, nothing else does."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


def test_every_operation_is_covered_here() -> None:
    public = {name for name in dir(SqlStore) if not name.startswith("_")}
    assert public - {"close", "forked", "privacy", "where"} == set(OPERATIONS)


def test_every_operation_on_a_vanished_database_is_a_store_error(
        store: SqlStore, database: Database) -> None:
    store.call_started("CA1", "+351218106191", "+351912345678", "PT", NOW)
    take_away(database)
    misbehaving = {}
    for name, operation in OPERATIONS.items():
        try:
            answer = operation(store)
        except StoreError as error:
            if not isinstance(error.__cause__, SQLAlchemyError) or "\n" in str(error):
                misbehaving[name] = repr(error)
        except Exception as error:  # any other exception is what this test is about
            misbehaving[name] = repr(error)
        else:
            if name not in HONEST_ANSWERS or answer != HONEST_ANSWERS[name]:
                misbehaving[name] = f"answered {answer!r}"
    assert misbehaving == {}


def test_an_unreachable_server_fails_within_seconds_without_the_password() -> None:
    started = time.monotonic()
    with pytest.raises(StoreUnavailable) as raised:
        open_store("postgresql://ivr:s3cret@127.0.0.1:1/ivr", Path("unused"))
    assert time.monotonic() - started < 5
    message = str(raised.value)
    assert message.startswith("the database at postgresql+psycopg://ivr:***@127.0.0.1:1/ivr "
                              "is unavailable: ")
    assert "s3cret" not in message
    assert "\n" not in message


def test_an_app_may_start_while_the_database_is_down(caplog: pytest.LogCaptureFixture) -> None:
    with open_store("postgresql://ivr:s3cret@127.0.0.1:1/ivr", Path("unused"),
                    tolerate_outage=True) as store, pytest.raises(StoreUnavailable):
        store.recent_calls()
    assert "starting without the store: the database at postgresql+psycopg://ivr:***@" in (
        caplog.text)
    assert "s3cret" not in caplog.text


def test_a_server_that_never_answers_times_out_in_about_two_seconds(silent_server: int) -> None:
    started = time.monotonic()
    with pytest.raises(StoreUnavailable, match="unavailable"):
        open_store(f"postgresql://ivr@127.0.0.1:{silent_server}/ivr", Path("unused"))
    assert 1 < time.monotonic() - started < 6


@pytest.mark.parametrize(("url", "message"), [
    ("not a url", "the database URL is not valid"),
    ("mysql://ivr:s3cret@db/ivr", "names 'mysql': ivr works with PostgreSQL"),
    ("sqlite:///:memory:", "names 'sqlite'"),
])
def test_a_bad_url_is_one_sentence(url: str, message: str) -> None:
    with pytest.raises(StoreError, match=message) as raised:
        open_store(url, Path("unused"))
    assert "s3cret" not in str(raised.value)


def test_an_instance_folder_that_cannot_be_made_is_unavailable(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(StoreUnavailable, match="cannot create"):
        open_store(None, tmp_path / "a-file" / "instance")


@pytest.mark.postgres
def test_connections_lost_to_a_server_restart_are_replaced(
        postgres_database: Database) -> None:
    upgrade(postgres_database)
    with open_store(postgres_database.url, postgres_database.instance) as store:
        with store._read() as connection:
            pid = connection.scalar(text("SELECT pg_backend_pid()"))
        admin(f"SELECT pg_terminate_backend({int(pid)})")
        assert store.call_started("CA1", "+351218106191", "+351912345678", "PT", NOW)
