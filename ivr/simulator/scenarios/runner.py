"""Run scenario files: each is a scripted call, checked against its expectations."""

from __future__ import annotations

from dataclasses import dataclass

from ivr.errors import SimulatorError
from ivr.simulator.scenarios.check import failures
from ivr.simulator.scenarios.loader import LoadedScenario
from ivr.simulator.session import Setup, run_setup
from ivr.simulator.transcript import CallResult


@dataclass(frozen=True)
class Outcome:
    """A scenario's result: its call (None when it could not run) and its failures."""

    loaded: LoadedScenario
    result: CallResult | None
    failures: tuple[str, ...]

    @property
    def is_passed(self) -> bool:
        """Tell whether every expectation held."""
        return not self.failures


def setup_of(loaded: LoadedScenario) -> Setup:
    """Return the call a scenario describes; an app file is found beside the scenario."""
    call = loaded.scenario.call
    return Setup(
        to=call.to,
        from_=call.from_,
        at=call.at,
        url=call.url,
        app=call.app,
        base_url=call.base_url,
        method=call.method,
        auth_token=call.auth_token,
        account_sid=call.account_sid,
        inputs=tuple(call.input),
        dial=call.dial_options(),
        dial_default=call.dial_default,
        max_steps=call.max_steps,
        seed=call.seed,
        fallback_url=call.fallback_url,
        status_callback=call.status_callback,
        also=tuple(call.also),
        hangup_after=call.hangup_after,
        transcripts=call.transcripts,
        base_dir=loaded.path.parent,
    )


#: The option a setup error is about, from how its sentence starts.
_OPTIONS = {"--app": "app", "--at": "at", "--dial": "dial", "dial outcome": "dial"}
_OPTIONS |= {"--also": "also", "input": "input", "--max-steps": "max-steps"}
_OPTIONS |= {"--hangup-after": "hangup-after"}


def _option(message: str) -> str:
    return next((key for start, key in _OPTIONS.items() if message.startswith(start)), "")


def run_scenario(loaded: LoadedScenario) -> Outcome:
    """Run one scenario's call and check it."""
    try:
        result = run_setup(setup_of(loaded))
    except SimulatorError as exc:
        return Outcome(loaded, None, (f"{loaded.where('call', _option(str(exc)))}: {exc}",))
    return Outcome(loaded, result, tuple(failures(loaded, result)))
