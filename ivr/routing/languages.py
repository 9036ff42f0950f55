"""The STT language directory: keypad codes, names in Portuguese and English, speech matching.

    directory = LanguageDirectory.from_rosters(rosters)
    directory.by_code("870")                       -> ukrainian
    directory.match_spoken("Ukrainian please", "en") -> [Match(ukrainian, 1.0, ...)]

Names come from the roster file or, failing that, from Babel (resolved when the rosters
load: ``ivr.menu.roster.babel_names``); Babel's names that the file overrides stay
recognisable in speech. Matching is described in ``ivr.routing.speech``; this module adds
the rules across languages: the best score per language, ties in code order, phrases in the
caller's language slightly preferred, and candidates far below the best one left out, so
"English" does not also offer "Pidgin English" while "crioulo" offers both creoles.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from ivr.menu.roster import Rosters, SttLanguage
from ivr.routing import speech

THRESHOLD = 0.5  # the least score of a candidate
SPREAD = 0.2  # candidates scoring this far below the best one are left out
OTHER_LANGUAGE = 0.97  # weight of a phrase not in the language the caller speaks


@dataclass(frozen=True)
class Match:
    """A candidate language for what was said, with how sure we are (0 to 1)."""

    language: SttLanguage
    score: float
    heard: str  # the name, alias or code that matched


class LanguageDirectory:
    """The languages of the interpreting service, looked up by code, id or speech."""

    def __init__(self, languages: Iterable[SttLanguage],
                 counts: Mapping[str, int] | None = None) -> None:
        self._languages = tuple(languages)
        self._by_id = MappingProxyType({lang.id: lang for lang in self._languages})
        self._by_code = MappingProxyType({lang.code: lang for lang in self._languages})
        self._counts = MappingProxyType(dict(counts or {}))
        self._phrases = tuple((lang, p) for lang in self._languages for p in _phrases(lang))

    @classmethod
    def from_rosters(cls, rosters: Rosters) -> LanguageDirectory:
        """Build the directory of the rosters' languages, with interpreter counts."""
        counts = {lang: len(rosters.speakers(lang)) for lang in rosters.languages}
        return cls(rosters.languages.values(), counts)

    def __iter__(self) -> Iterator[SttLanguage]:
        return iter(self._languages)

    def __len__(self) -> int:
        return len(self._languages)

    def by_code(self, code: str) -> SttLanguage | None:
        """Return the language of a keypad code ("870", also "870#"), or None."""
        return self._by_code.get(code.strip().rstrip("#"))

    def by_id(self, language_id: str) -> SttLanguage | None:
        """Return the language with this id, or None."""
        return self._by_id.get(language_id)

    def name(self, language_id: str, lang: str) -> str:
        """Return a language's name in Portuguese (``pt``, ``pt_PT``) or else English."""
        return self._by_id[language_id].name(lang)

    def sorted_by_code(self) -> tuple[SttLanguage, ...]:
        """Return the languages in the order of their codes, as the printed list has them."""
        return tuple(sorted(self._languages, key=lambda lang: lang.code))

    def interpreter_counts(self) -> dict[str, int]:
        """Return how many interpreters speak each language, every language included."""
        return {lang.id: self._counts.get(lang.id, 0) for lang in self._languages}

    def match_spoken(self, text: str, lang_hint: str | None = None) -> list[Match]:
        """Return the languages that ``text`` may name, best first; none for garbage."""
        heard = speech.content(speech.words(text))
        prefer = (lang_hint or "")[:2].lower()
        best: dict[str, Match] = {}
        for match in self._codes(heard):
            best[match.language.id] = match
        for language, known in self._phrases:
            value = speech.score(heard, known.words)
            if prefer and known.lang != prefer:
                value *= OTHER_LANGUAGE
            current = best.get(language.id)
            if value >= THRESHOLD and (current is None or value > current.score):
                best[language.id] = Match(language, round(value, 3), known.text)
        return _shortlist(best.values())

    def _codes(self, heard: tuple[str, ...]) -> Iterator[Match]:
        """Yield a sure match for a keypad code said aloud ("código 870")."""
        for word in heard:
            language = self._by_code.get(word)
            if language is not None:
                yield Match(language, 1.0, word)


def _phrases(language: SttLanguage) -> list[speech.Phrase]:
    """List the names and aliases of a language, each in its language of speech."""
    texts = [("pt", language.name_pt), ("en", language.name_en)]
    texts += [("pt", alias) for alias in language.aliases_pt]
    texts += [("en", alias) for alias in language.aliases_en]
    phrases = [speech.phrase(text, lang) for lang, text in texts]
    return [p for p in phrases if p.words]


def _shortlist(matches: Iterable[Match]) -> list[Match]:
    """Sort candidates best first (ties by code) and drop those far below the best."""
    ordered = sorted(matches, key=lambda m: (-m.score, m.language.code))
    if not ordered:
        return []
    floor = ordered[0].score - SPREAD
    return [m for m in ordered if m.score >= floor]
