"""Nodes that end in a person: LAM operators (whisper, retries, queues) and callbacks.

Rules of this module, beyond those of ``machine``:
- people are claimed through ``turn.services``, which the shell passes in; a claim is
  atomic in the store, so no operator is ever given two callers;
- the caller's CallSid holds the claim; it is released when their Dial ends, and the
  store's expiry frees it if that news never comes;
- a store or REST failure never leaves a caller in silence: they hear an apology and go to
  the configured fallback number, or are told to call again.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import replace

from ivr.engine import machine
from ivr.engine import speech as sp
from ivr.engine.actions import (
    Action,
    Dial,
    Endpoint,
    Enqueue,
    Gather,
    Hangup,
    Hold,
    Leave,
    Outcome,
    Speak,
    Target,
)
from ivr.engine.machine import Result, Turn, enter, failed, listen, then
from ivr.engine.numbers import callable_number
from ivr.engine.services import CALL_LIMIT_S, Agent
from ivr.engine.state import CallState, EventKind
from ivr.errors import IvrError
from ivr.menu.model import CallbackNode, OperatorsNode
from ivr.prompts import Moment, Msg, Phone, Prompt

WHISPER_TIMEOUT = 8  # seconds an operator has to press 1 during the whisper
ACCEPT_KEY = "1"
CALLBACK_TIMEOUT = 12
QUEUE_FAILURES = frozenset({"queue-full", "error", "system-error"})
ABANDONED = "abandoned"  # the caller hung up before anyone could take the call


# -- operators --------------------------------------------------------------------------------


def _enter_operators(turn: Turn, node: OperatorsNode) -> Result:
    if not turn.menu.hours[node.service].is_open(turn.now):
        return enter(turn, node.on_closed)
    return _offer(turn, node)


def _language(turn: Turn) -> str:
    return turn.state.lang or turn.menu.flow.default_languages[0]


def _offer(turn: Turn, node: OperatorsNode) -> Result:
    """Claim the next free operator and dial them, or queue the caller."""
    try:
        allocator = turn.services.need_allocator()
        agent = allocator.claim_operator(_language(turn), _holder(turn), turn.now,
                                         exclude=turn.state.tried)
    except IvrError:
        return _unavailable(turn)
    if agent is None:
        return _enqueue(turn, node)
    return _dial(turn, node, agent)


def _holder(turn: Turn) -> str:
    """Name the claim after the caller's call, so that its end can release it."""
    return turn.event.call_sid or f"unknown-{turn.state.node}"


def _dial(turn: Turn, node: OperatorsNode, agent: Agent) -> Result:
    state = replace(turn.state, ref=agent.id)
    dial = Dial(agent.phone, Target(Endpoint.DIAL, state), node.ring,
                whisper=Target(Endpoint.WHISPER, state), time_limit=CALL_LIMIT_S)
    return (Speak(sp.say_all(turn.langs, node.say)), dial), state


def _enqueue(turn: Turn, node: OperatorsNode) -> Result:
    since = turn.state.since or int(turn.now.timestamp())
    state = replace(turn.state, ref="", fails=0, since=since)
    queue = queue_name(node, _language(turn))
    enqueue = Enqueue(queue, Target(Endpoint.WAIT, state), Target(Endpoint.QUEUE, state))
    if turn.state.since:  # back in line after an operator who did not answer: no repeats
        return (enqueue,), state
    return (Speak(sp.say(turn.langs, "queue.joining")), enqueue), state


def queue_name(node: OperatorsNode, language: str) -> str:
    """Name the queue of one language: one queue per language keeps each fair (FIFO)."""
    return f"{node.queue}-{language}"


def _unavailable(turn: Turn) -> Result:
    """Apologise when nobody can be claimed; hand over to the fallback number if any."""
    fallback = turn.services.fallback_number
    sorry = Speak(sp.say(turn.langs, "error.unavailable"))
    if fallback:
        return (Outcome("fallback"), sorry, Speak(sp.say(turn.langs, "error.transfer")),
                Dial(fallback, Target(Endpoint.DIAL, replace(turn.state, ref="fallback")),
                     30)), turn.state
    return (Outcome("unavailable"), sorry, Speak(sp.say(turn.langs, "error.later")),
            Hangup()), turn.state


