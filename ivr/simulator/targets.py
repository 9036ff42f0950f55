"""The app a simulated call reaches: a WSGI app loaded in-process, or a URL.

``--app`` names an app factory as ``module:name`` or ``path/to/file.py:name``. The factory
gets, by name, whatever it accepts of ``test_config`` (the auth token and account SID the
simulator signs and authenticates with), ``clock`` (the simulated clock) and
``twilio_http_client`` (reaching the fake REST API in-process). A ``name`` that is already a
WSGI app (it has ``wsgi_app``) is used as it is.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import inspect
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ivr.errors import SimulatorError
from ivr.simulator.transport import WSGIApp

#: The helpline itself; imported only when a call targets it.
DEFAULT_APP = "ivr.web:create_app"
#: Where in-process requests are addressed; the app sees this host and scheme.
IN_PROCESS_BASE_URL = "https://ivr.localhost"
DEFAULT_PATH = "/voice/incoming"


class DeferredApp:
    """A WSGI app that forwards to one set later (the app needs the simulator's clock)."""

    def __init__(self) -> None:
        self.app: WSGIApp | None = None

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        """Forward one request."""
        if self.app is None:
            raise SimulatorError("the app was not loaded")
        return self.app(environ, start_response)


def load_factory(spec: str, base_dir: Path | None = None) -> Callable[..., Any]:
    """Import ``module:name`` or ``file.py:name`` and return the named object."""
    module_name, colon, attribute = spec.rpartition(":")
    if not colon or not module_name or not attribute:
        raise SimulatorError(f"--app {spec!r} must look like module:factory or file.py:factory")
    try:
        module = _import(module_name, base_dir)
    except ImportError as exc:
        raise SimulatorError(f"--app {spec!r}: cannot import {module_name} ({exc})") from None
    found: Callable[..., Any] | None = getattr(module, attribute, None)
    if not callable(found):
        raise SimulatorError(f"--app {spec!r}: {module_name} has no app or factory {attribute!r}")
    return found


def _import(name: str, base_dir: Path | None) -> Any:
    if not name.endswith(".py"):
        return importlib.import_module(name)
    path = (base_dir or Path.cwd()) / name
    if not path.is_file():
        raise ImportError(f"no file {path.name} there")
    digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:10]
    module_name = f"ivr_simulated_{path.stem}_{digest}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    loaded = importlib.util.spec_from_file_location(module_name, path)
    if loaded is None or loaded.loader is None:
        raise ImportError(f"cannot load {path.name}")
    module = importlib.util.module_from_spec(loaded)
    sys.modules[module_name] = module
    loaded.loader.exec_module(module)
    return module


def build_app(
    factory: Callable[..., Any],
    *,
    clock: object,
    http_client: object,
    auth_token: str,
    account_sid: str,
) -> WSGIApp:
    """Call an app factory with what it accepts; return the WSGI app."""
    if hasattr(factory, "wsgi_app"):
        app: WSGIApp = factory
        return app
    accepted = inspect.signature(factory).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in accepted.values())
    offered = {
        "test_config": {"IVR_AUTH_TOKEN": auth_token, "TWILIO_ACCOUNT_SID": account_sid},
        "clock": clock,
        "twilio_http_client": http_client,
    }
    built = factory(
        **{name: value for name, value in offered.items() if takes_any or name in accepted}
    )
    if not callable(built):
        raise SimulatorError(f"the app factory {factory.__name__} did not return a WSGI app")
    result: WSGIApp = built
    return result
