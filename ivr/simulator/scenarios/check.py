"""Compare what happened on a call with what a scenario expects; one line per failure."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from ivr.simulator.console import describe
from ivr.simulator.scenarios.loader import LoadedScenario
from ivr.simulator.scenarios.model import TEXT_FIELDS, StepExpectation
from ivr.simulator.transcript import CallResult, Step


def failures(loaded: LoadedScenario, result: CallResult) -> list[str]:
    """Return every unmet expectation as ``file:line:col: what went wrong``."""
    expect = loaded.scenario.expect
    found = _steps(loaded, result)
    found += _never_said(loaded, result, expect.never_say)
    found += _requests(loaded, result, expect.requests)
    codes = {notice.code for notice in result.notices}
    for index, code in enumerate(expect.warnings):
        if code not in codes:
            found.append(
                f"{loaded.where('expect', 'warnings', index)}: no warning {code} was given"
            )
    end = expect.end
    if end is not None:
        if end.reason is not None and end.reason != str(result.end.reason):
            where = loaded.where("expect", "end", "reason")
            found.append(f"{where}: the call ended {result.end.reason!s}, not {end.reason}")
        if "error_code" in end.model_fields_set and end.error_code != result.end.error_code:
            where = loaded.where("expect", "end", "error_code")
            found.append(
                f"{where}: the error code was {result.end.error_code}, not {end.error_code}"
            )
    return found


def _steps(loaded: LoadedScenario, result: CallResult) -> list[str]:
    """Check the expected steps happen in order (other steps may come between)."""
    found, cursor = [], 0
    for index, wanted in enumerate(loaded.scenario.expect.steps):
        match = next(
            (
                i
                for i in range(cursor, len(result.steps))
                if matches(wanted, result.steps[i], result)
            ),
            None,
        )
        if match is not None:
            cursor = match + 1
            continue
        after = f"after step {cursor} ({_show(result.steps[cursor - 1])})" if cursor else "anywhere"
        line = f"{loaded.where('expect', 'steps', index)}: expected {wanted.describe()} {after}"
        near = next(
            (s for s in result.steps[cursor:] if _same_leg_and_verb(wanted, s, result)), None
        )
        if near is not None:
            line += f"; the next {near.verb} was {_show(near)}"
        found.append(line)
    return found


def _show(step: Step) -> str:
    return f"{step.verb} {describe(step)}".strip()


def _same_leg_and_verb(wanted: StepExpectation, step: Step, result: CallResult) -> bool:
    return step.verb == wanted.verb and _on_leg(wanted.leg, step, result)


def _on_leg(leg: str, step: Step, result: CallResult) -> bool:
    if leg == "any":
        return True
    if leg == "caller":
        return step.leg == result.call_sid
    return leg in {step.leg, result.label(step.leg)}


def matches(wanted: StepExpectation, step: Step, result: CallResult) -> bool:
    """Tell whether a step meets an expectation."""
    if not _same_leg_and_verb(wanted, step, result):
        return False
    return all(_meets(name, step.fields.get(name), want) for name, want in wanted.fields.items())


def _meets(name: str, got: Any, want: Any) -> bool:
    if isinstance(want, dict) and set(want) == {"regex"}:
        return got is not None and re.search(str(want["regex"]), str(got)) is not None
    if name in TEXT_FIELDS and isinstance(want, str):
        return got is not None and want.casefold() in str(got).casefold()
    return _equal(got, want)


def _equal(got: Any, want: Any) -> bool:
    if got is None or want is None:
        return got is want
    if isinstance(want, list) and isinstance(got, list):
        return len(got) == len(want) and all(map(_equal, got, want))
    return str(got) == str(want)


def _never_said(loaded: LoadedScenario, result: CallResult, phrases: list[str]) -> list[str]:
    """Check no prompt on the caller's leg contains a forbidden phrase."""
    found = []
    for index, phrase in enumerate(phrases):
        for number, step in enumerate(result.steps, 1):
            text = str(step.fields.get("text") or "")
            if step.leg == result.call_sid and phrase.casefold() in text.casefold():
                where = loaded.where("expect", "never_say", index)
                found.append(f"{where}: step {number} said {text!r}")
                break
    return found


def _requests(loaded: LoadedScenario, result: CallResult, paths: list[str]) -> list[str]:
    """Check these paths were requested in this order."""
    found, cursor = [], 0
    requested = [_path(request.url) for request in result.requests]
    for index, path in enumerate(paths):
        want = path if "?" in path else path.split("?")[0]
        hits = [i for i in range(cursor, len(requested)) if _request_matches(requested[i], want)]
        if hits:
            cursor = hits[0] + 1
            continue
        where = loaded.where("expect", "requests", index)
        found.append(f"{where}: {path} was not requested after request {cursor}")
    return found


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def _request_matches(requested: str, want: str) -> bool:
    return requested == want or requested.split("?")[0] == want
