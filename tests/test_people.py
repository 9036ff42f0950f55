"""LAM operators end to end: the real app, the simulator and a real store.

Wednesday 9 December 2026 at 15:30 the LAM is open; the shipped (sample) roster has four
operators on shift who speak English and two who speak Ukrainian. Each test has a store of
its own.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support import ROOT, simulate

from ivr.menu import load_menu
from ivr.routing.shifts import available_ids
from ivr.simulator.clock import parse_at
from ivr.simulator.transcript import CallResult
from ivr.store import open_store

AT = "2026-12-09T15:30"
MENU = load_menu(ROOT / "menus")


def operators(language: str, at: str = AT) -> list[str]:
    """Return the phones of the operators on shift who speak a language, in claim order."""
    assert MENU.rosters is not None
    people = MENU.rosters.operators
    ids = sorted(i for i in available_ids(people.values(), parse_at(at))
                 if language in people[i].languages)
    return [people[i].phone for i in ids]


def phone(tmp_path: Path, *inputs: str, at: str = AT, settings: dict[str, str] | None = None,
          **options: object) -> CallResult:
    """Phone the helpline with a store of the test's own (its records written on return)."""
    result: CallResult = simulate(
        tmp_path, *inputs, at=at,
        settings={"IVR_FALLBACK_NUMBER": "+351210000999", **(settings or {})}, **options)
    return result


def steps(result: CallResult, verb: str, leg: str | None = None) -> list[dict[str, object]]:
    """Return one verb's steps on the caller's leg (or another), as JSON."""
    own = leg or result.call_sid
    return [s.to_json() for s in result.steps if s.verb == verb and s.leg == own]


def said(result: CallResult) -> str:
    """Join what the caller heard."""
    return " ".join(str(s["text"]) for s in steps(result, "Say"))


