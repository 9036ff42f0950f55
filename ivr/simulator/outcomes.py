"""What a verb can lead to, and why a waiting leg can be interrupted.

A verb returns an outcome: carry on with the next verb, fetch a new document (an action,
a Redirect), or end the leg. Interrupt causes come from outside the leg: the REST API,
a queue that dequeues it, a conference that ends, or the person hanging up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from ivr.simulator.kernel import Flow, Interrupt
from ivr.simulator.transcript import CallEnd, EndReason

T = TypeVar("T")


@dataclass(frozen=True)
class Continue:
    """Run the next verb of the current document."""


@dataclass(frozen=True)
class Fetch:
    """Leave the current document: request ``url`` and run what it answers."""

    url: str
    method: str = "POST"
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Inline:
    """Run TwiML given directly (a REST ``Twiml`` update or a ``Twiml`` create)."""

    twiml: str


@dataclass(frozen=True)
class Ended:
    """The leg is over."""

    end: CallEnd

    @classmethod
    def because(cls, reason: EndReason, error_code: int | None = None) -> Ended:
        """Return the outcome for ``reason``."""
        return cls(CallEnd(reason, error_code))


@dataclass(frozen=True)
class Left:
    """A ``<Leave>`` took the call out of its queue."""


Outcome = Continue | Fetch | Inline | Ended | Left


@dataclass(frozen=True)
class Redirected:
    """The REST API moved the call to new TwiML (``Url`` or ``Twiml``)."""

    target: Fetch | Inline


@dataclass(frozen=True)
class HungUp:
    """The call was hung up: by the REST API, or by the person on it."""


def unless_hung_up(flow: Flow[T]) -> Flow[T | None]:
    """Run ``flow``; return None instead when the person on the leg hangs up meanwhile.

    The flow's own clean-up (its ``finally`` blocks) has run by then; a REST redirect still
    propagates.
    """
    try:
        return (yield from flow)
    except Interrupt as interrupt:
        if not isinstance(interrupt.cause, HungUp):
            raise
        return None
