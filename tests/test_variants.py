"""Recorded sentences: the sentences with parameters the shipped menus fix, per language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from support import ROOT

from ivr.i18n import LANGUAGES, Catalogue
from ivr.menu import load_menu
from ivr.menu.model import MenuNode
from ivr.prompts import Items, Moment, Msg, Param, Play, Prompt, Resolver, variant_id
from ivr.prompts_command import load_texts
from ivr.variants import Variant, by_prompt, containing, fixed_variants

MENU = load_menu(ROOT / "menus")
CATALOGUES = load_texts(ROOT / "locales")


def variants(catalogues: dict[str, Catalogue] | None = None) -> dict[str, dict[str, Variant]]:
    """Enumerate the sentences of the shipped menu with the shipped (or given) catalogues."""
    resolver = Resolver(MENU.sources, catalogues or CATALOGUES)
    return fixed_variants(MENU, resolver)


def _values(params: Mapping[str, Param]) -> list[Param]:
    """List every parameter value, however deeply nested in messages and lists."""
    found: list[Param] = []
    for value in params.values():
        found.append(value)
        if isinstance(value, Msg):
            found += _values(value.params)
        if isinstance(value, Items):
            for item in value.items:
                found += [item, *_values(item.params)]
    return found


def _wolof(prompt_id: str) -> str:
    """Return the text of a prompt in the shipped Wolof catalogue."""
    entry = CATALOGUES["wo"].get(prompt_id, MENU.sources[prompt_id].text)
    assert entry is not None, prompt_id
    assert isinstance(entry.text, str), prompt_id
    return entry.text


def test_the_main_menu_options_in_wolof_are_sentences_in_the_wolof_catalogue() -> None:
    wolof = variants()["wo"]
    main = MENU.flow.nodes[MENU.flow.home]
    assert isinstance(main, MenuNode)
    for key, choice in main.options.items():
        assert choice.label is not None
        text = _wolof("menu.option").format(label=_wolof(choice.label), key=key)
        variant = wolof[variant_id("menu.option", text)]
        assert variant.text == text
        assert variant.prompt == Prompt("menu.option", "wo", variant.prompt.params)
        assert variant.english == f"{MENU.sources[choice.label].text}, press {key}."


def test_every_language_has_sentences_and_none_depends_on_the_moment_or_the_call() -> None:
    found = variants()
    assert list(found) == list(LANGUAGES)
    for code, sentences in found.items():
        assert sentences, code
        for name, variant in sentences.items():
            assert variant.prompt.lang == code
            assert variant.prompt.params
            assert name == variant_id(variant.prompt.id, variant.text)
            values = _values(variant.prompt.params)
            assert not any(isinstance(v, Moment | int) for v in values), name
    names = {variant.prompt.id for sentences in found.values() for variant in sentences.values()}
    assert "closed.next" not in names
    assert "card.closed_now" not in names
    assert {"menu.option", "menu.repeat", "closed.hours", "card.phone"} <= names


def test_the_language_menu_announces_each_language_in_itself() -> None:
    french = by_prompt(variants()["fr"])
    assert french["language.choose"]
    assert "language.option" in by_prompt(variants()["pt_PT"])
    assert "language.option" not in by_prompt(variants()["kea"])  # said in Portuguese


def test_the_sentences_are_the_same_in_the_same_order_every_time() -> None:
    first, second = variants(), variants()
    assert {code: list(s) for code, s in first.items()} == {
        code: list(s) for code, s in second.items()}
    assert {code: [v.text for v in s.values()] for code, s in first.items()} == {
        code: [v.text for v in s.values()] for code, s in second.items()}


def test_a_language_without_a_translation_of_a_template_has_no_sentence_of_it() -> None:
    wolof = CATALOGUES["wo"]
    without = replace(wolof, entries={key: entry for key, entry in wolof.entries.items()
                                      if key[0] != "menu.option"})
    found = variants({**CATALOGUES, "wo": without})
    assert "menu.option" not in by_prompt(found["wo"])
    assert "menu.repeat" in by_prompt(found["wo"])
    assert "menu.option" in by_prompt(found["kea"])


def test_a_changed_translation_changes_the_name_of_its_sentence() -> None:
    before = variants()["wo"]
    label = "main.operator"
    entries = dict(CATALOGUES["wo"].entries)
    key = (label, MENU.sources[label].text)
    entries[key] = replace(entries[key], text="Beneen baat")
    after = variants({**CATALOGUES, "wo": replace(CATALOGUES["wo"], entries=entries)})["wo"]
    text = _wolof("menu.option").format(label="Beneen baat", key="1")
    assert variant_id("menu.option", text) in after
    assert variant_id("menu.option", text) not in before
    assert len(after) == len(before)


def test_a_recorded_sentence_is_played_under_the_name_it_is_listed_with() -> None:
    name, variant = next(iter(variants()["wo"].items()))
    resolver = Resolver(MENU.sources, CATALOGUES, frozenset({("wo", name)}))
    assert resolver.utter(variant.prompt) == Play("wo", name, variant.text)


def test_a_prompt_nested_in_sentences_is_grouped_with_every_sentence_that_says_it() -> None:
    wolof = variants()["wo"]
    saying = containing(wolof)
    assert set(by_prompt(wolof)) <= set(saying)
    for_name = saying["menu.for"]  # "For {name}" is only ever said inside an option
    assert for_name
    assert "menu.for" not in by_prompt(wolof)
    assert {wolof[name].prompt.id for name in for_name} == {"menu.option"}
    assert set(for_name) < set(by_prompt(wolof)["menu.option"])
