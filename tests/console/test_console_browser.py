"""The console in a real browser: Debian's Chromium, driven by Playwright, against the app
served on 127.0.0.1. Signing in, a call answered with the keypad and the keyboard, the
prompts and the language they are in, a transfer at the end; a wrong password, the rate
limit. Screenshots of the console are taken on every run (docs/screenshots/ holds the
last ones asked for with IVR_SCREENSHOTS)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from console.browser import (
    CHROMIUM_FLAGS,
    SCREENSHOTS,
    VIEWPORT,
    Served,
    chromium_path,
    missing_reason,
    serve,
)
from console.conftest import NOW, PASSWORD, USER, console_config
from ivr.clock import FixedClock
from ivr.web import create_app

REASON = missing_reason()
pytestmark = pytest.mark.skipif(REASON is not None, reason=REASON or "")


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    """Playwright's driver."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless, with a fresh profile."""
    launched = playwright.chromium.launch(executable_path=chromium_path(), headless=True,
                                          args=CHROMIUM_FLAGS)
    yield launched
    launched.close()


@pytest.fixture(scope="module")
def server(prompts: Path) -> Iterator[Served]:
    """The helpline with the console on, served over HTTP; its clock: Monday 2 March, 10:00."""
    with serve(create_app(console_config(prompts), clock=FixedClock(NOW))) as served:
        yield served


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page of a fresh browser context (no cookies), failing on any script error or any
    style, script, image or audio that does not load (refused pages are the tests' own)."""
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.on("response", lambda answer: errors.append(f"{answer.status} {answer.url}") if (
        answer.status >= 400 and answer.request.resource_type not in {"document", "fetch"})
        else None)
    yield opened
    context.close()
    assert errors == []


def shoot(page: Page, name: str, **options: Any) -> None:
    """Save a screenshot of the page in the screenshots folder."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), animations="disabled", **options)


def sign_in(page: Page, url: str, password: str = PASSWORD, user: str = USER) -> Any:
    """Fill and send the sign-in form; return the response of the form's page."""
    page.goto(f"{url}/console/")
    page.get_by_label("User name").fill(user)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Sign in").click()
    return navigation.value


def test_sign_in_call_press_keys_and_end_in_a_transfer(page: Page, server: Served) -> None:
    page.goto(f"{server.url}/console/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    shoot(page, "login")
    sign_in(page, server.url)
    expect(page.get_by_role("heading", name="Phone", exact=True)).to_be_visible()

    page.get_by_role("button", name="Call").click()
    expect(page.locator("#status")).to_contain_text("Waiting for 1 key")
    english_offer = page.locator('#events p[lang="en-GB"]',
                                 has_text="To continue in English, press 2.")
    expect(english_offer).to_be_visible()
    expect(page.locator('#events p[lang="fr-FR"]', has_text="appuyez sur 3")).to_be_visible()

    page.locator("body").press("2")  # the keyboard presses the keypad
    expect(page.locator("#language")).to_contain_text("English")
    expect(page.locator("#language span[lang='en']")).to_have_text("English")
    main_menu = page.locator('#events p[lang="en-GB"]', has_text="press 1").last
    expect(main_menu).to_contain_text("To talk to an operator of the Migrant Support Line")

    page.get_by_role("button", name="3", exact=True).click()
    expect(page.locator("#events p[lang='en-GB']").last).to_contain_text("CNAIM Lisbon, press 1.")
    expect(page.locator(".key.pressed")).to_have_count(0)
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "phone", full_page=True)

    page.get_by_role("button", name="1", exact=True).click()
    expect(page.locator("#events p[lang='pt-PT']", has_text="Rua Álvaro Coutinho")).to_be_visible()
    page.get_by_role("button", name="1", exact=True).focus()
    page.keyboard.press("Enter")  # a focused key is pressed with the keyboard too
    expect(page.locator("#end")).to_have_text("Call ended: hangup")
    dial = page.locator("#events li.verb-Dial")
    expect(dial).to_contain_text("+351218106100: completed")
    steps = page.locator("#events > li.step")
    expect(steps.last).to_have_class("event step verb-Hangup")
    expect(steps.nth(steps.count() - 2)).to_have_class("event step verb-Dial")
    expect(page.get_by_role("button", name="Hang up")).to_be_disabled()


def test_recorded_prompts_play_in_the_transcript(page: Page, server: Served) -> None:
    sign_in(page, server.url)
    page.get_by_role("button", name="Call").click()
    audio = page.locator("#events audio")
    expect(audio).to_have_count(2)
    source = audio.first.get_attribute("src")
    assert source == "/audio/pt_PT/greeting.welcome.wav"
    assert page.request.get(f"{server.url}{source}").headers["content-type"] == "audio/wav"
    welcome = page.locator("#events p[lang='pt-PT']").first
    expect(welcome).to_contain_text("Damos-lhe as boas-vindas")
    page.get_by_role("button", name="Hang up").click()
    expect(page.locator("#end")).to_have_text("Call ended: hangup")


def test_a_wrong_password_is_refused(page: Page, server: Served) -> None:
    response = sign_in(page, server.url, password="not the password")
    assert response is not None
    assert response.status == 401
    expect(page.get_by_role("alert")).to_have_text("The user name or password is wrong.")
    expect(page.get_by_label("User name")).to_have_value(USER)
    page.goto(f"{server.url}/console/calendar")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_the_pages_show_calendar_coverage_and_menu(page: Page, server: Served) -> None:
    sign_in(page, server.url)
    page.get_by_role("link", name="Calendar").click()
    expect(page.locator("table.calendar tbody tr")).to_have_count(
        len(server.app.extensions["ivr"].menu.hours))
    expect(page.get_by_role("link", name="Calendar")).to_have_attribute("aria-current", "page")
    page.get_by_label("Moment to judge").fill("2026-04-01T10:00")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("td.holiday").first).to_contain_text("Good Friday")
    shoot(page, "calendar")
    page.get_by_role("link", name="Coverage").click()
    expect(page.locator("table.matrix")).to_be_visible()
    shoot(page, "coverage")
    page.get_by_role("link", name="Menu").click()
    drawing = page.locator("figure.drawing img")
    if drawing.count():
        expect(drawing).to_have_js_property("complete", True)
        assert drawing.evaluate("image => image.naturalWidth") > 0
    else:
        expect(page.locator("pre").first).to_contain_text("flowchart")
    shoot(page, "menu")
    page.get_by_role("link", name="Calls").click()
    expect(page.get_by_role("heading", name="Recent calls")).to_be_visible()


def test_keyboard_users_reach_every_control(page: Page, server: Served) -> None:
    sign_in(page, server.url)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    reached = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement.id || document.activeElement.innerText"))
    for control in ("at", "from", "to", "dial", "call", "show-requests"):
        assert control in reached


def test_the_rate_limit_stops_a_sixth_try(page: Page, prompts: Path) -> None:
    with serve(create_app(console_config(prompts), clock=FixedClock(NOW))) as fresh:
        statuses = [sign_in(page, fresh.url, password=f"guess {n}").status for n in range(5)]
        assert statuses == [401] * 5
        response = sign_in(page, fresh.url)
    assert response is not None
    assert response.status == 429
    expect(page.get_by_role("alert")).to_contain_text(re.compile(r"try again in 15 minutes"))
