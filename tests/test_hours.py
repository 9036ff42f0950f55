"""Tests of ivr.hours: time ranges, weekly schedules, holiday calendars and ServiceHours.

Times written as strings are Europe/Lisbon wall-clock time unless they end in "Z" (UTC).
Holidays come from the real ``holidays`` package.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time
from hypothesis import given, settings
from hypothesis import strategies as st

from ivr.clock import SystemClock
from ivr.hours import (
    Closure,
    HolidayCalendar,
    ServiceHours,
    SpecialOpening,
    TimeRange,
    WeeklySchedule,
    first_instant,
    parse_days,
    parse_ranges,
)

LISBON = ZoneInfo("Europe/Lisbon")
SECOND = timedelta(seconds=1)

LAM = ServiceHours(WeeklySchedule.parse({"mon-fri": ["09:00-19:00"]}), HolidayCalendar())
# Fundão is not a district capital, so its calendar is the national one; its municipal holiday
# is an explicit closure (the date below is sample data).
FUNDAO = ServiceHours(
    WeeklySchedule.parse({"mon-fri": ["09:00-12:30", "14:00-17:30"]}),
    HolidayCalendar(),
    closures=(Closure(date(2026, 7, 22), date(2026, 7, 22), "Feriado municipal (sample)"),),
    openings=(SpecialOpening(date(2026, 3, 14), parse_ranges("10:00-13:00"), "Open day"),),
)
CNAIM_LISBON = ServiceHours(LAM.weekly, HolidayCalendar(subdiv="11"))
CNAIM_PORTO = ServiceHours(LAM.weekly, HolidayCalendar(subdiv="13"))
CNAIM_BEJA = ServiceHours(LAM.weekly, HolidayCalendar(subdiv="02"))
OFFICES = {"lisbon": CNAIM_LISBON, "porto": CNAIM_PORTO, "beja": CNAIM_BEJA}
# Night shifts that cross midnight and sit on the DST changes of Sunday 01:00 UTC.
NIGHT = ServiceHours(
    WeeklySchedule.parse(
        {"sat": "22:00-24:00", "sun": ["00:00-01:30", "01:45-02:30"], "mon-fri": "00:30-01:10"}
    ),
    None,
)


def at(text: str) -> datetime:
    """Read a Lisbon wall time, or a UTC instant when the text ends in Z."""
    if text.endswith("Z"):
        return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)
    return datetime.fromisoformat(text).replace(tzinfo=LISBON)


def assert_open(hours: ServiceHours, when: str, expected: bool) -> None:
    """Assert that the service is open (or closed) at that time."""
    state = "open" if expected else "closed"
    assert hours.is_open(at(when)) is expected, f"expected {state} at {when}"


# --- LAM: Mon-Fri 09:00-19:00, national holidays ---------------------------------------------

WEEK = ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06"]


@pytest.mark.parametrize("day", WEEK)
@pytest.mark.parametrize(
    ("clock", "expected"),
    [("08:59:59", False), ("09:00", True), ("18:59:59", True), ("19:00", False)],
)
def test_lam_weekday_edges(day: str, clock: str, expected: bool) -> None:
    assert_open(LAM, f"{day}T{clock}", expected)


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("2026-03-07T12:00", False),  # Saturday
        ("2026-03-08T12:00", False),  # Sunday
        ("2026-12-25T10:00", False),  # Christmas, a Friday
        ("2026-04-03T10:00", False),  # Good Friday
        ("2026-06-04T10:00", False),  # Corpus Christi
        ("2026-06-10T10:00", False),  # Portugal Day
        ("2026-12-08T10:00", False),  # Immaculate Conception
        ("2026-12-01T10:00", False),  # Restoration of Independence
        ("2026-12-09T10:00", True),
        ("2026-04-02T10:00", True),
        ("2026-12-24T10:00", True),  # Christmas Eve is not a public holiday
    ],
)
def test_lam_weekends_and_holidays(when: str, expected: bool) -> None:
    assert_open(LAM, when, expected)


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("2026-03-02T09:00", True),
        ("2026-03-02T12:29:59", True),
        ("2026-03-02T12:30", False),
        ("2026-03-02T13:59", False),
        ("2026-03-02T14:00", True),
        ("2026-03-02T17:29:59", True),
        ("2026-03-02T17:30", False),
        ("2026-07-22T10:00", False),  # municipal holiday, an explicit closure
        ("2026-07-23T10:00", True),
        ("2026-03-14T09:59", False),  # a Saturday with a special opening
        ("2026-03-14T10:00", True),
        ("2026-03-14T13:00", False),
        ("2026-03-21T10:00", False),  # an ordinary Saturday
        ("2026-04-21T10:00", True),  # Castelo Branco's city holiday (subdiv 05) is not Fundão's
    ],
)
def test_claim_fundao(when: str, expected: bool) -> None:
    assert_open(FUNDAO, when, expected)


@pytest.mark.parametrize(
    ("office", "when", "expected"),
    [
        ("lisbon", "2029-06-13T10:00", False),  # Santo António, a Wednesday
        ("porto", "2029-06-13T10:00", True),
        ("lisbon", "2025-06-13T10:00", False),  # a Friday
        ("porto", "2026-06-24T10:00", False),  # São João, a Wednesday
        ("lisbon", "2026-06-24T10:00", True),
        ("beja", "2026-05-14T10:00", False),  # Ascension Thursday
        ("lisbon", "2026-05-14T10:00", True),
        ("beja", "2027-05-06T10:00", False),  # Ascension moves with Easter
        ("beja", "2026-12-08T10:00", False),  # district calendars keep national holidays
    ],
)
def test_district_holidays(office: str, when: str, expected: bool) -> None:
    assert_open(OFFICES[office], when, expected)


# --- DST: Europe/Lisbon changes on Sundays 29 Mar and 25 Oct 2026 at 01:00 UTC ----------------


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("2026-03-27T08:59", False),
        ("2026-03-27T09:00", True),
        ("2026-03-30T08:59", False),
        ("2026-03-30T09:00", True),
        ("2026-03-30T18:59", True),
        ("2026-03-30T19:00", False),
        ("2026-10-23T08:59", False),
        ("2026-10-23T09:00", True),
        ("2026-10-26T08:59", False),
        ("2026-10-26T09:00", True),
        ("2026-03-27T08:59:59Z", False),  # winter: Lisbon = UTC
        ("2026-03-27T09:00Z", True),
        ("2026-03-30T07:59:59Z", False),  # summer: 09:00 Lisbon = 08:00 UTC
        ("2026-03-30T08:00Z", True),
        ("2026-03-30T17:59:59Z", True),
        ("2026-03-30T18:00Z", False),
        ("2026-10-23T07:59:59Z", False),
        ("2026-10-23T08:00Z", True),
        ("2026-10-26T08:59:59Z", False),  # winter again
        ("2026-10-26T09:00Z", True),
    ],
)
def test_dst_changes(when: str, expected: bool) -> None:
    assert_open(LAM, when, expected)


def test_clock_falling_back_across_midnight() -> None:
    """On 7 Nov 2010 St John's went from Sunday 00:01 back to Saturday 23:01."""
    hours = ServiceHours(WeeklySchedule.parse({"sun": "00:00-02:00"}), None, tz="America/St_Johns")
    zone = ZoneInfo("America/St_Johns")
    first_pass = datetime(2010, 11, 6, 23, 30, tzinfo=zone)  # before Sunday began
    second_pass = datetime(2010, 11, 6, 23, 30, fold=1, tzinfo=zone)  # after it began
    assert not hours.is_open(first_pass)
    assert hours.is_open(second_pass)
    sunday = datetime(2010, 11, 7, 0, 0, tzinfo=zone)
    assert hours.next_opening(first_pass) == sunday
    assert hours.current_interval(second_pass) == (sunday, datetime(2010, 11, 7, 2, 0, tzinfo=zone))
    assert list(hours.intervals(first_pass, second_pass)) == [(sunday, second_pass)]


