"""``ivr graph``: a picture of the call flow, as Mermaid or DOT text, or drawn by Graphviz.

Rules of this module:
- the ways out of a node are those of ``ivr.menu.checks.edges``, the graph ``ivr check``
  judges; this module names and styles them and never re-derives them;
- a kind it does not know is drawn by its ``kind``, its ``service``, ``entry`` or ``to`` when
  it has them, and an edge for each other field that names a node and that ``edges`` missed;
- the picture is a plain value (``Diagram``); ``ivr.graph_formats`` writes it out.
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import click

from ivr.engine.speech import written_phone
from ivr.graph_formats import GraphvizError, render, to_dot, to_mermaid
from ivr.menu import Menu, load_menu
from ivr.menu.checks import Edge, edges
from ivr.menu.model import CardNode, LanguageNode, Node, TransferNode

KNOWN_KINDS = frozenset({"message", "language", "menu", "hours", "closed", "transfer",
                         "voicemail", "hangup", "card", "postcode", "operators", "callback"})
# Fields of an unknown kind that name things other than nodes.
NOT_TARGETS = frozenset({"kind", "service", "entry", "to", "number", "queue", "source", "say",
                         "whisper", "note", "languages", "label"})
LANGUAGES_PER_LINE = 4
LABEL_WIDTH = 32


class Line(StrEnum):
    """How an edge is drawn."""

    PLAIN = "plain"  # a key, next, open, after_wait
    BACK = "back"  # the back key: dashed
    CLOSED = "closed"  # a closed-hours branch
    FAILURE = "failure"  # on_fail and the flow's last resort


@dataclass(frozen=True)
class Box:
    """One node of the flow: its id, kind and what it names."""

    id: str
    kind: str
    details: tuple[str, ...] = ()
    is_entry: bool = False
    is_last_resort: bool = False

    @property
    def lines(self) -> tuple[str, ...]:
        """Return the label's lines: the id, the kind, then the details."""
        return (self.id, self.kind, *self.details)


@dataclass(frozen=True)
class Arrow:
    """One way from a node to another, labelled with the key or field that takes it."""

    source: str
    target: str
    label: str
    line: Line = Line.PLAIN


@dataclass(frozen=True)
class Diagram:
    """The whole call flow, ready to be written in any format."""

    boxes: tuple[Box, ...]
    arrows: tuple[Arrow, ...]
    entry: str


def diagram(menu: Menu) -> Diagram:
    """Build the picture of a menu's call flow."""
    flow = menu.flow
    boxes = tuple(
        Box(node_id, _kind(node), _wrapped(_details(menu, node)), node_id == flow.entry,
            node_id == flow.last_resort)
        for node_id, node in flow.nodes.items())
    arrows = tuple(arrow for node_id, node in flow.nodes.items()
                   for arrow in _arrows(menu, node_id, node))
    return Diagram(boxes, arrows, flow.entry)


def _wrapped(lines: Iterable[str]) -> tuple[str, ...]:
    """Wrap long label lines, so that a long office name keeps its box narrow."""
    return tuple(part for line in lines for part in textwrap.wrap(line, LABEL_WIDTH) or [""])


def _kind(node: Node) -> str:
    """Return a node's kind, whatever its class."""
    return str(getattr(node, "kind", type(node).__name__))


def _details(menu: Menu, node: Node) -> Iterator[str]:
    """Say what a node names: its service, its directory entry and the numbers it dials."""
    service = getattr(node, "service", None)
    if isinstance(service, str):
        yield f"service: {service}"
    entry_id = getattr(node, "entry", None) or getattr(node, "to", None)
    if not isinstance(entry_id, str):
        return
    entry = menu.directory.entries.get(entry_id)
    yield entry_id if entry is None or entry.name == entry_id else f"{entry.name} ({entry_id})"
    phones = entry.phones if entry is not None else []
    if isinstance(node, TransferNode):
        yield from _dials("dials", [node.number] if node.number else phones)
    elif isinstance(node, CardNode) and phones:
        yield from _dials(f"key {node.connect_key} dials", phones)


