"""Nobody is given twice: racing claims from threads and from OS processes, on both databases."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from store_race import race_among_processes, race_among_threads
from store_support import NOW, Database, StoreFactory, interpreter, later

from ivr.store import SqlStore

UKRAINIAN = [interpreter(f"i{n}", "uk") for n in range(3)]
BYSTANDER = interpreter("i-ru", "ru")


def assert_three_of_fifty(outcomes: list[str | None], store: SqlStore) -> None:
    """Check that exactly the three interpreters were claimed, once each, and nobody else."""
    assert len(outcomes) == 50
    assert Counter(outcomes) == {"i0": 1, "i1": 1, "i2": 1, None: 47}
    holders = {a.agent_id: a.claimed_by for a in store.agents(NOW)}
    assert holders["i-ru"] is None
    assert len({holders[f"i{n}"] for n in range(3)} - {None}) == 3


def test_fifty_claims_from_ten_processes_get_three_interpreters(
        store: SqlStore, database: Database) -> None:
    store.sync_agents([*UKRAINIAN, BYSTANDER])
    assert_three_of_fifty(race_among_processes(database, "agent", processes=10, threads=5),
                          store)


def test_fifty_claims_from_threads_get_three_interpreters(store: SqlStore) -> None:
    store.sync_agents([*UKRAINIAN, BYSTANDER])
    assert_three_of_fifty(race_among_threads(store, "agent", 50), store)


def test_two_workers_racing_for_one_due_callback_place_it_once(
        store: SqlStore, database: Database) -> None:
    callback_id = store.add_callback("+351912345678", "uk", "queue", "CA1", NOW)
    store.add_callback("+351912345679", "uk", "queue", "CA2", NOW, later(60))  # not yet due
    outcomes = race_among_processes(database, "callback", processes=2, threads=5)
    assert Counter(outcomes) == {str(callback_id): 1, None: 9}
    taken = store.callback(callback_id)
    assert taken is not None
    assert taken.attempts == 1


def test_two_workers_racing_for_one_due_booking_place_it_once(
        store: SqlStore, database: Database) -> None:
    job = store.create_session("CA1", "uk", NOW, booked_for=NOW)
    store.create_session("CA2", "uk", NOW, booked_for=later(60))  # not yet due
    outcomes = race_among_processes(database, "booking", processes=2, threads=5)
    assert Counter(outcomes) == {job: 1, None: 9}
    taken = store.session(job)
    assert taken is not None
    assert taken.attempts == 1


def test_app_instances_starting_together_sync_the_same_roster(open_db: StoreFactory) -> None:
    stores = [open_db() for _ in range(4)]
    roster = [interpreter(f"i{n}", "uk", "ru") for n in range(30)]
    barrier = threading.Barrier(len(stores))

    def sync(store: SqlStore) -> None:
        barrier.wait(30)
        store.sync_agents(roster)

    with ThreadPoolExecutor(len(stores)) as pool:
        list(pool.map(sync, stores))
    assert len(stores[0].agents(NOW)) == 30
