"""Call detail records, events and voicemails: one record per call however often Twilio asks."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from store_support import NOW, later

from ivr.store import CallFacts, CallRecord, SqlStore, StoreError, VoicemailStatus
from ivr.store.calls import PATH_FULL, PATH_MAX, PATH_SEPARATOR

CALLER = "+351912345678"
LINE = "+351218106191"


def test_a_call_keeps_its_language_path_outcome_and_end(store: SqlStore) -> None:
    assert store.call_started("CA1", LINE, CALLER, "PT", NOW)
    assert store.call_answered("CA1", later(1))
    assert store.call_language("CA1", "uk")
    for node in ("language", "main", "stt"):
        assert store.call_path("CA1", node)
    assert store.call_outcome("CA1", "interpreter")
    assert store.call_ended("CA1", later(125), 125, "completed")
    record = store.call("CA1")
    assert record is not None
    assert (record.line, record.caller_region, record.language, record.path, record.outcome) == (
        LINE, "PT", "uk", ("language", "main", "stt"), "interpreter")
    assert (record.started_at, record.answered_at, record.ended_at) == (NOW, later(1), later(125))
    assert (record.duration_s, record.status) == (125, "completed")


def test_a_repeated_start_keeps_the_first_record(store: SqlStore) -> None:
    assert store.call_started("CA1", LINE, CALLER, "PT", NOW)
    store.call_path("CA1", "language")
    assert not store.call_started("CA1", LINE, CALLER, "PT", later(3))
    assert len(store.recent_calls()) == 1
    record = store.call("CA1")
    assert record is not None
    assert (record.started_at, record.path) == (NOW, ("language",))


def test_a_repeated_end_or_answer_changes_nothing(store: SqlStore) -> None:
    store.call_started("CA1", LINE, CALLER, "PT", NOW)
    store.call_answered("CA1", later(1))
    store.call_answered("CA1", later(9))
    store.call_ended("CA1", later(60), 60, "completed")
    store.call_ended("CA1", later(60), 60, "completed")
    record = store.call("CA1")
    assert record is not None
    assert (record.answered_at, record.ended_at, record.duration_s) == (later(1), later(60), 60)


def test_updates_of_an_unknown_call_say_so(store: SqlStore) -> None:
    assert not store.call_language("CA-unknown", "uk")
    assert not store.call_ended("CA-unknown", NOW, 3, "completed")
    assert store.call("CA-unknown") is None


def test_a_path_stops_growing_at_its_bound_and_says_so(store: SqlStore) -> None:
    store.call_started("CA1", LINE, CALLER, "PT", NOW)
    for _ in range(PATH_MAX // 4 + 10):
        store.call_path("CA1", "abc")
    record = store.call("CA1")
    assert record is not None
    assert record.path[-1] == "…"
    assert record.path[:-1] == ("abc",) * (PATH_MAX // 4)
    assert len(">".join(record.path)) <= PATH_MAX + 2


def test_recent_calls_are_newest_first_and_limited(store: SqlStore) -> None:
    for n in range(5):
        store.call_started(f"CA{n}", LINE, CALLER, "PT", later(n))
    assert [c.call_sid for c in store.recent_calls(limit=3)] == ["CA4", "CA3", "CA2"]


def test_events_are_kept_in_order_with_their_detail(store: SqlStore) -> None:
    store.call_event("CA1", NOW, "menu", "main", {"pressed": "2", "attempt": 1})
    store.call_event("CA1", later(4), "dial", "stt")
    events = store.call_events("CA1")
    assert [(e.kind, e.node, e.at) for e in events] == [("menu", "main", NOW),
                                                        ("dial", "stt", later(4))]
    assert events[0].detail == {"pressed": "2", "attempt": 1}
    assert events[1].detail is None


def test_an_event_retried_with_twilios_token_is_kept_once(store: SqlStore) -> None:
    assert store.call_event("CA1", NOW, "menu", "main", key="token-1")
    assert not store.call_event("CA1", later(5), "menu", "main", key="token-1")
    assert store.call_event("CA1", later(6), "menu", "main", key="token-2")
    assert store.call_event("CA1", later(7), "menu", "main")
    assert store.call_event("CA1", later(7), "menu", "main")
    assert len(store.call_events("CA1")) == 4


def test_a_voicemail_is_kept_once_per_recording_and_can_be_marked_heard(
        store: SqlStore) -> None:
    url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"
    first = store.save_voicemail("CA1", CALLER, url, 31, "uk", "closed", NOW)
    assert store.save_voicemail("CA1", CALLER, url, 31, "uk", "closed", later(2)) == first
    (voicemail,) = store.voicemails()
    assert (voicemail.id, voicemail.call_sid, voicemail.recording_url) == (first, "CA1", url)
    assert (voicemail.duration_s, voicemail.language, voicemail.node) == (31, "uk", "closed")
    assert (voicemail.created_at, voicemail.status) == (NOW, VoicemailStatus.NEW)
    assert store.mark_voicemail(first, "heard")
    assert store.voicemails("new") == []
    assert [v.id for v in store.voicemails(VoicemailStatus.HEARD)] == [first]


def test_naive_times_are_refused(store: SqlStore) -> None:
    with pytest.raises(StoreError, match="naive datetime"):
        store.call_started("CA1", LINE, CALLER, "PT", NOW.replace(tzinfo=None))


def test_times_in_another_zone_come_back_as_the_same_instant_in_utc(store: SqlStore) -> None:
    summer = NOW.replace(month=7).astimezone(ZoneInfo("Europe/Lisbon"))
    store.call_started("CA1", LINE, CALLER, "PT", summer)
    record = store.call("CA1")
    assert record is not None
    assert record.started_at is not None
    assert record.started_at == summer
    assert record.started_at.utcoffset() is not None
    assert not record.started_at.utcoffset()


def start(call_sid: str, at_s: float = 0) -> tuple[str, str, str, str, datetime]:
    """The fact of a call's start, as the webhooks' recorder hands it over."""
    return (call_sid, LINE, CALLER, "PT", later(at_s))


def facts_of(record: CallRecord | None) -> tuple[object, ...]:
    """What a batch may change in a call's record."""
    assert record is not None
    return (record.started_at, record.path, record.language, record.outcome, record.status)


