"""Agents: the roster kept in step, claims in the right order, releases only by the holder."""

from __future__ import annotations

from typing import Any

import pytest
from store_support import NOW, StoreFactory, interpreter, later, operator

from ivr.store import AgentKind, AgentSpec, ClaimState, SqlStore

TTL = 600


def claim(store: SqlStore, by: str = "CA-1", at: Any = NOW, language: str = "uk",
          **options: Any) -> str | None:
    """Claim an interpreter for ``by`` and return who was claimed."""
    options.setdefault("candidates", None)
    found = store.claim_agent(options.pop("kind", "interpreter"), language, by=by, now=at,
                              ttl_s=options.pop("ttl_s", TTL), **options)
    return None if found is None else found.agent_id


def states(store: SqlStore, at: Any = NOW) -> dict[str, tuple[ClaimState, str | None]]:
    """Map each active agent to their claim state and holder."""
    return {a.agent_id: (a.state, a.claimed_by) for a in store.agents(at)}


# -- the roster ---------------------------------------------------------------------------


def test_sync_writes_the_roster_with_languages_and_leaves_everyone_free(store: SqlStore) -> None:
    store.sync_agents([interpreter("i1", "uk", "ru", gender="f", credential=2),
                       operator("o1", "pt_PT")])
    i1, o1 = store.agents(NOW)
    assert (i1.agent_id, i1.kind, i1.languages, i1.gender, i1.credential) == (
        "i1", AgentKind.INTERPRETER, ("ru", "uk"), "f", 2)
    assert (o1.agent_id, o1.kind, o1.state, o1.calls_taken) == (
        "o1", AgentKind.OPERATOR, ClaimState.FREE, 0)


def test_agents_left_out_become_inactive_and_are_never_deleted(store: SqlStore) -> None:
    store.sync_agents([interpreter("i1", "uk"), interpreter("i2", "uk")])
    store.sync_agents([interpreter("i2", "uk")])
    assert [a.agent_id for a in store.agents(NOW)] == ["i2"]
    everyone = {a.agent_id: a.is_active for a in store.agents(NOW, include_inactive=True)}
    assert everyone == {"i1": False, "i2": True}
    assert claim(store) == "i2"


def test_an_agent_back_in_the_roster_is_active_again(store: SqlStore) -> None:
    store.sync_agents([interpreter("i1", "uk")])
    store.sync_agents([])
    store.sync_agents([interpreter("i1", "uk")])
    assert claim(store) == "i1"


def test_sync_updates_profiles_and_languages_but_never_claims(store: SqlStore) -> None:
    store.sync_agents([interpreter("i1", "uk")])
    assert claim(store, by="CA-1") == "i1"
    store.sync_agents([AgentSpec("interpreter", "i1", "Renamed", "+351900000001", ("ar",))])
    (i1,) = store.agents(NOW)
    assert (i1.name, i1.languages, i1.state, i1.claimed_by) == (
        "Renamed", ("ar",), ClaimState.BUSY, "CA-1")


def test_a_roster_of_one_kind_leaves_the_other_kind_alone(store: SqlStore) -> None:
    store.sync_agents([interpreter("i1", "uk"), operator("o1", "uk")])
    store.sync_agents([operator("o2", "uk")], kinds=["operator"])
    assert [a.agent_id for a in store.agents(NOW)] == ["i1", "o2"]


@pytest.mark.parametrize(("roster", "message"), [
    ([interpreter("i1", "uk"), interpreter("i1", "ru")], "appears twice"),
    ([interpreter("i1", "uk", gender="x")], "gender"),
    ([AgentSpec("janitor", "j1", "J", "+351900000000", ())], "janitor"),
])
def test_a_bad_roster_is_refused_whole(store: SqlStore, roster: list[AgentSpec],
                                       message: str) -> None:
    with pytest.raises(ValueError, match=message):
        store.sync_agents(roster)
    assert store.agents(NOW) == []


# -- who is claimed -----------------------------------------------------------------------

ROSTER = [interpreter("i-f-uk", "uk", gender="f"), interpreter("i-m-uk", "uk", gender="m"),
          interpreter("i-f-ru", "ru", gender="f"), operator("op-uk", "uk")]


@pytest.mark.parametrize(("options", "expected"), [
    ({}, "i-f-uk"),
    ({"gender": "m"}, "i-m-uk"),
    ({"exclude": {"i-f-uk"}}, "i-m-uk"),
    ({"candidates": ["i-m-uk", "i-f-ru"]}, "i-m-uk"),
    ({"candidates": []}, None),
    ({"candidates": ["op-uk"]}, None),
    ({"language": "ar"}, None),
    ({"language": "ru", "gender": "m"}, None),
    ({"language": "ru", "gender": "f"}, "i-f-ru"),
    ({"kind": "operator"}, "op-uk"),
])
def test_only_a_matching_free_agent_on_shift_is_claimed(store: SqlStore, options: Any,
                                                         expected: str | None) -> None:
    store.sync_agents(ROSTER)
    assert claim(store, **options) == expected


def test_inactive_agents_are_never_claimed(store: SqlStore) -> None:
    store.sync_agents(ROSTER)
    store.sync_agents([operator("op-uk", "uk")])
    assert claim(store) is None


