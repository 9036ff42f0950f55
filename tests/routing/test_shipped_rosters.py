"""What the shipped rosters promise: 68 languages, 104 interpreters, sample data kept apart."""

from __future__ import annotations

import unicodedata
from collections import Counter
from datetime import timedelta

import pytest
from support import ROOT, lisbon

from ivr.i18n import LANGUAGES
from ivr.menu.model import FICTIONAL_PREFIX
from ivr.menu.roster import Rosters, load_rosters
from ivr.routing.shifts import available_ids

# The Portuguese names as the service publishes them; Árabe is one entry per variety and
# Farsi/Persa one language (see the header of stt_languages.yaml).
PUBLISHED = {
    "Albanês", "Alemão", "Árabe (Iraque)", "Árabe (Egipto)", "Árabe (Marrocos)",
    "Azerbaijano", "Balanta (Guiné-Bissau)", "Bangla", "Bérbere", "Bósnio", "Búlgaro", "Checo",
    "Chinês Cantonês", "Chinês Mandarim", "Chinês Wenzhou", "Chinês Xangai", "Chinês Qingtian",
    "Crioulo (Cabo Verde)", "Crioulo (Guiné-Bissau)", "Croata", "Dari", "Djola", "Espanhol",
    "Persa (Farsi)", "Francês", "Georgiano", "Grego", "Guarani (Paraguai)", "Gujarati",
    "Hindi", "Holandês", "Húngaro", "Ibo (Nigéria)", "Inglês", "Ioruba (Nigéria)",
    "Italiano", "Japonês", "Kikongo (R. Congo)", "Lingala (R. Congo)", "Lituano",
    "Macedónio", "Mandinga", "Moldavo", "Nepalês", "Wolof (Olof)", "Pidgin English (Nigéria)",
    "Polaco", "Punjabi", "Romeno", "Russo", "Sérvio", "Sonrai", "Tétum", "Turco", "Ucraniano",
    "Urdu",
}
KEYS = {letter: str(key) for key, letters in
        {2: "abc", 3: "def", 4: "ghi", 5: "jkl", 6: "mno", 7: "pqrs", 8: "tuv", 9: "wxyz"}.items()
        for letter in letters}


@pytest.fixture(scope="module")
def rosters() -> Rosters:
    """The shipped rosters."""
    loaded = load_rosters(ROOT / "menus", [])
    assert loaded is not None
    return loaded


def plain(text: str) -> str:
    """Fold case and drop accents, as a reader sorting names would."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in folded if not unicodedata.combining(char))


def test_the_counts_of_the_seed(rosters: Rosters) -> None:
    assert len(rosters.languages) == 68
    assert len(rosters.interpreters) == 104
    counts = {lang: len(rosters.speakers(lang)) for lang in rosters.languages}
    assert min(counts.values()) >= 1
    assert 3 in counts.values()
    assert counts["nepali"] == 3
    assert list(counts.values()).count(1) >= 5


def test_published_languages_are_kept_and_the_others_are_sample(rosters: Rosters) -> None:
    names = {lang.name_pt: lang.sample for lang in rosters.languages.values()}
    assert {name for name, sample in names.items() if not sample} == PUBLISHED
    assert sum(names.values()) == 68 - len(PUBLISHED)


def test_every_language_has_names_in_portuguese_and_english(rosters: Rosters) -> None:
    for lang in rosters.languages.values():
        assert lang.name_pt[0].isupper(), lang.id
        assert lang.name_en[0].isupper(), lang.id
    without_babel = {lang.id for lang in rosters.languages.values() if lang.babel is None}
    assert without_babel == {"balanta", "berber", "chinese_qingtian", "chinese_shanghai",
                             "chinese_wenzhou", "creole_guinea_bissau", "kikongo", "mandinka",
                             "songhai", "tetum"}
    assert rosters.languages["ukrainian"].name("pt_PT") == "Ucraniano"
    assert rosters.languages["ukrainian"].name("en") == "Ukrainian"


def test_codes_follow_the_keypad_letters_and_the_alphabet(rosters: Rosters) -> None:
    languages = list(rosters.languages.values())
    codes = [lang.code for lang in languages]
    assert len(set(codes)) == 68
    assert codes == sorted(codes)
    assert [plain(lang.name_pt) for lang in languages] == sorted(
        plain(lang.name_pt) for lang in languages)
    for lang in languages:
        assert lang.code[0] == KEYS[plain(lang.name_pt)[0]], lang.name_pt
        assert lang.code[0] != "0"
        assert len(set(lang.code)) > 1


def test_people_have_distinct_fictional_numbers(rosters: Rosters) -> None:
    people = [*rosters.interpreters.values(), *rosters.operators.values()]
    phones = [person.phone for person in people]
    assert len(set(phones)) == len(phones)
    assert all(phone.startswith(FICTIONAL_PREFIX) and person.sample
               for phone, person in zip(phones, people, strict=True))
    assert all(300 <= int(i.phone[-3:]) <= 499 for i in rosters.interpreters.values())
    assert all(130 <= int(o.phone[-3:]) <= 199 for o in rosters.operators.values())
    assert all(entity.sample for entity in rosters.entities.values())


def test_busy_languages_have_several_interpreters_of_both_genders(rosters: Rosters) -> None:
    for language in ("ukrainian", "english", "french", "russian", "hindi", "bangla"):
        speakers = rosters.speakers(language)
        assert len(speakers) >= 3, language
        assert {i.gender for i in speakers} == {"f", "m"}, language
        assert len({i.credential for i in speakers}) >= 2, language
    for language in ("arabic_morocco", "arabic_egypt", "arabic_iraq", "nepali"):
        assert len(rosters.speakers(language)) >= 2, language
    assert Counter(i.credential for i in rosters.interpreters.values()).keys() == {1, 2, 3}


def test_the_three_nepali_interpreters_overlap(rosters: Rosters) -> None:
    nepali = rosters.speakers("nepali")
    at = lisbon("2026-12-09T11:30")  # a Wednesday
    assert len(available_ids(nepali, at)) == 3


def test_every_helpline_language_has_an_operator_at_every_open_hour(rosters: Rosters) -> None:
    monday = lisbon("2026-12-14T09:00")
    for day in range(5):
        for quarter in range(40):
            at = monday + timedelta(days=day, minutes=15 * quarter)
            on = [rosters.operators[i] for i in available_ids(rosters.operators.values(), at)]
            spoken = {lang for operator in on for lang in operator.languages}
            assert spoken == set(LANGUAGES), at
