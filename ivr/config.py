"""Settings: defaults, then ``IVR_*`` environment variables, then the app factory's mapping.

Signature validation is on unless ``IVR_VALIDATE_SIGNATURES`` says otherwise, and turning it
off is logged loudly at start-up. ``TWILIO_AUTH_TOKEN`` is accepted as an alias of
``IVR_AUTH_TOKEN``, the name Twilio's own tools use.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ivr.errors import ConfigError

DEFAULTS: dict[str, Any] = {
    "IVR_AUTH_TOKEN": "",  # Twilio auth token: validates webhooks, authenticates REST calls
    "TWILIO_ACCOUNT_SID": "",  # needed for REST calls (SMS)
    "IVR_VALIDATE_SIGNATURES": True,
    "IVR_PUBLIC_BASE_URL": "",  # https://ivr.example.pt when behind a proxy
    "IVR_PROXY_HOPS": "0",  # reverse proxies in front whose X-Forwarded-For is trusted
    "IVR_CONSOLE_USER": "",  # the web console's admin; empty: the console is off
    "IVR_CONSOLE_PASSWORD_HASH": "",  # `ivr console hash-password` prints one; no default
    "IVR_SECRET_KEY": "",  # signs console sessions; the same in every worker and instance
    "IVR_MENUS": "menus",
    "IVR_PROMPTS": "prompts",
    "IVR_LOCALES": "locales",
    "IVR_FALLBACK_NUMBER": "",  # dialled, with an apology, when the application fails
    "IVR_SMS": "auto",  # on, off, or auto (on when TWILIO_ACCOUNT_SID is set)
    "IVR_SMS_FROM": "",  # sender of SMS; default: the number the caller dialled
    "IVR_TWILIO_API_URL": "",  # another REST API base, such as the simulator's
    "IVR_DATABASE_URL": "",  # PostgreSQL for several instances; default SQLite in instance/
    "IVR_INSTANCE": "instance",  # local state: the SQLite database, the development token
    "IVR_CALLER_NUMBERS": "mask",  # how call records keep caller numbers: mask, hash, keep
    "IVR_NUMBER_SALT": "",  # secret salt of hashed numbers
    "IVR_RETENTION_DAYS": "90",  # days before call records and callback numbers are purged
    "IVR_RELOAD_INTERVAL": "1",  # seconds between looks at the admin files for edits
    "IVR_CALLER_ID": "+351218106191",  # the number calls placed by `ivr worker` come from
    "IVR_WORKER_INTERVAL": "5",  # seconds between a worker's looks for due calls
    "IVR_WORKER_LEASE": "300",  # seconds a worker holds a try before others may take it
    "IVR_CALLBACK_RETRY_MINUTES": "15",  # wait before calling a busy or silent number again
    "IVR_CALLBACK_ATTEMPTS": "3",  # tries before a callback or booked call fails for good
}
ALIASES = {"TWILIO_AUTH_TOKEN": "IVR_AUTH_TOKEN"}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def from_environ(environ: Mapping[str, str]) -> dict[str, Any]:
    """Read the settings that the environment overrides."""
    settings: dict[str, Any] = {}
    for alias, key in ALIASES.items():
        if alias in environ:
            settings[key] = environ[alias]
    for key, default in DEFAULTS.items():
        if key in environ:
            settings[key] = parse_bool(key, environ[key]) if isinstance(default, bool) else (
                environ[key])
    return settings


def parse_bool(key: str, value: str) -> bool:
    """Read a yes/no setting, refusing anything ambiguous."""
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(f"{key} must be true or false, not {value!r}")


def proxy_hops(config: Mapping[str, Any]) -> int:
    """Read IVR_PROXY_HOPS: how many reverse proxies each append the client's address to
    X-Forwarded-For before a request reaches the app (0: clients reach it directly)."""
    value = str(config.get("IVR_PROXY_HOPS", DEFAULTS["IVR_PROXY_HOPS"])).strip() or "0"
    if not value.isdigit():
        raise ConfigError(f"IVR_PROXY_HOPS must be the number of proxies in front of the app "
                          f"(0 when clients reach it directly), not {value!r}")
    return int(value)


def sms_enabled(config: Mapping[str, Any]) -> bool:
    """Tell whether the helpline may send text messages."""
    mode = str(config.get("IVR_SMS", DEFAULTS["IVR_SMS"])).lower()
    if mode not in {"auto", "on", "off"}:
        raise ConfigError(f"IVR_SMS must be on, off or auto, not {mode!r}")
    return mode == "on" or (mode == "auto" and bool(config.get("TWILIO_ACCOUNT_SID")))
