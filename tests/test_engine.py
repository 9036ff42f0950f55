"""The call state machine, pure: step(menu, state, event, now) over every node kind."""

from __future__ import annotations

from datetime import datetime

import pytest
from support import ROOT, lisbon

from ivr.engine import (
    Caller,
    CallState,
    Dial,
    Endpoint,
    Event,
    EventKind,
    Gather,
    Hangup,
    IllegalEvent,
    Outcome,
    Record,
    Redirect,
    SaveVoicemail,
    SendSms,
    Speak,
    recover,
    step,
)
from ivr.errors import UnknownNode
from ivr.menu import Menu, load_menu
from ivr.prompts import LanguageName, Literal, Prompt

MENU = load_menu(ROOT / "menus")
OPEN = lisbon("2026-12-07T10:00")  # Monday
CLOSED = lisbon("2026-12-07T20:00")
MOBILE = Caller("+351912345678", "PT", is_mobile=True, can_sms=True)
LANDLINE = Caller("+351218000000", "PT")


def run(node: str, kind: EventKind = EventKind.ENTER, *, lang: str | None = "en",
        fails: int = 0, phase: str = "", now: datetime = OPEN, caller: Caller = LANDLINE,
        menu: Menu = MENU, **fields: object) -> tuple[tuple[object, ...], CallState]:
    """Step the shipped menu once."""
    event = Event(kind, caller, **fields)  # type: ignore[arg-type]
    return step(menu, CallState(node, lang, fails, phase), event, now)


def prompt_ids(actions: tuple[object, ...]) -> list[str]:
    """List the prompt ids said, gathered ones included, in order."""
    ids: list[str] = []
    for action in actions:
        speech = getattr(action, "speech", ())
        ids.extend(p.id for p in speech if isinstance(p, Prompt))
    return ids


def kinds(actions: tuple[object, ...]) -> list[str]:
    """List the action types in order."""
    return [type(a).__name__ for a in actions]


# -- language choice ------------------------------------------------------------------------


def test_entry_greets_in_two_languages_then_listens() -> None:
    actions, state = run("welcome", lang=None)
    assert kinds(actions) == ["Speak", "Gather", "Redirect"]
    greeting = actions[0]
    assert isinstance(greeting, Speak)
    assert [p.lang for p in greeting.speech if isinstance(p, Prompt)] == ["pt_PT", "en"]
    assert state.node == "language"


def test_each_language_is_announced_in_itself() -> None:
    actions, _ = run("language", lang=None)
    gather = actions[0]
    assert isinstance(gather, Gather)
    announced = [(p.id, p.lang) for p in gather.speech if isinstance(p, Prompt)]
    assert ("language.choose", "uk") in announced
    assert ("language.choose", "ar") in announced
    assert ("menu.option", "pt_PT") in announced  # key 9, in the default languages


def test_voiceless_language_is_announced_in_itself_or_named_in_its_fallback() -> None:
    actions, _ = run("language_more", lang=None)
    gather = actions[0]
    assert isinstance(gather, Gather)
    voiceless = {"kea": "pt_PT", "pov": "pt_PT", "ff": "fr", "mnk": "fr", "wo": "fr"}
    announced = {p.lang: p for p in gather.speech
                 if isinstance(p, Prompt) and p.id == "language.choose" and p.lang in voiceless}
    assert set(announced) == set(voiceless)
    for code, fallback in voiceless.items():
        prompt = announced[code]
        assert prompt.exact  # in the language itself (a recording), never in another
        named = prompt.otherwise
        assert named is not None
        assert (named.id, named.lang, named.params["language"]) == (
            "language.option", fallback, LanguageName(code))


@pytest.mark.parametrize(("region", "keys"), [("UA", ("7",)), ("CV", ("9", "2")),
                                              ("SN", ("9", "6")), ("MD", ("9", "1"))])
