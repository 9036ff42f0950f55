"""Agents and their claims: nobody is ever given two calls.

The roster (admin YAML) says who exists, what they speak and when they work; the store
keeps who holds them. A claim is one conditional UPDATE, the same SQL on SQLite and
PostgreSQL::

    UPDATE agents SET claimed_by = :by, claimed_at = :now, claim_expires_at = :expires
     WHERE agent_id = :agent_id AND (claimed_by IS NULL OR claim_expires_at < :now)

Whoever's UPDATE changes the row has the agent; everybody else changes nothing and tries
the next candidate. A claim whose release never arrives (a lost status callback) lapses at
``claim_expires_at``, and only the holder's own claim can be released or extended.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Update,
    and_,
    delete,
    insert,
    or_,
    select,
    true,
    update,
)

from ivr.store.base import AnyRow, StoreBase
from ivr.store.engine import serialise
from ivr.store.records import AgentClaim, AgentKind, AgentSpec, AgentState, ClaimState
from ivr.store.schema import agent_languages, agents

GENDERS = {"f", "m"}
ROSTER_LOCK = 0x1F2A_A6E7
_PROFILE = (agents.c.agent_id, agents.c.kind, agents.c.name, agents.c.phone, agents.c.gender,
            agents.c.credential)


class AgentPool(StoreBase):
    """The roster's agents and who holds each of them."""

    def sync_agents(self, specs: Iterable[AgentSpec],
                    kinds: Collection[AgentKind | str] | None = None) -> None:
        """Make the roster the active agents of ``kinds`` (default: all); claims stay put."""
        scope = {AgentKind(k) for k in (AgentKind if kinds is None else kinds)}
        roster = _checked(specs, scope)
        ids = [spec.agent_id for spec in roster]
        with self._write() as connection:
            serialise(connection, ROSTER_LOCK)  # app instances starting together sync in turn
            known = set(connection.scalars(select(agents.c.agent_id)))
            for spec in roster:
                _upsert(connection, spec, spec.agent_id in known)
            connection.execute(delete(agent_languages).where(agent_languages.c.agent_id.in_(ids)))
            rows = [{"agent_id": s.agent_id, "language": lang} for s in roster
                    for lang in dict.fromkeys(s.languages)]
            if rows:
                connection.execute(insert(agent_languages), rows)
            gone = and_(agents.c.kind.in_([k.value for k in scope]), agents.c.agent_id.not_in(ids))
            connection.execute(update(agents).where(gone).values(active=False))

    def claim_agent(self, kind: AgentKind | str, language: str, *,
                    candidates: Sequence[str] | None, by: str, now: datetime, ttl_s: float,
                    gender: str | None = None,
                    exclude: Collection[str] = ()) -> AgentClaim | None:
        """Claim the best free agent for ``by``: highest credential, then longest idle."""
        if candidates is not None and not candidates:
            return None
        expires = now + timedelta(seconds=ttl_s)
        query = _free_agents(AgentKind(kind), language, now, candidates, gender, exclude)
        with self._read() as connection:
            rows = connection.execute(query).all()
        for row in rows:
            if self._changed(_claim(row.agent_id, by, now, expires)):
                return _agent_claim(row, by, now, expires)
        return None

    def release_agent(self, agent_id: str, by: str, now: datetime, *,
                      taken: bool = True) -> bool:
        """Free an agent held by ``by``; a claim someone else has since taken stays."""
        return bool(self._changed(_release(now, taken).where(
            agents.c.agent_id == agent_id, agents.c.claimed_by == by)))

    def release_claims(self, by: str, now: datetime, *, taken: bool = True) -> int:
        """Free every agent held by a call or conference; return how many were freed."""
        return self._changed(_release(now, taken).where(agents.c.claimed_by == by))

    def extend_claim(self, agent_id: str, by: str, now: datetime, ttl_s: float) -> bool:
        """Keep ``by``'s claim alive for another ``ttl_s`` from now (a long interpretation)."""
        return bool(self._changed(update(agents).where(
            agents.c.agent_id == agent_id, agents.c.claimed_by == by).values(
            claim_expires_at=now + timedelta(seconds=ttl_s))))

    def held_by(self, by: str) -> list[AgentClaim]:
        """Return the claims that ``by`` holds."""
        query = select(*_PROFILE, agents.c.claimed_by, agents.c.claimed_at,
                       agents.c.claim_expires_at).where(agents.c.claimed_by == by)
        with self._read() as connection:
            return [_agent_claim(row, row.claimed_by, row.claimed_at, row.claim_expires_at)
                    for row in connection.execute(query.order_by(agents.c.agent_id))]

    def agents(self, now: datetime, *, include_inactive: bool = False) -> list[AgentState]:
        """Return every agent with their claim as it stands at ``now``."""
        query = select(agents).order_by(agents.c.kind, agents.c.agent_id)
        if not include_inactive:
            query = query.where(agents.c.active == true())
        with self._read() as connection:
            rows = connection.execute(query).all()
            spoken = _languages(connection.execute(select(agent_languages)).all())
        return [_agent_state(row, spoken[row.agent_id], now) for row in rows]


