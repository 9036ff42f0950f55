"""Serve the fake REST API on 127.0.0.1 in a thread, for an app that runs elsewhere.

Point the app's client at it (``client.api.base_url = server.url``). Requests take the
simulation's lock, so one that arrives while the scheduler runs applies at the current
simulated time, between two events.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from ivr.simulator.transport import WSGIApp


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Stay quiet: the transcript shows what matters."""


class ApiServer:
    """A werkzeug server for the fake API, running in a daemon thread."""

    def __init__(self, app: WSGIApp, lock: threading.Lock, host: str = "127.0.0.1", port: int = 0):
        self._server: BaseWSGIServer = make_server(
            host, port, _locked(app, lock), threaded=True, request_handler=_QuietHandler
        )
        self.url = f"http://{host}:{self._server.server_port}"
        serve = functools.partial(self._server.serve_forever, poll_interval=0.05)
        self._thread = threading.Thread(target=serve, daemon=True)

    def start(self) -> ApiServer:
        """Start serving (once)."""
        if not self._thread.is_alive():
            self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving and release the port."""
        self._server.shutdown()
        self._thread.join()
        self._server.server_close()

    def __enter__(self) -> ApiServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _locked(app: WSGIApp, lock: threading.Lock) -> WSGIApp:
    """Run each request while holding the simulation's lock."""

    def serve(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        with lock:
            return list(app(environ, start_response))

    return serve
