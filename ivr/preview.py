"""``ivr preview``: what each service's hours say at a moment and over the coming days.

Rules of this module:
- the hours core decides everything (``is_open``, ``current_interval``, ``next_opening``,
  ``next_closing``, ``ranges_on``, ``closed_reason``); this module gathers and words its answers;
- the moment is an argument of the core: the command reads ``--at`` (Lisbon wall time without
  an offset) or the machine's clock once, and passes it on;
- holiday names are English, from the service's own calendar (country and district), so a
  Lisbon-only holiday shows for the Lisbon centre and not for Porto's;
- the window is the local day of the moment and the days after it, ``days`` in all;
- times are wall-clock times of the service's zone; JSON instants are ISO 8601 with offset.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from itertools import groupby
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click

from ivr.errors import SimulatorError
from ivr.hours import Interval, ServiceHours, TimeRange
from ivr.menu import Menu, load_menu
from ivr.preview_text import WEEKDAYS, render_text
from ivr.simulator.clock import parse_at, real_now

HOLIDAY_LANGUAGE = "en_US"

JSON_HELP = """\b
With --json, one object:
  at        the moment judged, ISO 8601 with its Lisbon offset
  window    {from, to}: the first and last local date of the days listed
  services  one object per service, in hours.yaml order:
    service    its name in hours.yaml
    open       true or false at that moment
    interval   {start, end} of the opening under way, or null when closed
    opens_at   the next opening after the moment, or null (none within 400 days)
    closes_at  the end of the current opening, or of the next one when closed
    entries    directory entries whose hours are this service
    nodes      flow nodes that name this service
    days       one object per day of the window:
      date, weekday     2026-12-08, Tuesday
      hours             the day's ranges, ["09:00-12:30", "14:00-17:30"]; [] when closed
      closed_reason     the holiday or closure that shuts a usual working day, or null
      closed_by         "holiday", "closure" or null
      holiday           the public holiday of the day, even on a day closed anyway, or null
      special_opening   the reason of special hours that replace the usual ones, or null"""


@dataclasses.dataclass(frozen=True)
class DayHours:
    """One local day of a service: its hours and what changed them."""

    day: date
    ranges: tuple[TimeRange, ...]
    closed_reason: str | None
    closed_by: str | None
    holiday: str | None
    special_opening: str | None


@dataclasses.dataclass(frozen=True)
class ServicePreview:
    """A service seen at one moment: open or not, its next changes, and the coming days."""

    service: str
    hours: ServiceHours
    is_open: bool
    interval: Interval | None
    opens_at: datetime | None
    closes_at: datetime | None
    entries: tuple[str, ...]
    nodes: tuple[str, ...]
    days: tuple[DayHours, ...]
    delays: tuple[tuple[date, date, str], ...]


class BadArgument(click.ClickException):
    """An option the command cannot use; click prints ``Error: <sentence>``."""

    exit_code = 2


def preview_service(menu: Menu, service: str, at: datetime, days: int) -> ServicePreview:
    """Judge one service of the menu at ``at`` and list ``days`` days from that day on."""
    hours = _english(menu.hours[service])
    first = at.astimezone(ZoneInfo(hours.tz)).date()
    opens_at = hours.next_opening(at)
    return ServicePreview(
        service=service, hours=hours, is_open=hours.is_open(at),
        interval=hours.current_interval(at), opens_at=opens_at,
        closes_at=hours.next_closing(at),
        entries=tuple(e for e, entry in menu.directory.entries.items() if entry.hours == service),
        nodes=tuple(n for n, node in menu.flow.nodes.items()
                    if getattr(node, "service", None) == service),
        days=tuple(day_hours(hours, first + timedelta(i)) for i in range(days)),
        delays=tuple(_delays(hours, first, opens_at)))


def day_hours(hours: ServiceHours, day: date) -> DayHours:
    """Describe one day of a service: its ranges, and the holiday, closure or opening behind."""
    reason = hours.closed_reason(day)
    closure = next((c for c in hours.closures if c.covers(day)), None)
    opening = next((o for o in hours.openings if o.day == day), None)
    closed_by = None if reason is None else "closure" if closure is not None else "holiday"
    return DayHours(day, hours.ranges_on(day), reason, closed_by,
                    hours.calendar.holiday(day) if hours.calendar else None,
                    opening.reason if opening else None)


def _delays(hours: ServiceHours, first: date, opens_at: datetime | None
            ) -> Iterator[tuple[date, date, str]]:
    """Yield the runs of usual working days shut by a holiday or closure before the opening."""
    if opens_at is None:
        return
    span = (opens_at.date() - first).days
    shut = [(day, reason) for day in (first + timedelta(i) for i in range(span))
            if (reason := hours.closed_reason(day)) is not None]
    for reason, run in groupby(shut, key=lambda item: item[1]):
        found = [day for day, _ in run]
        yield found[0], found[-1], reason


def _english(hours: ServiceHours) -> ServiceHours:
    """Return the same hours with holiday names in English."""
    if hours.calendar is None:
        return hours
    calendar = dataclasses.replace(hours.calendar, language=HOLIDAY_LANGUAGE)
    return dataclasses.replace(hours, calendar=calendar)


def to_json(at: datetime, previews: list[ServicePreview], days: int) -> dict[str, Any]:
    """Build the ``--json`` object (its shape is documented in ``JSON_HELP``)."""
    first = at.astimezone(ZoneInfo("Europe/Lisbon")).date()
    return {
        "at": at.astimezone(ZoneInfo("Europe/Lisbon")).isoformat(),
        "window": {"from": first.isoformat(),
                   "to": (first + timedelta(days - 1)).isoformat()},
        "services": [_service_json(p) for p in previews],
    }


def _service_json(p: ServicePreview) -> dict[str, Any]:
    """Turn one service's preview into plain JSON values."""
    return {
        "service": p.service, "open": p.is_open,
        "interval": None if p.interval is None else {
            "start": p.interval[0].isoformat(), "end": p.interval[1].isoformat()},
        "opens_at": _iso(p.opens_at), "closes_at": _iso(p.closes_at),
        "entries": list(p.entries), "nodes": list(p.nodes),
        "days": [{
            "date": d.day.isoformat(), "weekday": WEEKDAYS[d.day.weekday()],
            "hours": [str(r) for r in d.ranges], "closed_reason": d.closed_reason,
            "closed_by": d.closed_by, "holiday": d.holiday,
            "special_opening": d.special_opening} for d in p.days],
    }


