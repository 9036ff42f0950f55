"""The schema of a scenario file: a call (the ``ivr call`` options) and what must happen.

    name: A caller chooses Portuguese and hears the main menu
    call:                            # the ivr call options; default app: the helpline
      app: apps.py:create_app        # module:factory, or a file relative to this one
      at: 2026-03-02T10:00
      input: ["1", "2"]
      dial: {"+351210000101": "answer:1"}
      also: ["after=60; from=+351210000150; input=1"]
      hangup-after: 120              # the caller hangs up 120 s into the call
    expect:
      steps:                         # in this order; other steps may come between
        - say: Bem-vindo             # a substring (any case), or {regex: ...}
          language: pt-PT
        - gather: "1"                # a bare value checks the verb's main field
        - dial: {numbers: ["+351210000101"], status: completed, duration: 60}
        - say: Olá
          leg: call 2                # caller (default), any, a leg's label or CallSid
      never_say: [application error]
      requests: [/voice/incoming, /voice/menu]   # paths (with queries) in this order
      warnings: [12300]              # codes that must be among the warnings
      end: {reason: completed, error_code: null}

A file holds one scenario or a list of them. Option names may use dashes or underscores
(``dial-default``, ``max_steps``). Conditions may name any field a step knows, including
those the JSON leaves out (a Dial's ``duration`` and ``call_sid``). Without ``input`` every
Gather and Record hears silence: scenarios are never interactive.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ivr.errors import SimulatorError
from ivr.simulator.clock import parse_at
from ivr.simulator.simulator import DEFAULT_FROM, DEFAULT_MAX_STEPS, DEFAULT_TO
from ivr.simulator.targets import DEFAULT_APP, DEFAULT_PATH, IN_PROCESS_BASE_URL

#: Each verb's field a bare value is compared with (``say: Olá`` means its text).
PRIMARY_FIELD = {
    "say": "text",
    "play": "url",
    "pause": "length",
    "gather": "digits",
    "record": "recording_url",
    "dial": "status",
    "enqueue": "queue",
    "redirect": "url",
    "sms": "body",
}
VERBS = {**{verb: verb.capitalize() for verb in PRIMARY_FIELD}, "sms": "Sms"}
VERBS |= {"hangup": "Hangup", "reject": "Reject", "leave": "Leave"}
#: Fields compared as substrings (or a regex), not for equality.
TEXT_FIELDS = frozenset({"text", "speech", "url", "action", "recording_url", "body"})


def _dashed(name: str) -> str:
    return name.replace("_", "-")


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, alias_generator=_dashed, populate_by_name=True
    )


class Call(_Strict):
    """The same options as ``ivr call``."""

    to: str = DEFAULT_TO
    from_: str = Field(DEFAULT_FROM, alias="from")
    at: datetime | None = None
    url: str = DEFAULT_PATH
    app: str = DEFAULT_APP
    base_url: str = IN_PROCESS_BASE_URL
    method: str = "POST"
    auth_token: str | None = None
    account_sid: str | None = None
    input: list[str] = []
    dial: dict[str, str] | list[str] = {}
    dial_default: str | None = None
    also: list[str] = []
    hangup_after: float | None = Field(None, ge=0)
    max_steps: int = Field(DEFAULT_MAX_STEPS, ge=1)
    seed: int | None = None
    fallback_url: str | None = None
    status_callback: str | None = None
    transcripts: dict[str, str] = {}

    @field_validator("at", mode="before")
    @classmethod
    def _lisbon(cls, value: object) -> object:
        """Read times without an offset as Lisbon wall time, like ``--at``."""
        try:
            if isinstance(value, str):
                return parse_at(value)
            if isinstance(value, datetime) and value.tzinfo is None:
                return parse_at(value.isoformat())
        except SimulatorError as exc:
            raise ValueError(str(exc)) from None
        return value

    @field_validator("input", mode="before")
    @classmethod
    def _as_text(cls, value: object) -> object:
        """Keep keys as text even when YAML reads ``1`` as a number."""
        if isinstance(value, list):
            return ["" if item is None else str(item) for item in value]
        return value

    def dial_options(self) -> tuple[str, ...]:
        """Return the dial scripts as ``NUMBER=OUTCOME`` options."""
        if isinstance(self.dial, dict):
            return tuple(f"{number}={outcome}" for number, outcome in self.dial.items())
        return tuple(self.dial)


class StepExpectation(BaseModel):
    """One step that must happen: a verb and conditions on its fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    verb: str
    fields: dict[str, Any] = {}
    leg: str = "caller"

    @model_validator(mode="before")
    @classmethod
    def _from_yaml(cls, data: object) -> object:
        """Read ``{say: Olá, language: pt-PT}`` as verb Say with two conditions."""
        if not isinstance(data, dict) or "verb" in data:
            return data
        verbs = [key for key in data if key in VERBS]
        if len(verbs) != 1:
            raise ValueError(f"name exactly one verb of: {', '.join(sorted(VERBS))}")
        key = verbs[0]
        value = data[key]
        conditions = {k: v for k, v in data.items() if k not in {key, "leg"}}
        if isinstance(value, dict) and set(value) != {"regex"}:
            conditions |= value
        elif value is not None and not (value is True and key not in PRIMARY_FIELD):
            conditions[PRIMARY_FIELD.get(key, "value")] = value
        return {"verb": VERBS[key], "fields": conditions, "leg": str(data.get("leg", "caller"))}

    def describe(self) -> str:
        """Return the expectation as a reader would say it."""
        shown = ", ".join(f"{name} {value!r}" for name, value in self.fields.items())
        return f"{self.verb}{' ' + shown if shown else ''}"


class EndExpectation(_Strict):
    """How the call must end."""

    reason: str | None = None
    error_code: int | None = None  # checked only when the file gives it (null included)


class Expect(_Strict):
    """What must happen on the call."""

    steps: list[StepExpectation] = []
    never_say: list[str] = []
    requests: list[str] = []
    warnings: list[int] = []
    end: EndExpectation | None = None


class Scenario(_Strict):
    """One scripted call and its expectations."""

    name: str
    call: Call = Field(default_factory=lambda: Call.model_validate({}))
    expect: Expect = Field(default_factory=lambda: Expect.model_validate({}))
