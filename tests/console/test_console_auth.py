"""Signing in: no default password, a refused wrong password, CSRF on every POST, sessions,
and the rate limit per address and per user, shared by every app on one store."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from console.conftest import (
    NOW,
    PASSWORD,
    SECRET,
    USER,
    console_config,
    csrf_of,
    sign_in,
)
from ivr.clock import FixedClock
from ivr.errors import ConfigError
from ivr.routing.entities import hash_code
from ivr.web import create_app

PAGES = ["/console/", "/console/menu", "/console/calendar", "/console/coverage",
         "/console/calls"]


@pytest.mark.parametrize(("missing", "says"), [
    ({"IVR_CONSOLE_USER": ""}, "IVR_CONSOLE_USER is not set"),
    ({"IVR_CONSOLE_PASSWORD_HASH": ""}, "there is no default password"),
    ({"IVR_CONSOLE_PASSWORD_HASH": "hunter2"}, "is not a hash this console reads"),
    ({"IVR_SECRET_KEY": ""}, "must be the same in every worker"),
    ({"IVR_SECRET_KEY": "short"}, "IVR_SECRET_KEY is too short"),
])
def test_without_its_settings_the_console_is_off_and_says_how_to_turn_it_on(
        missing: dict[str, str], says: str) -> None:
    client = create_app(console_config(**missing)).test_client()
    for path in ["/console/login", *PAGES]:
        page = client.get(path)
        assert page.status_code == 503
        assert says in page.get_data(as_text=True)
        assert "ivr console hash-password" in page.get_data(as_text=True)
    refused = client.post("/console/login", data={"user": USER, "password": PASSWORD})
    assert refused.status_code == 503
    with client.get("/console/static/console.css") as style:
        assert style.status_code == 200


def test_the_console_is_off_by_default() -> None:
    page = create_app(console_config(IVR_CONSOLE_USER="", IVR_CONSOLE_PASSWORD_HASH="",
                                     IVR_SECRET_KEY="")).test_client().get("/console/")
    assert page.status_code == 503
    assert "The console is off" in page.get_data(as_text=True)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_asks_to_sign_in_first(client: FlaskClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/console/login?next=/console/")


def test_the_phone_endpoint_answers_json_when_not_signed_in(client: FlaskClient) -> None:
    answer = client.post("/console/phone", json={"inputs": []},
                         headers={"X-CSRF-Token": csrf_of(client)})
    assert answer.status_code == 401
    assert answer.get_json() == {"error": "Sign in first."}


def test_the_right_password_signs_in_and_goes_back_to_the_page_asked_for(
        client: FlaskClient) -> None:
    client.get("/console/calendar")
    token = csrf_of(client, "/console/login?next=/console/calendar")
    answer = client.post("/console/login", data={"user": USER, "password": PASSWORD,
                                                 "csrf_token": token,
                                                 "next": "/console/calendar"})
    assert (answer.status_code, answer.headers["Location"]) == (302, "/console/calendar")
    assert client.get("/console/calendar").status_code == 200


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/console/",
                                    "/voice/incoming", "/console/../voice", "console/"])
def test_after_signing_in_only_console_pages_are_gone_to(client: FlaskClient,
                                                        target: str) -> None:
    token = csrf_of(client)
    answer = client.post("/console/login", data={"user": USER, "password": PASSWORD,
                                                 "csrf_token": token, "next": target})
    assert answer.headers["Location"] == "/console/"


@pytest.mark.parametrize(("user", "password"), [(USER, "wrong password"), ("root", PASSWORD),
                                                ("", ""), (USER.upper(), PASSWORD)])
def test_a_wrong_user_or_password_is_refused_with_a_clear_message(
        app: Flask, user: str, password: str) -> None:
    client = from_address(app, f"192.0.2.{len(user) + len(password)}")
    answer = sign_in(client, user, password)
    assert answer.status_code == 401
    assert "The user name or password is wrong." in answer.get_data(as_text=True)
    assert client.get("/console/").status_code == 302


def test_a_werkzeug_hash_works_too(prompts: Any) -> None:
    app = create_app(console_config(
        IVR_CONSOLE_PASSWORD_HASH=generate_password_hash(PASSWORD, "pbkdf2:sha256:1000")))
    assert sign_in(app.test_client()).status_code == 302


def test_a_post_without_the_csrf_token_is_refused(client: FlaskClient, admin: FlaskClient
                                                  ) -> None:
    for path, data in [("/console/login", {"user": USER, "password": PASSWORD}),
                       ("/console/logout", {}), ("/console/login", {"csrf_token": "forged"})]:
        answer = client.post(path, data=data)
        assert answer.status_code == 400
        assert "Reload the page" in answer.get_data(as_text=True)
    phone = client.post("/console/phone", json={"inputs": []})
    assert phone.status_code == 400
    assert "security token" in phone.get_json()["error"]
    assert client.get("/console/").status_code == 200, "still signed in"


def test_signing_out_ends_the_session(admin: FlaskClient) -> None:
    token = csrf_of(admin, "/console/")
    assert admin.get("/console/logout").status_code == 405
    answer = admin.post("/console/logout", data={"csrf_token": token})
    assert answer.headers["Location"] == "/console/login"
    assert admin.get("/console/").status_code == 302


def test_the_session_cookie_is_http_only_and_same_site(client: FlaskClient) -> None:
    answer = sign_in(client)
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith("ivr_console=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_behind_https_the_cookie_is_secure(prompts: Any) -> None:
    app = create_app(console_config(IVR_PUBLIC_BASE_URL="https://ivr.example.pt"))
    assert "Secure" in sign_in(app.test_client()).headers["Set-Cookie"]


def test_a_new_password_ends_the_sessions_of_the_old_one(app: Flask, admin: FlaskClient
                                                         ) -> None:
    cookie = admin.get_cookie("ivr_console")
    assert cookie is not None
    other = create_app(console_config(
        IVR_CONSOLE_PASSWORD_HASH=hash_code(PASSWORD, iterations=200_000)))
    stranger = other.test_client()
    stranger.set_cookie("ivr_console", cookie.value)
    assert stranger.get("/console/").status_code == 302
    assert admin.get("/console/").status_code == 200


def test_pages_forbid_framing_and_foreign_scripts(admin: FlaskClient) -> None:
    answer = admin.get("/console/")
    policy = answer.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["Cache-Control"] == "no-store"


# -- the rate limit -------------------------------------------------------------------------


def fail(client: FlaskClient, user: str = USER) -> int:
    """Make one failed attempt; return its status."""
    return int(sign_in(client, user, "wrong password").status_code)


def from_address(app: Flask, address: str) -> FlaskClient:
    """A test client whose requests come from ``address``."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_five_failures_for_one_user_then_429_with_a_readable_page(fresh_app: Flask) -> None:
    clients = [from_address(fresh_app, f"198.51.100.{n}") for n in range(1, 7)]
    assert [fail(c) for c in clients[:5]] == [401] * 5
    answer = sign_in(clients[5])
    assert answer.status_code == 429
    assert "try again in 15 minutes" in answer.get_data(as_text=True)
    assert answer.headers["Retry-After"] == "900"


