"""What every step of the interpreting flow shares: asking, retrying, giving up, names.

Rules of this module:
- each phase registers how it asks (``ASKS``); ``ask`` moves the state to that phase with
  the request packed in ``ref``, so the next webhook knows where the entity stands;
- a wrong or silent answer is retried in the same phase; after ``max_attempts`` in one
  step the entity goes to the STT operator while the desk is open, else to ``on_fail``;
- language names are said in the language actually spoken: a prompt missing in Portuguese
  falls back to English with the English name, never "You asked for Ucraniano".
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import replace

from ivr.engine import machine
from ivr.engine import speech as sp
from ivr.engine.actions import (
    Action,
    Dial,
    Endpoint,
    Gather,
    Hangup,
    Outcome,
    Redirect,
    Speak,
    Target,
)
from ivr.engine.interpreting.request import Request
from ivr.engine.machine import Result, Turn
from ivr.errors import EngineError, IvrError
from ivr.i18n import LANGUAGES, fallback_chain
from ivr.menu.model import InterpretingNode, TransferNode
from ivr.menu.roster import SttLanguage
from ivr.prompts import Key, Msg, Param, Prompt, Speech
from ivr.routing.languages import LanguageDirectory

Ask = Callable[[Turn, InterpretingNode, Request], Result]
ASKS: dict[str, Ask] = {}
NUMBER_TIMEOUT = 10  # seconds to key a number or code, longer than a menu's single key


def room_name(call_sid: str) -> str:
    """Name the conference (and the claim holder) of the entity's call."""
    return f"stt-{call_sid or 'unknown'}"


def request_of(turn: Turn) -> Request:
    """Return the request the state carries."""
    return Request.decode(turn.state.ref)


def ask(turn: Turn, node: InterpretingNode, phase: str, request: Request, *, fails: int = 0,
        before: tuple[Action, ...] = ()) -> Result:
    """Move to a phase, carrying the request, and ask its question."""
    asker = ASKS.get(phase)
    if asker is None:
        raise EngineError(f"node {turn.state.node!r} has no phase {phase!r}")
    moved = turn.moved(replace(turn.state, phase=phase, ref=request.encode(), fails=fails))
    actions, state = asker(moved, node, request)
    return (*before, *actions), state


def retry(turn: Turn, node: InterpretingNode, prompt_id: str | None, *,
          params: Mapping[str, Param] | None = None, phase: str | None = None,
          request: Request | None = None) -> Result:
    """Count a failed answer and ask again, or give up after too many."""
    fails = turn.state.fails + 1
    sorry = (Speak(sp.say(turn.langs, prompt_id, params)),) if prompt_id else ()
    if fails >= turn.menu.flow.max_attempts:
        return give_up(turn, node, (*sorry, Speak(sp.say(turn.langs, "menu.too_many"))))
    return ask(turn, node, phase or turn.state.phase, request or request_of(turn), fails=fails,
               before=sorry)


def give_up(turn: Turn, node: InterpretingNode, before: tuple[Action, ...] = ()) -> Result:
    """Hand the entity to the STT operator while the desk is open, else to ``on_fail``."""
    release(turn, room_name(turn.event.call_sid))
    if desk_is_open(turn, node):
        return machine.then(turn, before, node.desk)
    return machine.then(turn, before, node.on_fail or turn.menu.flow.last_resort)


def desk_is_open(turn: Turn, node: InterpretingNode) -> bool:
    """Tell whether the STT operator (the ``desk`` transfer node) can be put through now."""
    desk = turn.menu.flow.nodes.get(node.desk or "")
    if not isinstance(desk, TransferNode):
        return False
    return sp.is_connectable(turn.menu, turn.menu.entry(desk.to), turn.now)


