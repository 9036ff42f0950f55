"""The declared schema of the admin files in ``menus/``, as pydantic v2 models.

Rules: every model is frozen and forbids unknown keys (a typo is an error, not a silent
default); keypad keys are normalised to strings (`1:` and `"1":` are the same key);
phone numbers are validated with phonenumbers and stored in E.164. Cross-file references
(targets, prompts, services) are checked by ``ivr.menu.checks``, not here.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

import phonenumbers
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
)

from ivr.i18n import LANGUAGES

KEYPAD = "123456789*0#"
FICTIONAL_PREFIX = "+351210000"  # invented numbers live in +351 210 000 000 – 999


class Model(BaseModel):
    """Base of every admin-file model: frozen, no unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


def _known_language(code: str) -> str:
    """Accept a code from the languages table only."""
    if code not in LANGUAGES:
        known = ", ".join(LANGUAGES)
        raise ValueError(f"unknown language {code!r} (known: {known})")
    return code


def _keypad_key(value: object) -> str:
    """Normalise a YAML key (1, "1", "*") to one keypad character."""
    key = str(value).strip()
    if len(key) != 1 or key not in KEYPAD:
        raise ValueError(f"{key!r} is not a key of a telephone keypad (0-9, * or #)")
    return key


def _as_list(value: object) -> object:
    """Let a single prompt id stand for a list of one."""
    return [value] if isinstance(value, str) else value


def _phone(value: str) -> str:
    """Validate a phone number and return it in E.164."""
    try:
        parsed = phonenumbers.parse(value, "PT")
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"bad phone number {value!r}: {exc}") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError(f"bad phone number {value!r}: not a valid number")
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


def _email(value: str) -> str:
    """Accept a plain e-mail address."""
    if not re.fullmatch(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", value):
        raise ValueError(f"bad e-mail address {value!r}")
    return value


LangCode = Annotated[str, AfterValidator(_known_language)]
KeypadKey = Annotated[str, BeforeValidator(_keypad_key)]
NodeId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,47}$")]
PromptId = Annotated[str, StringConstraints(pattern=r"^[a-z][A-Za-z0-9_.]{0,79}$")]
PromptList = Annotated[list[PromptId], BeforeValidator(_as_list)]
PhoneNumber = Annotated[str, AfterValidator(_phone)]
EmailAddress = Annotated[str, AfterValidator(_email)]
Seconds = Annotated[int, Field(ge=1, le=600)]
CallbackSource = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,30}$")]


# -- flow.yaml ------------------------------------------------------------------------------


class Option(Model):
    """A menu choice: where the key leads and the prompt that announces it."""

    goto: NodeId
    label: PromptId | None = None


class PageOption(Model):
    """A language-menu key that opens another page of languages."""

    goto: NodeId
    label: PromptId


class MessageNode(Model):
    """Say something, then go on (or hang up when there is no ``next``)."""

    kind: Literal["message"]
    say: PromptList
    languages: list[LangCode] | None = None
    next: NodeId | None = None
    note: str | None = None


def _option_kind(value: Any) -> str:
    """Tell a language code from a page option, so errors speak of the right one."""
    return "page" if isinstance(value, dict | BaseModel) else "language"


LanguageChoice = Annotated[
    Annotated[LangCode, Tag("language")] | Annotated[PageOption, Tag("page")],
    Discriminator(_option_kind),
]


class LanguageNode(Model):
    """Choose the caller's language; each option is announced in its own language."""

    kind: Literal["language"]
    say: PromptList = []
    options: dict[KeypadKey, LanguageChoice]
    next: NodeId
    back: NodeId | None = None
    on_fail: NodeId | None = None
    timeout: Seconds | None = None
    note: str | None = None


class MenuNode(Model):
    """Offer numbered choices; invalid or silent input counts towards the last resort."""

    kind: Literal["menu"]
    say: PromptList = []
    options: dict[KeypadKey, Option]
    back: NodeId | None = None
    on_fail: NodeId | None = None
    timeout: Seconds | None = None
    note: str | None = None


class HoursNode(Model):
    """Branch on whether a service is open right now."""

    kind: Literal["hours"]
    service: str
    open: NodeId
    closed: NodeId
    note: str | None = None


