"""Throughput of the helpline's webhooks against bare Flask, under the same gunicorn settings.

Starts two gunicorn servers with identical worker settings: (a) a bare Flask app that returns
a fixed TwiML string and (b) the helpline with signature validation on. A load generator
(several processes, each with a few keep-alive connections) sends interleaved rounds to
each: the helpline receives signed requests for the language menu and a main-menu step. It
prints requests/s, p50 and p99 for both and ends with the ratio of their throughputs: the
median of the rounds' ratios, each round of the helpline against the bare round next to it,
so that a burst of other work on the machine spoils one round rather than the result. The
helpline's requests come from many distinct calls and write their call records to its
SQLite store (in a temporary folder), as in real traffic.

    python bench/webhook.py [--workers 2] [--rounds 9] [--seconds 2] [--clients 2]

Only loopback addresses are used; every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-token-0123456789abcdef0123"
HOST = "127.0.0.1"
#: The parameters Twilio sends with every voice webhook (twiml-semantics §1.2).
CALL = {"CallSid": "CA" + "5" * 32, "AccountSid": "AC" + "0" * 32, "ApiVersion": "2010-04-01",
        "CallStatus": "in-progress", "Direction": "inbound", "CallToken": "",
        "From": "+351912345678", "FromCity": "", "FromState": "", "FromZip": "",
        "FromCountry": "PT", "Caller": "+351912345678", "CallerCity": "", "CallerState": "",
        "CallerZip": "", "CallerCountry": "PT", "To": "+351808257257", "ToCity": "",
        "ToState": "", "ToZip": "", "ToCountry": "PT", "Called": "+351808257257",
        "CalledCity": "", "CalledState": "", "CalledZip": "", "CalledCountry": "PT"}

BARE_APP = '''
from flask import Flask, Response

app = Flask(__name__)
TWIML = ('<?xml version="1.0" encoding="UTF-8"?><Response><Gather action="/voice/input" '
         'numDigits="1"><Say language="pt-PT">Bem-vindo.</Say></Gather></Response>')


@app.post("/voice/<path:rest>")
def answer(rest):
    return Response(TWIML, content_type="text/xml; charset=utf-8")
'''

HELPLINE_APP = '''
from ivr.web import create_app

app = create_app({"IVR_AUTH_TOKEN": %r, "IVR_INSTANCE": %r})
'''


def free_port() -> int:
    """Ask the system for a free local port."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start_server(module_dir: Path, module: str, port: int, workers: int, threads: int
                 ) -> subprocess.Popen[bytes]:
    """Start gunicorn serving ``module:app`` and wait until it listens."""
    env = {**os.environ, "PYTHONPATH": f"{module_dir}{os.pathsep}{ROOT}"}
    env.pop("IVR_VALIDATE_SIGNATURES", None)
    command = [sys.executable, "-m", "gunicorn", "--bind", f"{HOST}:{port}", "--workers",
               str(workers), "--threads", str(threads), "--log-level", "warning",
               "--worker-class", "gthread" if threads > 1 else "sync", f"{module}:app"]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=0.2):
                return process
        except OSError:
            if process.poll() is not None:
                raise SystemExit(
                    f"gunicorn for {module} exited with {process.returncode}") from None
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"gunicorn for {module} did not start")


CALLS = 500  # distinct calls, so the call records are written as in real traffic


def helpline_requests(port: int) -> list[tuple[str, bytes, dict[str, str]]]:
    """Signed requests of many calls: each reaches the language menu, then a main-menu step."""
    validator = RequestValidator(TOKEN)
    steps = []
    for number in range(CALLS):
        call = {**CALL, "CallSid": f"CA{number:032x}"}
        steps += [("/voice/incoming", call), ("/voice/input?n=main&l=en", {**call, "Digits": "3"})]
    prepared = []
    for path, form in steps:
        signature = validator.compute_signature(f"http://{HOST}:{port}{path}", form)
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "X-Twilio-Signature": signature, "Host": f"{HOST}:{port}"}
        prepared.append((path, urlencode(form).encode(), headers))
    return prepared


def bare_requests(port: int) -> list[tuple[str, bytes, dict[str, str]]]:
    """The same two requests, unsigned, for the bare app."""
    return [(path, body, {**headers, "X-Twilio-Signature": ""})
            for path, body, headers in helpline_requests(port)]


