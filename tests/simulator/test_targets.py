"""App factories get what they accept, including through ``**kwargs``."""

from __future__ import annotations

from typing import Any

from ivr.simulator.targets import build_app


def test_a_factory_taking_keywords_gets_the_clock_and_client() -> None:
    received: dict[str, Any] = {}

    def factory(**kwargs: Any) -> Any:
        received.update(kwargs)
        return lambda environ, start_response: []

    build_app(factory, clock="clock", http_client="client", auth_token="t", account_sid="AC")
    assert received == {"test_config": {"IVR_AUTH_TOKEN": "t", "TWILIO_ACCOUNT_SID": "AC"},
                        "clock": "clock", "twilio_http_client": "client"}


def test_a_factory_gets_only_what_it_names() -> None:
    received: dict[str, Any] = {}

    def factory(clock: Any = None) -> Any:
        received["clock"] = clock
        return lambda environ, start_response: []

    build_app(factory, clock="clock", http_client="client", auth_token="t", account_sid="AC")
    assert received == {"clock": "clock"}
