"""`ivr serve`: the real app under real gunicorn workers, answering signed webhooks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from support import ROOT, TOKEN, wait_listening
from twilio.request_validator import RequestValidator

CALL = {"From": "+351912345678", "To": "+351808257257", "CallSid": "CA" + "4" * 32}


def free_port() -> int:
    """Ask the system for a free local port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(port: int, instance: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    """Start `ivr serve` and wait until it listens."""
    process = subprocess.Popen(
        [sys.executable, "-m", "ivr", "serve", "--port", str(port), "--workers", "2",
         "--instance", str(instance)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    wait_listening(process, port, "ivr serve")
    return process


@pytest.fixture
def server_env() -> dict[str, str]:
    """The environment of a server process, without any inherited IVR setting."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("IVR_", "TWILIO_"))}


def stop(process: subprocess.Popen[str]) -> str:
    """Stop the server and return what it printed."""
    process.terminate()
    try:
        return process.communicate(timeout=20)[0]
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()[0]


def post(port: int, path: str, token: str) -> requests.Response:
    """POST a webhook signed as Twilio would."""
    url = f"http://127.0.0.1:{port}{path}"
    signature = RequestValidator(token).compute_signature(url, CALL)
    return requests.post(url, data=CALL, headers={"X-Twilio-Signature": signature}, timeout=10)


@pytest.mark.slow
def test_serve_answers_signed_webhooks(tmp_path: Path, server_env: dict[str, str]) -> None:
    port = free_port()
    process = start(port, tmp_path, {**server_env, "IVR_AUTH_TOKEN": TOKEN})
    try:
        answers = [post(port, "/voice/incoming", TOKEN) for _ in range(4)]
        forged = post(port, "/voice/incoming", "wrong-token")
    finally:
        output = stop(process)
    assert {a.status_code for a in answers} == {200}
    assert all(a.headers["Content-Type"].startswith("text/xml") for a in answers)
    assert all(b"<Gather" in a.content for a in answers)
    assert forged.status_code == 403
    assert f"http://127.0.0.1:{port}/voice/incoming" in output
    assert "ivr call --url" in output
    assert "Booting worker" in output


@pytest.mark.slow
def test_serve_makes_a_development_token(tmp_path: Path, server_env: dict[str, str]) -> None:
    port = free_port()
    process = start(port, tmp_path, server_env)
    try:
        token = (tmp_path / "dev-auth-token").read_text().strip()
        answer = post(port, "/voice/incoming", token)
    finally:
        output = stop(process)
    assert answer.status_code == 200
    assert f"--auth-token {token}" in output
    assert oct((tmp_path / "dev-auth-token").stat().st_mode & 0o777) == "0o600"


@pytest.mark.slow
def test_serve_refuses_a_broken_menu(tmp_path: Path, server_env: dict[str, str]) -> None:
    menus = tmp_path / "menus"
    menus.mkdir()
    for name in ("flow.yaml", "directory.yaml", "hours.yaml", "prompts.yaml"):
        (menus / name).write_text((ROOT / "menus" / name).read_text())
    (menus / "flow.yaml").write_text((menus / "flow.yaml").read_text().replace(
        "goto: offices,", "goto: ofices,"))
    result = subprocess.run(
        [sys.executable, "-m", "ivr", "serve", "--port", str(free_port()), "--instance",
         str(tmp_path)], cwd=ROOT, env={**server_env, "IVR_MENUS": str(menus)},
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "flow.yaml:" in result.stderr
    assert "unknown target 'ofices'" in result.stderr
    assert "Traceback" not in result.stderr
