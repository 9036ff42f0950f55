"""How webhooks reach an app: in-process through WSGI, or over HTTP to any URL.

Modelled on httpx's ``WSGITransport``: the simulator builds one request and a transport
delivers it. ``WSGITransport`` calls the app directly (no server, no sockets) and measures
the wall time the app took; ``HTTPTransport`` uses requests against a real URL.
"""

from __future__ import annotations

import gzip
import io
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol
from urllib.parse import urlencode, urlsplit

import requests

from ivr.errors import SimulatorError

#: Marks the 500 the transport makes up when an in-process app raises instead of answering.
CRASH_HEADER = "X-Simulator-App-Crashed"

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass(frozen=True)
class Timeouts:
    """Connect and read timeouts of one request, in seconds."""

    connect: float
    read: float


@dataclass(frozen=True)
class Response:
    """What the app answered."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    elapsed: float

    def header(self, name: str) -> str | None:
        """Return the first value of a header, matched without case."""
        values = self.header_list(name)
        return values[0] if values else None

    def header_list(self, name: str) -> list[str]:
        """Return every value of a header, matched without case."""
        wanted = name.lower()
        return [value for key, value in self.headers if key.lower() == wanted]


class FailureKind(StrEnum):
    """Why no response came back."""

    CONNECT = "ct"
    TIMEOUT = "rt"


class TransportError(SimulatorError):
    """No response came back from the app."""

    def __init__(self, kind: FailureKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class Transport(Protocol):
    """Deliver one webhook request and return the app's response."""

    #: True when the app cannot see the simulated clock (it runs elsewhere).
    is_remote: bool

    def request(
        self,
        method: str,
        url: str,
        params: Mapping[str, str],
        headers: Mapping[str, str],
        timeout: Timeouts,
    ) -> Response:
        """Send ``params`` as a form body (POST) or query string (GET)."""
        ...


def encode(method: str, url: str, params: Mapping[str, str]) -> tuple[str, bytes]:
    """Return the URL and body Twilio would send: a query for GET, a form body for POST."""
    encoded = urlencode(list(params.items()))
    if method.upper() == "GET":
        if encoded:
            url = f"{url}{'&' if '?' in url else '?'}{encoded}"
        return url, b""
    return url, encoded.encode()


class WSGITransport:
    """Call a WSGI app in-process, as a server would, and time it."""

    is_remote = False

    def __init__(
        self, app: WSGIApp, base_url: str, timer: Callable[[], float] = time.perf_counter
    ) -> None:
        self.app = app
        self.origin = _origin(base_url)
        self.timer = timer  # wall time, to hold the app to Twilio's timeout

    def request(
        self,
        method: str,
        url: str,
        params: Mapping[str, str],
        headers: Mapping[str, str],
        timeout: Timeouts,
    ) -> Response:
        """Run the app on one request; a slow answer becomes a timeout."""
        if _origin(url) != self.origin:
            raise TransportError(FailureKind.CONNECT, f"nothing answers at {url} in-process")
        full_url, body = encode(method, url, params)
        started = self.timer()
        try:
            status, response_headers, content = run_wsgi(self.app, method, full_url, body, headers)
        except SimulatorError:  # the simulation itself stopped (the step limit) mid-request
            raise
        except Exception as exc:  # a server answers 500 when its app raises
            status, content = 500, f"{type(exc).__name__}: {exc}".encode()
            response_headers = ((CRASH_HEADER, "1"), ("Content-Type", "text/plain"))
        elapsed = self.timer() - started
        if elapsed > timeout.read:
            raise TransportError(FailureKind.TIMEOUT, f"{url} took {elapsed:.1f} s to answer")
        return Response(status, response_headers, content, elapsed)


def run_wsgi(
    app: WSGIApp, method: str, url: str, body: bytes, headers: Mapping[str, str]
) -> tuple[int, tuple[tuple[str, str], ...], bytes]:
    """Call a WSGI app once, as a server would; return status, headers and body."""
    environ = _environ(method.upper(), url, body, headers)
    seen: list[Any] = []

    def start_response(status: str, pairs: list[tuple[str, str]], *_: object) -> Any:
        seen[:] = [int(status.split()[0]), tuple(pairs)]
        return lambda _data: None

    chunks = app(environ, start_response)
    try:
        content = b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    status, pairs = seen
    if any(k.lower() == "content-encoding" and v == "gzip" for k, v in pairs):
        content = gzip.decompress(content)
    return status, pairs, content


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.scheme, f"{parts.hostname}:{port}"


def _environ(method: str, url: str, body: bytes, headers: Mapping[str, str]) -> dict[str, Any]:
    """Build the WSGI environ a server would pass for this request."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": parts.path or "/",
        "QUERY_STRING": parts.query,
        "SERVER_NAME": parts.hostname or "localhost",
        "SERVER_PORT": str(port),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": parts.scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "HTTP_HOST": parts.netloc,
        "CONTENT_LENGTH": str(len(body)),
    }
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        if key == "CONTENT_TYPE":
            environ["CONTENT_TYPE"] = value
        else:
            environ[f"HTTP_{key}"] = value
    return environ


class HTTPTransport:
    """Send webhooks over HTTP with requests, to an app running anywhere."""

    is_remote = True

    def __init__(self) -> None:
        self._session = requests.Session()

    def request(
        self,
        method: str,
        url: str,
        params: Mapping[str, str],
        headers: Mapping[str, str],
        timeout: Timeouts,
    ) -> Response:
        """Send one request; connection failures and slow answers raise TransportError."""
        full_url, body = encode(method, url, params)
        try:
            answer = self._session.request(
                method.upper(),
                full_url,
                data=body or None,
                headers=dict(headers),
                timeout=(timeout.connect, timeout.read),
                allow_redirects=False,
            )
        except requests.ConnectTimeout as exc:
            raise TransportError(FailureKind.CONNECT, f"could not connect to {url}") from exc
        except requests.ReadTimeout as exc:
            raise TransportError(FailureKind.TIMEOUT, f"{url} did not answer in time") from exc
        except requests.ConnectionError as exc:
            raise TransportError(FailureKind.CONNECT, f"could not connect to {url}") from exc
        pairs = tuple((k, v) for k, v in answer.raw.headers.items())
        elapsed = answer.elapsed.total_seconds()
        return Response(answer.status_code, pairs, answer.content, elapsed)

    def close(self) -> None:
        """Release pooled connections."""
        self._session.close()
