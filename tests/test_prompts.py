"""Prompt resolution: recordings, voices, honest fallbacks and Babel formatting."""

from __future__ import annotations

import pytest
from support import lisbon

from ivr.errors import CatalogueError
from ivr.i18n import Catalogue, Entry
from ivr.prompts import (
    Email,
    Hours,
    Items,
    Key,
    LanguageName,
    Literal,
    Moment,
    Msg,
    Phone,
    Play,
    Prompt,
    Resolver,
    Say,
    Source,
    spoken_phone,
    variant_id,
)

SOURCES = {
    "hello": Source("Hello."),
    "choose": Source("To continue in English, press {key}."),
    "option": Source("For {language}, press {key}."),
    "key.star": Source("star"),
    "key.hash": Source("hash"),
    "spell.at": Source("at"),
    "spell.dot": Source("dot"),
    "callers": Source("There is {count} caller before you.",
                      "There are {count} callers before you."),
    "when.today": Source("today at {time}"),
    "when.tomorrow": Source("tomorrow at {time}"),
    "when.date": Source("on {weekday} {date} at {time}"),
    "hours.days": Source("{first} to {last}"),
    "hours.times": Source("{start} to {end}"),
    "hours.group": Source("{days}, {times}"),
    "opens": Source("It opens {when}."),
    "list": Source("Services: {items}."),
    "a": Source("Registry"),
    "b": Source("Health"),
}


def catalogue(code: str, entries: dict[tuple[str, str], str | tuple[str, ...]],
              plural: object = None) -> Catalogue:
    """Build a catalogue of the given translations."""
    made = {key: Entry(text) for key, text in entries.items()}
    if plural is None:
        return Catalogue(code, made)
    return Catalogue(code, made, plural)  # type: ignore[arg-type]


PT = catalogue("pt_PT", {
    ("hello", "Hello."): "Olá.",
    ("key.star", "star"): "asterisco",
    ("choose", "To continue in English, press {key}."): "Para continuar em português, "
                                                        "prima {key}.",
    ("option", "For {language}, press {key}."): "Para {language}, prima {key}.",
    ("when.date", "on {weekday} {date} at {time}"): "{weekday}, {date}, às {time}",
    ("when.tomorrow", "tomorrow at {time}"): "amanhã às {time}",
    ("opens", "It opens {when}."): "Abre {when}.",
    ("hours.days", "{first} to {last}"): "{first} a {last}",
    ("hours.times", "{start} to {end}"): "das {start} às {end}",
    ("hours.group", "{days}, {times}"): "{days}, {times}",
    ("spell.at", "at"): "arroba",
    ("spell.dot", "dot"): "ponto",
    ("list", "Services: {items}."): "Serviços: {items}.",
    ("a", "Registry"): "Registos",
    ("b", "Health"): "Saúde",
})
RU = catalogue("ru", {
    ("callers", "There is {count} caller before you."): (
        "Перед вами {count} звонящий.", "Перед вами {count} звонящих.",
        "Перед вами {count} звонящих."),
}, plural=lambda n: 0 if n % 10 == 1 and n % 100 != 11 else (
    1 if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else 2))
RESOLVER = Resolver(SOURCES, {"pt_PT": PT, "ru": RU})


def test_translation_is_said_with_its_voice() -> None:
    assert RESOLVER.utter(Prompt("hello", "pt_PT")) == Say("Olá.", "pt_PT", "pt-PT",
                                                           "Polly.Ines-Neural")


def test_missing_translation_falls_back_honestly() -> None:
    said = RESOLVER.utter(Prompt("hello", "uk"))
    assert said == Say("Hello.", "en", "en-GB", "Polly.Amy-Neural")


def test_voiceless_language_speaks_its_fallback() -> None:
    said = RESOLVER.utter(Prompt("hello", "kea"))
    assert isinstance(said, Say)
    assert (said.lang, said.text) == ("pt_PT", "Olá.")


def test_recording_wins_when_the_prompt_has_no_placeholders() -> None:
    resolver = Resolver(SOURCES, {"pt_PT": PT}, frozenset({("kea", "hello"), ("kea", "choose")}))
    assert resolver.utter(Prompt("hello", "kea")) == Play("kea", "hello", None)
    choose = resolver.utter(Prompt("choose", "kea", {"key": Key("2")}))
    assert isinstance(choose, Say)


def test_a_sentence_with_parameters_plays_its_own_recording() -> None:
    option = Prompt("option", "kea", {"language": LanguageName("uk"), "key": Key("7")})
    sentence = "Para Українська, prima 7."  # kea has no text of its own: it is pt_PT's
    recorded = variant_id("option", sentence)
    assert recorded.startswith("option.")
    assert len(recorded) == len("option.") + 8
    resolver = Resolver(SOURCES, {"pt_PT": PT}, frozenset({("pt_PT", recorded)}))
    assert resolver.utter(option) == Play("pt_PT", recorded, sentence)
    other_key = Prompt("option", "kea", {"language": LanguageName("uk"), "key": Key("8")})
    assert resolver.utter(other_key) == Say("Para Українська, prima 8.", "pt_PT", "pt-PT",
                                            "Polly.Ines-Neural")


