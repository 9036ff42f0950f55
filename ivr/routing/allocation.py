"""Allocation: the rosters say who is on shift, the store says who is free and claims them.

``StoreAllocator`` is what the engine calls through ``Services.allocator``. Every claim is
the store's one conditional UPDATE, so two webhooks (in two workers, on two machines) can
never give one person two calls. A holder that already has a claim gets it back, so a
repeated webhook does not claim a second person; a claim that is never released expires
after its time to live, so a lost status callback never takes anyone out of service.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from ivr.engine.services import CALL_LIMIT_S, Agent
from ivr.menu.roster import Interpreter, Operator, Rosters
from ivr.routing.shifts import available_ids, on_shift
from ivr.store import AgentClaim, AgentKind, AgentSpec, SqlStore

RING_TTL_S = 180  # a claim while the phone rings and the whisper plays
CALL_TTL_S = CALL_LIMIT_S  # a claim for a call in progress lasts as long as it may


def roster_specs(rosters: Rosters) -> list[AgentSpec]:
    """Turn the rosters into the store's agent specs."""
    operators = [AgentSpec(AgentKind.OPERATOR, o.id, o.name, o.phone, o.languages)
                 for o in rosters.operators.values()]
    interpreters = [AgentSpec(AgentKind.INTERPRETER, i.id, i.name, i.phone, i.languages,
                              str(i.gender), int(i.credential))
                    for i in rosters.interpreters.values()]
    return operators + interpreters


class StoreAllocator:
    """Claims operators (and interpreters) on shift, through the store's atomic claims."""

    def __init__(self, store: SqlStore, rosters: Rosters, ring_ttl_s: float = RING_TTL_S,
                 call_ttl_s: float = CALL_TTL_S) -> None:
        self.store = store
        self.rosters = rosters
        self.ring_ttl_s = ring_ttl_s
        self.call_ttl_s = call_ttl_s

    def claim_operator(self, language: str, by: str, now: datetime,
                       exclude: Collection[str] = ()) -> Agent | None:
        """Claim the longest-idle operator on shift who speaks ``language``."""
        for held in self.store.held_by(by):
            if held.kind is AgentKind.OPERATOR and held.expires_at > now:
                return self._agent(held)
        on_duty = available_ids(self.rosters.operators.values(), now)
        claim = self.store.claim_agent(AgentKind.OPERATOR, language, candidates=on_duty, by=by,
                                       now=now, ttl_s=self.ring_ttl_s, exclude=exclude)
        return None if claim is None else self._agent(claim)

    def claim_interpreter(self, language: str, by: str, now: datetime,
                          gender: str | None = None,
                          exclude: Collection[str] = ()) -> Agent | None:
        """Claim the best interpreter on shift for ``language`` (a language id): the
        highest credential, then the longest idle, of ``gender`` when one is asked for."""
        for held in self.store.held_by(by):
            if held.kind is AgentKind.INTERPRETER and held.expires_at > now:
                return self._agent(held)
        on_duty = available_ids(self.rosters.interpreters.values(), now)
        claim = self.store.claim_agent(AgentKind.INTERPRETER, language, candidates=on_duty,
                                       by=by, now=now, ttl_s=self.ring_ttl_s, gender=gender,
                                       exclude=exclude)
        return None if claim is None else self._agent(claim)

    def confirm(self, agent_id: str, by: str, now: datetime) -> bool:
        """Keep a claim for the length of a call, once the person has accepted it."""
        return self.store.extend_claim(agent_id, by, now, self.call_ttl_s)

    def release(self, by: str, now: datetime) -> list[Agent]:
        """Free everyone held for ``by``; return who was freed."""
        held = self.store.held_by(by)
        if held:
            self.store.release_claims(by, now)
        return [self._agent(claim) for claim in held]

    def operators_on_shift(self, language: str, now: datetime) -> int:
        """Count the operators on shift who speak ``language``, free or not."""
        return sum(1 for person in self.rosters.operators.values()
                   if language in person.languages and on_shift(person.shifts, now))

    def _agent(self, claim: AgentClaim) -> Agent:
        """Describe a claimed person for the engine, with the languages they speak."""
        person: Operator | Interpreter | None = (
            self.rosters.operators.get(claim.agent_id)
            or self.rosters.interpreters.get(claim.agent_id))
        languages = person.languages if person is not None else ()
        return Agent(claim.agent_id, claim.name, claim.phone, tuple(languages))
