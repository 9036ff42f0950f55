"""``ivr call`` and ``ivr scenarios`` through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ivr.cli import cli

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CLINIC = ["--app", f"{HERE / 'thirdparty.py'}:create_app", "--url", "/ivr/welcome"]
JSON_FIELDS = {"call_sid", "from", "to", "at", "steps", "requests", "end", "warnings"}


@pytest.fixture
def runner() -> CliRunner:
    """A click runner."""
    return CliRunner()


def test_a_scripted_call_prints_one_stable_json_object(runner: CliRunner) -> None:
    args = ["call", *CLINIC, "--json", "--seed", "4", "--at", "2026-03-02T10:00", "--input", "1"]
    first = runner.invoke(cli, args)
    second = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert first.stdout == second.stdout
    call = json.loads(first.stdout)
    assert set(call) == JSON_FIELDS
    assert call["at"] == "2026-03-02T10:00:00+00:00"
    assert call["end"] == {"reason": "completed", "error_code": None}
    say, gather = call["steps"][0], call["steps"][1]
    assert set(say) == {"verb", "text", "language", "voice", "leg", "at"}
    assert set(gather) == {"verb", "digits", "speech", "action", "leg", "at"}
    assert say["language"] == "pt-PT"
    assert gather["digits"] == "1"
    assert [(r["method"], r["status"]) for r in call["requests"]] == [("POST", 200)] * 2


def test_a_scripted_call_prints_a_readable_transcript(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["call", *CLINIC, "--input", "2", "--dial", "+351210000180=busy"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert any("Say [pt-PT · Polly.Ines]" in line and "Clínica da Graça" in line for line in lines)
    assert any("Dial +351210000180: busy" in line for line in lines)
    assert lines[-1] == "Call ended: completed"
    assert "\x1b[" not in result.stdout  # no colour when not a terminal


def test_an_interactive_call_asks_for_keys_and_dial_outcomes(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["call", *CLINIC], input="2\nbusy\n")
    assert result.exit_code == 0, result.output
    assert "keys? (1 key, end with #" in result.stderr
    assert "+351210000180 is ringing" in result.stderr
    assert "Dial +351210000180: busy" in result.stdout
    assert "A receção está ocupada" in result.stdout


def test_enter_is_silence_and_the_end_of_input_too(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["call", *CLINIC], input="\n")
    assert result.exit_code == 0
    assert "Adeus" in result.stdout
    assert result.stdout.splitlines()[-1] == "Call ended: hangup"


def test_hangup_after_ends_the_call_where_it_stands(runner: CliRunner) -> None:
    args = ["call", *CLINIC, "--json", "--seed", "1", "--input", "1"]
    whole = json.loads(runner.invoke(cli, args).stdout)
    cut = runner.invoke(cli, [*args, "--hangup-after", "2"])
    assert cut.exit_code == 0, cut.output
    call = json.loads(cut.stdout)
    assert call["end"] == {"reason": "hangup", "error_code": None}
    assert whole["end"]["reason"] == "completed"
    assert len(call["steps"]) < len(whole["steps"])


def test_another_call_can_hang_up_too() -> None:
    from ivr.simulator.session import parse_also

    plan = parse_also("after=5;hangup=30;input=1", "https://ivr.localhost/voice", 2)
    assert (plan.after_s, plan.hangup_after_s, plan.label) == (5.0, 30.0, "call 2")


def test_typing_hangup_ends_the_call_at_the_keypad(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["call", *CLINIC], input="hangup\n")
    assert result.exit_code == 0, result.output
    assert "hangup to hang up" in result.stderr
    lines = result.stdout.splitlines()
    assert "Gather the caller hung up" in lines[-2]
    assert lines[-1] == "Call ended: hangup"
    assert "Adeus" not in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--input", "abc"], "input 'abc' is not keys"),
        (["--dial", "+351210000180=maybe"], "must start with one of answer"),
        (["--dial", "+351210000180"], "must look like NUMBER=OUTCOME"),
        (["--dial-default", "answer:talk=soon"], "is not a number of seconds"),
        (["--at", "yesterday"], "is not an ISO 8601 time"),
        (["--at", "2026-03-02T10:00", "--url", "http://127.0.0.1:9/voice"], "--at cannot be used"),
        (["--app", "no_such_module_here:app"], "cannot import no_such_module_here"),
        (["--app", "ivr.errors"], "must look like module:factory"),
        (["--max-steps", "0"], "--max-steps must be at least 1"),
        (["--also", "after=soon"], "after=, talk= and hangup= take seconds"),
        (["--hangup-after", "-1"], "--hangup-after takes seconds"),
    ],
)
def test_bad_arguments_give_one_sentence_and_exit_2(
    runner: CliRunner, args: list[str], message: str
) -> None:
    result = runner.invoke(cli, ["call", *CLINIC, "--input", "1", *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_our_helpline_answers_deterministically(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # the helpline reads menus/, prompts/ and locales/ from here
    args = [
        "call",
        "--json",
        "--input",
        "2",
        "--input",
        "1",
        "--seed",
        "9",
        "--at",
        "2026-03-02T10:00",
    ]
    first = runner.invoke(cli, args)
    second = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert first.stdout == second.stdout
    call = json.loads(first.stdout)
    assert call["requests"][0]["url"] == "https://ivr.localhost/voice/incoming"
    assert all(request["status"] == 200 for request in call["requests"])
    assert call["end"]["reason"] != "error"


def test_scenarios_pass_with_exit_0(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["scenarios", str(HERE / "scenarios")])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "6 passed, 0 failed"


def test_a_failing_scenario_says_which_expectation_at_which_step(
    runner: CliRunner, tmp_path: Path
) -> None:
    scenario = tmp_path / "wrong.yaml"
    scenario.write_text(
        f"name: Hours in English\n"
        f"call:\n  app: {HERE / 'thirdparty.py'}:create_app\n  url: /ivr/welcome\n"
        f"  input: ['1']\n"
        f"expect:\n  steps:\n    - say: Clínica\n    - say: We open at 8\n"
        f"  end: {{reason: hangup}}\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["scenarios", str(scenario)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{scenario}:9:7: expected Say text 'We open at 8' after step 1")
    assert 'the next Say was Say [pt-PT · man] "Abrimos das 8 às 20 horas."' in lines[0]
    assert lines[1].startswith(f"{scenario}:10:17: the call ended completed, not hangup")
    assert lines[-1] == "0 passed, 1 failed"


BROKEN_APP = """
from flask import Flask, Response, request

