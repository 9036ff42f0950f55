"""'Send me these details by SMS': the real twilio REST client, answered in-process."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urlparse

from support import app_config, signed_post, spoken_text, twiml
from twilio.http import HttpClient
from twilio.http.response import Response

from ivr.web import create_app

ACCOUNT = "AC" + "0" * 32
MOBILE = {"From": "+351912345678", "To": "+351218106191", "CallSid": "CA" + "3" * 32}


class RecordingHttpClient(HttpClient):  # type: ignore[misc]
    """Answer Twilio's Messages API like Twilio does, keeping every request."""

    def __init__(self, status: int = 201) -> None:
        super().__init__(logging.getLogger("twilio.test"), False)
        self.status = status
        self.requests: list[dict[str, Any]] = []

    def request(self, method: str, url: str, params: Any = None, data: Any = None,
                headers: Any = None, auth: Any = None, timeout: Any = None,
                allow_redirects: bool = False) -> Response:
        self.requests.append({"method": method, "url": url, "data": dict(data or {})})
        if self.status >= 400:
            body = {"code": 21614, "message": "not a mobile number", "status": self.status}
            return Response(self.status, json.dumps(body))
        return Response(self.status, json.dumps({"sid": "SM" + "1" * 32, "status": "queued",
                                                 "to": data["To"], "body": data["Body"]}))


def sms_app(http: RecordingHttpClient) -> Any:
    """The app with SMS on through the given HTTP client."""
    return create_app(app_config(TWILIO_ACCOUNT_SID=ACCOUNT), twilio_http_client=http)


def test_card_details_are_sent_by_sms() -> None:
    http = RecordingHttpClient()
    client = sms_app(http).test_client()
    card = spoken_text(twiml(signed_post(client, "/voice/enter?n=cnaim_lisbon&l=en", MOBILE)))
    assert "text message, press 2" in card
    root = twiml(signed_post(client, "/voice/input?n=cnaim_lisbon&l=en",
                             {**MOBILE, "Digits": "2"}))
    assert "We have sent you a text message" in spoken_text(root)
    (request,) = http.requests
    assert request["method"] == "POST"
    assert urlparse(request["url"]).path == f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
    assert request["data"]["To"] == "+351912345678"
    assert request["data"]["From"] == "+351218106191"
    body = request["data"]["Body"]
    assert body.splitlines()[:3] == ["CNAIM Lisbon", "Rua Álvaro Coutinho, 14", "1150-025 Lisboa"]
    assert "Tel. +351 21 810 6100" in body
    assert "E-mail: cnaim.lisboa@acm.gov.pt" in body


def test_sms_failure_is_told_to_the_caller() -> None:
    client = sms_app(RecordingHttpClient(status=400)).test_client()
    root = twiml(signed_post(client, "/voice/input?n=cnaim_lisbon&l=en",
                             {**MOBILE, "Digits": "2"}))
    assert "could not send the text message" in spoken_text(root)
    assert root.find("./Gather") is not None


def test_landline_callers_are_not_offered_sms() -> None:
    client = sms_app(RecordingHttpClient()).test_client()
    landline = {**MOBILE, "From": "+351218000000"}
    card = spoken_text(twiml(signed_post(client, "/voice/enter?n=cnaim_lisbon&l=en",
                                         landline)))
    assert "text message" not in card
    root = twiml(signed_post(client, "/voice/input?n=cnaim_lisbon&l=en",
                             {**landline, "Digits": "2"}))
    assert "not one of the options" in spoken_text(root)


def test_sms_is_off_without_an_account() -> None:
    app = create_app(app_config())
    card = spoken_text(twiml(signed_post(app.test_client(), "/voice/enter?n=cnaim_lisbon&l=en",
                                         MOBILE)))
    assert "text message" not in card
