"""Static checks over a validated menu: references across files and the shape of the graph.

Each check returns problems located in the admin files. Errors refuse the menu; warnings
(unreachable nodes) let it load but still fail ``ivr check``. The graph is read in two
layers: *input* edges need a key press; *silent* edges are taken without one (a message's
``next``, an hours branch, a transfer's fallback, a menu's last resort after repeated
failures). A cycle of silent edges traps a caller who says nothing; a node from which no
way out (a person, a voicemail, a goodbye) can be reached without failing traps everyone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ivr.errors import Problem, Severity
from ivr.menu.loader import Document, Loc
from ivr.menu.model import (
    FICTIONAL_PREFIX,
    CallbackNode,
    CardNode,
    ClosedNode,
    ComebackCall,
    Directory,
    Flow,
    HangupNode,
    HoursFile,
    HoursNode,
    InterpretingNode,
    LanguageNode,
    MenuNode,
    MessageNode,
    Node,
    OperatorsNode,
    PageOption,
    PostcodeNode,
    TransferNode,
    VoicemailNode,
)

# Prompts the interpreting node says on its own (``ivr.engine.interpreting``).
INTERPRETING_PROMPTS = (
    "stt.account", "stt.access_code", "stt.identified", "stt.id_wrong", "stt.id_failed",
    "stt.language_ask", "stt.language_unknown", "stt.code_unknown", "stt.language_confirm",
    "stt.language_choose", "stt.none_of_these", "stt.gender_any", "stt.gender_female",
    "stt.gender_male", "stt.migrant_ask", "stt.book_offer", "stt.job", "stt.calling",
    "stt.no_female", "stt.no_male", "stt.anyone_offer", "stt.none", "stt.operator_offer",
    "stt.callback_offer", "stt.reconnect_failed", "stt.an_entity", "stt.whisper_again",
    "stt.whisper_gone", "stt.dropped_interpreter", "stt.dropped_migrant",
    "stt.migrant_unreachable", "stt.booked_greeting", "stt.book_date", "stt.book_time",
    "stt.book_invalid", "stt.book_past", "stt.book_closed", "stt.book_confirm",
    "stt.book_saved",
)
# Prompts the engine says on its own; the admin may reword them but not remove them.
REQUIRED_PROMPTS = (
    "greeting.welcome", "language.choose", "language.choose_two", "language.option",
    "language.option_two", "menu.option", "menu.repeat", "menu.back", "menu.invalid",
    "menu.silence", "menu.too_many", "key.star", "key.hash", "when.today", "when.tomorrow",
    "when.date", "hours.days", "hours.times", "hours.group", "closed.now", "closed.hours",
    "closed.next", "closed.holidays", "closed.emergency", "transfer.connecting", "transfer.failed",
    "voicemail.intro", "voicemail.thanks", "voicemail.none", "card.title", "card.address",
    "card.public_services", "card.hours", "card.open_now", "card.closed_now", "card.phone",
    "card.email", "card.website", "card.located_at", "card.connect", "card.sms", "sms.sent",
    "sms.failed", "sms.phone", "sms.email", "sms.hours", "postcode.ask", "postcode.unknown",
    "list.and", "spell.at", "spell.dot", "error.apology", "goodbye", "error.unavailable",
    "queue.joining", "queue.next", "queue.position", "queue.wait", "queue.too_long",
    "callback.confirm", "callback.enter", "callback.check", "callback.invalid", "callback.saved",
    "callback.saved_soon", "callback.failed", "lang.pt_PT", "lang.en", "lang.fr", "lang.es",
    "lang.ru", "lang.ro", "lang.uk", "lang.ar", "lang.ro_MD", "lang.kea", "lang.pov", "lang.ff",
    "lang.mnk", "lang.wo", "error.transfer", "error.later", *INTERPRETING_PROMPTS,
)


@dataclass(frozen=True)
class Edge:
    """A way from one node to another, and where the admin wrote it."""

    target: str
    loc: Loc
    silent: bool
    is_failure: bool = False


@dataclass
class Checker:
    """Run every check over one validated menu."""

    flow: Flow
    directory: Directory
    hours: HoursFile
    prompt_ids: frozenset[str]
    docs: dict[str, Document]

    def run(self) -> list[Problem]:
        """Return every problem found, errors and warnings together."""
        problems: list[Problem] = []
        for check in (self.targets, self.prompts, self.services, self.keys, self.directory_refs,
                      self.sample_numbers, self.postcodes, self.fail_handling):
            problems.extend(check())
        if not any(p.severity is Severity.ERROR for p in problems):
            problems.extend(self.graph())
        return problems

    # -- references ---------------------------------------------------------------------

    def targets(self) -> Iterator[Problem]:
        """Every target names a node that exists."""
        flow = self.docs["flow"]
        for key in ("entry", "home", "last_resort"):
            target = getattr(self.flow, key)
            if target is not None and target not in self.flow.nodes:
                yield flow.problem((key,), f"unknown target {target!r}")
        for loc, call in comeback_calls(self.flow):
            if call.node not in self.flow.nodes:
                yield flow.problem((*loc, "node"), f"unknown target {call.node!r}")
        for node_id, node in self.flow.nodes.items():
            for edge in edges(self.flow, node_id, node):
                if edge.target not in self.flow.nodes:
                    yield flow.problem(edge.loc, f"unknown target {edge.target!r}")

    def prompts(self) -> Iterator[Problem]:
        """Every prompt said exists and has text; the engine's own prompts exist."""
        flow = self.docs["flow"]
        for node_id, node in self.flow.nodes.items():
            for loc, prompt_id in prompt_refs(node_id, node):
                if prompt_id not in self.prompt_ids:
                    yield flow.problem(loc, f"a prompt with no text: {prompt_id!r} is not in "
                                            "prompts.yaml")
        for node_id, node in self.flow.nodes.items():
            if not isinstance(node, MenuNode):
                continue
            for key, choice in node.options.items():
                target = self.flow.nodes.get(choice.goto)
                if choice.label is None and not isinstance(target, CardNode | TransferNode):
                    yield flow.problem(("nodes", node_id, "options", key),
                                       "option needs a `label` (only options leading to a card "
                                       "or a transfer are named after their entry)")
        missing = [p for p in REQUIRED_PROMPTS if p not in self.prompt_ids]
        if missing:
            yield self.docs["prompts"].problem(
                ("prompts",), "required prompt(s) missing: " + ", ".join(missing))

    def services(self) -> Iterator[Problem]:
        """Hours and directory references resolve; transfers dial numbers of the directory."""
        flow, services = self.docs["flow"], self.hours.services
        entries = self.directory.entries
        for node_id, node in self.flow.nodes.items():
            base: Loc = ("nodes", node_id)
            if isinstance(node, HoursNode | ClosedNode | OperatorsNode | CallbackNode) and (
                    node.service not in services):
                yield flow.problem((*base, "service"), f"unknown service {node.service!r} "
                                   "(not in hours.yaml)")
            if isinstance(node, TransferNode):
                yield from self._transfer(node_id, node)
            if isinstance(node, InterpretingNode):
                yield from self._interpreting(node_id, node)
            if isinstance(node, CardNode) and node.entry not in entries:
                yield flow.problem((*base, "entry"), f"unknown directory entry {node.entry!r}")
            if isinstance(node, ClosedNode) and (node.entry or node.service) not in entries:
                where, name = ("entry", node.entry) if node.entry else ("service", node.service)
                yield flow.problem((*base, where), f"no directory entry {name!r} names this "
                                   "service: give the node an `entry`")
        for loc, call in comeback_calls(self.flow):
            if call.service not in services:
                yield flow.problem((*loc, "service"), f"unknown service {call.service!r} "
                                   "(not in hours.yaml)")

    def _interpreting(self, node_id: str, node: InterpretingNode) -> Iterator[Problem]:
        """The service has hours, calls come from a number and the operator has one; the
        callback offered is a callback node."""
        flow, base = self.docs["flow"], ("nodes", node_id)
        if node.service not in self.hours.services:
            yield flow.problem((*base, "service"), f"unknown service {node.service!r} "
                               "(not in hours.yaml)")
        entry = self.directory.entries.get(node.entry)
        if entry is None:
            yield flow.problem((*base, "entry"), f"unknown directory entry {node.entry!r}")
        elif not entry.phones:
            yield flow.problem((*base, "entry"), f"directory entry {node.entry!r} has no phone "
                               "number to call from")
        wanted: tuple[tuple[str, type[Node], str], ...] = (
            ("desk", TransferNode, "transfer"), ("callback", CallbackNode, "callback"))
        for key, kind, name in wanted:
            target = self.flow.nodes.get(getattr(node, key) or "")
            if target is not None and not isinstance(target, kind):
                yield flow.problem((*base, key), f"{getattr(node, key)!r} is a {target.kind} "
                                   f"node, not a {name} node")

    def _transfer(self, node_id: str, node: TransferNode) -> Iterator[Problem]:
        """A transfer dials a number that the directory lists for its entry."""
        flow, base = self.docs["flow"], ("nodes", node_id)
        entry = self.directory.entries.get(node.to)
        if entry is None:
            yield flow.problem((*base, "to"), f"transfer to {node.to!r}, which is not in the "
                                              "directory")
        elif not entry.phones:
            yield flow.problem((*base, "to"), f"directory entry {node.to!r} has no phone "
                                              "number to transfer to")
        elif node.number is not None and node.number not in entry.phones:
            yield flow.problem((*base, "number"), f"transfer to {node.number}, which is not a "
                                                  f"number of {node.to!r} in the directory")

    def directory_refs(self) -> Iterator[Problem]:
        """Directory entries name hours, places and public services that exist."""
        doc = self.docs["directory"]
        for entry_id, entry in self.directory.entries.items():
            base: Loc = ("entries", entry_id)
            if entry.hours is not None and entry.hours not in self.hours.services:
                yield doc.problem((*base, "hours"), f"unknown service {entry.hours!r} "
                                                    "(not in hours.yaml)")
            for i, place in enumerate(entry.located_at):
                if place not in self.directory.entries:
                    yield doc.problem((*base, "located_at", i), f"unknown entry {place!r}")
            for i, service in enumerate(entry.public_services):
                if service not in self.directory.public_services:
                    yield doc.problem((*base, "public_services", i),
                                      f"unknown public service {service!r}")

    def sample_numbers(self) -> Iterator[Problem]:
        """Invented numbers stay in the fictional range; real ones never do."""
        doc = self.docs["directory"]
        for entry_id, entry in self.directory.entries.items():
            for i, phone in enumerate(entry.phones):
                invented = phone.startswith(FICTIONAL_PREFIX)
                loc = ("entries", entry_id, "phones", i)
                if entry.sample and not invented:
                    yield doc.problem(loc, f"sample entry with a real-looking number {phone}: "
                                           "use +351 210 000 000-999")
                if invented and not entry.sample:
                    yield doc.problem(loc, f"{phone} is in the fictional range: mark the "
                                           "entry `sample: true`")

    def keys(self) -> Iterator[Problem]:
        """Options fit on a keypad and do not take the repeat and back keys."""
        flow, reserved = self.docs["flow"], {self.flow.keys.repeat, self.flow.keys.back}
        if self.flow.keys.repeat == self.flow.keys.back:
            yield flow.problem(("keys",), "the repeat and back keys must differ")
        for node_id, node in self.flow.nodes.items():
            keys = _option_keys(node)
            for key in sorted(set(keys) & reserved):
                yield flow.problem(("nodes", node_id, "options", key),
                                   f"key {key!r} is reserved for repeat/back in every menu")
            if len(keys) + len(reserved) > 12:
                yield flow.problem(("nodes", node_id, "options"),
                                   f"{len(keys)} options plus repeat and back is more keys "
                                   "than a keypad has (12)")
            if isinstance(node, CardNode) and node.connect_key == node.sms_key:
                yield flow.problem(("nodes", node_id, "sms_key"), "connect and SMS keys clash")

    def postcodes(self) -> Iterator[Problem]:
        """Postal-code ranges are ordered and do not overlap."""
        flow = self.docs["flow"]
        for node_id, node in self.flow.nodes.items():
            if not isinstance(node, PostcodeNode):
                continue
            spans = sorted((postcode_span(r), r) for r in node.regions)
            for (low, high), text in spans:
                if low > high:
                    yield flow.problem(("nodes", node_id, "regions", text),
                                       f"range {text} ends before it starts")
            for (first, text_a), (second, text_b) in zip(spans, spans[1:], strict=False):
                if second[0] <= first[1]:
                    yield flow.problem(("nodes", node_id, "regions", text_b),
                                       f"range {text_b} overlaps {text_a}")

    def fail_handling(self) -> Iterator[Problem]:
        """Every menu knows where a caller goes after repeated invalid or silent input."""
        for node_id, node in self.flow.nodes.items():
            fails = getattr(node, "on_fail", None) if _is_input(node) else "n/a"
            if fails is None and self.flow.last_resort is None:
                yield self.docs["flow"].problem(
                    ("nodes", node_id), "menu without invalid/silence handling: give it "
                    "`on_fail` or give the flow a `last_resort`")

    # -- graph ----------------------------------------------------------------------------

    def graph(self) -> list[Problem]:
        """Unreachable nodes, menus with no way out, and silent loops."""
        flow = self.docs["flow"]
        out: dict[str, list[Edge]] = {
            node_id: list(edges(self.flow, node_id, node))
            for node_id, node in self.flow.nodes.items()
        }
        problems: list[Problem] = []
        roots = [self.flow.entry, self.flow.home, self.flow.last_resort,
                 *(call.node for _, call in comeback_calls(self.flow))]
        reachable = _reach(out, [r for r in roots if r], lambda e: True)
        for node_id in self.flow.nodes:
            if node_id not in reachable:
                problems.append(flow.problem(("nodes", node_id), "unreachable node: no path "
                                             "from the entry leads here", Severity.WARNING))
        for node_id in self.flow.nodes:
            exits = _reach(out, [node_id], lambda e: not e.is_failure)
            if not any(self._is_exit(self.flow.nodes[n]) for n in exits):
                problems.append(flow.problem(("nodes", node_id), "no way out: no choice leads "
                                             "to a person, a voicemail or a goodbye"))
        for cycle in _silent_cycles(out):
            problems.append(flow.problem(("nodes", cycle[0]), "loop that can trap a silent "
                                         "caller: " + " -> ".join([*cycle, cycle[0]])))
        return problems

    def _is_exit(self, node: Node) -> bool:
        """Tell whether a node ends the caller's journey through the menus."""
        if isinstance(node, HangupNode | TransferNode | VoicemailNode | OperatorsNode
                      | CallbackNode | InterpretingNode):
            return True
        if isinstance(node, MessageNode | ClosedNode):
            return node.next is None
        if isinstance(node, CardNode):
            entry = self.directory.entries.get(node.entry)
            return bool(entry and entry.phones)
        return False


