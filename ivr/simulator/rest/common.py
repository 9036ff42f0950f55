"""What the REST endpoints share: their error, form readers and lookups."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Request

from ivr.simulator.legs import Leg, StatusCallback

if TYPE_CHECKING:
    from ivr.simulator.world import World

Form = MultiDict[str, str]
Args = dict[str, str]
Result = tuple[int, Any]
Handler = Callable[["World", Request, Form, Args], Result]

#: Ring time of an API call when ``Timeout`` is not given. [V calls API default 60 s]
API_CALL_TIMEOUT_S = 60


class ApiError(Exception):
    """A request the real API would refuse, with Twilio's code."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def flag(form: Form, name: str, default: bool) -> bool:
    """Read a ``true``/``false`` form field."""
    value = form.get(name)
    return default if value is None else value.lower() == "true"


def leg_of(world: World, sid: str) -> Leg:
    """Return the call with ``sid`` or refuse with 20404."""
    leg = world.legs.get(sid)
    if leg is None:
        raise ApiError(404, 20404, f"call {sid} was not found")
    return leg


def status_callback(form: Form, prefix: str = "StatusCallback") -> StatusCallback | None:
    """Read a status callback URL, method and events (repeated or space-separated)."""
    url = form.get(prefix)
    if not url:
        return None
    events = frozenset(e for item in form.getlist(f"{prefix}Event") for e in item.split())
    return StatusCallback(
        url, form.get(f"{prefix}Method", "POST"), events or frozenset({"completed"})
    )


def require_parties(form: Form) -> tuple[str, str]:
    """Return ``To`` and ``From`` or refuse with 21201."""
    to, from_ = form.get("To"), form.get("From")
    if not to or not from_:
        raise ApiError(400, 21201, "A 'To' and a 'From' phone number are required.")
    return to, from_
