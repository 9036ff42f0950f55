"""``ivr call`` and ``ivr scenarios``: phone an app from the terminal, or run scripted calls.

Bad arguments give one sentence and exit status 2, never a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from ivr.errors import SimulatorError
from ivr.simulator.actors import Actor
from ivr.simulator.clock import parse_at
from ivr.simulator.console import ConsoleChooser, ConsoleTester, ConsoleTranscript
from ivr.simulator.parties import OutcomeChooser
from ivr.simulator.scenarios.loader import ScenarioError, load_scenarios, scenario_files
from ivr.simulator.scenarios.runner import run_scenario
from ivr.simulator.session import Setup, run_setup
from ivr.simulator.simulator import DEFAULT_FROM, DEFAULT_MAX_STEPS, DEFAULT_TO
from ivr.simulator.targets import DEFAULT_APP, DEFAULT_PATH, IN_PROCESS_BASE_URL


class BadArgument(click.ClickException):
    """An option the simulator cannot use; click prints ``Error: <sentence>``."""

    exit_code = 2


def _transcripts(path: str | None) -> dict[str, str]:
    """Load a transcript manifest: audio URL, path or file name → what it says."""
    if path is None:
        return {}
    try:
        loaded = YAML(typ="safe").load(Path(path).read_text(encoding="utf-8"))
    except (OSError, YAMLError) as exc:
        raise BadArgument(f"--transcripts {path}: cannot read it ({exc})") from None
    if not isinstance(loaded, dict):
        raise BadArgument(f"--transcripts {path} must map audio files to their words")
    return {str(key): str(value) for key, value in loaded.items()}


@click.command("call")
@click.option("--to", default=DEFAULT_TO, show_default=True, help="The number called.")
@click.option("--from", "from_", default=DEFAULT_FROM, show_default=True, help="The caller.")
@click.option("--at", help="Start time, ISO 8601; Lisbon wall time without an offset.")
@click.option(
    "--url",
    default=DEFAULT_PATH,
    show_default=True,
    help="A path on the in-process app, or an http(s) URL of an app running elsewhere.",
)
@click.option(
    "--app", default=DEFAULT_APP, show_default=True, help="module:factory or file.py:factory."
)
@click.option(
    "--base-url",
    default=IN_PROCESS_BASE_URL,
    show_default=True,
    help="Origin the in-process app is addressed at.",
)
@click.option("--method", type=click.Choice(["POST", "GET"]), default="POST", show_default=True)
@click.option("--auth-token", help="Sign webhooks with this token (in-process: a random one).")
@click.option("--account-sid", help="The account SID of the webhooks and the fake REST API.")
@click.option(
    "--input",
    "inputs",
    multiple=True,
    metavar="VALUE",
    help="Answer the next Gather or Record: 2, 1150#, '' (silence), say:TEXT, record:SECONDS, "
    "hangup.",
)
@click.option(
    "--dial",
    multiple=True,
    metavar="NUMBER=OUTCOME",
    help="What a dialled number does: answer, answer:1, answer:1:talk=120, decline, busy, "
    "no-answer, failed; commas script successive dials.",
)
@click.option("--dial-default", metavar="OUTCOME", help="What any other dialled number does.")
@click.option(
    "--also",
    multiple=True,
    metavar="SPEC",
    help="Another call into the app: 'after=60;from=NUMBER;input=1;talk=30;hangup=90'.",
)
@click.option(
    "--hangup-after",
    type=float,
    metavar="SECONDS",
    help="The caller hangs up this long into the call, wherever it stands (ringing, "
    "queue, conference, prompt).",
)
@click.option(
    "--max-steps",
    default=DEFAULT_MAX_STEPS,
    show_default=True,
    type=int,
    help="Stop after this many verbs and fetches.",
)
@click.option("--seed", type=int, help="Seed the SIDs, so the same call gives the same JSON.")
@click.option("--fallback-url", help="Requested with ErrorCode and ErrorUrl when a fetch fails.")
@click.option("--status-callback", help="Sent the call's progress events.")
@click.option("--transcripts", type=click.Path(), help="YAML mapping played audio to its words.")
@click.option(
    "--api-port", default=0, type=int, help="Port of the fake REST API (with an http URL)."
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON object instead of the transcript."
)
def call_command(
    to: str,
    from_: str,
    at: str | None,
    url: str,
    app: str,
    base_url: str,
    method: str,
    auth_token: str | None,
    account_sid: str | None,
    inputs: tuple[str, ...],
    dial: tuple[str, ...],
    dial_default: str | None,
    also: tuple[str, ...],
    hangup_after: float | None,
    max_steps: int,
    seed: int | None,
    fallback_url: str | None,
    status_callback: str | None,
    transcripts: str | None,
    api_port: int,
    as_json: bool,
) -> None:
    """Phone an app as Twilio would, scripted with --input or interactively.

    Without --input every Gather and Record asks at the terminal (Enter is silence); with
    --input, answers run out into silence.
    """
    is_interactive = not inputs
    try:
        setup = Setup(
            to=to,
            from_=from_,
            at=parse_at(at) if at else None,
            url=url,
            app=app,
            base_url=base_url,
            method=method,
            auth_token=auth_token,
            account_sid=account_sid,
            inputs=None if is_interactive else inputs,
            dial=dial,
            dial_default=dial_default,
            max_steps=max_steps,
            seed=seed,
            fallback_url=fallback_url,
            status_callback=status_callback,
            also=also,
            hangup_after=hangup_after,
            transcripts=_transcripts(transcripts),
            api_port=api_port,
        )
        console = ConsoleTranscript(err=as_json)
        observers = [console] if (is_interactive or not as_json) else []
        tester: Actor | None = ConsoleTester() if is_interactive else None
        chooser: OutcomeChooser | None = ConsoleChooser() if is_interactive else None
        result = run_setup(setup, observers, tester, chooser)
    except SimulatorError as exc:
        raise BadArgument(str(exc)) from None
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        console.on_end(result)


@click.command("scenarios")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def scenarios_command(paths: tuple[Path, ...]) -> None:
    """Run scenario files (or every YAML file in a folder); exit 1 if any fails."""
    files = scenario_files(list(paths))
    failed = passed = 0
    for path in files:
        try:
            loaded = load_scenarios(path)
        except ScenarioError as exc:
            for problem in exc.problems:
                click.echo(problem)
            failed += 1
            continue
        for scenario in loaded:
            outcome = run_scenario(scenario)
            if outcome.is_passed:
                passed += 1
                continue
            failed += 1
            for line in outcome.failures:
                click.echo(f"{line}  [{scenario.scenario.name}]")
    click.echo(f"{passed} passed, {failed} failed")
    if failed:
        raise click.exceptions.Exit(1)