def test_suggested_language_is_announced_first(region: str, keys: tuple[str, ...]) -> None:
    caller = Caller("+10000000000", region)
    actions, _ = run("language", lang=None, caller=caller)
    gather = actions[0]
    assert isinstance(gather, Gather)
    first = gather.speech[0]
    assert isinstance(first, Prompt)
    assert tuple(first.params[name].key for name in ("key", "key2")  # type: ignore
                 if name in first.params) == keys


def test_choosing_a_language_goes_to_the_main_menu_in_it() -> None:
    actions, state = run("language", EventKind.INPUT, lang=None, digits="7")
    assert state == CallState("main", "uk")
    gather = actions[0]
    assert isinstance(gather, Gather)
    assert gather.target.state == CallState("main", "uk")
    assert {p.lang for p in gather.speech if isinstance(p, Prompt)} == {"uk"}


def test_second_page_and_back() -> None:
    _, page_two = run("language", EventKind.INPUT, lang=None, digits="9")
    assert page_two.node == "language_more"
    _, chosen = run("language_more", EventKind.INPUT, lang=None, digits="2")
    assert chosen == CallState("main", "kea")
    _, back = run("language_more", EventKind.INPUT, lang=None, digits="*")
    assert back.node == "language"


# -- menus, failures and the last resort -----------------------------------------------------


@pytest.mark.parametrize(("pressed", "node"), [
    ("1", "lam_operator"), ("2", "stt"), ("3", "centres"), ("4", "offices"),
    ("5", "citizen"), ("0", "main"), ("*", "language"),
])
def test_main_menu_keys(pressed: str, node: str) -> None:
    _, state = run("main", EventKind.INPUT, digits=pressed)
    assert state.node == node


@pytest.mark.parametrize("kind", [EventKind.INPUT, EventKind.SILENCE])
def test_failures_escalate_to_the_last_resort(kind: EventKind) -> None:
    expected = "menu.invalid" if kind is EventKind.INPUT else "menu.silence"
    actions, state = run("main", kind, digits="8")
    assert prompt_ids(actions)[0] == expected
    assert state == CallState("main", "en", fails=1)
    _, state = run("main", kind, digits="8", fails=1)
    assert state.fails == 2
    actions, state = run("main", kind, digits="8", fails=2)
    assert prompt_ids(actions)[0] == "menu.too_many"
    assert state.node == "last_resort_operator"  # LAM open: an operator
    assert "error.unavailable" in prompt_ids(actions)  # no people here: see test_people


def test_last_resort_when_closed_says_goodbye() -> None:
    actions, _ = run("main", EventKind.SILENCE, fails=2, now=CLOSED)
    ids = prompt_ids(actions)
    assert ids[0] == "menu.too_many"
    assert "closed.now" in ids
    assert "closed.emergency" in ids
    assert ids[-1] == "goodbye"
    assert isinstance(actions[-1], Hangup)


def test_repeat_keeps_the_failure_count() -> None:
    _, state = run("main", EventKind.INPUT, digits="0", fails=2)
    assert state == CallState("main", "en", fails=2)


def test_a_menu_with_its_own_last_resort() -> None:
    actions, state = run("voicemail_offer", EventKind.SILENCE, fails=2)
    assert state.node == "goodbye"
    assert isinstance(actions[-1], Hangup)


def test_silence_falls_through_to_the_input_webhook() -> None:
    actions, state = run("main", fails=1)
    gather, redirect = actions
    assert isinstance(gather, Gather)
    assert isinstance(redirect, Redirect)
    assert gather.target == redirect.target
    assert redirect.target.endpoint is Endpoint.INPUT
    assert redirect.target.state == CallState("main", "en", fails=1)


# -- hours, closed, transfer ---------------------------------------------------------------


def test_hours_branch_when_open_goes_on_to_the_next_node() -> None:
    actions, state = run("stt_hours")
    assert state.node == "stt"
    assert prompt_ids(actions)[0] == "stt.intro"


