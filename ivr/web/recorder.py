"""Call detail records, written behind the webhook: the caller never waits for the database.

Each webhook hands its facts (a call started, a node reached, a language chosen, an outcome,
the end) to an in-memory list; one thread per process wakes every ``BATCH_DELAY_S``, takes
what has gathered and writes it in batches of one transaction each
(``SqlStore.write_call_facts``). Rules:
- handing a fact over is one append to a deque, with no lock and no wake-up: a busy line
  writes a few large transactions a second rather than one per webhook, and a record is at
  most that late (``flush`` wakes the thread at once and waits for it);
- a store failure is logged and the batch dropped: records must never stop a call;
- the list is bounded; under a long outage new facts are dropped, and counted;
- the thread starts in the process that first records (gunicorn forks after loading the
  app, and threads do not survive a fork); ``flush`` waits until everything is written.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from collections import deque
from datetime import datetime

from ivr.errors import IvrError
from ivr.store import CallFacts, SqlStore

log = logging.getLogger(__name__)
QUEUE_SIZE = 20_000  # facts waiting to be written; more are dropped
BATCH_SIZE = 2_000
BATCH_DELAY_S = 1.0  # how long facts gather before the thread writes them


class CallRecorder:
    """Write call records to the store from a background thread, in batches."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store
        self.dropped = 0
        self._facts: deque[tuple[str, tuple[object, ...]]] = deque()
        self._pid = -1
        self._lock = threading.Lock()
        self._wake = threading.Event()  # set: a flush wants what has gathered written now

    def started(self, call_sid: str, line: str, caller: str, region: str | None,
                at: datetime) -> None:
        """Open the record of a call."""
        self._put("started", (call_sid, line, caller, region, at))

    def reached(self, call_sid: str, node: str, language: str | None) -> None:
        """Note a node the call reached, and its language once chosen."""
        self._put("reached", (call_sid, node, language))

    def outcome(self, call_sid: str, outcome: str) -> None:
        """Note how the call ended up (connected, voicemail, callback, …)."""
        self._put("outcome", (call_sid, outcome))

    def voicemail(self, call_sid: str, caller: str, url: str, duration: int,
                  language: str | None, node: str, at: datetime) -> None:
        """Keep a voicemail's details (the audio stays with Twilio)."""
        self._put("voicemail", (call_sid, caller, url, duration, language, node, at))

    def ended(self, call_sid: str, at: datetime, duration: int | None, status: str) -> None:
        """Close the record of a call."""
        self._put("ended", (call_sid, at, duration, status))

    def flush(self, timeout: float = 10.0) -> None:
        """Wait until every fact handed over so far is written (or dropped)."""
        if self._pid == os.getpid():
            done = threading.Event()
            self._facts.append(("flush", (done,)))  # never dropped, however full
            self._wake.set()
            done.wait(timeout)

    def _put(self, kind: str, fact: tuple[object, ...]) -> None:
        """Queue one fact, starting this process's writer thread if needed."""
        if self._pid != os.getpid():
            self._start()
        if len(self._facts) < QUEUE_SIZE:
            self._facts.append((kind, fact))  # atomic: webhooks on other threads may add too
            return
        self.dropped += 1
        if self.dropped % 1000 == 1:
            log.error("call records are being dropped: the store is too slow or down")

    def _start(self) -> None:
        """Start the writer thread once per process."""
        with self._lock:
            if self._pid == os.getpid():
                return
            self._facts = deque()  # a forked copy's facts are the parent's to write
            self._wake = threading.Event()  # nor may its lock be left held by a parent thread
            threading.Thread(target=self._run, name="ivr-call-records", daemon=True).start()
            self._pid = os.getpid()
            atexit.register(self.flush, 2.0)

    def _run(self) -> None:
        """Write batches until the process ends."""
        facts = self._facts
        while True:
            self._wake.wait(BATCH_DELAY_S)
            self._wake.clear()  # a flush after this point wakes the next round
            while facts:
                take = min(len(facts), BATCH_SIZE)
                self._write([facts.popleft() for _ in range(take)])

    def _write(self, batch: list[tuple[str, tuple[object, ...]]]) -> None:
        """Write one batch; whoever waits on a flush is told afterwards."""
        facts, waiting = CallFacts(), []
        try:
            for kind, fact in batch:
                if kind == "flush":
                    waiting.append(fact[0])
                elif kind == "voicemail":
                    self.store.save_voicemail(*fact)  # type: ignore[arg-type]
                else:
                    _gather(facts, kind, fact)
            if facts:
                self.store.write_call_facts(facts)
        except IvrError as exc:
            log.warning("%d call records were not written: %s", len(batch), exc)
        except Exception:  # noqa: BLE001 - a bad record must not stop the writer
            log.exception("call records failed")
        for event in waiting:
            event.set()  # type: ignore[attr-defined]


def _gather(facts: CallFacts, kind: str, fact: tuple[object, ...]) -> None:
    """Add one fact to a batch."""
    if kind == "started":
        facts.started.append(fact)  # type: ignore[arg-type]
    elif kind == "reached":
        call_sid, node, language = fact
        facts.reached.append((str(call_sid), str(node)))
        if language:
            facts.languages[str(call_sid)] = str(language)
    elif kind == "outcome":
        facts.outcomes[str(fact[0])] = str(fact[1])
    elif kind == "ended":
        facts.ended.append(fact)  # type: ignore[arg-type]
