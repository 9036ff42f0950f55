"""Text messages through Twilio's REST API (the real client, pointed wherever configured)."""

from __future__ import annotations

import logging
from typing import Any, Protocol

from ivr.privacy import mask_number

log = logging.getLogger(__name__)


class Messenger(Protocol):
    """Anything that can send a text message; returns whether it was accepted."""

    def send(self, to: str, sender: str, body: str) -> bool:
        """Send ``body`` to ``to`` from ``sender``."""
        ...


class TwilioMessenger:
    """Send SMS with ``twilio.rest.Client``."""

    def __init__(self, account_sid: str, auth_token: str, api_url: str = "",
                 http_client: Any = None) -> None:
        from twilio.rest import Client

        self.client = Client(account_sid, auth_token, http_client=http_client)
        if api_url:
            self.client.api.base_url = api_url.rstrip("/")

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
