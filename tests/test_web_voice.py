"""The voice webhooks through the real Flask app, with signed requests."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from flask.testing import FlaskClient
from freezegun import freeze_time
from support import TOKEN, app_config, signed_post, spoken, spoken_text, twiml

from ivr.errors import ConfigError
from ivr.web import create_app

UKRAINIAN_MOBILE = {"From": "+380501234567", "To": "+351808257257", "CallSid": "CA" + "1" * 32}
PORTUGUESE_MOBILE = {"From": "+351912345678", "To": "+351808257257", "CallSid": "CA" + "2" * 32}

# Monday 7 December 2026 is a working day; 8 December is a holiday.
OPEN_MONDAY = "2026-12-07 10:00:00"


def test_incoming_call_greets_and_offers_languages(client: FlaskClient) -> None:
    root = twiml(signed_post(client, "/voice/incoming", PORTUGUESE_MOBILE))
    first_two = spoken(root)[:1]
    assert first_two[0][0] == "pt-PT"
    assert root.find("./Say[@language='en-GB']") is not None
    gather = root.find("./Gather")
    assert gather is not None
    assert gather.get("numDigits") == "1"
    assert gather.get("action") == "/voice/input?n=language"
    redirect = root.find("./Redirect")
    assert redirect is not None
    assert redirect.text == "/voice/input?n=language"


def test_caller_from_ukraine_hears_ukrainian_first(client: FlaskClient) -> None:
    root = twiml(signed_post(client, "/voice/incoming", UKRAINIAN_MOBILE))
    gather = root.find("./Gather")
    assert gather is not None
    first = gather.find("./Say")
    assert first is not None
    assert first.get("language") == "uk-UA"
    assert "7" in (first.text or "")


def test_choosing_english_opens_the_main_menu_in_english(client: FlaskClient) -> None:
    root = twiml(signed_post(client, "/voice/input?n=language", {**PORTUGUESE_MOBILE,
                                                                  "Digits": "2"}))
    gather = root.find("./Gather")
    assert gather is not None
    assert gather.get("action") == "/voice/input?n=main&l=en"
    assert {lang for lang, _ in spoken(root)} == {"en-GB"}
    assert "press 5" in spoken_text(root)


def test_get_is_accepted_on_the_incoming_webhook(client: FlaskClient) -> None:
    from twilio.request_validator import RequestValidator

    url = "/voice/incoming?From=%2B351912345678&CallSid=CA1"
    signature = RequestValidator(TOKEN).compute_signature("http://localhost" + url, {})
    root = twiml(client.get(url, headers={"X-Twilio-Signature": signature}))
    assert root.find("./Gather") is not None


# -- signatures -------------------------------------------------------------------------------


def test_missing_signature_is_refused_with_403_and_twiml(client: FlaskClient) -> None:
    response = client.post("/voice/incoming", data=PORTUGUESE_MOBILE)
    assert response.status_code == 403
    twiml(response)


def test_forged_signature_is_refused(client: FlaskClient) -> None:
    response = client.post("/voice/incoming", data=PORTUGUESE_MOBILE,
                           headers={"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"})
    assert response.status_code == 403


def test_signature_with_another_token_is_refused(client: FlaskClient) -> None:
    response = signed_post(client, "/voice/incoming", PORTUGUESE_MOBILE, token="other")
    assert response.status_code == 403


def test_tampered_state_in_the_url_is_refused(client: FlaskClient) -> None:
    from twilio.request_validator import RequestValidator

    signature = RequestValidator(TOKEN).compute_signature(
        "http://localhost/voice/input?n=main&l=en", {"Digits": "1"})
    response = client.post("/voice/input?n=main&l=ar", data={"Digits": "1"},
                           headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403


@pytest.mark.parametrize("body", [
    "CallSid=CA1&From=%2B351912345678&To=%2B351808257257",
    "SpeechResult=ucraniano+por+favor&Confidence=0.9&Digits=",
    "a=1&&b=&c&d=%C3%A9%20%2B+x&e=%ZZ&f=%E2%82&=v&g==h&a=2",
    "Caller=client%3Aalice&CallerName=Jos%C3%A9+Mar%C3%ADa&x%2By=1%3D2",
    "a=%2B351&b=a%2Bb%2B&c=%2b1&d=%2B%20&e=+%2B&f=%2B%2&g=%252B&h=%2B%2B%2B",
    "",
])
def test_the_form_parser_reads_what_parse_qsl_reads(body: str) -> None:
    from urllib.parse import parse_qsl

    from ivr.web.security import form_pairs

    assert form_pairs(body) == parse_qsl(body, keep_blank_values=True)


def test_the_validator_signs_a_form_as_twilio_s_own_code_does() -> None:
    from twilio.request_validator import RequestValidator

    from ivr.web.security import FormParams, Validator

    form = FormParams({**PORTUGUESE_MOBILE, "CallerName": "José + filhos", "Digits": "",
                       "SpeechResult": "ucraniano; por favor & obrigado", "Zz": "1", "aa": "2"})
    url = "https://ivr.example.pt/voice/input?n=main&l=en"
    assert Validator(TOKEN).compute_signature(url, form) == RequestValidator(
        TOKEN).compute_signature(url, dict(form))
    assert Validator(TOKEN).compute_signature(url, form) != RequestValidator(
        "other").compute_signature(url, dict(form))


def test_encoded_repeated_and_blank_parameters_are_signed_as_sent(client: FlaskClient) -> None:
    form = {**PORTUGUESE_MOBILE, "CallerName": "José María + filhos", "Digits": "",
            "SpeechResult": "ucraniano; por favor & obrigado"}
    assert signed_post(client, "/voice/incoming", form).status_code == 200
    assert signed_post(client, "/voice/incoming", form, token="other").status_code == 403


def test_public_base_url_is_what_twilio_signed() -> None:
    app = create_app(app_config(IVR_PUBLIC_BASE_URL="https://ivr.example.pt"))
    client = app.test_client()
    behind_proxy = signed_post(client, "/voice/incoming", PORTUGUESE_MOBILE,
                               base="https://ivr.example.pt")
    assert behind_proxy.status_code == 200
    gather = twiml(behind_proxy).find("./Gather")
    assert gather is not None
    assert gather.get("action") == "https://ivr.example.pt/voice/input?n=language"
    as_seen_locally = signed_post(client, "/voice/incoming", PORTUGUESE_MOBILE)
    assert as_seen_locally.status_code == 403


def test_validation_can_be_turned_off_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        app = create_app(app_config(IVR_VALIDATE_SIGNATURES=False))
    assert "signature validation is OFF" in caplog.text
    response = app.test_client().post("/voice/incoming", data=PORTUGUESE_MOBILE)
    assert response.status_code == 200


def test_validation_without_a_token_refuses_to_start() -> None:
    with pytest.raises(ConfigError, match="IVR_AUTH_TOKEN"):
        create_app(app_config(IVR_AUTH_TOKEN=""))


# -- bad input never gets a 500 ------------------------------------------------------------


@pytest.mark.parametrize("digits", ["abc", "77", "", "#", "1234567890" * 10, "\u0661", "*#*"])
def test_garbage_digits_get_a_helpful_prompt(client: FlaskClient, digits: str) -> None:
    response = signed_post(client, "/voice/input?n=main&l=en", {**PORTUGUESE_MOBILE,
                                                               "Digits": digits})
    assert response.status_code == 200
    root = twiml(response)
    assert "not one of the options" in spoken_text(root)
    gather = root.find("./Gather")
    assert gather is not None
    assert gather.get("action") == "/voice/input?n=main&l=en&f=1"


@pytest.mark.parametrize("path", [
    "/voice/enter?n=no_such_node&l=en",
    "/voice/input?n=no_such_node&l=en",
    "/voice/input?n=DROP_TABLE&l=en",
    "/voice/dial?n=main&l=en",
    "/voice/record?n=main&l=en",
    "/voice/enter",
    "/voice/input?l=xx&f=-3&p=!!",
])
def test_unknown_nodes_and_wrong_events_restart_with_an_apology(client: FlaskClient,
                                                                path: str) -> None:
    response = signed_post(client, path, PORTUGUESE_MOBILE)
    assert response.status_code == 200
    root = twiml(response)
    assert root.find("./Gather") is not None
    text = spoken_text(root)
    assert "went wrong" in text or "Lamentamos" in text or "Sorry" in text


@pytest.mark.parametrize("path", ["/voice/incoming", "/voice/enter?n=main&l=pt_PT",
                                  "/voice/input?n=main&l=pt_PT", "/voice/dial?n=lam_operator",
                                  "/voice/record?n=voicemail&l=en", "/voice/status"])
def test_missing_form_fields_still_get_twiml(client: FlaskClient, path: str) -> None:
    response = signed_post(client, path, {})
    assert response.status_code == 200
    twiml(response)


def test_unknown_webhook_path_answers_twiml(client: FlaskClient) -> None:
    response = signed_post(client, "/voice/nowhere", PORTUGUESE_MOBILE)
    assert response.status_code == 200
    twiml(response)


def test_a_bug_is_answered_with_an_apology_in_the_callers_language(
        client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr("ivr.web.voice.step", broken)
    response = signed_post(client, "/voice/input?n=main&l=en", {**PORTUGUESE_MOBILE,
                                                               "Digits": "1"})
    assert response.status_code == 200
    root = twiml(response)
    assert [lang for lang, _ in spoken(root)] == ["en-GB"]
    assert root.find("./Hangup") is not None


def test_a_bug_hands_the_caller_to_the_fallback_number(monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(app_config(IVR_FALLBACK_NUMBER="+351210000101"))

    def broken(*args: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr("ivr.web.voice.step", broken)
    root = twiml(signed_post(app.test_client(), "/voice/incoming", PORTUGUESE_MOBILE))
    dial = root.find("./Dial")
    assert dial is not None
    assert dial.text == "+351210000101"


# -- business hours through the webhooks ------------------------------------------------------


@pytest.mark.parametrize(("when", "is_transferred"), [
    ("2026-12-07 08:59:59", False),  # Monday, a minute before opening
    ("2026-12-07 09:00:00", True),
    ("2026-12-07 18:59:59", True),
    ("2026-12-07 19:00:00", False),
    ("2026-12-08 10:00:00", False),  # Immaculate Conception
    ("2026-12-25 10:00:00", False),  # Christmas
    ("2026-04-03 10:00:00", False),  # Good Friday
    ("2026-06-04 10:00:00", False),  # Corpus Christi
    ("2026-06-10 10:00:00", False),  # Portugal Day
    ("2026-06-13 10:00:00", False),  # Saturday
    ("2026-03-27 09:00:00", True),  # Friday before summer time
    ("2026-03-30 08:59:59", False),  # Monday after summer time began
    ("2026-03-30 09:00:00", True),
    ("2026-10-23 18:59:59", True),  # Friday before winter time
    ("2026-10-26 08:59:59", False),  # Monday after winter time began
    ("2026-10-26 09:00:00", True),
])
def test_operator_option_follows_lam_hours(client: FlaskClient, when: str,
                                           is_transferred: bool) -> None:
    with freeze_time(when, tz_offset=0) as frozen:
        frozen.move_to(_lisbon_utc(when))
        root = twiml(signed_post(client, "/voice/input?n=main&l=en",
                                 {**PORTUGUESE_MOBILE, "Digits": "1"}))
    dial = root.find("./Dial")
    assert (dial is not None) is is_transferred
    if not is_transferred:
        text = spoken_text(root)
        assert "no one can take your call at the moment" in text
        assert "Monday to Friday, 9:00 to 19:00" in text
        assert "112" in text


def _lisbon_utc(when: str) -> str:
    """Return the UTC instant of a Lisbon wall-clock time, for freezegun."""
    from datetime import UTC

    from support import lisbon

    return lisbon(when.replace(" ", "T")).astimezone(UTC).isoformat()


def test_closed_message_names_the_next_opening_in_portuguese(client: FlaskClient) -> None:
    with freeze_time(_lisbon_utc("2026-12-04 19:30:00")):  # Friday evening
        root = twiml(signed_post(client, "/voice/input?n=main&l=pt_PT",
                                 {**PORTUGUESE_MOBILE, "Digits": "1"}))
    text = spoken_text(root)
    assert "7 de dezembro" in text
    assert "112" in text


@pytest.mark.parametrize(("when", "is_open"), [
    ("2026-12-09 12:29:00", True),
    ("2026-12-09 12:30:00", False),  # lunch break
    ("2026-12-09 13:59:59", False),
    ("2026-12-09 14:00:00", True),
    ("2026-12-09 17:30:00", False),
])
def test_fundao_card_offers_a_transfer_only_when_open(client: FlaskClient, when: str,
                                                      is_open: bool) -> None:
    with freeze_time(_lisbon_utc(when)):
        root = twiml(signed_post(client, "/voice/enter?n=claim_fundao&l=en", PORTUGUESE_MOBILE))
    text = spoken_text(root)
    assert ("To be put through now, press 1" in text) is is_open
    assert ("It is open now" in text) is is_open


def test_lisbon_holiday_closes_only_the_lisbon_centre(client: FlaskClient) -> None:
    with freeze_time(_lisbon_utc("2029-06-13 10:00:00")):  # Wednesday, Saint Anthony
        lisbon_card = spoken_text(twiml(signed_post(
            client, "/voice/enter?n=cnaim_lisbon&l=en", PORTUGUESE_MOBILE)))
        porto_card = spoken_text(twiml(signed_post(
            client, "/voice/enter?n=cnaim_north&l=en", PORTUGUESE_MOBILE)))
    assert "It is closed now" in lisbon_card
    assert "It is open now" in porto_card


# -- transfers and voicemail -----------------------------------------------------------------


@pytest.mark.parametrize(("status", "hangs_up"), [
    ("completed", True), ("answered", True), ("busy", False), ("no-answer", False),
    ("failed", False), ("canceled", False),
])
def test_dial_outcome(client: FlaskClient, status: str, hangs_up: bool) -> None:
    root = twiml(signed_post(client, "/voice/dial?n=stt_desk&l=en",
                             {**PORTUGUESE_MOBILE, "DialCallStatus": status}))
    if hangs_up:
        assert [child.tag for child in root] == ["Hangup"]
    else:
        assert "nobody could take your call" in spoken_text(root)
        gather = root.find("./Gather")
        assert gather is not None
        assert gather.get("action") == "/voice/input?n=voicemail_offer&l=en"


def test_voicemail_recorded_is_thanked_and_ends(client: FlaskClient,
                                                caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        root = twiml(signed_post(client, "/voice/record?n=voicemail&l=en", {
            **PORTUGUESE_MOBILE, "RecordingUrl": "https://api.twilio.com/rec/RE1",
            "RecordingDuration": "14"}))
    assert "message has been recorded" in spoken_text(root)
    assert root[-1].tag == "Hangup"
    assert "+351912345678" not in caplog.text
    assert "+35191*****78" in caplog.text


def test_empty_voicemail_says_so(client: FlaskClient) -> None:
    root = twiml(signed_post(client, "/voice/record?n=voicemail&l=en", PORTUGUESE_MOBILE))
    assert "did not receive a message" in spoken_text(root)


def test_voicemail_node_records_with_a_fall_through(client: FlaskClient) -> None:
    root = twiml(signed_post(client, "/voice/enter?n=voicemail&l=en", PORTUGUESE_MOBILE))
    record = root.find("./Record")
    assert record is not None
    assert record.get("action") == "/voice/record?n=voicemail&l=en"
    assert record.get("maxLength") == "120"
    assert [child.tag for child in root][-2:] == ["Record", "Redirect"]


def test_status_callback_is_acknowledged(client: FlaskClient) -> None:
    root = twiml(signed_post(client, "/voice/status", {**PORTUGUESE_MOBILE,
                                                       "CallStatus": "completed"}))
    assert len(root) == 0
