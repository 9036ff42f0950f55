"""The pages that show things: the menu picture, calendars, coverage, calls and callbacks."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from console.conftest import NOW
from ivr.recordings import is_recordable
from ivr.variants import fixed_variants

HAS_DOT = shutil.which("dot") is not None


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed")
def test_the_menu_is_drawn_as_svg_with_every_node(app: Flask, admin: FlaskClient) -> None:
    page = admin.get("/console/menu").get_data(as_text=True)
    assert '<img src="/console/menu.svg"' in page
    assert "Text version (Mermaid)" in page
    drawing = admin.get("/console/menu.svg")
    assert drawing.mimetype == "image/svg+xml"
    svg = drawing.get_data(as_text=True)
    for node in app.extensions["ivr"].menu.flow.nodes:
        assert f">{node}</text>" in svg


def test_without_graphviz_the_menu_is_text_with_a_note(admin: FlaskClient,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ivr.graph_formats.shutil.which", lambda name: None)
    monkeypatch.setattr("ivr.web.console.pages._cache", {})
    page = admin.get("/console/menu").get_data(as_text=True)
    assert "Graphviz's <code>dot</code> is not installed" in page
    assert "flowchart" in page
    assert "digraph" in page
    assert admin.get("/console/menu.svg").status_code == 404


def test_the_calendar_shows_fourteen_days_of_every_service(app: Flask,
                                                          admin: FlaskClient) -> None:
    page = admin.get("/console/calendar").get_data(as_text=True)
    for service in app.extensions["ivr"].menu.hours:
        assert f'<span class="service">{service}</span>' in page
    assert page.count('<th scope="col" class=') == 14
    assert "Monday 2 March 2026, 10:00" in page
    assert 'class="badge open"' in page


def test_the_calendar_names_the_holidays_of_another_moment(admin: FlaskClient) -> None:
    page = admin.get("/console/calendar?at=2026-06-08T10:00").get_data(as_text=True)
    assert "Day of Portugal" in page
    assert 'value="2026-06-08T10:00"' in page


def test_a_wrong_moment_is_said_so(admin: FlaskClient) -> None:
    answer = admin.get("/console/calendar?at=someday")
    assert answer.status_code == 400
    assert "is not an ISO 8601 time" in answer.get_data(as_text=True)


def test_the_coverage_matrix_has_every_prompt_and_language(app: Flask,
                                                          admin: FlaskClient) -> None:
    page = admin.get("/console/coverage").get_data(as_text=True)
    runtime = app.extensions["ivr"]
    for prompt_id in runtime.menu.sources:
        assert f"<code>{prompt_id}</code>" in page
    assert page.count('<td class="cell ') == len(runtime.menu.sources) * 14
    assert '<span lang="uk">Українська</span>' in page
    assert "translated, recorded" in page  # the welcome is recorded in English


def test_the_coverage_counts_the_sentences_the_cli_counts(app: Flask, admin: FlaskClient
                                                          ) -> None:
    runtime = app.extensions["ivr"]
    sentences = fixed_variants(runtime.menu, runtime.resolver)
    page = admin.get("/console/coverage").get_data(as_text=True)
    assert "recorded sentence by sentence" in page
    static = sum(1 for s in runtime.menu.sources.values() if is_recordable(s))
    for code, found in sentences.items():
        recorded = int(code in ("pt_PT", "en"))  # the welcome
        assert f"{recorded} / {static + len(found)}" in page
        assert f"0 / {len(found)} sentences" in page


def test_calls_and_callbacks_come_from_the_store(app: Flask, admin: FlaskClient) -> None:
    store = app.extensions["ivr"].store
    store.call_started("CA" + "9" * 32, "+351808257257", "+351912345678", "PT", NOW)
    store.call_language("CA" + "9" * 32, "uk")
    store.add_callback("+351912345678", "uk", "queue", "CA" + "9" * 32, NOW,
                       NOW + timedelta(minutes=5))
    page = admin.get("/console/calls").get_data(as_text=True)
    assert '<span lang="uk">Українська</span>' in page
    assert "+35191*****78" in page
    assert "+351912345678" not in page
    assert "2026-03-02 10:05" in page


def test_without_a_store_the_calls_page_says_so(app: Flask, admin: FlaskClient,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app.extensions["ivr"], "store", None)
    page = admin.get("/console/calls").get_data(as_text=True)
    assert "No store is connected" in page


@pytest.mark.parametrize("path", ["/console/", "/console/menu", "/console/calendar",
                                  "/console/coverage", "/console/calls"])
def test_every_page_has_landmarks_a_heading_and_marks_where_it_is(admin: FlaskClient,
                                                                   path: str) -> None:
    page = admin.get(path).get_data(as_text=True)
    assert '<html lang="en">' in page
    assert page.count("<h1>") == 1
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in page
    assert f'href="{path}"\n               aria-current="page"' in page
    assert 'class="skip" href="#main"' in page