def test_a_sentence_recording_is_heard_in_its_own_language_first() -> None:
    kea = catalogue("kea", {("option", "For {language}, press {key}."):
                            "Pa {language}, karga {key}."})
    resolver = Resolver(SOURCES, {"pt_PT": PT, "kea": kea}, frozenset({
        ("kea", variant_id("option", "Pa Українська, karga 7.")),
        ("pt_PT", variant_id("option", "Para Українська, prima 7."))}))
    said = resolver.utter(Prompt("option", "kea", {"language": LanguageName("uk"),
                                                   "key": Key("7")}))
    assert said == Play("kea", variant_id("option", "Pa Українська, karga 7."),
                        "Pa Українська, karga 7.")


def test_a_recording_whose_words_changed_is_no_longer_played() -> None:
    stale = variant_id("option", "Para Українська, carregue 7.")  # the text said before
    resolver = Resolver(SOURCES, {"pt_PT": PT}, frozenset({("pt_PT", stale)}))
    said = resolver.utter(Prompt("option", "pt_PT", {"language": LanguageName("uk"),
                                                     "key": Key("7")}))
    assert said == Say("Para Українська, prima 7.", "pt_PT", "pt-PT", "Polly.Ines-Neural")


def test_exact_prompt_never_borrows_another_language() -> None:
    named = Prompt("option", "pt_PT", {"language": LanguageName("uk"), "key": Key("7")})
    said = RESOLVER.utter(Prompt("choose", "uk", {"key": Key("7")}, exact=True,
                                 otherwise=named))
    assert said == Say("Para Українська, prima 7.", "pt_PT", "pt-PT", "Polly.Ines-Neural")


def test_exact_prompt_without_alternative_is_an_error() -> None:
    with pytest.raises(CatalogueError):
        RESOLVER.utter(Prompt("choose", "uk", {"key": Key("7")}, exact=True))


def test_keys_are_named() -> None:
    said = RESOLVER.utter(Prompt("choose", "pt_PT", {"key": Key("*")}))
    assert isinstance(said, Say)
    assert said.text.endswith("prima asterisco.")


@pytest.mark.parametrize(("count", "text"), [(1, "Перед вами 1 звонящий."),
                                             (3, "Перед вами 3 звонящих."),
                                             (21, "Перед вами 21 звонящий.")])
def test_plural_forms_follow_the_catalogue(count: int, text: str) -> None:
    said = RESOLVER.utter(Prompt("callers", "ru", {"count": count}))
    assert isinstance(said, Say)
    assert said.text == text


def test_source_plural() -> None:
    said = RESOLVER.utter(Prompt("callers", "en", {"count": 4}))
    assert isinstance(said, Say)
    assert said.text == "There are 4 callers before you."


def test_next_opening_in_portuguese() -> None:
    now = lisbon("2026-12-04T19:30")
    at = lisbon("2026-12-07T09:00")
    said = RESOLVER.utter(Prompt("opens", "pt_PT", {"when": Moment(at, now)}))
    assert isinstance(said, Say)
    assert said.text == "Abre segunda-feira, 7 de dezembro, às 9:00."


def test_next_opening_tomorrow_in_english() -> None:
    said = RESOLVER.utter(Prompt("opens", "en", {"when": Moment(
        lisbon("2026-12-08T09:00"), lisbon("2026-12-07T20:00"))}))
    assert isinstance(said, Say)
    assert said.text == "It opens tomorrow at 9:00."


def test_weekly_hours_with_a_split_shift() -> None:
    hours = Hours(((0, 4, ((540, 750), (840, 1050))),))
    text = RESOLVER.render(Prompt("opens", "pt_PT", {"when": hours}), "pt_PT")
    assert text == ("Abre segunda-feira a sexta-feira, das 9:00 às 12:30 e das 14:00 às "
                    "17:30.")


def test_email_and_lists() -> None:
    text = RESOLVER.render(Prompt("list", "pt_PT", {"items": Items((Msg("a"), Msg("b")))}),
                           "pt_PT")
    assert text == "Serviços: Registos e Saúde."
    email = RESOLVER.render(Prompt("opens", "pt_PT", {"when": Email("cnaim.lisboa@acm.gov.pt")}),
                            "pt_PT")
    assert email == "Abre cnaim ponto lisboa arroba acm ponto gov ponto pt."


@pytest.mark.parametrize(("number", "spoken"), [
    ("+351218106100", "2 1 8, 1 0 6, 1 0 0"),
    ("+351808257257", "8 0 8, 2 5 7, 2 5 7"),
    ("+380501234567", "3 8 0, 5 0, 1 2 3, 4 5 6 7"),
])
def test_phone_numbers_are_read_in_groups(number: str, spoken: str) -> None:
    assert spoken_phone(number) == spoken
    text = RESOLVER.render(Prompt("opens", "en", {"when": Phone(number)}), "en")
    assert text == f"It opens {spoken}."


def test_literal_is_spoken_as_written() -> None:
    assert RESOLVER.utter(Literal("Rua Álvaro Coutinho, 14", "pt_PT")) == Say(
        "Rua Álvaro Coutinho, 14", "pt_PT", "pt-PT", "Polly.Ines-Neural")


def test_a_translation_with_a_missing_placeholder_is_not_used() -> None:
    broken = catalogue("pt_PT", {("choose", "To continue in English, press {key}."):
                                 "Para continuar em português, prima {tecla}."})
    said = Resolver(SOURCES, {"pt_PT": broken}).utter(Prompt("choose", "pt_PT",
                                                             {"key": Key("1")}))
    assert isinstance(said, Say)
    assert said.lang == "en"
