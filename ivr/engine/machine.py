"""The call state machine: ``step(menu, state, event, now) -> (actions, next state)``.

Rules of this module (as in h11's ``_state.py``):
- no I/O: the menu, the state, the event and the time are arguments; the result is data;
- the table ``TRANSITIONS`` maps (node kind, event kind) to a handler; a pair that is not in
  it raises ``IllegalEvent`` naming the node, the state and the event;
- arriving at a node that needs no input (message, hours, closed) continues straight into
  the next node in the same answer, so a caller never waits for a needless webhook;
- every menu counts invalid and silent answers together; after ``max_attempts`` the caller
  goes to the node's ``on_fail`` or the flow's ``last_resort``, never round the same loop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from ivr.engine import speech as sp
from ivr.engine.actions import (
    Action,
    Dial,
    Endpoint,
    Gather,
    Hangup,
    Outcome,
    Record,
    Redirect,
    SaveVoicemail,
    SendSms,
    Speak,
    Target,
)
from ivr.engine.services import Services
from ivr.engine.state import CallState, Event, EventKind
from ivr.errors import EngineError, UnknownNode
from ivr.i18n import suggest_language
from ivr.menu import Menu, entry_prompt
from ivr.menu.checks import postcode_span
from ivr.menu.model import (
    CardNode,
    ClosedNode,
    HangupNode,
    HoursNode,
    LanguageNode,
    MenuNode,
    MessageNode,
    Node,
    PageOption,
    PostcodeNode,
    TransferNode,
    VoicemailNode,
)
from ivr.prompts import Msg, Prompt, Speech

MAX_HOPS = 32  # nodes passed through in one answer; the static checks forbid silent loops
CONNECTED = frozenset({"completed", "answered"})
OPTIONS_ONLY = "options"

Result = tuple[tuple[Action, ...], CallState]
Handler = Callable[["Turn", Any], Result]  # each handler takes its own kind of node


class IllegalEvent(EngineError):
    """An event arrived at a node that cannot take it."""

    def __init__(self, node: str, state: CallState, event: Event) -> None:
        super().__init__(f"node {node!r} cannot take event {event.kind.value!r} "
                         f"in state {state.to_query()}")


@dataclass(frozen=True)
class Turn:
    """One step of a call: the menu, the state, the event and the time."""

    menu: Menu
    state: CallState
    event: Event
    now: datetime
    services: Services = field(default_factory=Services)
    hops: int = 0

    @property
    def langs(self) -> sp.Langs:
        """Return the languages to speak in: the caller's, or the flow's defaults."""
        if self.state.lang:
            return (self.state.lang,)
        return tuple(self.menu.flow.default_languages)

    def moved(self, state: CallState) -> Turn:
        """Return this turn moved on to another state, counting the hop."""
        if self.hops >= MAX_HOPS:
            raise EngineError(f"more than {MAX_HOPS} nodes without input at {state.node!r}")
        return replace(self, state=state, hops=self.hops + 1)


def step(menu: Menu, state: CallState, event: Event, now: datetime,
         services: Services | None = None) -> Result:
    """Answer one event of a call with actions and the state they lead to.

    ``services`` (people, queues, records) is needed only by nodes that route calls to
    people; every other node answers without it.
    """
    node = menu.node(state.node)
    handler = TRANSITIONS.get((node.kind, event.kind))
    if handler is None:
        raise IllegalEvent(state.node, state, event)
    return handler(Turn(menu, state, event, now, services or Services()), node)


def recover(menu: Menu, state: CallState, event: Event, now: datetime,
            services: Services | None = None) -> Result:
    """Apologise and start again from the home menu (or the entry, before a language)."""
    restart = menu.flow.home if state.lang else menu.flow.entry
    turn = Turn(menu, CallState(restart, state.lang), event, now, services or Services())
    apology = Speak(sp.say(turn.langs, "error.apology"))
    actions, next_state = enter(turn, restart)
    return (apology, *actions), next_state


def enter(turn: Turn, node_id: str, *, fails: int = 0, phase: str = "") -> Result:
    """Arrive at a node and say what it says; a caller who has hung up arrives nowhere.

    Twilio still asks a Dial's or an Enqueue's action after the caller hangs up but runs
    nothing it answers, so no node is entered then: none claims a person or starts a call.
    """
    if turn.event.caller_gone:
        return (Hangup(),), turn.state
    node = turn.menu.node(node_id)
    state = turn.state if node_id == turn.state.node else turn.state.at(node_id)
    moved = turn.moved(replace(state, node=node_id, fails=fails, phase=phase))
    return ENTER[node.kind](moved, node)


def then(turn: Turn, before: tuple[Action, ...], node_id: str | None) -> Result:
    """Continue to ``node_id`` after ``before``, or hang up when there is nowhere to go."""
    if node_id is None:
        return (*before, Hangup()), turn.state
    actions, state = enter(turn, node_id)
    return (*before, *actions), state


def target_of(turn: Turn, endpoint: Endpoint, **changes: object) -> Target:
    """Point a webhook back at the current node."""
    return Target(endpoint, replace(turn.state, **changes))  # type: ignore[arg-type]


def listen(turn: Turn, speech: tuple[Speech, ...], *, timeout: int | None = None,
            num_digits: int | None = 1, finish_on_key: str = "") -> tuple[Action, ...]:
    """Gather keys while speaking; silence falls through to the same input webhook."""
    target = target_of(turn, Endpoint.INPUT)
    wait = timeout or turn.menu.flow.timeouts.gather
    return (Gather(speech, target, wait, num_digits, finish_on_key), Redirect(target))


# -- entering each kind of node ---------------------------------------------------------------


def _enter_message(turn: Turn, node: MessageNode) -> Result:
    langs = tuple(node.languages) if node.languages else turn.langs
    return then(turn, (Speak(sp.say_all(langs, node.say)),), node.next)


def _enter_language(turn: Turn, node: LanguageNode) -> Result:
    suggested = suggest_language(turn.event.caller.region)
    speech = sp.language_speech(turn.menu, node, suggested)
    return listen(turn, speech, timeout=node.timeout), turn.state


def _enter_menu(turn: Turn, node: MenuNode) -> Result:
    speech = sp.menu_speech(turn.menu, node, turn.langs)
    return listen(turn, speech, timeout=node.timeout), turn.state


def _enter_hours(turn: Turn, node: HoursNode) -> Result:
    is_open = turn.menu.hours[node.service].is_open(turn.now)
    return enter(turn, node.open if is_open else node.closed)


def _enter_closed(turn: Turn, node: ClosedNode) -> Result:
    name = Msg(entry_prompt(node.entry or node.service))
    hours = turn.menu.hours[node.service]
    speech = sp.closed_speech(hours, name, turn.now, turn.langs)
    return then(turn, (Outcome(f"closed:{node.service}"), Speak(speech)), node.next)


def _enter_transfer(turn: Turn, node: TransferNode) -> Result:
    entry = turn.menu.entry(node.to)
    hours = turn.menu.hours.get(entry.hours) if entry.hours else None
    if hours is not None and not hours.is_open(turn.now):
        closed = sp.closed_speech(hours, Msg(entry_prompt(node.to)), turn.now, turn.langs)
        return then(turn, (Speak(closed),), node.on_closed or node.on_fail)
    number = node.number or entry.phones[0]
    timeout = node.timeout or turn.menu.flow.timeouts.transfer
    dial = Dial(number, target_of(turn, Endpoint.DIAL), timeout)
    return (Speak(sp.say_all(turn.langs, node.say)), dial), turn.state


def _enter_voicemail(turn: Turn, node: VoicemailNode) -> Result:
    target = target_of(turn, Endpoint.RECORD)
    intro = Speak(sp.say_all(turn.langs, node.say))
    return (intro, Record(target, node.max_length), Redirect(target)), turn.state


def _enter_hangup(turn: Turn, node: HangupNode) -> Result:
    return (Speak(sp.say_all(turn.langs, node.say)), Hangup()), turn.state


def _enter_card(turn: Turn, node: CardNode) -> Result:
    menu, langs = turn.menu, turn.langs
    speech: tuple[Speech, ...] = ()
    if turn.state.phase != OPTIONS_ONLY:
        speech = sp.say_all(langs, node.say) + sp.card_speech(menu, node.entry, turn.now, langs)
    speech += sp.card_keys(menu, node, langs, sms=turn.event.caller.can_sms,
                           connect=sp.is_connectable(menu, menu.entry(node.entry), turn.now))
    return listen(turn, speech, timeout=node.timeout), turn.state


def _enter_postcode(turn: Turn, node: PostcodeNode) -> Result:
    speech = sp.say_all(turn.langs, node.say)
    timeout = node.timeout or turn.menu.flow.timeouts.postcode
    return listen(turn, speech, timeout=timeout, num_digits=4, finish_on_key="#"), turn.state


ENTER: dict[str, Handler] = {
    "message": _enter_message, "language": _enter_language, "menu": _enter_menu,
    "hours": _enter_hours, "closed": _enter_closed, "transfer": _enter_transfer,
    "voicemail": _enter_voicemail, "hangup": _enter_hangup, "card": _enter_card,
    "postcode": _enter_postcode,
}


# -- input ------------------------------------------------------------------------------------


def _on_enter(turn: Turn, node: Node) -> Result:
    return ENTER[node.kind](turn, node)


def common_keys(turn: Turn, node: Node, pressed: str) -> Result | None:
    """Handle the repeat and back keys, which mean the same in every menu."""
    keys = turn.menu.flow.keys
    back = getattr(node, "back", None)
    if pressed == keys.repeat:
        return enter(turn, turn.state.node, fails=turn.state.fails)
    if pressed == keys.back and back is not None:
        return enter(turn, back)
    return None


def failed(turn: Turn, node: Node, prompt_id: str) -> Result:
    """Count an invalid or silent answer; after too many, go to the last resort."""
    fails = turn.state.fails + 1
    if fails >= turn.menu.flow.max_attempts:
        fallback = getattr(node, "on_fail", None) or turn.menu.flow.last_resort
        sorry = Speak(sp.say(turn.langs, "menu.too_many"))
        if fallback is None:  # the static checks refuse such a menu; stay safe anyway
            return (sorry, Hangup()), turn.state
        actions, state = enter(turn, fallback)
        return (sorry, *actions), state
    sorry = Speak(sp.say(turn.langs, prompt_id))
    actions, state = enter(turn, turn.state.node, fails=fails, phase=_retry_phase(node))
    return (sorry, *actions), state


def _retry_phase(node: Node) -> str:
    """After a wrong key, a card repeats only its options, not the whole card."""
    return OPTIONS_ONLY if isinstance(node, CardNode) else ""


def on_silence(turn: Turn, node: Node) -> Result:
    return failed(turn, node, "menu.silence")


def _on_menu_input(turn: Turn, node: MenuNode) -> Result:
    pressed = turn.event.digits
    choice = node.options.get(pressed)
    if choice is not None:
        return enter(turn, choice.goto)
    return common_keys(turn, node, pressed) or failed(turn, node, "menu.invalid")


def _on_language_input(turn: Turn, node: LanguageNode) -> Result:
    pressed = turn.event.digits
    choice = node.options.get(pressed)
    if isinstance(choice, PageOption):
        return enter(turn, choice.goto)
    if isinstance(choice, str):
        chosen = turn.moved(replace(turn.state, lang=choice))
        return enter(chosen, node.next)
    return common_keys(turn, node, pressed) or failed(turn, node, "menu.invalid")


def _on_card_input(turn: Turn, node: CardNode) -> Result:
    pressed, menu = turn.event.digits, turn.menu
    entry = menu.entry(node.entry)
    if pressed == node.connect_key and sp.is_connectable(menu, entry, turn.now):
        dial = Dial(entry.phones[0], target_of(turn, Endpoint.DIAL, fails=0),
                    menu.flow.timeouts.transfer)
        return (Speak(sp.say(turn.langs, "transfer.connecting")), dial), turn.state
    if pressed == node.sms_key and turn.event.caller.can_sms:
        return _send_card(turn, node)
    return common_keys(turn, node, pressed) or failed(turn, node, "menu.invalid")


def _send_card(turn: Turn, node: CardNode) -> Result:
    """Text the card's details to the caller, then offer the options again."""
    lang = turn.langs[0]
    sms = SendSms(
        to=turn.event.caller.number, lines=sp.sms_lines(turn.menu, node.entry, lang), lang=lang,
        sent=Prompt("sms.sent", lang), failed=Prompt("sms.failed", lang))
    actions, state = enter(turn, turn.state.node, phase=OPTIONS_ONLY)
    return (sms, *actions), state


