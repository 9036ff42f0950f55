"""Sign-in attempts: counted per key within a window, forgotten when old or cleared."""

from __future__ import annotations

from datetime import timedelta

from store_support import NOW, later

from ivr.store import SqlStore

WINDOW = timedelta(minutes=15)


def test_attempts_are_counted_per_key_with_the_oldest(store: SqlStore) -> None:
    store.add_sign_in_attempt(["addr", "user"], NOW, WINDOW)
    store.add_sign_in_attempt(["addr", "other"], later(60), WINDOW)
    assert store.sign_in_attempts(["addr", "user", "other", "none"], NOW - WINDOW) == [
        (2, NOW), (1, NOW), (1, later(60)), (0, None)]


def test_only_attempts_after_the_start_of_the_window_count(store: SqlStore) -> None:
    store.add_sign_in_attempt(["addr"], NOW, WINDOW)
    store.add_sign_in_attempt(["addr"], later(600), WINDOW)
    assert store.sign_in_attempts(["addr"], later(300)) == [(1, later(600))]


def test_a_new_attempt_forgets_those_older_than_the_window(store: SqlStore) -> None:
    store.add_sign_in_attempt(["addr"], NOW, WINDOW)
    store.add_sign_in_attempt(["user"], later(15 * 60), WINDOW)
    assert store.sign_in_attempts(["addr", "user"], NOW - WINDOW) == [(0, None), (1, later(900))]


def test_clearing_forgets_only_the_keys_named(store: SqlStore) -> None:
    store.add_sign_in_attempt(["addr", "user"], NOW, WINDOW)
    store.add_sign_in_attempt(["elsewhere"], NOW, WINDOW)
    assert store.clear_sign_in_attempts(["addr", "user"]) == 2
    assert store.sign_in_attempts(["addr", "user", "elsewhere"], NOW - WINDOW) == [
        (0, None), (0, None), (1, NOW)]
