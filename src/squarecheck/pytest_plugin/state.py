"""What one pytest process knows about the run: settings, connection, ledger, records."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pytest

from squarecheck.checks import Check
from squarecheck.checks.convergence import Convergence
from squarecheck.options import Settings
from squarecheck.results import CheckRecord, Outcome, now_iso
from squarecheck.target.client import Connection
from squarecheck.target.ledger import Ledger
from squarecheck.target.redaction import Redactor
from squarecheck.target.resolve import Target


@dataclass
class RunState:
    """Per-process state: the connection, the ledger, the emulator's tokens, collected records,
    and the circuit breaker (tool errors in a row, and why the run stopped, if it did)."""

    settings: Settings
    redactor: Redactor
    records: list[CheckRecord] = field(default_factory=list)
    leftovers: int = 0
    target: Target | None = None
    conn: Connection | None = None
    ledger: Ledger | None = None
    token: str | None = None
    second_token: str | None = None
    search_timeout: float = 0.0
    convergence: Convergence | None = None
    started_at: str = field(default_factory=now_iso)
    started: float = field(default_factory=time.monotonic)
    errors_in_a_row: int = 0
    stopped: str | None = None
    #: the preflight's diagnosis when it stopped the run before any check
    preflight_failed: str | None = None
    #: lines the preflight had to say without stopping the run
    notes: list[str] = field(default_factory=list)
    #: the verdict's lines, printed after the progress (`reports.terminal`)
    verdict: list[str] = field(default_factory=list)
    #: the exit code squarecheck decided at the end of the session (None: pytest's stands)
    exit_code: int | None = None

    def stop(self, reason: str) -> None:
        """No further request: every remaining check is an error naming `reason`."""
        self.stopped = self.stopped or reason
        if self.conn is not None:
            self.conn.halt(self.stopped)

    def count(self, outcome: Outcome) -> None:
        """Count tool errors in a row; at --max-errors the circuit breaker opens."""
        if outcome in ("passed", "failed", "warned"):
            self.errors_in_a_row = 0
        elif outcome == "error":
            self.errors_in_a_row += 1
            limit = self.settings.max_errors
            if self.errors_in_a_row >= limit:
                self.stop(
                    f"circuit breaker: {limit} tool errors in a row (--max-errors {limit}); "
                    "the remaining checks were not run"
                )


STATE = pytest.StashKey[RunState]()
ACTIVE = pytest.StashKey[bool]()
CHECK = pytest.StashKey[Check]()
