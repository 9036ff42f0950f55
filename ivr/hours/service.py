"""Service hours: when a service is open, judged by its own local wall clock.

Rules of this module:
- pure: ``at`` is always an argument; nothing reads the clock, the environment or files;
- naive datetimes are refused with ValueError; results are aware datetimes in the service's zone;
- a day's hours come from the first that applies: a special opening, a closure, a holiday,
  the weekly schedule;
- hours are wall-clock times of ``tz``: 09:00 means 09:00 in Lisbon in winter and in summer;
- a wall time maps to the first instant at which the local clock shows it or later: fold=0
  when it is ambiguous (autumn), the end of the jump when it does not exist (spring, where
  zoneinfo alone would shift 01:30 to 02:30); 24:00 is the next local midnight;
- instants are compared in UTC, because Python compares two datetimes of one zone by their
  wall time, ignoring fold and DST, and never finds a datetime in a repeated hour equal (==)
  to one in another zone (PEP 495); callers should compare results the same way;
- intervals that touch (Saturday 22:00-24:00 and Sunday 00:00-02:00) are one interval;
- searches look ``horizon_days`` local days ahead (and back, to find where an interval began);
  an interval that runs past the horizon is cut there, and ``next_closing`` then says None.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeAlias
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ivr.hours.calendar import HolidayCalendar
from ivr.hours.schedule import MINUTES_PER_DAY, TimeRange, WeeklySchedule, check_ranges

Interval: TypeAlias = tuple[datetime, datetime]

ONE_DAY = timedelta(days=1)
HORIZON_DAYS = 400


@dataclass(frozen=True)
class Closure:
    """Whole days, start to end inclusive, on which the service is closed."""

    start: date
    end: date
    reason: str

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"closure {self.reason!r} ends on {self.end}, before {self.start}")
        if not self.reason.strip():
            raise ValueError(f"closure from {self.start} to {self.end} needs a reason")

    def covers(self, day: date) -> bool:
        """Tell whether the closure includes that day."""
        return self.start <= day <= self.end


@dataclass(frozen=True)
class SpecialOpening:
    """Hours that replace a day's usual ones, even on a holiday or a weekend."""

    day: date
    ranges: tuple[TimeRange, ...]
    reason: str

    def __post_init__(self) -> None:
        if not self.ranges:
            raise ValueError(f"special opening on {self.day} has no hours (use a Closure)")
        try:
            object.__setattr__(self, "ranges", check_ranges(self.ranges))
        except ValueError as error:
            raise ValueError(f"special opening on {self.day}: {error}") from None


