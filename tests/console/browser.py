"""Helpers of the browser tests: Debian's Chromium driven by Playwright, and the app served
by a real HTTP server on 127.0.0.1 in a thread."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

# Screenshots are taken on every run; they land in docs/screenshots/ only when asked, with
# IVR_SCREENSHOTS=docs/screenshots, so a test run leaves the working tree as it found it.
SCREENSHOTS = Path(os.environ.get("IVR_SCREENSHOTS") or tempfile.mkdtemp(prefix="ivr-shots-"))
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 960}


def chromium_path() -> str | None:
    """Return Debian's Chromium (or IVR_TEST_CHROMIUM), or None when it is not installed."""
    named = os.environ.get("IVR_TEST_CHROMIUM") or shutil.which("chromium")
    if named and Path(named).is_file():
        return named
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None


def missing_reason() -> str | None:
    """Say why the browser tests cannot run here, or None when they can."""
    if chromium_path() is None:
        return ("Chromium is not installed: `apt-get install chromium` (.ci/run does it) "
                "or set IVR_TEST_CHROMIUM")
    return None


@dataclass(frozen=True)
class Served:
    """An app served over HTTP, and its address."""

    app: Flask
    url: str


@contextmanager
def serve(app: Flask) -> Iterator[Served]:
    """Serve an app on a free port of 127.0.0.1 until the block ends."""
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="console-server", daemon=True)
    thread.start()
    try:
        yield Served(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
