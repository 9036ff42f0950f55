"""The STT language directory: codes, names, interpreter counts, and languages said aloud."""

from __future__ import annotations

import pytest
from support import ROOT

from ivr.menu.roster import SttLanguage, load_rosters
from ivr.routing.languages import LanguageDirectory
from ivr.routing.speech import score, words


@pytest.fixture(scope="module")
def directory() -> LanguageDirectory:
    """The directory of the shipped languages."""
    rosters = load_rosters(ROOT / "menus", [])
    assert rosters is not None
    return LanguageDirectory.from_rosters(rosters)


def test_lookups_by_code_and_id(directory: LanguageDirectory) -> None:
    ukrainian = directory.by_code("870")
    assert ukrainian is not None
    assert ukrainian.id == "ukrainian"
    assert directory.by_code("870#") == ukrainian
    assert directory.by_id("ukrainian") == ukrainian
    assert directory.by_code("999") is None
    assert directory.by_code("") is None
    assert directory.by_id("klingon") is None
    assert len(directory) == 68


@pytest.mark.parametrize(("language", "pt", "en"), [
    ("ukrainian", "Ucraniano", "Ukrainian"),  # both from Babel
    ("arabic_egypt", "Árabe (Egipto)", "Arabic (Egypt)"),  # the published spelling
    ("creole_guinea_bissau", "Crioulo (Guiné-Bissau)", "Guinea-Bissau Creole"),  # no CLDR
    ("chinese_wenzhou", "Chinês Wenzhou", "Wenzhou Chinese"),  # no CLDR
    ("moldovan", "Moldavo", "Moldovan"),  # CLDR says "romeno (Moldávia)"
    ("wolof", "Wolof (Olof)", "Wolof"),
])
def test_names_in_portuguese_and_english(directory: LanguageDirectory, language: str,
                                         pt: str, en: str) -> None:
    assert directory.name(language, "pt_PT") == pt
    assert directory.name(language, "pt") == pt
    assert directory.name(language, "en") == en


def test_interpreter_counts_cover_every_language(directory: LanguageDirectory) -> None:
    counts = directory.interpreter_counts()
    assert list(counts) == [lang.id for lang in directory]
    assert sum(counts.values()) >= 104
    assert counts["nepali"] == 3


def test_a_directory_without_counts_says_zero() -> None:
    lonely = LanguageDirectory([SttLanguage("tetum", "840", "Tétum", "Tetum")])
    assert lonely.interpreter_counts() == {"tetum": 0}


# (what the speech recogniser heard, the caller's language, the languages expected, best first)
SPOKEN = [
    ("ucraniano", "pt_PT", ["ukrainian"]),
    ("Ucraniano.", "pt_PT", ["ukrainian"]),
    ("UCRANIANO", None, ["ukrainian"]),
    ("Ukrainian please", "en", ["ukrainian"]),
    ("Ukrainian", "pt_PT", ["ukrainian"]),  # the English name while speaking Portuguese
    ("o idioma é crioulo de cabo verde", "pt_PT", ["creole_cape_verde"]),
    ("Cape Verdean Creole", "en", ["creole_cape_verde"]),
    ("kriolu", "pt_PT", ["creole_cape_verde"]),
    ("crioulo da Guiné", "pt_PT", ["creole_guinea_bissau"]),
    ("mandarim", "pt_PT", ["chinese_mandarin"]),
    ("Mandarin Chinese", "en", ["chinese_mandarin"]),
    ("cantonês", "pt_PT", ["chinese_cantonese"]),
    ("wenzhounese", "en", ["chinese_wenzhou"]),
    ("preciso de um intérprete de farsi por favor", "pt_PT", ["persian"]),
    ("persa", "pt_PT", ["persian"]),
    ("bengali", "en", ["bangla"]),
    ("Olof", "pt_PT", ["wolof"]),
    ("a senhora fala nepalês", "pt_PT", ["nepali"]),
    ("English", "en", ["english"]),  # not also "Pidgin English"
    ("pidgin", "en", ["pidgin_english_nigeria"]),
    ("código 870", "pt_PT", ["ukrainian"]),
    ("ukranian", "en", ["ukrainian"]),  # a near miss
    ("ucranianu", "pt_PT", ["ukrainian"]),
    ("língua russa", "pt_PT", ["russian"]),
    ("ucra niano", "pt_PT", ["ukrainian"]),
    ("crioulo", "pt_PT", ["creole_guinea_bissau", "creole_cape_verde"]),  # ambiguous
    ("árabe", "pt_PT", ["arabic_egypt", "arabic_iraq", "arabic_morocco"]),
    ("blah blah xyz", "en", []),
    ("sim, obrigado", "pt_PT", []),
    ("", None, []),
]


@pytest.mark.parametrize(("said", "hint", "expected"), SPOKEN, ids=[s[0] or "-" for s in SPOKEN])
def test_languages_said_aloud(directory: LanguageDirectory, said: str, hint: str | None,
                              expected: list[str]) -> None:
    matches = directory.match_spoken(said, hint)
    assert [m.language.id for m in matches] == expected
    assert all(0.5 <= m.score <= 1 for m in matches)
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


def test_an_exact_name_scores_above_a_near_miss(directory: LanguageDirectory) -> None:
    exact = directory.match_spoken("Ukrainian", "en")[0]
    near = directory.match_spoken("Ukranian", "en")[0]
    assert exact.score == 1.0
    assert exact.heard == "Ukrainian"
    assert 0.5 < near.score < exact.score


def test_the_callers_language_wins_a_tie(directory: LanguageDirectory) -> None:
    in_portuguese = directory.match_spoken("persa", "pt_PT")[0]
    in_english = directory.match_spoken("persa", "en")[0]
    assert in_portuguese.score > in_english.score


def test_words_ignore_case_accents_and_punctuation() -> None:
    assert words("Árabe, (Marrocos)!") == ("arabe", "marrocos")
    assert words("Guiné-Bissau") == ("guine", "bissau")


@pytest.mark.parametrize(("heard", "known", "low", "high"), [
    ("ucraniano", "ucraniano", 1.0, 1.0),
    ("ucraniano urgente", "ucraniano", 0.9, 0.99),
    ("ucraniana", "ucraniano", 0.6, 0.9),
    ("crioulo", "crioulo cabo verde", 0.6, 0.9),
    ("cabo verde crioulo", "crioulo cabo verde", 0.8, 0.9),
    ("urdu", "hindi", 0.0, 0.0),
])
def test_scores_of_phrases(heard: str, known: str, low: float, high: float) -> None:
    assert low <= score(words(heard), words(known)) <= high