def test_a_transfer_dials_its_entry_with_a_fallback() -> None:
    actions, state = run("stt_desk")
    assert state.node == "stt_desk"
    dial = actions[-1]
    assert isinstance(dial, Dial)
    assert dial.number == "+351210000102"
    assert dial.timeout == 30
    assert dial.target.endpoint is Endpoint.DIAL


def test_hours_branch_when_closed_announces_and_offers_voicemail() -> None:
    actions, state = run("lam_hours", now=CLOSED)
    assert state.node == "voicemail_offer"
    ids = prompt_ids(actions)
    assert ids[:5] == ["closed.now", "closed.hours", "closed.holidays", "closed.next",
                       "closed.emergency"]


def test_transfer_to_a_closed_service_never_dials() -> None:
    actions, state = run("lam_operator", now=CLOSED)
    assert not any(isinstance(a, Dial) for a in actions)
    assert state.node == "voicemail_offer"


@pytest.mark.parametrize("status", ["busy", "no-answer", "failed", "canceled"])
def test_transfer_failure_goes_to_the_fallback(status: str) -> None:
    actions, state = run("stt_desk", EventKind.DIAL_DONE, dial_status=status)
    assert prompt_ids(actions)[0] == "transfer.failed"
    assert state.node == "voicemail_offer"


def test_a_caller_gone_before_the_transfer_answered_is_taken_nowhere() -> None:
    actions, state = run("stt_desk", EventKind.DIAL_DONE, dial_status="canceled",
                         call_status="completed")
    assert actions[-1] == Hangup()
    assert not any(isinstance(a, Dial | Gather | Record) for a in actions)
    assert state.node == "stt_desk"


def test_transfer_connected_hangs_up_quietly() -> None:
    actions, _ = run("stt_desk", EventKind.DIAL_DONE, dial_status="completed")
    assert actions == (Outcome("transferred:stt_desk"), Hangup())


# -- messages, voicemail, hang-up ------------------------------------------------------------


def test_message_continues_to_its_next_node() -> None:
    actions, state = run("gav_emergency")
    assert prompt_ids(actions)[0] == "gav.emergency"
    assert state.node == "gav"


def test_voicemail_records_then_thanks() -> None:
    actions, _ = run("voicemail")
    assert kinds(actions) == ["Speak", "Record", "Redirect"]
    record = actions[1]
    assert isinstance(record, Record)
    assert record.max_length == 120
    actions, state = run("voicemail", EventKind.RECORDED, recording_url="https://r/RE1",
                         recording_duration=12)
    assert isinstance(actions[0], SaveVoicemail)
    assert actions[0].duration == 12
    assert "voicemail.thanks" in prompt_ids(actions)
    assert isinstance(actions[-1], Hangup)
    assert state.node == "goodbye"


def test_empty_voicemail() -> None:
    actions, _ = run("voicemail", EventKind.NO_RECORDING)
    assert prompt_ids(actions)[0] == "voicemail.none"


def test_hangup_node() -> None:
    actions, _ = run("goodbye")
    assert prompt_ids(actions) == ["goodbye"]
    assert isinstance(actions[-1], Hangup)


# -- cards and postcodes ---------------------------------------------------------------------


def test_card_reads_the_entry_and_offers_connect_and_sms_to_mobiles() -> None:
    actions, _ = run("cnaim_lisbon", caller=MOBILE)
    gather = actions[0]
    assert isinstance(gather, Gather)
    ids = [p.id for p in gather.speech if isinstance(p, Prompt)]
    assert ids[0] == "card.title"
    assert {"card.address", "card.public_services", "card.hours", "card.open_now",
            "card.phone", "card.email"} <= set(ids)
    assert any(isinstance(p, Literal) and "1150-025" in p.text for p in gather.speech)
    labels = [p.params["label"].id for p in gather.speech  # type: ignore[union-attr]
              if isinstance(p, Prompt) and p.id == "menu.option"]
    assert labels == ["card.connect", "card.sms"]


