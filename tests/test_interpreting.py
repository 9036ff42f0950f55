"""The STT end to end, up to the interpreter: identification, language, gender, nobody free.

The real app and the simulator, with a store of each test's own; see ``stt_support`` for the
roster at the time of these calls.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from stt_support import (
    ACCOUNT,
    AT,
    DESK,
    ENTITY,
    FALLBACK,
    UKRAINIAN,
    heard_by_others,
    phone,
    phone_of,
    placed,
    prepared_store,
    said,
    store_of,
)

from ivr.simulator.clock import parse_at
from ivr.store import AgentKind, SessionStatus

TALK = "answer:1:talk=600"  # the interpreter stays until the entity leaves


def occupy(tmp_path: Path, *agent_ids: str) -> None:
    """Give interpreters to another call before the entity phones."""
    with prepared_store(tmp_path) as store:
        for agent_id in agent_ids:
            assert store.claim_agent(AgentKind.INTERPRETER, "ukrainian", candidates=[agent_id],
                                     by="CA-other", now=parse_at(AT), ttl_s=3600) is not None


def test_by_code_the_certified_interpreter_joins_and_the_session_is_recorded(
        tmp_path: Path) -> None:
    result = phone(tmp_path, *ENTITY, "870", "1", "1", "#", dial_default=TALK)
    text = said(result)
    assert "You asked for Ukrainian. If that is right, say yes or press 1." in text
    assert placed(result) == [phone_of("stt_005")]
    with store_of(tmp_path) as store:
        (session,) = store.sessions()
        assert f"Your job number is {' '.join(session.job)}. Please note it down." in text
        assert (f"interpretação de Ucraniano para a entidade Hospital Distrital de Vale Fundo, "
                f"referência {' '.join(session.job)}. Para aceitar, prima 1."
                ) in heard_by_others(result)  # staff hear the flow's first language
        assert (session.status, session.outcome) == (SessionStatus.ENDED, "completed")
        assert (session.language, session.entity_account, session.interpreter_id) == (
            "ukrainian", ACCOUNT, "stt_005")
        assert session.started_at is not None
        assert session.ended_at is not None
        assert session.conference == f"stt-{result.call_sid}"
        legs = {leg.role.value: leg for leg in session.legs}
        assert legs["entity"].call_sid == result.call_sid
        assert (legs["interpreter"].outcome, legs["interpreter"].status) == (
            "accepted", "completed")
        assert all(a.claimed_by is None for a in store.agents(parse_at(AT)))
        record = store.call(result.call_sid)
        assert record is not None
        assert record.outcome == f"interpreter:{session.job}"


def test_by_speech_the_name_is_read_back_and_yes_said_aloud(tmp_path: Path) -> None:
    result = phone(tmp_path, *ENTITY, "say:ucraniano", "say:yes", "1", "#", dial_default=TALK)
    assert "You asked for Ukrainian." in said(result)
    gathers = [s.fields for s in result.steps if s.verb == "Gather" and s.fields.get("speech")]
    assert [g["speech"] for g in gathers] == ["ucraniano", "yes"]
    assert placed(result) == [phone_of("stt_005")]


def test_a_no_asks_for_the_language_again(tmp_path: Path) -> None:
    result = phone(tmp_path, *ENTITY, "say:russo", "2", "870", "1", "1", "#", dial_default=TALK)
    text = said(result)
    assert "You asked for Russian." in text
    assert text.count("Please say the name of the language you need") == 2
    assert "You asked for Ukrainian." in text


def test_several_languages_heard_are_offered_by_key(tmp_path: Path) -> None:
    result = phone(tmp_path, *ENTITY, "say:crioulo", "9", "870", "1", "1", "#",
                   dial_default=TALK)
    text = said(result)
    assert "We heard more than one language." in text
    assert "Guinea-Bissau Creole, press 1. Cape Verdean Creole, press 2." in text
    assert "If it is none of these, press 9." in text
    assert placed(result) == [phone_of("stt_005")]


def test_an_unknown_language_or_code_is_asked_again(tmp_path: Path) -> None:
    result = phone(tmp_path, *ENTITY, "say:klingon", "999", "870", "1", "1", "#",
                   dial_default=TALK)
    text = said(result)
    assert "Sorry, we did not recognise that language." in text
    assert "Sorry, that is not the code of a language of the service." in text
    assert "You asked for Ukrainian." in text


def test_a_wrong_access_code_three_times_goes_to_the_operator(tmp_path: Path) -> None:
    result = phone(tmp_path, "2", "2", f"{ACCOUNT}#", "000000#", "1111111#", "381578#",
                   f"{ACCOUNT}#", "123456#")
    text = said(result)
    assert text.count("that account number and access code do not match") == 2
    assert "Sorry, we could not check your account." in text
    assert "language" not in text.split("could not check")[1]
    assert "wrong account" not in text
    assert "wrong code" not in text
    dials = [s.fields for s in result.steps if s.verb == "Dial"]
    assert dials[-1]["numbers"] == [DESK]
    with store_of(tmp_path) as store:
        assert store.sessions() == []


def test_the_preferred_gender_is_honoured(tmp_path: Path) -> None:
    result = phone(tmp_path, *ENTITY, "870", "1", "2", "#", dial_default=TALK)
    assert placed(result) == [phone_of("stt_003")]
    with store_of(tmp_path) as store:
        (session,) = store.sessions()
        assert (session.gender_wanted, session.interpreter_id) == ("f", "stt_003")


def test_no_female_interpreter_free_is_said_then_anyone_taken(tmp_path: Path) -> None:
    occupy(tmp_path, "stt_003", "stt_103")
    result = phone(tmp_path, *ENTITY, "870", "1", "2", "#", "1", dial_default=TALK)
    text = said(result)
    assert "Sorry, no female interpreter of this language is free right now." in text
    assert "To be put through to an interpreter of any gender now, press 1." in text
    assert placed(result) == [phone_of("stt_005")]
    with store_of(tmp_path) as store:
        (session,) = store.sessions()
        assert (session.gender_wanted, session.interpreter_id) == (None, "stt_005")


def test_nobody_free_is_recorded_and_a_callback_taken(tmp_path: Path) -> None:
    occupy(tmp_path, *UKRAINIAN)
    result = phone(tmp_path, *ENTITY, "870", "1", "1", "#", "2", "1")
    text = said(result)
    assert "Sorry, no interpreter of Ukrainian is free right now." in text
    assert "To talk to an operator of the interpreting service, press 1." in text
    assert "To be called back when an interpreter is free, press 2." in text
    assert "To book an interpreter for a later date and time, press 3." in text
    assert "Thank you. We will call you back as soon as an operator is free." in text
    assert placed(result) == []
    with store_of(tmp_path) as store:
        (session,) = store.sessions()
        assert (session.status, session.outcome) == (SessionStatus.UNFILLED, "unfilled")
        (callback,) = store.pending_callbacks()
        assert (callback.source, callback.number) == ("stt", "+351912345678")
        record = store.call(result.call_sid)
        assert record is not None
        assert record.outcome == "callback:stt"


def test_nobody_free_offers_the_stt_operator(tmp_path: Path) -> None:
    occupy(tmp_path, *UKRAINIAN)
    result = phone(tmp_path, *ENTITY, "870", "1", "1", "#", "1")
    dials = [s.fields for s in result.steps if s.verb == "Dial"]
    assert dials[-1]["numbers"] == [DESK]


def test_the_store_down_gives_an_apology_and_the_fallback_number(tmp_path: Path) -> None:
    result = phone(tmp_path, "2", "2",
                   settings={"IVR_DATABASE_URL": "postgresql://ivr@127.0.0.1:1/none"})
    text = said(result)
    assert "Sorry, we cannot put you through right now." in text
    assert "went wrong" not in text
    dials = [s.fields for s in result.steps if s.verb == "Dial"]
    assert [d["numbers"] for d in dials] == [[FALLBACK]]


@pytest.mark.parametrize("closed_at", ["2026-12-09T19:00", "2026-12-25T10:00"])
def test_the_service_closed_says_its_hours(tmp_path: Path, closed_at: str) -> None:
    result = phone(tmp_path, "2", "2", at=closed_at)
    text = said(result)
    assert "Opening hours: Monday to Friday, 9:00 to 19:00." in text
    assert "account number" not in text
