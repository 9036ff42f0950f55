"""``ivr translations``: extract, update and check the gettext catalogues with Babel.

    extract   menus/*.yaml -> locales/ivr.pot (Babel, with the mapping in pyproject.toml)
    update    locales/ivr.pot -> locales/<lang>/LC_MESSAGES/ivr.po for every language,
              creating missing catalogues (also for pov and mnk, which Babel cannot init)
    check     every catalogue is up to date with the menus, with no fuzzy, obsolete or
              untranslated entry, and the same placeholders as the source
    compile   locales/<lang>/LC_MESSAGES/ivr.mo for gettext tools, leaving out fuzzy and
              incomplete entries (Babel would fill an untranslated plural with the source
              text); the app itself reads the .po files the same way, so .mo files are
              build output, never committed

Entries that need a native speaker's review carry the flag ``needs-review``
(``#, needs-review``): they are used, and counted by ``check`` and the coverage report.
"""

from __future__ import annotations

import io
import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import click
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from ivr.i18n import DOMAIN, LANGUAGES, SOURCE_LANGUAGE, catalogue_path

POT_NAME = f"{DOMAIN}.pot"
METHOD_MAP = [("menus/prompts.yaml", "ivr.menu.extract:extract_menu"),
              ("menus/directory.yaml", "ivr.menu.extract:extract_menu")]
PLURAL_FORMS = {  # for the locales CLDR lacks (pov, mnk): same rule as their fallbacks
    "pov": "nplurals=2; plural=(n != 1);",
    "mnk": "nplurals=2; plural=(n > 1);",
}


def extract(root: Path) -> Catalog:
    """Collect every translatable text of the menus into a template catalogue."""
    template = Catalog(project="ivr", domain=DOMAIN, charset="utf-8")
    found = extract_from_dir(str(root), METHOD_MAP, comment_tags=("",))
    for filename, lineno, message, comments, context in found:
        template.add(message, locations=[(filename, lineno)], auto_comments=comments,
                     context=context)
    return template


def write_catalogue(catalog: Catalog, path: Path) -> None:
    """Write a catalogue without line wrapping, so diffs stay readable."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, ignore_obsolete=True, include_previous=False)
    path.write_bytes(buffer.getvalue())


def read_catalogue(path: Path, code: str | None = None) -> Catalog:
    """Read a .po or .pot file."""
    with path.open("rb") as handle:
        return read_po(handle, locale=_babel_locale(code) if code else None, domain=DOMAIN)


def _babel_locale(code: str) -> str | None:
    """Return the locale Babel knows for a language, or None (pov, mnk)."""
    return LANGUAGES[code].babel_locale and code


def update(locales: Path, template: Catalog, codes: Iterable[str]) -> list[Path]:
    """Bring each language's catalogue in line with the template; create missing ones."""
    written = []
    for code in codes:
        path = catalogue_path(locales, code)
        catalog = read_catalogue(path, code) if path.exists() else _new_catalogue(code)
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        write_catalogue(catalog, path)
        written.append(path)
    return written


def _new_catalogue(code: str) -> Catalog:
    """Start an empty catalogue, also for languages Babel has no locale data for."""
    catalog = Catalog(locale=_babel_locale(code), domain=DOMAIN, project="ivr",
                      charset="utf-8")
    if code in PLURAL_FORMS:
        catalog.mime_headers = [*catalog.mime_headers, ("Language", code),
                                ("Plural-Forms", PLURAL_FORMS[code])]
    return catalog


# -- checks -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One problem of a catalogue."""

    path: Path
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def check(locales: Path, template: Catalog, codes: Iterable[str]) -> list[Finding]:
    """Find out-of-date, fuzzy, obsolete, untranslated and inconsistent entries."""
    findings: list[Finding] = []
    pot = locales / POT_NAME
    if not pot.exists() or _keys(read_catalogue(pot)) != _keys(template):
        findings.append(Finding(pot, "out of date with menus/: run `ivr translations "
                                     "extract` and `ivr translations update`"))
    for code in codes:
        path = catalogue_path(locales, code)
        if not path.exists():
            findings.append(Finding(path, "missing: run `ivr translations update`"))
            continue
        findings.extend(Finding(path, msg) for msg in _entry_problems(
            read_catalogue(path, code), template, code))
    return findings


def _keys(catalog: Catalog) -> set[tuple[str | None, str]]:
    """Return (context, msgid) of every message except the header."""
    return {(m.context, _msgid(m)) for m in catalog if m.id}


def _msgid(message: Message) -> str:
    """Return the singular source text of a message."""
    return message.id[0] if isinstance(message.id, tuple) else str(message.id)


