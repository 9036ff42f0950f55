"""The STT's calls end to end: interpreters rung in turn, the migrant, drops, the room's end.

The entity stays ``talk`` seconds once the room starts, then hangs up; see ``stt_support``
for the interpreters on shift and their order.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from stt_support import (
    AT,
    ENTITY,
    heard_by_others,
    phone,
    phone_of,
    placed,
    prepared_store,
    said,
    store_of,
)

from ivr.simulator.clock import parse_at
from ivr.store import AgentKind, Session, SessionStatus

STAYS = "answer:1:talk=600"
MIGRANT = "+351912000111"
UKRAINIAN_NOW = (*ENTITY, "870", "1", "1")  # Ukrainian confirmed, any gender


def only_session(tmp_path: Path) -> Session:
    """Return the one session the call made."""
    with store_of(tmp_path) as store:
        (session,) = store.sessions()
        return session


def legs(session: Session, role: str) -> list[tuple[str | None, int]]:
    """List a role's legs as (outcome, attempt), by attempt (times are whole minutes)."""
    found = [(leg.outcome, leg.attempt) for leg in session.legs if leg.role.value == role]
    return sorted(found, key=lambda leg: (leg[1], leg[0] != "accepted"))


def test_no_answer_rings_the_next_interpreter(tmp_path: Path) -> None:
    result = phone(tmp_path, *UKRAINIAN_NOW, "#", dial=(f"{phone_of('stt_005')}=no-answer",),
                   dial_default=STAYS)
    assert placed(result) == [phone_of("stt_005"), phone_of("stt_002")]
    session = only_session(tmp_path)
    assert legs(session, "interpreter") == [("no-answer", 1), ("accepted", 2)]
    assert (session.interpreter_id, session.status) == ("stt_002", SessionStatus.ENDED)


def test_a_decline_rings_the_next_interpreter(tmp_path: Path) -> None:
    result = phone(tmp_path, *UKRAINIAN_NOW, "#", dial=(f"{phone_of('stt_005')}=answer:2",),
                   dial_default=STAYS)
    assert placed(result) == [phone_of("stt_005"), phone_of("stt_002")]
    assert legs(only_session(tmp_path), "interpreter") == [("declined", 1), ("accepted", 2)]


def test_the_highest_credential_first_then_the_longest_idle(tmp_path: Path) -> None:
    with prepared_store(tmp_path) as store:  # stt_002 finished a call a minute ago
        earlier = parse_at(AT) - timedelta(minutes=1)
        store.claim_agent(AgentKind.INTERPRETER, "ukrainian", candidates=["stt_002"],
                          by="CA-before", now=earlier - timedelta(minutes=5), ttl_s=600)
        store.release_claims("CA-before", earlier)
    result = phone(tmp_path, *UKRAINIAN_NOW, "#", dial_default="decline")
    assert placed(result) == [phone_of(a) for a in ("stt_005", "stt_003", "stt_103")]


def test_everyone_declining_ends_in_the_choices_for_nobody_free(tmp_path: Path) -> None:
    result = phone(tmp_path, *UKRAINIAN_NOW, "#", "2", "1", dial_default="decline")
    assert len(placed(result)) == 3  # the node's tries
    text = said(result)
    assert "Sorry, no interpreter of Ukrainian is free right now." in text
    assert "We will call you back" in text
    session = only_session(tmp_path)
    assert (session.status, session.outcome) == (SessionStatus.UNFILLED, "unfilled")
    with store_of(tmp_path) as store:
        assert all(a.claimed_by is None for a in store.agents(parse_at(AT)))
        assert [c.source for c in store.pending_callbacks()] == ["stt"]


def test_the_migrant_is_rung_once_the_interpreter_accepts(tmp_path: Path) -> None:
    result = phone(tmp_path, *UKRAINIAN_NOW, "912000111#", dial_default=STAYS)
    assert placed(result) == [phone_of("stt_005"), MIGRANT]
    session = only_session(tmp_path)
    assert session.migrant_number == MIGRANT
    assert legs(session, "migrant") == [("joined", 1)]
    joined = [s for s in result.steps if s.verb == "Dial" and result.label(s.leg) == MIGRANT]
    assert joined[0].fields.get("conference") == session.conference


def test_a_dropped_interpreter_is_rung_again_and_the_entity_told(tmp_path: Path) -> None:
    interpreter = phone_of("stt_005")
    result = phone(tmp_path, *UKRAINIAN_NOW, "#", dial=(f"{interpreter}=answer:1:talk=30,"
                                                       "answer:1:talk=600",))
    assert placed(result) == [interpreter, interpreter]
    assert ("The interpreter's line has dropped. We are calling them back: please stay on "
            "the line.") in said(result)
    assert "foi interrompida. Para voltar a entrar, prima 1." in heard_by_others(result)
    session = only_session(tmp_path)
    assert legs(session, "interpreter") == [("accepted", 1), ("rejoined", 1)]
    assert (session.status, session.outcome) == (SessionStatus.ENDED, "completed")
    with store_of(tmp_path) as store:
        assert all(a.claimed_by is None for a in store.agents(parse_at(AT)))


