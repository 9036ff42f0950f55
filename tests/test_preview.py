"""`ivr preview`: open or closed at a moment, the next changes, and the coming days."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from freezegun import freeze_time
from support import ROOT

import ivr.preview
from ivr.cli import cli
from ivr.menu import Menu, load_menu

MENUS = ROOT / "menus"


@pytest.fixture(scope="module")
def shipped() -> Menu:
    """The shipped menu, loaded once for the module."""
    return load_menu(MENUS)


@pytest.fixture(autouse=True)
def _cached_menu(monkeypatch: pytest.MonkeyPatch, shipped: Menu) -> None:
    """Serve the shipped menu from memory; load any other folder as usual."""
    monkeypatch.setattr(ivr.preview, "load_menu",
                        lambda folder: shipped if folder == MENUS else load_menu(folder))


def preview(runner: CliRunner, *args: str, menus: Path = MENUS) -> Any:
    """Run `ivr preview --json` and return the parsed object."""
    result = runner.invoke(cli, ["preview", "--json", "--menus", str(menus), *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def service(runner: CliRunner, name: str, at: str, days: int = 14) -> Any:
    """Return the JSON preview of one service at a Lisbon wall time."""
    found = preview(runner, "--at", at, "--service", name, "--days", str(days))["services"]
    assert [s["service"] for s in found] == [name]
    return found[0]


def text(runner: CliRunner, *args: str) -> str:
    """Run `ivr preview` for people and return what it prints."""
    result = runner.invoke(cli, ["preview", "--menus", str(MENUS), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize(("at", "is_open", "opens_at", "closes_at"), [
    ("2026-03-02T08:59", False, "2026-03-02T09:00:00+00:00", "2026-03-02T19:00:00+00:00"),
    ("2026-03-02T09:00", True, "2026-03-03T09:00:00+00:00", "2026-03-02T19:00:00+00:00"),
    ("2026-03-02T18:59", True, "2026-03-03T09:00:00+00:00", "2026-03-02T19:00:00+00:00"),
    ("2026-03-02T19:00", False, "2026-03-03T09:00:00+00:00", "2026-03-03T19:00:00+00:00"),
    ("2026-07-03T08:59", False, "2026-07-03T09:00:00+01:00", "2026-07-03T19:00:00+01:00"),
    ("2026-07-03T18:59", True, "2026-07-06T09:00:00+01:00", "2026-07-03T19:00:00+01:00"),
    ("2026-07-03T19:00", False, "2026-07-06T09:00:00+01:00", "2026-07-06T19:00:00+01:00"),
])
def test_lam_opens_at_nine_and_closes_at_seven(runner: CliRunner, at: str, is_open: bool,
                                               opens_at: str, closes_at: str) -> None:
    lam = service(runner, "lam", at)
    assert (lam["open"], lam["opens_at"], lam["closes_at"]) == (is_open, opens_at, closes_at)
    assert (lam["interval"] is not None) is is_open


def test_an_open_service_gives_its_interval(runner: CliRunner) -> None:
    lam = service(runner, "lam", "2026-07-03T12:00")
    assert lam["interval"] == {"start": "2026-07-03T09:00:00+01:00",
                               "end": "2026-07-03T19:00:00+01:00"}
    assert "lam: open since 09:00 — closes Friday 3 July 19:00" in text(
        runner, "--at", "2026-07-03T12:00", "--service", "lam")


def test_monday_evening_before_the_immaculate_conception(runner: CliRunner) -> None:
    lam = service(runner, "lam", "2026-12-07T20:00")
    assert not lam["open"]
    assert lam["opens_at"] == "2026-12-09T09:00:00+00:00"
    tuesday = next(d for d in lam["days"] if d["date"] == "2026-12-08")
    assert tuesday == {"date": "2026-12-08", "weekday": "Tuesday", "hours": [],
                       "closed_reason": "Immaculate Conception", "closed_by": "holiday",
                       "holiday": "Immaculate Conception", "special_opening": None}
    shown = text(runner, "--at", "2026-12-07T20:00", "--service", "lam")
    assert ("lam: closed — opens Wednesday 9 December 09:00 "
            "(Immaculate Conception on Tuesday 8 December)") in shown
    assert "Tuesday 8 December: closed, holiday: Immaculate Conception" in shown


@pytest.mark.parametrize(("at", "is_open", "opens_at", "closes_at"), [
    ("2026-03-03T12:29", True, "2026-03-03T14:00:00+00:00", "2026-03-03T12:30:00+00:00"),
    ("2026-03-03T12:30", False, "2026-03-03T14:00:00+00:00", "2026-03-03T17:30:00+00:00"),
    ("2026-03-03T13:59", False, "2026-03-03T14:00:00+00:00", "2026-03-03T17:30:00+00:00"),
    ("2026-03-03T14:00", True, "2026-03-04T09:00:00+00:00", "2026-03-03T17:30:00+00:00"),
])
def test_fundao_closes_for_lunch(runner: CliRunner, at: str, is_open: bool, opens_at: str,
                                 closes_at: str) -> None:
    fundao = service(runner, "claim_fundao", at, days=1)
    assert (fundao["open"], fundao["opens_at"], fundao["closes_at"]) == (
        is_open, opens_at, closes_at)
    assert fundao["days"][0]["hours"] == ["09:00-12:30", "14:00-17:30"]


def test_fundao_at_lunch_reads_well(runner: CliRunner) -> None:
    shown = text(runner, "--at", "2026-03-03T12:45", "--service", "claim_fundao")
    assert "claim_fundao: closed — opens Tuesday 3 March 14:00\n" in shown
    assert "hours         Mon–Fri 09:00–12:30, 14:00–17:30" in shown
    assert "next closing  Tuesday 3 March 17:30" in shown


def test_saint_anthony_closes_lisbon_and_not_porto(runner: CliRunner) -> None:
    lisbon = service(runner, "cnaim_lisbon", "2029-06-12T10:00", days=3)
    north = service(runner, "cnaim_north", "2029-06-12T10:00", days=3)
    assert lisbon["days"][1]["date"] == "2029-06-13"
    assert lisbon["days"][1]["weekday"] == "Wednesday"
    assert lisbon["days"][1]["closed_reason"] == "Saint Anthony's Day"
    assert lisbon["days"][1]["hours"] == []
    assert north["days"][1]["closed_reason"] is None
    assert north["days"][1]["hours"] == ["09:00-17:00"]
    assert service(runner, "cnaim_lisbon", "2029-06-13T10:00")["open"] is False
    assert service(runner, "cnaim_north", "2029-06-13T10:00")["open"] is True


def test_a_closure_is_named_with_its_reason(runner: CliRunner) -> None:
    fundao = service(runner, "claim_fundao", "2026-05-13T18:00", days=2)
    thursday = fundao["days"][1]
    assert (thursday["closed_by"], thursday["hours"]) == ("closure", [])
    assert thursday["closed_reason"].startswith("Fundão municipal holiday")
    assert fundao["opens_at"] == "2026-05-15T09:00:00+01:00"


def test_a_special_opening_is_listed(runner: CliRunner, tmp_path: Path) -> None:
    menus = tmp_path / "menus"
    shutil.copytree(MENUS, menus)
    hours = menus / "hours.yaml"
    hours.write_text(hours.read_text().replace(
        "    note: Every business day, 09:00-19:00, as the service publishes.",
        '    openings: [{date: 2026-12-12, hours: ["10:00-13:00"], reason: Open day}]'))
    found = preview(runner, "--at", "2026-12-11T20:00", "--service", "stt", "--days", "2",
                    menus=menus)["services"][0]
    assert found["opens_at"] == "2026-12-12T10:00:00+00:00"
    assert found["days"][1] == {"date": "2026-12-12", "weekday": "Saturday",
                                "hours": ["10:00-13:00"], "closed_reason": None,
                                "closed_by": None, "holiday": None, "special_opening": "Open day"}


def test_the_json_shape(runner: CliRunner) -> None:
    found = preview(runner, "--at", "2026-12-07T20:00", "--days", "5")
    assert set(found) == {"at", "window", "services"}
    assert found["at"] == "2026-12-07T20:00:00+00:00"
    assert found["window"] == {"from": "2026-12-07", "to": "2026-12-11"}
    names = [s["service"] for s in found["services"]]
    assert names[:3] == ["lam", "stt", "contact_centres"]
    assert "claim_fundao" in names
    for item in found["services"]:
        assert set(item) == {"service", "open", "interval", "opens_at", "closes_at", "entries",
                             "nodes", "days"}
        assert [d["date"] for d in item["days"]] == [f"2026-12-{n:02d}" for n in range(7, 12)]
    lam = found["services"][0]
    assert lam["entries"] == ["lam", "lam_operators"]
    assert "lam_hours" in lam["nodes"]


def test_without_at_it_judges_now(runner: CliRunner) -> None:
    with freeze_time("2026-12-08T11:00:00Z"):
        found = preview(runner, "--service", "lam", "--days", "1")
    assert found["at"] == "2026-12-08T11:00:00+00:00"
    assert found["services"][0]["open"] is False


@pytest.mark.parametrize("at", ["tomorrow", "2026-13-01T10:00", "2026-12-07T25:00"])
def test_a_bad_at_is_one_sentence(runner: CliRunner, at: str) -> None:
    result = runner.invoke(cli, ["preview", "--at", at, "--menus", str(MENUS)])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"Error: --at {at!r} is not an ISO 8601 time such as 2026-03-02T10:00")


def test_an_unknown_service_lists_the_known_ones(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["preview", "--at", "2026-12-07T10:00", "--service", "lamm",
                                 "--menus", str(MENUS)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: unknown service 'lamm' (known: lam, stt, ")
    assert "cnaim_lisbon" in lines[0]
    assert "Traceback" not in result.output


def test_the_help_documents_the_json(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["preview", "--help"])
    assert result.exit_code == 0
    for key in ("opens_at", "closes_at", "interval", "closed_reason", "special_opening"):
        assert key in result.stdout


def test_services_that_never_close_or_never_open(runner: CliRunner, tmp_path: Path) -> None:
    menus = tmp_path / "menus"
    shutil.copytree(MENUS, menus)
    hours = menus / "hours.yaml"
    hours.write_text(hours.read_text() + (
        '\n  always:\n    weekly: {mon-sun: ["00:00-24:00"]}\n    holidays: null\n'
        "\n  never:\n    weekly: {}\n"))
    result = runner.invoke(cli, ["preview", "--at", "2026-12-07T20:00", "--menus", str(menus)])
    assert result.exit_code == 0, result.output
    assert re.search(r"^always: open since .* — no closing within 400 days$", result.stdout,
                     re.MULTILINE)
    assert "never: closed — no opening within 400 days\n  hours         never open" in (
        result.stdout)
