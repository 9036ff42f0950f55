"""The terminal side of ``ivr call``: a live, coloured transcript and a person at the keypad.

Colour comes from ``click.style``; click drops it when the output is not a terminal.
"""

from __future__ import annotations

import sys
from datetime import datetime

import click

from ivr.errors import SimulatorError
from ivr.simulator import behaviour
from ivr.simulator.actors import GatherPrompt, RecordPrompt, Reply, Silence, parse_reply
from ivr.simulator.parties import Outcome, parse_outcome
from ivr.simulator.transcript import CallResult, EndReason, Notice, RequestRecord, Step

_VERB_COLOURS = {
    "Say": "cyan",
    "Play": "cyan",
    "Gather": "yellow",
    "Record": "yellow",
    "Dial": "magenta",
    "Enqueue": "magenta",
    "Sms": "green",
}


class ConsoleTranscript:
    """Print each step, request and warning as it happens."""

    def __init__(self, err: bool = False, show_requests: bool = True) -> None:
        self.err = err
        self.show_requests = show_requests

    def _line(self, at: str, label: str, text: str) -> None:
        who = click.style(f"{label:>14}", dim=True)
        click.echo(f"{click.style(at, dim=True)} {who}  {text}", err=self.err)

    def on_step(self, step: Step, label: str) -> None:
        """Show a verb that ran."""
        text = click.style(step.verb, fg=_VERB_COLOURS.get(step.verb), bold=True)
        self._line(step.at.strftime("%H:%M:%S"), label, f"{text} {describe(step)}".rstrip())

    def on_request(self, request: RequestRecord, label: str) -> None:
        """Show a webhook request, its status in red when it failed."""
        if not self.show_requests:
            return
        status = str(request.status) if request.status is not None else "no answer"
        is_ok = request.status is not None and 200 <= request.status < 300
        shown = click.style(status, fg=None if is_ok else "red")
        line = click.style(f"{request.method} {request.url} → ", dim=True) + shown
        self._line(request.at.strftime("%H:%M:%S"), label, line)

    def on_notice(self, notice: Notice, label: str) -> None:
        """Show a warning."""
        code = f"{notice.code} " if notice.code else ""
        self._line(
            notice.at.strftime("%H:%M:%S"),
            label,
            click.style(f"! {code}{notice.message}", fg="yellow"),
        )

    def on_note(self, leg: str, label: str, text: str, at: datetime) -> None:
        """Show what is going on (ringing, waiting)."""
        shown = click.style(f"… {text}", dim=True)
        self._line(at.strftime("%H:%M:%S"), label or "simulator", shown)

    def on_end(self, result: CallResult) -> None:
        """Show how the tester's call ended."""
        end = result.end
        if end.reason is EndReason.ERROR:
            text = click.style(
                f"Call ended: application error {end.error_code}", fg="red", bold=True
            )
        else:
            text = click.style(f"Call ended: {end.reason}", bold=True)
        click.echo(text, err=self.err)


def describe(step: Step) -> str:
    """Return a short human description of a step's fields."""
    f = step.fields
    if step.verb == "Say":
        loop = f" ×{f['loop']}" if "loop" in f else ""
        return f'[{f["language"]} · {f["voice"]}] "{f["text"]}"{loop}'
    if step.verb == "Play":
        text = f' "{f["text"]}"' if f.get("text") else ""
        return f"{f.get('url') or 'tones ' + str(f.get('digits'))}{text}"
    if step.verb in {"Gather", "Record"} and f.get("hangup"):
        recorded = f"{f['recording_url']}, then " if f.get("recording_url") else ""
        return f"{recorded}the caller hung up"
    if step.verb == "Gather":
        heard = f.get("digits") or (f'"{f["speech"]}"' if f.get("speech") else "silence")
        where = f"→ {f['action']}" if f.get("action") else "(falls through)"
        return f"heard {heard} {where}"
    if step.verb == "Dial":
        numbers = f.get("numbers")
        parties = ", ".join(str(n) for n in numbers) if isinstance(numbers, list) else ""
        target = f.get("conference") or f.get("queue") or parties
        return f"{target}: {f['status']} ({f['duration']} s)"
    if step.verb == "Sms":
        body = str(f["body"]).replace("\n", " / ")
        return f'to {f["to"]}: "{body}"'
    if step.verb == "Redirect":
        return f"→ {f['url']}"
    if step.verb == "Enqueue":
        return f"{f['queue']}: {f['result']}"
    if step.verb == "Record":
        return str(f.get("recording_url") or "nothing recorded (falls through)")
    fields = {k: v for k, v in f.items() if v is not None}
    return " ".join(f"{key}={value}" for key, value in fields.items())


def _read(prompt: str) -> str | None:
    """Ask on stderr and read one line of stdin; None at end of input."""
    click.echo(click.style(prompt, fg="green", bold=True), nl=False, err=True)
    line = sys.stdin.readline()
    if not line:
        click.echo("", err=True)
        return None
    return line.rstrip("\r\n")


class ConsoleTester:
    """The tester at the keypad: keys, ``say:TEXT``, ``record:SECONDS``, ``hangup``; Enter is
    silence.

    At the end of input every further question hears silence, like scripted inputs.
    """

    talk_s: float | None = None
    is_declining = False

    def __init__(self) -> None:
        self._closed = False

    def _ask(self, prompt: str) -> Reply:
        while not self._closed:
            line = _read(prompt)
            if line is None:
                self._closed = True
                break
            try:
                return parse_reply(line)
            except SimulatorError as exc:
                click.echo(click.style(str(exc), fg="red"), err=True)
        return Silence()

    def reply_to_gather(self, prompt: GatherPrompt) -> Reply:
        """Ask what the caller presses or says."""
        rules = []
        if prompt.num_digits:
            rules.append(f"{prompt.num_digits} key{'s' if prompt.num_digits > 1 else ''}")
        if prompt.finish_on_key:
            rules.append(f"end with {prompt.finish_on_key}")
        if "speech" in prompt.modes:
            rules.append(f"say:TEXT in {prompt.language}")
        hint = ", ".join(rules) or "keys"
        return self._ask(f"  keys? ({hint}; Enter = silence, hangup to hang up) ")

    def reply_to_record(self, prompt: RecordPrompt) -> Reply:
        """Ask how long the caller speaks after the beep."""
        return self._ask(
            f"  recording? (record:SECONDS, say:TEXT; Enter = silence, hangup to hang up; "
            f"max {prompt.max_length} s) "
        )


class ConsoleChooser:
    """Ask the tester what a dialled party does."""

    def choose(self, number: str) -> Outcome:
        """Ask for an OUTCOME; Enter picks the default."""
        default = behaviour.SCRIPTED_DIAL_DEFAULT
        while True:
            choices = "answer, answer:KEYS, decline, busy, no-answer, failed"
            line = _read(f"  {number} is ringing: {choices}? [{default}] ")
            try:
                return parse_outcome(line or default)
            except SimulatorError as exc:
                click.echo(click.style(str(exc), fg="red"), err=True)