def _checked(specs: Iterable[AgentSpec], scope: set[AgentKind]) -> list[AgentSpec]:
    """Refuse a roster with repeated ids, unknown kinds or genders."""
    roster = list(specs)
    seen: set[str] = set()
    for spec in roster:
        if spec.agent_id in seen:
            raise ValueError(f"agent {spec.agent_id!r} appears twice in the roster")
        if AgentKind(spec.kind) not in scope:
            raise ValueError(f"agent {spec.agent_id!r} is a {spec.kind}, not one of {scope}")
        if spec.gender is not None and spec.gender not in GENDERS:
            raise ValueError(f"agent {spec.agent_id!r}: gender must be f, m or unset")
        seen.add(spec.agent_id)
    return roster


def _upsert(connection: Connection, spec: AgentSpec, is_known: bool) -> None:
    """Write a roster entry, never touching the claim of an agent already known."""
    values = {"kind": AgentKind(spec.kind).value, "name": spec.name, "phone": spec.phone,
              "gender": spec.gender, "credential": spec.credential, "active": True}
    if is_known:
        connection.execute(update(agents).where(agents.c.agent_id == spec.agent_id).values(
            **values))
    else:
        connection.execute(insert(agents).values(agent_id=spec.agent_id, **values))


def _is_free(now: datetime) -> ColumnElement[bool]:
    """Say that an agent holds no live claim at ``now``."""
    return or_(agents.c.claimed_by.is_(None), agents.c.claim_expires_at < now)


def _free_agents(kind: AgentKind, language: str, now: datetime,
                 candidates: Sequence[str] | None, gender: str | None,
                 exclude: Collection[str]) -> Select[Any]:
    """Select the free agents who could take the call, best first."""
    speaks = and_(agent_languages.c.agent_id == agents.c.agent_id,
                  agent_languages.c.language == language)
    query = select(*_PROFILE).join(agent_languages, speaks).where(
        agents.c.kind == kind.value, agents.c.active == true(), _is_free(now))
    if candidates is not None:
        query = query.where(agents.c.agent_id.in_(list(candidates)))
    if gender is not None:
        query = query.where(agents.c.gender == gender)
    if exclude:
        query = query.where(agents.c.agent_id.not_in(list(exclude)))
    return query.order_by(agents.c.credential.desc(), agents.c.last_released_at.asc().nulls_first(),
                          agents.c.agent_id)


def _claim(agent_id: str, by: str, now: datetime, expires: datetime) -> Update:
    """Build the conditional UPDATE that claims one agent if, and only if, still free."""
    return update(agents).where(agents.c.agent_id == agent_id, _is_free(now)).values(
        claimed_by=by, claimed_at=now, claim_expires_at=expires)


def _release(now: datetime, taken: bool) -> Update:
    """Build the UPDATE that frees agents (its WHERE says whose claim)."""
    return update(agents).values(
        claimed_by=None, claimed_at=None, claim_expires_at=None, last_released_at=now,
        calls_taken=agents.c.calls_taken + (1 if taken else 0))


def _agent_claim(row: AnyRow, by: str, at: datetime, expires: datetime) -> AgentClaim:
    """Build a claim from an agent's profile."""
    return AgentClaim(agent_id=row.agent_id, kind=AgentKind(row.kind), name=row.name,
                      phone=row.phone, gender=row.gender, credential=row.credential, by=by,
                      claimed_at=at, expires_at=expires)


def _languages(rows: Iterable[AnyRow]) -> dict[str, tuple[str, ...]]:
    """Group the agent_languages rows by agent."""
    spoken: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        spoken[row.agent_id].append(row.language)
    return defaultdict(tuple, {agent: tuple(sorted(langs)) for agent, langs in spoken.items()})


def _agent_state(row: AnyRow, languages: tuple[str, ...], now: datetime) -> AgentState:
    """Build an agent's state from their row."""
    if row.claimed_by is None:
        state = ClaimState.FREE
    else:
        state = ClaimState.EXPIRED if row.claim_expires_at < now else ClaimState.BUSY
    return AgentState(
        agent_id=row.agent_id, kind=AgentKind(row.kind), name=row.name, phone=row.phone,
        languages=languages, gender=row.gender, credential=row.credential,
        is_active=bool(row.active), state=state, claimed_by=row.claimed_by,
        claimed_at=row.claimed_at, claim_expires_at=row.claim_expires_at,
        last_released_at=row.last_released_at, calls_taken=row.calls_taken)
