"""One tester's call, as ``ivr call`` options or a scenario file describe it.

``Setup`` holds the options; ``run_setup`` checks them (one readable sentence per mistake),
builds the simulator with its transport, places the call and any extra calls, and returns
the result. The helpline (``ivr.web``) is imported only here, lazily, when it is the target.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin

from ivr.errors import SimulatorError
from ivr.simulator.actors import Actor, ScriptedActor, parse_reply
from ivr.simulator.legs import StatusCallback, Target
from ivr.simulator.parties import DialPlan, OutcomeChooser, parse_dial_option, parse_outcome
from ivr.simulator.simulator import (
    DEFAULT_FROM,
    DEFAULT_MAX_STEPS,
    DEFAULT_TO,
    CallPlan,
    Simulator,
)
from ivr.simulator.targets import (
    DEFAULT_APP,
    DEFAULT_PATH,
    IN_PROCESS_BASE_URL,
    DeferredApp,
    build_app,
    load_factory,
)
from ivr.simulator.transcript import CallResult, Observer
from ivr.simulator.transport import HTTPTransport, Transport, WSGITransport


@dataclass(frozen=True)
class Setup:
    """Everything that decides how a simulated call goes."""

    to: str = DEFAULT_TO
    from_: str = DEFAULT_FROM
    at: datetime | None = None
    url: str = DEFAULT_PATH
    app: str = DEFAULT_APP
    base_url: str = IN_PROCESS_BASE_URL
    method: str = "POST"
    auth_token: str | None = None
    account_sid: str | None = None
    inputs: tuple[str, ...] | None = None
    dial: tuple[str, ...] = ()
    dial_default: str | None = None
    max_steps: int = DEFAULT_MAX_STEPS
    seed: int | None = None
    fallback_url: str | None = None
    status_callback: str | None = None
    also: tuple[str, ...] = ()
    hangup_after: float | None = None
    transcripts: Mapping[str, str] = field(default_factory=dict)
    api_port: int = 0
    base_dir: Path | None = None

    @property
    def is_remote(self) -> bool:
        """Tell whether the call goes over HTTP to an app running elsewhere."""
        return self.url.startswith(("http://", "https://")) and not self.url.startswith(
            self.base_url
        )


@dataclass
class Session:
    """A simulator wired to its target, ready to place calls."""

    simulator: Simulator
    url: str
    setup: Setup


def open_session(
    setup: Setup,
    observers: Iterable[Observer] = (),
    chooser: OutcomeChooser | None = None,
) -> Session:
    """Check the setup and build the simulator and its transport."""
    if setup.is_remote and setup.at is not None:
        raise SimulatorError(
            "--at cannot be used with a URL: the app there reads its own clock, not the simulator's"
        )
    if setup.max_steps < 1:
        raise SimulatorError("--max-steps must be at least 1")
    if setup.hangup_after is not None and setup.hangup_after < 0:
        raise SimulatorError("--hangup-after takes seconds from the start of the call, not less")
    deferred = DeferredApp()
    transport: Transport
    if setup.is_remote:
        transport, url, token = HTTPTransport(), setup.url, setup.auth_token
    else:
        transport = WSGITransport(deferred, setup.base_url)
        url = urljoin(setup.base_url, setup.url)
        token = setup.auth_token or secrets.token_hex(16)
    simulator = Simulator(
        transport,
        at=setup.at,
        seed=setup.seed,
        auth_token=token,
        account_sid=setup.account_sid,
        dial_plan=dial_plan(setup, chooser),
        max_steps=setup.max_steps,
        observers=observers,
        transcripts=setup.transcripts,
    )
    if not setup.is_remote:
        factory = load_factory(setup.app, setup.base_dir)
        deferred.app = build_app(
            factory,
            clock=simulator.clock,
            http_client=simulator.http_client(),
            auth_token=token or "",
            account_sid=simulator.account_sid,
        )
    return Session(simulator, url, setup)


def dial_plan(setup: Setup, chooser: OutcomeChooser | None) -> DialPlan:
    """Return what dialled parties do: the --dial scripts, the default, else the chooser."""
    scripts = dict(parse_dial_option(option) for option in setup.dial)
    default = parse_outcome(setup.dial_default) if setup.dial_default else None
    return DialPlan(scripts, default, chooser)


def plan_calls(session: Session, tester: Actor | None) -> tuple[CallPlan, list[CallPlan]]:
    """Return the tester's call and the extra calls ``also`` asks for."""
    setup = session.setup
    if tester is None:
        tester = ScriptedActor([parse_reply(value) for value in setup.inputs or ()])
    fallback = Target(urljoin(session.url, setup.fallback_url)) if setup.fallback_url else None
    callback = None
    if setup.status_callback:
        events = frozenset({"initiated", "ringing", "answered", "completed"})
        callback = StatusCallback(urljoin(session.url, setup.status_callback), events=events)
    main = CallPlan(
        session.url,
        setup.to,
        setup.from_,
        setup.method,
        tester,
        fallback=fallback,
        status_callback=callback,
        hangup_after_s=setup.hangup_after,
    )
    others = [parse_also(text, session.url, index) for index, text in enumerate(setup.also, 2)]
    return main, others


def parse_also(text: str, url: str, index: int) -> CallPlan:
    """Read ``--also "after=60;from=+351...;input=1;talk=30;hangup=90"``: another call in.

    ``talk`` is how long the person stays once connected to someone; ``hangup`` is when they
    hang up, counted from the start of their call, wherever it stands.
    """
    fields: dict[str, str] = {}
    replies = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        name, equals, value = part.partition("=")
        if not equals or name not in {"after", "from", "to", "input", "talk", "hangup", "url"}:
            raise SimulatorError(
                f"--also part {part!r} is not after=, from=, to=, input=, talk=, hangup= or url="
            )
        if name == "input":
            replies.append(parse_reply(value))
        else:
            fields[name] = value
    try:
        after = float(fields.get("after", "0"))
        talk = float(fields["talk"]) if "talk" in fields else 60.0
        hangup = float(fields["hangup"]) if "hangup" in fields else None
    except ValueError:
        raise SimulatorError(f"--also {text!r}: after=, talk= and hangup= take seconds") from None
    return CallPlan(
        urljoin(url, fields.get("url", url)),
        fields.get("to", DEFAULT_TO),
        fields.get("from", f"+35121000{index:04d}"),
        actor=ScriptedActor(replies, talk),
        after_s=after,
        label=f"call {index}",
        hangup_after_s=hangup,
    )


def run_setup(
    setup: Setup,
    observers: Iterable[Observer] = (),
    tester: Actor | None = None,
    chooser: OutcomeChooser | None = None,
) -> CallResult:
    """Run one scripted or interactive call from start to end."""
    session = open_session(setup, observers, chooser)
    main, others = plan_calls(session, tester)
    server = None
    if setup.is_remote:
        server = session.simulator.serve_api(setup.api_port)
        session.simulator.world.transcript.note(
            "", f"fake Twilio REST API at {server.url} (account {session.simulator.account_sid})"
        )
    try:
        return session.simulator.call(main, others)
    finally:
        if server is not None:
            server.close()