def _on_whisper(turn: Turn, node: OperatorsNode) -> Result:
    """Tell the operator who is calling; pressing 1 accepts, anything else declines."""
    if turn.event.digits == ACCEPT_KEY:
        with contextlib.suppress(IvrError):  # else the short claim covers the call's start
            turn.services.need_allocator().confirm(turn.state.ref, turn.event.parent_call_sid,
                                                   turn.now)
        return (), turn.state
    if turn.event.digits:
        return (Hangup(),), turn.state
    staff = turn.menu.flow.default_languages[0]
    speech = sp.say((staff,), node.whisper,
                    {"language": Msg(f"lang.{_language(turn)}"), "key": ACCEPT_KEY})
    gather = Gather(speech, Target(Endpoint.WHISPER, turn.state), WHISPER_TIMEOUT)
    return (gather, Hangup()), turn.state


def _on_operator_dial_done(turn: Turn, node: OperatorsNode) -> Result:
    """Free the operator; after a conversation hang up, else try the next one or queue."""
    freed = _release(turn)
    event = turn.event
    if turn.state.ref == "fallback":
        return (Hangup(),), turn.state
    if event.dial_status in machine.CONNECTED and event.dial_bridged:
        for agent in freed:
            _dispatch(turn, node, agent)
        return (Outcome(f"operator:{turn.state.ref}"), Hangup()), turn.state
    if event.caller_gone:  # hung up while an operator's phone rang: nobody else is rung
        return (Outcome(ABANDONED), Hangup()), turn.state
    tried = (*turn.state.tried, turn.state.ref) if turn.state.ref else turn.state.tried
    retry = turn.moved(replace(turn.state, tried=tried[-20:], ref=""))
    if len(tried) >= node.tries:
        return _enqueue(retry, node)
    return _offer(retry, node)


def _release(turn: Turn) -> list[Agent]:
    """Release whatever the caller's call holds; a failing store only delays it (expiry)."""
    try:
        return turn.services.need_allocator().release(_holder(turn), turn.now)
    except IvrError:
        return []


def _dispatch(turn: Turn, node: OperatorsNode, agent: Agent) -> None:
    """Give a freed operator the longest-waiting caller they can serve, if any."""
    try:
        telephony = turn.services.need_telephony()
        waiting = [member for lang in agent.languages
                   for member in telephony.queue_members(queue_name(node, lang))]
        if not waiting:
            return
        first = max(waiting, key=lambda member: member.wait_s)
        lang = first.queue.removeprefix(f"{node.queue}-")
        claim = turn.services.need_allocator().claim_operator(lang, first.call_sid, turn.now)
        if claim is None:
            return
        target = Target(Endpoint.ENTER, CallState(turn.state.node, lang))
        if not telephony.dequeue(first.queue, first.call_sid, target):
            turn.services.need_allocator().release(first.call_sid, turn.now)
    except IvrError:
        return  # waiting callers also look for a free operator on every announcement


def _on_wait(turn: Turn, node: OperatorsNode) -> Result:
    """Tell a waiting caller where they stand, or take them out to be connected."""
    event = turn.event
    if _waited(turn) >= node.max_wait:
        return (Speak(sp.say(turn.langs, "queue.too_long")), Leave()), turn.state
    try:
        allocator = turn.services.need_allocator()
        if event.queue_position <= 1 and allocator.claim_operator(
                _language(turn), _holder(turn), turn.now, exclude=turn.state.tried) is not None:
            return (Leave(),), turn.state  # the claim is theirs; the queue action dials it
        on_shift = allocator.operators_on_shift(_language(turn), turn.now)
    except IvrError:
        on_shift = 1
    return (Speak(_position_speech(turn, node, on_shift)), Hold()), turn.state


def _position_speech(turn: Turn, node: OperatorsNode, on_shift: int) -> tuple[Prompt, ...]:
    """Say the caller's place in the queue and an honest estimate of the wait."""
    ahead = max(turn.event.queue_position - 1, 0)
    if ahead == 0:
        speech = sp.say(turn.langs, "queue.next")
    else:
        speech = sp.say(turn.langs, "queue.position", {"count": ahead})
    per_caller = turn.event.average_queue_time or node.handling_time
    minutes = max(1, math.ceil((ahead + 1) * per_caller / max(on_shift, 1) / 60))
    return speech + sp.say(turn.langs, "queue.wait", {"count": minutes})


