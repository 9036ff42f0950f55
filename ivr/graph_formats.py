"""Write a call-flow ``Diagram`` as Mermaid or Graphviz DOT, and draw DOT with Graphviz.

Rules of this module:
- Mermaid and DOT are generated in pure Python; only SVG and PNG run Graphviz's ``dot``, as a
  subprocess with a timeout, and a missing ``dot`` is one sentence that says to install it;
- every label is escaped for its format, whatever an admin typed: Mermaid labels are quoted
  with entity codes for the characters its parser reads, DOT strings escape backslashes and
  quotes; node ids are quoted in DOT and prefixed and sanitised in Mermaid (``end`` is a
  Mermaid keyword);
- node kinds share one colour in both formats; the call's start is a small round node.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import TYPE_CHECKING

from ivr.errors import IvrError

if TYPE_CHECKING:
    from ivr.graph import Box, Diagram

START = "_call"
START_ATTRS = {"label": "call", "shape": "circle", "fillcolor": "#222222",
               "fontcolor": "#ffffff"}
TIMEOUT_S = 60.0

COLOURS = {"message": "#e3f2fd", "language": "#ede7f6", "menu": "#fff8e1", "hours": "#f3e5f5",
           "closed": "#ffebee", "transfer": "#e8f5e9", "voicemail": "#e0f7fa",
           "hangup": "#eeeeee", "card": "#fffde7", "postcode": "#fbe9e7",
           "operators": "#c8e6c9", "callback": "#e0f2f1"}
OTHER_COLOUR = "#ffffff"

DOT_SHAPES = {"message": "note", "language": "hexagon", "menu": "box", "hours": "diamond",
              "closed": "octagon", "transfer": "cds", "voicemail": "cylinder",
              "hangup": "doubleoctagon", "card": "component", "postcode": "parallelogram",
              "operators": "house", "callback": "invhouse"}
DOT_LINES: dict[str, dict[str, str]] = {
    "plain": {}, "back": {"style": "dashed", "color": "#757575", "fontcolor": "#616161",
                          "constraint": "false"},
    "closed": {"color": "#ef6c00", "fontcolor": "#e65100"},
    "failure": {"style": "bold", "color": "#c62828", "fontcolor": "#c62828"}}

MERMAID_SHAPES = {"message": (">", "]"), "language": ("{{", "}}"), "menu": ("(", ")"),
                  "hours": ("{", "}"), "closed": ("[/", "\\]"), "transfer": ("[[", "]]"),
                  "voicemail": ("[(", ")]"), "hangup": ("([", "])"), "card": ("[", "]"),
                  "postcode": ("[/", "/]"), "operators": ("[[", "]]"), "callback": ("[\\", "\\]")}
MERMAID_ARROWS = {"plain": "-->", "back": "-.->", "closed": "-->", "failure": "==>"}
MERMAID_LINKS = {"back": "stroke:#757575,color:#616161", "closed": "stroke:#ef6c00,color:#e65100",
                 "failure": "stroke:#c62828,stroke-width:2px,color:#c62828"}
# Characters Mermaid's parser or its HTML labels would read, as its "#code;" entities.
MERMAID_ESCAPES = str.maketrans({"&": "#amp;", '"': "#quot;", "<": "#lt;", ">": "#gt;",
                                 "#": "#35;", "`": "#96;", "|": "#124;", ";": "#59;",
                                 "\\": "#92;", "{": "#123;", "}": "#125;"})
UNSAFE_ID = re.compile(r"[^A-Za-z0-9_]")


class GraphvizError(IvrError):
    """Graphviz's ``dot`` is missing, failed or took too long."""


def to_mermaid(picture: Diagram) -> str:
    """Write the diagram as a Mermaid ``flowchart TD``."""
    ids = _mermaid_ids(picture)
    lines = ["flowchart TD", f'  call_start(("call")) --> {ids[picture.entry]}']
    for box in picture.boxes:
        opening, closing = MERMAID_SHAPES.get(box.kind, ("[", "]"))
        lines.append(f'  {ids[box.id]}{opening}"{_mermaid_text(box.lines)}"{closing}')
    styled: dict[str, list[str]] = {}
    for index, arrow in enumerate(picture.arrows, start=1):
        text = _mermaid_text(arrow.label.split("\n"))
        lines.append(f'  {ids[arrow.source]} {MERMAID_ARROWS[arrow.line]}|"{text}"| '
                     f"{ids[arrow.target]}")
        styled.setdefault(arrow.line, []).append(str(index))
    lines += _mermaid_classes(picture, ids)
    lines += [f"  linkStyle {','.join(indexes)} {MERMAID_LINKS[line]}"
              for line, indexes in styled.items() if line in MERMAID_LINKS]
    return "\n".join(lines) + "\n"


