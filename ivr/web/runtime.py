"""What a running app needs to answer calls, built once at start-up.

The menu, the catalogues and the list of recordings are loaded here; a bad menu or a missing
catalogue stops the start with a clear error instead of failing a caller later.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ivr.clock import Clock
from ivr.config import sms_enabled
from ivr.engine.services import Allocator, Records, Services, Telephony
from ivr.errors import CatalogueError
from ivr.i18n import LANGUAGES, load_catalogues, speaking_language
from ivr.menu import Menu, load_menu
from ivr.menu.model import LanguageNode
from ivr.prompts import Resolver, find_recordings
from ivr.store import SqlStore
from ivr.web.recorder import CallRecorder
from ivr.web.twilio_api import Messenger

RUNTIME_KEY = "ivr"
RELOADER_KEY = "ivr.reloader"


@dataclass(frozen=True)
class Answer:
    """A rendered webhook answer, with what the call's record learns from it."""

    xml: str
    node: str
    lang: str | None
    outcomes: tuple[str, ...] = ()


class AnswerCache:
    """A bounded, thread-safe LRU of rendered answers."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Answer] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Answer | None:
        """Return a cached answer, marking it recently used."""
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Answer) -> None:
        """Keep an answer, forgetting the least recently used one when full."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


@dataclass
class Runtime:
    """The loaded menu and everything needed to speak it."""

    menu: Menu
    resolver: Resolver
    clock: Clock
    messenger: Messenger | None
    prompts_dir: Path
    answers: AnswerCache = field(default_factory=AnswerCache)
    allocator: Allocator | None = None
    telephony: Telephony | None = None
    records: Records | None = None
    fallback_number: str | None = None
    store: SqlStore | None = None
    recorder: CallRecorder | None = None

    def services(self) -> Services:
        """Return the services for one webhook (a fresh record of what it touches)."""
        return Services(self.allocator, self.telephony, self.records, self.fallback_number,
                        sessions=self.store)


def build_runtime(config: Mapping[str, Any], clock: Clock, messenger: Messenger | None
                  ) -> Runtime:
    """Load the menu, catalogues and recordings named by the settings."""
    menu = load_menu(Path(config["IVR_MENUS"]))
    languages = sorted(menu_languages(menu))
    check_voices(menu, languages)
    catalogues = load_catalogues(Path(config["IVR_LOCALES"]), languages)
    prompts_dir = Path(config["IVR_PROMPTS"])
    resolver = Resolver(menu.sources, catalogues, find_recordings(prompts_dir))
    if not sms_enabled(config):
        messenger = None
    fallback = str(config.get("IVR_FALLBACK_NUMBER") or "") or None
    return Runtime(menu, resolver, clock, messenger, prompts_dir, fallback_number=fallback)


def check_voices(menu: Menu, languages: list[str]) -> None:
    """Refuse a menu offering a language that neither Twilio nor its fallback can speak."""
    for code in languages:
        speaking_language(code)  # raises CatalogueError naming the language
    silent = [c for c in menu.flow.default_languages if not LANGUAGES[c].has_tts]
    if silent:
        raise CatalogueError("default_languages must have a Twilio voice (they greet every "
                             f"caller before a choice): {', '.join(silent)}")


def menu_languages(menu: Menu) -> set[str]:
    """Return every language a caller of this menu can hear, fallbacks included."""
    codes = set(menu.flow.default_languages)
    for node in menu.flow.nodes.values():
        if isinstance(node, LanguageNode):
            codes.update(c for c in node.options.values() if isinstance(c, str))
    for code in list(codes):
        fallback = LANGUAGES[code].fallback
        while fallback is not None:
            codes.add(fallback)
            fallback = LANGUAGES[fallback].fallback
    return codes
