"""The words of ``ivr preview`` for people: one block per service, Lisbon wall time.

Rules of this module: English day and month names from fixed tables (never the process
locale); a date carries its year only when it differs from the year of the moment judged;
only days that differ from the usual week are listed under "coming days".
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from ivr.hours import DAY_NAMES, TimeRange
from ivr.hours.service import HORIZON_DAYS

if TYPE_CHECKING:
    from ivr.preview import DayHours, ServicePreview

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
LISBON = ZoneInfo("Europe/Lisbon")
WIDTH = 96
HORIZON = f"{HORIZON_DAYS} days"


def render_text(at: datetime, previews: list[ServicePreview], days: int) -> str:
    """Render every service's preview as readable text."""
    local = at.astimezone(LISBON)
    last = local.date() + timedelta(days=days - 1)
    lines = [f"At {long_date(local.date())} {local:%H:%M}, Lisbon time; coming days to "
             f"{long_date(last, local.date())}."]
    for preview in previews:
        lines += ["", *_service(local, preview)]
    return "\n".join(lines) + "\n"


def long_date(day: date, year_of: date | None = None) -> str:
    """Say a date as "Monday 7 December 2026", without the year when it is ``year_of``'s."""
    text = f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}"
    return text if year_of is not None and year_of.year == day.year else f"{text} {day.year}"


def _service(at: datetime, p: ServicePreview) -> Iterator[str]:
    """Yield the lines of one service."""
    yield f"{p.service}: {_headline(at, p)}"
    yield f"  hours         {_weekly(p)}"
    if p.is_open:
        yield f"  next opening  {_when(at, p.opens_at, 'none within ' + HORIZON)}{_why(at, p)}"
    else:
        yield f"  next closing  {_when(at, p.closes_at, 'none within ' + HORIZON)}"
    yield from _listed("entries", p.entries)
    yield from _listed("nodes", p.nodes)
    special = [d for d in p.days if d.closed_reason or d.special_opening]
    if not special:
        yield f"  coming days   the usual hours, to {long_date(p.days[-1].day, at.date())}"
    for i, day in enumerate(special):
        yield f"  {'coming days' if i == 0 else '':<12}  {_day(at, day)}"


def _listed(title: str, names: tuple[str, ...]) -> list[str]:
    """Wrap a list of names under its title, e.g. "  entries       lam, lam_operators"."""
    return textwrap.wrap(", ".join(names) or "none", width=WIDTH, break_on_hyphens=False,
                         initial_indent=f"  {title:<12}  ", subsequent_indent=" " * 16)


def _headline(at: datetime, p: ServicePreview) -> str:
    """Say whether the service is open and when that changes."""
    if p.is_open:
        start = None if p.interval is None else p.interval[0].astimezone(LISBON)
        since = "" if start is None else f" since {_since(at, start)}"
        closes = _when(at, p.closes_at, "", "closes ")
        return f"open{since} — {closes or 'no closing within ' + HORIZON}"
    opens = _when(at, p.opens_at, "", "opens ")
    return f"closed — {opens or 'no opening within ' + HORIZON}{_why(at, p)}"


def _since(at: datetime, start: datetime) -> str:
    """Say when the opening under way began: its time alone when that was today."""
    return f"{start:%H:%M}" if start.date() == at.date() else _when(at, start, "")


def _why(at: datetime, p: ServicePreview) -> str:
    """Name the holidays and closures that keep a usual working day shut before the opening."""
    if not p.delays:
        return ""
    parts = [f"{reason} on {long_date(first, at.date())}" if first == last else
             f"{reason} from {long_date(first, at.date())} to {long_date(last, at.date())}"
             for first, last, reason in p.delays]
    return f" ({'; '.join(parts)})"


def _when(at: datetime, moment: datetime | None, never: str, verb: str = "") -> str:
    """Say an instant as its Lisbon day and time, e.g. "Monday 7 December 09:00"."""
    if moment is None:
        return never
    local = moment.astimezone(LISBON)
    return f"{verb}{long_date(local.date(), at.date())} {local:%H:%M}"


def _day(at: datetime, day: DayHours) -> str:
    """Say how one unusual day differs: closed and why, or special hours and why."""
    when = long_date(day.day, at.date())
    if day.special_opening:
        return f"{when}: open {_ranges(day.ranges)}, special opening: {day.special_opening}"
    return f"{when}: closed, {day.closed_by}: {day.closed_reason}"


def _weekly(p: ServicePreview) -> str:
    """Summarise the usual week, e.g. "Mon-Fri 09:00-12:30, 14:00-17:30"."""
    groups = p.hours.weekly.summary()
    if not groups:
        return "never open in a usual week"
    parts = []
    for first, last, ranges in groups:
        days = _short(first) if first == last else f"{_short(first)}–{_short(last)}"
        parts.append(f"{days} {_ranges(ranges)}")
    return "; ".join(parts)


def _short(weekday: int) -> str:
    """Return a weekday's short name, "Mon"."""
    return DAY_NAMES[weekday].capitalize()


def _ranges(ranges: tuple[TimeRange, ...]) -> str:
    """Join ranges as "09:00–12:30, 14:00–17:30"."""
    return ", ".join(str(r).replace("-", "–") for r in ranges)
