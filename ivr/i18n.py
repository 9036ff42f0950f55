"""Languages, translation catalogues and locale-aware formatting.

Rules of this module:
- The languages table is the single source of truth for keys, Twilio voices, Babel locales
  and fallbacks; nothing else hard-codes a language.
- Catalogues are read from ``locales/<lang>/LC_MESSAGES/ivr.po`` with Babel. Fuzzy, empty and
  partially translated plural entries are dropped while loading, so an untranslated string
  can never leak the source text under another language's label.
- Every message is looked up by context (the prompt id) and source text; the source language
  is English and ends every fallback chain.
- ``pov`` and ``mnk`` have no CLDR data: anything Babel formats for them uses their
  fallback's locale.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.pofile import read_po

from ivr.errors import CatalogueError

SOURCE_LANGUAGE = "en"
DOMAIN = "ivr"


@dataclass(frozen=True)
class Language:
    """One language of the helpline and how to speak it."""

    code: str
    autonym: str
    english_name: str
    say_language: str | None
    voice: str | None
    babel_locale: str | None
    fallback: str | None
    speech_language: str | None = None
    regions: tuple[str, ...] = ()
    cldr_lists: bool = True  # False: CLDR joins lists wrongly, use the `list.and` prompt

    @property
    def has_tts(self) -> bool:
        """Tell whether Twilio's <Say> can speak this language."""
        return self.say_language is not None


# Keys of the default language menu live in menus/flow.yaml; this table says how to speak.
# Columns: code, own name, English name, <Say> language, <Say> voice, Babel locale (None when
# CLDR has no data), fallback, speech-recognition language, countries that suggest it.
LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language(
            "pt_PT", "Português", "Portuguese", "pt-PT", "Polly.Ines-Neural", "pt_PT", None,
            "pt-PT", ("PT", "BR", "AO", "MZ", "ST", "TL"),
        ),
        Language(
            "en", "English", "English", "en-GB", "Polly.Amy-Neural", "en_GB", None, "en-GB",
            ("GB", "IE", "US", "CA", "AU", "NZ", "IN", "PK", "NG", "GH", "KE", "ZA"),
        ),
        Language(
            "fr", "Français", "French", "fr-FR", "Polly.Lea-Neural", "fr", None, "fr-FR",
            ("FR", "BE", "CH", "LU", "CI", "CM", "CD", "CG", "ML", "BF", "NE", "TG", "BJ",
             "HT"),
        ),
        Language(
            "es", "Español", "Spanish", "es-ES", "Polly.Lucia-Neural", "es", None, "es-ES",
            ("ES", "MX", "AR", "CO", "VE", "PE", "CL", "EC", "BO", "PY", "UY", "CU", "DO"),
        ),
        Language(
            "ru", "Русский", "Russian", "ru-RU", "Polly.Tatyana", "ru", None, "ru-RU",
            ("RU", "BY", "KZ", "KG"),
        ),
        Language("ro", "Română", "Romanian", "ro-RO", "Polly.Carmen", "ro", None, "ro-RO",
                 ("RO",)),
        Language(
            "uk", "Українська", "Ukrainian", "uk-UA", "Google.uk-UA-Standard-A", "uk", None,
            "uk-UA", ("UA",),
        ),
        Language(
            "ar", "العربية", "Arabic", "arb", "Polly.Zeina", "ar", None, "ar-MA",
            ("MA", "DZ", "TN", "LY", "EG", "SD", "SY", "IQ", "JO", "LB", "PS", "YE", "SA",
             "MR"),
        ),
        # Moldovan is spoken with the Romanian voice; never use the code `mo`.
        Language("ro_MD", "Moldovenească", "Moldovan", "ro-RO", "Polly.Carmen", "ro_MD", "ro",
                 "ro-RO", ("MD",)),
        # No Twilio voice or recogniser for the five below: recordings, else the fallback.
        Language("kea", "Kabuverdianu", "Cape Verdean Creole", None, None, "kea", "pt_PT",
                 None, ("CV",)),
        Language("pov", "Kriol", "Guinea-Bissau Creole", None, None, None, "pt_PT", None,
                 ("GW",), cldr_lists=False),
        Language("ff", "Pulaar", "Fula", None, None, "ff_Latn_GW", "fr", None, ("GN",),
                 cldr_lists=False),
        Language("mnk", "Mandinka", "Mandinka", None, None, None, "fr", None, ("GM",),
                 cldr_lists=False),
        Language("wo", "Wolof", "Wolof", None, None, "wo", "fr", None, ("SN",),
                 cldr_lists=False),
    )
}


