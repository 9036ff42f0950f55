"""Safe reload: an edited menu takes effect on the next webhooks; a broken one never does.

Each worker process looks at the admin files (menus, rosters, catalogues, recordings) at
most every ``IVR_RELOAD_INTERVAL`` seconds, on a webhook's way in. When anything changed it
builds a whole new runtime beside the old one: if that works, the next webhook uses it; if
it fails, the problems are logged with file:line:column once, and the last good menu keeps
answering. Calls in progress carry their node in their URLs: a node that was renamed or
removed sends the caller to a sensible place (the engine's recovery), never to an error.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from ivr.errors import IvrError
from ivr.web.runtime import Runtime

log = logging.getLogger(__name__)
Signature = tuple[tuple[str, int, int], ...]


class Reloader:
    """Hold the current runtime, rebuilding it when the admin files change."""

    def __init__(self, runtime: Runtime, rebuild: Callable[[Runtime], Runtime],
                 folders: Iterable[Path], interval_s: float = 1.0) -> None:
        self.current = runtime
        self.rebuild = rebuild
        self.folders = tuple(folders)
        self.interval_s = interval_s
        self._seen = self.signature()
        self._next = time.monotonic() + interval_s
        self._lock = threading.Lock()

    def runtime(self) -> Runtime:
        """Return the runtime to answer with, after a look at the files when it is due."""
        if time.monotonic() >= self._next:
            self._check()
        return self.current

    def signature(self) -> Signature:
        """Describe every admin file by name, size and modification time."""
        found: list[tuple[str, int, int]] = []
        for folder in self.folders:
            for path in _files(folder):
                try:
                    stat = path.stat()
                except OSError:
                    continue
                found.append((str(path), stat.st_size, stat.st_mtime_ns))
        return tuple(sorted(found))

    def _check(self) -> None:
        """Rebuild when the files changed; keep the old runtime when the new one fails."""
        with self._lock:
            self._next = time.monotonic() + self.interval_s
            seen = self.signature()
            if seen == self._seen:
                return
            self._seen = seen
            try:
                fresh = self.rebuild(self.current)
            except IvrError as exc:
                log.error("the edited menu was refused; the last good menu keeps answering "
                          "(pid %d):\n%s", os.getpid(), exc)
                return
            self.current = fresh
            log.info("menu reloaded (pid %d)", os.getpid())


def _files(folder: Path) -> Iterable[Path]:
    """List the files under a folder that a reload depends on."""
    if not folder.is_dir():
        return ()
    return (path for path in folder.rglob("*")
            if path.suffix in {".yaml", ".yml", ".po", ".wav"} and path.is_file())
