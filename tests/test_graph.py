"""`ivr graph`: the call flow as Mermaid, DOT, SVG and PNG, with every node and key edge."""

from __future__ import annotations

import dataclasses
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Literal

import pytest
from click.testing import CliRunner
from support import ROOT

import ivr.graph
from ivr.cli import cli
from ivr.graph import Line, diagram
from ivr.graph_formats import to_dot, to_mermaid
from ivr.menu import Menu, load_menu
from ivr.menu.checks import edges
from ivr.menu.model import HoursNode, LanguageNode, MenuNode, Model, NodeId

MENUS = ROOT / "menus"
MERMAID_NODE = re.compile(r'^  (n_\w+)\W{1,3}"([^"]*)"\W{1,3}$')
MERMAID_EDGE = re.compile(r'^  (n_\w+) (-->|-\.->|==>)\|"([^"]*)"\| (n_\w+)$')
DOT_STRING = r'"((?:[^"\\]|\\.)*)"'
DOT_NODE = re.compile(rf"^  {DOT_STRING} \[(.*)\];$")
DOT_EDGE = re.compile(rf"^  {DOT_STRING} -> {DOT_STRING}(?: \[(.*)\])?;$")
DOT_ATTR = re.compile(rf"(\w+)={DOT_STRING}")
SVG = "{http://www.w3.org/2000/svg}"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not "
                               "installed (.ci/run installs it where apt-get is available)")


@pytest.fixture(scope="module")
def shipped() -> Menu:
    """The shipped menu, loaded once for the module."""
    return load_menu(MENUS)


def unescape(text: str) -> str:
    """Read a DOT string back: escaped quotes and backslashes, \\n as a new line."""
    return re.sub(r"\\(.)", lambda m: "\n" if m[1] == "n" else m[1], text)


def dot_nodes(dot: str) -> dict[str, dict[str, str]]:
    """Parse the node statements of DOT text into id -> attributes."""
    found = (DOT_NODE.match(line) for line in dot.splitlines())
    return {unescape(m[1]): attrs(m[2]) for m in found if m}


def dot_edges(dot: str) -> list[tuple[str, str, dict[str, str]]]:
    """Parse the edge statements of DOT text into (source, target, attributes)."""
    found = (DOT_EDGE.match(line) for line in dot.splitlines())
    return [(unescape(m[1]), unescape(m[2]), attrs(m[3] or "")) for m in found if m]


def attrs(text: str) -> dict[str, str]:
    """Parse a DOT attribute list."""
    return {key: unescape(value) for key, value in DOT_ATTR.findall(text)}


def mermaid_edges(text: str) -> list[tuple[str, str, str, str]]:
    """Parse Mermaid edges into (source, arrow, label, target), ids without their prefix."""
    found = (MERMAID_EDGE.match(line) for line in text.splitlines())
    return [(m[1][2:], m[2], m[3], m[4][2:]) for m in found if m]


def key_edges(menu: Menu) -> set[tuple[str, str, str]]:
    """List the edges a picture must show, as (source, label, target), from the flow itself."""
    expected: set[tuple[str, str, str]] = set()
    for node_id, node in menu.flow.nodes.items():
        if isinstance(node, MenuNode):
            expected |= {(node_id, key, option.goto) for key, option in node.options.items()}
        if isinstance(node, HoursNode):
            expected |= {(node_id, "open", node.open), (node_id, "closed", node.closed)}
        back = getattr(node, "back", None)
        if back:
            expected.add((node_id, "back", back))
    return expected