class ClosedNode(Model):
    """Say that a service is closed, its hours, its next opening and the emergency number."""

    kind: Literal["closed"]
    service: str
    entry: str | None = None
    next: NodeId | None = None
    note: str | None = None


class TransferNode(Model):
    """Dial a directory entry if it is open; fall back on busy, no answer or failure."""

    kind: Literal["transfer"]
    to: str
    number: PhoneNumber | None = None
    say: PromptList = ["transfer.connecting"]
    timeout: Seconds | None = None
    on_fail: NodeId
    on_closed: NodeId | None = None
    note: str | None = None


class VoicemailNode(Model):
    """Record a message after the tone, then go on."""

    kind: Literal["voicemail"]
    say: PromptList = ["voicemail.intro"]
    max_length: Annotated[int, Field(ge=5, le=600)] = 120
    next: NodeId | None = None
    note: str | None = None


class HangupNode(Model):
    """Say goodbye and end the call."""

    kind: Literal["hangup"]
    say: PromptList = ["goodbye"]
    note: str | None = None


class CardNode(Model):
    """Read a directory entry (address, hours, phone, e-mail); offer a transfer and an SMS."""

    kind: Literal["card"]
    entry: str
    say: PromptList = []
    back: NodeId | None = None
    on_fail: NodeId | None = None
    connect_key: KeypadKey = "1"
    sms_key: KeypadKey = "2"
    timeout: Seconds | None = None
    note: str | None = None


