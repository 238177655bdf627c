"""The fault catalogue and the two points where the app consults it (version, response).

`squarecheck selftest` runs the suites against `EmulatorServer(faults=(name,))` for each entry of
`CATALOGUE` and expects a failure in the behaviours the fault names. A fault acts at one of
three points, so the clean code path stays readable:

- version: how the Square-Version header is read, or which version a behaviour acts as
  (`version_header`, `version_overrides`, called by the app);
- storage: a domain's gates (`customers.gates`, `commerce.gates`) ask `LimitIgnored.on(config)`
  once per request, and storage obeys the gates value (those classes carry no code, only their
  name, description and behaviours; a misspelt class is an import error, not a silently
  disabled fault);
- response: a finished response is rewritten (`transform`, called by the app).
"""

from __future__ import annotations

import functools
from types import MappingProxyType
from typing import Any

from squarecheck.emulator.config import EmulatorConfig
from squarecheck.emulator.faults.base import Fault, Outgoing
from squarecheck.emulator.faults.commerce import COMMERCE_FAULTS
from squarecheck.emulator.faults.customers import CUSTOMER_FAULTS
from squarecheck.emulator.faults.pricing import PRICING_FAULTS

FAULTS: tuple[type[Fault], ...] = (*CUSTOMER_FAULTS, *COMMERCE_FAULTS, *PRICING_FAULTS)

#: name -> fault (read-only): `.description` and `.behaviours` for selftest and --list-faults.
CATALOGUE: MappingProxyType[str, Fault] = MappingProxyType({f.name: f() for f in FAULTS})


@functools.cache
def _active(faults: frozenset[str]) -> tuple[Fault, ...]:
    """The switched-on faults in name order (computed once per set: this runs per request)."""
    return tuple(CATALOGUE[name] for name in sorted(faults) if name in CATALOGUE)


def version_header(config: EmulatorConfig, header: str | None) -> str | None:
    """The Square-Version header as the emulator reads it."""
    for fault in _active(config.faults):
        header = fault.version_header(header)
    return header


def version_overrides(config: EmulatorConfig) -> tuple[tuple[str, str], ...]:
    """Behaviours an active fault makes act as under a fixed version."""
    return tuple(pair for fault in _active(config.faults) for pair in fault.version_overrides())


def transform(
    config: EmulatorConfig,
    operation: str,
    status: int,
    body: dict[str, Any],
    headers: dict[str, str],
) -> tuple[int, dict[str, Any], dict[str, str]]:
    """Bend a finished response the way the active faults would."""
    active = _active(config.faults)
    if not active:
        return status, body, headers
    response = Outgoing(operation, status, body, headers)
    for fault in active:
        fault.transform(response)
    return response.status, response.body, response.headers
