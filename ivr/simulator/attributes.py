"""Read TwiML attributes as Twilio does: a bad value is a warning and the default applies."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable

from ivr.simulator import behaviour

Warn = Callable[[int | None, str], None]


class Attributes:
    """Typed access to one element's attributes."""

    def __init__(self, element: ET.Element, warn: Warn) -> None:
        self._element = element
        self._warn = warn

    def text(self, name: str, default: str = "") -> str:
        """Return an attribute as given, or ``default`` when it is absent."""
        return self._element.get(name, default)

    def optional(self, name: str) -> str | None:
        """Return an attribute, or None when it is absent or empty."""
        return self._element.get(name) or None

    def integer(
        self,
        name: str,
        default: int,
        low: int = 1,
        high: int | None = None,
        code: int = behaviour.SCHEMA_WARNING,
    ) -> int:
        """Return a whole number within bounds; warn and use ``default`` otherwise."""
        raw = self._element.get(name)
        if raw is None:
            return default
        try:
            value = int(raw.strip())
        except ValueError:
            value = low - 1
        if value < low or (high is not None and value > high):
            self._bad(name, raw, code, str(default))
            return default
        return value

    def optional_integer(self, name: str, low: int = 1) -> int | None:
        """Return a whole number, or None when it is absent or bad."""
        if self._element.get(name) is None:
            return None
        value = self.integer(name, low - 1, low)
        return value if value >= low else None

    def boolean(self, name: str, default: bool, code: int = behaviour.SCHEMA_WARNING) -> bool:
        """Return ``true``/``false`` as a bool; warn and use ``default`` otherwise."""
        raw = self._element.get(name)
        if raw is None:
            return default
        if raw.strip().lower() in {"true", "false"}:
            return raw.strip().lower() == "true"
        self._bad(name, raw, code, str(default).lower())
        return default

    def method(self, name: str = "method") -> str:
        """Return GET or POST (the default)."""
        raw = self._element.get(name, "POST").strip().upper()
        if raw not in {"GET", "POST"}:
            self._bad(name, raw, behaviour.SCHEMA_WARNING, "POST")
            return "POST"
        return raw

    def words(self, name: str, default: str = "") -> frozenset[str]:
        """Return a space-separated list attribute as a set."""
        raw = self._element.get(name, default)
        if raw.startswith("["):  # twilio-python str()s lists: "['start', 'end']" (§0.9)
            self._warn(
                behaviour.SCHEMA_WARNING,
                f"{name}={raw!r} looks like a Python list; pass space-separated words",
            )
        return frozenset(raw.replace(",", " ").split())

    def _bad(self, name: str, raw: str, code: int, default: str) -> None:
        tag = self._element.tag
        self._warn(code, f"<{tag} {name}={raw!r}> is not valid; using {default}")
