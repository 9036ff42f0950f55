"""Public holiday calendars, backed by the ``holidays`` package.

Rules of this module:
- pure: holiday tables are computed from the country, subdivision, language and year only,
  never from the environment; ``language=`` is always passed, because without it ``holidays``
  names follow the ``LANG`` variable, and an unsupported language silently gives English;
- country, subdivision and language are checked when a calendar is built, so a typo in an
  admin file fails at start-up, not on the first call of a holiday;
- each (country, subdivision, language, year) table is built once and shared, read-only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from types import MappingProxyType

import holidays


@dataclass(frozen=True)
class HolidayCalendar:
    """Public holidays of a country and, optionally, one of its subdivisions."""

    country: str = "PT"
    subdiv: str | None = None
    language: str = "pt_PT"

    def __post_init__(self) -> None:
        subdivisions = _subdivisions().get(self.country)
        if subdivisions is None:
            raise ValueError(f"unknown country {self.country!r} (use an ISO code such as 'PT')")
        if self.subdiv is not None:
            object.__setattr__(self, "subdiv", _subdivision_code(self.country, self.subdiv))
        languages = _languages().get(self.country, [])
        if self.language not in languages:
            known = ", ".join(languages) or "none"
            raise ValueError(
                f"unsupported language {self.language!r} for {self.country} (supported: {known})"
            )

    def holiday(self, day: date) -> str | None:
        """Return the holiday's name on that day, in the calendar's language, or None."""
        return self._year(day.year).get(day)

    def holidays_between(self, start: date, end: date) -> list[tuple[date, str]]:
        """List the holidays from start to end, both included, in date order."""
        years = range(start.year, end.year + 1)
        found = (item for year in years for item in sorted(self._year(year).items()))
        return [(day, name) for day, name in found if start <= day <= end]

    def _year(self, year: int) -> Mapping[date, str]:
        """Return the holiday table of one year."""
        return _year_table(self.country, self.subdiv, self.language, year)


def _subdivision_code(country: str, subdiv: str) -> str:
    """Return the subdivision's code (accepting a name such as 'Lisboa'), or raise ValueError."""
    codes = _subdivisions()[country]
    if subdiv in codes:
        return subdiv
    aliases = _aliases(country)
    if subdiv in aliases:
        return aliases[subdiv]
    known = ", ".join(codes) or "none"
    raise ValueError(f"unknown subdivision {subdiv!r} for {country} (known: {known})")


@lru_cache(maxsize=1)
def _subdivisions() -> dict[str, list[str]]:
    """Return every supported country code with its subdivision codes."""
    return holidays.list_supported_countries(include_aliases=False)


@lru_cache(maxsize=1)
def _languages() -> dict[str, list[str]]:
    """Return every localised country code with its languages."""
    return holidays.list_localized_countries(include_aliases=False)


@lru_cache(maxsize=32)
def _aliases(country: str) -> dict[str, str]:
    """Return the subdivision names of a country, mapped to their codes."""
    table = holidays.country_holidays(country, years=())
    return dict(table.subdivisions_aliases)


@lru_cache(maxsize=256)
def _year_table(country: str, subdiv: str | None, language: str, year: int) -> Mapping[date, str]:
    """Build the read-only holiday table of one year."""
    table = holidays.country_holidays(country, subdiv=subdiv, years=year, language=language)
    return MappingProxyType(dict(table))
