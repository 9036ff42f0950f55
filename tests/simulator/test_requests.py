"""Requests exactly as Twilio sends them: parameters, headers, signatures, cookies (§1, §5)."""

from __future__ import annotations

import json
from itertools import count

from flask import Request, Response, session
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import VoiceResponse

from .harness import BASE, TOKEN, Harness, codes, paths, said, twiml, verbs


def _menu(response: VoiceResponse) -> None:
    response.gather(num_digits=1, action="/next").say("Press a key.")


def _next(response: VoiceResponse) -> None:
    response.say("Thanks.")


def test_first_request_carries_twilios_parameters() -> None:
    harness = Harness({"/voice": twiml(_menu), "/next": twiml(_next)})
    result = harness.call("1")
    first, second = harness.seen
    assert first.method == "POST"
    assert first.form["CallSid"] == result.call_sid
    assert first.form["CallSid"].startswith("CA")
    assert len(first.form["CallSid"]) == 34
    assert first.form["AccountSid"] == harness.sim.account_sid
    assert first.form["From"] == first.form["Caller"] == "+351912345678"
    assert first.form["To"] == first.form["Called"] == "+351808257257"
    assert first.form["FromCountry"] == first.form["ToCountry"] == "PT"
    assert first.form["Direction"] == "inbound"
    assert first.form["ApiVersion"] == "2010-04-01"
    assert (first.form["CallStatus"], second.form["CallStatus"]) == ("ringing", "in-progress")
    assert second.form["Digits"] == "1"
    assert "ParentCallSid" not in first.form


def test_headers_are_twilios_and_the_signature_validates() -> None:
    harness = Harness({"/voice": twiml(_menu), "/next": twiml(_next)})
    harness.call("1")
    first, second = harness.seen
    assert first.headers["User-Agent"] == "TwilioProxy/1.1"
    assert first.headers["X-Home-Region"] == "us1"
    assert first.headers["Content-Type"].startswith("application/x-www-form-urlencoded")
    assert (
        first.headers["I-Twilio-Idempotency-Token"] != second.headers["I-Twilio-Idempotency-Token"]
    )
    validator = RequestValidator(TOKEN)
    for seen in harness.seen:
        assert validator.validate(seen.url, seen.form, seen.headers["X-Twilio-Signature"])
    assert [r.status for r in harness.sim.world.transcript.requests] == [200, 200]


def test_a_wrong_token_is_the_apps_403_and_an_application_error() -> None:
    harness = Harness({"/voice": twiml(_menu)})
    harness.sim.world.webhooks.validator = RequestValidator("not-the-apps-token")
    result = harness.call()
    assert [r.status for r in result.requests] == [403]
    assert result.end.reason == "error"
    assert result.end.error_code == 11200
    assert said(result) == ["We're sorry, an application error has occurred. Goodbye."]
    assert codes(result) == [11200]


def test_without_a_token_nothing_is_signed() -> None:
    harness = Harness({"/voice": twiml(_next)}, token=None)
    harness.call()
    assert "X-Twilio-Signature" not in harness.seen[0].headers


def test_get_sends_the_parameters_in_a_signed_query() -> None:
    harness = Harness(
        {"/voice": twiml(lambda r: r.redirect("/next", method="GET")), "/next": twiml(_next)}
    )
    result = harness.call()
    get = harness.seen[1]
    assert get.method == "GET"
    assert "CallSid=" in get.url
    assert RequestValidator(TOKEN).validate(get.url, {}, get.headers["X-Twilio-Signature"])
    assert said(result) == ["Thanks."]


def test_cookies_are_kept_for_the_call() -> None:
    def first(_: Request) -> VoiceResponse:
        session["language"] = "pt"
        response = VoiceResponse()
        response.redirect("/second")
        return response

    def second(_: Request) -> VoiceResponse:
        response = VoiceResponse()
        response.say(f"Language {session.get('language', 'unknown')}")
        return response

    harness = Harness({"/voice": first, "/second": second})
    result = harness.call()
    assert said(result) == ["Language pt"]
    assert "session=" in harness.seen[1].headers["Cookie"]