def test_other_zones_are_the_same_instant() -> None:
    new_york = datetime(2026, 3, 30, 4, 0, tzinfo=ZoneInfo("America/New_York"))  # 09:00 Lisbon
    assert LAM.is_open(new_york)
    assert not LAM.is_open(new_york - SECOND)


# --- next_opening, next_closing, current_interval ----------------------------------------------


@pytest.mark.parametrize(
    ("hours", "start", "expected"),
    [
        (LAM, "2026-03-06T19:00", "2026-03-09T09:00"),  # Friday evening
        (LAM, "2026-12-24T19:00", "2026-12-28T09:00"),  # Christmas, then the weekend
        (LAM, "2026-12-07T19:30", "2026-12-09T09:00"),  # 8 December
        (LAM, "2026-04-02T19:00", "2026-04-06T09:00"),  # Good Friday, then Easter weekend
        (LAM, "2026-03-27T19:00", "2026-03-30T08:00Z"),  # across spring DST
        (LAM, "2026-10-23T19:00", "2026-10-26T09:00Z"),  # across autumn DST
        (LAM, "2026-03-02T08:00", "2026-03-02T09:00"),
        (LAM, "2026-03-02T09:00", "2026-03-03T09:00"),  # open now: the next opening after this
        (LAM, "2026-03-02T10:00", "2026-03-03T09:00"),
        (FUNDAO, "2026-03-02T12:30", "2026-03-02T14:00"),
        (FUNDAO, "2026-03-13T17:30", "2026-03-14T10:00"),  # Saturday special opening
        (FUNDAO, "2026-07-21T17:30", "2026-07-23T09:00"),  # over the closure
        (NIGHT, "2026-03-28T12:00", "2026-03-28T22:00"),
        (NIGHT, "2026-03-28T23:00", "2026-03-30T00:30"),  # Sat 22:00-Sun 02:30 is one interval
    ],
)
def test_next_opening(hours: ServiceHours, start: str, expected: str) -> None:
    opening = hours.next_opening(at(start))
    assert opening == at(expected)
    assert opening is not None
    assert opening.tzinfo is LISBON


