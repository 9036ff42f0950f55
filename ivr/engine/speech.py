"""Build what a node says: menu options, language announcements, closed notices, cards.

Pure helpers of the engine. Each returns prompts for the languages it is given (the caller's
language, or the flow's default languages before one is chosen); wording and formatting are
left to ``ivr.prompts``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

import phonenumbers

from ivr.hours import ServiceHours
from ivr.i18n import speaking_language
from ivr.menu import Menu, entry_prompt
from ivr.menu.model import (
    CardNode,
    Entry,
    LanguageNode,
    MenuNode,
    Option,
    PageOption,
    TransferNode,
)
from ivr.prompts import (
    Email,
    Hours,
    Items,
    Key,
    LanguageName,
    Literal,
    Moment,
    Msg,
    Param,
    Phone,
    Prompt,
    Speech,
)

Langs = tuple[str, ...]


def say(langs: Langs, prompt_id: str, params: Mapping[str, Param] | None = None
        ) -> tuple[Prompt, ...]:
    """Say one prompt in each of ``langs``."""
    return tuple(Prompt(prompt_id, lang, params or {}) for lang in langs)


def say_all(langs: Langs, prompt_ids: Iterable[str]) -> tuple[Prompt, ...]:
    """Say several prompts, each in every language of ``langs``."""
    return tuple(p for prompt_id in prompt_ids for p in say(langs, prompt_id))


def option(langs: Langs, label: Msg, key: str) -> tuple[Prompt, ...]:
    """Announce one option: "{label}, press {key}."."""
    return say(langs, "menu.option", {"label": label, "key": Key(key)})


def footer(menu: Menu, langs: Langs, has_back: bool) -> tuple[Prompt, ...]:
    """Announce the repeat key, and the back key when the node has somewhere to go back to."""
    keys = menu.flow.keys
    speech = say(langs, "menu.repeat", {"key": Key(keys.repeat)})
    if has_back:
        speech += say(langs, "menu.back", {"key": Key(keys.back)})
    return speech


def option_label(menu: Menu, choice: Option) -> Msg:
    """Return an option's label, or "For {name}" of the entry its target is about."""
    if choice.label:
        return Msg(choice.label)
    target = menu.flow.nodes.get(choice.goto)
    entry_id = target.entry if isinstance(target, CardNode) else (
        target.to if isinstance(target, TransferNode) else None)
    if entry_id is None:
        return Msg("menu.for", {"name": choice.goto})
    return Msg("menu.for", {"name": Msg(entry_prompt(entry_id))})


def menu_speech(menu: Menu, node: MenuNode, langs: Langs) -> tuple[Prompt, ...]:
    """Say a menu: its introduction, every option, then repeat and back."""
    speech = say_all(langs, node.say)
    for key, choice in node.options.items():
        speech += option(langs, option_label(menu, choice), key)
    return speech + footer(menu, langs, node.back is not None)


# -- the language menu ----------------------------------------------------------------------


def language_speech(menu: Menu, node: LanguageNode, suggested: str | None
                    ) -> tuple[Prompt, ...]:
    """Announce each language in itself, the caller's likely language first."""
    langs = tuple(menu.flow.default_languages)
    speech = say_all(langs, node.say)
    first = _suggestion(menu, node, suggested)
    if first is not None:
        speech += (first,)
    for key, choice in node.options.items():
        if isinstance(choice, PageOption):
            speech += option(langs, Msg(choice.label), key)
        elif first is None or choice != suggested:
            speech += (announce_language(choice, (key,)),)
    if node.back is not None:
        speech += say(langs, "menu.back", {"key": Key(menu.flow.keys.back)})
    return speech


def announce_language(code: str, keys: tuple[str, ...]) -> Prompt:
    """Say "To continue in <language>, press <keys>" in that language: with its voice, or
    from a recording of that very sentence where Twilio has none; failing both, name the
    language in its fallback's language ("Pour le Wolof, appuyez sur 9, puis sur 6")."""
    two = len(keys) == 2
    params: dict[str, Param] = {"key": Key(keys[0])}
    if two:
        params["key2"] = Key(keys[1])
    named = Prompt("language.option_two" if two else "language.option",
                   speaking_language(code).code, {**params, "language": LanguageName(code)})
    return Prompt("language.choose_two" if two else "language.choose", code, params,
                  exact=True, otherwise=named)


def _suggestion(menu: Menu, node: LanguageNode, suggested: str | None) -> Prompt | None:
    """Find the keys of the suggested language on this page or one page below."""
    if suggested is None:
        return None
    for key, choice in node.options.items():
        if choice == suggested:
            return announce_language(suggested, (key,))
    for key, choice in node.options.items():
        if isinstance(choice, PageOption):
            page = menu.flow.nodes.get(choice.goto)
            if isinstance(page, LanguageNode):
                for sub_key, sub_choice in page.options.items():
                    if sub_choice == suggested:
                        return announce_language(suggested, (key, sub_key))
    return None