def test_each_call_has_its_own_cookie_jar() -> None:
    def first(_: Request) -> VoiceResponse:
        response = VoiceResponse()
        response.say(f"Visits {session.get('visits', 0)}")
        session["visits"] = session.get("visits", 0) + 1
        return response

    harness = Harness({"/voice": first})
    harness.sim.place(harness.plan())
    harness.sim.place(harness.plan(after_s=30))
    harness.sim.run()
    assert [s.fields["text"] for s in harness.sim.world.transcript.steps] == ["Visits 0"] * 2


def test_connection_overrides_are_stripped_and_retries_reuse_the_token() -> None:
    attempts = count()

    def flaky(_: Request) -> Response | str:
        if next(attempts) < 2:
            return Response("busy", 503)
        return '<?xml version="1.0"?><Response><Say>Finally.</Say></Response>'

    harness = Harness(
        {"/voice": twiml(lambda r: r.redirect("/flaky#rc=3&rp=5xx")), "/flaky": flaky}
    )
    result = harness.call()
    assert paths(harness.seen) == ["/voice", "/flaky", "/flaky", "/flaky"]
    tokens = {seen.headers["I-Twilio-Idempotency-Token"] for seen in harness.seen[1:]}
    assert len(tokens) == 1
    assert said(result) == ["Finally."]
    assert [r.url for r in result.requests][1] == BASE + "/flaky"


def test_an_answer_slower_than_the_read_timeout_is_11200() -> None:
    ticks = iter([0.0, 0.05, 1.0, 17.0])  # the second fetch takes 16 simulated wall seconds
    harness = Harness(
        {"/voice": twiml(lambda r: r.redirect("/slow")), "/slow": twiml(_next)},
        transport_timer=lambda: next(ticks),
    )
    result = harness.call()
    assert result.end.reason == "error"
    assert result.end.error_code == 11200
    assert [r.status for r in result.requests] == [200, None]


def test_the_same_seed_gives_the_same_json() -> None:
    def run() -> str:
        harness = Harness({"/voice": twiml(_menu), "/next": twiml(_next)}, seed=42)
        return json.dumps(harness.call("1").to_json())

    assert run() == run()
    other = Harness({"/voice": twiml(_menu), "/next": twiml(_next)}, seed=43).call("1")
    assert json.loads(run())["call_sid"] != other.call_sid


def test_a_fallback_url_rescues_a_failed_fetch() -> None:
    def broken(_: Request) -> str:
        return "<Response><Say>unclosed</Response>"

    harness = Harness({"/voice": broken, "/fallback": twiml(lambda r: r.say("Sorry, try later."))})
    result = harness.call(fallback="/fallback")
    assert said(result) == ["Sorry, try later."]
    assert result.end.reason == "completed"
    rescue = harness.seen[1]
    assert rescue.form["ErrorCode"] == "12100"
    assert rescue.form["ErrorUrl"] == BASE + "/voice"
    assert codes(result) == [12100]


def test_the_fallback_also_rescues_action_fetches() -> None:
    harness = Harness(
        {
            "/voice": twiml(lambda r: r.redirect("/missing-on-purpose")),
            "/fallback": twiml(lambda r: r.say("Fallback.")),
        }
    )
    result = harness.call(fallback="/fallback")
    assert [r.status for r in result.requests] == [200, 404, 200]
    assert said(result) == ["Fallback."]


def test_a_failing_fallback_ends_in_the_application_error() -> None:
    harness = Harness({"/voice": lambda _: "not xml", "/fallback": lambda _: "not xml either"})
    result = harness.call(fallback="/fallback")
    assert result.end.error_code == 12100
    assert verbs(result) == ["Say"]
    assert result.steps[0].fields["error_code"] == 12100


def test_http_redirects_are_followed_like_a_browser_with_a_warning() -> None:
    def moved(_: Request) -> Response:
        return Response("", 302, headers={"Location": "/new-home"})

    harness = Harness({"/voice": moved, "/new-home": twiml(lambda r: r.say("Moved here."))})
    result = harness.call()
    assert [(seen.method, seen.path) for seen in harness.seen] == [
        ("POST", "/voice"),
        ("GET", "/new-home"),
    ]
    assert [r.status for r in result.requests] == [302, 200]
    assert said(result) == ["Moved here."]
    assert "answered HTTP 302; followed" in result.notices[0].message