def load(port: int, requests: list[tuple[str, bytes, dict[str, str]]], seconds: float,
         connections: int, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """Send requests over a few connections for ``seconds``; report latencies."""
    import threading

    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection(HOST, port, timeout=10)
        mine: list[float] = []
        i = 0
        while time.perf_counter() < stop_at:
            path, body, headers = requests[i % len(requests)]
            i += 1
            started = time.perf_counter()
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    raise OSError(f"status {response.status}")
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                with lock:
                    errors += 1
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=10)
                continue
            mine.append(time.perf_counter() - started)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put((latencies, errors))


def run_round(port: int, requests: list[tuple[str, bytes, dict[str, str]]], seconds: float,
              clients: int) -> tuple[list[float], int, float]:
    """Load one server from ``clients`` processes at once; return latencies, errors, time."""
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    processes = [multiprocessing.Process(target=load, args=(port, requests, seconds, 2, queue))
                 for _ in range(clients)]
    started = time.perf_counter()
    for process in processes:
        process.start()
    results = [queue.get(timeout=seconds + 60) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    elapsed = time.perf_counter() - started
    latencies = [x for lat, _ in results for x in lat]
    return latencies, sum(err for _, err in results), elapsed


def summary(name: str, latencies: list[float], errors: int, elapsed: float) -> float:
    """Print one line of results and return requests per second."""
    rate = len(latencies) / elapsed if elapsed else 0.0
    ordered = sorted(latencies) or [0.0]
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
    print(f"{name:<12} {len(latencies):>7} requests  {rate:>8.1f} req/s  p50 {p50:6.2f} ms  "
          f"p99 {p99:6.2f} ms  errors {errors}")
    return rate


def main() -> None:
    """Run the interleaved benchmark and print the throughput ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (both)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (both)")
    parser.add_argument("--rounds", type=int, default=9, help="rounds per server")
    parser.add_argument("--seconds", type=float, default=2.0, help="length of one round")
    parser.add_argument("--clients", type=int, default=2, help="load-generator processes")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        module_dir = Path(folder)
        (module_dir / "bare_app.py").write_text(BARE_APP)
        (module_dir / "helpline_app.py").write_text(HELPLINE_APP % (TOKEN, str(module_dir)))
        bare_port, helpline_port = free_port(), free_port()
        servers = [start_server(module_dir, "bare_app", bare_port, args.workers, args.threads),
                   start_server(module_dir, "helpline_app", helpline_port, args.workers,
                                args.threads)]
        try:
            targets = {"bare-flask": (bare_port, bare_requests(bare_port)),
                       "webhook": (helpline_port, helpline_requests(helpline_port))}
            totals = {name: ([], 0, 0.0) for name in targets}
            run_round(helpline_port, targets["webhook"][1], 0.5, 1)  # warm-up both
            run_round(bare_port, targets["bare-flask"][1], 0.5, 1)
            round_ratios = []
            for number in range(args.rounds):
                round_rates = {}
                order = list(targets.items())  # ABBA: neither goes first every time
                for name, (port, requests) in order if number % 2 == 0 else order[::-1]:
                    lat, err, took = run_round(port, requests, args.seconds, args.clients)
                    old = totals[name]
                    totals[name] = (old[0] + lat, old[1] + err, old[2] + took)
                    round_rates[name] = len(lat) / took if took else 0.0
                if round_rates["bare-flask"]:
                    round_ratios.append(round_rates["webhook"] / round_rates["bare-flask"])
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=30)
    print(f"gunicorn: {args.workers} workers x {args.threads} threads; {args.rounds} "
          f"interleaved rounds of {args.seconds:g} s; {args.clients} client processes")
    rates = {name: summary(name, *totals[name]) for name in targets}
    overall = rates["webhook"] / rates["bare-flask"] if rates["bare-flask"] else 0.0
    ratio = statistics.median(round_ratios) if round_ratios else 0.0
    spread = f"{min(round_ratios):.2f}-{max(round_ratios):.2f}" if round_ratios else "-"
    print(f"ratio of all requests {overall:.2f}; per round {spread}")
    print(f"webhook/bare-flask throughput ratio: {ratio:.2f}")


if __name__ == "__main__":
    main()
