"""``ivr worker``: due callbacks and bookings placed through the fake REST API, once each.

Wednesday 9 December 2026 at 15:30 the LAM and the STT are open. Each test has a store of
its own; the simulator plays the placed calls out, and their status callbacks settle them.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from comeback_support import (
    AT,
    BASE,
    ENTITY,
    PERSON,
    Line,
    line,
)
from freezegun import freeze_time
from postgres_support import postgres_problem
from postgres_support import upgraded_schema as postgres_store_url
from support import ROOT, TOKEN, lisbon

from ivr.attempts import Kind
from ivr.cli import cli, main
from ivr.clock import FixedClock
from ivr.engine import Target
from ivr.store import CallbackStatus, SessionStatus, open_store
from ivr.web.twilio_api import TelephonyError
from ivr.worker import Worker

MINUTES_15 = timedelta(minutes=15)


def due_callback(lam: Line, language: str = "en", source: str = "lam") -> int:
    """Keep a request due now."""
    return lam.store.add_callback(PERSON, language, source, "CA-asked", AT)


def status(lam: Line, callback_id: int) -> tuple[CallbackStatus, int, str | None]:
    """Return a request's status, tries and last outcome."""
    found = lam.store.callback(callback_id)
    assert found is not None
    return found.status, found.attempts, found.outcome


def test_a_due_callback_is_placed_answered_and_done(tmp_path: Path) -> None:
    lam = line(tmp_path)
    callback_id = due_callback(lam)
    (placed,) = lam.worker().run_once(AT)
    assert (placed.kind, placed.key, placed.attempt, placed.error) == (
        Kind.CALLBACK, str(callback_id), 1, None)
    (created,) = lam.api.created
    assert (created["To"], created["From"]) == (PERSON, "+351218106191")
    assert created["Url"] == f"{BASE}/voice/enter?n=callback_call&l=en"
    assert created["StatusCallback"] == (
        f"{BASE}/voice/callback-status?n=callback_call&l=en&p=callback&r={callback_id}.1")
    assert status(lam, callback_id) == (CallbackStatus.CLAIMED, 1, None)
    lam.sim.run()
    assert status(lam, callback_id) == (CallbackStatus.DONE, 1, "answered")
    assert placed.call_sid is not None
    record = lam.store.call(placed.call_sid)
    assert record is not None
    assert (record.line, record.caller) == ("+351218106191", "+35191*****78")
    assert [e.kind for e in lam.store.call_events(placed.call_sid)] == ["callback-placed"]


def test_a_busy_number_is_called_again_later_then_done(tmp_path: Path) -> None:
    lam = line(tmp_path, dial={PERSON: "busy,answer"})
    callback_id = due_callback(lam)
    worker = lam.worker()
    worker.run_once(AT)
    lam.sim.run()
    assert status(lam, callback_id) == (CallbackStatus.PENDING, 1, "busy")
    retry = lam.store.callback(callback_id)
    assert retry is not None
    assert AT + MINUTES_15 <= retry.due_at < AT + MINUTES_15 + timedelta(minutes=1)
    assert worker.run_once(retry.due_at - timedelta(seconds=1)) == []
    (again,) = worker.run_once(retry.due_at)
    assert again.attempt == 2
    lam.sim.run()
    assert status(lam, callback_id) == (CallbackStatus.DONE, 2, "answered")
    assert lam.placed_legs() == [PERSON, PERSON]


def test_a_number_that_never_answers_is_given_up_after_the_configured_tries(
        tmp_path: Path) -> None:
    lam = line(tmp_path, dial={PERSON: "no-answer"}, IVR_CALLBACK_ATTEMPTS="2")
    callback_id = due_callback(lam)
    worker = lam.worker(IVR_CALLBACK_ATTEMPTS="2")
    when = AT
    for _ in range(2):
        assert len(worker.run_once(when)) == 1
        lam.sim.run()
        found = lam.store.callback(callback_id)
        assert found is not None
        when = found.due_at
    assert status(lam, callback_id) == (CallbackStatus.FAILED, 2, "no-answer")
    assert worker.run_once(when + timedelta(days=1)) == []
    assert len(lam.api.created) == 2


def test_nothing_is_placed_while_the_service_is_closed(tmp_path: Path) -> None:
    saturday = lisbon("2026-12-12T10:00")
    lam = line(tmp_path, at=saturday)
    callback_id = lam.store.add_callback(PERSON, "uk", "lam", "CA-asked", saturday)
    worker = lam.worker()
    assert worker.run_once(saturday) == []
    assert worker.run_once(lisbon("2026-12-14T08:59")) == []
    assert status(lam, callback_id) == (CallbackStatus.PENDING, 0, None)
    (placed,) = worker.run_once(lisbon("2026-12-14T09:00"))
    assert placed.key == str(callback_id)
    assert lam.api.created[0]["Url"] == f"{BASE}/voice/enter?n=callback_call&l=uk"


