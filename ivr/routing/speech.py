"""Score how well what an entity said names a language.

Rules of this module:
- text is compared as words: lower case, accents and punctuation dropped ("Árabe," is
  "arabe"), filler words in Portuguese and English dropped ("o idioma é", "please");
- a phrase heard whole scores 0.9 to 1.0 (more when it is all that was said); a near miss
  (difflib ratio of at least 0.8 on words of four letters or more) scores less than an exact
  hit, and a worse miss much less; part of a phrase ("crioulo" for "crioulo de cabo verde")
  scores 0.6 to 0.9;
- scores are comparable across languages and phrases; 0 means "not this one".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

NEAR = 0.8  # the least difflib ratio for two words to count as the same word
MIN_FUZZY_LENGTH = 4  # shorter words must match exactly

# Words that carry no language: requests, politeness, the service itself, articles.
_FILLER_WORDS = """
    a o as os um uma uns umas de do da dos das d em no na nos nas e ou para pra por com se
    que eu nos ele ela eles elas e esta este isso sim nao bom boa dia tarde noite ola
    favor faz fazer obrigado obrigada queria quero queremos preciso precisamos precisava
    pedir pedido interprete interpretes interpretacao traducao tradutor tradutora
    servico lingua linguas idioma idiomas fala falam falar falante dialeto seu sua
    utente doente paciente senhor senhora cliente pessoa
    the an of in on to for and or is it its i we my our me us please thanks thank you
    hello hi yes no need needs want would like speaks speak speaking speaker language
    languages interpreter interpreting translation translator dialect patient client
    he she they his her their person um uh er eh ah hmm ok okay
"""
FILLERS = frozenset(_FILLER_WORDS.split())


@dataclass(frozen=True)
class Phrase:
    """A name or alias of a language, as words to compare."""

    text: str
    words: tuple[str, ...]
    lang: str  # "pt" or "en": the language the phrase is in


def words(text: str) -> tuple[str, ...]:
    """Split text into lower-case words with no accents or punctuation."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in folded if not unicodedata.combining(char))
    return tuple(re.findall(r"[^\W_]+", plain))


def content(heard: tuple[str, ...]) -> tuple[str, ...]:
    """Drop the filler words, keeping the order of the rest."""
    return tuple(word for word in heard if word not in FILLERS)


def phrase(text: str, lang: str) -> Phrase:
    """Prepare a name or alias for matching."""
    return Phrase(text, content(words(text)) or words(text), lang)


def word_similarity(said: str, known: str) -> float:
    """Return 1 for the same word, the difflib ratio for a near miss, else 0."""
    if said == known:
        return 1.0
    if min(len(said), len(known)) < MIN_FUZZY_LENGTH:
        return 0.0
    matcher = SequenceMatcher(None, said, known)
    if matcher.real_quick_ratio() < NEAR or matcher.quick_ratio() < NEAR:
        return 0.0
    ratio = matcher.ratio()
    return ratio if ratio >= NEAR else 0.0


def score(heard: tuple[str, ...], known: tuple[str, ...]) -> float:
    """Score how well the content words heard name a phrase's words (0 to 1)."""
    if not heard or not known:
        return 0.0
    return max(_whole(heard, known), _scattered(heard, known), _partial(heard, known),
               _run_together(heard, known))


def _quality(similarities: list[float]) -> float:
    """Return 1 when every word matched exactly, less for near misses (0.6 at the limit)."""
    mean = sum(similarities) / len(similarities)
    return 1.0 if mean == 1.0 else 0.9 - 1.5 * (1.0 - mean)


def _whole(heard: tuple[str, ...], known: tuple[str, ...]) -> float:
    """The phrase heard in one piece, among other words or alone."""
    best, size = 0.0, len(known)
    for start in range(len(heard) - size + 1):
        similarities = [word_similarity(h, k) for h, k in zip(heard[start:], known,
                                                               strict=False)]
        if all(similarities):
            coverage = size / len(heard)
            best = max(best, (0.9 + 0.1 * coverage) * _quality(similarities))
    return best


def _matched(heard: tuple[str, ...], known: tuple[str, ...]) -> list[float]:
    """Return, for each word of the phrase, how well some word heard matches it."""
    return [max(word_similarity(h, k) for h in heard) for k in known]


def _scattered(heard: tuple[str, ...], known: tuple[str, ...]) -> float:
    """Every word of the phrase heard, but not in one piece ("cabo verde, crioulo")."""
    similarities = _matched(heard, known)
    return 0.85 * _quality(similarities) if all(similarities) else 0.0


def _partial(heard: tuple[str, ...], known: tuple[str, ...]) -> float:
    """Some words of the phrase heard ("chinês" for "chinês mandarim")."""
    found = [s for s in _matched(heard, known) if s]
    if not found or len(found) == len(known):
        return 0.0
    return (0.6 + 0.3 * len(found) / len(known)) * _quality(found)


def _run_together(heard: tuple[str, ...], known: tuple[str, ...]) -> float:
    """The phrase heard with its words split or joined differently ("ucra niano")."""
    said, name = "".join(heard), "".join(known)
    if min(len(said), len(name)) < MIN_FUZZY_LENGTH:
        return 0.0
    ratio = SequenceMatcher(None, said, name).ratio()
    return 0.8 * ratio if ratio >= 0.85 else 0.0
