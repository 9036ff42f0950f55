"""What workers need of the store: requests by source, a lower limit of tries, bookings closed
one try at a time, and the entity's number and language kept for a booking's call."""

from __future__ import annotations

from datetime import timedelta

from store_support import NOW, StoreFactory, later

from ivr.store import CallbackStatus, Privacy, SessionStatus, SqlStore

NUMBER = "+351912345678"
ENTITY = "+351213000000"
LEASE = 120


def test_a_worker_takes_only_the_sources_it_is_given(store: SqlStore) -> None:
    stt = store.add_callback(NUMBER, "uk", "stt", "CA1", NOW)
    lam = store.add_callback(NUMBER, "uk", "lam", "CA2", later(1))
    assert store.claim_due_callback("w1", later(5), LEASE, sources=[]) is None
    taken = store.claim_due_callback("w1", later(5), LEASE, sources=["lam"])
    assert taken is not None
    assert taken.id == lam
    other = store.claim_due_callback("w2", later(5), LEASE)
    assert other is not None
    assert other.id == stt


def test_a_workers_limit_of_tries_fails_a_request_sooner(store: SqlStore) -> None:
    callback_id = store.add_callback(NUMBER, "uk", "lam", "CA1", NOW, max_attempts=5)
    assert store.claim_due_callback("w1", NOW, LEASE) is not None
    assert store.finish_callback(callback_id, "w1", "busy", later(10), later(900),
                                 max_attempts=2)
    assert store.claim_due_callback("w1", later(900), LEASE) is not None
    assert store.finish_callback(callback_id, "w1", "no-answer", later(910), later(1800),
                                 max_attempts=2)
    failed = store.callback(callback_id)
    assert failed is not None
    assert (failed.status, failed.attempts, failed.outcome) == (
        CallbackStatus.FAILED, 2, "no-answer")


def test_an_answered_booking_is_connecting(store: SqlStore) -> None:
    job = store.create_session("CA1", "uk", NOW, booked_for=later(60), entity_number=ENTITY,
                               entity_language="pt_PT")
    taken = store.claim_due_booking("w1", later(60), LEASE)
    assert taken is not None
    assert (taken.entity_number, taken.entity_language) == (ENTITY, "pt_PT")
    assert store.finish_booking(job, 1, "answered", later(70), max_attempts=3)
    session = store.session(job)
    assert session is not None
    assert (session.status, session.claimed_by, session.outcome) == (
        SessionStatus.CONNECTING, None, "answered")
    assert not store.finish_booking(job, 1, "answered", later(71), max_attempts=3)


def test_an_unanswered_booking_is_tried_again_later_then_fails(store: SqlStore) -> None:
    job = store.create_session("CA1", "uk", NOW, booked_for=later(60), entity_number=ENTITY)
    assert store.claim_due_booking("w1", later(60), LEASE) is not None
    assert store.finish_booking(job, 1, "busy", later(70), later(960), max_attempts=2)
    assert store.claim_due_booking("w1", later(959), LEASE) is None
    assert store.claim_due_booking("w2", later(960), LEASE) is not None
    assert not store.finish_booking(job, 1, "late news of the first try", later(961),
                                    later(1900), max_attempts=2)
    assert store.finish_booking(job, 2, "no-answer", later(990), later(1900), max_attempts=2)
    session = store.session(job)
    assert session is not None
    assert (session.status, session.attempts, session.ended_at, session.outcome) == (
        SessionStatus.FAILED, 2, later(990), "no-answer")
    assert store.claim_due_booking("w1", later(1900), LEASE) is None


def test_purge_forgets_the_entitys_number_of_a_finished_booking(open_db: StoreFactory) -> None:
    store = open_db(Privacy("keep", retention_days=30))
    job = store.create_session("CA1", "uk", NOW, booked_for=later(60), entity_number=ENTITY)
    store.update_session(job, status="ended", ended_at=later(600))
    waiting = store.create_session("CA2", "uk", NOW, booked_for=NOW + timedelta(days=60),
                                   entity_number=ENTITY)
    assert store.purge(NOW + timedelta(days=31)) == 1
    ended, booked = store.session(job), store.session(waiting)
    assert ended is not None
    assert booked is not None
    assert (ended.entity_number, booked.entity_number) == (None, ENTITY)


def test_recent_requests_of_every_status_latest_first(store: SqlStore) -> None:
    done = store.add_callback(NUMBER, "uk", "lam", "CA1", NOW)
    assert store.claim_due_callback("w1", NOW, LEASE) is not None
    store.finish_callback(done, "w1", "answered", later(30))
    waiting = store.add_callback(NUMBER, "ru", "lam", "CA2", later(60))
    assert [c.id for c in store.pending_callbacks()] == [waiting]
    assert [(c.id, c.status) for c in store.recent_callbacks()] == [
        (waiting, CallbackStatus.PENDING), (done, CallbackStatus.DONE)]
    assert [c.id for c in store.recent_callbacks(limit=1)] == [waiting]