def _on_postcode_input(turn: Turn, node: PostcodeNode) -> Result:
    pressed = turn.event.digits
    common = common_keys(turn, node, pressed)
    if common is not None:
        return common
    if len(pressed) == 4 and pressed.isdigit():
        code = int(pressed)
        for span, target in node.regions.items():
            low, high = postcode_span(span)
            if low <= code <= high:
                return enter(turn, target)
        return failed(turn, node, "postcode.unknown")
    return failed(turn, node, "menu.invalid")


# -- outcomes of dialling and recording -------------------------------------------------------


def _on_transfer_done(turn: Turn, node: TransferNode) -> Result:
    if turn.event.dial_status in CONNECTED:
        return (Outcome(f"transferred:{node.to}"), Hangup()), turn.state
    sorry = Speak(sp.say(turn.langs, "transfer.failed"))
    return then(turn, (sorry,), node.on_fail)


def _on_card_dial_done(turn: Turn, node: CardNode) -> Result:
    if turn.event.dial_status in CONNECTED:
        return (Outcome(f"transferred:{node.entry}"), Hangup()), turn.state
    sorry = Speak(sp.say(turn.langs, "transfer.failed"))
    actions, state = enter(turn, turn.state.node, phase=OPTIONS_ONLY)
    return (sorry, *actions), state


