"""Wait URLs: the TwiML a queued caller or an early conference participant hears.

Twilio fetches the wait URL, runs it, and fetches it again when it ends, for as long as the
wait lasts [K §3.6, §3.7]. It runs here as a process of its own beside the waiting leg, so
the wait can end in the middle of a prompt. A failing wait URL is logged and the caller
waits in silence [K].
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ivr.simulator.kernel import Flow, Interrupt, Process
from ivr.simulator.outcomes import Continue, Fetch, Outcome
from ivr.simulator.webhooks import FetchFailure

if TYPE_CHECKING:
    from ivr.simulator.interpreter import LegRunner

Params = Callable[[], dict[str, str]]


def play_wait_documents(
    runner: LegRunner,
    wait: tuple[str, str] | None,
    params: Params,
    allowed: frozenset[str],
    transfer_leaves: bool,
) -> Process | None:
    """Start playing the wait URL; None when the wait is silent."""
    if wait is None:
        return None
    music = runner.for_leg(runner.leg)
    kernel = runner.world.kernel
    return kernel.process(_loop(music, wait, params, allowed, transfer_leaves), "wait")


def _loop(
    runner: LegRunner,
    wait: tuple[str, str],
    params: Params,
    allowed: frozenset[str],
    transfer_leaves: bool,
) -> Flow[Outcome]:
    """Run wait documents until one leaves the wait; Continue means wait in silence."""
    url, method = wait
    extra: dict[str, str] = {}
    try:
        while True:
            loaded = runner.fetch(url, method, runner.params({**params(), **extra}))
            if isinstance(loaded, FetchFailure):
                runner.warn(loaded.code, f"the wait URL failed: {loaded.message}")
                return Continue()
            runner.doc = loaded
            outcome = yield from runner.run_verbs(loaded.verbs, allowed)
            if isinstance(outcome, Fetch) and not transfer_leaves:
                url, method, extra = outcome.url, outcome.method, dict(outcome.params)
                continue  # another wait document
            if not isinstance(outcome, Continue):
                return outcome
            url, method, extra = wait[0], wait[1], {}
    except Interrupt:
        return Continue()
