"""A cookie jar per call leg: Twilio keeps and returns cookies like a browser (§1.1 [L])."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from http.cookies import CookieError, SimpleCookie
from urllib.parse import urlsplit


@dataclass(frozen=True)
class _Cookie:
    host: str
    path: str
    name: str
    value: str


class CookieJar:
    """Store ``Set-Cookie`` answers and build the ``Cookie`` header for later requests."""

    def __init__(self) -> None:
        self._cookies: dict[tuple[str, str, str], _Cookie] = {}

    def store(self, url: str, set_cookies: list[str], now: datetime) -> None:
        """Keep the cookies an answer set; an expired one deletes its namesake."""
        host = urlsplit(url).hostname or ""
        for header in set_cookies:
            try:
                parsed = SimpleCookie(header)
            except CookieError:
                continue
            for name, morsel in parsed.items():
                path = morsel["path"] or "/"
                key = (host, path, name)
                if _expired(morsel["max-age"], morsel["expires"], now):
                    self._cookies.pop(key, None)
                else:
                    self._cookies[key] = _Cookie(host, path, name, morsel.value)

    def header(self, url: str) -> str | None:
        """Return the ``Cookie`` header value for ``url``, or None when there is none."""
        parts = urlsplit(url)
        host, path = parts.hostname or "", parts.path or "/"
        pairs = [
            f"{cookie.name}={cookie.value}"
            for cookie in self._cookies.values()
            if cookie.host == host and path.startswith(cookie.path)
        ]
        return "; ".join(pairs) or None


def _expired(max_age: str, expires: str, now: datetime) -> bool:
    """Tell whether a cookie's Max-Age or Expires says it is already gone."""
    if max_age:
        try:
            return int(max_age) <= 0
        except ValueError:
            return False
    if expires:
        try:
            return parsedate_to_datetime(expires) <= now
        except (TypeError, ValueError):
            return False
    return False
