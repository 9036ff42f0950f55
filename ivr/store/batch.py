"""Call records written in batches: one transaction, and mostly one row per call.

Webhooks report facts as they happen (a call started, a node reached, a language chosen,
an outcome, the end); a writer behind them hands them over in batches. Here a batch becomes
at most three ``executemany`` runs of statements compiled once:
- calls that started in the batch are inserted with the path, language and outcome the
  batch knows of; a repeated start (Twilio retrying) keeps the first record and only adds
  the batch's path, language and outcome to it;
- calls that started earlier get one UPDATE each for all of those together;
- calls that ended get their end.
So recording costs the webhooks little even when calls are many. The same rules as
``calls`` hold: a repeated start keeps the first record, paths stop growing at ``PATH_MAX``,
the last language and outcome given win, numbers are stored as the privacy setting says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter

from sqlalchemy import ColumnElement, Executable, String, bindparam, case, func, literal, update
from sqlalchemy.dialects import postgresql, sqlite

from ivr.store.base import StoreBase
from ivr.store.calls import PATH_FULL, PATH_MAX, PATH_SEPARATOR
from ivr.store.schema import calls


@dataclass
class CallFacts:
    """What a batch of webhooks learnt about calls, in the order it happened."""

    started: list[tuple[str, str | None, str | None, str | None, datetime]] = field(
        default_factory=list)  # call_sid, line, caller, region, at
    reached: list[tuple[str, str]] = field(default_factory=list)  # call_sid, node
    languages: dict[str, str] = field(default_factory=dict)  # call_sid -> the last one
    outcomes: dict[str, str] = field(default_factory=dict)  # call_sid -> the last one
    ended: list[tuple[str, datetime, int | None, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.started or self.reached or self.languages or self.outcomes
                    or self.ended)


class CallBatches(StoreBase):
    """Write a batch of call facts in one transaction."""

    def write_call_facts(self, facts: CallFacts) -> None:
        """Apply every fact of a batch; repeated starts are kept once."""
        additions = _joined_paths(facts.reached)
        starts, seen = [], set()
        # in call order, so that two instances writing the same calls never deadlock
        for sid, line, caller, region, at in sorted(facts.started, key=_CALL):
            if sid not in seen:  # a start repeated within the batch adds nothing twice
                seen.add(sid)
                starts.append({"call_sid": sid, "line": line,
                               "caller": self.privacy.stored(caller), "caller_region": region,
                               "started_at": at, "path": additions.get(sid),
                               "language": facts.languages.get(sid),
                               "outcome": facts.outcomes.get(sid)})
        known = [{"sid": sid, "addition": additions.get(sid),
                  "language": facts.languages.get(sid), "outcome": facts.outcomes.get(sid)}
                 for sid in sorted(additions.keys() | facts.languages.keys()
                                   | facts.outcomes.keys()) if sid not in seen]
        with self._write() as connection:
            if starts:
                connection.execute(self._start(), starts)
            if known:
                connection.execute(_UPDATE, known)
            if facts.ended:
                connection.execute(_END, [
                    {"sid": sid, "ended_at": at, "duration_s": duration, "status": status}
                    for sid, at, duration, status in sorted(facts.ended, key=_CALL)])

    def _start(self) -> Executable:
        """Return the INSERT of new calls; on a repeated start, it adds only the batch's
        path, language and outcome to the first record."""
        statement = (postgresql.insert(calls) if self._engine.dialect.name == "postgresql"
                     else sqlite.insert(calls))
        new = statement.excluded
        return statement.on_conflict_do_update(index_elements=["call_sid"], set_={
            "path": _grown(new.path), "language": func.coalesce(new.language, calls.c.language),
            "outcome": func.coalesce(new.outcome, calls.c.outcome)})


def _joined_paths(reached: list[tuple[str, str]]) -> dict[str, str]:
    """Merge the nodes each call reached into one addition per call, in order."""
    merged: dict[str, list[str]] = {}
    for sid, node in reached:
        merged.setdefault(sid, []).append(node)
    return {sid: _bounded(PATH_SEPARATOR.join(nodes)) for sid, nodes in merged.items()}


def _bounded(path: str) -> str:
    """Return at most PATH_MAX characters of whole nodes of ``path``, then PATH_FULL if any
    were left out: how ``_grown`` leaves a path that grows node by node."""
    if len(path) <= PATH_MAX:
        return path
    kept = path[:PATH_MAX + 1].rpartition(PATH_SEPARATOR)[0]
    return (kept + PATH_SEPARATOR if kept else "") + PATH_FULL


def _grown(addition: ColumnElement[str]) -> ColumnElement[str]:
    """Return the path with ``addition`` appended (none: unchanged); it stops growing at
    PATH_MAX, where it ends in PATH_FULL. The nodes of one addition that would cross the
    bound are left out together (a batch holds about a second of one call's nodes)."""
    path = calls.c.path
    full = PATH_SEPARATOR + PATH_FULL
    return case(
        (addition.is_(None), path),
        (path.is_(None), addition),
        (path.endswith(full), path),
        (func.length(path) + func.length(addition) + 1 <= PATH_MAX,
         path + literal(PATH_SEPARATOR) + addition),
        else_=path + full)


def _update() -> Executable:
    """Return the UPDATE of a call that started in an earlier batch: path, language and
    outcome at once, each left as it is when the batch has nothing for it."""
    addition, language, outcome = (bindparam(name, type_=String())
                                   for name in ("addition", "language", "outcome"))
    return update(calls).where(calls.c.call_sid == bindparam("sid")).values(
        path=_grown(addition), language=func.coalesce(language, calls.c.language),
        outcome=func.coalesce(outcome, calls.c.outcome))


_CALL = itemgetter(0)  # the call a fact is about (sorting is stable: repeats keep their order)
_UPDATE = _update()
_END = update(calls).where(calls.c.call_sid == bindparam("sid")).values(
    ended_at=bindparam("ended_at"), duration_s=bindparam("duration_s"),
    status=bindparam("status"))
__all__ = ["CallBatches", "CallFacts"]
