"""Recorded sentences: the sentences with parameters whose words the menu files fix.

    fixed_variants(menu, resolver)   per language: variant id -> Variant
    by_prompt(variants)              variant ids grouped by the prompt they are sentences of
    containing(variants)             variant ids grouped by every prompt they say, nested too

A prompt with placeholders cannot be recorded once for all, but many of its sentences never
change between calls: "Registos, prima 1." says the same words until an admin edits a label
or a translator edits the text. ``ivr.prompts.Resolver`` plays such a sentence from
``prompts/<lang>/<variant id>.wav`` (``variant_id``: the prompt id and a digest of the words);
this module lists the sentences there are, so voice talent can record them.

Rules of this module:
- The prompts come from the builders the engine speaks with (``ivr.engine.speech``), called
  node by node as the engine's ENTER handlers call them, one language at a time; a sentence
  nobody can hear is never listed.
- A prompt whose parameters hold a ``Moment`` or an ``int`` anywhere (the next opening, a
  queue position, a count) depends on the moment or the call: it is always spoken and never
  listed. So are the STT intake's sentences, which no builder here says.
- A sentence is listed in a language only when that language renders it itself (its own
  translation of every part); the text is exactly what the resolver renders, so the name of
  the file voice talent deliver is the name the resolver looks for.
- Pure and deterministic: the same menu and catalogues give the same sentences,
  in the order in which they first appear in the flow.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from ivr.engine import speech as sp
from ivr.i18n import LANGUAGES, SOURCE_LANGUAGE
from ivr.menu import Menu, entry_prompt
from ivr.menu.model import CardNode, ClosedNode, LanguageNode, MenuNode, TransferNode
from ivr.prompts import LISBON, Items, Moment, Msg, Param, Prompt, Resolver, variant_id

# Any fixed moment will do: what depends on it (a ``Moment``) is never listed.
FIXED_NOW = datetime(2026, 1, 5, 12, 0, tzinfo=LISBON)


@dataclass(frozen=True)
class Variant:
    """One sentence of a prompt with parameters, in one language, that can be recorded."""

    prompt: Prompt  # the prompt with its fixed parameters, in the variant's language
    text: str  # what it says in that language (exactly what the resolver renders)
    english: str | None  # the same prompt rendered in English, for the script


def fixed_variants(menu: Menu, resolver: Resolver) -> dict[str, dict[str, Variant]]:
    """Per language code: variant id -> Variant, for every sentence with parameters whose
    words the menu files fix in advance."""
    found: dict[str, dict[str, Variant]] = {}
    for code in LANGUAGES:
        variants: dict[str, Variant] = {}
        for prompt in _spoken(menu, code):
            if not prompt.params or not _is_fixed(prompt.params.values()):
                continue
            text = resolver.render(prompt, code)
            if text is None:
                continue
            english = resolver.render(Prompt(prompt.id, SOURCE_LANGUAGE, prompt.params),
                                      SOURCE_LANGUAGE)
            variants.setdefault(variant_id(prompt.id, text), Variant(prompt, text, english))
        found[code] = variants
    return found


def _spoken(menu: Menu, code: str) -> Iterator[Prompt]:
    """Yield every prompt the engine may say in ``code``, node by node."""
    langs = (code,)
    for node in menu.flow.nodes.values():
        if isinstance(node, MenuNode):
            yield from _prompts(sp.menu_speech(menu, node, langs))
        elif isinstance(node, CardNode):
            yield from _prompts(sp.say_all(langs, node.say)
                                + sp.card_speech(menu, node.entry, FIXED_NOW, langs))
            yield from sp.card_keys(menu, node, langs, connect=True, sms=True)
        elif isinstance(node, ClosedNode):
            name = Msg(entry_prompt(node.entry or node.service))
            yield from sp.closed_speech(menu.hours[node.service], name, FIXED_NOW, langs)
        elif isinstance(node, TransferNode):
            entry = menu.entry(node.to)
            hours = menu.hours.get(entry.hours) if entry.hours else None
            if hours is not None:
                name = Msg(entry_prompt(node.to))
                yield from sp.closed_speech(hours, name, FIXED_NOW, langs)
        elif isinstance(node, LanguageNode):
            for suggested in (None, *LANGUAGES):
                speech = sp.language_speech(menu, node, suggested)
                yield from (p for p in _alternatives(_prompts(speech)) if p.lang == code)


def _prompts(speech: Iterable[object]) -> Iterator[Prompt]:
    """Keep the prompts of a speech, leaving out literal text such as addresses."""
    return (part for part in speech if isinstance(part, Prompt))


def _alternatives(prompts: Iterable[Prompt]) -> Iterator[Prompt]:
    """Yield each prompt, then what is said instead when it cannot be (``otherwise``)."""
    for prompt in prompts:
        current: Prompt | None = prompt
        while current is not None:
            yield current
            current = current.otherwise


def _is_fixed(values: Iterable[Param]) -> bool:
    """Tell whether parameters hold no ``Moment`` and no ``int``, however deeply nested."""
    for value in values:
        if isinstance(value, Moment | int):
            return False
        if isinstance(value, Msg) and not _is_fixed(value.params.values()):
            return False
        if isinstance(value, Items) and not _is_fixed(value.items):
            return False
    return True


def by_prompt(variants: Mapping[str, Variant]) -> dict[str, tuple[str, ...]]:
    """Group variant ids by the prompt they are sentences of, in their order."""
    grouped: dict[str, list[str]] = {}
    for name, variant in variants.items():
        grouped.setdefault(variant.prompt.id, []).append(name)
    return {prompt_id: tuple(names) for prompt_id, names in grouped.items()}


def containing(variants: Mapping[str, Variant]) -> dict[str, tuple[str, ...]]:
    """Group variant ids by every prompt with placeholders they say: the sentence's own, and
    those nested in its parameters ("For {name}" inside an option), in their order."""
    grouped: dict[str, list[str]] = {}
    for name, variant in variants.items():
        for prompt_id in dict.fromkeys(_said(variant.prompt.id, variant.prompt.params)):
            grouped.setdefault(prompt_id, []).append(name)
    return {prompt_id: tuple(names) for prompt_id, names in grouped.items()}


def _said(prompt_id: str, params: Mapping[str, Param]) -> Iterator[str]:
    """Yield a prompt's id, then the ids of the messages nested in its parameters."""
    yield prompt_id
    for value in params.values():
        if isinstance(value, Msg):
            yield from _said(value.id, value.params)
        elif isinstance(value, Items):
            for item in value.items:
                yield from _said(item.id, item.params)


__all__ = ["Variant", "by_prompt", "containing", "fixed_variants"]
