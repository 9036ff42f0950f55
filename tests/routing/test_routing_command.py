"""`ivr languages` and `ivr entities hash`: the printed list, JSON for programs, clean errors."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import ROOT

from ivr.cli import cli, main
from ivr.routing.entities import verify_code

MENUS = str(ROOT / "menus")


def test_json_has_one_entry_per_language(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["languages", "--json", "--menus", MENUS])
    assert result.exit_code == 0, result.output
    entries = json.loads(result.stdout)
    assert len(entries) == 68
    assert set(entries[0]) == {"code", "language", "name", "name_en", "interpreters", "sample"}
    ukrainian = next(e for e in entries if e["language"] == "ukrainian")
    assert ukrainian["code"] == "870"
    assert ukrainian["name"] == "Ucraniano"
    assert ukrainian["name_en"] == "Ukrainian"
    assert ukrainian["interpreters"] >= 3
    assert ukrainian["sample"] is False
    assert [e["code"] for e in entries] == sorted(e["code"] for e in entries)
    assert sum(e["sample"] for e in entries) == 12


def test_markdown_is_a_printable_list_with_every_code(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["languages", "--format", "markdown", "--menus", MENUS])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("# ")
    codes = [e["code"] for e in json.loads(
        runner.invoke(cli, ["languages", "--json", "--menus", MENUS]).stdout)]
    rows = [line for line in text.splitlines() if line.startswith("| ") and line[2].isdigit()]
    assert [row.split(" | ")[0][2:] for row in rows] == codes
    assert "| 280 | Crioulo (Cabo Verde) | Cape Verdean Creole |" in text
    assert "| 212 | Amárico \\* | Amharic |" in text  # a sample language is marked
    assert "3 dígitos" in text


def test_text_groups_codes_by_their_first_digit(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["languages", "--menus", MENUS])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "STT" in lines[0]
    assert lines[2].startswith("Quando a linha pedir a língua")
    listed = [line for line in lines if line[:3].isdigit()]
    assert len(listed) == 68
    firsts = [line[0] for line in listed]
    assert lines.count("") == len(set(firsts)) + 2  # after the title, before each group, note


def test_csv_has_a_header_and_68_rows(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["languages", "--format", "csv", "--menus", MENUS])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 68
    assert rows[0] == {"code": "204", "language": "albanian", "name": "Albanês",
                       "name_en": "Albanian", "interpreters": "1", "sample": "false"}


def test_menus_default_to_the_menus_folder(runner: CliRunner,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = runner.invoke(cli, ["languages", "--json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == 68


@pytest.mark.parametrize(("argv", "says"), [
    (["languages", "--format", "pdf"], "Invalid value for '--format'"),
    (["languages", "--json", "--format", "csv"], "either --json or --format"),
    (["languages", "--menus", "/no/such/folder"], "is not a folder of menu files"),
    (["entities", "hash", "--code", "12ab"], "an access code is 4 to 12 digits"),
    (["entities", "hash", "--iterations", "1000", "--code", "1234"], "--iterations"),
])
def test_a_bad_option_is_one_sentence_and_exit_2(capsys: pytest.CaptureFixture[str],
                                                 argv: list[str], says: str) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert says in err
    assert "Traceback" not in err
    assert len([line for line in err.splitlines() if line.startswith("Error:")]) == 1


def test_a_broken_roster_is_reported_with_its_place(capsys: pytest.CaptureFixture[str],
                                                    tmp_path: Path) -> None:
    menus = tmp_path / "menus"
    shutil.copytree(ROOT / "menus", menus)
    path = menus / "stt_languages.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("code: 208", "code: 204"),
                    encoding="utf-8")
    with pytest.raises(SystemExit) as caught:
        main(["languages", "--menus", str(menus)])
    assert caught.value.code == 1
    err = capsys.readouterr().err
    assert "stt_languages.yaml:35:11: languages.1.code: code 204 is used twice" in err


def test_entities_hash_with_a_code_for_scripts(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["entities", "hash", "--code", "482913",
                                 "--iterations", "200000"])
    assert result.exit_code == 0, result.output
    stored = result.stdout.strip()
    assert stored.startswith("pbkdf2_sha256$200000$")
    assert verify_code(stored, "482913")


def test_entities_hash_asks_twice_without_showing_the_code(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["entities", "hash", "--iterations", "200000"],
                           input="482913\n482913\n")
    assert result.exit_code == 0, result.output
    assert "482913" not in result.output
    assert verify_code(result.stdout.strip().splitlines()[-1], "482913")


def test_entities_hash_refuses_two_different_entries(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["entities", "hash", "--iterations", "200000"],
                           input="482913\n482914\n")
    assert result.exit_code != 0
    assert "pbkdf2_sha256" not in result.output
