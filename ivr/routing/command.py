"""``ivr languages`` (the STT language list) and ``ivr entities hash`` (access-code hashes)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ivr.errors import MenuError, Problem, Severity
from ivr.menu.roster import load_rosters
from ivr.menu.roster_model import MAX_ITERATIONS, MIN_ITERATIONS
from ivr.routing.entities import DEFAULT_ITERATIONS, hash_code
from ivr.routing.languages import LanguageDirectory

Row = dict[str, Any]

TITLE = "Serviço de Tradução Telefónica (STT): códigos das línguas / language codes"
HOW_TO = ("Quando a linha pedir a língua, marque o código de 3 dígitos ou diga o nome da "
          "língua / When asked for the language, key its 3-digit code or say its name.")
SAMPLE_NOTE = "* língua de exemplo, por confirmar / sample language, to be confirmed"
CODE = re.compile(r"\d{4,12}")


@click.command("languages")
@click.option("--menus", type=click.Path(path_type=Path), default=Path("menus"),
              show_default=True, help="Folder of the admin YAML files.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for programs.")
@click.option("--format", "form", type=click.Choice(["text", "markdown", "csv"]),
              default=None, help="Print a list for people (text, the default, or markdown) "
              "or CSV.")
def languages(menus: Path, as_json: bool, form: str | None) -> None:
    """Print the STT languages with their keypad codes and interpreter counts."""
    if as_json and form is not None:
        raise click.UsageError("give either --json or --format, not both")
    rows = _rows(_directory(menus))
    click.echo(FORMATS["json" if as_json else form or "text"](rows), nl=False)


@click.group("entities")
def entities() -> None:
    """Manage the registry of requesting entities (menus/entities.yaml)."""


@entities.command("hash")
@click.option("--code", help="The access code, for scripts; without it the code is asked "
              "for twice and not shown.")
@click.option("--iterations", type=click.IntRange(MIN_ITERATIONS, MAX_ITERATIONS),
              default=DEFAULT_ITERATIONS, show_default=True, help="PBKDF2 iterations.")
def hash_command(code: str | None, iterations: int) -> None:
    """Print the hashed access code to paste into entities.yaml as `access_code`."""
    if code is None:
        code = click.prompt("Access code", hide_input=True, confirmation_prompt=True)
    code = str(code).strip()
    if not CODE.fullmatch(code):
        raise click.BadParameter("an access code is 4 to 12 digits, keyed on the phone",
                                 param_hint="'--code'")
    click.echo(hash_code(code, iterations))


def _directory(menus: Path) -> LanguageDirectory:
    """Load the rosters of a menus folder, or raise MenuError with every error."""
    if not menus.is_dir():
        raise click.BadParameter(f"{menus} is not a folder of menu files",
                                 param_hint="'--menus'")
    problems: list[Problem] = []
    rosters = load_rosters(menus, problems)
    if rosters is None:
        raise MenuError([p for p in problems if p.severity is Severity.ERROR] or problems)
    return LanguageDirectory.from_rosters(rosters)


def _rows(directory: LanguageDirectory) -> list[Row]:
    """One entry per language, in code order."""
    counts = directory.interpreter_counts()
    return [{"code": lang.code, "language": lang.id, "name": lang.name_pt,
             "name_en": lang.name_en, "interpreters": counts[lang.id], "sample": lang.sample}
            for lang in directory.sorted_by_code()]


def _json(rows: list[Row]) -> str:
    """Render the rows as a JSON list."""
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def _csv(rows: list[Row]) -> str:
    """Render the rows as CSV with a header line."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["code"],
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows({**row, "sample": str(row["sample"]).lower()} for row in rows)
    return out.getvalue()


def _text(rows: list[Row]) -> str:
    """Render a list to print: a title, how to use it, codes grouped by their first digit."""
    lines, key = [TITLE, "", HOW_TO], ""
    for row in rows:
        if row["code"][0] != key:
            key = row["code"][0]
            lines.append("")
        lines.append(f"{row['code']}  {_marked(row):<28} {row['name_en']}")
    return "\n".join(_footnote(lines, rows, SAMPLE_NOTE)) + "\n"


def _markdown(rows: list[Row]) -> str:
    """Render a list to print as a Markdown table."""
    lines = [f"# {TITLE}", "", HOW_TO, "", "| Código / Code | Língua | Language |",
             "| ---: | --- | --- |"]
    lines += [f"| {row['code']} | {_marked(row, escape=True)} | {row['name_en']} |"
              for row in rows]
    return "\n".join(_footnote(lines, rows, "\\" + SAMPLE_NOTE)) + "\n"


def _marked(row: Row, *, escape: bool = False) -> str:
    """Return the Portuguese name, with an asterisk (escaped for Markdown) when sample."""
    star = "\\*" if escape else "*"
    return f"{row['name']} {star}" if row["sample"] else str(row["name"])


def _footnote(lines: list[str], rows: list[Row], note: str) -> list[str]:
    """Explain the asterisk when some language is sample data."""
    return [*lines, "", note] if any(row["sample"] for row in rows) else lines


FORMATS: dict[str, Callable[[list[Row]], str]] = {
    "json": _json, "csv": _csv, "text": _text, "markdown": _markdown}
