"""Loading and checking the admin YAML: every error kind with its file:line:column."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import ROOT
from support import edit_admin_file as edit

from ivr.errors import MenuError, Problem, Severity
from ivr.menu import check_menu, load_menu
from ivr.menu.model import FICTIONAL_PREFIX


def line_of(folder: Path, name: str, needle: str) -> int:
    """Return the 1-based line where ``needle`` first occurs."""
    for number, line in enumerate((folder / name).read_text().splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {name}")


def only_error(folder: Path) -> Problem:
    """Load the menu expecting exactly one error, and return it."""
    with pytest.raises(MenuError) as caught:
        load_menu(folder)
    errors = [p for p in caught.value.problems if p.severity is Severity.ERROR]
    assert len(errors) == 1, "\n".join(map(str, errors))
    return errors[0]


def test_shipped_menus_are_clean() -> None:
    assert check_menu(ROOT / "menus") == []
    menu = load_menu(ROOT / "menus")
    assert menu.flow.entry == "welcome"
    assert set(menu.hours) >= {"lam", "stt", "claim_fundao", "contact_centres"}


def test_seed_facts_are_exact() -> None:
    menu = load_menu(ROOT / "menus")
    phones = {entry_id: entry.phones for entry_id, entry in menu.directory.entries.items()}
    assert phones["lam"] == ["+351218106191", "+351808257257"]
    assert phones["citizen_contact"] == ["+351300003990", "+351210489010"]
    assert phones["business_contact"] == ["+351300003980", "+351210489011"]
    assert phones["cnaim_lisbon"] == ["+351218106100"]
    assert phones["cnaim_north"] == ["+351222073810"]
    assert phones["cnaim_beja"] == ["+351967071313"]
    assert phones["claim_fundao"] == ["+351275779060"]
    assert phones["cnaim_algarve"] == []
    assert menu.entry("gaem").email == "gaem@acm.gov.pt"
    assert menu.entry("gav").located_at == ["cnaim_lisbon", "cnaim_north", "cnaim_algarve"]
    assert len(menu.entry("cnaim_lisbon").public_services) == 6
    assert len(menu.entry("cnaim_north").public_services) == 5
    fundao = menu.hours["claim_fundao"].weekly.summary()
    assert [(r.start, r.end) for r in fundao[0][2]] == [(540, 750), (840, 1050)]


def test_sample_numbers_are_all_fictional() -> None:
    menu = load_menu(ROOT / "menus")
    for entry in menu.directory.entries.values():
        for phone in entry.phones:
            assert phone.startswith(FICTIONAL_PREFIX) is entry.sample


# -- each kind of YAML error, located ------------------------------------------------------


def test_syntax_error(menus: Path) -> None:
    edit(menus, "flow.yaml", "    service: lam\n    open: lam_operator",
         "    service: lam\n   open: [lam_operator")
    problem = only_error(menus)
    assert problem.file.endswith("flow.yaml")
    assert problem.line == line_of(menus, "flow.yaml", "open: [lam_operator")


def test_duplicate_key(menus: Path) -> None:
    edit(menus, "flow.yaml", "      5: {goto: citizen, label: main.citizen}",
         "      5: {goto: citizen, label: main.citizen}\n      5: {goto: offices}")
    problem = only_error(menus)
    assert "duplicate key" in problem.message
    assert (problem.line, problem.column) == (line_of(menus, "flow.yaml", "5: {goto: offices}"),
                                              7)


def test_unknown_key_in_schema(menus: Path) -> None:
    edit(menus, "flow.yaml", "    max_length: 120", "    max_lenght: 120")
    problem = only_error(menus)
    assert problem.path == "nodes.voicemail.max_lenght"
    assert "unknown key" in problem.message
    assert (problem.line, problem.column) == (line_of(menus, "flow.yaml", "max_lenght"), 5)


def test_unknown_kind(menus: Path) -> None:
    edit(menus, "flow.yaml", "  goodbye:\n    kind: hangup", "  goodbye:\n    kind: hangpu")
    problem = only_error(menus)
    assert problem.path == "nodes.goodbye.kind"
    assert "unknown kind 'hangpu'" in problem.message


def test_unknown_target(menus: Path) -> None:
    edit(menus, "flow.yaml", "4: {goto: offices, label: main.offices}",
         "4: {goto: ofices, label: main.offices}")
    problem = only_error(menus)
    assert problem.path == "nodes.main.options.4.goto"
    assert problem.message == "unknown target 'ofices'"
    assert problem.line == line_of(menus, "flow.yaml", "goto: ofices")


def test_bad_phone_number(menus: Path) -> None:
    edit(menus, "directory.yaml", '["+351 222 073 810"]', '["+351 222 073"]')
    problem = only_error(menus)
    assert problem.file.endswith("directory.yaml")
    assert problem.path == "entries.cnaim_north.phones.0"
    assert "bad phone number" in problem.message
    assert problem.line == line_of(menus, "directory.yaml", "+351 222 073\"")


@pytest.mark.parametrize("bad", ["19:00-09:00", "25:00-26:00", "9-12", "09:00 to 19:00"])
def test_bad_time_range(menus: Path, bad: str) -> None:
    edit(menus, "hours.yaml", '  lam:\n    weekly: {mon-fri: ["09:00-19:00"]}',
         f'  lam:\n    weekly: {{mon-fri: ["{bad}"]}}')
    problem = only_error(menus)
    assert problem.file.endswith("hours.yaml")
    assert problem.path == "services.lam.weekly.mon-fri.0"
    assert problem.message.startswith("bad time range")
    assert problem.line == line_of(menus, "hours.yaml", bad)


def test_overlapping_shifts(menus: Path) -> None:
    edit(menus, "hours.yaml", '["09:00-12:30", "14:00-17:30"]}\n    holidays: {country: PT}\n',
         '["09:00-12:30", "12:00-17:30"]}\n    holidays: {country: PT}\n')
    problem = only_error(menus)
    assert problem.path == "services.claim_fundao.weekly"
    assert "overlap" in problem.message


def test_unknown_language(menus: Path) -> None:
    edit(menus, "flow.yaml", "      6: wo\n", "      6: wolof\n")
    problem = only_error(menus)
    assert problem.path == "nodes.language_more.options.6"
    assert "unknown language 'wolof'" in problem.message
    assert problem.line == line_of(menus, "flow.yaml", "6: wolof")


def test_unknown_district_for_holidays(menus: Path) -> None:
    edit(menus, "hours.yaml", 'subdiv: "13"', 'subdiv: "99"')
    problem = only_error(menus)
    assert problem.path == "services.cnaim_north.holidays.subdiv"


def test_missing_file(menus: Path) -> None:
    (menus / "hours.yaml").unlink()
    problem = only_error(menus)
    assert problem.file.endswith("hours.yaml")
    assert problem.message == "file not found"


def test_every_problem_is_reported_at_once(menus: Path) -> None:
    edit(menus, "flow.yaml", "    max_length: 120", "    max_lenght: 120")
    edit(menus, "directory.yaml", '["+351 222 073 810"]', '["+351 222 073"]')
    with pytest.raises(MenuError) as caught:
        load_menu(menus)
    assert len(caught.value.problems) == 2
    assert "2 problems" in str(caught.value)


# -- static checks ------------------------------------------------------------------------


def test_unreachable_node_is_a_warning(menus: Path) -> None:
    edit(menus, "flow.yaml", "  goodbye:\n    kind: hangup",
         "  goodbye:\n    kind: hangup\n\n  forgotten:\n    kind: hangup")
    load_menu(menus)  # loads: a forgotten node harms no caller
    problems = check_menu(menus)
    assert [p.path for p in problems] == ["nodes.forgotten"]
    assert problems[0].severity is Severity.WARNING
    assert "unreachable" in problems[0].message


def test_menu_with_no_way_out(menus: Path) -> None:
    edit(menus, "flow.yaml", "  goodbye:\n    kind: hangup",
         "  goodbye:\n    kind: hangup\n\n  circle:\n    kind: menu\n    options:\n"
         "      1: {goto: circle, label: menu.end_call}\n")
    edit(menus, "flow.yaml", "      8: {goto: my_cnaim, label: centres.app}",
         "      8: {goto: my_cnaim, label: centres.app}\n      9: {goto: circle, label: "
         "centres.app}")
    problem = only_error(menus)
    assert problem.path == "nodes.circle"
    assert "no way out" in problem.message


def test_loop_that_traps_a_silent_caller(menus: Path) -> None:
    edit(menus, "flow.yaml", "    back: main\n    on_fail: lam_callback",
         "    back: main\n    on_fail: lam_operator")
    problem = only_error(menus)
    assert "loop that can trap a silent caller" in problem.message
    assert "queue_offer -> lam_operator -> queue_offer" in problem.message


def test_menu_without_failure_handling(menus: Path) -> None:
    edit(menus, "flow.yaml", "last_resort: last_resort\n", "")
    with pytest.raises(MenuError) as caught:
        load_menu(menus)
    messages = {p.path: p.message for p in caught.value.problems}
    assert "without invalid/silence handling" in messages["nodes.main"]


def test_more_keys_than_a_keypad_has(menus: Path) -> None:
    edit(menus, "flow.yaml", "      7: {goto: nearest_centre, label: centres.nearest}",
         "      7: {goto: nearest_centre, label: centres.nearest}\n"
         "      9: {goto: my_cnaim, label: centres.app}\n"
         "      '#': {goto: my_cnaim, label: centres.app}\n"
         "      10: {goto: my_cnaim, label: centres.app}")
    problem = only_error(menus)
    assert "not a key of a telephone keypad" in problem.message
    assert problem.line == line_of(menus, "flow.yaml", "10: {goto")


def test_options_cannot_take_the_repeat_key(menus: Path) -> None:
    edit(menus, "flow.yaml", "      5: {goto: citizen, label: main.citizen}",
         "      5: {goto: citizen, label: main.citizen}\n      0: {goto: offices, label: "
         "main.offices}")
    problem = only_error(menus)
    assert problem.path == "nodes.main.options.0"
    assert "reserved" in problem.message


def test_transfer_to_an_entry_not_in_the_directory(menus: Path) -> None:
    edit(menus, "flow.yaml", "    to: stt_desk", "    to: stt_office")
    problem = only_error(menus)
    assert problem.path == "nodes.stt_desk.to"
    assert "not in the directory" in problem.message


def test_transfer_to_a_number_not_in_the_directory(menus: Path) -> None:
    edit(menus, "flow.yaml", "    to: stt_desk", "    to: stt_desk\n    number: +351 210 000 199")
    problem = only_error(menus)
    assert problem.path == "nodes.stt_desk.number"
    assert "not a number of 'stt_desk'" in problem.message


def test_prompt_with_no_text(menus: Path) -> None:
    edit(menus, "prompts.yaml", "  goodbye:\n    text: Thank you for calling. Goodbye.",
         '  goodbye:\n    text: "  "')
    problem = only_error(menus)
    assert problem.path == "prompts.goodbye.text"
    assert "a prompt with no text" in problem.message


def test_unknown_prompt(menus: Path) -> None:
    edit(menus, "flow.yaml", "    say: gav.emergency", "    say: gav.emergncy")
    problem = only_error(menus)
    assert problem.path == "nodes.gav_emergency.say.0"
    assert "'gav.emergncy' is not in prompts.yaml" in problem.message


def test_invented_number_outside_the_fictional_range(menus: Path) -> None:
    edit(menus, "directory.yaml", '["+351 210 000 115"]', '["+351 213 000 115"]')
    problem = only_error(menus)
    assert problem.path == "entries.gasi.phones.0"
    assert "sample entry with a real-looking number" in problem.message
