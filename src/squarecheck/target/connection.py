"""What every client of one run shares: the socket pool, secrets, ledger, bounds and policy,
and whether the run may still send anything.

A run stops sending for two reasons. The circuit breaker `halt`s the connection: every further
request is a `ToolError` naming why (an error, never a verdict). A signal `interrupt`s it:
every further request, and every `checkpoint` a long piece of work passes (drawing generated
cases), raises `Interrupted`, which no `except Exception` swallows, so the run stops within
one request even where a library swallowed the first KeyboardInterrupt. `answers` counts the
target's answers, so the breaker can tell a dead target from one request that hangs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from squarecheck.errors import Interrupted, ToolError
from squarecheck.target import transport
from squarecheck.target.bounds import Limits
from squarecheck.target.ledger import Ledger
from squarecheck.target.redaction import Redactor
from squarecheck.target.retry import RetryPolicy


@dataclass
class Connection:
    """What every client of one run shares: the socket pool, secrets, ledger, bounds, policy."""

    base_url: str
    redactor: Redactor
    ledger: Ledger
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    create_orders: bool = False  # orders cannot be deleted on Square: only when allowed
    limits: Limits = field(default_factory=Limits)
    sleep: Callable[[float], None] = time.sleep
    http: transport.Pipe = field(init=False)
    #: why no request may be sent any more (an open circuit breaker, an interrupted run)
    halted: str | None = None
    #: the signal that interrupted the run, if one did
    interrupted_by: str | None = None
    #: answers the target gave (429s excepted): whether it still answers at all
    answers: int = 0
    #: what does not change while a run is on (a seller's main location), asked once per
    #: token and version by the checks that only build on it
    settled: dict[tuple[str, ...], Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.http = transport.Pipe(self.base_url, self.limits.deadline)

    def halt(self, reason: str) -> None:
        """Refuse every further request (each becomes a ToolError naming `reason`)."""
        self.halted = self.halted or reason

    def interrupt(self, signal_name: str) -> None:
        """A signal stopped the run: every further request raises Interrupted."""
        self.interrupted_by = self.interrupted_by or signal_name
        self.halt(f"interrupted by {self.interrupted_by}")

    def checkpoint(self) -> None:
        """Raise Interrupted if a signal stopped the run: work between requests calls it."""
        if self.interrupted_by is not None:
            raise Interrupted(self.interrupted_by)

    def may_send(self) -> None:
        """Raise what a request must if the run may not send it (interrupted, or halted)."""
        self.checkpoint()
        if self.halted:
            raise ToolError(f"not sent: {self.halted}")

    def close(self) -> None:
        self.http.close()