def run(runner: CliRunner, *args: str) -> str:
    """Run `ivr graph` and return what it prints."""
    result = runner.invoke(cli, ["graph", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_mermaid_has_every_node_and_key_edge(runner: CliRunner, shipped: Menu) -> None:
    text = run(runner, "--menus", str(MENUS))
    assert text.startswith("flowchart TD\n  call_start((\"call\")) --> n_welcome\n")
    labels = {m[1][2:]: m[2] for m in map(MERMAID_NODE.match, text.splitlines()) if m}
    assert set(shipped.flow.nodes) <= set(labels)
    for node_id, node in shipped.flow.nodes.items():
        assert labels[node_id].startswith(f"{node_id}<br/>{node.kind}")
    drawn = mermaid_edges(text)
    assert key_edges(shipped) <= {(source, label, target) for source, _, label, target in drawn}
    pairs = {(source, target) for source, _, _, target in drawn}
    for node_id, node in shipped.flow.nodes.items():
        assert {(node_id, e.target) for e in edges(shipped.flow, node_id, node)} <= pairs
    arrows = {label: arrow for _, arrow, label, _ in drawn}
    assert (arrows["back"], arrows["last resort"], arrows["on_fail"]) == ("-.->", "==>", "==>")
    assert "class n_welcome entry" in text
    assert "class n_last_resort last_resort" in text


def test_dot_has_every_node_and_key_edge(runner: CliRunner, shipped: Menu) -> None:
    dot = run(runner, "--format", "dot", "--menus", str(MENUS))
    nodes, drawn = dot_nodes(dot), dot_edges(dot)
    assert set(nodes) == {*shipped.flow.nodes, "_call"}
    for node_id, node in shipped.flow.nodes.items():
        assert nodes[node_id]["label"].splitlines()[:2] == [node_id, node.kind]
    assert nodes["welcome"]["penwidth"] == "3"
    assert ("_call", "welcome", {}) in drawn
    labelled = {(source, a.get("label", ""), target) for source, target, a in drawn}
    assert key_edges(shipped) <= labelled
    styles = {a["label"]: a.get("style") for _, _, a in drawn if "label" in a}
    assert (styles["back"], styles["last resort"], styles["1"]) == ("dashed", "bold", None)


def test_labels_name_services_entries_numbers_and_languages(shipped: Menu) -> None:
    picture = diagram(shipped)
    boxes = {box.id: box for box in picture.boxes}
    assert boxes["lam_hours"].lines == ("lam_hours", "hours", "service: lam")
    assert boxes["stt_desk"].lines[-1] == "dials +351 21 000 0102"
    assert "key 1 dials +351 21 810 6100" in boxes["cnaim_lisbon"].lines
    arrows = {(a.source, a.target): a for a in picture.arrows}
    assert arrows["language", "main"].label.startswith("1 pt_PT · 2 en · 3 fr")
    assert arrows["language", "language_more"].label == "9"
    assert arrows["nearest_centre", "cnaim_north"].label == "3000-5999"
    assert arrows["lam_operator", "lam_closed"].line is Line.CLOSED
    assert arrows["stt_desk", "voicemail_offer"].line is Line.FAILURE
    assert arrows["gat", "last_resort"].label == "last resort"


def test_labels_are_escaped(runner: CliRunner, tmp_path: Path) -> None:
    menus = tmp_path / "menus"
    shutil.copytree(MENUS, menus)
    directory = menus / "directory.yaml"
    name = '"On Wheels" [Fundão] {x} <b>|#1; a\\b `end`'
    directory.write_text(directory.read_text().replace(
        "name: On Wheels Migration Centre", f"name: '{name}'"))
    flow = menus / "flow.yaml"
    flow.write_text(flow.read_text().replace("goodbye", "end"))
    mermaid = run(runner, "--menus", str(menus))
    line = next(x for x in mermaid.splitlines() if x.startswith("  n_on_wheels["))
    assert MERMAID_NODE.match(line), line
    assert ("#quot;On Wheels#quot; [Fundão] #123;x#125; #lt;b#gt;#124;#35;1#59; a#92;b #96;end#96;"
            in line.replace("<br/>", " "))
    assert "  n_end([\"end<br/>hangup\"])" in mermaid.splitlines()
    dot = run(runner, "--format", "dot", "--menus", str(menus))
    label = dot_nodes(dot)["on_wheels"]["label"]
    assert name in " ".join(label.splitlines())


def test_an_unknown_kind_is_drawn_by_its_kind_and_fields(shipped: Menu) -> None:
    class InterpretingNode(Model):
        kind: Literal["interpreting"]
        service: str
        next: NodeId
        on_busy: NodeId

    node = InterpretingNode(kind="interpreting", service="stt", next="goodbye",
                            on_busy="voicemail_offer")
    flow = shipped.flow.model_copy(update={"nodes": {**shipped.flow.nodes, "stt_live": node}})
    picture = diagram(dataclasses.replace(shipped, flow=flow))
    box = next(b for b in picture.boxes if b.id == "stt_live")
    assert box.lines == ("stt_live", "interpreting", "service: stt")
    out = {(a.label, a.target) for a in picture.arrows if a.source == "stt_live"}
    assert out == {("next", "goodbye"), ("on_busy", "voicemail_offer")}
    assert 'n_stt_live["stt_live<br/>interpreting<br/>service: stt"]' in to_mermaid(picture)
    assert 'style="dashed,filled"' in to_dot(picture)


def test_text_formats_write_to_a_file(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "flow.dot"
    assert run(runner, "--format", "dot", "--out", str(out), "--menus", str(MENUS)) == ""
    assert out.read_text().startswith("digraph flow {")


@needs_dot
def test_svg_of_the_shipped_menus_renders_every_node(runner: CliRunner, shipped: Menu,
                                                     tmp_path: Path) -> None:
    out = tmp_path / "flow.svg"
    run(runner, "--format", "svg", "--out", str(out), "--menus", str(MENUS))
    root = ET.parse(out).getroot()
    titles = {g.findtext(f"{SVG}title") for g in root.iter(f"{SVG}g")
              if g.get("class") == "node"}
    assert titles == {*shipped.flow.nodes, "_call"}


@needs_dot
def test_png_goes_to_a_pipe_as_bytes(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["graph", "--format", "png", "--menus", str(MENUS)])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.startswith(b"\x89PNG\r\n\x1a\n")


def test_png_is_not_written_to_a_terminal(runner: CliRunner,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ivr.graph, "_stdout_is_terminal", lambda: True)
    result = runner.invoke(cli, ["graph", "--format", "png", "--menus", str(MENUS)])
    assert result.exit_code == 2
    assert "give --out FILE" in result.stderr


@pytest.mark.parametrize("form", ["svg", "png"])
def test_missing_dot_is_one_sentence(runner: CliRunner, tmp_path: Path, form: str,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    result = runner.invoke(cli, ["graph", "--format", form, "--out", str(tmp_path / "x"),
                                 "--menus", str(MENUS)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: Graphviz's `dot` program is not installed: install Graphviz (apt-get install "
        f"graphviz) to draw {form.upper()}, or use --format mermaid or dot"]
    assert not (tmp_path / "x").exists()


def test_language_options_keep_their_codes(shipped: Menu) -> None:
    node = shipped.flow.nodes["language_more"]
    assert isinstance(node, LanguageNode)
    label = next(a.label for a in diagram(shipped).arrows
                 if (a.source, a.target) == ("language_more", "main"))
    assert label == "1 ro_MD · 2 kea · 3 pov · 4 ff\n5 mnk · 6 wo"
