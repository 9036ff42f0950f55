"""Tries of calls that come back: the status webhook settles them; retries keep the hours."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from support import ROOT, app_config, lisbon, signed_post, twiml

from ivr.attempts import ComebackSettings, comeback_settings, parse_ref, retry_time
from ivr.errors import ConfigError
from ivr.menu import load_menu
from ivr.store import AgentKind, CallbackStatus, SqlStore
from ivr.web import create_app

AT = lisbon("2026-12-09T15:30")
PERSON = "+351912345678"


@pytest.fixture
def app() -> Flask:
    """The helpline with a store of its own."""
    return create_app(app_config(IVR_CALLBACK_ATTEMPTS="2"))


def store_of(app: Flask) -> SqlStore:
    """Return the app's store."""
    store: SqlStore = app.extensions["ivr"].store
    return store


def placed(store: SqlStore) -> int:
    """Keep a request and take it as a worker would (try 1)."""
    callback_id = store.add_callback(PERSON, "en", "lam", "CA-asked", AT)
    assert store.claim_due_callback("w1", AT, 300) is not None
    return callback_id


def report(app: Flask, ref: str, call_status: str, phase: str = "callback") -> Any:
    """Send the status callback of a placed call, as Twilio would; return its TwiML."""
    path = f"/voice/callback-status?n=callback_call&l=en&p={phase}&r={ref}"
    response = signed_post(app.test_client(), path, {
        "CallSid": "CA-out", "CallStatus": call_status, "To": PERSON, "Direction": "outbound-api"})
    assert response.status_code == 200
    return twiml(response)


@pytest.mark.parametrize(("call_status", "expected", "outcome"), [
    ("in-progress", CallbackStatus.DONE, "answered"),
    ("completed", CallbackStatus.DONE, "answered"),
    ("busy", CallbackStatus.PENDING, "busy"),
    ("no-answer", CallbackStatus.PENDING, "no-answer"),
    ("failed", CallbackStatus.PENDING, "failed"),
    ("ringing", CallbackStatus.CLAIMED, None),
    ("initiated", CallbackStatus.CLAIMED, None),
])
def test_the_status_of_a_try_settles_it(app: Flask, call_status: str,
                                        expected: CallbackStatus, outcome: str | None) -> None:
    store = store_of(app)
    callback_id = placed(store)
    assert list(report(app, f"{callback_id}.1", call_status)) == []
    found = store.callback(callback_id)
    assert found is not None
    assert (found.status, found.outcome) == (expected, outcome)


def test_the_last_try_unanswered_fails_the_request(app: Flask) -> None:
    store = store_of(app)
    callback_id = placed(store)
    report(app, f"{callback_id}.1", "busy")
    assert store.claim_due_callback("w2", AT + timedelta(hours=1), 300) is not None
    report(app, f"{callback_id}.2", "no-answer")
    found = store.callback(callback_id)
    assert found is not None
    assert (found.status, found.attempts) == (CallbackStatus.FAILED, 2)


@pytest.mark.parametrize("ref", ["{id}.2", "{id}", "x.1", "{id}.1.1", "99.1"])
def test_news_of_another_try_or_a_bad_reference_changes_nothing(app: Flask, ref: str) -> None:
    store = store_of(app)
    callback_id = placed(store)
    report(app, ref.format(id=callback_id), "no-answer")
    report(app, f"{callback_id}.1", "no-answer", phase="nonsense")
    found = store.callback(callback_id)
    assert found is not None
    assert found.status is CallbackStatus.CLAIMED


def test_the_end_of_a_placed_call_frees_the_operator_it_held(app: Flask) -> None:
    store = store_of(app)
    callback_id = placed(store)
    claim = store.claim_agent(AgentKind.OPERATOR, "en", candidates=None, by="CA-out", now=AT,
                              ttl_s=600)
    assert claim is not None
    report(app, f"{callback_id}.1", "completed")
    assert store.held_by("CA-out") == []


LAM = load_menu(ROOT / "menus").hours["lam"]


@pytest.mark.parametrize(("now", "expected"), [
    ("2026-12-09T15:30", "2026-12-09T15:45"),
    ("2026-12-11T18:50", "2026-12-14T09:00"),  # Friday evening: Monday's opening
    ("2026-12-07T18:45", "2026-12-09T09:00"),  # Monday evening; the 8th is a holiday
])
def test_a_retry_keeps_the_service_hours(now: str, expected: str) -> None:
    assert retry_time(LAM, lisbon(now), 15) == lisbon(expected)


def test_a_retry_without_hours_is_just_later() -> None:
    assert retry_time(None, AT, 15) == AT + timedelta(minutes=15)


@pytest.mark.parametrize(("ref", "expected"), [
    ("12.3", ("12", 3)), ("482913.1", ("482913", 1)), ("12", None), ("", None),
    ("1.2.3", None), ("a b.1", None)])
def test_a_try_is_named_id_dot_number(ref: str, expected: tuple[str, int] | None) -> None:
    assert parse_ref(ref) == expected


def test_the_default_settings() -> None:
    assert comeback_settings({}) == ComebackSettings("+351218106191", 5.0, 300.0, 15, 3)
    assert comeback_settings({"IVR_CALLER_ID": "808 257 257"}).caller_id == "+351808257257"


@pytest.mark.parametrize(("key", "value", "message"), [
    ("IVR_CALLER_ID", "12", "IVR_CALLER_ID must be a phone number, not '12'"),
    ("IVR_WORKER_INTERVAL", "soon", "IVR_WORKER_INTERVAL must be a number, not 'soon'"),
    ("IVR_WORKER_INTERVAL", "0", "IVR_WORKER_INTERVAL must be at least 0.1, not 0"),
    ("IVR_WORKER_LEASE", "60", "IVR_WORKER_LEASE must be at least 90, not 60"),
    ("IVR_CALLBACK_ATTEMPTS", "2.5", "IVR_CALLBACK_ATTEMPTS must be a whole number, not '2.5'"),
    ("IVR_CALLBACK_RETRY_MINUTES", "0", "IVR_CALLBACK_RETRY_MINUTES must be at least 1, not 0"),
])
def test_a_bad_setting_is_one_sentence(key: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        comeback_settings({key: value})
    assert str(caught.value) == message