def _dials(what: str, phones: list[str]) -> list[str]:
    """Say the numbers a node dials, one to a line after the first."""
    numbers = [written_phone(p) for p in phones]
    return [f"{what} {numbers[0]}", *numbers[1:]] if numbers else []


def _arrows(menu: Menu, node_id: str, node: Node) -> Iterator[Arrow]:
    """Name and style every way out of a node."""
    found = list(edges(menu.flow, node_id, node))
    for edge in found:
        yield _arrow(node_id, node, edge)
    if _kind(node) in KNOWN_KINDS:
        return
    seen = {(str(edge.loc[2]), edge.target) for edge in found}
    for field in type(node).model_fields:
        value = getattr(node, field, None)
        if (field not in NOT_TARGETS and isinstance(value, str) and value in menu.flow.nodes
                and (field, value) not in seen):
            yield Arrow(node_id, value, field, _line(field))


def _arrow(node_id: str, node: Node, edge: Edge) -> Arrow:
    """Label an edge with its key, region or field, and pick how it is drawn."""
    field, rest = str(edge.loc[2]), edge.loc[3:]
    if field in ("options", "regions") and rest:
        label = str(rest[0])
    elif field == "next" and isinstance(node, LanguageNode):
        label = _language_keys(node)
    elif edge.is_failure and getattr(node, "on_fail", None) is None:
        label = "last resort"
    else:
        label = field
    return Arrow(node_id, edge.target, label, Line.FAILURE if edge.is_failure else _line(field))


def _line(field: str) -> Line:
    """Pick how an edge taken through that field is drawn."""
    if field == "back":
        return Line.BACK
    if field in ("closed", "on_closed"):
        return Line.CLOSED
    return Line.FAILURE if field in ("on_fail", "last_resort") else Line.PLAIN


def _language_keys(node: LanguageNode) -> str:
    """List a language menu's keys with their language codes, a few to a line."""
    pairs = [f"{key} {code}" for key, code in node.options.items() if isinstance(code, str)]
    rows = [pairs[i:i + LANGUAGES_PER_LINE] for i in range(0, len(pairs), LANGUAGES_PER_LINE)]
    return "\n".join(" · ".join(row) for row in rows) or "next"


FORMATS = ("mermaid", "dot", "svg", "png")


@click.command("graph")
@click.option("--format", "form", type=click.Choice(FORMATS), default="mermaid",
              show_default=True, help="Mermaid or DOT text, or SVG or PNG drawn by Graphviz.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@click.option("--menus", type=click.Path(path_type=Path), default=Path("menus"),
              show_default=True, help="Folder of the admin YAML files.")
def graph(form: str, out: Path | None, menus: Path) -> None:
    """Draw the call flow: nodes by kind, keys on edges, closed branches, last resorts.

    Mermaid and DOT are text on standard output; SVG and PNG need Graphviz's `dot` and go to
    --out FILE, or to standard output when it is not a terminal (PNG) or always (SVG).

    Legend: the black dot is where a call starts; dashed edges are the back key; red bold
    ones are on_fail and the flow's last resort; orange ones are closed-hours branches.
    """
    if form == "png" and out is None and _stdout_is_terminal():
        raise click.UsageError("a PNG cannot be shown in a terminal: give --out FILE or "
                               "redirect the output to a file")
    if not menus.is_dir():
        raise click.BadParameter(f"{menus} is not a folder of menu files",
                                 param_hint="'--menus'")
    picture = diagram(load_menu(menus))
    text = to_mermaid(picture) if form == "mermaid" else to_dot(picture)
    try:
        data = text.encode() if form in ("mermaid", "dot") else render(text, form)
    except GraphvizError as exc:
        raise click.ClickException(str(exc)) from None
    if out is None:
        click.echo(data, nl=False)
        return
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc.strerror}") from None


def _stdout_is_terminal() -> bool:
    """Tell whether standard output is a terminal, where PNG bytes would be garbage."""
    return sys.stdout.isatty()
