"""The event kernel: time order, waiting on events, interrupts, cancelled timers."""

from __future__ import annotations

from datetime import datetime

import pytest

from ivr.clock import Clock
from ivr.errors import SimulatorError
from ivr.simulator.clock import SimClock, parse_at
from ivr.simulator.kernel import Event, Flow, Interrupt, Kernel


def test_processes_interleave_in_time_order() -> None:
    kernel = Kernel()
    log: list[tuple[float, str]] = []

    def talker(name: str, pauses: list[float]) -> Flow[None]:
        for pause in pauses:
            yield kernel.timeout(pause)
            log.append((kernel.now, name))

    kernel.process(talker("a", [2, 2, 2]))
    kernel.process(talker("b", [3, 3]))
    kernel.run()
    # at 6 s, b's wait was scheduled first (at 3 s), so b goes first
    assert log == [(2, "a"), (3, "b"), (4, "a"), (6, "b"), (6, "a")]


def test_a_process_waits_for_an_event_and_gets_its_value() -> None:
    kernel = Kernel()
    signal = kernel.event()
    got: list[object] = []

    def waiter() -> Flow[None]:
        got.append((yield signal))

    def setter() -> Flow[None]:
        yield kernel.timeout(5)
        signal.succeed("go")

    kernel.process(waiter())
    kernel.process(setter())
    kernel.run()
    assert got == ["go"]


def test_an_interrupt_cancels_the_wait_and_time_does_not_jump_to_it() -> None:
    kernel = Kernel()
    seen: list[object] = []

    def sleeper() -> Flow[None]:
        try:
            yield kernel.timeout(100)
        except Interrupt as interrupt:
            seen.append((kernel.now, interrupt.cause))

    def waker(target: object) -> Flow[None]:
        yield kernel.timeout(7)
        target.interrupt("wake up")  # type: ignore[attr-defined]

    process = kernel.process(sleeper())
    kernel.process(waker(process))
    kernel.run()
    assert seen == [(7, "wake up")]
    assert kernel.now == 7


def test_any_of_gives_the_first_event() -> None:
    kernel = Kernel()
    result: list[Event] = []
    slow, fast = kernel.timeout(9, "slow"), kernel.timeout(4, "fast")

    def race() -> Flow[None]:
        first = yield kernel.any_of([slow, fast])
        result.append(first)
        kernel.cancel(slow)

    kernel.process(race())
    kernel.run()
    assert result == [fast]
    assert kernel.now == 4


def test_the_simulated_clock_is_an_ivr_clock() -> None:
    kernel = Kernel()
    clock: Clock = SimClock(kernel, parse_at("2026-03-02T10:00"))
    kernel.timeout(90)
    kernel.run()
    assert clock.now().isoformat() == "2026-03-02T10:01:30+00:00"


def test_a_naive_start_is_refused() -> None:
    with pytest.raises(SimulatorError, match="aware"):
        SimClock(Kernel(), datetime(2026, 3, 2, 10))