def test_card_offers_no_sms_to_a_landline_and_no_transfer_when_closed() -> None:
    actions, _ = run("cnaim_lisbon", now=CLOSED)
    gather = actions[0]
    assert isinstance(gather, Gather)
    ids = [p.id for p in gather.speech if isinstance(p, Prompt)]
    assert "card.closed_now" in ids
    assert "menu.option" not in ids


def test_card_connect_dials_the_entry() -> None:
    actions, _ = run("cnaim_north", EventKind.INPUT, digits="1")
    dial = actions[-1]
    assert isinstance(dial, Dial)
    assert dial.number == "+351222073810"


def test_card_without_phone_cannot_connect() -> None:
    actions, state = run("cnaim_algarve", EventKind.INPUT, digits="1")
    assert prompt_ids(actions)[0] == "menu.invalid"
    assert state.phase == "options"


def test_card_sms_then_options_again() -> None:
    actions, state = run("cnaim_lisbon", EventKind.INPUT, digits="2", caller=MOBILE)
    sms = actions[0]
    assert isinstance(sms, SendSms)
    assert sms.to == MOBILE.number
    assert state.phase == "options"
    gather = actions[1]
    assert isinstance(gather, Gather)
    assert "card.title" not in [p.id for p in gather.speech if isinstance(p, Prompt)]


def test_card_dial_failure_returns_to_its_options() -> None:
    actions, state = run("cnaim_north", EventKind.DIAL_DONE, dial_status="busy")
    assert prompt_ids(actions)[0] == "transfer.failed"
    assert state == CallState("cnaim_north", "en", phase="options")


@pytest.mark.parametrize(("digits", "node"), [
    ("1150", "cnaim_lisbon"), ("4050", "cnaim_north"), ("6230", "claim_fundao"),
    ("7800", "cnaim_beja"), ("8000", "cnaim_algarve"), ("9000", "cnaim_lisbon"),
])
def test_postcode_finds_the_nearest_centre(digits: str, node: str) -> None:
    _, state = run("nearest_centre", EventKind.INPUT, digits=digits)
    assert state.node == node


@pytest.mark.parametrize(("digits", "prompt"), [("0999", "postcode.unknown"),
                                                ("12", "menu.invalid"), ("", "menu.invalid")])
def test_postcode_not_understood(digits: str, prompt: str) -> None:
    actions, state = run("nearest_centre", EventKind.INPUT, digits=digits)
    assert prompt_ids(actions)[0] == prompt
    assert state.fails == 1


def test_postcode_gather_takes_four_digits() -> None:
    actions, _ = run("nearest_centre")
    gather = actions[0]
    assert isinstance(gather, Gather)
    assert (gather.num_digits, gather.finish_on_key, gather.timeout) == (4, "#", 10)


# -- illegal events and recovery -----------------------------------------------------------


def test_unknown_node() -> None:
    with pytest.raises(UnknownNode, match="nowhere"):
        run("nowhere")


def test_illegal_event_names_node_state_and_event() -> None:
    with pytest.raises(IllegalEvent, match=r"'main'.*'dial'.*'n': 'main'"):
        run("main", EventKind.DIAL_DONE)


def test_recover_apologises_and_goes_home() -> None:
    actions, state = recover(MENU, CallState("nowhere", "uk"), Event(EventKind.ENTER), OPEN)
    assert prompt_ids(actions)[0] == "error.apology"
    assert state.node == "main"
    assert state.lang == "uk"
    _, state = recover(MENU, CallState("nowhere"), Event(EventKind.ENTER), OPEN)
    assert state.node == "language"


def test_state_round_trips_through_the_url() -> None:
    state = CallState("cnaim_lisbon", "ro_MD", 2, "options")
    assert CallState.from_query(state.to_query(), "x") == state
    assert CallState.from_query({"n": "Main", "l": "mo", "f": "x", "p": "1"}, "x") == (
        CallState("x"))
