"""The call-record writer behind the webhooks: late by at most a second, never in the way.

Every test here writes to a real SQLite store through the recorder's own thread.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ivr.store import SqlStore, open_store
from ivr.web import recorder as recorder_module
from ivr.web.recorder import BATCH_DELAY_S, CallRecorder

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
LINE = "+351218106191"
CALLER = "+351912345678"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlStore]:
    """A fresh SQLite store of the test's own."""
    with open_store(None, tmp_path / "instance") as opened:
        yield opened


def record_a_call(recorder: CallRecorder, call_sid: str = "CA1") -> None:
    """Hand over the facts of one whole call, as the webhooks do."""
    recorder.started(call_sid, LINE, CALLER, "PT", NOW)
    recorder.reached(call_sid, "language", None)
    recorder.reached(call_sid, "main", "uk")
    recorder.reached(call_sid, "operators", "uk")
    recorder.outcome(call_sid, "operator")
    recorder.ended(call_sid, NOW + timedelta(seconds=95), 95, "completed")


def test_a_flush_writes_every_fact_of_a_call(store: SqlStore) -> None:
    recorder = CallRecorder(store)
    record_a_call(recorder)
    recorder.voicemail("CA1", CALLER, "https://api.twilio.com/RE1", 12, "uk", "voicemail", NOW)
    recorder.flush()
    record = store.call("CA1")
    assert record is not None
    assert (record.line, record.caller_region, record.language, record.path, record.outcome,
            record.duration_s, record.status) == (
        LINE, "PT", "uk", ("language", "main", "operators"), "operator", 95, "completed")
    assert [(v.call_sid, v.duration_s, v.language) for v in store.voicemails()] == [
        ("CA1", 12, "uk")]
    assert recorder.dropped == 0


def test_facts_are_written_within_a_batch_delay_without_a_flush(store: SqlStore) -> None:
    recorder = CallRecorder(store)
    record_a_call(recorder)
    deadline = time.monotonic() + BATCH_DELAY_S + 5
    while store.call("CA1") is None and time.monotonic() < deadline:
        time.sleep(0.05)
    record = store.call("CA1")
    assert record is not None
    assert record.outcome == "operator"


def test_many_calls_are_written_in_batches_and_in_order(store: SqlStore,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recorder_module, "BATCH_SIZE", 7)  # each call's facts span batches
    recorder = CallRecorder(store)
    for number in range(30):
        record_a_call(recorder, f"CA{number:02}")
    recorder.flush()
    records = {record.call_sid: record for record in store.recent_calls(limit=100)}
    assert len(records) == 30
    assert {record.path for record in records.values()} == {("language", "main", "operators")}
    assert {record.status for record in records.values()} == {"completed"}


def test_a_store_failure_loses_that_batch_only(store: SqlStore,
                                               caplog: pytest.LogCaptureFixture) -> None:
    down = open_store("postgresql://ivr@127.0.0.1:1/ivr", Path("unused"), tolerate_outage=True)
    recorder = CallRecorder(down)
    record_a_call(recorder, "CA1")
    started = time.monotonic()
    recorder.flush()
    assert time.monotonic() - started < 8  # the caller's webhook never waited for this
    assert "call records were not written: the database at" in caplog.text
    recorder.store = store  # the database is back
    record_a_call(recorder, "CA2")
    recorder.flush()
    assert store.call("CA1") is None
    found = store.call("CA2")
    assert found is not None
    assert found.outcome == "operator"
    down.close()


def test_facts_beyond_the_bound_are_dropped_counted_and_logged_once(
        store: SqlStore, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(recorder_module, "QUEUE_SIZE", 0)  # an outage that has filled it
    recorder = CallRecorder(store)
    for number in range(5):
        record_a_call(recorder, f"CA{number}")
    recorder.flush()  # a flush is never dropped, and returns
    assert recorder.dropped == 30
    assert caplog.text.count("call records are being dropped") == 1
    assert store.recent_calls() == []


def test_a_flush_before_anything_was_recorded_returns_at_once(store: SqlStore) -> None:
    started = time.monotonic()
    CallRecorder(store).flush()
    assert time.monotonic() - started < 1


def child_records(recorder: CallRecorder) -> None:
    """In a forked child, as in a gunicorn worker: record a call and flush it."""
    recorder.store.forked()  # as the app arranges with os.register_at_fork
    record_a_call(recorder, "CA-child")
    recorder.flush()


def test_a_forked_worker_writes_with_a_thread_of_its_own(store: SqlStore) -> None:
    recorder = CallRecorder(store)
    record_a_call(recorder, "CA-parent")  # the parent's thread runs, with facts pending
    child = multiprocessing.get_context("fork").Process(target=child_records, args=(recorder,))
    child.start()
    child.join(30)
    assert child.exitcode == 0
    recorder.flush()
    assert {record.call_sid for record in store.recent_calls()} == {"CA-parent", "CA-child"}
