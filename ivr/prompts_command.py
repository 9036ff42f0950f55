"""``ivr prompts``: scripts for voice talent, filing their recordings, and coverage.

    script   the texts to record in one language, as CSV or a Markdown table
    import   check recordings and file them as prompts/<lang>/<prompt-id>.wav
    status   per language: translated, needing review, recorded, and what a caller hears

What can be recorded is every prompt without placeholders and, per language, every sentence
of a prompt with placeholders whose words the menu files fix (``ivr.variants``), named
``<prompt-id>.<digest>``; the three commands list, file and count both.
"""

from __future__ import annotations

import csv
import io
import json
import math
import textwrap
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import click

from ivr.audio import MAX_SECONDS, MIN_SECONDS
from ivr.i18n import LANGUAGES, Catalogue, catalogue_path, read_catalogue
from ivr.menu import load_menu
from ivr.prompts import Resolver, find_recordings
from ivr.recordings import (
    Coverage,
    LanguageCoverage,
    Outcome,
    RecordingError,
    ScriptRow,
    TextStatus,
    Verdict,
    file_recording,
    find_deliveries,
    inspect,
    recording_name,
    script_rows,
)
from ivr.variants import fixed_variants

CSV_FIELDS = ("prompt_id", "file", "text", "status", "english", "note", "recorded")
SYMBOLS = {TextStatus.SOURCE: "✓", TextStatus.TRANSLATED: "✓", TextStatus.NEEDS_REVIEW: "R",
           TextStatus.MISSING: "–"}
RECORDED_SYMBOL = "●"
WIDTH = 100

MENUS = click.option("--menus", type=click.Path(path_type=Path), default=Path("menus"),
                     show_default=True, help="Folder of the menu files.")
LOCALES = click.option("--locales", type=click.Path(path_type=Path), default=Path("locales"),
                       show_default=True, help="Folder of the translation catalogues.")
PROMPTS = click.option("--prompts", "prompts_dir", type=click.Path(path_type=Path),
                       default=Path("prompts"), show_default=True,
                       help="Folder of the recorded prompts.")
LANGUAGE_CODES = click.Choice(list(LANGUAGES))


@click.group("prompts")
def prompts() -> None:
    """Export scripts for voice talent, import recordings, report coverage."""


def load_coverage(menus: Path, locales: Path, prompts_dir: Path) -> Coverage:
    """Load the menu's prompts and sentences, every language's catalogue and the recordings."""
    menu = load_menu(menus)
    catalogues = load_texts(locales)
    recorded = find_recordings(prompts_dir)
    variants = fixed_variants(menu, Resolver(menu.sources, catalogues, recorded))
    return Coverage(menu.sources, catalogues, recorded, variants)


def load_texts(locales: Path) -> dict[str, Catalogue]:
    """Read the catalogue of every language; a missing one counts as empty."""
    if not locales.is_dir():
        raise RecordingError(f"{locales} is not a folder of translation catalogues")
    catalogues = {}
    for code in LANGUAGES:
        path = catalogue_path(locales, code)
        catalogues[code] = read_catalogue(path, code) if path.is_file() else Catalogue(code, {})
    return catalogues


# -- script -------------------------------------------------------------------------------


@prompts.command("script")
@click.option("--lang", required=True, type=LANGUAGE_CODES, help="Language to record.")
@click.option("--format", "fmt", type=click.Choice(["csv", "md"]), default=None,
              help="csv or md (Markdown); default: md when --out ends in .md, else csv.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of standard output.")
@MENUS
@LOCALES
@PROMPTS
def script_command(lang: str, fmt: str | None, out: Path | None, menus: Path, locales: Path,
                   prompts_dir: Path) -> None:
    """Print the texts voice talent records for a language."""
    coverage = load_coverage(menus, locales, prompts_dir)
    rows = script_rows(coverage, lang)
    if fmt is None:
        fmt = "md" if out is not None and out.suffix.lower() == ".md" else "csv"
    text = script_csv(rows) if fmt == "csv" else script_markdown(rows, lang)
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise RecordingError(f"cannot write {out}: {exc.strerror or exc}") from None
    sentences = len(coverage.sentences(lang))
    click.echo(f"{len(rows) - sentences} prompts and {sentences} sentences to record in {lang} "
               f"written to {out}", err=True)


