"""The roster files: what ships loads clean, and every mistake is told at file:line:column."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import ROOT
from support import edit_admin_file as edit

from ivr.errors import Problem, Severity
from ivr.hours import WeeklySchedule
from ivr.menu.roster import ROSTER_FILES, load_rosters


def position(folder: Path, name: str, line_text: str, column_text: str) -> tuple[int, int]:
    """Return the 1-based line and column of ``column_text`` on the last line with
    ``line_text``."""
    lines = (folder / name).read_text(encoding="utf-8").splitlines()
    number = max(n for n, line in enumerate(lines, start=1) if line_text in line)
    return number, lines[number - 1].index(column_text) + 1


def problems_in(folder: Path, severity: Severity = Severity.ERROR) -> list[Problem]:
    """Load the rosters and return their problems of one severity."""
    problems: list[Problem] = []
    rosters = load_rosters(folder, problems)
    assert (rosters is None) is any(p.severity is Severity.ERROR for p in problems)
    return [p for p in problems if p.severity is severity]


def the_problem(folder: Path, severity: Severity = Severity.ERROR) -> Problem:
    """Return the one problem of that severity, failing when there are more or none."""
    found = problems_in(folder, severity)
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


def test_shipped_rosters_load_without_a_single_problem() -> None:
    problems: list[Problem] = []
    rosters = load_rosters(ROOT / "menus", problems)
    assert problems == []
    assert rosters is not None
    assert rosters.files == tuple(ROOT / "menus" / name for name in ROSTER_FILES.values())


# Each case: file, text to replace, its replacement, words of the message, then the text on
# the line the problem must point at and the text at its column.
ERRORS = [
    ("interpreters.yaml", "[georgian, russian]", "[georgain, russian]",
     "unknown STT language 'georgain'", "georgain", "georgain"),
    ("operators.yaml", "[pt_PT, ro, ro_MD, es]", "[pt_PT, ro, ro_MD, sp]",
     "unknown language 'sp'", "ro_MD, sp", "sp]"),
    ("stt_languages.yaml", "id: german\n    code: 208", "id: german\n    code: 204",
     "code 204 is used twice (first at", "code: 204", "204"),
    ("stt_languages.yaml", "code: 870", 'code: "087"', "must not start with 0", "087", '"087"'),
    ("stt_languages.yaml", "code: 870", "code: 777", "one repeated digit", "777", "777"),
    ("stt_languages.yaml", "code: 870", "code: 8700", "three digits", "8700", "8700"),
    ("stt_languages.yaml", "babel: sq", "babel: xx", "Babel has no locale 'xx'", "xx", "xx"),
    ("stt_languages.yaml",
     '    names: {pt: "Balanta (Guiné-Bissau)", en: "Balanta (Guinea-Bissau)"}\n', "",
     "needs `names` (pt and en)", "- id: balanta", "id: balanta"),
    ("interpreters.yaml", '"+351 210 000 309"', '"+351 210 00"', "bad phone number",
     '"+351 210 00"', '"+351'),
    ("interpreters.yaml", '"+351 210 000 309"', '"+351 218 106 191"',
     "sample person with a real-looking number +351218106191", "218 106", '"+351'),
    ("interpreters.yaml", '"+351 210 000 309"', '"+351 210 000 301"',
     "phone number +351210000301 is used twice (first at", "210 000 301", '"+351'),
    ("operators.yaml", "id: lam_02", "id: stt_009", "id stt_009 is used twice", "stt_009",
     "stt_009"),
    ("interpreters.yaml", '{tue-thu: ["10:00-16:00"]}', '{tue-thu: ["10:00-26:00"]}',
     "bad time in '10:00-26:00'", "26:00", '"10:00'),
    ("interpreters.yaml", '{tue-thu: ["10:00-16:00"]}', '{tue-thu: ["16:00-10:00"]}',
     "ends before it starts", "16:00-10:00", '"16:00'),
    ("interpreters.yaml", '{tue-thu: ["10:00-16:00"]}', '{tue-thx: ["10:00-16:00"]}',
     "unknown day 'thx'", "tue-thx", "tue-thx"),
    ("interpreters.yaml", '{tue-thu: ["10:00-16:00"]}',
     '{tue-thu: ["10:00-16:00", "15:00-17:00"]}', "overlapping time ranges",
     "15:00-17:00", "shifts"),
    ("interpreters.yaml", "gender: f\n    credential: 2\n    shifts: {tue-thu: [\"10",
     "gender: x\n    credential: 2\n    shifts: {tue-thu: [\"10", "'f' or 'm'", "gender: x",
     "x"),
    ("interpreters.yaml", "credential: 2\n    shifts: {tue-thu: [\"10",
     "credential: 5\n    shifts: {tue-thu: [\"10", "1, 2 or 3", "credential: 5", "5"),
    ("interpreters.yaml", "gender: f\n    credential: 2\n    shifts: {tue-thu: [\"10",
     "gender: f\n    notes: x\n    credential: 2\n    shifts: {tue-thu: [\"10", "unknown key",
     "notes: x", "notes"),
    ("entities.yaml", 'account: "318845"', 'account: "4021170"',
     "account number 4021170 is used twice", '"4021170"', '"4021170'),
    ("entities.yaml", 'account: "318845"', 'account: "031884"', "not starting with 0",
     "031884", '"031884'),
    ("entities.yaml", "hospital\n    access_code: ", 'hospital\n    access_code: "123456"  # ',
     "bad access-code hash", '"123456"', '"123456"'),
    ("entities.yaml", "hospital\n    access_code: pbkdf2_sha256$600000$",
     "hospital\n    access_code: pbkdf2_sha256$1000$", "1000 iterations", "$1000$", "pbkdf2"),
    ("operators.yaml", "    name: Joana Ribeiro Matos\n",
     "    name: Joana Ribeiro Matos\n    sample: false\n",
     "in the fictional range: mark the person or the file `sample: true`",
     "210 000 132", '"+351'),
]


@pytest.mark.parametrize(("name", "old", "new", "message", "line_text", "column_text"),
                         ERRORS, ids=[case[3][:40] for case in ERRORS])
def test_each_error_is_located(menus: Path, name: str, old: str, new: str, message: str,
                               line_text: str, column_text: str) -> None:
    edit(menus, name, old, new)
    problem = the_problem(menus)
    assert message in problem.message
    assert problem.file.endswith(name)
    assert (problem.line, problem.column) == position(menus, name, line_text, column_text)
    assert problem.path


def test_the_second_use_of_a_code_names_the_first(menus: Path) -> None:
    edit(menus, "stt_languages.yaml", "id: german\n    code: 208", "id: german\n    code: 204")
    problem = the_problem(menus)
    lines = (menus / "stt_languages.yaml").read_text(encoding="utf-8").splitlines()
    first, second = (n for n, line in enumerate(lines, start=1) if line == "    code: 204")
    assert (problem.path, problem.line) == ("languages.1.code", second)
    assert problem.message.endswith(f"stt_languages.yaml:{first})")


def test_a_language_id_used_twice(menus: Path) -> None:
    edit(menus, "stt_languages.yaml", "id: german", "id: albanian")
    found = problems_in(menus)
    assert "language id albanian is used twice" in found[0].message
    assert (found[0].line, found[0].column) == position(menus, "stt_languages.yaml",
                                                        "id: albanian", "albanian")
    assert {p.message for p in found[1:]} == {
        "unknown STT language 'german' (not in stt_languages.yaml)"}


@pytest.mark.parametrize("name", ["interpreters.yaml", "operators.yaml", "entities.yaml"])
def test_a_file_must_say_whether_it_is_sample_data(menus: Path, name: str) -> None:
    edit(menus, name, "\nsample: true\n", "\n")
    problem = the_problem(menus)
    assert (problem.path, problem.message) == ("sample", "required key is missing")


def test_a_real_roster_refuses_invented_numbers(menus: Path) -> None:
    edit(menus, "operators.yaml", "\nsample: true\n", "\nsample: false\n")
    found = problems_in(menus)
    assert len(found) == 8
    assert all("in the fictional range" in p.message for p in found)


def test_a_language_nobody_interprets_is_a_warning(menus: Path) -> None:
    edit(menus, "interpreters.yaml", "languages: [sinhala]", "languages: [tamil]")
    problem = the_problem(menus, Severity.WARNING)
    assert problem.message == "no interpreter speaks 'sinhala'"
    assert (problem.line, problem.column) == position(menus, "stt_languages.yaml",
                                                      "id: sinhala", "sinhala")
    assert problems_in(menus) == []


@pytest.mark.parametrize(("old", "new", "day"), [
    ('{mon-fri: ["09:00-15:00"]}', '{mon-fri: ["08:30-15:00"]}', "mon"),
    ('{mon-fri: ["09:00-15:00"]}', '{"mon-fri,sat": ["09:00-15:00"]}', "sat"),
])
def test_a_shift_outside_the_service_hours_is_a_warning(menus: Path, old: str, new: str,
                                                         day: str) -> None:
    edit(menus, "interpreters.yaml", old, new)
    problem = the_problem(menus, Severity.WARNING)
    assert f"on {day} is outside the STT hours" in problem.message
    assert problem.path == "interpreters.63.shifts." + new[1:new.index(":")].strip('"') + ".0"


def test_service_hours_can_be_given(menus: Path) -> None:
    problems: list[Problem] = []
    short = WeeklySchedule.parse({"mon-fri": ["10:00-18:00"]})
    assert load_rosters(menus, problems, hours={"stt": short}) is not None
    assert problems
    assert all(p.severity is Severity.WARNING and "STT" in p.message for p in problems)


def test_yaml_syntax_and_missing_files_are_reported(menus: Path) -> None:
    edit(menus, "operators.yaml", "  - id: lam_01", "  - id: [lam_01")
    (menus / "entities.yaml").unlink()
    found = problems_in(menus)
    assert [p.file.rsplit("/", 1)[-1] for p in found] == ["operators.yaml", "entities.yaml"]
    assert found[1].message == "file not found"