def _iso(moment: datetime | None) -> str | None:
    """Format an instant as ISO 8601, keeping None."""
    return None if moment is None else moment.isoformat()


@click.command("preview", epilog=JSON_HELP)
@click.option("--at", "at_text", metavar="DATETIME",
              help="The moment to judge, ISO 8601; Lisbon wall time without an offset "
              "[default: now].")
@click.option("--service", metavar="NAME", help="Only this service of hours.yaml.")
@click.option("--days", type=click.IntRange(1, 366), default=14, show_default=True,
              help="How many days to list, starting with the day of --at.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object for scripts.")
@click.option("--menus", type=click.Path(path_type=Path), default=Path("menus"),
              show_default=True, help="Folder of the admin YAML files.")
def preview(at_text: str | None, service: str | None, days: int, as_json: bool,
            menus: Path) -> None:
    """Show whether each service is open at a moment, its next changes and coming days.

    Times are Lisbon wall time; holidays come from each service's calendar (districts
    included) and are named in English.
    """
    at = _moment(at_text)
    if not menus.is_dir():
        raise click.BadParameter(f"{menus} is not a folder of menu files",
                                 param_hint="'--menus'")
    menu = load_menu(menus)
    if service is not None and service not in menu.hours:
        known = ", ".join(menu.hours)
        raise BadArgument(f"unknown service {service!r} (known: {known})")
    names = [service] if service else list(menu.hours)
    previews = [preview_service(menu, name, at, days) for name in names]
    if as_json:
        click.echo(json.dumps(to_json(at, previews, days), ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(at, previews, days), nl=False)


def _moment(text: str | None) -> datetime:
    """Read ``--at``, or the machine's clock when it is not given."""
    if text is None:
        return real_now()
    try:
        return parse_at(text)
    except SimulatorError as exc:
        raise BadArgument(str(exc)) from None