def script_csv(rows: Iterable[ScriptRow]) -> str:
    """Write the script as CSV with a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for row in rows:
        writer.writerow((row.prompt_id, row.file, row.text, row.status.value, row.english,
                         row.note, "yes" if row.is_recorded else "no"))
    return buffer.getvalue()


def script_markdown(rows: Sequence[ScriptRow], lang: str) -> str:
    """Write the script as a Markdown page: how to record, then one table row per prompt."""
    language = LANGUAGES[lang]
    names = dict.fromkeys((language.english_name, language.autonym))
    recorded = sum(row.is_recorded for row in rows)
    example = rows[0].file if rows else recording_name(lang, "menu.invalid")
    lines = [
        f"# Prompts to record in {' / '.join(names)} (`{lang}`)",
        "",
        "Record each text as one file named after its prompt id, which the helpline plays "
        f"from `prompts/{lang}/<prompt-id>.wav` (for example `prompts/{example}`). Deliver "
        f"them in a folder named `{lang}`; `ivr prompts import` checks and files them.",
        "",
        "A sentence with a name or a key in it (such as a menu option) is named after its "
        "prompt id and a code of its words, as in `menu.option.3f2a9c1e`: use the name in "
        "the file column exactly. When its words change, its name changes too, so record "
        "from the latest script only.",
        "",
        "Format: WAV, PCM 16-bit, mono, 8 kHz (other rates, stereo and 24-bit are converted). "
        f"Each file {MIN_SECONDS:g} to {MAX_SECONDS:g} seconds, in a quiet room, with little "
        "silence before and after the words, and never clipped.",
        "",
        "Texts marked *needs review* should be checked by a native speaker first. A prompt "
        "marked *missing* has no text in this language yet: do not record it from another "
        "language.",
        "",
        f"{len(rows)} prompts; {recorded} already recorded.",
        "",
        "| # | file | text to record | status | English | note | recorded |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for number, row in enumerate(rows, 1):
        cells = (str(number), f"`{row.file}`", row.text, row.status.value, row.english,
                 row.note, "yes" if row.is_recorded else "no")
        lines.append("| " + " | ".join(_md_cell(cell) for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def _md_cell(text: str) -> str:
    """Make a text safe inside one Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


# -- import -------------------------------------------------------------------------------


@prompts.command("import")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--lang", type=LANGUAGE_CODES, default=None,
              help="Language of the files directly in FOLDER.")
@click.option("--dry-run", is_flag=True, help="Check and report, but write nothing.")
@MENUS
@LOCALES
@PROMPTS
def import_command(folder: Path, lang: str | None, dry_run: bool, menus: Path, locales: Path,
                   prompts_dir: Path) -> None:
    """Check recordings in FOLDER/<lang>/<prompt-id>.wav and file them; exit 1 if any is refused."""
    deliveries, skipped = find_deliveries(folder, lang)
    if not deliveries:
        where = f"{folder}/<prompt-id>.wav" if lang else f"{folder}/<lang>/<prompt-id>.wav"
        raise RecordingError(f"no recordings found: expected {where}")
    coverage = load_coverage(menus, locales, prompts_dir)
    counts: Counter[Verdict] = Counter()
    for delivery in deliveries:
        outcome = inspect(delivery, coverage.sources, coverage.variants)
        accepted = outcome.verdict is not Verdict.REFUSED
        replaces = accepted and (
            prompts_dir / recording_name(delivery.lang, delivery.prompt_id)).exists()
        if accepted and not dry_run:
            file_recording(outcome, prompts_dir)
        click.echo(_outcome_line(outcome, folder, dry_run, replaces))
        counts[outcome.verdict] += 1
    for path in skipped:
        click.echo(f"{'skipped':<14} {_shown(path, folder)}: not a recording")
    summary = ", ".join(f"{counts[v]} {v.value}" for v in Verdict)
    click.echo(summary + (" (dry run: nothing written)" if dry_run else ""))
    if counts[Verdict.REFUSED]:
        raise click.exceptions.Exit(1)


def _outcome_line(outcome: Outcome, folder: Path, dry_run: bool, replaces: bool) -> str:
    """Say in one line what happened to one file."""
    shown = _shown(outcome.delivery.path, folder)
    if outcome.verdict is Verdict.REFUSED:
        return f"{'refused':<14} {shown}: {outcome.detail}"
    verb = outcome.verdict.value
    if dry_run:
        verb = {Verdict.FILED: "would file", Verdict.CONVERTED: "would convert"}[outcome.verdict]
    target = recording_name(outcome.delivery.lang, outcome.delivery.prompt_id)
    line = f"{verb:<14} {shown} → {target} ({outcome.detail})"
    if replaces:
        line += ", replacing the previous recording"
    return line + "".join(f"; warning: {warning}" for warning in outcome.warnings)


