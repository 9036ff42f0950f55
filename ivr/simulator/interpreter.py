"""Run a leg's TwiML: fetch a document, run its verbs top to bottom, follow where they lead.

The rules (§2): a document runs top to bottom and the call hangs up when it runs out;
control leaves a document at Redirect, Hangup, Reject and any requested action URL; a
failed fetch tries the fallback URL, else the caller hears the application error and the
call ends. The REST API can move a leg to new TwiML or hang it up at any moment: that
arrives as an ``Interrupt`` wherever the leg is waiting.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from ivr.simulator import behaviour, dial, enqueue, gather, prompts
from ivr.simulator.attributes import Attributes
from ivr.simulator.clock import speech_seconds
from ivr.simulator.kernel import Event, Flow, Interrupt, instant
from ivr.simulator.legs import CallStatus, Leg
from ivr.simulator.outcomes import (
    Continue,
    Ended,
    Fetch,
    HungUp,
    Inline,
    Left,
    Outcome,
    Redirected,
)
from ivr.simulator.transcript import CallEnd, EndReason
from ivr.simulator.twiml import Document, TwimlParseError, parse_document, text_of
from ivr.simulator.webhooks import FetchFailure

if TYPE_CHECKING:
    from ivr.simulator.world import World

VerbFlow = Callable[["LegRunner", ET.Element], Flow[Outcome]]


class LegRunner:
    """Runs TwiML on one leg; verbs get it as their context."""

    def __init__(self, world: World, leg: Leg) -> None:
        self.world = world
        self.leg = leg
        self.doc = Document("", ())
        self._fetches = 0

    # -- helpers for verbs ------------------------------------------------------------------

    def for_leg(self, leg: Leg) -> LegRunner:
        """Return a runner for another leg of the same simulation."""
        return LegRunner(self.world, leg)

    def resolve(self, url: str) -> str:
        """Resolve a URL against the current document's URL, like a browser (§2)."""
        return urljoin(self.doc.url, url.strip())

    def attrs(self, element: ET.Element) -> Attributes:
        """Read an element's attributes, warning about bad values."""
        return Attributes(element, self.warn)

    def step(self, verb: str, **fields: object) -> None:
        """Record a verb that ran on this leg."""
        self.world.transcript.step(self.leg.sid, verb, **fields)

    def warn(self, code: int | None, message: str) -> None:
        """Record a warning on this leg."""
        self.world.transcript.warn(self.leg.sid, code, message)

    def wait(self, seconds: float) -> Event:
        """Return an event for a process to wait ``seconds`` on."""
        return self.world.kernel.timeout(seconds)

    def params(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """Return the leg's parameters plus a verb's own."""
        return {**self.leg.params(), **(extra or {})}

    def request_after_hangup(self, url: str, method: str, extra: Mapping[str, str]) -> None:
        """Request an action the caller's hangup still triggers; its TwiML cannot run."""
        params = self.params(extra) | {"CallStatus": behaviour.ACTION_AFTER_HANGUP_CALL_STATUS}
        self.fetch(url, method, params)

    # -- the document loop -------------------------------------------------------------------

    def run(self, start: Fetch | Inline) -> Flow[CallEnd]:
        """Run the leg from its first document until it ends."""
        next_: Outcome = start
        while True:
            try:
                if isinstance(next_, Fetch | Inline):
                    loaded = self.load(next_)
                    if isinstance(loaded, FetchFailure):
                        return (yield from self.application_error(loaded.code))
                    next_ = yield from self.run_document(loaded)
                elif isinstance(next_, Ended):
                    return next_.end
                else:
                    return CallEnd(EndReason.COMPLETED)
            except Interrupt as interrupt:
                next_ = self.interrupted(interrupt.cause)

    def interrupted(self, cause: object) -> Outcome:
        """Turn a REST update or a hangup into what the leg does next."""
        if isinstance(cause, Redirected):
            return cause.target
        if isinstance(cause, HungUp):
            return Ended.because(EndReason.HANGUP)
        raise AssertionError(f"unexpected interrupt {cause!r}")

    def load(self, target: Fetch | Inline) -> Document | FetchFailure:
        """Fetch or parse the next document; on failure try the fallback URL (§4)."""
        is_first = self._fetches == 0
        if isinstance(target, Inline):
            try:
                return self._checked(parse_document(target.twiml, self.doc.url))
            except TwimlParseError as exc:
                failure = FetchFailure(behaviour.DOCUMENT_PARSE_FAILURE, str(exc), "")
        else:
            loaded = self.fetch(target.url, target.method, self.params(target.params))
            if isinstance(loaded, Document):
                return loaded
            failure = loaded
        self.warn(failure.code, failure.message)
        fallback = self.leg.fallback
        if fallback is None or not (is_first or behaviour.FALLBACK_FOR_ACTION_FETCHES):
            return failure
        error = {"ErrorCode": str(failure.code), "ErrorUrl": failure.url}
        rescued = self.fetch(fallback.url, fallback.method, self.params(error))
        if isinstance(rescued, FetchFailure):
            self.warn(rescued.code, f"the fallback URL failed too: {rescued.message}")
            return failure
        return rescued

    def fetch(self, url: str, method: str, params: Mapping[str, str]) -> Document | FetchFailure:
        """Request a TwiML document with this leg's cookies."""
        self._fetches += 1
        webhooks = self.world.webhooks
        loaded = webhooks.fetch_twiml(self.leg.sid, self.leg.cookies, url, method, params)
        return self._checked(loaded) if isinstance(loaded, Document) else loaded

    def _checked(self, document: Document) -> Document:
        for problem in document.problems:
            self.warn(problem.code, problem.message)
        return document

    def run_document(self, document: Document) -> Flow[Outcome]:
        """Make ``document`` current and run its verbs."""
        self.doc = document
        return (yield from self.run_verbs(document.verbs))

    def run_verbs(
        self, verbs: tuple[ET.Element, ...], allowed: frozenset[str] | None = None
    ) -> Flow[Outcome]:
        """Run verbs top to bottom until one leaves the document."""
        for verb in verbs:
            if allowed is not None and verb.tag not in allowed:
                self.warn(behaviour.SCHEMA_WARNING, f"<{verb.tag}> is not allowed here; skipped")
                continue
            if verb.tag not in behaviour.NON_ANSWERING_VERBS and not _answers_on_bridge(verb):
                self.leg.answer(self.world.kernel.now)
            outcome = yield from VERBS[verb.tag](self, verb)
            if isinstance(outcome, Left) and allowed is None:
                self.warn(behaviour.SCHEMA_WARNING, "<Leave> outside a queue does nothing")
            elif not isinstance(outcome, Continue):
                return outcome
        return Continue()

    def application_error(self, code: int) -> Flow[CallEnd]:
        """Play Twilio's application error message and end the call (§4)."""
        text = behaviour.APPLICATION_ERROR_MESSAGE
        language = behaviour.APPLICATION_ERROR_LANGUAGE
        voice = behaviour.APPLICATION_ERROR_VOICE
        self.step("Say", text=text, language=language, voice=voice, error_code=code)
        yield self.wait(speech_seconds(text, language))
        return CallEnd(EndReason.ERROR, code)


def _answers_on_bridge(verb: ET.Element) -> bool:
    return verb.tag == "Dial" and verb.get("answerOnBridge") == "true"


@instant
def redirect(runner: LegRunner, verb: ET.Element) -> Outcome:
    """Leave the document for another URL, relative to the current one (§3.10)."""
    if not text_of(verb):
        runner.warn(behaviour.SCHEMA_WARNING, "<Redirect> has no URL; skipped")
        return Continue()
    url = runner.resolve(text_of(verb))
    runner.step("Redirect", url=url)
    return Fetch(url, runner.attrs(verb).method("method"))


@instant
def hangup(runner: LegRunner, verb: ET.Element) -> Outcome:
    """End the call (§3.11)."""
    runner.step("Hangup")
    return Ended.because(EndReason.HANGUP)


@instant
def reject(runner: LegRunner, verb: ET.Element) -> Outcome:
    """Refuse an unanswered call; after answering it can only hang up (§3.12)."""
    reason = verb.get("reason", "rejected")
    runner.step("Reject", reason=reason)
    if runner.leg.is_answered and behaviour.LATE_REJECT_HANGS_UP:
        runner.warn(behaviour.SCHEMA_WARNING, "<Reject> after the call was answered hangs up")
        return Ended.because(EndReason.HANGUP)
    runner.leg.status = CallStatus(behaviour.REJECT_CALL_STATUS.get(reason, "no-answer"))
    return Ended.because(EndReason.REJECTED)


@instant
def log_only(runner: LegRunner, verb: ET.Element) -> Outcome:
    """Note a verb that starts a side process the simulator does not run (§3.14)."""
    runner.warn(None, f"<{verb.tag}> starts a side process that is not simulated")
    return Continue()


VERBS: dict[str, VerbFlow] = {
    "Say": prompts.say,
    "Play": prompts.play,
    "Pause": prompts.pause,
    "Gather": gather.gather,
    "Record": gather.record,
    "Dial": dial.dial,
    "Enqueue": enqueue.enqueue,
    "Leave": enqueue.leave,
    "Redirect": redirect,
    "Hangup": hangup,
    "Reject": reject,
    "Start": log_only,
    "Stop": log_only,
}
