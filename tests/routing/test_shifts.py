"""Who is on shift: Lisbon wall time, half-open ranges, national holidays off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from support import lisbon

from ivr.hours import HolidayCalendar, WeeklySchedule
from ivr.routing.shifts import available_ids, on_shift

MORNING = WeeklySchedule.parse({"mon-fri": ["09:00-14:00"]})
SPLIT = WeeklySchedule.parse({"mon,wed": ["09:00-12:00", "13:00-19:00"]})


@dataclass(frozen=True)
class Person:
    """Someone on the roster."""

    id: str
    shifts: WeeklySchedule


@pytest.mark.parametrize(("when", "expected"), [
    ("2026-12-07T08:59", False),  # Monday, a minute early
    ("2026-12-07T09:00", True),
    ("2026-12-07T13:59", True),
    ("2026-12-07T14:00", False),  # the end is not part of the shift
    ("2026-12-08T10:00", False),  # Tuesday 8 December: Immaculate Conception
    ("2026-12-12T10:00", False),  # Saturday
    ("2026-06-10T10:00", False),  # Portugal Day, a Wednesday
    ("2026-06-04T10:00", False),  # Corpus Christi, a Thursday
    ("2026-07-06T09:00", True),  # summer time: still 09:00 on the wall
])
def test_on_shift_at_the_edges(when: str, expected: bool) -> None:
    assert on_shift(MORNING, lisbon(when)) is expected


def test_summer_wall_time_is_compared_not_utc() -> None:
    assert on_shift(MORNING, datetime(2026, 7, 6, 8, 0, tzinfo=UTC))  # 09:00 in Lisbon
    assert not on_shift(MORNING, datetime(2026, 12, 7, 8, 0, tzinfo=UTC))  # 08:00 in Lisbon


def test_split_shifts_have_a_gap() -> None:
    assert on_shift(SPLIT, lisbon("2026-12-09T11:59"))
    assert not on_shift(SPLIT, lisbon("2026-12-09T12:30"))
    assert on_shift(SPLIT, lisbon("2026-12-09T18:59"))
    assert not on_shift(SPLIT, lisbon("2026-12-10T10:00"))  # Thursday


def test_holidays_can_be_ignored_or_widened() -> None:
    assert on_shift(MORNING, lisbon("2026-12-08T10:00"), None)
    saint_anthony = lisbon("2028-06-13T10:00")  # Lisbon's own holiday, a Tuesday
    assert on_shift(MORNING, saint_anthony)
    assert not on_shift(MORNING, saint_anthony, HolidayCalendar("PT", "11", "pt_PT"))


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        on_shift(MORNING, datetime(2026, 12, 7, 10, 0))


def test_available_ids_keep_roster_order() -> None:
    people = [Person("b", SPLIT), Person("a", MORNING), Person("c", SPLIT)]
    assert available_ids(people, lisbon("2026-12-09T10:00")) == ["b", "a", "c"]
    assert available_ids(people, lisbon("2026-12-09T14:30")) == ["b", "c"]
    assert available_ids(people, lisbon("2026-12-08T10:00")) == []
