"""The registry of clinical tests: every face of hiprom finds a test here by name.

>>> from hiprom import protocols
>>> protocols.get("hip-ir").positions
('supine', 'seated', 'prone')
"""

from __future__ import annotations

from hiprom.errors import BadInputError
from hiprom.protocols.base import Analysed, Cell, EntryView, Measure, Options, Outputs, Protocol, RunResult
from hiprom.protocols.hip_ir import HipIR
from hiprom.protocols.knee_to_chest import KneeToChest

__all__ = [
    "Analysed",
    "Cell",
    "EntryView",
    "Measure",
    "Options",
    "Outputs",
    "Protocol",
    "RunResult",
    "all_protocols",
    "get",
    "names",
    "register",
]

_REGISTRY: dict[str, Protocol] = {}


def register(protocol: Protocol) -> Protocol:
    """Add a test to the registry (its ``name`` must be new); returns it."""
    if protocol.name in _REGISTRY:
        raise ValueError(f"a protocol named {protocol.name!r} is already registered")
    _REGISTRY[protocol.name] = protocol
    return protocol


def get(name: str) -> Protocol:
    """The registered test called ``name``; :class:`BadInputError` naming the known ones otherwise."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise BadInputError(f"unknown test {name!r}: use {' or '.join(_REGISTRY)}", option="test") from None


def names() -> tuple[str, ...]:
    """The registered tests' names, in registration order."""
    return tuple(_REGISTRY)


def all_protocols() -> tuple[Protocol, ...]:
    return tuple(_REGISTRY.values())


register(KneeToChest())
register(HipIR())
