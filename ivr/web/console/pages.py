"""The console's pages that only show things: the menu picture, calendars, coverage, calls.

    GET /console/menu          the call flow drawn by Graphviz (else Mermaid and DOT text)
    GET /console/menu.svg      the drawing itself
    GET /console/calendar      each service's next 14 days (``?at=`` another moment)
    GET /console/coverage      translations and recordings, prompt by language
    GET /console/calls         recent calls and pending callbacks from the store

Rules of this module:
- every page is plain HTML that works without JavaScript;
- drawings and coverage are cached per loaded runtime: a safe reload makes new ones;
- caller numbers are shown masked, whatever the store keeps.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from flask import Response, abort, current_app, render_template, request

from ivr.errors import IvrError
from ivr.graph import diagram
from ivr.graph_formats import GraphvizError, render, to_dot, to_mermaid
from ivr.i18n import LANGUAGES
from ivr.preview import preview_service
from ivr.privacy import mask_number
from ivr.prompts_command import load_texts
from ivr.recordings import Coverage
from ivr.simulator.clock import parse_at
from ivr.store import StoreError
from ivr.variants import fixed_variants
from ivr.web.console.blueprint import bp
from ivr.web.console.events import html_lang
from ivr.web.runtime import Runtime
from ivr.web.voice import runtime

log = logging.getLogger(__name__)
DAYS = 14
LISBON = ZoneInfo("Europe/Lisbon")
RECENT_CALLS = 50
T = TypeVar("T")
_cache: dict[tuple[str, int], tuple[Runtime, Any]] = {}
_lock = threading.Lock()


def cached(name: str, rt: Runtime, make: Callable[[], T]) -> T:
    """Return what ``make`` builds for this runtime, building it once per runtime."""
    key = (name, id(rt))
    with _lock:
        found = _cache.get(key)
    if found is not None and found[0] is rt:
        value: T = found[1]
        return value
    value = make()
    with _lock:
        for old in [k for k in _cache if k[0] == name]:
            del _cache[old]
        _cache[key] = (rt, value)
    return value


def _drawing(rt: Runtime) -> bytes | None:
    """Return the menu drawn as SVG, or None when Graphviz is not installed."""
    def draw() -> bytes | None:
        try:
            return render(to_dot(diagram(rt.menu)), "svg")
        except GraphvizError as exc:
            log.info("the console shows the menu as text: %s", exc)
            return None
    return cached("svg", rt, draw)


@bp.get("/menu")
def menu() -> str:
    """Show the call flow: the drawing, or the text to draw it elsewhere."""
    rt = runtime()
    picture = diagram(rt.menu)
    return render_template("console/menu.html", title="Menu", has_svg=_drawing(rt) is not None,
                           mermaid=to_mermaid(picture), dot=to_dot(picture),
                           nodes=len(picture.boxes), arrows=len(picture.arrows))


@bp.get("/menu.svg")
def menu_svg() -> Response:
    """Send the drawing of the call flow."""
    svg = _drawing(runtime())
    if svg is None:
        abort(404)
    return Response(svg, mimetype="image/svg+xml")


@bp.get("/calendar")
def calendar() -> Any:
    """Show each service's hours over the next 14 days, open or closed at a moment."""
    rt = runtime()
    at_text = request.args.get("at", "").strip()
    error = None
    at: datetime = rt.clock.now()
    if at_text:
        try:
            at = parse_at(at_text)
        except IvrError as exc:
            error = str(exc).replace("--at ", "")
    previews = [preview_service(rt.menu, name, at, DAYS) for name in rt.menu.hours]
    status = 400 if error else 200
    return render_template("console/calendar.html", title="Calendar", previews=previews,
                           at=at, at_value=at.strftime("%Y-%m-%dT%H:%M"), error=error,
                           days=previews[0].days if previews else ()), status


@bp.get("/coverage")
def coverage() -> str:
    """Show, per language, what is translated and recorded, and the prompt matrix."""
    rt = runtime()
    found = cached("coverage", rt, lambda: _coverage(rt))
    summaries = [found.language(code) for code in LANGUAGES]
    return render_template("console/coverage.html", title="Prompt coverage", coverage=found,
                           summaries=summaries, languages=LANGUAGES, html_lang=html_lang)


def _coverage(rt: Runtime) -> Coverage:
    """Load every language's catalogue beside the running menu, its sentences and
    recordings."""
    locales = Path(current_app.config["IVR_LOCALES"])
    return Coverage(rt.menu.sources, load_texts(locales), rt.resolver.recorded,
                    fixed_variants(rt.menu, rt.resolver))


@bp.get("/calls")
def calls() -> str:
    """Show the latest calls and the callbacks still to be made."""
    rt = runtime()
    recent, pending, problem = [], [], None
    if rt.store is None:
        problem = "No store is connected: calls and callbacks are not recorded."
    else:
        try:
            recent = rt.store.recent_calls(RECENT_CALLS)
            pending = rt.store.pending_callbacks()
        except StoreError as exc:
            problem = f"The store cannot be read now: {exc}"
    return render_template("console/calls.html", title="Calls and callbacks", calls=recent,
                           callbacks=pending, problem=problem, mask=mask_number,
                           languages=LANGUAGES)


@bp.app_template_filter("lisbon")
def lisbon(moment: datetime) -> str:
    """Show an instant as Lisbon wall time, to the minute."""
    return moment.astimezone(LISBON).strftime("%Y-%m-%d %H:%M")
