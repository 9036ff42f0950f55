"""The entity's request: who they are, which language, which interpreter, and for whom.

Phases, in order: ``account`` and ``code`` (when the node identifies entities), ``language``
(a spoken name or a three-digit code), ``confirm`` (the language read back: yes or 1, no or
2) or ``choose`` (several languages heard, one per key), ``gender``, ``migrant`` (their
number and #, or just # when they are beside the entity; * books for later). Rules:
- the access code is checked with the account; a failure never says which was wrong;
- the answers so far travel in the state (``Request``), none in memory or in the store.
"""

from __future__ import annotations

from ivr.engine import speech as sp
from ivr.engine.actions import Speak
from ivr.engine.interpreting.common import (
    ASKS,
    NUMBER_TIMEOUT,
    ask,
    directory,
    give_up,
    language_of,
    listen,
    name_in,
    named,
    options,
    repeat,
    request_of,
    retry,
    uncached,
)
from ivr.engine.interpreting.connect import connect
from ivr.engine.interpreting.request import MAX_ACCOUNT, Request
from ivr.engine.machine import Result, Turn
from ivr.engine.numbers import callable_number
from ivr.menu.model import InterpretingNode
from ivr.prompts import Msg
from ivr.routing.entities import check_access
from ivr.routing.speech import words

MAX_CHOICES = 5  # languages offered by key when speech matched several
NONE_OF_THESE = "9"
GENDERS = {"1": "", "2": "f", "3": "m"}
GENDER_LABELS = {"1": "stt.gender_any", "2": "stt.gender_female", "3": "stt.gender_male"}
BOOK_KEY = "*"
YES = frozenset({"yes", "yeah", "yep", "correct", "right", "sim", "certo", "exato", "exacto",
                 "isso", "oui", "si", "da", "tak", "да", "так", "نعم"})
NO = frozenset({"no", "nope", "nao", "non", "nu", "ne", "net", "нет", "ні", "لا"})


# -- identification -----------------------------------------------------------------------


def _ask_account(turn: Turn, node: InterpretingNode, request: Request) -> Result:
    speech = sp.say(turn.langs, "stt.account")
    return listen(turn, node, speech, digits=None, finish="#", timeout=NUMBER_TIMEOUT), turn.state


def _ask_code(turn: Turn, node: InterpretingNode, request: Request) -> Result:
    speech = sp.say(turn.langs, "stt.access_code")
    return listen(turn, node, speech, digits=None, finish="#", timeout=NUMBER_TIMEOUT), turn.state


def on_account(turn: Turn, node: InterpretingNode) -> Result:
    """Keep the account keyed in and ask for the access code (never judge it alone)."""
    account = "".join(ch for ch in turn.event.digits if ch.isdigit())[:MAX_ACCOUNT] or "0"
    return ask(turn, node, "code", Request(account=account), fails=turn.state.fails)


def on_code(turn: Turn, node: InterpretingNode) -> Result:
    """Check the account and access code together; three failures in all, then help."""
    uncached(turn)  # the answer's cache key would hold the access code
    rosters = turn.menu.rosters
    account = request_of(turn).account
    entity = check_access(rosters, account, turn.event.digits) if rosters else None
    if entity is not None:
        thanks = (Speak(sp.say(turn.langs, "stt.identified")),)
        return ask(turn, node, "language", Request(account=entity.account), before=thanks)
    fails = turn.state.fails + 1
    if fails >= turn.menu.flow.max_attempts:
        return give_up(turn, node, (Speak(sp.say(turn.langs, "stt.id_failed")),))
    wrong = (Speak(sp.say(turn.langs, "stt.id_wrong")),)
    return ask(turn, node, "account", Request(), fails=fails, before=wrong)


# -- the language -------------------------------------------------------------------------


def _ask_language(turn: Turn, node: InterpretingNode, request: Request) -> Result:
    speech = sp.say(turn.langs, "stt.language_ask")
    return listen(turn, node, speech, digits=3, by_voice=True, timeout=NUMBER_TIMEOUT), turn.state