def _on_queue_done(turn: Turn, node: OperatorsNode) -> Result:
    """Decide what follows once the caller is out of the queue."""
    result = turn.event.queue_result
    if result == "hangup" or (turn.event.caller_gone and result != "bridged"):
        return (Outcome(ABANDONED), Hangup()), turn.state
    if result in {"bridged", "redirected", "redirected-from-waiting-url"}:
        return (), turn.state
    if result in QUEUE_FAILURES or _waited(turn) >= node.max_wait:
        return enter(turn, node.after_wait)
    return _offer(turn, node)


def _waited(turn: Turn) -> int:
    """Return how long the caller has waited for a person, across every queue visit."""
    if turn.state.since:
        return max(0, int(turn.now.timestamp()) - turn.state.since)
    return turn.event.queue_time


# -- callbacks --------------------------------------------------------------------------------


def _enter_callback(turn: Turn, node: CallbackNode) -> Result:
    number = callable_number(turn.event.caller.number)
    if turn.state.ref:
        speech = sp.say(turn.langs, "callback.check", {"phone": Phone(turn.state.ref)})
        return listen(turn, speech, timeout=node.timeout or CALLBACK_TIMEOUT), turn.state
    if number is None:
        return _ask_number(turn, node)
    speech = sp.say(turn.langs, "callback.confirm", {"phone": Phone(number)})
    return _listen_for_number(turn, node, speech), turn.state


def _ask_number(turn: Turn, node: CallbackNode) -> Result:
    speech = sp.say(turn.langs, "callback.enter")
    return _listen_for_number(turn, node, speech), turn.state


def _listen_for_number(turn: Turn, node: CallbackNode, speech: tuple[Prompt, ...]
                       ) -> tuple[Action, ...]:
    return listen(turn, speech, timeout=node.timeout or CALLBACK_TIMEOUT, num_digits=None,
                  finish_on_key="#")


def _on_callback_input(turn: Turn, node: CallbackNode) -> Result:
    pressed = turn.event.digits
    if turn.state.ref:  # confirming a number keyed in
        if pressed == "1":
            return _save_callback(turn, node, turn.state.ref)
        if pressed == "2":
            return machine.enter(turn, turn.state.node, phase="")
        return failed(turn, node, "menu.invalid")
    if pressed == "1":
        number = callable_number(turn.event.caller.number)
        if number is not None:
            return _save_callback(turn, node, number)
    keyed = callable_number(pressed, "PT")
    if keyed is None:
        return failed(turn, node, "callback.invalid")
    return enter_with_ref(turn, keyed)


def enter_with_ref(turn: Turn, ref: str) -> Result:
    """Come back to the same node carrying a reference (a number to confirm)."""
    moved = turn.moved(replace(turn.state, ref=ref, fails=0))
    return machine.ENTER["callback"](moved, turn.menu.node(turn.state.node))


def _save_callback(turn: Turn, node: CallbackNode, number: str) -> Result:
    hours = turn.menu.hours.get(node.service)
    due = turn.now
    if hours is not None and not hours.is_open(turn.now):
        due = hours.next_opening(turn.now) or turn.now
    try:
        turn.services.need_records().add_callback(
            number, _language(turn), node.source, turn.event.call_sid, turn.now, due)
    except IvrError:
        return then(turn, (Speak(sp.say(turn.langs, "callback.failed")),), node.next)
    when = sp.say(turn.langs, "callback.saved_soon") if due == turn.now else sp.say(
        turn.langs, "callback.saved", {"when": Moment(due, turn.now)})
    return then(turn, (Outcome(f"callback:{node.source}"), Speak(when)), node.next)


def register() -> None:
    """Add these nodes to the engine's tables."""
    e = EventKind
    machine.ENTER.update({"operators": _enter_operators, "callback": _enter_callback})
    machine.TRANSITIONS.update({
        ("operators", e.ENTER): _enter_operators,
        ("operators", e.WHISPER): _on_whisper,
        ("operators", e.DIAL_DONE): _on_operator_dial_done,
        ("operators", e.WAIT): _on_wait,
        ("operators", e.QUEUE_DONE): _on_queue_done,
        ("callback", e.ENTER): _enter_callback,
        ("callback", e.INPUT): _on_callback_input,
        ("callback", e.SILENCE): machine.on_silence,
    })
