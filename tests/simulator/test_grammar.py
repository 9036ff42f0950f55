"""The tester's grammars: --input values, dial OUTCOMEs, --also calls, --at times."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from ivr.errors import SimulatorError
from ivr.simulator.actors import HangingUp, Keys, Recorded, Silence, Speech, parse_reply
from ivr.simulator.clock import parse_at, speech_seconds
from ivr.simulator.parties import DialPlan, OutcomeKind, parse_dial_option, parse_outcome
from ivr.simulator.session import parse_also


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("2", Keys("2")),
        ("1150#", Keys("1150#")),
        ("*9", Keys("*9")),
        ("", Silence()),
        ("say:quero ajuda", Speech("quero ajuda")),
        ("say:", Silence()),
        ("record:20", Recorded(20.0)),
        ("record:7.5:#", Recorded(7.5, "#")),
        ("hangup", HangingUp()),
    ],
)
def test_inputs(text: str, reply: object) -> None:
    assert parse_reply(text) == reply


@pytest.mark.parametrize("text", ["abc", "1a", "record:", "record:x", "record:5:a", "record:1:2:3"])
def test_bad_inputs(text: str) -> None:
    with pytest.raises(SimulatorError, match="is not"):
        parse_reply(text)


@pytest.mark.parametrize(
    ("text", "kind", "keys", "ring", "talk", "star"),
    [
        ("answer", OutcomeKind.ANSWER, (), 5.0, 60.0, None),
        ("answer:1", OutcomeKind.ANSWER, (Keys("1"),), 5.0, 60.0, None),
        ("answer:1:talk=120", OutcomeKind.ANSWER, (Keys("1"),), 5.0, 120.0, None),
        ("answer::2:ring=3", OutcomeKind.ANSWER, (Silence(), Keys("2")), 3.0, 60.0, None),
        ("answer:say=sim:star=30", OutcomeKind.ANSWER, (Speech("sim"),), 5.0, 60.0, 30.0),
        ("decline", OutcomeKind.DECLINE, (), 5.0, 60.0, None),
        ("busy", OutcomeKind.BUSY, (), 2.0, 60.0, None),
        ("no-answer", OutcomeKind.NO_ANSWER, (), 5.0, 60.0, None),
        ("failed:ring=0", OutcomeKind.FAILED, (), 0.0, 60.0, None),
    ],
)
def test_outcomes(
    text: str,
    kind: OutcomeKind,
    keys: tuple[object, ...],
    ring: float,
    talk: float,
    star: float | None,
) -> None:
    outcome = parse_outcome(text)
    assert (outcome.kind, outcome.replies, outcome.ring_seconds()) == (kind, keys, ring)
    assert (outcome.talk_s, outcome.star_s) == (talk, star)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("pick-up", "must start with one of answer, decline, busy, no-answer, failed"),
        ("busy:1", "only answer takes keys"),
        ("answer:talk=-1", "is not a number of seconds"),
        ("answer:wait=3", "has an unknown part 'wait=3'"),
        ("answer:x", "'x' is not keys"),
    ],
)
def test_bad_outcomes(text: str, message: str) -> None:
    with pytest.raises(SimulatorError, match=message):
        parse_outcome(text)


def test_a_number_gets_its_outcomes_in_turn_and_keeps_the_last() -> None:
    number, outcomes = parse_dial_option("210 000 101=no-answer,answer:1")
    plan = DialPlan({number: outcomes})
    kinds = [plan.outcome_for("+351210000101").kind for _ in range(3)]
    assert kinds == [OutcomeKind.NO_ANSWER, OutcomeKind.ANSWER, OutcomeKind.ANSWER]
    assert plan.outcome_for("+351210000999").kind is OutcomeKind.ANSWER  # scripted runs answer


def test_another_call_is_read_from_its_spec() -> None:
    plan = parse_also(
        "after=60; from=+351210000150; input=1; input=; talk=30", "https://a.test/v", 2
    )
    assert (plan.after_s, plan.from_, plan.url, plan.label) == (
        60.0,
        "+351210000150",
        "https://a.test/v",
        "call 2",
    )
    assert plan.actor.talk_s == 30.0
    with pytest.raises(SimulatorError, match="is not after="):
        parse_also("when=now", "https://a.test/v", 2)


def test_times_without_an_offset_are_lisbon_wall_time() -> None:
    summer = parse_at("2026-07-01T09:00")
    assert summer == datetime(2026, 7, 1, 9, 0, tzinfo=ZoneInfo("Europe/Lisbon"))
    assert summer.utcoffset() is not None
    assert summer.utcoffset().total_seconds() == 3600
    assert parse_at("2026-07-01T09:00+00:00").utcoffset().total_seconds() == 0


def test_speech_takes_longer_in_slower_languages() -> None:
    text = "um dois três quatro cinco seis sete oito nove dez"
    assert speech_seconds(text, "pt-PT") == 4.0
    assert speech_seconds(text, "ru-RU") > speech_seconds(text, "en-GB")