def on_language(turn: Turn, node: InterpretingNode) -> Result:
    """Find the language from its code or its spoken name."""
    request, found = request_of(turn), directory(turn)
    if turn.event.digits:
        language = found.by_code(turn.event.digits)
        if language is None:
            return retry(turn, node, "stt.code_unknown")
        return ask(turn, node, "confirm", request.but(code=language.code), fails=turn.state.fails)
    matches = found.match_spoken(turn.event.speech, turn.langs[0])[:MAX_CHOICES]
    if not matches:
        return retry(turn, node, "stt.language_unknown")
    if len(matches) == 1:
        code = matches[0].language.code
        return ask(turn, node, "confirm", request.but(code=code), fails=turn.state.fails)
    choices = "".join(match.language.code for match in matches)
    return ask(turn, node, "choose", request.but(choices=choices), fails=turn.state.fails)


def _ask_confirm(turn: Turn, node: InterpretingNode, request: Request) -> Result:
    speech = named(turn.langs, "stt.language_confirm", language_of(turn, request.code))
    return listen(turn, node, speech, by_voice=True), turn.state


def on_confirm(turn: Turn, node: InterpretingNode) -> Result:
    """Go on after a yes; after a no, ask for the language again (it counts as a try)."""
    request = request_of(turn)
    heard = set(words(turn.event.speech))
    if turn.event.digits == "1" or (heard & YES and not heard & NO):
        return ask(turn, node, "gender", request)
    if turn.event.digits == "2" or heard & NO:
        return retry(turn, node, None, phase="language", request=request.but(code=""))
    return retry(turn, node, "menu.invalid")


def _ask_choose(turn: Turn, node: InterpretingNode, request: Request) -> Result:
    lang = turn.langs[0]
    labels = {str(i): Msg("menu.for", {"name": name_in(language_of(turn, code), lang)})
              for i, code in enumerate(request.choice_codes(), start=1)}
    labels[NONE_OF_THESE] = Msg("stt.none_of_these")
    speech = sp.say(turn.langs, "stt.language_choose") + options(turn, labels)
    return listen(turn, node, speech), turn.state


def on_choose(turn: Turn, node: InterpretingNode) -> Result:
    """Take the language chosen by key, or ask again when it was none of them."""
    request, pressed = request_of(turn), turn.event.digits
    codes = request.choice_codes()
    if pressed.isdigit() and 1 <= int(pressed) <= len(codes):
        return ask(turn, node, "gender", request.but(code=codes[int(pressed) - 1], choices=""))
    if pressed == NONE_OF_THESE:
        return ask(turn, node, "language", request.but(choices=""), fails=turn.state.fails)
    return repeat(turn, node) or retry(turn, node, "menu.invalid")


# -- preferences and the migrant ------------------------------------------------------------


def _ask_gender(turn: Turn, node: InterpretingNode, request: Request) -> Result:
    speech = options(turn, {key: Msg(label) for key, label in GENDER_LABELS.items()})
    return listen(turn, node, speech), turn.state


def on_gender(turn: Turn, node: InterpretingNode) -> Result:
    """Keep the interpreter's gender the entity asked for (or either)."""
    gender = GENDERS.get(turn.event.digits)
    if gender is None:
        return repeat(turn, node) or retry(turn, node, "menu.invalid")
    return ask(turn, node, "migrant", request_of(turn).but(gender=gender))


def _ask_migrant(turn: Turn, node: InterpretingNode, request: Request) -> Result:
    speech = sp.say(turn.langs, "stt.migrant_ask")
    if node.booking and not request.job:
        speech += sp.option(turn.langs, Msg("stt.book_offer"), BOOK_KEY)
    return listen(turn, node, speech, digits=None, finish="#", timeout=NUMBER_TIMEOUT), turn.state


def on_migrant(turn: Turn, node: InterpretingNode) -> Result:
    """Connect with the migrant's number, or book for later after a star."""
    request, pressed = request_of(turn), turn.event.digits
    if pressed.startswith(BOOK_KEY) and node.booking and not request.job:
        return ask(turn, node, "date", request)
    number = callable_number(pressed, "PT")
    if number is None:
        return retry(turn, node, "callback.invalid")
    return connect(turn, node, request.but(migrant=number))


def on_no_migrant(turn: Turn, node: InterpretingNode) -> Result:
    """Connect without calling anyone else: only # (or nothing) means they are together."""
    return connect(turn, node, request_of(turn))


ASKS.update({"account": _ask_account, "code": _ask_code, "language": _ask_language,
             "confirm": _ask_confirm, "choose": _ask_choose, "gender": _ask_gender,
             "migrant": _ask_migrant})