@pytest.mark.parametrize(
    ("hours", "start", "interval", "closing"),
    [
        (LAM, "2026-03-02T10:00", ("2026-03-02T09:00", "2026-03-02T19:00"), "2026-03-02T19:00"),
        (LAM, "2026-03-02T19:00", None, "2026-03-03T19:00"),
        (LAM, "2026-12-24T20:00", None, "2026-12-28T19:00"),
        (FUNDAO, "2026-03-02T13:00", None, "2026-03-02T17:30"),
        (FUNDAO, "2026-03-14T11:00", ("2026-03-14T10:00", "2026-03-14T13:00"), "2026-03-14T13:00"),
        (NIGHT, "2026-03-29T00:10", ("2026-03-28T22:00", "2026-03-29T02:30"), "2026-03-29T02:30"),
        (NIGHT, "2026-03-28T23:59", ("2026-03-28T22:00", "2026-03-29T02:30"), "2026-03-29T02:30"),
    ],
)
def test_current_interval_and_next_closing(
    hours: ServiceHours, start: str, interval: tuple[str, str] | None, closing: str
) -> None:
    expected = None if interval is None else (at(interval[0]), at(interval[1]))
    assert hours.current_interval(at(start)) == expected
    assert hours.next_closing(at(start)) == at(closing)


def test_nothing_within_the_horizon() -> None:
    friday = at("2026-03-06T20:00")
    assert LAM.next_opening(friday, horizon_days=2) is None
    assert LAM.next_opening(friday, horizon_days=3) == at("2026-03-09T09:00")
    never = ServiceHours(WeeklySchedule({}), None)
    assert never.next_opening(friday) is None
    assert never.next_closing(friday) is None
    assert never.current_interval(friday) is None


def test_round_the_clock_interval_is_cut_at_the_horizon() -> None:
    always = ServiceHours(WeeklySchedule.parse({"mon-sun": "00:00-24:00"}), None)
    monday = at("2026-03-02T12:00")
    assert always.is_open(monday)
    assert always.next_opening(monday) is None
    assert always.next_closing(monday, horizon_days=10) is None
    assert always.current_interval(monday, horizon_days=3) == (
        at("2026-02-27T00:00"),  # the horizon, three days either side of Monday
        at("2026-03-06T00:00"),
    )


# --- intervals -----------------------------------------------------------------------------------


def test_intervals_skip_holidays_and_weekends() -> None:
    days = LAM.intervals(at("2026-12-07T00:00"), at("2026-12-14T00:00"))
    assert [(start.isoformat(), end.isoformat()) for start, end in days] == [
        (f"2026-12-{day:02d}T09:00:00+00:00", f"2026-12-{day:02d}T19:00:00+00:00")
        for day in (7, 9, 10, 11)
    ]


