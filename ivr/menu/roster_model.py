"""The declared schema of the roster files in ``menus/``, as pydantic v2 models.

    stt_languages.yaml   the STT languages: keypad code, Babel locale, names, speech aliases
    interpreters.yaml    STT interpreters: languages, gender, credential, weekly shifts
    operators.yaml       LAM operators: helpline languages, weekly shifts
    entities.yaml        requesting entities: account number, hashed access code, kind

Same rules as ``ivr.menu.model``: frozen, no unknown keys, phone numbers in E.164. Checks
that need more than one record (duplicates, references, shifts, coverage) live in
``ivr.menu.roster_checks``. The access-code hash format is defined here, because it is part of
the file format; ``ivr.routing.entities`` makes and verifies such hashes.
"""

from __future__ import annotations

import base64
import binascii
import re
from enum import IntEnum, StrEnum
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

from ivr.menu.model import LangCode, Model, PhoneNumber

HASH_SCHEME = "pbkdf2_sha256"
MIN_ITERATIONS = 200_000
MAX_ITERATIONS = 10_000_000  # a stored value must not make one check take minutes
MIN_SALT_BYTES = 8
DIGEST_BYTES = 32


class Gender(StrEnum):
    """An interpreter's gender, as callers may ask for it."""

    FEMALE = "f"
    MALE = "m"


class Credential(IntEnum):
    """An interpreter's credential level: a higher number is a higher level (best first)."""

    PROVISIONAL = 1
    RECOGNISED = 2
    CERTIFIED = 3


class EntityKind(StrEnum):
    """What kind of organisation asks for an interpreter."""

    HOSPITAL = "hospital"
    HEALTH_CENTRE = "health_centre"
    SCHOOL = "school"
    SOCIAL_SECURITY = "social_security"
    COURT = "court"
    POLICE = "police"
    MUNICIPALITY = "municipality"
    NGO = "ngo"
    EMPLOYMENT = "employment"
    REGISTRY = "registry"
    OTHER = "other"


def keypad_code(value: object) -> str:
    """Normalise a 3-digit keypad code (YAML may read it as a number) and check its form."""
    text = str(value).strip()
    if isinstance(value, bool) or not re.fullmatch(r"\d{3}", text):
        raise ValueError(f"bad code {text!r}: a language code is three digits, e.g. 204")
    if text[0] == "0":
        raise ValueError(f"bad code {text!r}: a code must not start with 0")
    if len(set(text)) == 1:
        raise ValueError(f"bad code {text!r}: a code of one repeated digit is too easy to "
                         "key by mistake")
    return text


def account_number(value: object) -> str:
    """Normalise an account number (YAML may read it as a number) and check its form."""
    text = str(value).strip()
    if isinstance(value, bool) or not re.fullmatch(r"[1-9]\d{5,7}", text):
        raise ValueError(f"bad account number {text!r}: 6 to 8 digits, not starting with 0")
    return text


def parse_code_hash(stored: str) -> tuple[int, bytes, bytes]:
    """Split ``pbkdf2_sha256$<iterations>$<salt b64>$<hash b64>``; raise ValueError if bad."""
    parts = stored.split("$")
    if len(parts) != 4 or parts[0] != HASH_SCHEME or not parts[1].isdigit():
        raise ValueError(f"bad access-code hash: expected {HASH_SCHEME}$<iterations>$<salt>$"
                         "<hash> (make one with `ivr entities hash`)")
    iterations = int(parts[1])
    if not MIN_ITERATIONS <= iterations <= MAX_ITERATIONS:
        raise ValueError(f"bad access-code hash: {iterations} iterations, need "
                         f"{MIN_ITERATIONS} to {MAX_ITERATIONS}")
    try:
        salt = base64.b64decode(parts[2], validate=True)
        digest = base64.b64decode(parts[3], validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("bad access-code hash: salt and hash must be base64") from None
    if len(salt) < MIN_SALT_BYTES or len(digest) != DIGEST_BYTES:
        raise ValueError(f"bad access-code hash: need a salt of at least {MIN_SALT_BYTES} "
                         f"bytes and a hash of {DIGEST_BYTES}")
    return iterations, salt, digest


def _code_hash(value: str) -> str:
    """Accept a well-formed access-code hash only (never a plain code)."""
    parse_code_hash(value)
    return value


RecordId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,47}$")]
KeypadCode = Annotated[str, BeforeValidator(keypad_code)]
AccountNumber = Annotated[str, BeforeValidator(account_number)]
CodeHash = Annotated[str, AfterValidator(_code_hash)]
Text = Annotated[str, StringConstraints(min_length=1)]
Shifts = dict[str, list[str]]


# -- stt_languages.yaml ---------------------------------------------------------------------


class Names(Model):
    """A language's name in Portuguese and English, when Babel has none or a wrong one."""

    pt: Text | None = None
    en: Text | None = None


class Aliases(Model):
    """Other things an entity may say for a language, per language of speech."""

    pt: list[Text] = []
    en: list[Text] = []


class LanguageSpec(Model):
    """One STT language and the code an entity keys for it."""

    id: RecordId
    code: KeypadCode
    babel: Text | None = None
    names: Names = Names()
    aliases: Aliases = Aliases()
    sample: bool = False
    note: str | None = None


class LanguagesFile(Model):
    """Every language the interpreting service offers, in the order of the printed list."""

    languages: Annotated[list[LanguageSpec], Field(min_length=1)]


# -- interpreters.yaml and operators.yaml ---------------------------------------------------


class PersonSpec(Model):
    """Someone the line can ring: a number and the weekly hours they take calls."""

    id: RecordId
    name: Text
    phone: PhoneNumber
    shifts: Shifts
    sample: bool | None = None  # overrides the file's `sample` for this person
    note: str | None = None


class InterpreterSpec(PersonSpec):
    """An STT interpreter; Portuguese is implied."""

    languages: Annotated[list[RecordId], Field(min_length=1)]
    gender: Gender
    credential: Credential


class OperatorSpec(PersonSpec):
    """A LAM operator; ``languages`` are codes of the helpline's language table."""

    languages: Annotated[list[LangCode], Field(min_length=1)]


class InterpretersFile(Model):
    """The interpreter roster; ``sample`` says whether it is invented data."""

    sample: bool
    interpreters: Annotated[list[InterpreterSpec], Field(min_length=1)]


class OperatorsFile(Model):
    """The operator roster; ``sample`` says whether it is invented data."""

    sample: bool
    operators: Annotated[list[OperatorSpec], Field(min_length=1)]


# -- entities.yaml --------------------------------------------------------------------------


class EntitySpec(Model):
    """An organisation allowed to book interpreters, with its hashed access code."""

    account: AccountNumber
    access_code: CodeHash
    name: Text
    kind: EntityKind
    sample: bool | None = None  # overrides the file's `sample` for this entity
    note: str | None = None


class EntitiesFile(Model):
    """The registry of requesting entities; ``sample`` says whether it is invented data."""

    sample: bool
    entities: list[EntitySpec] = []
