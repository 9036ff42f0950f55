"""The catalogues: complete, consistent with the menus, compiled without leaking English."""

from __future__ import annotations

import gettext
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import ROOT

from ivr.cli import cli
from ivr.i18n import LANGUAGES
from ivr.translations import check, compile_catalogue, extract, read_catalogue


def test_every_catalogue_is_complete_and_up_to_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    findings = check(ROOT / "locales", extract(ROOT), LANGUAGES)
    assert [str(f) for f in findings] == []


def test_the_check_finds_what_is_wrong(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales)
    po = locales / "uk" / "LC_MESSAGES" / "ivr.po"
    text = po.read_text()
    text = text.replace('msgctxt "goodbye"\n', '#, fuzzy\nmsgctxt "goodbye"\n', 1)
    start = text.index('msgctxt "menu.repeat"')
    end = text.index("msgstr", start)
    line_end = text.index("\n", end)
    text = text[:end] + 'msgstr "Натисніть {клавіша}."' + text[line_end:]
    po.write_text(text)
    found = [f.message for f in check(locales, extract(ROOT), ["uk"])]
    assert "goodbye: fuzzy entry" in found
    assert any(m.startswith("menu.repeat: placeholders") for m in found)


def test_compiled_catalogue_leaves_out_incomplete_plurals(tmp_path: Path) -> None:
    po = tmp_path / "ivr.po"
    po.write_text('''msgid ""
msgstr ""
"Content-Type: text/plain; charset=utf-8\\n"
"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
"n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"

msgctxt "a"
msgid "Hello"
msgstr "Привіт"

msgctxt "b"
msgid "{count} caller"
msgid_plural "{count} callers"
msgstr[0] "{count} абонент"
msgstr[1] ""
msgstr[2] "{count} абонентів"
''', encoding="utf-8")
    mo, dropped = compile_catalogue(po, "uk")
    assert dropped == 1
    with mo.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    assert catalog.pgettext("a", "Hello") == "Привіт"
    assert catalog.npgettext("b", "{count} caller", "{count} callers", 3) == "{count} callers"


def test_compile_command_builds_every_language(tmp_path: Path) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(ROOT / "locales", locales)
    result = CliRunner().invoke(cli, ["translations", "--locales", str(locales), "compile"])
    assert result.exit_code == 0, result.output
    for code in LANGUAGES:
        assert (locales / code / "LC_MESSAGES" / "ivr.mo").stat().st_size > 0
    en = read_catalogue(locales / "en" / "LC_MESSAGES" / "ivr.po", "en")
    assert len([m for m in en if m.id]) > 100