def unavailable(turn: Turn) -> Result:
    """Apologise when the service cannot work; hand over to the fallback number if any."""
    release(turn, room_name(turn.event.call_sid))
    sorry = Speak(sp.say(turn.langs, "error.unavailable"))
    fallback = turn.services.fallback_number
    if fallback:
        dial = Dial(fallback, Target(Endpoint.DIAL, replace(turn.state, phase="fallback")), 30)
        return (Outcome("fallback"), sorry, Speak(sp.say(turn.langs, "error.transfer")),
                dial), turn.state
    return (Outcome("unavailable"), sorry, Speak(sp.say(turn.langs, "error.later")),
            Hangup()), turn.state


def uncached(turn: Turn) -> None:
    """Keep this answer out of the shell's cache: it depends on the caller or on a secret."""
    turn.services.touched.append("personal")


def release(turn: Turn, holder: str) -> None:
    """Free whoever ``holder`` claimed; a failing store only delays it (claims expire)."""
    with contextlib.suppress(IvrError):
        turn.services.need_allocator().release(holder, turn.now)


def listen(turn: Turn, node: InterpretingNode, speech: tuple[Speech, ...], *,
           digits: int | None = 1, finish: str = "", by_voice: bool = False,
           timeout: int | None = None) -> tuple[Action, ...]:
    """Gather keys (and speech in the entity's language) while speaking."""
    target = Target(Endpoint.INPUT, turn.state)
    wait = timeout or node.timeout or turn.menu.flow.timeouts.gather
    heard = speech_language(turn) if by_voice else None
    return Gather(speech, target, wait, digits, finish, heard), Redirect(target)


def speech_language(turn: Turn) -> str:
    """Return the language to recognise the entity's speech in (Portuguese by default)."""
    lang = LANGUAGES.get(turn.langs[0])
    return (lang.speech_language if lang else None) or "pt-PT"


def options(turn: Turn, labels: Mapping[str, Msg]) -> tuple[Prompt, ...]:
    """Announce numbered options, then the repeat key."""
    speech: tuple[Prompt, ...] = ()
    for key, label in labels.items():
        speech += sp.option(turn.langs, label, key)
    return speech + sp.say(turn.langs, "menu.repeat", {"key": Key(turn.menu.flow.keys.repeat)})


def directory(turn: Turn) -> LanguageDirectory:
    """Return the STT language directory of the menu's rosters."""
    if turn.menu.rosters is None:
        raise EngineError("the interpreting service needs the roster files")
    return LanguageDirectory.from_rosters(turn.menu.rosters)


def language_of(turn: Turn, code: str) -> SttLanguage:
    """Return the STT language of a keypad code the state carries."""
    found = directory(turn).by_code(code)
    if found is None:
        raise EngineError(f"no STT language has the code {code!r}")
    return found


def name_in(language: SttLanguage, lang: str) -> str:
    """Return a language's name for a listener of ``lang``: Portuguese or English."""
    return language.name("pt" if "pt_PT" in fallback_chain(lang) else "en")


def named(langs: tuple[str, ...], prompt_id: str, language: SttLanguage,
          params: Mapping[str, Param] | None = None) -> tuple[Prompt, ...]:
    """Say a prompt naming an STT language, the name matching the language spoken."""
    spoken: list[Prompt] = []
    for lang in langs:
        prompt: Prompt | None = None
        for code in reversed(fallback_chain(lang)):
            values = {**(params or {}), "language": language.name(code[:2])}
            prompt = Prompt(prompt_id, code, values, exact=prompt is not None, otherwise=prompt)
        assert prompt is not None
        spoken.append(prompt)
    return tuple(spoken)


def spaced(digits: str) -> str:
    """Write a job number to be read digit by digit."""
    return " ".join(digits)


def staff_langs(turn: Turn) -> tuple[str, ...]:
    """Return the language interpreters hear: the flow's first default language."""
    return (turn.menu.flow.default_languages[0],)


def repeat(turn: Turn, node: InterpretingNode) -> Result | None:
    """Ask the same question again when the repeat key was pressed."""
    if turn.event.digits != turn.menu.flow.keys.repeat:
        return None
    return ask(turn, node, turn.state.phase, request_of(turn), fails=turn.state.fails)