def comeback_calls(flow: Flow) -> Iterator[tuple[Loc, ComebackCall]]:
    """Yield the calls the helpline places (callbacks by source, bookings) and their place."""
    for source, call in flow.callbacks.items():
        yield ("callbacks", source), call
    if flow.bookings is not None:
        yield ("bookings",), flow.bookings


def postcode_span(text: str) -> tuple[int, int]:
    """Read ``1000-2999`` as (1000, 2999)."""
    low, _, high = text.partition("-")
    return int(low), int(high)


def _is_input(node: Node) -> bool:
    """Tell whether a node waits for the caller's keys."""
    return isinstance(node, MenuNode | LanguageNode | CardNode | PostcodeNode | CallbackNode
                      | InterpretingNode)


def _option_keys(node: Node) -> list[str]:
    """Return the keys a node's options take."""
    if isinstance(node, MenuNode | LanguageNode):
        return list(node.options)
    if isinstance(node, CardNode):
        return [node.connect_key, node.sms_key]
    return []


def edges(flow: Flow, node_id: str, node: Node) -> Iterator[Edge]:
    """List the ways out of a node, each with its location in flow.yaml."""
    base: Loc = ("nodes", node_id)
    match node:
        case MenuNode():
            for key, option in node.options.items():
                yield Edge(option.goto, (*base, "options", key, "goto"), silent=False)
        case LanguageNode():
            for key, choice in node.options.items():
                if isinstance(choice, PageOption):
                    yield Edge(choice.goto, (*base, "options", key, "goto"), silent=False)
            yield Edge(node.next, (*base, "next"), silent=False)
        case PostcodeNode():
            for span, target in node.regions.items():
                yield Edge(target, (*base, "regions", span), silent=False)
        case MessageNode() | ClosedNode() | VoicemailNode() if node.next:
            yield Edge(node.next, (*base, "next"), silent=True)
        case HoursNode():
            yield Edge(node.open, (*base, "open"), silent=True)
            yield Edge(node.closed, (*base, "closed"), silent=True)
        case TransferNode():
            yield Edge(node.on_fail, (*base, "on_fail"), silent=True)
            if node.on_closed:
                yield Edge(node.on_closed, (*base, "on_closed"), silent=True)
        case OperatorsNode():
            yield Edge(node.on_closed, (*base, "on_closed"), silent=True)
            yield Edge(node.after_wait, (*base, "after_wait"), silent=True)
        case CallbackNode() if node.next:
            yield Edge(node.next, (*base, "next"), silent=False)
        case InterpretingNode():
            yield Edge(node.on_closed, (*base, "on_closed"), silent=True)
            for key in ("desk", "callback", "next"):
                if getattr(node, key):
                    yield Edge(getattr(node, key), (*base, key), silent=False)
    back = getattr(node, "back", None)
    if back:
        yield Edge(back, (*base, "back"), silent=False)
    if _is_input(node):
        fail = getattr(node, "on_fail", None) or flow.last_resort
        if fail:
            yield Edge(fail, (*base, "on_fail"), silent=True, is_failure=True)