def _mermaid_ids(picture: Diagram) -> dict[str, str]:
    """Give every node a Mermaid-safe id, distinct even after sanitising."""
    ids: dict[str, str] = {}
    names = [box.id for box in picture.boxes]
    names += [a.target for a in picture.arrows] + [picture.entry]
    for name in names:
        if name in ids:
            continue
        safe = "n_" + UNSAFE_ID.sub("_", name)
        while safe in ids.values():
            safe += "_"
        ids[name] = safe
    return ids


def _mermaid_text(lines: tuple[str, ...] | list[str]) -> str:
    """Escape label lines for a quoted Mermaid label, joined by line breaks."""
    return "<br/>".join(line.translate(MERMAID_ESCAPES) for line in lines)


def _mermaid_classes(picture: Diagram, ids: dict[str, str]) -> list[str]:
    """Colour nodes by kind and mark the entry and the last resort."""
    lines = ["  classDef start fill:#222222,color:#ffffff,stroke:#222222",
             "  classDef entry stroke-width:4px",
             "  classDef last_resort stroke:#c62828,stroke-width:3px",
             "  class call_start start"]
    kinds: dict[str, list[str]] = {}
    for box in picture.boxes:
        kinds.setdefault(box.kind, []).append(ids[box.id])
    for kind, members in kinds.items():
        name = "kind_" + UNSAFE_ID.sub("_", kind)
        lines.append(f"  classDef {name} fill:{COLOURS.get(kind, OTHER_COLOUR)},stroke:#546e7a")
        lines.append(f"  class {','.join(members)} {name}")
    lines += [f"  class {ids[box.id]} {role}" for box in picture.boxes
              for role, has in (("entry", box.is_entry), ("last_resort", box.is_last_resort))
              if has]
    return lines


def to_dot(picture: Diagram) -> str:
    """Write the diagram as a Graphviz ``digraph``."""
    lines = ["digraph flow {",
             '  graph [rankdir=TB, fontname="Helvetica", nodesep=0.3, ranksep=0.5];',
             '  node [fontname="Helvetica", fontsize=10, style="filled", fillcolor="#ffffff"];',
             '  edge [fontname="Helvetica", fontsize=9];',
             f"  {_quote(START)} [{_attrs(**START_ATTRS)}];",
             f"  {_quote(START)} -> {_quote(picture.entry)};"]
    lines += [f"  {_quote(box.id)} [{_attrs(**_dot_box(box))}];" for box in picture.boxes]
    lines += [f"  {_quote(a.source)} -> {_quote(a.target)} "
              f"[{_attrs(label=a.label, **DOT_LINES[a.line])}];" for a in picture.arrows]
    return "\n".join([*lines, "}"]) + "\n"


def _dot_box(box: Box) -> dict[str, str]:
    """Pick a node's label, shape and colours by kind and role."""
    attrs = {"label": "\n".join(box.lines), "shape": DOT_SHAPES.get(box.kind, "box"),
             "fillcolor": COLOURS.get(box.kind, OTHER_COLOUR)}
    if box.kind == "menu":
        attrs["style"] = "rounded,filled"
    elif box.kind not in DOT_SHAPES:
        attrs["style"] = "dashed,filled"
    if box.is_entry:
        attrs["penwidth"] = "3"
    if box.is_last_resort:
        attrs.update(color="#c62828", penwidth="2.5")
    return attrs


def _attrs(**pairs: str) -> str:
    """Write DOT attributes, every value quoted."""
    return ", ".join(f"{key}={_quote(value)}" for key, value in pairs.items())


def _quote(text: str) -> str:
    """Quote a DOT string: backslashes and quotes escaped, new lines as ``\\n``."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def render(dot: str, form: str, timeout: float = TIMEOUT_S) -> bytes:
    """Draw DOT text as SVG or PNG with Graphviz's ``dot``; raise GraphvizError on failure."""
    program = shutil.which("dot")
    if program is None:
        raise GraphvizError(f"Graphviz's `dot` program is not installed: install Graphviz "
                            f"(apt-get install graphviz) to draw {form.upper()}, or use "
                            "--format mermaid or dot")
    try:
        done = subprocess.run([program, f"-T{form}"], input=dot.encode(), capture_output=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise GraphvizError(f"Graphviz's `dot` took more than {timeout:g} seconds to draw "
                            "the menu") from None
    except OSError as exc:
        raise GraphvizError(f"Graphviz's `dot` could not be run: {exc.strerror}") from None
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().splitlines()
        raise GraphvizError("Graphviz's `dot` could not draw the menu: "
                            + (reason[0] if reason else f"exit status {done.returncode}"))
    return done.stdout
