"""Call records written in batches: one transaction and one statement per kind of fact.

Webhooks report facts as they happen (a call started, a node reached, an outcome, the
end); a writer behind them hands them over in batches. Here each kind becomes one
``executemany`` of one statement compiled once, so recording costs the webhooks little even
when calls are many. The same rules as ``calls`` hold: a repeated start keeps the first
record, paths stop growing at ``PATH_MAX``, numbers are stored as the privacy setting says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import BindParameter, Executable, String, bindparam, case, func, literal, update
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
        paths = _joined_paths(facts.reached)
        with self._write() as connection:
            if facts.started:
                connection.execute(self._insert_started(), [
                    {"call_sid": sid, "line": line, "caller": self.privacy.stored(caller),
                     "caller_region": region, "started_at": at}
                    for sid, line, caller, region, at in facts.started])
            if paths:
                connection.execute(_APPEND_PATH, [{"sid": s, "addition": a} for s, a in paths])
            for column, values in (("language", facts.languages),
                                   ("outcome", facts.outcomes)):
                if values:
                    statement = update(calls).where(calls.c.call_sid == bindparam("sid")).values(
                        {column: bindparam("value")})
                    connection.execute(statement, [{"sid": s, "value": v}
                                                   for s, v in values.items()])
            if facts.ended:
                connection.execute(_END, [
                    {"sid": sid, "ended_at": at, "duration_s": duration, "status": status}
                    for sid, at, duration, status in facts.ended])

    def _insert_started(self) -> Executable:
        """Return an INSERT that keeps the first record of a call (both databases)."""
        if self._engine.dialect.name == "postgresql":
            return postgresql.insert(calls).on_conflict_do_nothing(index_elements=["call_sid"])
        return sqlite.insert(calls).on_conflict_do_nothing(index_elements=["call_sid"])


def _joined_paths(reached: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Merge the nodes each call reached into one addition per call, in order."""
    merged: dict[str, list[str]] = {}
    for sid, node in reached:
        merged.setdefault(sid, []).append(node)
    return [(sid, PATH_SEPARATOR.join(nodes)) for sid, nodes in merged.items()]


def _append_path() -> Executable:
    """Return the UPDATE that appends to a path, which stops growing at PATH_MAX."""
    path = calls.c.path
    addition: BindParameter[str] = bindparam("addition", type_=String())
    full = PATH_SEPARATOR + PATH_FULL
    grown = case(
        (path.is_(None), addition),
        (path.endswith(full), path),
        (func.length(path) + func.length(addition) + 1 <= PATH_MAX,
         path + literal(PATH_SEPARATOR) + addition),
        else_=path + full)
    return update(calls).where(calls.c.call_sid == bindparam("sid")).values(path=grown)


_APPEND_PATH = _append_path()
_END = update(calls).where(calls.c.call_sid == bindparam("sid")).values(
    ended_at=bindparam("ended_at"), duration_s=bindparam("duration_s"),
    status=bindparam("status"))
__all__ = ["CallBatches", "CallFacts"]
