"""STT bookings end to end: a date and a time by keypad, read back, refused when closed or
past; and the call ``ivr worker`` places at the booked time, entering at phase ``booked``.

Wednesday 2 December 2026; Friday 4 December closes at 19:00; Tuesday 8 December is a
national holiday (Immaculate Conception).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from stt_support import ACCOUNT, ENTITY, phone, phone_of, placed, prepared_store, said, store_of

from ivr.simulator.clock import parse_at
from ivr.store import Session, SessionStatus

WEDNESDAY = "2026-12-02T15:30"
BOOK = (*ENTITY, "870", "1", "2", "*")  # Ukrainian, a woman, then "not now"
REFUSED_HOURS = ("Sorry, the service does not work at that time. Its hours are Monday to "
                 "Friday, 9:00 to 19:00.")


def booked(tmp_path: Path) -> list[Session]:
    """Return the booked sessions of the test's store."""
    with store_of(tmp_path) as store:
        return [s for s in store.sessions() if s.status is SessionStatus.BOOKED]


def test_a_booking_at_18_59_on_a_friday_is_read_back_and_kept(tmp_path: Path) -> None:
    result = phone(tmp_path, *BOOK, "0412", "1859", "1", "1", at=WEDNESDAY)
    text = said(result)
    assert "You asked for an interpreter on Friday 4 December at 18:59." in text
    assert "We will call you back on 9 1 2, 3 4 5, 6 7 8. To confirm, press 1." in text
    (session,) = booked(tmp_path)
    assert (f"Thank you. Your interpreter is booked on Friday 4 December at 18:59, job "
            f"number {' '.join(session.job)}. We will call you then.") in text
    assert session.booked_for == parse_at("2026-12-04T18:59")
    assert (session.language, session.gender_wanted, session.entity_account) == (
        "ukrainian", "f", ACCOUNT)
    assert (session.entity_number, session.entity_language) == ("+351912345678", "en")
    assert placed(result) == []
    with store_of(tmp_path) as store:
        record = store.call(result.call_sid)
        assert record is not None
        assert record.outcome == f"booked:{session.job}"


@pytest.mark.parametrize(("day", "time", "reason"), [
    ("0412", "1900", REFUSED_HOURS),
    ("0812", "1000", REFUSED_HOURS),
    ("0512", "1000", REFUSED_HOURS),
    ("0212", "1400", "Sorry, that time has already passed."),
])
def test_a_booking_when_closed_or_past_is_refused(tmp_path: Path, day: str, time: str,
                                                  reason: str) -> None:
    result = phone(tmp_path, *BOOK, day, time, "0412", "1000", "1", "1", at=WEDNESDAY)
    text = said(result)
    assert reason in text
    assert text.count("Please key in the day and the month") == 2
    (session,) = booked(tmp_path)
    assert session.booked_for == parse_at("2026-12-04T10:00")


def test_a_booking_may_call_another_number(tmp_path: Path) -> None:
    result = phone(tmp_path, *BOOK, "0412", "1000", "1", "961234567#", "1", at=WEDNESDAY)
    assert "You keyed in 9 6 1, 2 3 4, 5 6 7." in said(result)
    (session,) = booked(tmp_path)
    assert session.entity_number == "+351961234567"


def test_a_date_that_does_not_exist_is_asked_again(tmp_path: Path) -> None:
    result = phone(tmp_path, *BOOK, "3102", "0412", "1000", "1", "1", at=WEDNESDAY)
    assert "Sorry, that is not a date and time we can use." in said(result)
    assert len(booked(tmp_path)) == 1


def booked_session(tmp_path: Path, at: datetime) -> str:
    """Book a session straight in the store, as the booking dialog does."""
    with prepared_store(tmp_path) as store:
        return store.create_session(
            "CA-booking", "ukrainian", at, entity_account=ACCOUNT, booked_for=at,
            status="booked", entity_number="+351912345678", entity_language="en")


def test_the_booked_call_greets_with_the_job_then_connects(tmp_path: Path) -> None:
    job = booked_session(tmp_path, parse_at("2026-12-04T18:59"))
    result = phone(tmp_path, "#", at="2026-12-04T18:59", dial_default="answer:1:talk=600",
                   url=f"/voice/enter?n=stt&l=en&p=booked&r={job}")
    text = said(result)
    assert (f"Hello, this is the Telephone Translation Service calling for the interpretation "
            f"you booked, job {' '.join(job)}.") in text
    assert "account number" not in text
    assert "You asked for" not in text
    assert placed(result) == [phone_of("stt_002")]  # the certified one is off at 18:00
    with store_of(tmp_path) as store:
        session = store.session(job)
        assert session is not None
        assert (session.status, session.outcome) == (SessionStatus.ENDED, "completed")
        assert session.conference == f"stt-{result.call_sid}"
        assert session.interpreter_id == "stt_002"
        assert len(store.sessions()) == 1