def test_five_failures_from_one_address_then_429_whatever_the_user(fresh_app: Flask) -> None:
    client = from_address(fresh_app, "203.0.113.9")
    assert [fail(client, f"user{n}") for n in range(5)] == [401] * 5
    assert sign_in(client).status_code == 429
    assert sign_in(from_address(fresh_app, "203.0.113.10")).status_code == 302


def test_the_limit_lifts_when_the_window_has_passed(fresh_app: Flask, clock: FixedClock) -> None:
    client = from_address(fresh_app, "203.0.113.20")
    for _ in range(5):
        fail(client)
        clock.advance(60)
    assert sign_in(client).status_code == 429
    clock.advance(15 * 60 - 5 * 60)  # the first failure is now 15 minutes old
    assert sign_in(client).status_code == 302


def test_signing_in_clears_the_failures(fresh_app: Flask) -> None:
    client = from_address(fresh_app, "203.0.113.30")
    assert [fail(client) for _ in range(4)] == [401] * 4
    assert sign_in(client).status_code == 302
    again = from_address(fresh_app, "203.0.113.30")
    assert [fail(again) for _ in range(5)] == [401] * 5
    assert sign_in(again).status_code == 429


def through_proxy(app: Flask, forwarded: str) -> FlaskClient:
    """A test client behind a reverse proxy at 10.0.0.2, which forwards ``forwarded``."""
    client = from_address(app, "10.0.0.2")
    client.environ_base["HTTP_X_FORWARDED_FOR"] = forwarded
    return client


def test_behind_a_trusted_proxy_each_client_has_a_limit_of_its_own(prompts: Any) -> None:
    app = create_app(console_config(prompts, IVR_PROXY_HOPS="1"), clock=FixedClock(NOW))
    client = through_proxy(app, "203.0.113.60")
    assert [fail(client, f"user{n}") for n in range(5)] == [401] * 5
    assert sign_in(client).status_code == 429
    # a client cannot forge its way out: the proxy appends the address it saw
    assert sign_in(through_proxy(app, "198.51.100.1, 203.0.113.60")).status_code == 429
    assert sign_in(through_proxy(app, "203.0.113.61")).status_code == 302


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(fresh_app: Flask) -> None:
    clients = [through_proxy(fresh_app, f"203.0.113.{n}") for n in range(70, 76)]
    assert [fail(c, f"user{n}") for n, c in enumerate(clients[:5])] == [401] * 5
    assert sign_in(clients[5]).status_code == 429  # they all are 10.0.0.2


@pytest.mark.parametrize("value", ["one", "-1", "1.5"])
def test_a_bad_number_of_proxies_is_refused_in_one_sentence(value: str) -> None:
    with pytest.raises(ConfigError) as refused:
        create_app(console_config(IVR_PROXY_HOPS=value))
    assert str(refused.value) == (
        f"IVR_PROXY_HOPS must be the number of proxies in front of the app (0 when clients "
        f"reach it directly), not {value!r}")


def test_every_app_on_the_store_counts_the_same_attempts(prompts: Any) -> None:
    settings = console_config(prompts)
    workers = [create_app(settings, clock=FixedClock(NOW)) for _ in range(2)]
    clients = [from_address(worker, "203.0.113.40") for worker in workers]
    assert [fail(clients[n % 2]) for n in range(5)] == [401] * 5
    assert [sign_in(c).status_code for c in clients] == [429, 429]


def test_without_a_store_this_worker_still_counts(prompts: Any, monkeypatch: pytest.MonkeyPatch
                                                  ) -> None:
    app = create_app(console_config(prompts), clock=FixedClock(NOW))
    monkeypatch.setattr(app.extensions["ivr"], "store", None)
    client = from_address(app, "203.0.113.50")
    assert [fail(client) for _ in range(5)] == [401] * 5
    assert sign_in(client).status_code == 429


def test_secret_key_is_the_configured_one(app: Flask) -> None:
    assert app.secret_key == SECRET
