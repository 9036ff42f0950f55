"""A small discrete-event kernel: processes are generators that yield events to wait on.

Rules of this file:
- no I/O and no wall clock; time is a float of simulated seconds that only moves forward;
- a process resumes with the value of the event it waited on, or with an ``Interrupt``
  thrown into it when another party (the REST API, a queue, a conference) acts on it;
- events at the same time run in the order they were scheduled, so a run is deterministic.

Any exception a process does not handle stops the whole run: a simulator bug must not
pass silently, and ``StepLimitReached`` uses the same path on purpose.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Generator, Iterable
from itertools import count
from typing import Any, ParamSpec, TypeVar

T = TypeVar("T")
P = ParamSpec("P")

#: What a process is: a generator yielding events, returning its result.
Flow = Generator["Event", Any, T]

_PENDING = object()


def instant(function: Callable[P, T]) -> Callable[P, Flow[T]]:
    """Turn a function that never waits into a process flow, for uniform verb tables."""

    def flow(*args: P.args, **kwargs: P.kwargs) -> Flow[T]:
        yield from ()
        return function(*args, **kwargs)

    flow.__name__ = getattr(function, "__name__", "flow")
    flow.__doc__ = function.__doc__
    return flow


class Interrupt(Exception):  # noqa: N818 - named like the event it is, as in SimPy
    """Thrown into a waiting process; ``cause`` says who interrupted it and why."""

    def __init__(self, cause: object) -> None:
        super().__init__(cause)
        self.cause = cause


class Event:
    """Something that happens once, at a simulated time, with an optional value."""

    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel
        self.callbacks: list[Callable[[Event], None]] = []
        self.value: Any = _PENDING
        self.is_ok = True
        self.is_timer = False

    @property
    def triggered(self) -> bool:
        """Tell whether the event has been given a value."""
        return self.value is not _PENDING

    @property
    def processed(self) -> bool:
        """Tell whether the event has happened and its waiters were resumed."""
        return self.triggered and self not in self.kernel.pending

    def succeed(self, value: object = None) -> Event:
        """Trigger the event now with ``value``; waiting processes resume in order."""
        if self.triggered:
            raise RuntimeError("event already triggered")
        self.value = value
        self.kernel.schedule(self)
        return self

    def fail(self, error: BaseException) -> Event:
        """Trigger the event now with an exception for its waiters."""
        self.is_ok = False
        return self.succeed(error)


class Process(Event):
    """Runs a generator; the process itself is an event triggered with its return value."""

    def __init__(self, kernel: Kernel, flow: Flow[Any], name: str) -> None:
        super().__init__(kernel)
        self.name = name
        self._flow = flow
        self._target: Event | None = None
        start = Event(kernel)
        start.callbacks.append(self._resume)
        start.succeed()

    @property
    def is_alive(self) -> bool:
        """Tell whether the generator has not finished yet."""
        return not self.triggered

    def interrupt(self, cause: object) -> None:
        """Throw ``Interrupt(cause)`` into the process at the current time."""
        if not self.is_alive:
            return
        wakeup = Event(self.kernel)
        wakeup.callbacks.append(self._resume)
        wakeup.fail(Interrupt(cause))

    def _resume(self, event: Event) -> None:
        if not self.is_alive:
            return
        self._detach(event)
        try:
            resume = self._flow.send if event.is_ok else self._flow.throw
            target = resume(event.value)
        except StopIteration as stop:
            self.succeed(stop.value)
            return
        if target.processed:
            target = _echo(self.kernel, target)
        self._target = target
        target.callbacks.append(self._resume)

    def _detach(self, event: Event) -> None:
        """Stop waiting on the previous target when an interrupt overtook it."""
        target, self._target = self._target, None
        if target is None or target is event or self._resume not in target.callbacks:
            return
        target.callbacks.remove(self._resume)
        if target.is_timer and not target.callbacks:
            self.kernel.cancel(target)


def _echo(kernel: Kernel, done: Event) -> Event:
    """Return a fresh event carrying an already processed event's outcome."""
    echo = Event(kernel)
    echo.is_ok = done.is_ok
    echo.succeed(done.value)
    return echo


class Kernel:
    """The event queue and the simulated time."""

    def __init__(self) -> None:
        self.now = 0.0
        self._queue: list[tuple[float, int, Event]] = []
        self._order = count()
        self.pending: set[Event] = set()
        self._cancelled: set[Event] = set()

    def schedule(self, event: Event, delay: float = 0.0) -> None:
        """Put ``event`` on the queue ``delay`` seconds from now."""
        heapq.heappush(self._queue, (self.now + delay, next(self._order), event))
        self.pending.add(event)

    def cancel(self, event: Event) -> None:
        """Drop a scheduled event that nobody needs any more, so time does not jump to it."""
        if event in self.pending:
            self._cancelled.add(event)

    def timeout(self, delay: float, value: object = None) -> Event:
        """Return an event that triggers ``delay`` seconds from now."""
        event = Event(self)
        event.value = value
        event.is_timer = True
        self.schedule(event, max(0.0, delay))
        return event

    def event(self) -> Event:
        """Return an untriggered event for a process to wait on."""
        return Event(self)

    def process(self, flow: Flow[Any], name: str = "") -> Process:
        """Start ``flow`` as a process at the current time."""
        return Process(self, flow, name)

    def any_of(self, events: Iterable[Event]) -> Event:
        """Return an event triggered with the first of ``events`` to trigger."""
        first = Event(self)
        waited = list(events)
        for event in waited:
            if event.processed:
                return first.succeed(event)

        def settle(done: Event) -> None:
            if not first.triggered:
                first.succeed(done)

        for event in waited:
            event.callbacks.append(settle)
        return first

    def is_idle(self) -> bool:
        """Tell whether nothing is left to happen."""
        self._drop_cancelled()
        return not self._queue

    def step(self) -> None:
        """Process the next event, moving the time to it."""
        self._drop_cancelled()
        at, _, event = heapq.heappop(self._queue)
        self.pending.discard(event)
        self.now = at
        callbacks, event.callbacks = event.callbacks, []
        for callback in callbacks:
            callback(event)

    def run(self) -> None:
        """Process events until none are left."""
        while not self.is_idle():
            self.step()

    def _drop_cancelled(self) -> None:
        while self._queue and self._queue[0][2] in self._cancelled:
            _, _, event = heapq.heappop(self._queue)
            self.pending.discard(event)
            self._cancelled.discard(event)