def test_a_source_the_menu_does_not_call_back_is_left_alone(tmp_path: Path) -> None:
    lam = line(tmp_path)
    callback_id = due_callback(lam, source="voicemail")
    assert lam.worker().run_once(AT) == []
    assert status(lam, callback_id) == (CallbackStatus.PENDING, 0, None)


def race(workers: list[Worker]) -> list[int]:
    """Start every worker's round together; return how many calls each placed."""
    barrier = threading.Barrier(len(workers))
    counts = [0] * len(workers)

    def run(index: int) -> None:
        barrier.wait(timeout=30)
        counts[index] = len(workers[index].run_once(AT))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(workers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return counts


def test_two_workers_racing_for_one_due_callback_place_one_call(tmp_path: Path) -> None:
    lam = line(tmp_path)
    due_callback(lam)
    second = open_store(None, tmp_path / "instance")
    try:
        counts = race([lam.worker("w1"), lam.worker("w2", store=second)])
    finally:
        second.close()
    assert sorted(counts) == [0, 1]
    assert len(lam.api.created) == 1


@pytest.mark.postgres
def test_two_workers_racing_on_postgresql_place_one_call(tmp_path: Path) -> None:
    problem = postgres_problem()
    if problem:
        pytest.skip(problem)
    with postgres_store_url() as url:
        lam = line(tmp_path, IVR_DATABASE_URL=url)
        due_callback(lam)
        stores = [open_store(url, tmp_path) for _ in range(4)]
        try:
            counts = race([lam.worker(f"w{i}", store=s) for i, s in enumerate(stores)])
        finally:
            for store in stores:
                store.close()
            lam.store.close()
    assert sorted(counts) == [0, 0, 0, 1]
    assert len(lam.api.created) == 1


def test_an_expired_lease_is_taken_over_and_the_late_news_ignored(tmp_path: Path) -> None:
    lam = line(tmp_path)
    callback_id = due_callback(lam)
    crashed = lam.store.claim_due_callback("crashed", AT, 300)  # then the worker died
    assert crashed is not None
    worker = lam.worker("w2")
    assert worker.run_once(AT + timedelta(seconds=300)) == []
    (placed,) = worker.run_once(AT + timedelta(seconds=301))
    assert placed.attempt == 2
    assert lam.api.created[0]["StatusCallback"].endswith(f"&r={callback_id}.2")
    lam.sim.run()
    assert status(lam, callback_id) == (CallbackStatus.DONE, 2, "answered")


def test_a_refused_call_is_a_failed_try(tmp_path: Path) -> None:
    class Refusing:
        def place_call(self, to: str, answer: Target, status: Target, *, caller_id: str,
                       timeout: int = 30) -> str:
            raise TelephonyError("Twilio's REST API failed: HTTP 400 error")

    lam = line(tmp_path)
    callback_id = due_callback(lam)
    worker = Worker(lam.store, Refusing(), lam.menu, lam.sim.clock, "w1", lam.worker().settings)
    (placed,) = worker.run_once(AT)
    assert placed.error == "Twilio's REST API failed: HTTP 400 error"
    assert "not placed" in placed.describe()
    found = lam.store.callback(callback_id)
    assert found is not None
    assert (found.status, found.due_at) == (CallbackStatus.PENDING, AT + MINUTES_15)
    assert found.outcome == "not placed: Twilio's REST API failed: HTTP 400 error"


def booking_line(tmp_path: Path, **options: object) -> Line:
    """The helpline, where the entity does not answer the calls placed for a booking."""
    return line(tmp_path, dial={ENTITY: "no-answer"}, **options)  # type: ignore[arg-type]


def test_a_due_booking_is_placed_at_the_booked_node_with_its_job(tmp_path: Path) -> None:
    lam = booking_line(tmp_path)
    job = lam.store.create_session("CA-entity", "uk", AT - timedelta(days=1),
                                   booked_for=AT + timedelta(minutes=5), entity_number=ENTITY,
                                   entity_language="pt_PT")
    worker = lam.worker()
    assert worker.run_once(AT) == []
    (placed,) = worker.run_once(AT + timedelta(minutes=5))
    assert (placed.kind, placed.key, placed.attempt) == (Kind.BOOKING, job, 1)
    (created,) = lam.api.created
    assert created["To"] == ENTITY
    assert created["Url"] == f"{BASE}/voice/enter?n=stt&l=pt_PT&p=booked&r={job}"
    assert created["StatusCallback"] == (
        f"{BASE}/voice/callback-status?n=stt&l=pt_PT&p=booking&r={job}.1")
    session = lam.store.session(job)
    assert session is not None
    assert (session.status, session.attempts, session.claimed_by) == (
        SessionStatus.BOOKED, 1, "w1")
    assert [(leg.role.value, leg.call_sid) for leg in session.legs] == [
        ("entity", placed.call_sid)]
    lam.sim.run()  # the entity does not answer: booked again a quarter of an hour later
    again = lam.store.session(job)
    assert again is not None
    assert (again.status, again.claimed_by, again.outcome) == (
        SessionStatus.BOOKED, None, "no-answer")
    assert again.booked_for is not None
    assert again.booked_for >= AT + MINUTES_15
    assert again.legs[0].status == "no-answer"


def test_a_booking_is_not_placed_after_the_stt_closes(tmp_path: Path) -> None:
    friday = lisbon("2026-12-11T18:59")
    lam = booking_line(tmp_path, at=friday)
    job = lam.store.create_session("CA-entity", "uk", friday, booked_for=friday,
                                   entity_number=ENTITY)
    worker = lam.worker()
    assert worker.run_once(lisbon("2026-12-11T19:00")) == []
    (placed,) = worker.run_once(friday)
    assert placed.key == job


def test_a_booking_without_a_number_fails_at_once(tmp_path: Path) -> None:
    lam = booking_line(tmp_path)
    job = lam.store.create_session("CA-entity", "uk", AT, booked_for=AT)
    (placed,) = lam.worker().run_once(AT)
    assert placed.error == "no number"
    session = lam.store.session(job)
    assert session is not None
    assert (session.status, session.outcome) == (SessionStatus.FAILED, "no number to call back")
    assert lam.api.created == []


def test_run_forever_places_what_is_due_and_stops_when_told(tmp_path: Path) -> None:
    lam = line(tmp_path)
    due_callback(lam)
    stop = threading.Event()
    worker = lam.worker()
    place = worker.telephony.place_call

    def place_then_stop(*args: object, **kwargs: object) -> str:
        stop.set()
        return place(*args, **kwargs)  # type: ignore[arg-type]

    worker.telephony.place_call = place_then_stop  # type: ignore[method-assign]
    worker.run_forever(stop)
    assert len(lam.api.created) == 1


def test_run_forever_carries_on_through_a_store_outage(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    lam = line(tmp_path)
    gone = open_store("postgresql://ivr@127.0.0.1:1/none", tmp_path, tolerate_outage=True)
    stop = threading.Event()

    class StoppingClock(FixedClock):
        def now(self):  # type: ignore[no-untyped-def]
            stop.set()
            return super().now()

    worker = lam.worker(store=gone)
    worker.clock = StoppingClock(AT)
    worker.run_forever(stop)
    assert "worker w1 skips a round" in caplog.text


def shipped_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **extra: str) -> None:
    """Set the environment of a worker started from the command line."""
    for key in ("IVR_PUBLIC_BASE_URL", "TWILIO_ACCOUNT_SID", "IVR_TWILIO_API_URL"):
        monkeypatch.delenv(key, raising=False)
    settings = {"IVR_MENUS": str(ROOT / "menus"), "IVR_LOCALES": str(ROOT / "locales"),
                "IVR_PROMPTS": str(ROOT / "prompts"), "IVR_INSTANCE": str(tmp_path / "instance"),
                "IVR_AUTH_TOKEN": TOKEN, **extra}
    for key, value in settings.items():
        monkeypatch.setenv(key, value)


def test_once_from_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lam = line(tmp_path)
    due_callback(lam)
    server = lam.sim.serve_api()
    try:
        shipped_settings(monkeypatch, tmp_path, TWILIO_ACCOUNT_SID=lam.sim.account_sid,
                         IVR_TWILIO_API_URL=server.url, IVR_PUBLIC_BASE_URL=BASE)
        with freeze_time(AT):  # the worker reads the system clock
            result = CliRunner().invoke(cli, ["worker", "--once", "--id", "cli-1"])
    finally:
        server.close()
    assert result.exit_code == 0, result.output
    placed, total = result.output.splitlines()
    assert placed.startswith("callback 1, try 1: +35191*****78 (CA")
    assert total == "1 placed by cli-1"
    assert lam.placed_legs() == [PERSON]


@pytest.mark.parametrize(("args", "settings", "message"), [
    ([], {}, "ivr: ivr worker needs IVR_PUBLIC_BASE_URL, the public address of the webhooks"),
    ([], {"IVR_PUBLIC_BASE_URL": BASE},
     "ivr: ivr worker places calls through Twilio's REST API: set TWILIO_ACCOUNT_SID"),
    ([], {"IVR_PUBLIC_BASE_URL": BASE, "TWILIO_ACCOUNT_SID": "AC1",
          "IVR_CALLBACK_ATTEMPTS": "a few"},
     "ivr: IVR_CALLBACK_ATTEMPTS must be a whole number, not 'a few'"),
    (["--id", "two words"], {}, "Invalid value for '--id'"),
    (["--interval", "0"], {}, "Invalid value for '--interval'"),
])
def test_a_worker_that_cannot_start_says_why_in_one_sentence(
        args: list[str], settings: dict[str, str], message: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    shipped_settings(monkeypatch, tmp_path, **settings)
    with pytest.raises(SystemExit) as exited:
        main(["worker", "--once", *args])
    assert exited.value.code in {1, 2}
    error = capsys.readouterr().err
    assert message in error
    if exited.value.code == 1:
        assert error.count("\n") == 1
