"""Callback requests: kept once, taken by one worker at a time, retried, then done or failed."""

from __future__ import annotations

from store_support import NOW, later

from ivr.store import CallbackStatus, SqlStore

NUMBER = "+351912345678"
LEASE = 120


def test_a_request_waits_until_it_is_due(store: SqlStore) -> None:
    callback_id = store.add_callback(NUMBER, "uk", "queue", "CA1", NOW, later(300), note="x")
    (waiting,) = store.pending_callbacks()
    assert (waiting.id, waiting.number, waiting.language, waiting.source) == (
        callback_id, NUMBER, "uk", "queue")
    assert (waiting.status, waiting.requested_at, waiting.due_at, waiting.attempts) == (
        CallbackStatus.PENDING, NOW, later(300), 0)
    assert waiting.note == "x"
    assert store.claim_due_callback("w1", later(299), LEASE) is None
    taken = store.claim_due_callback("w1", later(300), LEASE)
    assert taken is not None
    assert (taken.id, taken.status, taken.claimed_by, taken.attempts) == (
        callback_id, CallbackStatus.CLAIMED, "w1", 1)
    assert (taken.lease_until, taken.last_attempt_at) == (later(300 + LEASE), later(300))


def test_a_call_asking_twice_gets_one_request(store: SqlStore) -> None:
    first = store.add_callback(NUMBER, "uk", "queue", "CA1", NOW)
    assert store.add_callback(NUMBER, "uk", "queue", "CA1", later(5)) == first
    assert store.add_callback(NUMBER, "uk", "voicemail", "CA1", later(9)) != first
    assert store.add_callback(NUMBER, "uk", "stt", None, NOW) != store.add_callback(
        NUMBER, "uk", "stt", None, NOW)
    assert len(store.pending_callbacks()) == 4


def test_the_request_due_first_is_taken_first(store: SqlStore) -> None:
    late = store.add_callback(NUMBER, "uk", "queue", "CA1", NOW, later(60))
    early = store.add_callback(NUMBER, "ru", "queue", "CA2", NOW, later(30))
    taken = [store.claim_due_callback(w, later(90), LEASE) for w in ("w1", "w2", "w3")]
    assert [c.id if c else None for c in taken] == [early, late, None]


def test_a_taken_request_is_not_taken_again_until_its_lease_expires(store: SqlStore) -> None:
    callback_id = store.add_callback(NUMBER, "uk", "queue", "CA1", NOW)
    assert store.claim_due_callback("w1", NOW, LEASE) is not None
    assert store.claim_due_callback("w2", later(LEASE), LEASE) is None
    taken = store.claim_due_callback("w2", later(LEASE + 1), LEASE)
    assert taken is not None
    assert (taken.id, taken.claimed_by, taken.attempts) == (callback_id, "w2", 2)
    assert not store.finish_callback(callback_id, "w1", "answered", later(LEASE + 2))
    assert store.finish_callback(callback_id, "w2", "answered", later(LEASE + 3))


def test_done_is_final(store: SqlStore) -> None:
    callback_id = store.add_callback(NUMBER, "uk", "queue", "CA1", NOW)
    store.claim_due_callback("w1", NOW, LEASE)
    assert store.finish_callback(callback_id, "w1", "answered", later(40))
    done = store.callback(callback_id)
    assert done is not None
    assert (done.status, done.outcome, done.finished_at, done.claimed_by) == (
        CallbackStatus.DONE, "answered", later(40), None)
    assert store.pending_callbacks() == []
    assert store.claim_due_callback("w1", later(10_000), LEASE) is None
    assert not store.finish_callback(callback_id, "w1", "again", later(41))


def test_a_retry_waits_for_its_time_and_the_last_failure_is_final(store: SqlStore) -> None:
    callback_id = store.add_callback(NUMBER, "uk", "queue", "CA1", NOW, max_attempts=2)
    store.claim_due_callback("w1", NOW, LEASE)
    assert store.finish_callback(callback_id, "w1", "no-answer", later(30), retry_at=later(600))
    retry = store.callback(callback_id)
    assert retry is not None
    assert (retry.status, retry.due_at, retry.attempts, retry.outcome) == (
        CallbackStatus.PENDING, later(600), 1, "no-answer")
    assert store.claim_due_callback("w2", later(599), LEASE) is None
    assert store.claim_due_callback("w2", later(600), LEASE) is not None
    assert store.finish_callback(callback_id, "w2", "busy", later(630), retry_at=later(1200))
    failed = store.callback(callback_id)
    assert failed is not None
    assert (failed.status, failed.attempts, failed.outcome, failed.finished_at) == (
        CallbackStatus.FAILED, 2, "busy", later(630))
    assert store.claim_due_callback("w3", later(1200), LEASE) is None


def test_a_worker_lost_on_the_last_attempt_fails_the_request(store: SqlStore) -> None:
    callback_id = store.add_callback(NUMBER, "uk", "queue", "CA1", NOW, max_attempts=1)
    store.claim_due_callback("w1", NOW, LEASE)
    assert store.claim_due_callback("w2", later(LEASE + 1), LEASE) is None
    abandoned = store.callback(callback_id)
    assert abandoned is not None
    assert abandoned.status == CallbackStatus.FAILED
    assert abandoned.outcome is not None
    assert abandoned.outcome.startswith("abandoned")
