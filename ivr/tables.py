"""Reports for people and for scripts: aligned text tables, or one JSON document.

A report is columns and rows; each row is a dict of plain values (text, numbers, lists,
aware datetimes, None). The table shows times in Lisbon wall-clock time, lists joined and
missing values as ``-``; JSON keeps every value, times as ISO 8601 in UTC.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import click

LISBON = ZoneInfo("Europe/Lisbon")
GAP = "  "
MISSING = "-"
Row = Mapping[str, Any]


def local_time(value: datetime) -> str:
    """Show an instant as Lisbon wall-clock time, to the minute."""
    return value.astimezone(LISBON).strftime("%Y-%m-%d %H:%M")


def duration(seconds: int | None) -> str:
    """Show a duration as minutes and seconds."""
    if seconds is None:
        return MISSING
    minutes, rest = divmod(seconds, 60)
    return f"{minutes}m {rest:02d}s" if minutes else f"{rest}s"


def shown(value: Any) -> str:
    """Show one value in a table cell."""
    if value is None or value == "" or value == []:
        return MISSING
    if isinstance(value, datetime):
        return local_time(value)
    if isinstance(value, list | tuple):
        return ", ".join(shown(item) for item in value)
    return str(value)


@dataclass(frozen=True)
class Column:
    """One column: its heading, and how a cell shows a row."""

    heading: str
    cell: Callable[[Row], str]
    width: int = 40  # longer cells are cut, ending in "…"


def column(key: str, heading: str, show: Callable[[Any], str] = shown,
           width: int = 40) -> Column:
    """Build the column that shows one value of each row."""
    return Column(heading, lambda row: show(row.get(key)), width)


@dataclass(frozen=True)
class Report:
    """Rows to show under columns; ``empty`` is said when there are none."""

    columns: Sequence[Column]
    rows: Sequence[Row]
    empty: str
    notes: Sequence[str] = field(default=())

    def table(self) -> str:
        """Render the rows as an aligned text table (or the ``empty`` sentence)."""
        if not self.rows:
            return self.empty
        cells = [[_cut(each.cell(row), each.width) for each in self.columns]
                 for row in self.rows]
        headings = [each.heading for each in self.columns]
        widths = [max(len(text) for text in (heading, *(line[i] for line in cells)))
                  for i, heading in enumerate(headings)]
        lines = [headings, *cells]
        text = [GAP.join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
                .rstrip() for line in lines]
        return "\n".join([*text, *self.notes])

    def json(self) -> str:
        """Render the rows as one JSON array."""
        return json.dumps([dict(row) for row in self.rows], ensure_ascii=False, indent=2,
                          default=_json_value)

    def echo(self, as_json: bool) -> None:
        """Print the report the way it was asked for."""
        click.echo(self.json() if as_json else self.table())


def _cut(text: str, width: int) -> str:
    """Shorten a cell to ``width`` characters."""
    return text if len(text) <= width else text[:width - 1] + "…"


def _json_value(value: Any) -> Any:
    """Write the values json does not know: times in UTC, enums and the rest as text."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return str(value)