def test_a_dropped_interpreter_who_does_not_answer_is_replaced(tmp_path: Path) -> None:
    first = phone_of("stt_005")
    result = phone(tmp_path, *UKRAINIAN_NOW, "#", dial=(f"{first}=answer:1:talk=30,no-answer",),
                   dial_default=STAYS)
    assert placed(result) == [first, first, phone_of("stt_002")]
    session = only_session(tmp_path)
    assert legs(session, "interpreter") == [("accepted", 1), ("no-answer", 1), ("rejoined", 2)]
    assert session.interpreter_id == "stt_002"


def test_a_dropped_migrant_is_rung_again_and_the_others_told(tmp_path: Path) -> None:
    result = phone(tmp_path, *UKRAINIAN_NOW, "912000111#",
                   dial=(f"{MIGRANT}=answer:talk=20,answer:talk=600",), dial_default=STAYS)
    assert placed(result) == [phone_of("stt_005"), MIGRANT, MIGRANT]
    assert "The migrant's line has dropped." in said(result)
    assert "A ligação do migrante caiu." in heard_by_others(result)  # said to staff
    assert legs(only_session(tmp_path), "migrant") == [("joined", 1), ("rejoined", 2)]


def test_the_entity_leaving_ends_the_room_and_frees_the_interpreter(tmp_path: Path) -> None:
    result = phone(tmp_path, *UKRAINIAN_NOW, "912000111#", talk=45, dial_default=STAYS)
    dials = {result.label(s.leg): int(str(s.fields["duration"])) for s in result.steps
             if s.verb == "Dial"}
    assert dials[phone_of("stt_005")] < 600  # the room ended under them
    assert dials[MIGRANT] < 600
    session = only_session(tmp_path)
    assert (session.status, session.outcome) == (SessionStatus.ENDED, "completed")
    assert {leg.role.value: leg.status for leg in session.legs} == {
        "entity": "completed", "interpreter": "completed", "migrant": "completed"}
    with store_of(tmp_path) as store:
        (five,) = [a for a in store.agents(parse_at(AT)) if a.agent_id == "stt_005"]
        assert (five.claimed_by, five.calls_taken) == (None, 1)


@pytest.mark.parametrize(("interpreter", "hears"), [
    ("answer:1:ring=18:talk=600",  # staff hear Portuguese: "no longer waiting for you"
     "Lamentamos, esta interpretação já não está disponível. Obrigado."),
    ("no-answer", ""),  # nobody else is rung
])
def test_without_a_status_callback_an_entity_gone_is_noticed_through_the_rest_api(
        tmp_path: Path, interpreter: str, hears: str) -> None:
    """The number's status callback is not set: the entity's hangup at 2:25, while its job
    number is read, reaches the app only when it asks Twilio, before each interpreter."""
    result = phone(tmp_path, *UKRAINIAN_NOW, "#", dial_default=interpreter, hangup_after=145)
    assert placed(result) == [phone_of("stt_005")]
    assert heard_by_others(result) == hears  # no whisper, no room, no migrant rung
    assert not [s for s in result.steps if s.verb == "Dial" and s.leg != result.call_sid]
    session = only_session(tmp_path)
    assert (session.status, session.outcome, session.started_at) == (
        SessionStatus.ENDED, "abandoned", None)
    assert sorted(leg.role.value for leg in session.legs) == ["entity", "interpreter"]
    with store_of(tmp_path) as store:
        assert all(agent.claimed_by is None for agent in store.agents(parse_at(AT)))


@pytest.mark.parametrize(("hangup_after", "in_room"), [
    (145, False),  # the job number is being read at 2:25
    (153, True),  # waiting in the room from about 2:27; stt_005 would answer at 2:37
])
def test_an_entity_hanging_up_before_anyone_answers_ends_the_session(
        tmp_path: Path, hangup_after: float, in_room: bool) -> None:
    result = phone(tmp_path, *UKRAINIAN_NOW, "#", dial_default="answer:1:ring=18:talk=600",
                   hangup_after=hangup_after, status_callback="/voice/status")
    assert placed(result) == [phone_of("stt_005")]  # rung, then cancelled; nobody else
    rooms = [s.fields["conference"] for s in result.steps
             if s.verb == "Dial" and s.leg == result.call_sid]
    assert bool(rooms) is in_room
    session = only_session(tmp_path)
    assert (session.status, session.outcome) == (SessionStatus.ENDED, "abandoned")
    assert session.started_at is None
    assert {leg.role.value: leg.status for leg in session.legs} == {
        "entity": "completed", "interpreter": "canceled"}
    assert heard_by_others(result) == ""  # never whispered to
    with store_of(tmp_path) as store:
        assert all(agent.claimed_by is None for agent in store.agents(parse_at(AT)))