def _shown(path: Path, folder: Path) -> str:
    """Name a delivered file relative to the folder it came in."""
    return str(path.relative_to(folder)) if path.is_relative_to(folder) else str(path)


# -- status -------------------------------------------------------------------------------


@prompts.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--matrix", is_flag=True, help="Also print every prompt × language.")
@MENUS
@LOCALES
@PROMPTS
def status_command(as_json: bool, matrix: bool, menus: Path, locales: Path,
                   prompts_dir: Path) -> None:
    """Report translations, reviews, recordings and what callers hear, per language."""
    coverage = load_coverage(menus, locales, prompts_dir)
    summaries = [coverage.language(code) for code in LANGUAGES]
    if as_json:
        click.echo(json.dumps(status_json(coverage, summaries), ensure_ascii=False, indent=2))
        return
    click.echo(status_table(summaries))
    if matrix:
        click.echo("\n" + status_matrix(coverage))
    total = len(coverage.sources)
    for title, lists in (("Needs native review", {s.code: s.review for s in summaries}),
                         ("Not translated", {s.code: s.missing for s in summaries}),
                         ("Recordings never played", {s.code: s.unused_recordings
                                                      for s in summaries})):
        listing = _listing(title, lists, total)
        if listing:
            click.echo("\n" + listing)


def status_json(coverage: Coverage, summaries: Iterable[LanguageCoverage]) -> dict[str, object]:
    """Describe the coverage as one JSON object."""
    return {"prompts": len(coverage.sources), "recordable": len(coverage.recordable),
            "languages": [summary.as_json() for summary in summaries]}


def status_table(summaries: Iterable[LanguageCoverage]) -> str:
    """Lay out one row per language; recorded counts prompts and sentences, and sentences
    shows how many of the sentences of prompts with placeholders are recorded."""
    rows = [("lang", "language", "translated", "needs review", "recorded", "sentences",
             "caller hears")]
    for s in summaries:
        voice = LANGUAGES[s.code].voice
        rows.append((s.code, LANGUAGES[s.code].autonym, _percent(s.translated),
                     str(len(s.review)), _percent(s.recorded_fraction),
                     f"{s.sentences_recorded}/{s.sentences}",
                     f"{s.mode} ({voice})" if s.mode == "tts" else s.mode))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [cell.ljust(w) if i in (0, 1, 6) else cell.rjust(w)
                 for i, (cell, w) in enumerate(zip(row, widths, strict=True))]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _percent(fraction: float) -> str:
    """Show a fraction as a whole percentage that reaches 100% only when complete."""
    return "100%" if fraction >= 1 else f"{math.floor(fraction * 100)}%"


def status_matrix(coverage: Coverage) -> str:
    """Lay out every prompt × language: text status, then ● when recorded (a prompt with
    placeholders: when each of its sentences in that language is)."""
    codes = list(LANGUAGES)
    first = max(len(p) for p in coverage.sources) + 3
    lines = ["✓ translated   R needs review   – missing   ● recorded", "{} has placeholders: "
             "recorded sentence by sentence; dates, times and counts are always spoken", "",
             " " * first + "".join(code.ljust(7) for code in codes).rstrip()]
    for prompt_id in coverage.sources:
        label = prompt_id if prompt_id in coverage.recordable else prompt_id + " {}"
        cells = [SYMBOLS[coverage.text(prompt_id, code)[1]]
                 + (RECORDED_SYMBOL if coverage.is_fully_recorded(prompt_id, code) else " ")
                 for code in codes]
        lines.append(label.ljust(first) + "".join(c.ljust(7) for c in cells).rstrip())
    return "\n".join(lines)


def _listing(title: str, lists: dict[str, tuple[str, ...]], total: int) -> str:
    """List prompt ids per language under a title, wrapped; empty when there are none."""
    paragraphs = [
        f"  {code}: all {total} prompts" if len(ids) == total else
        textwrap.fill(", ".join(ids), WIDTH, initial_indent=f"  {code} ({len(ids)}): ",
                      subsequent_indent=" " * 6, break_on_hyphens=False)
        for code, ids in lists.items() if ids
    ]
    return f"{title}:\n" + "\n".join(paragraphs) if paragraphs else ""