def _entry_problems(catalog: Catalog, template: Catalog, code: str) -> Iterator[str]:
    """Describe every entry of one catalogue that is not ready for callers."""
    wanted = _keys(template)
    have = _keys(catalog)
    for context, _ in sorted(wanted - have, key=str):
        yield f"{context}: missing entry (run `ivr translations update`)"
    for context, msgid in sorted(have - wanted, key=str):
        yield f"{context}: obsolete entry {msgid!r}"
    if catalog.obsolete:
        yield f"{len(catalog.obsolete)} obsolete entries: run `ivr translations update`"
    if code == SOURCE_LANGUAGE:
        return
    for message in catalog:
        if not message.id:
            continue
        if message.fuzzy:
            yield f"{message.context}: fuzzy entry"
        strings = _strings(message)
        if not all(strings):
            yield f"{message.context}: not translated"
            continue
        source = set(_placeholders(_msgid(message)))
        for text in strings:
            if set(_placeholders(text)) != source:
                yield (f"{message.context}: placeholders {sorted(_placeholders(text))} differ "
                       f"from the source's {sorted(source)}")


def _strings(message: Message) -> tuple[str, ...]:
    """Return every translated form of a message (one, or one per plural form)."""
    string = message.string
    if isinstance(string, (tuple, list)):
        return tuple(str(form or "") for form in string)
    return (str(string or ""),)


def _placeholders(text: str) -> list[str]:
    """List the {names} in a text; a malformed brace counts as a placeholder of its own."""
    try:
        return [name for _, name, _, _ in string.Formatter().parse(text) if name]
    except ValueError:
        return ["<malformed braces>"]


def review_counts(catalog: Catalog) -> tuple[int, int, int]:
    """Return (translated, needing review, total) entries of a catalogue."""
    total = translated = review = 0
    for message in catalog:
        if not message.id:
            continue
        total += 1
        strings = _strings(message)
        if all(strings) and not message.fuzzy:
            translated += 1
            review += "needs-review" in message.flags
    return translated, review, total


# -- command line -------------------------------------------------------------------------


@click.group("translations")
@click.option("--locales", type=click.Path(path_type=Path), default=Path("locales"),
              show_default=True, help="Folder of the catalogues.")
@click.pass_context
def translations(ctx: click.Context, locales: Path) -> None:
    """Extract, update and check the translation catalogues."""
    ctx.obj = locales


@translations.command("extract")
@click.pass_obj
def extract_command(locales: Path) -> None:
    """Write locales/ivr.pot from the texts in menus/."""
    template = extract(Path.cwd())
    pot = locales / POT_NAME
    if pot.exists():  # an unchanged set of messages keeps its date: no churn in the diffs
        previous = read_catalogue(pot)
        if _keys(previous) == _keys(template):
            template.creation_date = previous.creation_date
    write_catalogue(template, pot)
    click.echo(f"{len(template)} messages written to {locales / POT_NAME}")


@translations.command("update")
@click.option("--lang", "codes", multiple=True, type=click.Choice(list(LANGUAGES)),
              help="Only this language (repeatable); default: all fourteen.")
@click.pass_obj
def update_command(locales: Path, codes: tuple[str, ...]) -> None:
    """Merge locales/ivr.pot into every language's catalogue."""
    pot = locales / POT_NAME
    if not pot.exists():
        raise click.ClickException(f"{pot} does not exist: run `ivr translations extract`")
    for path in update(locales, read_catalogue(pot), codes or LANGUAGES):
        click.echo(f"updated {path}")


def compile_catalogue(po_path: Path, code: str) -> tuple[Path, int]:
    """Write the .mo beside a .po with only complete, non-fuzzy entries; return it and the
    number of entries left out."""
    catalog = read_catalogue(po_path, code)
    dropped = 0
    for message in list(catalog):
        if not message.id:
            continue
        if message.fuzzy or not all(_strings(message)):
            catalog.delete(message.id, context=message.context)
            dropped += 1
    mo_path = po_path.with_suffix(".mo")
    with mo_path.open("wb") as handle:
        write_mo(handle, catalog, use_fuzzy=False)
    return mo_path, dropped


@translations.command("compile")
@click.pass_obj
def compile_command(locales: Path) -> None:
    """Build locales/<lang>/LC_MESSAGES/ivr.mo from every catalogue."""
    for code in LANGUAGES:
        path = catalogue_path(locales, code)
        if not path.exists():
            raise click.ClickException(f"{path} does not exist: run `ivr translations update`")
        mo_path, dropped = compile_catalogue(path, code)
        note = f" ({dropped} incomplete entries left out)" if dropped else ""
        click.echo(f"compiled {mo_path}{note}")


@translations.command("check")
@click.pass_obj
def check_command(locales: Path) -> None:
    """Fail when any catalogue is out of date, fuzzy, obsolete or incomplete."""
    findings = check(locales, extract(Path.cwd()), LANGUAGES)
    for finding in findings:
        click.echo(str(finding))
    if findings:
        raise click.exceptions.Exit(1)
    click.echo(f"all {len(LANGUAGES)} catalogues are complete and up to date")
