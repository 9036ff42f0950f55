"""Recorded prompts: played when present, served safely and cache-friendly."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from support import app_config, signed_post, twiml, write_wav

from ivr.engine.speech import language_speech, menu_speech
from ivr.prompts import variant_id
from ivr.web import create_app


@pytest.fixture
def recorded_app(tmp_path: Path) -> Flask:
    """The app with a Cape Verdean Creole recording of the goodbye prompt."""
    write_wav(tmp_path / "kea" / "goodbye.wav")
    write_wav(tmp_path / "kea" / "notes.txt.wav")
    return create_app(app_config(IVR_PROMPTS=str(tmp_path)))


def test_recording_is_played_instead_of_a_fallback_voice(recorded_app: Flask) -> None:
    root = twiml(signed_post(recorded_app.test_client(), "/voice/enter?n=goodbye&l=kea"))
    play = root.find("./Play")
    assert play is not None
    assert play.text == "/audio/kea/goodbye.wav"


def test_recording_is_served_with_cache_headers(recorded_app: Flask) -> None:
    client = recorded_app.test_client()
    with client.get("/audio/kea/goodbye.wav") as response:
        assert response.status_code == 200
        assert response.mimetype == "audio/wav"
        assert response.data.startswith(b"RIFF")
        assert "max-age=86400" in response.headers["Cache-Control"]
        etag = response.headers["ETag"]
    with client.get("/audio/kea/goodbye.wav", headers={"If-None-Match": etag}) as again:
        assert again.status_code == 304


@pytest.mark.parametrize("path", [
    "/audio/kea/../kea/goodbye.wav", "/audio/kea/..%2F..%2Fpyproject.toml",
    "/audio/xx/goodbye.wav", "/audio/kea/goodbye.mp3", "/audio/kea/missing.wav",
    "/audio/kea/Goodbye.wav", "/audio/kea/%2Fetc%2Fpasswd.wav",
])
def test_unsafe_or_unknown_paths_are_not_found(recorded_app: Flask, path: str) -> None:
    assert recorded_app.test_client().get(path).status_code == 404


def test_a_recorded_menu_sentence_is_played_and_the_others_are_still_said(
        tmp_path: Path) -> None:
    runtime = create_app(app_config(IVR_PROMPTS=str(tmp_path))).extensions["ivr"]
    node = runtime.menu.flow.nodes["main"]
    first, *others = [p for p in menu_speech(runtime.menu, node, ("wo",)) if p.params]
    sentence = runtime.resolver.render(first, "wo")
    assert sentence is not None
    recorded = variant_id(first.id, sentence)
    write_wav(tmp_path / "wo" / f"{recorded}.wav")
    app = create_app(app_config(IVR_PROMPTS=str(tmp_path)))
    root = twiml(signed_post(app.test_client(), "/voice/enter?n=main&l=wo"))
    assert [play.text for play in root.iter("Play")] == [f"/audio/wo/{recorded}.wav"]
    spoken = " ".join(say.text or "" for say in root.iter("Say"))
    assert {say.get("language") for say in root.iter("Say")} == {"fr-FR"}
    for other in others:  # not recorded: said in Wolof's fallback, French
        text = runtime.resolver.render(other, "fr")
        assert text is not None
        assert text in spoken
    with app.test_client().get(f"/audio/wo/{recorded}.wav") as response:
        assert response.status_code == 200


def test_a_recorded_language_announcement_is_heard_in_that_language(tmp_path: Path) -> None:
    runtime = create_app(app_config(IVR_PROMPTS=str(tmp_path))).extensions["ivr"]
    page = runtime.menu.flow.nodes["language_more"]
    (wolof,) = [p for p in language_speech(runtime.menu, page, None)
                if p.id == "language.choose" and p.lang == "wo"]
    sentence = runtime.resolver.render(wolof, "wo")
    assert sentence == "Ngir wéy ci wolof, bësal 6."
    write_wav(tmp_path / "wo" / f"{variant_id(wolof.id, sentence)}.wav")
    app = create_app(app_config(IVR_PROMPTS=str(tmp_path)))
    root = twiml(signed_post(app.test_client(), "/voice/input?n=language", {"Digits": "9"}))
    assert [play.text for play in root.iter("Play")] == [
        f"/audio/wo/{variant_id(wolof.id, sentence)}.wav"]
    spoken = " ".join(say.text or "" for say in root.iter("Say"))
    assert "Wolof" not in spoken  # no longer named in French
    assert "Para Kabuverdianu, prima 2." in spoken  # not recorded: named in Portuguese
