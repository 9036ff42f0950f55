"""Check a Say's voice against its language, as Twilio warns it may fail otherwise (§6.1)."""

from __future__ import annotations

import re

#: Languages the basic voices speak. [L §3.1 "man/woman only accept en, en-gb, es, fr, de"]
BASIC_VOICES = {"man", "woman"}
BASIC_LANGUAGES = {"en", "es", "fr", "de"}
#: Amazon Polly voices of the reference's table and their language. [V §6.1]
POLLY_VOICES = {
    **dict.fromkeys(["Cristiano", "Ines", "Inês"], "pt"),
    **dict.fromkeys(["Camila", "Ricardo", "Vitoria", "Vitória", "Thiago"], "pt"),
    **dict.fromkeys(
        ["Joanna", "Matthew", "Ivy", "Justin", "Kendra", "Kimberly", "Salli", "Joey"], "en"
    ),
    **dict.fromkeys(["Kevin", "Ruth", "Stephen", "Danielle", "Gregory", "Amy"], "en"),
    **dict.fromkeys(["Brian", "Emma", "Arthur", "Niamh", "Nicole", "Russell", "Olivia"], "en"),
    **dict.fromkeys(["Aditi", "Raveena", "Kajal"], "en"),
    **dict.fromkeys(["Celine", "Céline", "Lea", "Léa", "Mathieu", "Remi", "Rémi"], "fr"),
    **dict.fromkeys(["Chantal", "Gabrielle", "Liam", "Isabelle"], "fr"),
    **dict.fromkeys(["Conchita", "Enrique", "Lucia", "Sergio", "Mia", "Andres"], "es"),
    **dict.fromkeys(["Lupe", "Miguel", "Penelope", "Pedro"], "es"),
    **dict.fromkeys(["Tatyana", "Maxim"], "ru"),
    "Carmen": "ro",
    **dict.fromkeys(["Zeina", "Hala", "Zayd"], "ar"),
}
_POLLY = re.compile(r"Polly\.([^-]+)(?:-(?:Neural|Generative|LongForm))?$")
_GOOGLE = re.compile(r"Google\.([a-z]{2,3})-[A-Z]{2}-")


def family(language: str) -> str:
    """Return a language tag's first subtag; Polly's ``arb`` is Arabic."""
    first = language.split("-")[0].split("_")[0].lower()
    return "ar" if first == "arb" else first


def voice_problem(voice: str, language: str) -> str | None:
    """Say why ``voice`` cannot speak ``language``, or None when it can or is unknown."""
    wanted = family(language)
    if voice in BASIC_VOICES:
        if wanted not in BASIC_LANGUAGES:
            return f"voice {voice!r} speaks only en, es, fr and de, not {language}"
        return None
    polly = _POLLY.match(voice)
    if polly:
        speaks = POLLY_VOICES.get(polly.group(1))
        if speaks is None:
            return f"voice {voice!r} is not a Polly voice the simulator knows"
        if speaks != wanted:
            return f"voice {voice!r} speaks {speaks}, not {language}"
        return None
    google = _GOOGLE.match(voice)
    if google and family(google.group(1)) != wanted:
        return f"voice {voice!r} speaks {google.group(1)}, not {language}"
    return None