# -- closed notices and cards ---------------------------------------------------------------


def hours_param(hours: ServiceHours) -> Hours:
    """Describe a weekly schedule for the prompt formatter."""
    return Hours(tuple(
        (first, last, tuple((r.start, r.end) for r in ranges))
        for first, last, ranges in hours.weekly.summary()
    ))


def closed_speech(hours: ServiceHours, name: Msg, now: datetime, langs: Langs
                  ) -> tuple[Prompt, ...]:
    """Say that a service is closed, its hours, when it opens again, and the 112 reminder."""
    speech = say(langs, "closed.now", {"name": name})
    speech += say(langs, "closed.hours", {"hours": hours_param(hours)})
    if hours.calendar is not None:
        speech += say(langs, "closed.holidays")
    opening = hours.next_opening(now)
    if opening is not None:
        speech += say(langs, "closed.next", {"when": Moment(opening, now)})
    return speech + say(langs, "closed.emergency")


def card_speech(menu: Menu, entry_id: str, now: datetime, langs: Langs) -> tuple[Speech, ...]:
    """Read a directory entry: name, description, address, services, hours, phone, e-mail."""
    entry = menu.entry(entry_id)
    speech: tuple[Speech, ...] = say(langs, "card.title", {"name": Msg(entry_prompt(entry_id))})
    if entry.about:
        speech += say(langs, entry_prompt(entry_id, "about"))
    if entry.address:
        address = Literal(", ".join(entry.address) + ".", "pt_PT")
        speech += say(langs, "card.address") + (address,)
    if entry.public_services:
        items = Items(tuple(Msg(f"public_service.{s}") for s in entry.public_services))
        speech += say(langs, "card.public_services", {"services": items})
    if entry.located_at:
        places = Items(tuple(Msg(entry_prompt(place)) for place in entry.located_at))
        speech += say(langs, "card.located_at", {"places": places})
    hours = menu.hours.get(entry.hours) if entry.hours else None
    if hours is not None:
        speech += _card_hours(hours, now, langs)
    if entry.phones:
        speech += say(langs, "card.phone", {"phone": Phone(entry.phones[0])})
    if entry.email:
        speech += say(langs, "card.email", {"email": Email(entry.email)})
    if entry.website:
        speech += say(langs, "card.website", {"website": entry.website})
    return speech


def card_keys(menu: Menu, node: CardNode, langs: Langs, *, connect: bool, sms: bool
              ) -> tuple[Prompt, ...]:
    """Offer a card's keys: connecting (when the entry is open), the details by text message
    (to a mobile), then repeat and back."""
    speech: tuple[Prompt, ...] = ()
    if connect:
        speech += option(langs, Msg("card.connect"), node.connect_key)
    if sms:
        speech += option(langs, Msg("card.sms"), node.sms_key)
    return speech + footer(menu, langs, node.back is not None)


def _card_hours(hours: ServiceHours, now: datetime, langs: Langs) -> tuple[Prompt, ...]:
    """Say a card's hours and whether it is open at this moment."""
    speech = say(langs, "card.hours", {"hours": hours_param(hours)})
    if hours.is_open(now):
        return speech + say(langs, "card.open_now")
    opening = hours.next_opening(now)
    if opening is None:
        return speech
    return speech + say(langs, "card.closed_now", {"when": Moment(opening, now)})


def sms_lines(menu: Menu, entry_id: str, lang: str) -> tuple[Speech, ...]:
    """Write a directory entry as the lines of a text message."""
    entry = menu.entry(entry_id)
    lines: list[Speech] = [Prompt(entry_prompt(entry_id), lang)]
    lines.extend(Literal(line, "pt_PT") for line in entry.address)
    lines.extend(Prompt("sms.phone", lang, {"phone": written_phone(p)}) for p in entry.phones)
    if entry.email:
        lines.append(Prompt("sms.email", lang, {"email": entry.email}))
    hours = menu.hours.get(entry.hours) if entry.hours else None
    if hours is not None:
        lines.append(Prompt("sms.hours", lang, {"hours": hours_param(hours)}))
    return tuple(lines)


def written_phone(number: str) -> str:
    """Format a number for reading on a screen: +351 21 810 6100."""
    parsed = phonenumbers.parse(number, "PT")
    return str(phonenumbers.format_number(parsed,
                                          phonenumbers.PhoneNumberFormat.INTERNATIONAL))


def is_connectable(menu: Menu, entry: Entry, now: datetime) -> bool:
    """Tell whether an entry has a phone and is open right now."""
    if not entry.phones:
        return False
    hours = menu.hours.get(entry.hours) if entry.hours else None
    return hours is None or hours.is_open(now)
