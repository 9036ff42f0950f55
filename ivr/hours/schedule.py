"""Time ranges and weekly schedules, in local wall-clock minutes.

Rules of this module:
- pure: no clock, no environment, no files, no time zones; a time is minutes since local midnight;
- a range is half-open, ``start <= minute < end``, with ``0 <= start < end <= 1440``; ``24:00``
  (1440) may only end a range, so a range never crosses midnight (split it at 24:00 instead);
- ranges on one day are kept sorted and may touch but never overlap;
- every malformed input raises ``ValueError`` with a message that quotes the input.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeAlias

Weekday: TypeAlias = int
"""Day of the week, Monday=0 … Sunday=6 (as ``date.weekday()``)."""

DAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 1440

_RANGE = re.compile(r"(\d{1,2}):(\d\d)\s*[-–]\s*(\d{1,2}):(\d\d)")


@dataclass(frozen=True, order=True)
class TimeRange:
    """A half-open range of minutes since local midnight, e.g. 09:00-12:30."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end <= MINUTES_PER_DAY:
            raise ValueError(
                f"bad time range {self.start}-{self.end}: "
                f"need 0 <= start < end <= {MINUTES_PER_DAY} minutes"
            )

    @classmethod
    def parse(cls, text: str) -> TimeRange:
        """Parse ``HH:MM-HH:MM`` (or ``H:MM``), allowing ``24:00`` as the end only."""
        match = _RANGE.fullmatch(text.strip())
        if match is None:
            raise ValueError(f"bad time range {text!r}: expected HH:MM-HH:MM, e.g. 09:00-12:30")
        sh, sm, eh, em = (int(g) for g in match.groups())
        start = _minutes(sh, sm, text, is_end=False)
        end = _minutes(eh, em, text, is_end=True)
        if end == start:
            raise ValueError(f"bad time range {text!r}: it is empty")
        if end < start:
            raise ValueError(
                f"bad time range {text!r}: it ends before it starts "
                "(a range cannot cross midnight; split it at 24:00)"
            )
        return cls(start, end)

    def overlaps(self, other: TimeRange) -> bool:
        """Tell whether the two ranges share a minute (touching is not overlapping)."""
        return self.start < other.end and other.start < self.end

    def __str__(self) -> str:
        return f"{_clock(self.start)}-{_clock(self.end)}"


def _minutes(hour: int, minute: int, text: str, *, is_end: bool) -> int:
    """Turn hour and minute into minutes since midnight, or raise a ValueError naming text."""
    if minute > 59:
        raise ValueError(f"bad time in {text!r}: minute {minute:02d} is past 59")
    if hour == 24 and minute == 0:
        if is_end:
            return MINUTES_PER_DAY
        raise ValueError(f"bad time range {text!r}: 24:00 can only end a range")
    if hour > 23:
        raise ValueError(f"bad time in {text!r}: hour {hour} is past 23 (24:00 only as an end)")
    return hour * 60 + minute


def _clock(minutes: int) -> str:
    """Format minutes since midnight as HH:MM."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_ranges(value: str | Sequence[str]) -> tuple[TimeRange, ...]:
    """Parse a list of ranges (or one comma-separated string) into sorted, disjoint ranges."""
    items = value.split(",") if isinstance(value, str) else value
    return check_ranges(tuple(TimeRange.parse(item) for item in items if item.strip()))


def check_ranges(ranges: Sequence[TimeRange]) -> tuple[TimeRange, ...]:
    """Return the ranges sorted, or raise ValueError if two of them overlap."""
    ordered = tuple(sorted(ranges))
    for before, after in zip(ordered, ordered[1:], strict=False):
        if before.overlaps(after):
            raise ValueError(f"overlapping time ranges {before} and {after}")
    return ordered


def parse_days(key: str) -> tuple[Weekday, ...]:
    """Parse ``mon``, ``mon-fri`` or ``mon,wed,fri-sun`` into weekday numbers."""
    days: list[Weekday] = []
    for item in key.lower().split(","):
        first, _, last = item.strip().partition("-")
        start, stop = _day(first, key), _day(last or first, key)
        if stop < start:
            raise ValueError(f"day range {item.strip()!r} in {key!r} runs backwards")
        days.extend(range(start, stop + 1))
    return tuple(days)


def _day(name: str, key: str) -> Weekday:
    """Return the weekday number of a three-letter name, or raise a ValueError naming key."""
    try:
        return DAY_NAMES.index(name.strip())
    except ValueError:
        known = " ".join(DAY_NAMES)
        raise ValueError(f"unknown day {name.strip()!r} in {key!r} (known: {known})") from None


@dataclass(frozen=True)
class WeeklySchedule:
    """Opening ranges for each weekday; a missing day is closed."""

    days: Mapping[Weekday, tuple[TimeRange, ...]]

    def __post_init__(self) -> None:
        checked: dict[Weekday, tuple[TimeRange, ...]] = {}
        for day, ranges in sorted(self.days.items()):
            if day not in range(7):
                raise ValueError(f"bad weekday {day!r}: need 0 (Monday) to 6 (Sunday)")
            try:
                checked[day] = check_ranges(ranges)
            except ValueError as error:
                raise ValueError(f"{DAY_NAMES[day]}: {error}") from None
            if not checked[day]:
                del checked[day]  # a closed day equals a missing one
        object.__setattr__(self, "days", MappingProxyType(checked))

    def __hash__(self) -> int:
        return hash(tuple(self.days.items()))

    @classmethod
    def parse(cls, table: Mapping[str, str | Sequence[str]]) -> WeeklySchedule:
        """Build a schedule from ``{"mon-fri": ["09:00-12:30", "14:00-17:30"], ...}``."""
        days: dict[Weekday, tuple[TimeRange, ...]] = {}
        for key, value in table.items():
            ranges = parse_ranges(value)
            for day in parse_days(key):
                if day in days:
                    raise ValueError(f"{DAY_NAMES[day]} is given twice (again in {key!r})")
                days[day] = ranges
        return cls(days)

    def ranges_for(self, day: Weekday) -> tuple[TimeRange, ...]:
        """Return the ranges of a weekday, empty when closed."""
        return self.days.get(day, ())

    def summary(self) -> tuple[tuple[Weekday, Weekday, tuple[TimeRange, ...]], ...]:
        """Group consecutive open days with identical ranges as (first, last, ranges)."""
        groups: list[tuple[Weekday, Weekday, tuple[TimeRange, ...]]] = []
        for day in range(7):
            ranges = self.ranges_for(day)
            if not ranges:
                continue
            if groups and groups[-1][1] == day - 1 and groups[-1][2] == ranges:
                groups[-1] = (groups[-1][0], day, ranges)
            else:
                groups.append((day, day, ranges))
        return tuple(groups)
