"""What the operations commands show: the store's records turned into report rows.

Pure functions: records, the rosters and the time in, a ``Report`` out. Phone numbers are
masked here unless the caller asks for them (``show_numbers``); claim holders (call SIDs,
conference names) and job numbers are shown as they are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from ivr.menu.roster import Rosters
from ivr.privacy import mask_number
from ivr.routing.shifts import on_shift
from ivr.store import AgentState, Callback, CallbackStatus, CallRecord, ClaimState, Leg, Session
from ivr.tables import Column, Report, column, duration, local_time

PATH_SEPARATOR = " > "


def _number(number: str | None, show_numbers: bool = False) -> str | None:
    """Return a number as shown: masked unless asked otherwise."""
    if not number or show_numbers:
        return number
    return mask_number(number)


def calls_report(records: Sequence[CallRecord]) -> Report:
    """Recent calls: when, who (masked), language, path, outcome, duration."""
    rows = [{"call_sid": r.call_sid, "started_at": r.started_at, "caller": _number(r.caller),
             "region": r.caller_region, "line": r.line, "language": r.language,
             "path": list(r.path), "outcome": r.outcome, "status": r.status,
             "duration_s": r.duration_s} for r in records]
    columns = [
        column("started_at", "WHEN"), column("caller", "CALLER"),
        column("language", "LANGUAGE"),
        column("path", "PATH", lambda path: PATH_SEPARATOR.join(path) or "-", width=48),
        column("outcome", "OUTCOME"), column("status", "STATUS"),
        column("duration_s", "DURATION", duration)]
    return Report(columns, rows, "no calls recorded")


def callbacks_report(requests: Sequence[Callback], *, show_numbers: bool = False) -> Report:
    """Callback requests: when asked, number, language, source, tries and the next one."""
    rows = [{"id": c.id, "requested_at": c.requested_at,
             "number": _number(c.number, show_numbers), "language": c.language,
             "source": c.source, "status": c.status, "attempts": c.attempts,
             "max_attempts": c.max_attempts, "next_try": _next_try(c),
             "claimed_by": c.claimed_by, "outcome": c.outcome} for c in requests]
    columns = [
        column("id", "ID"), column("requested_at", "REQUESTED"), column("number", "NUMBER"),
        column("language", "LANGUAGE"), column("source", "SOURCE"), column("status", "STATUS"),
        Column("TRIES", lambda row: f"{row['attempts']}/{row['max_attempts']}"),
        column("next_try", "NEXT TRY", width=48), column("outcome", "LAST OUTCOME")]
    return Report(columns, rows, "no callback requests")


def _next_try(callback: Callback) -> datetime | str | None:
    """Say when a request is tried next: when due, now (by whom), or never again."""
    if callback.status is CallbackStatus.PENDING:
        return callback.due_at
    if callback.status is CallbackStatus.CLAIMED and callback.lease_until is not None:
        return f"now, by {callback.claimed_by} (lease until {local_time(callback.lease_until)})"
    return None


def agents_report(agents: Sequence[AgentState], rosters: Rosters | None, now: datetime,
                  holders: Mapping[str, str] | None = None) -> Report:
    """Operators and interpreters: free, busy (with whom, since when), off shift, expired.

    ``holders`` says who a claim's holder is (a job, a call from a masked number).
    """
    rows = [_agent_row(agent, rosters, now) for agent in agents]
    for row in rows:
        row["with_whom"] = (holders or {}).get(row["with"] or "")
    columns = [
        column("kind", "KIND"), column("agent_id", "ID"), column("name", "NAME"),
        column("state", "STATE"),
        Column("WITH", lambda row: row["with_whom"] or row["with"] or "-"),
        column("since", "SINCE"),
        column("languages", "LANGUAGES", width=30), column("calls_taken", "CALLS")]
    return Report(columns, rows, "no operators or interpreters: is the roster loaded?")


def _agent_row(agent: AgentState, rosters: Rosters | None, now: datetime) -> dict[str, Any]:
    """Describe one agent as ``ivr agents`` shows them."""
    shift = _on_shift(agent, rosters, now)
    if agent.state is ClaimState.EXPIRED:
        state = "claim expired"
    elif agent.state is ClaimState.BUSY:
        state = "busy"
    else:
        state = "off shift" if shift is False else "free"
    is_held = agent.state is not ClaimState.FREE
    return {"kind": agent.kind, "agent_id": agent.agent_id, "name": agent.name,
            "state": state, "on_shift": shift, "with": agent.claimed_by if is_held else None,
            "since": agent.claimed_at if is_held else None,
            "claim_expires_at": agent.claim_expires_at if is_held else None,
            "languages": list(agent.languages), "calls_taken": agent.calls_taken,
            "last_released_at": agent.last_released_at}


def _on_shift(agent: AgentState, rosters: Rosters | None, now: datetime) -> bool | None:
    """Tell whether the roster has the agent on shift now; None when it does not know."""
    if rosters is None:
        return None
    person = rosters.operators.get(agent.agent_id) or rosters.interpreters.get(agent.agent_id)
    return None if person is None else on_shift(person.shifts, now)


def bookings_report(sessions: Sequence[Session], *, show_numbers: bool = False) -> Report:
    """Booked interpretations still to come: job, time, language, entity, tries."""
    rows = [{"job": s.job, "booked_for": s.booked_for, "language": s.language,
             "entity": s.entity_account, "number": _number(s.entity_number, show_numbers),
             "entity_language": s.entity_language, "attempts": s.attempts,
             "outcome": s.outcome, "booked_at": s.created_at} for s in sessions]
    columns = [
        column("job", "JOB"), column("booked_for", "WHEN"), column("language", "LANGUAGE"),
        column("entity", "ENTITY"), column("number", "NUMBER"), column("attempts", "TRIES"),
        column("outcome", "LAST OUTCOME")]
    return Report(columns, rows, "no bookings to come")


def sessions_report(sessions: Sequence[Session], names: Mapping[str, str] | None = None
                    ) -> Report:
    """Interpretations, newest first: job, parties, times, outcome and every leg."""
    names = names or {}
    rows = [{"job": s.job, "language": s.language, "entity": s.entity_account,
             "interpreter": s.interpreter_id,
             "interpreter_name": names.get(s.interpreter_id or ""),
             "status": s.status, "outcome": s.outcome, "created_at": s.created_at,
             "booked_for": s.booked_for, "started_at": s.started_at, "ended_at": s.ended_at,
             "legs": [_leg(leg) for leg in s.legs]} for s in sessions]
    columns = [
        column("job", "JOB"), column("language", "LANGUAGE"), column("entity", "ENTITY"),
        Column("INTERPRETER", lambda row: row["interpreter_name"] or row["interpreter"] or "-"),
        Column("START", lambda row: _time(row["started_at"] or row["booked_for"]
                                          or row["created_at"])),
        Column("END", lambda row: _time(row["ended_at"])),
        Column("OUTCOME", lambda row: " - ".join(filter(None, (row["status"], row["outcome"])))),
        Column("LEGS", lambda row: ", ".join(f"{leg['role']} {leg['status'] or '?'}"
                                             for leg in row["legs"]) or "-", width=60)]
    return Report(columns, rows, "no interpreting sessions")


def _leg(leg: Leg) -> dict[str, Any]:
    """Describe one party's leg of a session."""
    return {"role": leg.role, "call_sid": leg.call_sid, "number": _number(leg.number),
            "status": leg.status, "attempt": leg.attempt, "started_at": leg.started_at,
            "ended_at": leg.ended_at, "outcome": leg.outcome}


def _time(value: datetime | None) -> str:
    """Show a time, or ``-``."""
    return "-" if value is None else local_time(value)
