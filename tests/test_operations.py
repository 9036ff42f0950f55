"""Operations commands on a seeded store: aligned tables for people, JSON for scripts.

The store is seeded as it stands on Wednesday 9 December 2026 at 15:35: two calls, callback
requests waiting, being placed and done, the shipped roster with an operator busy and an
interpreter whose claim expired, a booking for tomorrow and a session that happened.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from support import ROOT, lisbon

from ivr.cli import cli, main
from ivr.menu import load_menu
from ivr.routing.allocation import roster_specs
from ivr.store import open_store

AT = lisbon("2026-12-09T15:30")
NOW = "2026-12-09T15:35"
PERSON, ENTITY = "+351912345678", "+351213000123"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Seed one store for every test of this module (they only read it)."""
    instance = tmp_path_factory.mktemp("ops") / "instance"
    rosters = load_menu(ROOT / "menus").rosters
    assert rosters is not None
    with open_store(None, instance) as store:
        store.call_started("CA1", "+351218106191", PERSON, "PT", AT)
        store.call_language("CA1", "uk")
        for node in ("main", "lam_operator"):
            store.call_path("CA1", node)
        store.call_outcome("CA1", "operator:lam_02")
        store.call_ended("CA1", AT + timedelta(seconds=95), 95, "completed")
        store.call_started("CA2", "+351218106191", "+380441234567", "UA", AT + timedelta(minutes=3))
        waiting = store.add_callback(PERSON, "uk", "lam", "CA3", AT, AT + timedelta(minutes=30))
        done = store.add_callback("+351961234567", "en", "lam", "CA4", AT - timedelta(hours=1))
        store.claim_due_callback("w1", AT - timedelta(hours=1), 300)
        store.finish_callback(done, "w1", "answered", AT - timedelta(minutes=59))
        calling = store.add_callback("+351931234567", "ar", "lam", "CA5", AT)
        store.claim_due_callback("w2", AT + timedelta(minutes=4), 300)
        store.sync_agents(roster_specs(rosters))
        busy = store.claim_agent("operator", "uk", candidates=None, by="CA1", now=AT, ttl_s=900)
        lost = store.claim_agent("interpreter", "ukrainian", candidates=None, by="stt-CA0",
                                 now=AT - timedelta(hours=2), ttl_s=60)
        booked = store.create_session("CA9", "ukrainian", AT - timedelta(days=1),
                                      entity_account="100234", entity_number=ENTITY,
                                      booked_for=AT + timedelta(days=1), entity_language="pt_PT")
        store.create_session("CA6", "russian", AT - timedelta(days=1), booked_for=AT)  # past
        ended = store.create_session("CA8", "arabic", AT, conference="stt-CA8",
                                     entity_account="100234")
        store.add_leg(ended, "entity", "CA8", ENTITY, AT, status="completed")
        store.add_leg(ended, "interpreter", "CA7", "+351210000200", AT + timedelta(seconds=20),
                      status="completed")
        store.update_session(ended, status="ended", started_at=AT, interpreter_id="stt_001",
                             ended_at=AT + timedelta(minutes=12), outcome="interpreted")
        assert lost is not None
        held = store.claim_agent("interpreter", "russian", candidates=None, by="stt-CA8",
                                 now=AT, ttl_s=3600, exclude=[lost.agent_id])
    assert held is not None
    assert busy is not None
    return {"instance": instance, "waiting": waiting, "done": done, "calling": calling,
            "busy": busy, "lost": lost, "held": held, "booked": booked, "ended": ended}


def run(seeded: dict[str, Any], *args: str) -> str:
    """Run an operations command on the seeded store; return what it printed."""
    result = CliRunner().invoke(cli, [*args, "--instance", str(seeded["instance"])])
    assert result.exit_code == 0, result.output
    return result.output


