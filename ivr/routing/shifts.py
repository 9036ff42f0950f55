"""Who is on shift at an instant.

Rules of this module:
- shifts are weekly ranges in Lisbon wall-clock time, judged like a service's hours
  (``ivr.hours.ServiceHours``): 09:00 is 09:00 in winter and in summer, and a range is
  half-open, so someone whose shift starts at 09:00 is on shift at 09:00 and not at 08:59;
- Portuguese national holidays are days off unless another calendar (or None: no
  holidays) is given;
- ``at`` must be an aware datetime (a naive one is a ValueError); nothing reads the clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache
from typing import Protocol

from ivr.hours import HolidayCalendar, ServiceHours, WeeklySchedule

ZONE = "Europe/Lisbon"


class Rostered(Protocol):
    """Anybody with an id and weekly shifts: an interpreter or an operator."""

    @property
    def id(self) -> str: ...

    @property
    def shifts(self) -> WeeklySchedule: ...


NATIONAL = HolidayCalendar("PT", None, "pt_PT")  # nobody is on shift on these by default


@lru_cache(maxsize=1024)
def _hours(schedule: WeeklySchedule, calendar: HolidayCalendar | None) -> ServiceHours:
    """Return the schedule as service hours in Lisbon, built once per schedule."""
    return ServiceHours(schedule, calendar, tz=ZONE)


def on_shift(schedule: WeeklySchedule, at: datetime,
             calendar: HolidayCalendar | None = NATIONAL) -> bool:
    """Tell whether a weekly schedule is working at an aware instant (None: no holidays)."""
    return _hours(schedule, calendar).is_open(at)


def available_ids(people: Iterable[Rostered], at: datetime,
                  calendar: HolidayCalendar | None = NATIONAL) -> list[str]:
    """Return the ids of the people on shift at an aware instant, in roster order."""
    return [person.id for person in people if on_shift(person.shifts, at, calendar)]