class PostcodeNode(Model):
    """Ask for the first four digits of a postal code and go to the matching node."""

    kind: Literal["postcode"]
    say: PromptList = ["postcode.ask"]
    regions: dict[Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{4}$")], NodeId]
    back: NodeId | None = None
    on_fail: NodeId | None = None
    timeout: Seconds | None = None
    note: str | None = None


class OperatorsNode(Model):
    """Put the caller through to a free operator who speaks their language, or queue them.

    Each operator hears a whisper and presses 1 to accept; a decline or no answer tries the
    next one. With nobody free the caller waits in the language's queue, hearing their
    position every ``announce_every`` seconds; past ``max_wait`` they go to ``after_wait``.
    """

    kind: Literal["operators"]
    service: str
    queue: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{0,40}$")] = "lam"
    say: PromptList = ["transfer.connecting"]
    whisper: PromptId = "operator.whisper"
    ring: Annotated[int, Field(ge=5, le=120)] = 20
    tries: Annotated[int, Field(ge=1, le=10)] = 3
    max_wait: Annotated[int, Field(ge=30, le=3600)] = 300
    announce_every: Annotated[int, Field(ge=15, le=300)] = 30
    handling_time: Annotated[int, Field(ge=30, le=3600)] = 240
    on_closed: NodeId
    after_wait: NodeId
    note: str | None = None


class CallbackNode(Model):
    """Take a request to be called back: confirm the caller's number or key in another."""

    kind: Literal["callback"]
    service: str
    source: CallbackSource = "lam"
    next: NodeId | None = None
    on_fail: NodeId | None = None
    timeout: Seconds | None = None
    note: str | None = None


class InterpretingNode(Model):
    """The Telephone Translation Service: an interpreter joined to the entity's call.

    With ``identify``, the entity first keys its account number and access code (three
    tries, then the STT operator while ``desk`` is open, else ``on_fail``). It says the
    language or keys its code, hears it read back and confirms, chooses the interpreter's
    gender, and keys the migrant's number (or just # when the migrant is beside it). It
    waits in a conference with hold music while interpreters, the highest credential
    first, are rung one after another (up to ``tries``, ``ring`` seconds each) and hear a
    whisper to accept; the migrant is rung once one accepts. A party whose line drops is
    redialled once within ``reconnect_within`` seconds. With nobody free, the entity is
    offered the STT operator (``desk``, a transfer node, while open), a ``callback`` node
    and, with ``booking``, a later date and time; a booking then goes to ``next``. Calls that
    ``ivr worker`` places for bookings start here in phase ``booked`` (the flow's
    ``bookings.node`` names this node). Calls come from the first number of ``entry``.
    """

    kind: Literal["interpreting"]
    service: str = "stt"
    entry: str = "stt"
    identify: bool = True
    desk: NodeId | None = "stt_desk"
    callback: NodeId | None = None
    booking: bool = True
    whisper: PromptId = "stt.whisper"
    ring: Annotated[int, Field(ge=5, le=120)] = 20
    tries: Annotated[int, Field(ge=1, le=10)] = 3
    reconnect_within: Annotated[int, Field(ge=60, le=900)] = 300
    timeout: Seconds | None = None
    on_closed: NodeId
    on_fail: NodeId | None = None
    next: NodeId | None = None
    note: str | None = None


Node = Annotated[
    MessageNode | LanguageNode | MenuNode | HoursNode | ClosedNode | TransferNode
    | VoicemailNode | HangupNode | CardNode | PostcodeNode | OperatorsNode | CallbackNode
    | InterpretingNode,
    Field(discriminator="kind"),
]
INPUT_KINDS = ("language", "menu", "card", "postcode", "callback", "interpreting")


class ComebackCall(Model):
    """A call the helpline places (``ivr worker``): the node it starts at, and the service
    whose opening hours it keeps."""

    service: str
    node: NodeId


class Keys(Model):
    """The keys that mean the same in every menu."""

    repeat: KeypadKey = "0"
    back: KeypadKey = "*"


class Timeouts(Model):
    """Default waits, in seconds."""

    gather: Seconds = 6
    transfer: Annotated[int, Field(ge=5, le=600)] = 30
    postcode: Seconds = 10


class Flow(Model):
    """The whole call flow: where a call starts, where failures end, and every node."""

    entry: NodeId
    home: NodeId
    last_resort: NodeId | None = None
    default_languages: Annotated[list[LangCode], Field(min_length=1)] = ["pt_PT", "en"]
    max_attempts: Annotated[int, Field(ge=1, le=5)] = 3
    keys: Keys = Keys()
    timeouts: Timeouts = Timeouts()
    callbacks: dict[CallbackSource, ComebackCall] = {}  # by the `source` of callback nodes
    bookings: ComebackCall | None = None  # interpreting sessions booked by entities
    nodes: dict[NodeId, Node]


# -- directory.yaml -------------------------------------------------------------------------


class Entry(Model):
    """A service, centre or office callers can be told about or put through to."""

    name: str
    about: str | None = None
    phones: list[PhoneNumber] = []
    email: EmailAddress | None = None
    address: list[str] = []
    website: str | None = None
    hours: str | None = None
    public_services: list[str] = []
    located_at: list[str] = []
    sample: bool = False
    note: str | None = None


class Directory(Model):
    """Every service and number the flow may name."""

    public_services: dict[str, str] = {}
    entries: dict[str, Entry]


# -- hours.yaml -----------------------------------------------------------------------------


class HolidaySpec(Model):
    """Which public holidays close a service."""

    country: Literal["PT"] = "PT"
    subdiv: str | None = None


class ClosureSpec(Model):
    """Days a service is closed beyond the holidays (inclusive range)."""

    from_: date = Field(alias="from")
    to: date | None = None
    reason: str


class OpeningSpec(Model):
    """A day with special hours that replace the usual ones."""

    date: date
    hours: list[str]
    reason: str


class ServiceSpec(Model):
    """The opening hours of one service."""

    weekly: dict[str, list[str]]
    holidays: HolidaySpec | None = HolidaySpec()
    closures: list[ClosureSpec] = []
    openings: list[OpeningSpec] = []
    sample: bool = False
    note: str | None = None


class HoursFile(Model):
    """The hours of every service, in one time zone."""

    timezone: Literal["Europe/Lisbon"] = "Europe/Lisbon"
    services: dict[str, ServiceSpec]


# -- prompts.yaml ---------------------------------------------------------------------------


class PromptSpec(Model):
    """The English source of a prompt and the note translators see."""

    text: Annotated[str, AfterValidator(_has_text)]
    plural: Annotated[str, AfterValidator(_has_text)] | None = None
    note: str | None = None


def _has_text(value: str) -> str:
    """Refuse a prompt that would say nothing."""
    if not value.strip():
        raise ValueError("a prompt with no text")
    return value


def _prompt_spec(value: Any) -> Any:
    """Let ``id: "text"`` stand for ``id: {text: "text"}``."""
    return {"text": value} if isinstance(value, str) else value


class PromptsFile(Model):
    """Every prompt of the helpline, by id."""

    prompts: dict[PromptId, Annotated[PromptSpec, BeforeValidator(_prompt_spec)]]
