"""Helpers of the STT tests: phone the real app through the simulator with a store of its own.

Wednesday 9 December 2026 at 15:30 the STT is open. The shipped (sample) roster then has
five Ukrainian interpreters on shift, claimed in this order: stt_005 (m, certified), stt_002
(m), stt_003 (f), stt_103 (f), all recognised, then stt_006 (m, provisional).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from support import ROOT, simulate

from ivr.menu import load_menu
from ivr.routing.allocation import roster_specs
from ivr.simulator.transcript import CallResult
from ivr.store import SqlStore, open_store

AT = "2026-12-09T15:30"
MENU = load_menu(ROOT / "menus")
CODES: dict[str, str] = YAML(typ="safe").load(ROOT / "tests/routing/sample_codes.yaml")
ACCOUNT = "4021170"  # Hospital Distrital de Vale Fundo
ENTITY = ("2", "2", f"{ACCOUNT}#", f"{CODES[ACCOUNT]}#")  # English, STT, identified
FALLBACK = "+351210000999"
DESK = "+351210000102"
UKRAINIAN = ["stt_005", "stt_002", "stt_003", "stt_103", "stt_006"]


def phone_of(agent_id: str) -> str:
    """Return an interpreter's phone number."""
    assert MENU.rosters is not None
    return MENU.rosters.interpreters[agent_id].phone


def phone(tmp_path: Path, *inputs: str, at: str = AT, talk: float | None = 120,
          **options: Any) -> CallResult:
    """Phone the helpline as an entity who stays ``talk`` seconds once someone joins them.

    The call records, written behind the webhooks, are all in the store on return.
    """
    settings = {"IVR_FALLBACK_NUMBER": FALLBACK, **options.pop("settings", {})}
    result: CallResult = simulate(tmp_path, *inputs, at=at, talk=talk, settings=settings,
                                  **{"seed": 5, **options})
    return result


def store_of(tmp_path: Path) -> SqlStore:
    """Open the test's store (close it after use)."""
    return open_store(None, tmp_path / "instance")


def prepared_store(tmp_path: Path) -> SqlStore:
    """Open the test's store with the roster in it, before the app starts."""
    store = store_of(tmp_path)
    assert MENU.rosters is not None
    store.sync_agents(roster_specs(MENU.rosters))
    return store


def said(result: CallResult, leg: str | None = None) -> str:
    """Join what one leg heard (the entity's by default)."""
    own = leg or result.call_sid
    return " ".join(str(s.fields["text"]) for s in result.steps
                    if s.verb == "Say" and s.leg == own)


def heard_by_others(result: CallResult) -> str:
    """Join what every other leg heard (interpreters, migrants)."""
    return " ".join(str(s.fields["text"]) for s in result.steps
                    if s.verb == "Say" and s.leg != result.call_sid)


def placed(result: CallResult) -> list[str]:
    """List the numbers the app called through the REST API, a call each, in order."""
    legs = dict.fromkeys(r.leg for r in result.requests if "/voice/leg?" in r.url)
    return [result.label(leg) for leg in legs]