def store_of(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Open the test's store."""
    return open_store(None, tmp_path / "instance")


def test_the_sample_roster_at_this_time() -> None:
    assert len(operators("en")) == 4
    assert len(operators("uk")) == 2


def test_an_operator_accepts_the_whisper_and_is_freed_afterwards(tmp_path: Path) -> None:
    first = operators("en")[0]
    result = phone(tmp_path, "2", "1", dial_default="answer:1:talk=90")
    dials = steps(result, "Dial")
    assert [(d["numbers"], d["status"]) for d in dials] == [([first], "completed")]
    whisper = [s for s in result.steps if s.verb == "Say" and s.leg != result.call_sid]
    assert "Ukrainian" not in str(whisper)
    assert "inglês" in str(whisper[0].fields["text"])  # operators hear Portuguese
    with store_of(tmp_path) as store:
        record = store.call(result.call_sid)
        assert record is not None
        assert record.outcome is not None
        assert record.outcome.startswith("operator:lam_")
        assert "lam_operator" in record.path
        assert record.language == "en"
        assert all(a.state.value == "free" for a in store.agents(parse_at(AT)))


def test_a_declining_operator_is_followed_by_the_next(tmp_path: Path) -> None:
    first, second = operators("en")[:2]
    result = phone(tmp_path, "2", "1", dial=(f"{first}=decline",), dial_default="answer:1")
    dials = steps(result, "Dial")
    assert [d["numbers"] for d in dials] == [[first], [second]]
    assert dials[-1]["status"] == "completed"


def test_all_busy_then_queued_with_announcements_then_connected_when_one_frees(
        tmp_path: Path) -> None:
    others = ("after=0;from=+351911000001;input=7;input=1;talk=150",
              "after=2;from=+351911000002;input=7;input=1;talk=150")
    result = phone(tmp_path, "7", "0", "1", also=others,  # 0 hears the menu again: last
                   dial_default="answer:1:talk=150")
    enqueued = steps(result, "Enqueue")
    assert enqueued
    assert enqueued[0]["queue"] == "lam-uk"
    music = [s for s in steps(result, "Play") if str(s["url"]).endswith("/audio/music/hold.wav")]
    assert len(music) >= 3  # a place and a wait announced, then music, every half minute
    dials = steps(result, "Dial")
    assert dials[-1]["status"] == "completed"
    assert dials[-1]["numbers"][0] in operators("uk")  # type: ignore[index]


def test_a_long_wait_ends_in_a_callback_request(tmp_path: Path) -> None:
    result = phone(tmp_path, "2", "1", "1", "1", dial_default="decline")
    text = said(result)
    assert "We are sorry to keep you waiting for so long" in text
    assert "We will call you back on 9 1 2, 3 4 5, 6 7 8" in text
    assert "Thank you. We will call you back as soon as an operator is free." in text
    with store_of(tmp_path) as store:
        (callback,) = store.pending_callbacks()
        assert callback.number == "+351912345678"
        assert callback.source == "lam"
        assert callback.language == "en"
        record = store.call(result.call_sid)
        assert record is not None
        assert record.outcome == "callback:lam"


def test_a_callback_to_another_number_is_read_back(tmp_path: Path) -> None:
    result = phone(tmp_path, "2", "1", "1", "961234567#", "1", dial_default="decline")
    assert "You keyed in 9 6 1, 2 3 4, 5 6 7." in said(result)
    with store_of(tmp_path) as store:
        assert [c.number for c in store.pending_callbacks()] == ["+351961234567"]


def test_hanging_up_while_an_operator_rings_frees_them_and_rings_nobody_else(
        tmp_path: Path) -> None:
    first, second = operators("en")[:2]
    result = phone(tmp_path, "2", "1", dial_default="answer:1:ring=10", hangup_after=85,
                   status_callback="/voice/status")
    dials = steps(result, "Dial")
    assert [(d["numbers"], d["status"]) for d in dials] == [([first], "canceled")]
    assert second not in str(result.requests)
    with store_of(tmp_path) as store:
        record = store.call(result.call_sid)
        assert record is not None
        assert (record.outcome, record.status) == ("abandoned", "completed")
        assert all(a.state.value == "free" for a in store.agents(parse_at(AT)))


def test_hanging_up_in_the_queue_is_counted_as_abandoned(tmp_path: Path) -> None:
    result = phone(tmp_path, "2", "1", dial_default="decline", hangup_after=150,
                   status_callback="/voice/status")
    assert [e["result"] for e in steps(result, "Enqueue")][-1] == "hangup"
    assert any("/voice/queue?" in r.url for r in result.requests[-3:])
    with store_of(tmp_path) as store:
        record = store.call(result.call_sid)
        assert record is not None
        assert record.outcome == "abandoned"
        assert store.pending_callbacks() == []
        assert all(a.state.value == "free" for a in store.agents(parse_at(AT)))


def test_a_voicemail_ended_by_hanging_up_is_kept(tmp_path: Path) -> None:
    result = phone(tmp_path, "1", "1", "1", "record:12:hangup", at="2026-12-25T10:00")
    assert result.end.reason == "hangup"
    assert "/voice/record?" in result.requests[-1].url
    with store_of(tmp_path) as store:
        (voicemail,) = store.voicemails()
        assert (voicemail.duration_s, voicemail.language) == (12, "pt_PT")
        record = store.call(result.call_sid)
        assert record is not None
        assert record.outcome == "voicemail"


def test_store_down_sends_the_caller_to_the_fallback_number(tmp_path: Path) -> None:
    result = phone(tmp_path, "2", "1",
                   settings={"IVR_DATABASE_URL": "postgresql://ivr@127.0.0.1:1/none"})
    text = said(result)
    assert "Sorry, we cannot put you through right now" in text
    assert [d["numbers"] for d in steps(result, "Dial")] == [["+351210000999"]]
    assert "went wrong" not in text


@pytest.mark.parametrize("status", ["completed", "no-answer"])
def test_a_status_callback_releases_what_the_call_held(tmp_path: Path, status: str) -> None:
    from support import app_config, signed_post

    from ivr.store import AgentKind
    from ivr.web import create_app

    app = create_app(app_config(IVR_INSTANCE=str(tmp_path)))
    store = app.extensions["ivr"].store
    claim = store.claim_agent(AgentKind.OPERATOR, "en", candidates=None, by="CA1",
                              now=parse_at(AT), ttl_s=600)
    assert claim is not None
    signed_post(app.test_client(), "/voice/status", {"CallSid": "CA1", "CallStatus": status,
                                                     "CallDuration": "42"})
    assert store.held_by("CA1") == []