def table(text: str) -> list[dict[str, str]]:
    """Read an aligned table back into rows, cutting each line where its heading starts."""
    heading, *lines = text.splitlines()
    starts = [m.start() for m in re.finditer(r"\S+(?: \S+)*", heading)]
    names = [heading[a:b].strip() for a, b in zip(starts, [*starts[1:], None], strict=True)]
    return [{name: line[a:b].strip() for name, a, b in
             zip(names, starts, [*starts[1:], None], strict=True)} for line in lines]


def test_calls_newest_first_with_masked_callers(seeded: dict[str, Any]) -> None:
    rows = table(run(seeded, "calls"))
    assert [r["CALLER"] for r in rows] == ["+38044*****67", "+35191*****78"]
    assert rows[1] == {"WHEN": "2026-12-09 15:30", "CALLER": "+35191*****78", "LANGUAGE": "uk",
                       "PATH": "main > lam_operator", "OUTCOME": "operator:lam_02",
                       "STATUS": "completed", "DURATION": "1m 35s"}
    assert table(run(seeded, "calls", "--limit", "1"))[0]["CALLER"] == "+38044*****67"


def test_calls_as_json(seeded: dict[str, Any]) -> None:
    first, second = json.loads(run(seeded, "calls", "--json"))
    assert first["call_sid"] == "CA2"
    assert second == {"call_sid": "CA1", "started_at": "2026-12-09T15:30:00Z",
                      "caller": "+35191*****78", "region": "PT", "line": "+351218106191",
                      "language": "uk", "path": ["main", "lam_operator"],
                      "outcome": "operator:lam_02", "status": "completed", "duration_s": 95}


def test_callbacks_waiting_and_being_placed(seeded: dict[str, Any]) -> None:
    rows = table(run(seeded, "callbacks"))
    assert [r["ID"] for r in rows] == [str(seeded["calling"]), str(seeded["waiting"])]
    calling, waiting = rows
    assert (calling["STATUS"], calling["TRIES"]) == ("claimed", "1/3")
    assert calling["NEXT TRY"] == "now, by w2 (lease until 2026-12-09 15:39)"
    assert (waiting["NUMBER"], waiting["NEXT TRY"], waiting["TRIES"]) == (
        "+35191*****78", "2026-12-09 16:00", "0/3")
    shown = table(run(seeded, "callbacks", "--show-numbers"))
    assert shown[1]["NUMBER"] == PERSON


def test_callbacks_of_every_status_as_json(seeded: dict[str, Any]) -> None:
    found = {c["id"]: c for c in json.loads(run(seeded, "callbacks", "--all", "--json"))}
    done = found[seeded["done"]]
    assert (done["status"], done["outcome"], done["next_try"], done["number"]) == (
        "done", "answered", None, "+35196*****67")
    assert found[seeded["waiting"]]["next_try"] == "2026-12-09T16:00:00Z"


def test_agents_free_busy_off_shift_and_expired(seeded: dict[str, Any]) -> None:
    menus = str(ROOT / "menus")
    rows = {r["ID"]: r for r in table(run(seeded, "agents", "--at", NOW, "--menus", menus))}
    busy = rows[seeded["busy"].agent_id]
    assert (busy["STATE"], busy["WITH"], busy["SINCE"]) == (
        "busy", "call from +35191*****78", "2026-12-09 15:30")
    held = rows[seeded["held"].agent_id]
    assert (held["STATE"], held["WITH"]) == ("busy", f"job {seeded['ended']}")
    lost = rows[seeded["lost"].agent_id]
    assert (lost["STATE"], lost["WITH"]) == ("claim expired", "stt-CA0")
    states = {r["STATE"] for r in rows.values()}
    assert states == {"free", "busy", "off shift", "claim expired"}
    night = {r["ID"]: r for r in table(run(seeded, "agents", "--at", "2026-12-09T23:00",
                                           "--menus", menus))}
    assert {r["STATE"] for r in night.values()} == {"off shift", "claim expired"}
    assert night[seeded["busy"].agent_id]["STATE"] == "claim expired"


