"""Scenario files: errors at file:line:column, expectations, and pytest collection."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ivr.simulator.scenarios.loader import ScenarioError, load_scenarios
from ivr.simulator.scenarios.runner import run_scenario

HERE = Path(__file__).resolve().parent
APP = f"{HERE / 'thirdparty.py'}:create_app"


def _write(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("name: x\ncall:\n  inptu: ['1']\n", ":3:3: call.inptu: Extra inputs are not permitted"),
        ("name: x\ncall:\n  max-steps: 0\n", ":3:14: call.max-steps: Input should be greater than"),
        (
            "name: x\nexpect:\n  steps:\n    - shout: hi\n",
            ":4:7: expect.steps.0: Value error, name exactly one verb",
        ),
        (
            "name: x\ncall:\n  at: someday\n",
            ":3:7: call.at: Value error, --at 'someday' is not an ISO 8601",
        ),
        ("call: {}\n", ":1:1: name: Field required"),
        ("name: [unclosed\n", ":2:1: expected ',' or ']'"),
    ],
)
def test_mistakes_are_reported_at_file_line_column(tmp_path: Path, text: str, problem: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ScenarioError) as error:
        load_scenarios(path)
    assert any(line.startswith(str(path)) and problem in line for line in error.value.problems), (
        error.value.problems
    )


def test_keys_written_as_numbers_stay_keys(tmp_path: Path) -> None:
    path = _write(
        tmp_path, f"name: numbers\ncall:\n  app: {APP}\n  url: /ivr/welcome\n  input: [1]\n"
    )
    (loaded,) = load_scenarios(path)
    assert loaded.scenario.call.input == ["1"]
    assert run_scenario(loaded).is_passed


def test_every_kind_of_expectation_can_fail(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        f"""name: everything wrong
call:
  app: {APP}
  url: /ivr/welcome
  input: ["1"]
expect:
  steps:
    - say: Clínica
      language: en-GB
  never_say: [Abrimos]
  requests: [/ivr/other]
  warnings: [11200]
  end: {{reason: error, error_code: 11200}}
""",
    )
    (loaded,) = load_scenarios(path)
    failures = run_scenario(loaded).failures
    assert [line.split(": ", 1)[0].rsplit(":", 2)[1:] for line in failures] == [
        ["8", "7"],
        ["10", "15"],
        ["11", "14"],
        ["12", "14"],
        ["13", "17"],
        ["13", "36"],
    ]
    assert "the next Say was Say [pt-PT · Polly.Ines]" in failures[0]
    assert "said 'Abrimos das 8 às 20 horas.'" in failures[1]


def test_a_scenario_whose_app_cannot_load_fails_cleanly(tmp_path: Path) -> None:
    path = _write(tmp_path, "name: nowhere\ncall:\n  app: missing.py:create_app\n")
    (loaded,) = load_scenarios(path)
    (failure,) = run_scenario(loaded).failures
    assert failure.startswith(f"{path}:3:8: --app 'missing.py:create_app': cannot import")


def test_pytest_collects_each_scenario_as_an_item(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(
        "from ivr.simulator.scenarios.pytest_plugin import pytest_collect_file  # noqa: F401\n"
    )
    _write(
        tmp_path,
        f"""- name: passes
  call: {{app: "{APP}", url: /ivr/welcome, input: ["1"]}}
  expect: {{steps: [{{say: Abrimos}}]}}
- name: fails
  call: {{app: "{APP}", url: /ivr/welcome, input: ["1"]}}
  expect: {{steps: [{{say: Fechamos}}]}}
""",
        "calls.yaml",
    )
    _write(tmp_path, "name: [broken\n", "broken.yaml")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(tmp_path),
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 passed" in run.stdout
    assert "2 failed" in run.stdout
    assert "calls.yaml:6:20: expected Say text 'Fechamos' anywhere" in run.stdout
    assert "broken.yaml:2:1:" in run.stdout