def create_app():
    app = Flask("broken")

    @app.route("/voice", methods=["GET", "POST"])
    def voice():
        return Response("oops", 500)

    @app.route("/sorry", methods=["GET", "POST"])
    def sorry():
        code = request.values["ErrorCode"]
        return Response(f"<Response><Say>Sorry, {code}.</Say></Response>", mimetype="text/xml")

    @app.route("/status", methods=["GET", "POST"])
    def status():
        return Response("", 204)

    return app
"""


def test_fallback_url_status_callback_and_get(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "broken_app.py").write_text(BROKEN_APP, encoding="utf-8")
    args = ["call", "--app", f"{tmp_path / 'broken_app.py'}:create_app", "--url", "/voice"]
    args += ["--method", "GET", "--fallback-url", "/sorry", "--status-callback", "/status"]
    result = runner.invoke(cli, [*args, "--json", "--input", ""])
    assert result.exit_code == 0, result.output
    call = json.loads(result.stdout)
    assert [(r["method"], r["url"].split("?")[0], r["status"]) for r in call["requests"]] == [
        ("GET", "https://ivr.localhost/voice", 500),
        ("POST", "https://ivr.localhost/sorry", 200),
        ("POST", "https://ivr.localhost/status", 204),
    ]
    assert call["steps"][0]["text"] == "Sorry, 11200."
    assert call["end"] == {"reason": "completed", "error_code": None}
    assert call["warnings"][0]["code"] == 11200