def test_agents_as_json_and_without_rosters(seeded: dict[str, Any], tmp_path: Path) -> None:
    agents = json.loads(run(seeded, "agents", "--json", "--at", NOW, "--menus",
                            str(ROOT / "menus")))
    busy = next(a for a in agents if a["agent_id"] == seeded["busy"].agent_id)
    assert (busy["kind"], busy["state"], busy["on_shift"], busy["with"]) == (
        "operator", "busy", True, "CA1")
    assert busy["with_whom"] == "call from +35191*****78"
    assert busy["since"] == "2026-12-09T15:30:00Z"
    text = run(seeded, "agents", "--at", NOW, "--menus", str(tmp_path / "none"))
    assert text.rstrip().endswith("shifts unknown)")


def test_bookings_to_come_with_their_jobs(seeded: dict[str, Any]) -> None:
    (row,) = table(run(seeded, "bookings", "--at", NOW))
    assert row == {"JOB": seeded["booked"], "WHEN": "2026-12-10 15:30", "LANGUAGE": "ukrainian",
                   "ENTITY": "100234", "NUMBER": "+35121*****23", "TRIES": "0",
                   "LAST OUTCOME": "-"}
    (booking,) = json.loads(run(seeded, "bookings", "--json", "--at", NOW, "--show-numbers"))
    assert (booking["job"], booking["number"], booking["booked_for"]) == (
        seeded["booked"], ENTITY, "2026-12-10T15:30:00Z")
    assert run(seeded, "bookings", "--at", "2026-12-11T09:00") == "no bookings to come\n"


def test_sessions_say_what_happened_with_every_leg(seeded: dict[str, Any]) -> None:
    rows = {r["JOB"]: r for r in table(run(seeded, "sessions"))}
    ended = rows[seeded["ended"]]
    assert ended == {"JOB": seeded["ended"], "LANGUAGE": "arabic", "ENTITY": "100234",
                     "INTERPRETER": "Olena Kovalchuk", "START": "2026-12-09 15:30",
                     "END": "2026-12-09 15:42", "OUTCOME": "ended - interpreted",
                     "LEGS": "entity completed, interpreter completed"}
    found = {s["job"]: s for s in json.loads(run(seeded, "sessions", "--json"))}
    legs = found[seeded["ended"]]["legs"]
    assert [(leg["role"], leg["call_sid"], leg["number"]) for leg in legs] == [
        ("entity", "CA8", "+35121*****23"), ("interpreter", "CA7", "+35121*****00")]


def test_nothing_to_show_is_said(tmp_path: Path) -> None:
    with open_store(None, tmp_path):
        pass
    for command, said in (("calls", "no calls recorded"), ("sessions", "no interpreting sessions"),
                          ("callbacks", "no callback requests")):
        result = CliRunner().invoke(cli, [command, "--instance", str(tmp_path)])
        assert (result.exit_code, result.output) == (0, said + "\n")


@pytest.mark.parametrize("command", ["calls", "callbacks", "agents", "bookings", "sessions"])
def test_a_missing_database_is_one_sentence(command: str, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, "--instance", str(tmp_path / "nowhere")])
    assert exited.value.code == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert error.startswith("ivr: the SQLite database ")
    assert "does not exist" in error
    assert not (tmp_path / "nowhere").exists()


def test_an_unreachable_database_is_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["calls", "--database-url", "postgresql://ivr@127.0.0.1:1/none"])
    assert exited.value.code == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "is unavailable" in error


@pytest.mark.parametrize(("args", "message"), [
    (["calls", "--limit", "0"], "Invalid value for '--limit'"),
    (["sessions", "--limit", "many"], "Invalid value for '--limit'"),
    (["agents", "--at", "teatime"], "'teatime' is not a time like 2026-12-09T15:30"),
    (["bookings", "--at", "2026-13-01"], "is not a time like"),
    (["callbacks", "--database-url", "mysql://x/y"], "ivr works with PostgreSQL"),
])
def test_bad_arguments_are_one_sentence(args: list[str], message: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(args)
    assert exited.value.code in {1, 2}
    assert message in capsys.readouterr().err
