"""The phone endpoint: a call replayed from its start, paused at the next question, in the
shape of ``ivr call --json`` plus what the page shows; and the phone's page."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from support import signed_post

from console.conftest import csrf_of
from ivr.web.console.twin import TWIN_LOG_PREFIX

AT = "2026-03-02T10:00"  # a Monday morning: every service is open


def phone(client: FlaskClient, *inputs: str, **fields: str) -> Any:
    """Post a call with these inputs; return its JSON."""
    answer = client.post("/console/phone", json={"at": AT, **fields, "inputs": list(inputs)},
                         headers={"X-CSRF-Token": csrf_of(client, "/console/")})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()


def said(call: Any) -> list[tuple[str, str]]:
    """List (language, text) of the caller's Say steps."""
    return [(e["language"], e["text"]) for e in call["events"]
            if e.get("verb") == "Say" and e["leg"] == "caller"]


def test_a_new_call_waits_at_the_language_menu(admin: FlaskClient) -> None:
    call = phone(admin)
    assert (call["state"], call["node"], call["language"], call["inputs_used"]) == (
        "waiting", "language", None, 0)
    assert call["waiting"] == {"for": "keys", "num_digits": 1, "finish_on_key": "",
                               "timeout": 6, "speech": False}
    assert call["call"]["end"] is None
    assert set(call["call"]) == {"call_sid", "from", "to", "at", "steps", "requests", "end",
                                 "warnings"}
    assert ("en-GB", "To continue in English, press 2.") in said(call)


def test_two_is_english_and_its_main_menu(admin: FlaskClient) -> None:
    call = phone(admin, "2")
    assert call["language"] == {"code": "en", "name": "English", "english_name": "English",
                                "lang": "en"}
    assert call["node"] == "main"
    language, text = said(call)[-1]
    assert language == "en-GB"
    assert "To talk to an operator of the Migrant Support Line, press 1." in text


def test_each_key_replays_the_call_and_adds_to_it(admin: FlaskClient) -> None:
    before, after = phone(admin, "2"), phone(admin, "2", "3")
    assert after["events"][:len(before["events"])] == before["events"]
    assert after["call"]["call_sid"] == before["call"]["call_sid"]
    assert after["node"] == "centres"
    assert "CNAIM Lisbon, press 1." in said(after)[-1][1]


def test_the_call_ends_in_a_transfer_to_the_centre(admin: FlaskClient) -> None:
    call = phone(admin, "2", "3", "1", "1")
    assert call["state"] == "ended"
    assert call["call"]["end"] == {"reason": "hangup", "error_code": None}
    dial = next(e for e in call["events"] if e.get("verb") == "Dial")
    assert (dial["numbers"], dial["status"]) == (["+351218106100"], "completed")
    assert call["call"]["steps"][-2]["verb"] == "Dial"


def test_the_tester_chooses_what_a_dialled_number_does(admin: FlaskClient) -> None:
    call = phone(admin, "2", "3", "1", "1", dial="busy")
    dial = next(e for e in call["events"] if e.get("verb") == "Dial")
    assert dial["status"] == "busy"


def test_a_postal_code_is_answered_with_four_keys(admin: FlaskClient) -> None:
    waiting = phone(admin, "2", "3", "7")
    assert waiting["waiting"]["num_digits"] == 4
    assert waiting["waiting"]["finish_on_key"] == "#"
    assert phone(admin, "2", "3", "7", "1150#")["node"] == "cnaim_lisbon"


def test_a_caller_from_cape_verde_hears_kabuverdianu_offered_first(admin: FlaskClient) -> None:
    call = phone(admin, **{"from": "+2389912345"})
    assert said(call)[0] == ("pt-PT", "Para Kabuverdianu, prima 9 e depois 2. "
                                      "Para continuar em português, prima 1.")


def test_recorded_prompts_are_played_from_this_app(admin: FlaskClient) -> None:
    call = phone(admin)
    plays = [e for e in call["events"] if e.get("verb") == "Play"]
    assert [p["audio"] for p in plays] == ["/audio/pt_PT/greeting.welcome.wav",
                                           "/audio/en/greeting.welcome.wav"]
    assert plays[1]["words"].startswith("Welcome to the Migrant Support Line")
    assert plays[0]["lang"] == "pt-PT"
    with admin.get(plays[0]["audio"]) as audio:
        assert (audio.status_code, audio.mimetype) == (200, "audio/wav")


