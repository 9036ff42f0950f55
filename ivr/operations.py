"""Operations: what the helpline's people ask of its database, as tables or JSON.

    ivr calls      recent calls: time, masked caller, language, path, outcome, duration
    ivr callbacks  callback requests waiting (--all: every status), with tries and next try
    ivr agents     operators and interpreters: free, busy (with whom, since), off shift,
                   claim expired; shifts come from the rosters in --menus
    ivr bookings   interpreting sessions booked for later, with their job numbers
    ivr sessions   interpreting sessions that happened: job, parties, times, outcome, legs

Every command reads the database from --database-url, else IVR_DATABASE_URL, else the
SQLite file in --instance, and prints an aligned table, or with --json one JSON array for
scripts. Numbers are masked unless --show-numbers. A database that is missing or cannot be
reached is one sentence and exit 1.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import click

from ivr.clock import SystemClock
from ivr.menu import load_menu
from ivr.privacy import mask_number
from ivr.reports import (
    agents_report,
    bookings_report,
    callbacks_report,
    calls_report,
    sessions_report,
)
from ivr.store import SqlStore, StoreUnavailable, open_store
from ivr.store.command import DATABASE_URL, INSTANCE
from ivr.store.engine import database_url, describe, is_sqlite
from ivr.tables import LISBON

AS_JSON = click.option("--json", "as_json", is_flag=True, help="Print one JSON array.")
LIMIT = click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True,
                     help="How many to show, newest first.")
SHOW_NUMBERS = click.option("--show-numbers", is_flag=True,
                            help="Show phone numbers in full (they are personal data).")


def _at(_ctx: click.Context, _param: click.Parameter, value: str | None) -> datetime:
    """Read --at as Lisbon wall-clock time (or an ISO time with its offset); default now."""
    if value is None:
        return SystemClock().now()
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a time like 2026-12-09T15:30") from None
    return at if at.tzinfo is not None else at.replace(tzinfo=LISBON)


AT = click.option("--at", "now", metavar="TIME", callback=_at,
                  help="As things stand at this Lisbon time, e.g. 2026-12-09T15:30  "
                       "[default: now]")


@contextmanager
def reading(url_text: str | None, instance: Path) -> Iterator[SqlStore]:
    """Open the helpline's database for one command; refuse a SQLite file that is missing."""
    url = database_url(url_text, instance)
    if is_sqlite(url) and not Path(url.database or "").is_file():
        raise StoreUnavailable(f"{describe(url)} does not exist: name the helpline's database "
                               "with --database-url or IVR_DATABASE_URL, or create it with "
                               "`ivr db upgrade`")
    store = open_store(url_text, instance)
    try:
        yield store
    finally:
        store.close()


@click.command("calls")
@LIMIT
@AS_JSON
@DATABASE_URL
@INSTANCE
def calls(limit: int, as_json: bool, url_text: str | None, instance: Path) -> None:
    """Show the latest calls with their path and outcome.

    Time, caller (masked), language, the nodes passed, outcome, status and duration.
    """
    with reading(url_text, instance) as store:
        calls_report(store.recent_calls(limit)).echo(as_json)


@click.command("callbacks")
@click.option("--all", "everything", is_flag=True,
              help="Show requests of every status (done and failed too), latest first.")
@SHOW_NUMBERS
@AS_JSON
@DATABASE_URL
@INSTANCE
def callbacks(everything: bool, show_numbers: bool, as_json: bool, url_text: str | None,
              instance: Path) -> None:
    """Show callback requests still to be called.

    Due first: when asked, number, language, source, tries, the next try, last outcome.
    """
    with reading(url_text, instance) as store:
        found = store.recent_callbacks() if everything else store.pending_callbacks()
    callbacks_report(found, show_numbers=show_numbers).echo(as_json)


@click.command("agents")
@AT
@click.option("--menus", type=click.Path(path_type=Path, file_okay=False), envvar="IVR_MENUS",
              default=Path("menus"), show_default=True,
              help="Folder of the rosters, for who is on shift  [env: IVR_MENUS]")
@AS_JSON
@DATABASE_URL
@INSTANCE
def agents(now: datetime, menus: Path, as_json: bool, url_text: str | None,
           instance: Path) -> None:
    """Show who is free, busy or off shift.

    Operators and interpreters: free, busy (with whom, since when), off shift by the
    rosters, or holding a claim that expired (free for the next call).
    """
    with reading(url_text, instance) as store:
        found = store.agents(now)
        holders = {agent.claimed_by: _holder(store, agent.claimed_by) for agent in found
                   if agent.claimed_by}
    rosters = load_menu(menus).rosters if (menus / "flow.yaml").is_file() else None
    report = agents_report(found, rosters, now,
                           {held: who for held, who in holders.items() if who})
    if rosters is None and not as_json:
        report = replace(report, notes=[f"(no rosters in {menus}: shifts unknown)"])
    report.echo(as_json)


def _holder(store: SqlStore, holder: str) -> str | None:
    """Say who holds a claim: an interpreting session's job, or a call's masked caller."""
    session = store.session_by_conference(holder)
    if session is not None:
        return f"job {session.job}"
    call = store.call(holder)
    if call is not None and call.caller:
        return f"call from {mask_number(call.caller)}"
    return None


@click.command("bookings")
@AT
@SHOW_NUMBERS
@AS_JSON
@DATABASE_URL
@INSTANCE
def bookings(now: datetime, show_numbers: bool, as_json: bool, url_text: str | None,
             instance: Path) -> None:
    """Show booked sessions with their job numbers.

    Soonest first: job, time, language, entity, number (masked), tries.
    """
    with reading(url_text, instance) as store:
        bookings_report(store.bookings(now), show_numbers=show_numbers).echo(as_json)


@click.command("sessions")
@LIMIT
@AS_JSON
@DATABASE_URL
@INSTANCE
def sessions(limit: int, as_json: bool, url_text: str | None, instance: Path) -> None:
    """Show what happened to interpreting sessions.

    Newest first: job, language, entity, interpreter, start, end, outcome and each leg.
    """
    with reading(url_text, instance) as store:
        found = store.sessions(limit)
        people = store.agents(SystemClock().now(), include_inactive=True)
    sessions_report(found, {person.agent_id: person.name for person in people}).echo(as_json)


COMMANDS = (agents, bookings, callbacks, calls, sessions)
