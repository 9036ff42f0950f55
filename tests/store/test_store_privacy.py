"""Caller numbers: masked, hashed or kept as configured, and forgotten after the retention."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from typing import Any

import pytest
from store_support import NOW, StoreFactory, later

from ivr.errors import ConfigError
from ivr.store import NumberMode, Privacy, SessionStatus, SqlStore, settings_from

CALLER = "+351912345678"
SALT = b"pepper-for-tests"
HASHED = hmac.new(SALT, CALLER.encode(), hashlib.sha256).hexdigest()


@pytest.mark.parametrize(("privacy", "stored"), [
    (Privacy(), "+35191*****78"),
    (Privacy("hash", SALT), HASHED),
    (Privacy(NumberMode.KEEP), CALLER),
])
def test_numbers_in_calls_events_voicemails_and_legs_are_stored_as_configured(
        open_db: StoreFactory, privacy: Privacy, stored: str) -> None:
    store = open_db(privacy)
    store.call_started("CA1", "+351218106191", CALLER, "PT", NOW)
    store.call_event("CA1", NOW, "callback", "queue",
                     {"number": CALLER, "tried": [CALLER, {"to": "912345678"}], "key": "1234",
                      "job": "012345"})
    store.save_voicemail("CA1", CALLER, "https://example.test/RE1", 3, "uk", "vm", NOW)
    job = store.create_session("CA1", "uk", NOW)
    store.add_leg(job, "migrant", "CA2", CALLER, NOW)
    record = store.call("CA1")
    assert record is not None
    assert record.caller == stored
    detail = store.call_events("CA1")[0].detail
    assert detail == {"number": stored, "tried": [stored, {"to": privacy.stored("912345678")}],
                      "key": "1234", "job": "012345"}
    assert store.voicemails()[0].caller == stored
    session = store.session(job)
    assert session is not None
    assert session.legs[0].number == stored


@pytest.mark.parametrize("privacy", [Privacy(), Privacy("hash", SALT)])
def test_numbers_needed_to_call_back_are_kept_real(open_db: StoreFactory,
                                                   privacy: Privacy) -> None:
    store = open_db(privacy)
    callback = store.callback(store.add_callback(CALLER, "uk", "queue", "CA1", NOW))
    job = store.create_session("CA1", "uk", NOW, migrant_number=CALLER, booked_for=later(3600))
    session = store.session(job)
    assert callback is not None
    assert callback.number == CALLER
    assert session is not None
    assert session.migrant_number == CALLER


@pytest.mark.parametrize(("value", "scrubbed"), [
    ("+351912345678", "+35191*****78"),
    ("00351912345678", "00**********78"),
    ("912345678", "91*****78"),
    ("+2389912345", "+2389****45"),
    ("012345", "012345"),  # a job number
    ("1234", "1234"),  # keys pressed
    ("stt-CA1", "stt-CA1"),
    (3, 3),
    ({"to": ["+351912345678", {"n": "+351912345678"}]},
     {"to": ["+35191*****78", {"n": "+35191*****78"}]}),
])
def test_numbers_are_found_anywhere_in_an_events_detail(value: Any, scrubbed: Any) -> None:
    assert Privacy().scrubbed(value) == scrubbed


def test_hashes_recognise_a_caller_without_revealing_them() -> None:
    privacy = Privacy("hash", SALT)
    assert privacy.stored(CALLER) == privacy.stored(CALLER) == HASHED
    assert privacy.stored("+351912345679") != HASHED
    assert Privacy("hash", b"other salt").stored(CALLER) != HASHED
    assert "pepper" not in repr(privacy)


@pytest.mark.parametrize(("config", "expected"), [
    ({}, (None, NumberMode.MASK, b"", 90)),
    ({"IVR_DATABASE_URL": "", "IVR_CALLER_NUMBERS": ""}, (None, NumberMode.MASK, b"", 90)),
    ({"IVR_DATABASE_URL": "postgresql://db/ivr", "IVR_CALLER_NUMBERS": "Hash",
      "IVR_NUMBER_SALT": "s3cret", "IVR_RETENTION_DAYS": "30"},
     ("postgresql://db/ivr", NumberMode.HASH, b"s3cret", 30)),
    ({"IVR_CALLER_NUMBERS": "keep", "IVR_RETENTION_DAYS": 365},
     (None, NumberMode.KEEP, b"", 365)),
])
def test_settings_come_from_the_apps_configuration(config: dict[str, Any],
                                                   expected: tuple[Any, ...]) -> None:
    settings = settings_from(config)
    privacy = settings.privacy
    assert (settings.url, privacy.mode, privacy.salt, privacy.retention_days) == expected


@pytest.mark.parametrize(("config", "message"), [
    ({"IVR_CALLER_NUMBERS": "scramble"}, "IVR_CALLER_NUMBERS must be mask, hash or keep"),
    ({"IVR_CALLER_NUMBERS": "hash"}, "IVR_NUMBER_SALT"),
    ({"IVR_RETENTION_DAYS": "ninety"}, "IVR_RETENTION_DAYS must be a whole number"),
    ({"IVR_RETENTION_DAYS": "0"}, "IVR_RETENTION_DAYS must be at least 1"),
])
def test_bad_settings_are_one_clear_sentence(config: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        settings_from(config)


# -- retention ----------------------------------------------------------------------------


def fill(store: SqlStore) -> dict[str, Any]:
    """Leave a day's worth of personal data at NOW; return the ids that matter."""
    store.call_started("CA1", "+351218106191", CALLER, "PT", NOW)
    store.call_event("CA1", NOW, "menu", "main")
    store.save_voicemail("CA1", CALLER, "https://example.test/RE1", 3, "uk", "vm", NOW)
    done = store.add_callback(CALLER, "uk", "queue", "CA1", NOW)
    assert store.claim_due_callback("w1", NOW, 60) is not None
    store.finish_callback(done, "w1", "answered", later(30))
    waiting = store.add_callback(CALLER, "uk", "voicemail", "CA1", NOW)
    ended = store.create_session("CA1", "uk", NOW, migrant_number=CALLER)
    store.add_leg(ended, "migrant", "CA2", CALLER, NOW)
    store.update_session(ended, status="ended", ended_at=later(600))
    booked = store.create_session("CA1", "uk", NOW, migrant_number=CALLER,
                                  booked_for=NOW + timedelta(days=200))
    return {"done": done, "waiting": waiting, "ended": ended, "booked": booked}