def prompt_refs(node_id: str, node: Node) -> Iterator[tuple[Loc, str]]:
    """List the prompt ids a node says, with their locations."""
    base: Loc = ("nodes", node_id)
    for i, prompt_id in enumerate(getattr(node, "say", ())):
        yield (*base, "say", i), prompt_id
    if isinstance(node, OperatorsNode | InterpretingNode):
        yield (*base, "whisper"), node.whisper
    if isinstance(node, MenuNode):
        for key, option in node.options.items():
            if option.label:
                yield (*base, "options", key, "label"), option.label
    if isinstance(node, LanguageNode):
        for key, choice in node.options.items():
            if isinstance(choice, PageOption):
                yield (*base, "options", key, "label"), choice.label


def _reach(out: dict[str, list[Edge]], roots: list[str], follow: object) -> set[str]:
    """Return the nodes reachable from ``roots`` along edges that ``follow`` accepts."""
    accept = follow if callable(follow) else (lambda e: True)
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        node_id = stack.pop()
        if node_id in seen or node_id not in out:
            continue
        seen.add(node_id)
        stack.extend(e.target for e in out[node_id] if accept(e))
    return seen


def _silent_cycles(out: dict[str, list[Edge]]) -> list[list[str]]:
    """Find cycles made only of silent edges, each reported once."""
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished

    def visit(node_id: str, path: list[str]) -> None:
        state[node_id] = 1
        path.append(node_id)
        for edge in out.get(node_id, []):
            if not edge.silent or edge.target not in out:
                continue
            if state.get(edge.target) == 1:
                cycles.append(path[path.index(edge.target):])
            elif edge.target not in state:
                visit(edge.target, path)
        path.pop()
        state[node_id] = 2

    for node_id in out:
        if node_id not in state:
            visit(node_id, [])
    return cycles
