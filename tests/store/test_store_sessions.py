"""Interpreting sessions: job numbers, parties' legs, bookings taken by one worker at a time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from store_support import NOW, later

from ivr.store import LegRole, SessionStatus, SqlStore, StoreError
from ivr.store import sessions as session_module

BOOKED_FOR = later(86_400)
LEASE = 120
LEASE_TIME = timedelta(seconds=LEASE)
SECOND = timedelta(seconds=1)


def test_a_session_gets_a_six_digit_job_and_keeps_its_parties(store: SqlStore) -> None:
    job = store.create_session("CA1", "uk", NOW, entity_account="ACC-7", gender_wanted="f",
                               migrant_number="+351912345678", conference="stt-CA1")
    assert len(job) == 6
    assert job.isdigit()
    session = store.session(job)
    assert session is not None
    assert (session.job, session.entity_call_sid, session.entity_account, session.language) == (
        job, "CA1", "ACC-7", "uk")
    assert (session.gender_wanted, session.migrant_number, session.conference) == (
        "f", "+351912345678", "stt-CA1")
    assert (session.status, session.created_at, session.legs) == (
        SessionStatus.REQUESTED, NOW, ())


def test_a_repeated_request_for_a_conference_returns_its_session(store: SqlStore) -> None:
    job = store.create_session("CA1", "uk", NOW, conference="stt-CA1")
    assert store.create_session("CA1", "uk", later(2), conference="stt-CA1") == job
    assert [s.job for s in store.sessions()] == [job]
    found = store.session_by_conference("stt-CA1")
    assert found is not None
    assert found.job == job
    assert store.session_by_conference("stt-CA9") is None


def draws(*jobs: str) -> Iterator[str]:
    """Yield job numbers in a given order, as if drawn."""
    yield from jobs


def test_a_clashing_job_number_is_drawn_again(store: SqlStore,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = draws("000123", "000123", "000456")
    monkeypatch.setattr(session_module, "new_job", lambda: next(drawn))
    assert store.create_session("CA1", "uk", NOW) == "000123"
    assert store.create_session("CA2", "uk", NOW) == "000456"


def test_job_numbers_that_always_clash_are_an_error(store: SqlStore,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(session_module, "new_job", lambda: "000123")
    store.create_session("CA1", "uk", NOW)
    with pytest.raises(StoreError, match="no free job number"):
        store.create_session("CA2", "uk", NOW)


def test_updates_change_only_known_fields(store: SqlStore) -> None:
    job = store.create_session("CA1", "uk", NOW)
    assert store.update_session(job, status="active", interpreter_id="i1", started_at=later(20))
    assert store.update_session(job, status=SessionStatus.ENDED, ended_at=later(620),
                                outcome="completed")
    session = store.session(job)
    assert session is not None
    assert (session.status, session.interpreter_id, session.started_at, session.ended_at) == (
        SessionStatus.ENDED, "i1", later(20), later(620))
    assert session.outcome == "completed"
    assert not store.update_session("999999", status="ended")
    with pytest.raises(ValueError, match="no field"):
        store.update_session(job, job="000000")
    with pytest.raises(ValueError, match="muted"):
        store.update_session(job, status="muted")


def test_legs_are_recorded_once_and_updated(store: SqlStore) -> None:
    job = store.create_session("CA1", "uk", NOW)
    assert store.add_leg(job, LegRole.ENTITY, "CA1", "+351210000000", NOW)
    assert store.add_leg(job, "interpreter", "CA2", "+351900000001", later(5), attempt=2)
    assert not store.add_leg(job, "interpreter", "CA2", "+351900000001", later(6))
    assert store.update_leg("CA2", status="completed", ended_at=later(600), outcome="answered")
    assert not store.update_leg("CA-unknown", status="completed")
    with pytest.raises(ValueError, match="no field"):
        store.update_leg("CA2", role="migrant")
    session = store.session(job)
    assert session is not None
    entity, interpreter = session.legs
    assert (entity.role, entity.call_sid, entity.status) == (LegRole.ENTITY, "CA1", "initiated")
    assert (interpreter.role, interpreter.attempt, interpreter.status) == (
        LegRole.INTERPRETER, 2, "completed")
    assert (interpreter.started_at, interpreter.ended_at, interpreter.outcome) == (
        later(5), later(600), "answered")


def test_sessions_are_listed_newest_first_with_their_legs(store: SqlStore) -> None:
    jobs = [store.create_session(f"CA{n}", "uk", later(n)) for n in range(3)]
    store.add_leg(jobs[0], "entity", "CA0", None, NOW)
    listed = store.sessions(limit=5)
    assert [s.job for s in listed] == jobs[::-1]
    assert [len(s.legs) for s in listed] == [0, 0, 1]
    assert len(store.sessions(limit=2)) == 2


def test_bookings_are_the_booked_sessions_still_to_come(store: SqlStore) -> None:
    later_one = store.create_session("CA1", "uk", NOW, booked_for=BOOKED_FOR + timedelta(hours=1))
    sooner = store.create_session("CA2", "ar", NOW, booked_for=BOOKED_FOR)
    store.create_session("CA3", "ru", NOW, booked_for=later(60))
    placed = store.create_session("CA4", "ru", NOW, booked_for=BOOKED_FOR)
    store.update_session(placed, status="connecting")
    store.create_session("CA5", "uk", NOW)
    assert [s.job for s in store.bookings(later(61))] == [sooner, later_one]
    assert store.session(sooner) is not None


def test_a_due_booking_is_taken_by_one_worker_until_its_lease_expires(store: SqlStore) -> None:
    job = store.create_session("CA1", "uk", NOW, booked_for=BOOKED_FOR)
    assert store.claim_due_booking("w1", BOOKED_FOR - SECOND, LEASE) is None
    taken = store.claim_due_booking("w1", BOOKED_FOR, LEASE)
    assert taken is not None
    assert (taken.job, taken.status, taken.claimed_by, taken.attempts) == (
        job, SessionStatus.BOOKED, "w1", 1)
    assert taken.lease_until == BOOKED_FOR + LEASE_TIME
    assert store.claim_due_booking("w2", BOOKED_FOR + LEASE_TIME, LEASE) is None
    again = store.claim_due_booking("w2", BOOKED_FOR + LEASE_TIME + SECOND, LEASE)
    assert again is not None
    assert (again.claimed_by, again.attempts) == ("w2", 2)


def test_a_placed_booking_is_never_taken_again(store: SqlStore) -> None:
    job = store.create_session("CA1", "uk", NOW, booked_for=BOOKED_FOR)
    store.claim_due_booking("w1", BOOKED_FOR, LEASE)
    store.update_session(job, status="connecting", conference="stt-CA7")
    assert store.claim_due_booking("w2", BOOKED_FOR + 10 * LEASE_TIME, LEASE) is None