def test_highest_credential_first_then_longest_idle_then_id(store: SqlStore) -> None:
    store.sync_agents([interpreter("a", "uk", credential=1), interpreter("b", "uk", credential=2),
                       interpreter("c", "uk", credential=2), interpreter("d", "uk", credential=2)])
    for agent_id, released in (("b", later(20)), ("c", later(10))):
        assert claim(store, by="setup", candidates=[agent_id]) == agent_id
        assert store.release_agent(agent_id, "setup", released)
    order = [claim(store, by=f"CA-{n}", at=later(30)) for n in range(5)]
    assert order == ["d", "c", "b", "a", None]  # d never used; c idle longer than b


def test_a_claim_says_who_for_and_until_when(store: SqlStore) -> None:
    store.sync_agents([interpreter("i1", "uk", gender="f", credential=3)])
    found = store.claim_agent("interpreter", "uk", candidates=None, by="stt-CA1", now=NOW,
                              ttl_s=90)
    assert found is not None
    assert (found.agent_id, found.by, found.gender, found.credential) == ("i1", "stt-CA1", "f", 3)
    assert (found.claimed_at, found.expires_at) == (NOW, later(90))
    assert store.held_by("stt-CA1") == [found]
    assert states(store) == {"i1": (ClaimState.BUSY, "stt-CA1")}


def test_a_claimed_agent_is_never_given_a_second_call(store: SqlStore) -> None:
    store.sync_agents([interpreter("i1", "uk")])
    assert claim(store, by="CA-1") == "i1"
    assert claim(store, by="CA-2", at=later(TTL - 1)) is None


# -- releases -----------------------------------------------------------------------------


def test_release_frees_the_agent_and_counts_the_call(store: SqlStore) -> None:
    store.sync_agents([interpreter("i1", "uk")])
    claim(store, by="CA-1")
    assert store.release_agent("i1", "CA-1", later(60))
    (i1,) = store.agents(later(60))
    assert (i1.state, i1.claimed_by, i1.last_released_at, i1.calls_taken) == (
        ClaimState.FREE, None, later(60), 1)
    assert claim(store, by="CA-2", at=later(61)) == "i1"


def test_a_declined_call_frees_without_counting(store: SqlStore) -> None:
    store.sync_agents([interpreter("i1", "uk")])
    claim(store, by="CA-1")
    assert store.release_agent("i1", "CA-1", later(5), taken=False)
    assert store.agents(later(5))[0].calls_taken == 0


def test_only_the_holder_can_release(store: SqlStore) -> None:
    store.sync_agents([interpreter("i1", "uk")])
    claim(store, by="CA-1")
    assert not store.release_agent("i1", "CA-2", later(5))
    assert not store.release_agent("nobody", "CA-1", later(5))
    assert states(store, later(5)) == {"i1": (ClaimState.BUSY, "CA-1")}


def test_release_claims_frees_everyone_a_conference_holds(store: SqlStore) -> None:
    store.sync_agents([interpreter("i1", "uk"), interpreter("i2", "uk"), interpreter("i3", "uk")])
    claim(store, by="stt-CA1")
    claim(store, by="stt-CA1")
    claim(store, by="stt-CA2")
    assert store.release_claims("stt-CA1", later(60)) == 2
    assert store.release_claims("stt-CA1", later(61)) == 0
    assert store.held_by("stt-CA1") == []
    assert [c.agent_id for c in store.held_by("stt-CA2")] == ["i3"]


def test_extending_keeps_a_long_interpretation_claimed(store: SqlStore) -> None:
    store.sync_agents([interpreter("i1", "uk")])
    claim(store, by="stt-CA1", ttl_s=60)
    assert store.extend_claim("i1", "stt-CA1", later(50), 60)
    assert not store.extend_claim("i1", "stt-CA2", later(50), 600)
    assert claim(store, by="CA-2", at=later(100)) is None
    assert claim(store, by="CA-2", at=later(111)) == "i1"


# -- a release that never arrives ---------------------------------------------------------


def test_a_lost_release_expires_and_the_old_holder_cannot_free_the_new_claim(
        store: SqlStore) -> None:
    store.sync_agents([interpreter("i1", "uk")])
    assert claim(store, by="CA-lost", ttl_s=60) == "i1"
    assert claim(store, by="CA-2", at=later(60)) is None  # at the expiry itself: still held
    assert states(store, later(61)) == {"i1": (ClaimState.EXPIRED, "CA-lost")}
    assert claim(store, by="CA-2", at=later(61)) == "i1"
    assert not store.release_agent("i1", "CA-lost", later(62))
    assert store.release_claims("CA-lost", later(62)) == 0
    assert states(store, later(62)) == {"i1": (ClaimState.BUSY, "CA-2")}


def test_a_claim_that_loses_the_race_for_one_agent_takes_the_next(
        open_db: StoreFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    store, rival = open_db(), open_db()
    store.sync_agents([interpreter("i0", "uk"), interpreter("i1", "uk")])
    conditional_update = store._changed

    def rival_wins_first(statement: Any) -> int:
        monkeypatch.undo()
        assert claim(rival, by="CA-rival", candidates=["i0"]) == "i0"
        return conditional_update(statement)

    monkeypatch.setattr(store, "_changed", rival_wins_first)
    assert claim(store, by="CA-1") == "i1"
    assert states(store) == {"i0": (ClaimState.BUSY, "CA-rival"), "i1": (ClaimState.BUSY, "CA-1")}
