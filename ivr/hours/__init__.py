"""Business hours: weekly schedules, holiday calendars, is_open(at) and next_opening(at).

Rules of this package:
- pure and I/O-free: it never reads the clock, the environment or files, and never imports
  flask or twilio; the time to judge is always an argument;
- hours are local wall-clock times of the service's zone (``Europe/Lisbon`` by default),
  never stored UTC hours;
- every value is a frozen dataclass; bad input raises ValueError with a readable message.
"""

from __future__ import annotations

from ivr.hours.calendar import HolidayCalendar
from ivr.hours.schedule import (
    DAY_NAMES,
    TimeRange,
    Weekday,
    WeeklySchedule,
    parse_days,
    parse_ranges,
)
from ivr.hours.service import Closure, Interval, ServiceHours, SpecialOpening, first_instant

__all__ = [
    "DAY_NAMES",
    "Closure",
    "HolidayCalendar",
    "Interval",
    "ServiceHours",
    "SpecialOpening",
    "TimeRange",
    "Weekday",
    "WeeklySchedule",
    "first_instant",
    "parse_days",
    "parse_ranges",
]
