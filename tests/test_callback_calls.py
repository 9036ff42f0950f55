"""Calls that come back, as the menu declares them and as the called person hears them.

The menu's ``callbacks:`` setting names, per source of callback requests, the service whose
hours the worker keeps and the node the call starts at; ``bookings:`` does the same for
booked interpreting sessions. A bad name is an error at file:line:column.

The called person hears that the helpline is returning their call, in their language, and
is then put through to an operator like any caller: the placed call holds the operator's
claim, and its end releases it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from comeback_support import AT, ENTITY, PERSON, line, shipped_menu
from support import edit_admin_file

from ivr.errors import MenuError, Severity
from ivr.menu import check_menu, load_menu
from ivr.routing.shifts import available_ids
from ivr.store import CallbackStatus, ClaimState, SessionStatus

MENU = shipped_menu()
CALLING = ("Hello, this is the Migrant Support Line returning your call. Please hold while we "
           "find an operator.")


def operators(language: str) -> list[str]:
    """Return the phones of the operators on shift at AT who speak a language, in claim order."""
    assert MENU.rosters is not None
    people = MENU.rosters.operators
    ids = sorted(i for i in available_ids(people.values(), AT) if language in people[i].languages)
    return [people[i].phone for i in ids]


def edit(folder: Path, old: str, new: str) -> None:
    """Replace one exact piece of text in flow.yaml."""
    edit_admin_file(folder, "flow.yaml", old, new)


@pytest.mark.parametrize(("source", "service", "node", "then"), [
    ("lam", "lam", "callback_call", "lam_operator"),
    ("stt", "stt", "stt_callback_call", "stt"),
])
def test_the_shipped_menu_calls_each_source_back(source: str, service: str, node: str,
                                                 then: str) -> None:
    call = MENU.flow.callbacks[source]
    assert (call.service, call.node) == (service, node)
    start = MENU.node(node)
    assert start.kind == "message"
    assert getattr(start, "next", None) == then


def test_the_shipped_menu_calls_bookings_back_at_the_interpreting_node() -> None:
    assert MENU.flow.bookings is not None
    assert (MENU.flow.bookings.service, MENU.flow.bookings.node) == ("stt", "stt")
    assert MENU.node("stt").kind == "interpreting"


@pytest.mark.parametrize(("old", "new", "path", "message"), [
    ("lam: {service: lam, node: callback_call}", "lam: {service: lam, node: calback_call}",
     "callbacks.lam.node", "unknown target 'calback_call'"),
    ("lam: {service: lam, node: callback_call}", "lam: {service: lamm, node: callback_call}",
     "callbacks.lam.service", "unknown service 'lamm' (not in hours.yaml)"),
    ("bookings: {service: stt, node: stt}", "bookings: {service: stt, node: stt_bookd}",
     "bookings.node", "unknown target 'stt_bookd'"),
])
def test_a_bad_name_in_the_settings_is_located(menus: Path, old: str, new: str, path: str,
                                               message: str) -> None:
    edit(menus, old, new)
    with pytest.raises(MenuError) as caught:
        load_menu(menus)
    (problem,) = [p for p in caught.value.problems if p.severity is Severity.ERROR]
    assert (problem.path, problem.message) == (path, message)
    assert problem.file.endswith("flow.yaml")
    assert problem.line > 1


def test_the_node_a_call_starts_at_counts_as_reachable(menus: Path) -> None:
    edit(menus, "  lam: {service: lam, node: callback_call}\n", "")
    warnings = [str(p) for p in check_menu(menus)]
    assert len(warnings) == 1
    assert "nodes.callback_call: unreachable node" in warnings[0]


def test_the_called_person_hears_who_calls_then_an_operator_takes_the_call(
        tmp_path: Path) -> None:
    lam = line(tmp_path)
    callback_id = lam.store.add_callback(PERSON, "en", "lam", "CA-asked", AT)
    (placed,) = lam.worker().run_once(AT)
    lam.sim.run()
    own = [s for s in lam.sim.world.transcript.steps if s.leg == placed.call_sid]
    said = [str(s.fields["text"]) for s in own if s.verb == "Say"]
    assert said[0] == CALLING
    (dial,) = [s.fields for s in own if s.verb == "Dial"]
    assert dial["numbers"] == [operators("en")[0]]
    assert dial["status"] == "completed"
    found = lam.store.callback(callback_id)
    assert found is not None
    assert found.status is CallbackStatus.DONE
    assert {a.state for a in lam.store.agents(AT)} == {ClaimState.FREE}


def test_the_operator_hears_the_language_and_the_call_record_says_who_took_it(
        tmp_path: Path) -> None:
    lam = line(tmp_path, dial_default="answer:1:talk=600")
    lam.store.add_callback(PERSON, "uk", "lam", "CA-asked", AT)
    (placed,) = lam.worker().run_once(AT)
    lam.sim.run()
    whisper = [str(s.fields["text"]) for s in lam.sim.world.transcript.steps
               if s.verb == "Say" and s.leg != placed.call_sid]
    assert any("ucraniano" in text for text in whisper)  # operators hear Portuguese
    dials = [s.fields for s in lam.sim.world.transcript.steps
             if s.verb == "Dial" and s.leg == placed.call_sid]
    assert dials[0]["numbers"] == [operators("uk")[0]]
    served = [a for a in lam.store.agents(AT) if a.calls_taken]
    assert [a.phone for a in served] == [operators("uk")[0]]
    recorder = lam.app.extensions["ivr"].recorder
    recorder.flush()
    assert placed.call_sid is not None
    record = lam.store.call(placed.call_sid)
    assert record is not None
    assert record.outcome == f"operator:{served[0].agent_id}"
    assert record.path[0] == "lam_operator"
    assert (record.language, record.status) == ("uk", "completed")


def said_on(lam_steps: list[object], call_sid: str | None) -> list[str]:
    """Return what was said on one leg, in order."""
    return [str(s.fields["text"]) for s in lam_steps  # type: ignore[attr-defined]
            if s.verb == "Say" and s.leg == call_sid]  # type: ignore[attr-defined]


def test_an_stt_callback_starts_the_interpreting_service_again(tmp_path: Path) -> None:
    lam = line(tmp_path, dial={ENTITY: "answer"})
    callback_id = lam.store.add_callback(ENTITY, "en", "stt", "CA-entity", AT)
    (placed,) = lam.worker().run_once(AT)
    lam.sim.run()
    said = said_on(list(lam.sim.world.transcript.steps), placed.call_sid)
    assert said[:2] == [
        "Hello, this is the Telephone Translation Service returning your call, to find you an "
        "interpreter.",
        "Please key in your organisation's account number, then press hash."]
    found = lam.store.callback(callback_id)
    assert found is not None
    assert found.status is CallbackStatus.DONE


def test_a_booked_call_greets_the_entity_with_its_job(tmp_path: Path) -> None:
    lam = line(tmp_path, dial={ENTITY: "answer"})
    job = lam.store.create_session("CA-entity", "ukrainian", AT, entity_account="318845",
                                   booked_for=AT, entity_number=ENTITY, entity_language="en")
    (placed,) = lam.worker().run_once(AT)
    lam.sim.run()
    said = said_on(list(lam.sim.world.transcript.steps), placed.call_sid)
    assert said[:2] == [
        "Hello, this is the Telephone Translation Service calling for the interpretation you "
        f"booked, job {' '.join(job)}.",
        "If the migrant is not with you, key in their phone number and press hash. If they are "
        "with you, just press hash."]
    session = lam.store.session(job)
    assert session is not None
    assert session.status is not SessionStatus.BOOKED
    assert (session.claimed_by, session.attempts) == (None, 1)
    assert placed.call_sid in {leg.call_sid for leg in session.legs if leg.role == "entity"}
