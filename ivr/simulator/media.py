"""What a played file says and how long it lasts.

Twilio fetches ``<Play>`` media itself, without call parameters (§3.2), and a missing file or a
wrong type is warning 11200 while the call goes on. The simulator fetches it the same way to
check it and to measure WAV files. The words come from a transcript manifest given by the
tester, or from a sidecar the app serves beside the file (``menu.mp3`` → ``menu.mp3.txt``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from posixpath import basename
from urllib.parse import urlsplit

from ivr.simulator import behaviour
from ivr.simulator.clock import audio_seconds, speech_seconds
from ivr.simulator.transport import Timeouts, Transport, TransportError

_TIMEOUTS = Timeouts(behaviour.DEFAULT_CONNECT_TIMEOUT_S, behaviour.DEFAULT_TIMEOUT_S)
_AUDIO_TYPES = frozenset(
    {"audio/mpeg", "audio/wav", "audio/wave", "audio/x-wav", "audio/aiff", "audio/x-aifc"}
    | {"audio/x-aiff", "audio/x-gsm", "audio/gsm", "audio/ulaw", "audio/basic", "audio/mp3"}
)


@dataclass(frozen=True)
class Media:
    """A played file: its transcript when known, its length, and why it failed if it did."""

    text: str | None
    seconds: float
    problem: str | None = None


class MediaLibrary:
    """Describe played files, each fetched once per simulation (Twilio caches too, §1.1)."""

    def __init__(self, transport: Transport, manifest: Mapping[str, str] | None = None) -> None:
        self._transport = transport
        self._manifest = dict(manifest or {})
        self._known: dict[str, Media] = {}

    def describe(self, url: str) -> Media:
        """Return what ``url`` plays."""
        if url not in self._known:
            self._known[url] = self._look(url)
        return self._known[url]

    def _look(self, url: str) -> Media:
        text = self._from_manifest(url)
        answer = self._get(url)
        if isinstance(answer, str):
            return Media(text, 0.0, answer)
        content_type, body = answer
        if content_type not in _AUDIO_TYPES:
            return Media(text, behaviour.UNKNOWN_AUDIO_S, f"{url} is {content_type}, not audio")
        if text is None:
            text = self._sidecar(url)
        if content_type in {"audio/wav", "audio/wave", "audio/x-wav"}:
            return Media(text, audio_seconds(body))
        seconds = speech_seconds(text, "") if text else behaviour.UNKNOWN_AUDIO_S
        return Media(text, seconds)

    def _from_manifest(self, url: str) -> str | None:
        path = urlsplit(url).path
        for key in (url, path, basename(path)):
            if key in self._manifest:
                return self._manifest[key]
        return None

    def _sidecar(self, url: str) -> str | None:
        answer = self._get(url + behaviour.TRANSCRIPT_SUFFIX)
        if isinstance(answer, tuple) and answer[0] == "text/plain":
            return answer[1].decode("utf-8", "replace").strip() or None
        return None

    def _get(self, url: str) -> tuple[str, bytes] | str:
        """Return the content type and body of a 2xx answer, or why there is none."""
        try:
            answer = self._transport.request("GET", url, {}, _HEADERS, _TIMEOUTS)
        except TransportError as exc:
            return str(exc)
        if not 200 <= answer.status < 300:
            return f"{url} answered HTTP {answer.status}"
        content_type = (answer.header("Content-Type") or "").split(";")[0].strip().lower()
        return content_type, answer.body


_HEADERS = {"User-Agent": behaviour.USER_AGENT, "Accept": "*/*"}