def test_intervals_are_clipped() -> None:
    assert list(FUNDAO.intervals(at("2026-03-02T12:00"), at("2026-03-03T10:00"))) == [
        (at("2026-03-02T12:00"), at("2026-03-02T12:30")),
        (at("2026-03-02T14:00"), at("2026-03-02T17:30")),
        (at("2026-03-03T09:00"), at("2026-03-03T10:00")),
    ]
    assert list(LAM.intervals(at("2026-03-02T10:00"), at("2026-03-02T10:00"))) == []


@pytest.mark.parametrize(
    ("saturday", "night_end", "night_end_utc"),
    [
        ("2026-03-21", "2026-03-22T01:30", "2026-03-22T01:30Z"),
        # 01:00-02:00 does not exist: 01:30 and 01:45 both become 02:00, so the ranges touch
        ("2026-03-28", "2026-03-29T02:30", "2026-03-29T01:30Z"),
        ("2026-10-24", "2026-10-25T01:30", "2026-10-25T00:30Z"),  # the first of two 01:30s
        ("2026-10-31", "2026-11-01T01:30", "2026-11-01T01:30Z"),
    ],
)
def test_night_across_midnight_and_dst(saturday: str, night_end: str, night_end_utc: str) -> None:
    start = at(f"{saturday}T12:00")
    opening, closing = next(NIGHT.intervals(start, start + timedelta(days=1)))
    assert opening == at(f"{saturday}T22:00")
    # Compare in UTC: a datetime in a repeated hour is never == one in another zone (PEP 495).
    assert closing.astimezone(UTC) == at(night_end_utc)
    assert closing.replace(tzinfo=None) == datetime.fromisoformat(night_end)
    assert closing.astimezone(UTC) - opening.astimezone(UTC) == timedelta(hours=3.5)


@pytest.mark.parametrize(
    ("sunday", "hours"), [("2026-03-22", 24), ("2026-03-29", 23), ("2026-10-25", 25)]
)
def test_24_00_is_the_next_local_midnight(sunday: str, hours: int) -> None:
    sundays = ServiceHours(WeeklySchedule.parse({"sun": "00:00-24:00"}), None)
    start = at(f"{sunday}T00:00")
    ((opening, closing),) = sundays.intervals(start, start + timedelta(days=2))
    assert (opening, closing) == (start, at(f"{sunday}T00:00") + timedelta(days=1))
    assert (closing.astimezone(UTC) - opening.astimezone(UTC)) == timedelta(hours=hours)


@pytest.mark.parametrize(
    ("wall", "expected"),
    [
        ("2026-03-29T00:59", "2026-03-29T00:59Z"),
        ("2026-03-29T01:00", "2026-03-29T01:00Z"),  # in the gap: the first instant past it
        ("2026-03-29T01:30", "2026-03-29T01:00Z"),
        ("2026-03-29T02:00", "2026-03-29T01:00Z"),
        ("2026-03-29T02:01", "2026-03-29T01:01Z"),
        ("2026-10-25T01:30", "2026-10-25T00:30Z"),  # ambiguous: fold=0, the earlier instant
        ("2026-10-25T02:00", "2026-10-25T02:00Z"),
    ],
)
def test_first_instant(wall: str, expected: str) -> None:
    assert first_instant(datetime.fromisoformat(wall), LISBON) == at(expected)


# --- ranges_on and closed_reason -------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "day", "ranges", "reason"),
    [
        (LAM, "2026-03-02", "09:00-19:00", None),
        (LAM, "2026-03-07", "", None),  # Saturday: closed, but not for a reason
        (LAM, "2026-12-08", "", "Imaculada Conceição"),
        (LAM, "2026-08-15", "", None),  # a holiday on a Saturday
        (FUNDAO, "2026-03-02", "09:00-12:30,14:00-17:30", None),
        (FUNDAO, "2026-07-22", "", "Feriado municipal (sample)"),
        (FUNDAO, "2026-03-14", "10:00-13:00", None),
        (CNAIM_LISBON, "2029-06-13", "", "Dia de Santo António"),
    ],
)
def test_ranges_on_and_closed_reason(
    hours: ServiceHours, day: str, ranges: str, reason: str | None
) -> None:
    assert hours.ranges_on(date.fromisoformat(day)) == parse_ranges(ranges)
    assert hours.closed_reason(date.fromisoformat(day)) == reason


