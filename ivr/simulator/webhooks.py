"""Requests exactly as Twilio sends them, and what their answers mean (§1, §4, §5).

Every webhook is form-encoded (POST) or a query string (GET), carries the leg's cookies and
Twilio's headers, and is signed with twilio's own ``RequestValidator`` when an auth token is
known. Connection overrides in the URL fragment (``#rt=2000&rc=2``) set timeouts and retries
and are stripped before sending. A TwiML fetch yields a ``Document`` or a ``FetchFailure``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urldefrag, urljoin

from twilio.request_validator import RequestValidator

from ivr.simulator import behaviour
from ivr.simulator.clock import SimClock
from ivr.simulator.cookies import CookieJar
from ivr.simulator.sids import Sids
from ivr.simulator.transcript import RequestKind, Transcript
from ivr.simulator.transport import (
    CRASH_HEADER,
    Response,
    Timeouts,
    Transport,
    TransportError,
    encode,
)
from ivr.simulator.twiml import (
    Document,
    TwimlParseError,
    parse_document,
    twiml_for_audio,
    twiml_for_text,
)

_REDIRECTS = {301, 302, 303, 307, 308}


@dataclass(frozen=True)
class FetchFailure:
    """Twilio could not get TwiML from a URL."""

    code: int
    message: str
    url: str


@dataclass(frozen=True)
class Overrides:
    """Connection overrides from a URL fragment (§4 table)."""

    timeouts: Timeouts
    retries: int
    policy: frozenset[str]

    def retries_on(self, failure: str) -> bool:
        """Tell whether a failure of this kind (``ct``, ``rt``, ``4xx``, ``5xx``) is retried."""
        return "all" in self.policy or failure in self.policy


def split_overrides(url: str) -> tuple[str, Overrides]:
    """Return the URL without its fragment, and the overrides the fragment sets."""
    clean, fragment = urldefrag(url)
    pairs = dict(parse_qsl(fragment))
    return clean, Overrides(
        Timeouts(
            _millis(pairs.get("ct"), behaviour.DEFAULT_CONNECT_TIMEOUT_S),
            _millis(pairs.get("rt"), behaviour.DEFAULT_TIMEOUT_S),
        ),
        _int(pairs.get("rc"), behaviour.DEFAULT_RETRY_COUNT, 0, 5),
        frozenset(pairs["rp"].split(",")) if "rp" in pairs else behaviour.DEFAULT_RETRY_POLICY,
    )


def _millis(value: str | None, default: float) -> float:
    return _int(value, int(default * 1000), 100, 15000) / 1000


def _int(value: str | None, default: int, low: int, high: int) -> int:
    if value is None or not value.isdigit():
        return default
    return min(max(int(value), low), high)


class Webhooks:
    """Send signed webhooks through a transport and record each one."""

    def __init__(
        self,
        transport: Transport,
        auth_token: str | None,
        sids: Sids,
        clock: SimClock,
        transcript: Transcript,
    ) -> None:
        self.transport = transport
        self.validator = RequestValidator(auth_token) if auth_token else None
        self._sids = sids
        self._clock = clock
        self._transcript = transcript
        #: The leg whose webhook the app is answering, so its REST calls can be tied to it.
        self.current_leg = ""

    def fetch_twiml(
        self, leg: str, jar: CookieJar, url: str, method: str, params: Mapping[str, str]
    ) -> Document | FetchFailure:
        """Request TwiML and read the answer as Twilio would."""
        answer = self.send(leg, jar, url, method, params, RequestKind.TWIML)
        if isinstance(answer, FetchFailure):
            return answer
        return self._read(leg, answer, urldefrag(url)[0])

    def send(
        self,
        leg: str,
        jar: CookieJar | None,
        url: str,
        method: str,
        params: Mapping[str, str],
        kind: RequestKind,
    ) -> Response | FetchFailure:
        """Send one webhook with retries; return a 2xx answer or the failure."""
        clean, overrides = split_overrides(url)
        signed = url if behaviour.SIGN_URL_FRAGMENT else clean
        token = self._sids.token()  # retries reuse it, so the app can dedupe [K §4]
        attempts = 1 + overrides.retries
        outer, self.current_leg = self.current_leg, leg
        try:
            for attempt in range(1, attempts + 1):
                outcome = self._send_once(
                    leg, jar, clean, signed, method, params, kind, token, overrides
                )
                if not isinstance(outcome, tuple):
                    return outcome
                failure, retry_key = outcome
                if attempt == attempts or not overrides.retries_on(retry_key):
                    return failure
            raise AssertionError("unreachable")
        finally:
            self.current_leg = outer

    def _send_once(
        self,
        leg: str,
        jar: CookieJar | None,
        url: str,
        signed: str,
        method: str,
        params: Mapping[str, str],
        kind: RequestKind,
        token: str,
        overrides: Overrides,
    ) -> Response | tuple[FetchFailure, str]:
        """Send, following HTTP redirects like a browser; classify failures for retries."""
        for _ in range(behaviour.MAX_HTTP_REDIRECTS + 1):
            headers = self.headers(url, signed, method, params, token, jar)
            try:
                answer = self.transport.request(method, url, params, headers, overrides.timeouts)
            except TransportError as exc:
                self._transcript.request(leg, method, url, None, kind)
                code = _code_for(exc)
                return FetchFailure(code, str(exc), url), str(exc.kind)
            self._transcript.request(leg, method, url, answer.status, kind)
            if jar is not None:
                jar.store(url, answer.header_list("Set-Cookie"), self._clock.now())
            location = answer.header("Location")
            if answer.status not in _REDIRECTS or not location:
                break
            self._transcript.warn(leg, None, f"{url} answered HTTP {answer.status}; followed")
            if answer.status in {301, 302, 303}:
                method, params = "GET", {}
            url = signed = urljoin(url, location)
        else:
            failure = FetchFailure(behaviour.HTTP_RETRIEVAL_FAILURE, "too many redirects", url)
            return failure, "4xx"
        if not 200 <= answer.status < 300:
            message = f"{url} answered HTTP {answer.status}"
            if answer.header(CRASH_HEADER):
                message += f" (the app raised {answer.body.decode('utf-8', 'replace')})"
            retry = "5xx" if answer.status >= 500 else "4xx"
            return FetchFailure(behaviour.HTTP_RETRIEVAL_FAILURE, message, url), retry
        return answer

    def headers(
        self,
        url: str,
        signed: str,
        method: str,
        params: Mapping[str, str],
        token: str,
        jar: CookieJar | None,
    ) -> dict[str, str]:
        """Return Twilio's headers for one request, signed when a token is known (§5.1)."""
        headers = {
            "Accept": "*/*",
            "Accept-Encoding": "gzip",
            "I-Twilio-Idempotency-Token": token,
            "User-Agent": behaviour.USER_AGENT,
            "X-Home-Region": behaviour.HOME_REGION,
        }
        if method.upper() == "POST":
            headers["Content-Type"] = behaviour.FORM_CONTENT_TYPE
        if self.validator is not None:
            headers["X-Twilio-Signature"] = self.sign(signed, method, params)
        cookie = jar.header(url) if jar is not None else None
        if cookie:
            headers["Cookie"] = cookie
        return headers

    def sign(self, url: str, method: str, params: Mapping[str, str]) -> str:
        """Compute X-Twilio-Signature: over the form for POST, the full URL for GET."""
        assert self.validator is not None
        if method.upper() == "GET":
            full_url, _ = encode("GET", url, params)
            return str(self.validator.compute_signature(full_url, {}))
        return str(self.validator.compute_signature(url, dict(params)))

    def _read(self, leg: str, answer: Response, url: str) -> Document | FetchFailure:
        """Turn a 2xx answer into a document, by its content type (§1.1)."""
        if len(answer.body) > behaviour.MAX_TWIML_BYTES:
            message = f"the answer is {len(answer.body)} bytes; Twilio reads at most 64 kB"
            return FetchFailure(behaviour.RESPONSE_TOO_LARGE, message, url)
        content_type = (answer.header("Content-Type") or "").split(";")[0].strip().lower()
        if content_type in behaviour.LEGACY_TWIML_CONTENT_TYPES:
            self._transcript.warn(
                leg, behaviour.INVALID_CONTENT_TYPE, f"{url} answered {content_type}; send text/xml"
            )
        elif content_type.startswith("audio/"):
            return twiml_for_audio(url)
        elif content_type == "text/plain":
            return twiml_for_text(answer.body.decode("utf-8", "replace"))
        elif not content_type:  # [V §4: "no Content-Type" is a retrieval failure]
            message = f"{url} answered without a Content-Type"
            return FetchFailure(behaviour.HTTP_RETRIEVAL_FAILURE, message, url)
        elif content_type not in behaviour.TWIML_CONTENT_TYPES:
            message = f"{url} answered {content_type}, not text/xml"
            return FetchFailure(behaviour.INVALID_CONTENT_TYPE, message, url)
        try:
            return parse_document(answer.body, url)
        except TwimlParseError as exc:
            return FetchFailure(behaviour.DOCUMENT_PARSE_FAILURE, str(exc), url)


def _code_for(exc: TransportError) -> int:
    """Return Twilio's code for a request that got no answer."""
    if exc.kind == "rt":
        return behaviour.TIMEOUT_ERROR_CODE
    return behaviour.HTTP_CONNECTION_FAILURE