def test_a_batch_writes_new_and_earlier_calls_with_everything_it_knows(
        store: SqlStore) -> None:
    store.write_call_facts(CallFacts(started=[start("CA1")], reached=[("CA1", "language")]))
    store.write_call_facts(CallFacts(
        started=[start("CA2", 5)],
        reached=[("CA2", "language"), ("CA1", "main"), ("CA2", "main"), ("CA1", "stt")],
        languages={"CA1": "uk", "CA2": "wo"}, outcomes={"CA1": "interpreter"},
        ended=[("CA1", later(60), 60, "completed")]))
    assert facts_of(store.call("CA1")) == (NOW, ("language", "main", "stt"), "uk",
                                           "interpreter", "completed")
    assert facts_of(store.call("CA2")) == (later(5), ("language", "main"), "wo", None, None)
    store.write_call_facts(CallFacts(outcomes={"CA2": "voicemail"}))  # nothing else changes
    store.write_call_facts(CallFacts(reached=[("CA2", "voicemail")]))
    assert facts_of(store.call("CA2")) == (later(5), ("language", "main", "voicemail"), "wo",
                                           "voicemail", None)


def test_a_start_repeated_in_a_batch_or_a_later_one_keeps_the_first_record(
        store: SqlStore) -> None:
    store.write_call_facts(CallFacts(started=[start("CA1"), start("CA1", 2)],
                                     reached=[("CA1", "language")], languages={"CA1": "en"}))
    store.write_call_facts(CallFacts(started=[start("CA1", 9)], reached=[("CA1", "main")],
                                     outcomes={"CA1": "operator"}))
    store.write_call_facts(CallFacts(started=[start("CA1", 12)]))
    assert facts_of(store.call("CA1")) == (NOW, ("language", "main"), "en", "operator", None)
    assert len(store.recent_calls()) == 1


def test_a_batch_for_an_unknown_call_adds_nothing(store: SqlStore) -> None:
    store.write_call_facts(CallFacts(reached=[("CA9", "main")], languages={"CA9": "uk"},
                                     ended=[("CA9", NOW, 3, "completed")]))
    assert store.recent_calls() == []


@pytest.mark.parametrize("per_batch", [1, 7, 1000])
def test_a_path_written_in_batches_stops_at_its_bound(store: SqlStore, per_batch: int) -> None:
    nodes = [f"n{number}" for number in range(PATH_MAX // 3)]  # about twice the bound
    store.call_started("CA1", LINE, CALLER, "PT", NOW)
    for node in nodes:
        store.call_path("CA1", node)
    node_by_node = store.call("CA1")
    assert node_by_node is not None
    store.write_call_facts(CallFacts(started=[start("CA2")]))
    for first in range(0, len(nodes), per_batch):
        store.write_call_facts(CallFacts(reached=[("CA2", n) for n in nodes[first:][:per_batch]]))
    store.write_call_facts(CallFacts(started=[start("CA3")], reached=[("CA3", n) for n in nodes]))
    for call_sid in ("CA2", "CA3"):
        record = store.call(call_sid)
        assert record is not None
        *kept, last = record.path
        assert (kept, last) == (nodes[:len(kept)], PATH_FULL)
        assert len(PATH_SEPARATOR.join(kept)) <= PATH_MAX
        # the nodes of one batch that would cross the bound are left out together
        assert len(node_by_node.path) - per_batch <= len(record.path) <= len(node_by_node.path)
    record = store.call("CA2" if per_batch == 1 else "CA3")
    assert record is not None
    assert record.path == node_by_node.path