def test_precedence_opening_over_closure_over_holiday() -> None:
    christmas = date(2026, 12, 25)
    closure = Closure(date(2026, 12, 21), date(2026, 12, 31), "Winter break")
    closed = ServiceHours(LAM.weekly, HolidayCalendar(), closures=(closure,))
    assert closed.closed_reason(christmas) == "Winter break"
    assert closed.ranges_on(date(2026, 12, 31)) == ()
    opening = SpecialOpening(christmas, parse_ranges("10:00-12:00"), "Christmas line")
    reopened = ServiceHours(LAM.weekly, HolidayCalendar(), (closure,), (opening,))
    assert reopened.ranges_on(christmas) == parse_ranges("10:00-12:00")
    assert reopened.closed_reason(christmas) is None
    assert_open(reopened, "2026-12-25T11:00", True)
    assert_open(reopened, "2026-12-24T11:00", False)


# --- freezegun: the shell asks a clock, the core is given the answer -------------------------


@pytest.mark.parametrize(
    ("frozen", "is_open", "next_opening"),
    [
        ("2026-12-08T10:00:00Z", False, "2026-12-09T09:00"),
        ("2026-07-01T08:30:00Z", True, "2026-07-02T09:00"),  # 09:30 in Lisbon
        ("2026-07-01T07:30:00Z", False, "2026-07-01T09:00"),  # 08:30 in Lisbon
    ],
)
def test_with_a_frozen_clock(frozen: str, is_open: bool, next_opening: str) -> None:
    with freeze_time(frozen):
        now = SystemClock().now()
        assert LAM.is_open(now) is is_open
        assert LAM.next_opening(now) == at(next_opening)


# --- parsing and validation ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end", "shown"),
    [
        ("09:00-12:30", 540, 750, "09:00-12:30"),
        ("9:05-24:00", 545, 1440, "09:05-24:00"),
        (" 00:00 - 00:01 ", 0, 1, "00:00-00:01"),
        ("14:00–17:30", 840, 1050, "14:00-17:30"),  # an en dash, as in prose
    ],
)
def test_time_range_parse(text: str, start: int, end: int, shown: str) -> None:
    parsed = TimeRange.parse(text)
    assert parsed == TimeRange(start, end)
    assert str(parsed) == shown


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("19:00-09:00", "ends before it starts"),
        ("25:00", "expected HH:MM-HH:MM"),
        ("09:00-25:00", "hour 25 is past 23"),
        ("9-12", "expected HH:MM-HH:MM"),
        ("09:00-09:00", "empty"),
        ("24:00-24:00", "24:00 can only end a range"),
        ("09:60-10:00", "minute 60 is past 59"),
        ("09:00", "expected HH:MM-HH:MM"),
        ("", "expected HH:MM-HH:MM"),
    ],
)
def test_time_range_parse_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TimeRange.parse(text)


@pytest.mark.parametrize(("start", "end"), [(600, 540), (0, 0), (-1, 10), (0, 1441)])
def test_time_range_bounds(start: int, end: int) -> None:
    with pytest.raises(ValueError, match="bad time range"):
        TimeRange(start, end)


