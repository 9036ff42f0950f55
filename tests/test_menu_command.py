"""`ivr check`: one line per problem, and an exit code that says it all."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import ROOT

from ivr.cli import cli, main


def test_clean_menu_exits_zero(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["check", str(ROOT / "menus")])
    assert result.exit_code == 0, result.output
    assert "no problems" in result.output


def test_problems_exit_one_with_one_line_each(runner: CliRunner, tmp_path: Path) -> None:
    menus = tmp_path / "menus"
    shutil.copytree(ROOT / "menus", menus)
    flow = menus / "flow.yaml"
    flow.write_text(flow.read_text().replace("goto: offices,", "goto: ofices,").replace(
        "  goodbye:\n    kind: hangup", "  goodbye:\n    kind: hangup\n  lost:\n    kind: hangup"))
    result = runner.invoke(cli, ["check", str(menus)])
    assert result.exit_code == 1
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1  # the unreachable warning waits until the errors are fixed
    assert "flow.yaml:" in lines[0]
    assert "unknown target 'ofices'" in lines[0]


def test_warnings_alone_still_fail_the_check(runner: CliRunner, tmp_path: Path) -> None:
    menus = tmp_path / "menus"
    shutil.copytree(ROOT / "menus", menus)
    flow = menus / "flow.yaml"
    flow.write_text(flow.read_text() + "\n  lost:\n    kind: hangup\n")
    result = runner.invoke(cli, ["check", str(menus)])
    assert result.exit_code == 1
    assert "unreachable node" in result.stdout


def test_a_bad_path_is_one_readable_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["check", "/no/such/folder"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert "is not a folder of menu files" in err
    assert "Traceback" not in err


def test_an_unknown_command_is_one_readable_sentence(capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["chekc"])
    assert caught.value.code == 2
    assert "No such command 'chekc'" in capsys.readouterr().err


def test_the_console_script_exits_one_with_problems(tmp_path: Path) -> None:
    import subprocess
    import sys

    menus = tmp_path / "menus"
    shutil.copytree(ROOT / "menus", menus)
    flow = menus / "flow.yaml"
    flow.write_text(flow.read_text().replace("goto: offices,", "goto: ofices,"))
    run = subprocess.run([sys.executable, "-m", "ivr", "check", str(menus)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert "unknown target 'ofices'" in run.stdout