def language(code: str) -> Language:
    """Return the language with this code, or raise KeyError."""
    return LANGUAGES[code]


def fallback_chain(code: str) -> tuple[str, ...]:
    """List the languages to try for ``code``, ending with the source language."""
    chain: list[str] = []
    current: str | None = code
    while current is not None and current not in chain:
        chain.append(current)
        current = LANGUAGES[current].fallback
    if SOURCE_LANGUAGE not in chain:
        chain.append(SOURCE_LANGUAGE)
    return tuple(chain)


def speaking_language(code: str) -> Language:
    """Return the first language in the chain of ``code`` that Twilio can speak."""
    for candidate in fallback_chain(code):
        if LANGUAGES[candidate].has_tts:
            return LANGUAGES[candidate]
    raise CatalogueError(f"no language in the chain of {code!r} has a voice")


def formatting_locale(code: str) -> str:
    """Return the Babel locale that formats numbers, dates and times for ``code``."""
    for candidate in fallback_chain(code):
        locale = LANGUAGES[candidate].babel_locale
        if locale is not None:
            return locale
    return "en_GB"


def suggest_language(region: str | None) -> str | None:
    """Return the language a caller from ``region`` (ISO 3166 code) most likely speaks."""
    if not region:
        return None
    for lang in LANGUAGES.values():
        if region.upper() in lang.regions:
            return lang.code
    return None


# -- catalogues -----------------------------------------------------------------------------

MessageKey = tuple[str, str]  # (context = prompt id, source text)


@dataclass(frozen=True)
class Entry:
    """One usable translation: a string, or the plural forms in catalogue order."""

    text: str | tuple[str, ...]
    needs_review: bool = False


@dataclass(frozen=True)
class Catalogue:
    """The usable translations of one language."""

    language: str
    entries: Mapping[MessageKey, Entry]
    plural: Callable[[int], int] = field(default=lambda n: int(n != 1))

    def get(self, context: str, source: str) -> Entry | None:
        """Return the translation of ``source`` in ``context``, if there is a usable one."""
        return self.entries.get((context, source))


REVIEW_FLAG = "needs-review"


def read_catalogue(path: Path, code: str) -> Catalogue:
    """Read one .po file, keeping only complete, non-fuzzy translations."""
    with path.open("rb") as handle:
        po = read_po(handle, locale=None, domain=DOMAIN)
    entries: dict[MessageKey, Entry] = {}
    for message in po:
        if not message.id or message.fuzzy or message.context is None:
            continue
        key_source = str(message.id[0] if isinstance(message.id, (tuple, list)) else message.id)
        text = _usable_text(message.string)
        if text is None:
            continue
        entries[(message.context, key_source)] = Entry(text, REVIEW_FLAG in message.flags)
    return Catalogue(code, entries, _plural_function(po.plural_forms))


def _usable_text(string: object) -> str | tuple[str, ...] | None:
    """Return a translation only when every form of it is filled in."""
    if isinstance(string, str):
        return string or None
    if isinstance(string, (tuple, list)):
        forms = tuple(str(form) for form in string)
        return forms if forms and all(forms) else None
    return None


def _plural_function(plural_forms: str) -> Callable[[int], int]:
    """Compile a gettext ``Plural-Forms`` header into a function."""
    expression = plural_forms.partition("plural=")[2].rstrip(";").strip() or "(n != 1)"
    function: Callable[[int], int] = gettext.c2py(expression)
    return function


def catalogue_path(locales: Path, code: str) -> Path:
    """Return where the catalogue of ``code`` lives."""
    return locales / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_catalogues(locales: Path, codes: Iterable[str]) -> dict[str, Catalogue]:
    """Load the catalogue of every language in ``codes``; refuse a missing one."""
    catalogues: dict[str, Catalogue] = {}
    missing: list[str] = []
    for code in codes:
        if code == SOURCE_LANGUAGE and not catalogue_path(locales, code).exists():
            catalogues[code] = Catalogue(code, {})
            continue
        path = catalogue_path(locales, code)
        if not path.is_file():
            missing.append(str(path))
            continue
        catalogues[code] = read_catalogue(path, code)
    if missing:
        raise CatalogueError("missing translation catalogue(s): " + ", ".join(missing))
    return catalogues