def test_hanging_up_ends_the_call(admin: FlaskClient) -> None:
    call = phone(admin, "2", "hangup")
    assert call["state"] == "ended"
    assert call["call"]["end"]["reason"] == "hangup"


def test_words_answer_a_menu_that_listens_and_are_ignored_by_one_that_does_not(
        admin: FlaskClient) -> None:
    call = phone(admin, "say:English")
    assert call["node"] == "language"
    assert call["call"]["warnings"][-1]["message"] == \
        "a Gather with input='dtmf' ignores Speech"


def test_an_entity_says_the_language_it_needs(admin: FlaskClient) -> None:
    signed_in = ("2", "2", "4021170#", "381578#")  # a sample entity (tests/routing)
    listening = phone(admin, *signed_in, at="2026-12-02T10:00")
    assert listening["waiting"]["speech"] is True
    heard = phone(admin, *signed_in, "say:Ukrainian", at="2026-12-02T10:00")
    assert ("en-GB", "You asked for Ukrainian.") in [(lang, text[:24]) for lang, text in
                                                    said(heard)]


def test_inputs_after_the_end_are_not_used(admin: FlaskClient) -> None:
    call = phone(admin, "2", "3", "1", "1", "5", "5")
    assert (call["state"], call["inputs_used"]) == ("ended", 4)


def test_silence_makes_the_menu_say_so_and_repeat(admin: FlaskClient) -> None:
    quiet = phone(admin, "2", "")
    assert quiet["node"] == "main"
    assert len(said(quiet)) > len(said(phone(admin, "2")))


def test_the_clock_decides_what_is_open(admin: FlaskClient) -> None:
    sunday = phone(admin, "2", "1", at="2026-03-01T10:00")
    assert sunday["node"] != "lam_operator"
    assert any("closed" in text.lower() for _, text in said(sunday))


def test_a_console_call_reaches_no_real_person_and_leaves_no_record(app: Flask,
                                                                     admin: FlaskClient) -> None:
    store = app.extensions["ivr"].store
    before = store.recent_calls()
    assert phone(admin, "2", "1")["node"] == "lam_operator"
    assert store.recent_calls() == before
    assert all(agent.claimed_by is None for agent in store.agents(datetime.now(UTC)))


@pytest.mark.parametrize(("body", "says"), [
    ({"inputs": "2"}, "inputs must be a list"),
    ({"inputs": ["x"]}, "is not keys"),
    ({"inputs": ["1"] * 61}, "at most 60 inputs"),
    ({"inputs": [], "at": "tomorrow"}, "is not an ISO 8601 time"),
    ({"inputs": [], "dial": "explode"}, "explode"),
    ({"inputs": [], "to": "+351999999999"}, "the number called must be one of"),
    ([], "send a JSON object"),
])
def test_a_wrong_request_is_answered_400_with_a_sentence(admin: FlaskClient, body: Any,
                                                         says: str) -> None:
    answer = admin.post("/console/phone", json=body,
                        headers={"X-CSRF-Token": csrf_of(admin, "/console/")})
    assert answer.status_code == 400
    assert says in answer.get_json()["error"]


def test_the_phone_page_has_a_labelled_keypad_and_fields(admin: FlaskClient) -> None:
    page = admin.get("/console/").get_data(as_text=True)
    for control in ('for="at"', 'for="from"', 'for="to"', 'for="dial"', 'id="call"',
                    'id="hangup"', 'aria-label="Keypad"', 'data-key="#"', 'aria-label="star"',
                    'role="log"', 'value="2026-03-02T10:00"', "phone.js"):
        assert control in page
    assert page.count('class="key"') == 12


def test_a_test_call_is_marked_as_such_in_the_servers_log(
        admin: FlaskClient, app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="ivr.web")
    phone(admin, "2")
    twin = [r.getMessage() for r in caplog.records if r.name == "ivr.web.voice"]
    assert twin
    assert all(message.startswith(TWIN_LOG_PREFIX + "call CA") for message in twin)
    caplog.clear()
    signed_post(app.test_client(), "/voice/incoming",
                {"CallSid": "CA" + "7" * 32, "From": "+351912345678", "To": "+351808257257"})
    real = [r.getMessage() for r in caplog.records if r.name == "ivr.web.voice"]
    assert real
    assert not any(message.startswith(TWIN_LOG_PREFIX) for message in real)