@dataclass(frozen=True)
class ServiceHours:
    """A service's opening hours: weekly ranges, holidays, closures and special openings."""

    weekly: WeeklySchedule
    calendar: HolidayCalendar | None
    closures: tuple[Closure, ...] = ()
    openings: tuple[SpecialOpening, ...] = ()
    tz: str = "Europe/Lisbon"
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_zone", _zone(self.tz))
        days = [opening.day for opening in self.openings]
        twice = sorted({day for day in days if days.count(day) > 1})
        if twice:
            raise ValueError(f"more than one special opening on {twice[0]}")

    def ranges_on(self, day: date) -> tuple[TimeRange, ...]:
        """Return the local opening ranges of a day, empty when closed."""
        opening = self._opening(day)
        if opening is not None:
            return opening.ranges
        if self._closure(day) is not None or self._holiday(day) is not None:
            return ()
        return self.weekly.ranges_for(day.weekday())

    def closed_reason(self, day: date) -> str | None:
        """Name the closure or holiday that shuts a day the weekly schedule would open."""
        if not self.weekly.ranges_for(day.weekday()) or self._opening(day) is not None:
            return None
        closure = self._closure(day)
        return closure.reason if closure is not None else self._holiday(day)

    def is_open(self, at: datetime) -> bool:
        """Tell whether the service is open at that instant."""
        moment = _utc(at)
        day = self._local_day(moment)
        # The next day too: a clock that falls back across midnight (St John's, 2010) shows
        # the previous date again after the next day's hours have begun.
        days = (day, day + ONE_DAY)
        return any(start <= moment < end for d in days for start, end in self._day_spans(d))

    def intervals(self, start: datetime, end: datetime) -> Iterator[Interval]:
        """Return the open intervals within [start, end), clipped to it, in local time."""
        return self._clipped(_utc(start), _utc(end))

    def current_interval(self, at: datetime, horizon_days: int = HORIZON_DAYS) -> Interval | None:
        """Return the open interval that contains the instant, or None when closed."""
        moment = _utc(at)
        day = self._local_day(moment)
        first = self._run_start(day, horizon_days)
        for start, end in self._spans(first, day + timedelta(horizon_days), partial=True):
            if start > moment:
                break
            if moment < end:
                return self._local(start), self._local(end)
        return None

    def next_opening(self, at: datetime, horizon_days: int = HORIZON_DAYS) -> datetime | None:
        """Return the first opening strictly after the instant, or None within the horizon."""
        moment = _utc(at)
        day = self._local_day(moment)
        for start, _ in self._spans(day, day + timedelta(horizon_days), partial=True):
            if start > moment:
                return self._local(start)
        return None

    def next_closing(self, at: datetime, horizon_days: int = HORIZON_DAYS) -> datetime | None:
        """Return the end of the current interval, or of the next one when closed."""
        moment = _utc(at)
        day = self._local_day(moment)
        for _, end in self._spans(day, day + timedelta(horizon_days), partial=False):
            if end > moment:
                return self._local(end)
        return None

    def _opening(self, day: date) -> SpecialOpening | None:
        """Return the special opening of that day, if any."""
        return next((opening for opening in self.openings if opening.day == day), None)

    def _closure(self, day: date) -> Closure | None:
        """Return the first closure that covers that day, if any."""
        return next((closure for closure in self.closures if closure.covers(day)), None)

    def _holiday(self, day: date) -> str | None:
        """Return the holiday's name on that day, if there is a calendar and a holiday."""
        return None if self.calendar is None else self.calendar.holiday(day)

    def _day_spans(self, day: date) -> list[Interval]:
        """Return the day's open spans as UTC instants, dropping any lost in a DST jump."""
        spans = [
            (self._instant(day, r.start), self._instant(day, r.end)) for r in self.ranges_on(day)
        ]
        return [(start, end) for start, end in spans if start < end]

    def _spans(self, first: date, last: date, *, partial: bool) -> Iterator[Interval]:
        """Yield the UTC spans of days first..last with touching ones merged.

        The last span is dropped when it reaches the end of ``last`` (it may go on) unless
        ``partial`` is true.
        """
        run: Interval | None = None
        for day in _days(first, last):
            for start, end in self._day_spans(day):
                if run is not None and run[1] >= start:
                    run = (run[0], max(run[1], end))
                    continue
                if run is not None:
                    yield run
                run = (start, end)
        if run is not None and (partial or run[1] < self._instant(last + ONE_DAY, 0)):
            yield run

    def _run_start(self, day: date, limit: int) -> date:
        """Walk back from day while the previous day's last span runs into this day's first."""
        for _ in range(limit):
            before, spans = self._day_spans(day - ONE_DAY), self._day_spans(day)
            if not (before and spans and before[-1][1] >= spans[0][0]):
                break
            day -= ONE_DAY
        return day

    def _clipped(self, low: datetime, high: datetime) -> Iterator[Interval]:
        """Yield the local open intervals clipped to [low, high) (UTC bounds)."""
        first, last = self._local_day(low), self._local_day(high) + ONE_DAY
        for start, end in self._spans(first, last, partial=True):
            if start >= high:
                return
            start, end = max(start, low), min(end, high)
            if start < end:
                yield self._local(start), self._local(end)

    def _instant(self, day: date, minute: int) -> datetime:
        """Map a local wall time of a day (1440 = next midnight) to its UTC instant."""
        if minute == MINUTES_PER_DAY:
            day, minute = day + ONE_DAY, 0
        return first_instant(datetime.combine(day, time(minute // 60, minute % 60)), self._zone)

    def _local_day(self, moment: datetime) -> date:
        """Return the local date of an instant."""
        return moment.astimezone(self._zone).date()

    def _local(self, moment: datetime) -> datetime:
        """Express an instant in the service's zone."""
        return moment.astimezone(self._zone)


def first_instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """Return the first UTC instant at which the zone's clock shows wall (naive) or later."""
    moment = wall.replace(tzinfo=zone).astimezone(UTC)
    if _wall(moment, zone) == wall:
        return moment  # it exists; fold=0 picked the earlier of two when it is ambiguous
    # A spring gap: fold=0 used the old offset and landed past the jump; find the jump.
    low = int(wall.replace(tzinfo=zone, fold=1).timestamp())
    high = int(moment.timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if _wall(datetime.fromtimestamp(middle, UTC), zone) >= wall:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


def _wall(moment: datetime, zone: ZoneInfo) -> datetime:
    """Return the naive local wall time of an instant."""
    return moment.astimezone(zone).replace(tzinfo=None)


def _utc(at: datetime) -> datetime:
    """Return an aware datetime in UTC, or raise ValueError for a naive one."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"need an aware datetime, got naive {at.isoformat()}")
    return at.astimezone(UTC)


def _zone(key: str) -> ZoneInfo:
    """Return the time zone of that key, or raise ValueError."""
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {key!r} (use an IANA name such as 'Europe/Lisbon')"
        ) from None


def _days(first: date, last: date) -> Iterator[date]:
    """Yield the dates from first to last, both included."""
    for offset in range((last - first).days + 1):
        yield first + timedelta(offset)
