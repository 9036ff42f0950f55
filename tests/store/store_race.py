"""Races for the concurrency tests: many claims at the same instant, from threads and processes.

Everyone who races first waits at a barrier, connected and ready, so that the claims really
do overlap. A process reports its outcomes (or its error) through a queue; nothing sleeps.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from store_support import NOW, Database

from ivr.store import SqlStore, open_store

BARRIER_TIMEOUT_S = 30
RESULT_TIMEOUT_S = 90
LEASE_S = 60


def attempt(store: SqlStore, prize: str, who: str) -> str | None:
    """Try once to win ``prize`` for ``who``; return what was won."""
    if prize == "agent":
        claim = store.claim_agent("interpreter", "uk", candidates=None, by=who, now=NOW,
                                  ttl_s=600)
        return None if claim is None else claim.agent_id
    if prize == "callback":
        callback = store.claim_due_callback(who, NOW, LEASE_S)
        return None if callback is None else str(callback.id)
    if prize == "booking":
        session = store.claim_due_booking(who, NOW, LEASE_S)
        return None if session is None else session.job
    raise ValueError(f"unknown prize {prize!r}")


def race_in_threads(store: SqlStore, prize: str, prefix: str, count: int,
                    start: Callable[[], object]) -> list[str | None]:
    """Race ``count`` threads sharing one store; each waits on ``start`` first."""
    def run(n: int) -> str | None:
        start()
        return attempt(store, prize, f"{prefix}-{n}")

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def race_among_threads(store: SqlStore, prize: str, count: int) -> list[str | None]:
    """Race ``count`` threads of this process for ``prize``."""
    barrier = threading.Barrier(count)
    return race_in_threads(store, prize, "thread", count,
                           lambda: barrier.wait(BARRIER_TIMEOUT_S))


def race_among_processes(database: Database, prize: str, processes: int,
                         threads: int) -> list[str | None]:
    """Race ``threads`` threads in each of ``processes`` OS processes, each with its own store."""
    context = _context()
    barrier = context.Barrier(processes * threads)
    results = context.Queue()
    workers = [context.Process(target=_racer, args=(
        database.url, database.instance, prize, f"process{n}", threads, barrier, results))
        for n in range(processes)]
    for worker in workers:
        worker.start()
    try:
        reports = _collect(results, workers)
    finally:
        for worker in workers:
            worker.join(timeout=RESULT_TIMEOUT_S)
        results.close()
        results.join_thread()
    errors = [report for report in reports if isinstance(report, str)]
    assert not errors, errors
    return [outcome for report in reports for outcome in report]


def _collect(results: Any, workers: list[Any]) -> list[Any]:
    """Gather one report per worker; a worker that died without one fails the race at once."""
    reports: list[Any] = []
    deadline = time.monotonic() + RESULT_TIMEOUT_S
    while len(reports) < len(workers):
        try:
            reports.append(results.get(timeout=1))
        except queue.Empty:
            died = [w.exitcode for w in workers if w.exitcode not in (None, 0)]
            assert not died, f"racing processes died with exit codes {died}"
            assert time.monotonic() < deadline, "the racing processes never reported"
    return reports


def _context() -> Any:
    """Start processes from a server that has imported the store already: fast and clean."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # Only what the default sys.path reaches (Python 3.11 preloads before applying ours);
    # pytest, because each child re-runs the main script, which under pytest imports it.
    context.set_forkserver_preload(["ivr.store", "psycopg", "pytest"])
    return context


def _racer(url: str | None, instance: Path, prize: str, prefix: str, threads: int,
           barrier: Any, results: Any) -> None:
    """In a process of its own: open a store, connect, wait for everyone, race."""
    try:
        with open_store(url, instance) as store:
            store.schema_version()  # connected before the start, so the race is the claims'
            results.put(race_in_threads(store, prize, prefix, threads,
                                        lambda: barrier.wait(BARRIER_TIMEOUT_S)))
    except BaseException as error:  # the parent must hear of it, or it would wait in vain
        results.put(f"{prefix}: {error!r}")