def _on_recorded(turn: Turn, node: VoicemailNode) -> Result:
    event = turn.event
    if not event.recording_url:
        return _on_no_recording(turn, node)
    save = SaveVoicemail(event.recording_url, event.recording_duration, turn.state.node,
                         turn.state.lang)
    thanks = Speak(sp.say(turn.langs, "voicemail.thanks"))
    return then(turn, (save, Outcome("voicemail"), thanks), node.next)


def _on_no_recording(turn: Turn, node: VoicemailNode) -> Result:
    return then(turn, (Speak(sp.say(turn.langs, "voicemail.none")),), node.next)


E = EventKind
TRANSITIONS: dict[tuple[str, EventKind], Handler] = {
    **{(kind, E.ENTER): _on_enter for kind in ENTER},
    **{(kind, E.SILENCE): on_silence for kind in ("language", "menu", "card", "postcode")},
    ("menu", E.INPUT): _on_menu_input,
    ("language", E.INPUT): _on_language_input,
    ("card", E.INPUT): _on_card_input,
    ("postcode", E.INPUT): _on_postcode_input,
    ("transfer", E.DIAL_DONE): _on_transfer_done,
    ("card", E.DIAL_DONE): _on_card_dial_done,
    ("voicemail", E.RECORDED): _on_recorded,
    ("voicemail", E.NO_RECORDING): _on_no_recording,
}

__all__ = ["ENTER", "TRANSITIONS", "IllegalEvent", "UnknownNode", "enter", "recover", "step"]