@pytest.mark.parametrize(
    ("key", "days"),
    [("mon", (0,)), ("mon-fri", (0, 1, 2, 3, 4)), ("mon,wed", (0, 2)), ("Sat-Sun", (5, 6))],
)
def test_parse_days(key: str, days: tuple[int, ...]) -> None:
    assert parse_days(key) == days


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"mon-fry": "09:00-17:00"}, "unknown day 'fry' in 'mon-fry'"),
        ({"funday": "09:00-17:00"}, "unknown day 'funday'"),
        ({"mon-fri": "09:00-17:00", "fri": "10:00-12:00"}, "fri is given twice"),
        ({"mon,mon": "09:00-17:00"}, "mon is given twice"),
        ({"fri-mon": "09:00-17:00"}, "runs backwards"),
        ({"mon": ["09:00-12:00", "11:00-13:00"]}, "overlapping time ranges 09:00-12:00 and 11"),
        ({"mon": ["9-12"]}, "expected HH:MM-HH:MM"),
    ],
)
def test_weekly_parse_errors(table: dict[str, str | list[str]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WeeklySchedule.parse(table)


def test_weekly_parse_sorts_and_accepts_touching_ranges() -> None:
    weekly = WeeklySchedule.parse({"mon,wed": ["14:00-17:30", "09:00-12:30"], "sun": []})
    assert weekly.ranges_for(0) == (TimeRange(540, 750), TimeRange(840, 1050))
    assert weekly.ranges_for(2) == weekly.ranges_for(0)
    assert weekly.ranges_for(1) == weekly.ranges_for(6) == ()
    assert WeeklySchedule.parse({"mon": "09:00-12:00, 12:00-13:00"}).ranges_for(0) == (
        TimeRange(540, 720),
        TimeRange(720, 780),
    )
    assert hash(weekly) == hash(WeeklySchedule.parse({"mon,wed": ["09:00-12:30", "14:00-17:30"]}))


def test_weekly_constructor_checks_days_and_ranges() -> None:
    with pytest.raises(ValueError, match="bad weekday 7"):
        WeeklySchedule({7: (TimeRange(0, 60),)})
    with pytest.raises(ValueError, match="tue: overlapping"):
        WeeklySchedule({1: (TimeRange(0, 60), TimeRange(30, 90))})


SPLIT = ("09:00-12:30", "14:00-17:30")


@pytest.mark.parametrize(
    ("table", "summary"),
    [
        ({"mon-fri": "09:00-19:00"}, [(0, 4, ("09:00-19:00",))]),
        ({"mon-fri": SPLIT, "sat": "10:00-13:00"}, [(0, 4, SPLIT), (5, 5, ("10:00-13:00",))]),
        (
            {"mon-wed,fri": SPLIT, "thu": "09:00-12:30"},
            [(0, 2, SPLIT), (3, 3, ("09:00-12:30",)), (4, 4, SPLIT)],
        ),
        ({"mon,wed": SPLIT}, [(0, 0, SPLIT), (2, 2, SPLIT)]),
        ({"sat-sun": "10:00-13:00"}, [(5, 6, ("10:00-13:00",))]),
        ({}, []),
    ],
)
def test_summary(
    table: dict[str, str | tuple[str, ...]], summary: list[tuple[int, int, tuple[str, ...]]]
) -> None:
    shown = [
        (first, last, tuple(map(str, ranges)))
        for first, last, ranges in WeeklySchedule.parse(table).summary()
    ]
    assert shown == summary


@pytest.mark.parametrize(
    ("country", "subdiv", "language", "message"),
    [
        ("PT", "99", "pt_PT", r"unknown subdivision '99' for PT \(known: 01, 02, 03, "),
        ("XX", None, "pt_PT", "unknown country 'XX'"),
        ("pt", None, "pt_PT", "unknown country 'pt'"),
        ("PT", None, "xx", r"unsupported language 'xx' for PT \(supported: en_US, pt_PT, uk\)"),
        ("PT", None, "en", "unsupported language 'en'"),
    ],
)
def test_calendar_errors(country: str, subdiv: str | None, language: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        HolidayCalendar(country, subdiv, language)


def test_calendar_names_and_ranges() -> None:
    assert HolidayCalendar().holiday(date(2026, 12, 8)) == "Imaculada Conceição"
    assert HolidayCalendar(language="en_US").holiday(date(2026, 12, 8)) == "Immaculate Conception"
    assert HolidayCalendar().holiday(date(2026, 12, 9)) is None
    assert HolidayCalendar(subdiv="Lisboa").subdiv == "11"
    assert HolidayCalendar().holidays_between(date(2026, 12, 2), date(2027, 1, 1)) == [
        (date(2026, 12, 8), "Imaculada Conceição"),
        (date(2026, 12, 25), "Dia de Natal"),
        (date(2027, 1, 1), "Ano Novo"),
    ]
    assert HolidayCalendar().holidays_between(date(2026, 12, 9), date(2026, 12, 24)) == []


def test_calendar_ignores_lang(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert HolidayCalendar().holiday(date(2031, 12, 25)) == "Dia de Natal"  # an uncached year


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2026, 3, 2, 10, 0)
    with pytest.raises(ValueError, match="aware"):
        LAM.is_open(naive)
    with pytest.raises(ValueError, match="aware"):
        LAM.next_opening(naive)
    with pytest.raises(ValueError, match="aware"):
        LAM.next_closing(naive)
    with pytest.raises(ValueError, match="aware"):
        LAM.current_interval(naive)
    with pytest.raises(ValueError, match="aware"):
        LAM.intervals(at("2026-03-02T00:00"), naive)


def test_service_hours_validation() -> None:
    with pytest.raises(ValueError, match="unknown time zone 'Europe/Lisboa'"):
        ServiceHours(LAM.weekly, None, tz="Europe/Lisboa")
    twice = SpecialOpening(date(2026, 3, 14), parse_ranges("10:00-11:00"), "a")
    with pytest.raises(ValueError, match="more than one special opening on 2026-03-14"):
        ServiceHours(LAM.weekly, None, openings=(twice, twice))
    with pytest.raises(ValueError, match="ends on 2026-01-01, before 2026-01-02"):
        Closure(date(2026, 1, 2), date(2026, 1, 1), "x")
    with pytest.raises(ValueError, match="needs a reason"):
        Closure(date(2026, 1, 1), date(2026, 1, 1), " ")
    with pytest.raises(ValueError, match="has no hours"):
        SpecialOpening(date(2026, 1, 1), (), "x")
    with pytest.raises(ValueError, match="2026-01-01: overlapping"):
        SpecialOpening(date(2026, 1, 1), (TimeRange(0, 60), TimeRange(30, 90)), "x")


# --- properties ----------------------------------------------------------------------------------

INSTANTS = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)
DST_CHANGES = [
    datetime(2026, 3, 29, 1),
    datetime(2026, 10, 25, 1),
    datetime(2027, 3, 28, 1),
    datetime(2027, 10, 31, 1),
]
NEAR_DST = st.builds(
    lambda change, minutes: change.replace(tzinfo=UTC) + timedelta(minutes=minutes),
    st.sampled_from(DST_CHANGES),
    st.integers(min_value=-36 * 60, max_value=36 * 60),
)


def check_consistency(hours: ServiceHours, moment: datetime) -> None:
    """Check next_opening, current_interval and next_closing against is_open around moment."""
    opening = hours.next_opening(moment)
    assert opening is not None
    assert opening > moment
    assert hours.is_open(opening)
    # Step back in UTC: a datetime minus one second in Lisbon is wall-clock arithmetic.
    assert not hours.is_open(opening.astimezone(UTC) - SECOND)
    interval = hours.current_interval(moment)
    closing = hours.next_closing(moment)
    if hours.is_open(moment):
        assert interval is not None
        start, end = (point.astimezone(UTC) for point in interval)
        assert start <= moment < end
        assert hours.is_open(start)
        assert hours.is_open(end - SECOND)
        assert not hours.is_open(start - SECOND)
        assert not hours.is_open(end)
        assert closing is not None
        assert closing.astimezone(UTC) == end
        assert opening > end
    else:
        assert interval is None
        following = hours.current_interval(opening)
        assert following is not None
        assert closing is not None
        assert closing.astimezone(UTC) == following[1].astimezone(UTC)


@settings(database=None, deadline=None, max_examples=150)
@given(moment=INSTANTS, hours=st.sampled_from([LAM, FUNDAO, CNAIM_BEJA, NIGHT]))
def test_property_openings_agree_with_is_open(moment: datetime, hours: ServiceHours) -> None:
    check_consistency(hours, moment)


@settings(database=None, deadline=None, max_examples=150)
@given(moment=NEAR_DST, hours=st.sampled_from([LAM, NIGHT]))
def test_property_near_dst_changes(moment: datetime, hours: ServiceHours) -> None:
    check_consistency(hours, moment)


@settings(database=None, deadline=None, max_examples=100)
@given(start=INSTANTS | NEAR_DST, days=st.integers(min_value=0, max_value=10))
def test_property_intervals_agree_with_is_open(start: datetime, days: int) -> None:
    end = start + timedelta(days=days, hours=7)
    # In UTC: 01:45 (summer) < 01:45 (winter) is False between two datetimes in Lisbon.
    found = [(a.astimezone(UTC), b.astimezone(UTC)) for a, b in NIGHT.intervals(start, end)]
    for opening, closing in found:
        assert start <= opening < closing <= end
        assert NIGHT.is_open(opening)
        assert NIGHT.is_open(closing - timedelta(microseconds=1))  # clipping may leave < 1 s
    for (_, closing), (opening, _) in zip(found, found[1:], strict=False):
        assert closing < opening
        assert not NIGHT.is_open(closing)
