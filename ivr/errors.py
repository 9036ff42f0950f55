"""The one error hierarchy of ivr.

    IvrError
     ├── ConfigError        a setting is missing or malformed
     ├── MenuError          admin YAML failed to load or check (carries every Problem)
     ├── CatalogueError     a configured language has no usable catalogue
     ├── EngineError        the call state machine met an illegal state or event
     │    └── UnknownNode   a URL named a node the menu does not have
     └── SimulatorError     the Twilio simulator could not run a call

The CLI turns any IvrError into one readable sentence and a non-zero exit.
"""

from __future__ import annotations


class IvrError(Exception):
    """Base of every error ivr raises on purpose."""


class ConfigError(IvrError):
    """A setting is missing or malformed."""


class CatalogueError(IvrError):
    """A configured language has no usable translation catalogue."""


class EngineError(IvrError):
    """The call state machine met an illegal state or event."""


class UnknownNode(EngineError):
    """A webhook URL named a node that the menu does not have."""

    def __init__(self, node: str) -> None:
        super().__init__(f"unknown node {node!r}")
        self.node = node


class SimulatorError(IvrError):
    """The Twilio simulator could not run a call."""
