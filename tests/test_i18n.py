"""Languages, fallback chains and catalogue loading (with Babel's traps guarded)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel import Locale, UnknownLocaleError

from ivr.errors import CatalogueError
from ivr.i18n import (
    LANGUAGES,
    fallback_chain,
    formatting_locale,
    load_catalogues,
    read_catalogue,
    speaking_language,
    suggest_language,
)

PO_HEADER = '''msgid ""
msgstr ""
"Content-Type: text/plain; charset=utf-8\\n"
"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
"n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"

'''


def test_fourteen_languages_in_the_order_of_the_menu() -> None:
    assert list(LANGUAGES) == ["pt_PT", "en", "fr", "es", "ru", "ro", "uk", "ar", "ro_MD",
                               "kea", "pov", "ff", "mnk", "wo"]


@pytest.mark.parametrize(("code", "voice", "say"), [
    ("pt_PT", "Polly.Ines-Neural", "pt-PT"), ("ru", "Polly.Tatyana", "ru-RU"),
    ("ro", "Polly.Carmen", "ro-RO"), ("ro_MD", "Polly.Carmen", "ro-RO"),
    ("ar", "Polly.Zeina", "arb"), ("en", "Polly.Amy-Neural", "en-GB"),
])
def test_voices_follow_the_design_table(code: str, voice: str, say: str) -> None:
    assert (LANGUAGES[code].voice, LANGUAGES[code].say_language) == (voice, say)


@pytest.mark.parametrize("code", [c for c, lang in LANGUAGES.items() if lang.has_tts])
def test_every_voice_speaks_its_language(code: str) -> None:
    from ivr.simulator.voices import voice_problem

    lang = LANGUAGES[code]
    assert lang.voice is not None
    assert lang.say_language is not None
    assert voice_problem(lang.voice, lang.say_language) is None


def test_a_menu_greeting_in_a_voiceless_language_is_refused(tmp_path: Path) -> None:
    import shutil

    from support import ROOT, app_config

    from ivr.web import create_app

    shutil.copytree(ROOT / "menus", tmp_path / "menus")
    flow = tmp_path / "menus" / "flow.yaml"
    flow.write_text(flow.read_text().replace("default_languages: [pt_PT, en]",
                                             "default_languages: [kea, en]"))
    with pytest.raises(CatalogueError, match="default_languages must have a Twilio voice"):
        create_app(app_config(IVR_MENUS=str(tmp_path / "menus")))


def test_ukrainian_uses_a_google_voice() -> None:
    assert (LANGUAGES["uk"].voice or "").startswith("Google.uk-UA")


@pytest.mark.parametrize(("code", "chain", "speaker"), [
    ("kea", ("kea", "pt_PT", "en"), "pt_PT"), ("pov", ("pov", "pt_PT", "en"), "pt_PT"),
    ("ff", ("ff", "fr", "en"), "fr"), ("mnk", ("mnk", "fr", "en"), "fr"),
    ("wo", ("wo", "fr", "en"), "fr"), ("ro_MD", ("ro_MD", "ro", "en"), "ro_MD"),
    ("uk", ("uk", "en"), "uk"), ("en", ("en",), "en"),
])
def test_fallback_chains(code: str, chain: tuple[str, ...], speaker: str) -> None:
    assert fallback_chain(code) == chain
    assert speaking_language(code).code == speaker


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_every_formatting_locale_exists_in_babel(code: str) -> None:
    Locale.parse(formatting_locale(code))


@pytest.mark.parametrize("code", ["pov", "mnk"])
def test_pov_and_mnk_format_with_their_fallback(code: str) -> None:
    with pytest.raises(UnknownLocaleError):
        Locale.parse(code)
    assert formatting_locale(code) == {"pov": "pt_PT", "mnk": "fr"}[code]


@pytest.mark.parametrize(("region", "code"), [("UA", "uk"), ("CV", "kea"), ("GW", "pov"),
                                              ("SN", "wo"), ("MD", "ro_MD"), ("GM", "mnk"),
                                              ("GN", "ff"), ("MA", "ar"), ("BR", "pt_PT"),
                                              ("JP", None), (None, None)])
def test_caller_country_suggests_a_language(region: str | None, code: str | None) -> None:
    assert suggest_language(region) == code


def test_a_missing_catalogue_stops_the_start(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="uk/LC_MESSAGES/ivr.po"):
        load_catalogues(tmp_path, ["uk"])


def _po(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "ivr.po"
    path.write_text(PO_HEADER + body, encoding="utf-8")
    return path


def test_fuzzy_empty_and_partial_plurals_are_never_used(tmp_path: Path) -> None:
    path = _po(tmp_path, '''msgctxt "a"
msgid "Hello"
msgstr "Привет"

#, fuzzy
msgctxt "b"
msgid "Goodbye"
msgstr "До свидания"

msgctxt "c"
msgid "Nothing"
msgstr ""

msgctxt "d"
msgid "{count} caller"
msgid_plural "{count} callers"
msgstr[0] "{count} звонящий"
msgstr[1] ""
msgstr[2] "{count} звонящих"

#, needs-review
msgctxt "e"
msgid "{count} minute"
msgid_plural "{count} minutes"
msgstr[0] "{count} минута"
msgstr[1] "{count} минуты"
msgstr[2] "{count} минут"
''')
    catalogue = read_catalogue(path, "ru")
    assert set(catalogue.entries) == {("a", "Hello"), ("e", "{count} minute")}
    entry = catalogue.get("e", "{count} minute")
    assert entry is not None
    assert entry.needs_review
    assert [catalogue.plural(n) for n in (1, 3, 5, 21)] == [0, 1, 2, 0]
