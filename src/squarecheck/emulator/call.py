"""The frame every handler receives: one request, already authenticated and versioned.

A handler reads the request from its `Call` (path and query parameters, the parsed body), asks
the table through `call.expect(...)` what the version wants, works on the domain's storage
(`customers` or `commerce`, both carried here so neither domain looks the other up) and
returns the success body; failures are raised as `SquareError`s.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from squarecheck.emulator.commerce.store import CommerceStore
from squarecheck.emulator.config import EmulatorConfig
from squarecheck.emulator.core.bodyparse import ParsedBody
from squarecheck.emulator.core.versioning import VersionContext
from squarecheck.emulator.customers.store import CustomerStore
from squarecheck.spec.table import Expect

Body = dict[str, Any]


@dataclass(frozen=True)
class Call:
    """Everything a handler may read about one request."""

    customers: CustomerStore
    commerce: CommerceStore
    token: str
    version: VersionContext
    path: Mapping[str, str]
    query: Mapping[str, str]
    body: ParsedBody | None = None
    #: request headers a handler reads (X-Clear-Null), names in lower case
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def config(self) -> EmulatorConfig:
        return self.customers.config

    def expect(self, behaviour_id: str) -> Expect:
        return self.version.expect(behaviour_id)


Handler = Callable[[Call], Body]
