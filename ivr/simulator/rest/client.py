"""``SimulatorHttpClient``: twilio-python's HTTP seam, wired to the fake API in-process.

Give it to ``twilio.rest.Client(..., http_client=...)``: every request, to any Twilio host,
reaches the fake API's WSGI app directly, with no sockets, like twilio-python's own test
"holodeck" does.
"""

from __future__ import annotations

import base64
import logging
from urllib.parse import urlencode, urlsplit, urlunsplit

from twilio.http import HttpClient
from twilio.http.response import Response as TwilioResponse

from ivr.simulator.transport import WSGIApp, run_wsgi

_logger = logging.getLogger("ivr.simulator.rest")


class SimulatorHttpClient(HttpClient):  # type: ignore[misc]  # twilio ships no type hints
    """Send twilio-python's requests to a WSGI app instead of the network."""

    def __init__(self, app: WSGIApp) -> None:
        super().__init__(_logger, is_async=False)
        self.app = app

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> TwilioResponse:
        """Answer one REST request from the fake API."""
        parts = urlsplit(url)
        query = "&".join(q for q in (parts.query, urlencode(params or {}, doseq=True)) if q)
        target = urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
        body = urlencode(data or {}, doseq=True).encode()
        sent = dict(headers or {})
        if data is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if auth is not None:
            pair = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
            sent["Authorization"] = f"Basic {pair}"
        status, answer_headers, content = run_wsgi(self.app, method, target, body, sent)
        text = content.decode("utf-8", "replace") if not _is_audio(answer_headers) else ""
        return TwilioResponse(status, text, dict(answer_headers))


def _is_audio(headers: tuple[tuple[str, str], ...]) -> bool:
    return any(k.lower() == "content-type" and v.startswith("audio/") for k, v in headers)