def test_nothing_is_purged_within_the_retention(open_db: StoreFactory) -> None:
    store = open_db(Privacy("keep", retention_days=30))
    fill(store)
    assert store.purge(NOW + timedelta(days=30)) == 0
    assert store.call("CA1") is not None


def test_purge_forgets_personal_data_past_the_retention(open_db: StoreFactory) -> None:
    store = open_db(Privacy("keep", retention_days=30))
    ids = fill(store)
    # the call, its event, the voicemail, the callback done, a session's number and its leg's
    assert store.purge(NOW + timedelta(days=31)) == 6
    assert (store.recent_calls(), store.call_events("CA1"), store.voicemails()) == ([], [], [])
    assert store.callback(ids["done"]) is None
    assert [c.id for c in store.pending_callbacks()] == [ids["waiting"]]
    ended, booked = store.session(ids["ended"]), store.session(ids["booked"])
    assert ended is not None
    assert booked is not None
    assert (ended.status, ended.migrant_number, ended.legs[0].number) == (
        SessionStatus.ENDED, None, None)
    assert booked.migrant_number == CALLER
    assert store.purge(NOW + timedelta(days=31)) == 0


@pytest.mark.parametrize(("number", "masked"), [
    ("+351912345678", "+35191*****78"),
    ("+380441234567", "+38044*****67"),
    ("912345678", "91*****78"),
    ("+2389912345", "+2389****45"),
    ("+3519123", "+3****23"),
    ("112", "***"),
    ("", ""),
])
def test_a_masked_number_hides_at_least_half_of_it(number: str, masked: str) -> None:
    assert Privacy().stored(number) == masked
