"""Twilio's REST API, through the real ``twilio.rest.Client`` pointed wherever configured.

    make_client(config, http_client)   None without TWILIO_ACCOUNT_SID
    TwilioMessenger(client)            text messages
    TwilioTelephony(client, url_for)   calls placed, redirected and ended; conference
                                       participants; queues: waiting callers, take one out

Every failure (an error answer, a connection refused) is logged and reported as False or
an ``IvrError``, never raised raw into a webhook.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from ivr.engine.actions import Target
from ivr.engine.services import QueuedCall
from ivr.errors import IvrError
from ivr.privacy import mask_number

log = logging.getLogger(__name__)


class TelephonyError(IvrError):
    """Twilio's REST API refused or could not be reached."""


def make_client(config: Mapping[str, Any], http_client: Any = None) -> Any:
    """Build the REST client for the configured account, or None without one."""
    account = config.get("TWILIO_ACCOUNT_SID")
    if not account:
        return None
    from twilio.rest import Client

    client = Client(account, config.get("IVR_AUTH_TOKEN") or "", http_client=http_client)
    api_url = str(config.get("IVR_TWILIO_API_URL") or "")
    if api_url:
        client.api.base_url = api_url.rstrip("/")
    return client


class Messenger(Protocol):
    """Anything that can send a text message; returns whether it was accepted."""

    def send(self, to: str, sender: str, body: str) -> bool:
        """Send ``body`` to ``to`` from ``sender``."""
        ...


class TwilioMessenger:
    """Send SMS with ``twilio.rest.Client``."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def send(self, to: str, sender: str, body: str) -> bool:
        """Send one message; log and report failure instead of raising."""
        from twilio.base.exceptions import TwilioException

        try:
            message = self.client.messages.create(to=to, from_=sender, body=body)
        except (TwilioException, OSError) as exc:
            log.warning("SMS to %s failed: %s", mask_number(to), exc)
            return False
        log.info("SMS %s sent to %s", message.sid, mask_number(to))
        return True


class TwilioTelephony:
    """Queues through the REST API: who waits, and taking one caller out."""

    def __init__(self, client: Any, url_for: Callable[[Target], str]) -> None:
        self.client = client
        self.url_for = url_for
        self._sids: dict[str, str] = {}

    def queue_members(self, queue: str) -> Sequence[QueuedCall]:
        """List the callers waiting in a queue, front first."""
        sid = self._queue_sid(queue)
        if sid is None:
            return []
        members = self._call(lambda: self.client.queues(sid).members.list(limit=100))
        return sorted((QueuedCall(m.call_sid, queue, int(m.wait_time or 0), int(m.position or 0))
                       for m in members), key=lambda member: member.position)

    def dequeue(self, queue: str, call_sid: str, target: Target) -> bool:
        """Take a caller out of a queue; their call continues at ``target``."""
        sid = self._queue_sid(queue)
        if sid is None:
            return False
        url = self.url_for(target)
        self._call(lambda: self.client.queues(sid).members(call_sid).update(url=url,
                                                                            method="POST"))
        return True

    def place_call(self, to: str, answer: Target, status: Target, *, caller_id: str,
                   timeout: int = 30) -> str:
        """Call ``to``; ``answer`` runs when they pick up, ``status`` hears how it went."""
        call = self._call(lambda: self.client.calls.create(
            to=to, from_=caller_id, url=self.url_for(answer), method="POST",
            status_callback=self.url_for(status), status_callback_method="POST",
            status_callback_event=["initiated", "ringing", "answered", "completed"],
            timeout=timeout))
        return str(call.sid)

    def redirect_call(self, call_sid: str, target: Target) -> bool:
        """Continue a live call at ``target``."""
        url = self.url_for(target)
        self._call(lambda: self.client.calls(call_sid).update(url=url, method="POST"))
        return True

    def hangup_call(self, call_sid: str) -> bool:
        """End a live call."""
        self._call(lambda: self.client.calls(call_sid).update(status="completed"))
        return True

    def call_status(self, call_sid: str) -> str:
        """Return a call's status as Twilio knows it now."""
        return str(self._call(lambda: self.client.calls(call_sid).fetch()).status)

    def set_end_on_exit(self, conference: str, call_sid: str, end_on_exit: bool) -> bool:
        """Say whether a participant leaving the live conference named so ends it."""
        rooms = self._call(lambda: self.client.conferences.list(friendly_name=conference,
                                                                limit=20))
        live = [room.sid for room in rooms if room.status != "completed"]
        if not live:
            return False
        self._call(lambda: self.client.conferences(live[0]).participants(call_sid).update(
            end_conference_on_exit=end_on_exit))
        return True

    def _queue_sid(self, name: str) -> str | None:
        """Find a queue's SID by its name (queues are made on the first Enqueue)."""
        if name not in self._sids:
            for queue in self._call(lambda: self.client.queues.list(limit=1000)):
                self._sids[queue.friendly_name] = queue.sid
        return self._sids.get(name)

    def _call(self, request: Callable[[], Any]) -> Any:
        """Run one REST request, turning its failures into TelephonyError."""
        from twilio.base.exceptions import TwilioException

        try:
            return request()
        except (TwilioException, OSError) as exc:
            log.warning("Twilio REST request failed: %s", exc)
            raise TelephonyError(f"Twilio's REST API failed: {exc}") from None
